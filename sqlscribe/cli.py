"""The ``sqlscribe`` command line."""

from __future__ import annotations

import argparse
import difflib
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from sqlscribe.databases import (
    DatabaseError,
    DatabaseOutcome,
    connect,
    document_database,
    is_database_url,
    plan_database,
)
from sqlscribe.dbt_project import (
    DbtError,
    Project,
    document_project,
    find_project,
    is_dbt_project,
    model_project,
    read_project,
)
from sqlscribe.ddl import DIALECTS, Table, UnknownDialectError, get_dialect, parse_sql
from sqlscribe.generate import BACKENDS, Backend, BackendConfig, make_backend
from sqlscribe.migrations import (
    SQL_SUFFIXES,
    forget,
    in_folder_order,
    in_version_order,
    is_repeatable_name,
    is_step,
    is_undo_path,
    layout,
    order_key,
    plan_in_folder,
    steady_files,
)
from sqlscribe.models import ModelError
from sqlscribe.prompt import PROMPT_STYLES
from sqlscribe.python_models import (
    ORM_SUFFIXES,
    Models,
    document_models,
    found_models,
    plan_models,
    read_models,
)
from sqlscribe.python_models import lacking as models_lacking
from sqlscribe.python_source import ModelsError

if TYPE_CHECKING:
    from sqlscribe.document import EditedSources, FileOutcome, FilePlan
    from sqlscribe.new_migration import NewMigration

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
SKIP_DIRS = {"node_modules", "__pycache__", "site-packages", "vendor"}  # others' code
DBT_OUTPUTS = {"target", "dbt_packages", "logs"}  # what dbt writes beside dbt_project.yml: never sources


class UsageError(Exception):
    pass


def _add_backend_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("model")
    group.add_argument("--backend", choices=BACKENDS, default="llama", help="documentation backend (default: llama)")
    group.add_argument("--model", help="registry name, path to a .gguf file, or hf:<repo>/<file.gguf>")
    group.add_argument("--base-url", help="OpenAI-compatible endpoint for --backend openai")
    group.add_argument("--prompt-style", choices=PROMPT_STYLES, help="override the model's prompt style")
    group.add_argument("--threads", type=int, help="CPU threads for llama.cpp (default: all cores)")
    group.add_argument("--ctx", type=int, default=8192, help="context size in tokens (default: 8192)")
    group.add_argument("--gpu-layers", type=int, default=0, help="layers to offload to the GPU; -1 for all")
    group.add_argument(
        "--jobs",
        type=int,
        default=4,
        help="tables in flight at once: decoded together in one batch (llama), or parallel requests (openai)",
    )
    group.add_argument("--no-cache", action="store_true", help="do not read or write the generation cache")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sqlscribe", description="Document SQL tables with a local model.")
    sub = parser.add_subparsers(dest="command", required=True)

    doc = sub.add_parser("document", help="add table and column comments to SQL DDL files")
    doc.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="files or folders (folders: every *.sql inside but undo files: .down.sql, U7__, Sqitch revert/, and"
        " ORMs' files: Django apps' models.py, documented in their fields' db_comment and"
        " Meta.db_table_comment, any module's SQLAlchemy tables, in comment= and __table_args__ (not a"
        " test's), a Rails db/schema.rb, in a new migration of change_column_comment, TypeORM's entities in"
        " TypeScript (and MikroORM's and sequelize-typescript's), in their decorators' comment options, and"
        " Doctrine's in PHP, in their"
        " attributes' options"
        " (not a test's), and a Prisma schema's models, in /// comments; a Python file named on"
        " its own may be any), - for"
        " standard input (documented SQL to standard output), databases: postgresql://…, mysql://…,"
        " duckdb:file.db, sqlite:file.db, or dbt projects: dbt:path/to/project (after `dbt docs generate`;"
        " the docs go into its YAML property files)",
    )
    doc.add_argument("--dialect", help=f"SQL dialect ({', '.join(sorted(DIALECTS))}); default: detect per file")
    doc.add_argument("--write", action="store_true", help="edit files in place instead of printing a diff")
    doc.add_argument(
        "--format",
        choices=("diff", "json", "dbt"),
        default="diff",
        help="output format: diff (default), json (one array of tables), dbt (a sources .yml)",
    )
    doc.add_argument("--overwrite-existing", action="store_true", help="replace comments that already exist")
    doc.add_argument(
        "--to",
        metavar="NEW_FILE",
        type=Path,
        help="leave the files as they are and put the statements that comment what they lack into NEW_FILE, a"
        " new migration that runs after them (applied migrations keep their checksums), or a database's into"
        " one for the migration tool to run; a folder: its next migration, named as its files are"
        " (V8__document_comments.sql), in its tool's form with what undoes it (a .down.sql, a .rollback.sql, a down"
        " section, Liquibase's rollback and changelog, a Sqitch change, an Alembic revision or a Django migration for a"
        " database); with --write it is written, else its diff is printed",
    )
    doc.add_argument(
        "--check",
        action="store_true",
        help="run no model: list the tables and columns that lack comments, and exit 1 if any do (for CI and"
        " pre-commit)",
    )
    doc.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    doc.add_argument(
        "--schema",
        action="append",
        default=[],
        metavar="NAME",
        help="databases: document only this schema (repeatable; default: every schema but the system's)",
    )
    _add_backend_options(doc)

    models = sub.add_parser("models", help="list or verify the registered models")
    models_sub = models.add_subparsers(dest="models_command", required=True)
    listing = models_sub.add_parser("list", help="show every registered model")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    models_sub.add_parser("verify", help="check the sha256 of every installed model file")

    sub.add_parser("serve", help="run the language server over stdio (for editors)")
    try:  # the model pipeline is part of a source checkout, not of every install
        from quantize.cli import add_parser as add_quantize_parser
        from training.evaluate.cli import add_parser as add_eval_parser
        from training.finetune.cli import add_parser as add_train_parser
        from training.synth.cli import add_parser as add_data_parser
    except ImportError:
        pass
    else:
        add_eval_parser(sub)
        add_data_parser(sub)
        add_train_parser(sub)
        add_quantize_parser(sub)
    stats = sub.add_parser("stats", help="acceptance rate of suggestions, per model and kind (recorded locally)")
    stats.add_argument("--json", action="store_true", help="machine-readable output")
    stats.add_argument("--db", type=Path, help="the metrics database (default: in the user data directory)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:2] == ["eval", "pairwise"]:  # its own sub-commands, beside eval's positional case file
        from training.evaluate.pairwise.cli import main as pairwise

        return pairwise(args_list[2:])
    parser = build_parser()
    args = parser.parse_args(args_list)
    try:
        if args.command == "document":
            with steady_files():  # no file changes during the run but those it writes
                return cmd_document(args)
        if args.command == "models":
            from sqlscribe.model_commands import cmd_models

            return cmd_models(args)
        if args.command == "serve":
            from lsp_server import main as serve

            serve()
            return EXIT_OK
        if args.command == "stats":
            return cmd_stats(args)
        if args.command == "eval":
            from training.evaluate.cli import run as run_eval

            return run_eval(args)
        if args.command == "data":
            from training.synth.cli import run as run_synth

            return run_synth(args)
        if args.command == "train":
            from training.finetune.cli import run as run_train

            return run_train(args)
        if args.command == "soup":
            from training.finetune.cli import run_soup

            return run_soup(args)
        if args.command == "quantize":
            from quantize.cli import run as run_quantize

            return run_quantize(args)
    except UsageError as error:
        print(f"sqlscribe: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ModelError as error:
        print(f"sqlscribe: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("sqlscribe: interrupted", file=sys.stderr)
        return 130
    parser.error(f"unknown command {args.command}")
    return EXIT_USAGE


def iter_sql_files(paths: Sequence[str]) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                generated = DBT_OUTPUTS if "dbt_project.yml" in files else set()
                dirs[:] = sorted(
                    (d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS | generated), key=in_version_order
                )
                for name in sorted(files, key=in_version_order):
                    found = Path(root) / name
                    sql = name.lower().endswith(SQL_SUFFIXES) and not is_undo_path(found)  # a rollback: not schema
                    # or an ORM's file: Django's models, SQLAlchemy's tables, a Rails schema
                    if sql or (name.endswith(ORM_SUFFIXES) and _found_models(found, path)):
                        yield found
        elif path.exists():
            yield path
        else:
            raise UsageError(f"{raw}: no such file or directory")


# The models a folder's walk found, by file, with the text they were read from: documenting the
# file takes them (once) instead of parsing it again
_WALKED: dict[Path, tuple[str, Models]] = {}


def _found_models(path: Path, root: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
        models = found_models(path, text, root)
    except OSError:
        return False
    except ModelsError:
        return True  # documenting it says why it does not parse
    if models is not None:
        _WALKED[path] = (text, models)
    return models is not None


def _read_models(path: Path, *, quiet: bool) -> Models | None:
    """An ORM's file named to be documented (or found in a folder): Django's models, SQLAlchemy's
    tables, a Rails schema, TypeORM's entities; None (said unless ``quiet``) for one that holds
    none, such as a pydantic ``models.py`` that pre-commit passes. Raises FileReadError for one
    that cannot be read or parsed."""
    text, _ = read_sql(path)
    walked = _WALKED.pop(path, None)
    try:
        models = walked[1] if walked is not None and walked[0] == text else read_models(path, text)
    except ModelsError as error:
        raise FileReadError(f"{error}, skipped") from None
    if models is None and not quiet:
        what = (
            "no Rails schema (ActiveRecord::Schema.define)"
            if path.suffix == ".rb"
            else "no Django models or SQLAlchemy tables"
            if path.suffix == ".py"
            else "no Doctrine entities"
            if path.suffix == ".php"
            else "no Prisma models"
            if path.suffix == ".prisma"
            else "no TypeORM entities"
        )
        print(f"{path}: {what} in it; skipped", file=sys.stderr)
    return models


class FileReadError(Exception):
    pass


# a dbt project to read (``dbt:PATH``), and the files or folders in it that choose what it documents
DbtSpec = tuple[str, tuple[Path, ...]]


def dbt_models_named(named: Sequence[str], dialect: str | None) -> dict[Path, list[Path]]:
    """The files named that are a dbt project's models or snapshots (a SELECT, no CREATE TABLE),
    by project. pre-commit passes them as files: they are documented in the project's property
    files, as ``dbt:FILE`` does, not read as DDL with nothing to comment."""
    found: dict[Path, list[Path]] = {}
    for raw in named:
        path = Path(raw)
        root = model_project(path) if path.is_file() else None
        if root is None:
            continue
        try:
            text, _ = read_sql(path)
        except FileReadError:
            continue  # read as a file, which says why it cannot be
        if not parse_sql(text, dialect).tables:
            found.setdefault(root, []).append(path)
    return found


# Byte-order marks, and the codec the rest of the file is in. SSMS saves scripts in UTF-16.
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


@dataclass(frozen=True)
class FileEncoding:
    """How a file was written, so that it is written back the same way."""

    bom: bytes = b""
    codec: str = "utf-8"

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.codec)


def read_sql(path: Path) -> tuple[str, FileEncoding]:
    """The file's text and its encoding: UTF-8, with or without a byte-order mark, or UTF-16 with one."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise FileReadError(f"{path}:1:1: cannot read file: {error.strerror or error}") from None
    return decode_sql(data, str(path))


def decode_sql(data: bytes, path: str) -> tuple[str, FileEncoding]:
    encoding = next((FileEncoding(bom, codec) for bom, codec in _BOMS if data.startswith(bom)), FileEncoding())
    body = data[len(encoding.bom) :]
    if encoding.codec.startswith("utf-16"):
        try:
            return body.decode(encoding.codec), encoding
        except UnicodeDecodeError:
            raise FileReadError(f"{path}:1:1: not UTF-16 text after its byte-order mark, skipped") from None
    if b"\x00" in body[:65536]:
        raise FileReadError(f"{path}:1:1: binary file, skipped")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        line = body[: error.start].count(b"\n") + 1
        raise FileReadError(f"{path}:{line}:1: not UTF-8 text (byte 0x{body[error.start]:02x}), skipped") from None
    return text, encoding


def write_atomically(path: Path, text: str, encoding: FileEncoding) -> None:
    """Write via a temporary file and a rename: the file is either old or new, never half-written.
    A new file gets the mode a plain ``open`` would give it."""
    data = encoding.encode(text)
    if path.exists():
        mode = stat.S_IMODE(path.stat().st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".sqlscribe")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        forget(path)  # a migration read after it reads it anew
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class _Progress:
    """A one-line progress display on stderr, only on a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.shown = False

    def update(self, label: str, done: int, total: int, name: str) -> None:
        if not self.enabled or total < 2:
            return
        width = 24
        filled = int(width * done / total)
        line = f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name[:40]}"
        sys.stderr.write(line.ljust(100)[:100])
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * 100 + "\r")
            sys.stderr.flush()
            self.shown = False


def backend_from_args(args: argparse.Namespace) -> Backend:
    config = BackendConfig(
        backend=args.backend,
        model=args.model,
        base_url=args.base_url,
        prompt_style=args.prompt_style,
        n_threads=args.threads,
        n_ctx=args.ctx,
        n_gpu_layers=args.gpu_layers,
        jobs=args.jobs,
        use_cache=not args.no_cache,
    )
    try:
        return make_backend(config)
    except ValueError as error:
        raise UsageError(str(error)) from None


# `sqlscribe document` hands the tables of several files to the backend together, so that one that
# decodes several tables at once (--jobs) keeps them in flight across small files: files are read
# until they hold this many tables per job (or this many files), then documented and written.
WINDOW_TABLES_PER_JOB = 8
WINDOW_FILES = 64


def cmd_document(args: argparse.Namespace) -> int:
    from sqlscribe.docs import counted
    from sqlscribe.document import counted_tables, document_plans, plan_file

    if args.dialect:
        try:
            get_dialect(args.dialect)
        except UnknownDialectError as error:
            raise UsageError(str(error)) from None
    from_stdin = "-" in args.paths
    if from_stdin and (len(args.paths) > 1 or args.write):
        raise UsageError("'-' (standard input) must be the only PATH; the documented SQL goes to standard output")
    databases = [p for p in args.paths if is_database_url(p)]
    projects: list[DbtSpec] = [(p, ()) for p in args.paths if is_dbt_project(p)]
    named = [p for p in args.paths if not is_database_url(p) and not is_dbt_project(p)]
    files = [] if from_stdin else in_folder_order(list(iter_sql_files(named)))  # a Sqitch plan's order
    # Django's or SQLAlchemy's models, documented in place; a Rails schema, in a new migration
    python = [f for f in files if f.suffix in ORM_SUFFIXES]
    files = [f for f in files if f.suffix not in ORM_SUFFIXES]
    models = {} if from_stdin else dbt_models_named(named, args.dialect)
    for root, chosen in models.items():
        projects.append((f"dbt:{root}", tuple(chosen)))
        files = [f for f in files if f not in chosen]
        for path in [] if args.quiet else chosen:
            print(f"{path}: a dbt model; documented in its project's property files, as dbt:{path} is", file=sys.stderr)
    if not args.quiet:
        for raw in named:
            if raw != "-" and (Path(raw) / "dbt_project.yml").is_file():
                print(
                    f"{raw}: a dbt project; `sqlscribe document dbt:{raw}` documents its models, seeds and sources"
                    " in its property files (after `dbt docs generate`)",
                    file=sys.stderr,
                )
            elif raw != "-" and Path(raw).is_dir() and find_project(Path(raw)) is not None:
                print(
                    f"{raw}: in a dbt project; `sqlscribe document dbt:{raw}` documents the models, seeds and"
                    " sources there in its property files (after `dbt docs generate`)",
                    file=sys.stderr,
                )
    if args.check:
        if args.write or args.format != "diff" or args.overwrite_existing or args.to is not None:
            raise UsageError(
                "--check only reports what lacks comments: no --write, --format, --to or --overwrite-existing"
            )
        return check_documented(
            files, databases, from_stdin, args.dialect, args.schema, quiet=args.quiet, projects=projects, python=python
        )
    if args.to is not None:
        files = [f for f in files if not is_undo_path(f)]  # a rollback is no step of the schema
        args.to = _new_migration_path(args.to, files, databases, from_stdin or bool(projects or python), args.format)
    if projects and args.format == "dbt":
        raise UsageError("a dbt project's docs go into its own property files: use --format diff (or --write) or json")
    backend = backend_from_args(args)
    if args.to is not None and not databases:
        backend = _lent_by_prisma(args.to, backend, quiet=args.quiet)
    progress = _Progress(not args.quiet)
    failed = False
    records: list[dict[str, object]] = []
    changed_files = 0
    documented: list[Table] = []
    window: list[tuple[str, Path, FileEncoding, FilePlan]] = []  # label, path, encoding, plan
    migrated: list[FileOutcome] = []  # with --to: each file's outcome, its comments going to the new file
    steps: list[Path] = []  # versioned migrations changed in place, which a database that ran them never runs again
    migrated_database: list[DatabaseOutcome] = []  # or the database's statements
    sums: dict[Path, str | None] = {}  # Atlas directories written in: None, or why its atlas.sum is left

    def report_for(label: str) -> Callable[[int, int, Table], None]:
        def report(done: int, total: int, table: Table) -> None:
            progress.update(label, done, total, table.name)

        return report

    def finish(
        path: Path | str,
        encoding: FileEncoding,
        original: str,
        outcome: FileOutcome,
        database: DatabaseOutcome | None = None,
        edited: EditedSources | None = None,
    ) -> None:
        nonlocal failed, changed_files, documented
        progress.clear()
        if not args.quiet:
            parsed = outcome.parsed
            print(
                f"{path}: dialect {parsed.dialect} ({parsed.dialect_reason}), {counted_tables(parsed.tables)}",
                file=sys.stderr,
            )
            for note in (d for d in parsed.diagnostics if d.severity == "info"):  # a view left undocumented
                print(f"{note.format(str(path))} (not documented)", file=sys.stderr)
        for message in outcome.errors:
            print(message, file=sys.stderr)
        failed = failed or bool(outcome.errors)
        documented += [t.table for t in outcome.tables if t.edits]
        if from_stdin:  # a filter: the whole documented text, changed or not
            changed_files += outcome.changed
            if args.format == "diff":
                sys.stdout.write(outcome.new_text)
        elif edited is not None:  # a dbt project or Django models: their source files are the change
            for message in edited.problems + ([] if args.quiet else edited.notes):
                print(message, file=sys.stderr)
            failed = failed or bool(edited.problems)
            changed_files += bool(edited.changes)
            for change in edited.changes:
                if args.write:
                    write_atomically(change.path, change.new, FileEncoding())
                elif args.format == "diff":
                    _print_diff(change.old, change.new, str(change.path), new_file=change.created)
        elif database is not None and args.to is not None:
            migrated_database.append(database)
        elif database is not None:  # a database: its statements are the change
            for message in database.problems:
                print(message, file=sys.stderr)
            failed = failed or bool(database.problems)
            changed_files += bool(database.statements)
            if database.statements and not args.write and args.format == "diff":
                print(f"-- {database.label}: {counted(len(database.statements), 'statement')}")
                print("\n".join(database.statements))
        elif args.to is not None and not is_repeatable_name(Path(path).name):
            migrated.append(outcome)
        elif outcome.changed:
            if args.to is not None and not args.quiet:  # Flyway runs it again once it changes
                print(f"{path}: a repeatable migration: documented in place", file=sys.stderr)
            elif isinstance(path, Path) and is_step(path) and not is_repeatable_name(path.name):
                steps.append(path)
            changed_files += 1
            if args.write:
                _check_sum(Path(path).parent, sums)  # before the first write there
                write_atomically(Path(path), outcome.new_text, encoding)
            elif args.format == "diff":
                _print_diff(original, outcome.new_text, str(path))
        if args.format in ("json", "dbt"):
            for table in outcome.tables:
                source = table.sources()
                if edited is not None and table.table.name in edited.carried:  # described as the upstream column is
                    carried = dict.fromkeys(edited.carried[table.table.name], "carried")
                    source["columns"] = {**cast("dict[str, str]", source["columns"]), **carried}
                record: dict[str, object] = {
                    "file": str(path),
                    "dialect": outcome.parsed.dialect,
                    "table": table.table.name,
                    "description": table.docs.description,
                    "columns": table.docs.columns,
                    "source": source,
                }
                if table.table.from_alter:  # columns an ALTER TABLE adds or redefines
                    record["alter"] = True
                if table.error:
                    record["error"] = table.error
                records.append(record)

    def flush() -> None:
        plans = [plan for _, _, _, plan in window]
        reports = [report_for(label) for label, _, _, _ in window]
        if args.to is None:
            outcomes = document_plans(plans, backend, reports)
        else:  # the whole folder at once: its tables asked for by the names they end up with
            from sqlscribe.new_migration import FinalNames

            outcomes = document_plans(
                plans,
                backend,
                reports,
                apply=lambda plan: is_repeatable_name(Path(plan.path).name),  # Flyway's R__: in place
                ask=FinalNames(plans).ask,
            )
        for (_, path, encoding, plan), outcome in zip(window, outcomes, strict=True):
            finish(path, encoding, plan.text, outcome)
        window.clear()

    for number, path in enumerate(files, start=1):
        label = f"{number}/{len(files)} {path.name}" if len(files) > 1 else path.name
        try:
            text, encoding = read_sql(path)
        except FileReadError as error:
            flush()  # the files before it first, so that messages keep the files' order
            progress.clear()
            print(error, file=sys.stderr)
            failed = True
            continue
        plan = plan_in_folder(path, text, args.dialect, overwrite=args.overwrite_existing)
        window.append((label, path, encoding, plan))
        pending = sum(len(p.todo) for _, _, _, p in window)
        full = pending >= WINDOW_TABLES_PER_JOB * max(1, args.jobs) or len(window) >= WINDOW_FILES
        if full and args.to is None:
            flush()
    flush()
    if from_stdin:
        piped = _stdin_sql()
        if piped is None:
            return EXIT_FAILED
        stdin_plan = plan_file(piped, path="<stdin>", dialect=args.dialect, overwrite=args.overwrite_existing)
        (outcome,) = document_plans([stdin_plan], backend, [report_for("<stdin>")])
        finish("<stdin>", FileEncoding(), piped, outcome)
    for url in databases:
        try:
            db = connect(url, write=args.write and args.to is None)
        except DatabaseError as error:
            print(error, file=sys.stderr)
            failed = True
            continue
        try:
            done = document_database(
                db,
                backend,
                schemas=args.schema,
                overwrite=args.overwrite_existing,
                write=args.write and args.to is None,  # with --to, the migration tool runs them
                progress=report_for(db.label),
                only=_django_app_tables(args.to, quiet=args.quiet),
            )
        except DatabaseError as error:
            progress.clear()
            print(error, file=sys.stderr)
            failed = True
            continue
        finally:
            db.close()
        finish(done.label, FileEncoding(), done.outcome.parsed.text, done.outcome, database=done)
    for spec, select in projects:
        try:
            project = read_project(spec, select)
            documented_project = document_project(
                project, backend, overwrite=args.overwrite_existing, progress=report_for(spec)
            )
        except DbtError as error:
            progress.clear()
            print(error, file=sys.stderr)
            failed = True
            continue
        outcome = documented_project.outcome
        finish(spec, FileEncoding(), outcome.parsed.text, outcome, edited=documented_project)
    for path in python:
        try:
            app = _read_models(path, quiet=args.quiet)
        except FileReadError as error:
            progress.clear()
            print(error, file=sys.stderr)
            failed = True
            continue
        if app is None:
            continue
        edited = document_models(app, backend, overwrite=args.overwrite_existing, progress=report_for(path.name))
        finish(path, FileEncoding(), edited.outcome.parsed.text, edited.outcome, edited=edited)
    if args.to is not None:
        progress.clear()
        written = _write_new_migration(
            args.to, migrated, backend, write=args.write, overwrite=args.overwrite_existing, database=migrated_database
        )
        backend.close()
        return EXIT_FAILED if failed or written is None else EXIT_OK
    _rehash(sums)
    if steps and not args.quiet:
        print(_applied_migrations_note(steps, written=args.write), file=sys.stderr)
    if args.format == "dbt":
        from sqlscribe.dbt import dbt_sources

        sys.stdout.write(dbt_sources(records))
    elif args.format == "json":
        json.dump(records, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    if not args.quiet:
        verb = "wrote" if args.write else "would change"
        noun = "source" if databases or projects else "file"
        print(
            f"sqlscribe: documented {counted_tables(documented)}; {verb} {changed_files} of "
            f"{counted(len(files) + len(python) + len(databases) + len(projects) + from_stdin, noun)}"
            f" (model {backend.model_id})",
            file=sys.stderr,
        )
    backend.close()
    return EXIT_FAILED if failed else EXIT_OK


def _applied_migrations_note(steps: list[Path], *, written: bool) -> str:
    """What changing versioned migrations in place means, and how not to: a database that ran them
    never runs them again (Flyway and Liquibase refuse a changed checksum), where ``--to`` writes a
    new migration."""
    one = len(steps) == 1
    named = steps[0].name if one else f"{steps[0].name} and {len(steps) - 1} more"
    what = "is a migration (its name starts" if one else "are migrations (their names start"
    done = ("was" if one else "were") if written else "would be"
    it, its = ("it", "its changed checksum") if one else ("them", "their changed checksums")
    return (
        f"sqlscribe: note: {named} {what} with a version) and {done} changed in place: a database that"
        f" ran {it} will not run {it} again, and Flyway and Liquibase refuse {its}; `--to {steps[0].parent}`"
        " puts the comments in a new migration instead"
    )


def _check_sum(folder: Path, sums: dict[Path, str | None]) -> None:
    """Before sqlscribe first writes a file of an Atlas directory in place: whether its atlas.sum
    matches the files as they are, so that it can be made to match them as they will be."""
    from sqlscribe import atlas

    if folder in sums or not (folder / atlas.SUM_FILE).is_file():
        return
    try:
        atlas.check(folder)
        sums[folder] = None
    except (atlas.AtlasSumError, OSError, UnicodeDecodeError) as error:
        sums[folder] = str(error)


def _rehash(sums: dict[Path, str | None]) -> None:
    """The atlas.sum of each Atlas directory written in, as its files now are (Atlas refuses a
    directory whose files do not match it); where it did not match before, a note."""
    from sqlscribe import atlas

    for folder, why in sums.items():
        if why is not None:
            print(f"{folder / atlas.SUM_FILE}: {why}: run `{atlas.HASH_COMMAND}`", file=sys.stderr)
            continue
        try:
            edit = atlas.rehash(folder)
        except (atlas.AtlasSumError, OSError, UnicodeDecodeError) as error:
            print(f"{folder / atlas.SUM_FILE}: {error}: run `{atlas.HASH_COMMAND}`", file=sys.stderr)
            continue
        if edit.new != edit.old:
            write_atomically(edit.path, edit.new, FileEncoding())
            print(f"sqlscribe: wrote {edit.path}, with the checksums of the files documented", file=sys.stderr)


def _new_migration_path(
    target: Path, files: Sequence[Path], databases: Sequence[str], other: bool, output: str
) -> Path:
    """The file ``--to`` names (a folder: its next migration, named in its own scheme); refuses one
    that cannot be a new migration after the files it documents."""
    from sqlscribe.new_migration import next_name, undo_path

    if other or output != "diff":
        raise UsageError(
            "--to writes a new migration for SQL files or folders, or a database: no -, dbt, Python models or --format"
        )
    if databases and (files or len(databases) > 1):
        raise UsageError("--to writes one database's statements, or the files', into a new migration: not both")
    if target.is_dir():
        name = next_name(target)
        if name is None:
            raise UsageError(
                f"{target}: its files' names follow no migration scheme known here (V7__name.sql, 0007_name.sql,"
                " 20240131120000_name.sql, an Alembic versions folder, a Django app's migrations, a Sqitch deploy"
                " folder); name the new file"
            )
        target = target / name
    if target.suffix.lower() == ".py" and not databases:
        raise UsageError(
            f"{target.parent}: an Alembic revision or a Django migration holds Python; document a database into"
            " it (sqlscribe document postgresql://… --to FOLDER), or its SQL files into SQL migrations"
        )
    undo = undo_path(target)
    for path in [target, *([undo] if undo else [])]:
        if path.exists():
            raise UsageError(f"{path}: exists; --to writes a new file (name the next migration)")
    folder, inner = layout(target)
    if not (target.parent.is_dir() or (inner is not None and folder.is_dir())):  # a migration's new folder
        raise UsageError(f"{target.parent}: no such folder")
    here, order = folder.resolve(), order_key(target)
    after = [
        f
        for f in files
        if layout(f)[0].resolve() == here
        and order_key(f) > order
        and not is_repeatable_name(f.name)  # Flyway's R__, documented in place
    ]
    if after:
        raise UsageError(
            f"{target}: sorts before {after[0]}, which it documents, so a migration tool would run it first;"
            " give it the next version"
        )
    return target


def _django_app_tables(target: Path | None, *, quiet: bool) -> Callable[[str], bool] | None:
    """For a new migration of a Django app (``--to`` its migrations folder): which of the
    database's tables are the app's, which alone it documents (another app's may not exist yet
    when a fresh database runs this app's migrations); None for any other target."""
    from sqlscribe import django_migrations
    from sqlscribe.docs import counted

    if target is None or target.suffix != ".py" or not django_migrations.is_migrations_folder(target.parent):
        return None
    label = django_migrations.app_label(target.parent)
    try:
        tables = django_migrations.app_tables(target.parent, label)
    except django_migrations.DjangoError as error:
        raise UsageError(f"{target.parent}: {error}; the app's tables cannot be told") from None
    if not quiet:
        print(
            f"{target.parent}: the app {label}'s migrations create {counted(len(tables), 'table')}; those alone"
            " (and their many-to-many tables) are documented there, each other app's in its own migrations",
            file=sys.stderr,
        )
    return lambda name: django_migrations.owns(tables, name)


def _lent_by_prisma(target: Path, backend: Backend, *, quiet: bool) -> Backend:
    """For a new migration of a Prisma migrations folder, a backend that takes what the Prisma
    schema beside it keeps in its ``///`` comments, and asks ``backend`` for the rest only."""
    from sqlscribe.generate.lent import LentBackend
    from sqlscribe.prisma_schema import beside_migrations, kept_docs

    schema = beside_migrations(layout(target)[0])
    kept = kept_docs(schema)
    if not kept:
        return backend
    if not quiet:
        names = ", ".join(str(p) for p in schema)
        print(f"{target}: the /// comments of {names} go into it; the model writes what they lack", file=sys.stderr)
    return LentBackend(backend, kept)


def _write_new_migration(
    target: Path,
    outcomes: Sequence[FileOutcome],
    backend: Backend,
    *,
    write: bool,
    overwrite: bool,
    database: Sequence[DatabaseOutcome] = (),
) -> NewMigration | None:
    """Write (or print the diff of) the new migration that comments what ``outcomes`` want (or
    holds the statements a ``database`` lacks); None when it could not be made."""
    from sqlscribe.new_migration import (
        NewMigrationError,
        database_migration,
        files_of,
        new_migration,
        summary,
    )

    try:
        if database:
            (db,) = database
            migration = database_migration(
                db.label, db.outcome, db.statements, target=target, overwrite=overwrite, model=backend.model_id
            )
        else:
            migration = new_migration(outcomes, overwrite=overwrite, target=target, model=backend.model_id)
    except NewMigrationError as error:
        print(f"{target}: not written: {error}", file=sys.stderr)
        return None
    for note in migration.notes:
        print(f"{target}: {note} (not documented)", file=sys.stderr)
    if not migration.text:
        print(f"sqlscribe: nothing to document; {target} not written", file=sys.stderr)
        return migration
    changes, by_hand = files_of(migration, target)
    for change in changes:
        if write:
            change.path.parent.mkdir(exist_ok=True)  # a migration that is a folder of its own (Prisma's)
            write_atomically(change.path, change.new, FileEncoding())
        else:
            _print_diff(change.old, change.new, str(change.path), new_file=change.created)
    verb = "wrote" if write else "would write"
    print(f"sqlscribe: {verb} {target}: {summary(migration)} (model {backend.model_id})", file=sys.stderr)
    for change in changes[1:]:
        print(f"sqlscribe: {verb} {change.path}, {change.role}", file=sys.stderr)
    for note in by_hand:
        print(f"{target}: {note}", file=sys.stderr)
    return migration


def _print_diff(old: str, new: str, path: str, *, new_file: bool = False) -> None:
    sys.stdout.writelines(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            "/dev/null" if new_file else f"a/{path}",
            f"b/{path}",
        )
    )


def _stdin_sql() -> str | None:
    """Standard input, decoded as a SQL file is; None (said on stderr) when it cannot be."""
    try:
        text, _ = decode_sql(sys.stdin.buffer.read(), "<stdin>")
    except FileReadError as error:
        print(error, file=sys.stderr)
        return None
    return text


def check_documented(
    files: list[Path],
    databases: list[str],
    from_stdin: bool,
    dialect: str | None,
    schemas: list[str],
    *,
    quiet: bool,
    projects: Sequence[DbtSpec] = (),
    python: Sequence[Path] = (),
) -> int:
    """`document --check`: every table and column that `document` would document, one line each
    table (``path:line:1: table t: …``, as compilers and linters write, so that editors and CI
    annotate it), found without a model. Exit 1 when anything lacks a comment or a file cannot
    be read or parsed, as `ruff format --check` fails on a file it would change."""
    from sqlscribe.docs import counted
    from sqlscribe.document import counted_tables, lacks, plan_file, table_line

    checked: list[Table] = []  # the statements checked
    undeclared = 0  # and dbt resources read without a catalog
    lacking = 0
    columns = bare_columns = bare_tables = 0  # for the summary's coverage
    failed = False
    annotate = os.environ.get("GITHUB_ACTIONS") == "true"  # as ruff does there: annotations as well

    def report(plan: FilePlan, project: Project | None = None, models: Models | None = None) -> None:
        """One line each table that lacks something; a dbt project's name the resource and the
        property file that declares it (else the resource's own file), an ORM's the model's class."""
        nonlocal undeclared, lacking, failed, columns, bare_columns, bare_tables
        for diagnostic in plan.parsed.diagnostics:
            if diagnostic.severity == "error":
                print(diagnostic.format(plan.path), file=sys.stderr)
                if annotate:
                    print(github_annotation(plan.path, diagnostic.line, diagnostic.message))
                failed = True
        checked.extend(plan.parsed.tables[index] for index, _ in plan.work)
        columns += sum(len(plan.parsed.tables[index].columns) for index, _ in plan.work)
        bare_columns += sum(len(request.columns) for _, request in plan.todo)
        bare_tables += sum(request.want_description for _, request in plan.todo)
        found: list[tuple[str, int, str, str]] = []  # path, line, what, what it lacks
        if models is not None:
            found += [(str(models.path), lack.line, lack.label, lack.missing) for lack in models_lacking(models, plan)]
        elif project is None:
            for index, request in plan.todo:
                table = plan.parsed.tables[index]
                what = f"{table.noun} {table.name}"
                found.append((plan.path, table_line(plan.parsed, table), what, lacks(request, table)))
        else:
            undeclared += len(project.undeclared or ())  # read without a catalog: checked for a description
            bare_tables += len(project.undescribed)
            for resource, missing in project.lacking(plan):
                found.append(
                    (str(project.root / (resource.yaml or resource.origin)), resource.line, resource.label, missing)
                )
        for path, line, what, missing in found:
            print(f"{path}:{line}:1: {what}: {missing}")
            if annotate:
                print(github_annotation(path, line, f"{what}: {missing}"))
            lacking += 1

    for path in files:
        try:
            text, _ = read_sql(path)
        except FileReadError as error:
            print(error, file=sys.stderr)
            failed = True
            continue
        report(plan_in_folder(path, text, dialect))
    if from_stdin:
        piped = _stdin_sql()
        if piped is None:
            return EXIT_FAILED
        report(plan_file(piped, path="<stdin>", dialect=dialect))
    for url in databases:
        try:
            db = connect(url)
            try:
                report(plan_database(db, schemas))
            finally:
                db.close()
        except DatabaseError as error:
            print(error, file=sys.stderr)
            failed = True
    for spec, select in projects:
        try:
            project = read_project(spec, select, catalog_optional=True)
        except DbtError as error:
            print(error, file=sys.stderr)
            failed = True
            continue
        for message in [] if quiet else project.notes:
            print(message, file=sys.stderr)
        report(plan_file(project.ddl(), path=spec, dialect=project.dialect), project)
    for path in python:
        try:
            read = _read_models(path, quiet=quiet)
        except FileReadError as error:
            print(error, file=sys.stderr)
            failed = True
            continue
        if read is not None:
            report(plan_models(read, check=True), models=read)
    tables = sum(t.describable for t in checked) + undeclared  # those checked for a description
    if not quiet:
        if lacking:
            verb = "lacks" if lacking == 1 else "lack"
            phrase = counted_tables(checked, undeclared)
            if any(t.from_alter for t in checked):  # "2 of the 3 statements (1 table and 2 ALTER TABLEs)"
                phrase = f"the {counted(len(checked) + undeclared, 'statement')} ({phrase})"
            summary = f"{lacking} of {phrase} {verb} comments"
            share = f" ({(columns - bare_columns) * 100 // columns}%)" if columns else ""
            summary += f"; {columns - bare_columns} of {counted(columns, 'column')}{share}"
            summary += (
                f" and {tables - bare_tables} of {counted(tables, 'table')} described" if tables else " described"
            )
        elif failed:  # what could be read is documented; what could not is named above
            summary = f"{counted_tables(checked, undeclared)} checked; what could not be read is named above"
        elif not (checked or undeclared):  # e.g. a dbt project's models/ folder, whose models are checked as dbt:models
            summary = "no tables to check"
        else:
            summary = f"{counted_tables(checked, undeclared)} checked, every table and column documented"
        print(f"sqlscribe: {summary}", file=sys.stderr)
    return EXIT_FAILED if failed or lacking else EXIT_OK


def github_annotation(path: str, line: int, message: str) -> str:
    """A GitHub Actions workflow command that shows ``message`` on the line of the pull request's
    diff (``::error file=…,line=…::…``); a path that is no file (a database) annotates the run."""

    def escaped(text: str, *, prop: bool = False) -> str:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return text.replace(":", "%3A").replace(",", "%2C") if prop else text

    where = ""
    if Path(path).is_file():
        workspace = os.environ.get("GITHUB_WORKSPACE") or os.getcwd()
        relative = os.path.relpath(Path(path).absolute(), workspace).replace(os.sep, "/")
        where = f" file={escaped(relative, prop=True)},line={line},"
    return f"::error{where or ' '}title=sqlscribe::{escaped(message)}"


def cmd_stats(args: argparse.Namespace) -> int:
    from sqlscribe.acceptance import AcceptanceLog, default_path, format_stats

    path = args.db or default_path()
    rows = AcceptanceLog(path).stats() if path.exists() else []
    if args.json:
        print(json.dumps([r.as_dict() for r in rows], indent=2))
    else:
        print(format_stats(rows))
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
