"""``sqlscribe.documentMigrations``: document a migrations folder into its next migration.

The editor's side of ``sqlscribe document FOLDER --to FOLDER``: every SQL file of the folder is
planned as the command line plans it (each ALTER with the tables before it, each file with what the
files after it comment), open files as the editor holds them, unsaved edits included; their tables
go to the model together (`Engine.generate_many`), and what they lack comes back as one workspace
edit that creates the folder's next migration (``new_migration.next_name``; for golang-migrate
the ``.down.sql`` that undoes it too), which the editor shows and can undo. The applied migrations
are not touched. Cancel (through the progress token) stops the model and creates nothing.

Arguments: the folder (a URI or a path; a file inside it will do); then optionally
``{"workDoneToken": …}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from lsp_server.features.dbt import files_edit
from lsp_server.features.document_file import _Progress, _retrieved
from lsp_server.features.migration_actions import COMMAND_DOCUMENT_MIGRATIONS
from lsp_server.server import SqlscribeServer
from sqlscribe.docs import TableDocs
from sqlscribe.document import FileChange, FilePlan, finish_file
from sqlscribe.generate import Generated, GenerationError
from sqlscribe.generate.lent import merged, split
from sqlscribe.migrations import is_repeatable_name, layout, plan_in_folder, read_source, sql_files
from sqlscribe.new_migration import (
    UNDOES,
    FinalNames,
    NewMigrationError,
    files_of,
    new_migration,
    next_name,
    summary,
)
from sqlscribe.prisma_schema import beside_migrations, kept_docs

MAX_FILE_BYTES = 5_000_000  # a file larger than this is no migration to read here


def register(server: SqlscribeServer) -> None:
    @server.command(COMMAND_DOCUMENT_MIGRATIONS)
    async def document_migrations(ls: SqlscribeServer, *args: Any) -> dict[str, object]:
        options = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
        token = options.get("workDoneToken")
        folder = _folder(args[0] if args else None)
        if folder is None:
            message = f"{COMMAND_DOCUMENT_MIGRATIONS} needs a folder (or a file in it), got {args[:1]!r}"
            return _refused(ls, message)
        return await run(ls, folder, token if isinstance(token, str | int) else None)


def _folder(given: object) -> Path | None:
    """The folder a command argument names: a URI or a path, of the folder or of a file in it."""
    if isinstance(given, dict):
        given = given.get("uri")
    if not isinstance(given, str) or not given:
        return None
    path = Path(to_fs_path(given) or given) if "://" in given else Path(given)
    if path.is_file():
        path = layout(path)[0]  # its folder, or the one above a migration's own folder (Prisma's)
    elif path.is_dir():
        files = sql_files(path)
        if files and layout(files[0])[1] is not None:  # a migration's own folder
            path = layout(files[0])[0]
    return path if path.is_dir() else None


def _nothing(*, cancelled: bool = False, problems: list[str], notes: list[str]) -> dict[str, object]:
    """The command's result when it created no file."""
    return {
        "file": None,
        "undo": None,
        "in_place": [],
        "statements": 0,
        "tables": [],
        "cancelled": cancelled,
        "problems": problems,
        "notes": notes,
    }


def _refused(ls: SqlscribeServer, message: str) -> dict[str, object]:
    ls.show_message(f"sqlscribe: {message}", types.MessageType.Warning)
    return _nothing(problems=[message], notes=[])


def _plan(
    folder: Path, buffers: dict[str, str], dialect: str | None, overwrite: bool
) -> tuple[Path, list[FilePlan], dict[str, TableDocs]]:
    """The new migration's path and each SQL file's plan, in version order (on a thread: a folder
    can hold hundreds), and what the Prisma schema beside a Prisma migrations folder keeps in its
    ``///`` comments, which the model is not asked for."""
    name = next_name(folder)
    if name is None:
        raise NewMigrationError(
            f"the names in {folder.name} follow no migration scheme known here (V7__name.sql, 0007_name.sql,"
            " 20240131120000_name.sql); use `sqlscribe document FOLDER --to NEW_FILE`"
        )
    plans = []
    for path in sql_files(folder):
        text = buffers.get(str(path))
        if text is None:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise NewMigrationError(f"{path.name} is too large to read here; use the command line")
            text = read_source(str(path))
            if text is None:
                continue  # binary
        plans.append(plan_in_folder(path, text, dialect, overwrite=overwrite, buffers=buffers))
    return folder / name, plans, kept_docs(beside_migrations(folder), buffers)


async def run(ls: SqlscribeServer, folder: Path, token: str | int | None = None) -> dict[str, object]:
    overwrite = ls.settings.overwriteExisting
    try:
        target, plans, kept = await asyncio.to_thread(
            _plan, folder, ls.open_texts(), ls.settings.dialect_name, overwrite
        )
    except (NewMigrationError, OSError) as error:
        return _refused(ls, str(error))
    todo = [(plan, index) for plan in plans for index, _ in plan.todo]
    names = FinalNames(plans)  # each table asked for by the names the folder ends up giving it
    total = len(todo)
    progress = await _Progress.start(ls, f"Documenting {folder.name} into {target.name}", total, token)
    stop = threading.Event()
    answers: list[asyncio.Future[Generated]] = []
    results: list[Generated | GenerationError] = []
    try:
        asked = [names.ask(request) for plan in plans for _, request in plan.todo]
        parts = [split(sent, kept) for sent, _ in asked]  # what the Prisma schema says, and the rest
        answers = ls.engine.generate_many([rest for _, rest in parts if not rest.empty], stop)
        pending = iter(answers)
        slots = [None if rest.empty else next(pending) for _, rest in parts]
        for i, ((plan, index), answer, (lent, _)) in enumerate(zip(todo, slots, parts, strict=True), start=1):
            progress.report(f"{i} of {total}: {plan.parsed.tables[index].name}", i - 1)
            if answer is None:  # all the schema's
                got: Generated | GenerationError = Generated(lent, ls.engine.model_id)
            else:
                try:
                    answered = await progress.unless_cancelled(answer)
                except GenerationError as error:
                    answered = error
                if answered is None:
                    break
                got = merged(lent, answered) if isinstance(answered, Generated) else answered
            results.append(asked[i - 1][1](got) if isinstance(got, Generated) else got)
    finally:
        stop.set()
        for answer in answers:
            answer.add_done_callback(_retrieved)
    if progress.cancelled:
        progress.end("Cancelled; nothing created")
        return _nothing(cancelled=True, problems=[], notes=[])
    given = iter(results)
    again = [is_repeatable_name(Path(plan.path).name) for plan in plans]  # Flyway's R__: documented in place
    outcomes = [finish_file(plan, given, apply=repeatable) for plan, repeatable in zip(plans, again, strict=True)]
    problems = [message for outcome in outcomes for message in outcome.errors]
    try:
        model = ls.engine.model_id if total else ""
        migrated = [outcome for outcome, repeatable in zip(outcomes, again, strict=True) if not repeatable]
        migration = new_migration(migrated, overwrite=overwrite, target=target, model=model)
    except NewMigrationError as error:
        progress.end("Nothing created")
        return _refused(ls, f"{target.name}: {error}")
    # the open documents as they are now: a changelog open in the editor is edited as it holds it,
    # and the edit names that version
    held = {uri: (doc.version, str(doc.source)) for uri, doc in ls.workspace.text_documents.items()}
    files, by_hand = (  # on a thread: it looks for a changelog in the folders above
        await asyncio.to_thread(files_of, migration, target, ls.open_texts()) if migration.text else ([], [])
    )
    notes = [*migration.notes, *by_hand]
    for note in notes:
        ls.window_log_message(types.LogMessageParams(type=types.MessageType.Info, message=f"sqlscribe: {note}"))
    uri = from_fs_path(str(target.absolute())) or target.absolute().as_uri()
    in_place = []
    for outcome, repeatable in zip(outcomes, again, strict=True):
        if repeatable and outcome.changed:
            open_now = held.get(from_fs_path(str(Path(outcome.path).absolute())) or "")
            if open_now is not None and open_now[1] != outcome.parsed.text:
                problems.append(f"{Path(outcome.path).name} changed while it was documented; not documented")
                continue
            in_place.append(FileChange(Path(outcome.path), outcome.parsed.text, outcome.new_text))
    if not migration.text and not in_place:
        progress.end("Nothing to document")
        return _nothing(problems=problems, notes=notes)
    # its undo file, Liquibase's changelog, Atlas's atlas.sum: one edit with the migration; and the
    # repeatable migrations documented in place (Flyway runs one again once it changes)
    changes = [FileChange(f.path, f.old, f.new, created=f.created) for f in files] + in_place
    undo = next((f.path for f in files if f.role == UNDOES), None)
    made = bool(migration.text) and not target.parent.exists()  # a migration that is a folder of its own
    if made:  # (Prisma's): made here, as not every client makes the folders of a file it creates
        target.parent.mkdir()
    result = await ls.workspace_apply_edit_async(
        types.ApplyWorkspaceEditParams(edit=files_edit(ls, changes, held), label=f"sqlscribe: {target.name}")
    )
    if made and not result.applied:
        with contextlib.suppress(OSError):
            target.parent.rmdir()  # empty: nothing was created in it
    if not result.applied:
        problems.append(f"the editor did not apply the edit ({result.failure_reason or 'no reason given'})")
        progress.end("Nothing created")
    elif migration.text:
        progress.end(f"{target.name}: {summary(migration)}")
    else:
        progress.end(f"{len(in_place)} repeatable migrations documented in place")
    for message in problems:
        ls.show_message(f"sqlscribe: {message}", types.MessageType.Warning)
    tables = [t.name for t in migration.tables]
    undone = from_fs_path(str(undo.absolute())) if undo is not None and result.applied else None
    return {
        "file": uri if result.applied and migration.text else None,
        "undo": undone,
        "in_place": [str(change.path) for change in in_place] if result.applied else [],
        "statements": migration.statements if result.applied else 0,
        "tables": tables if result.applied else [],
        "cancelled": False,
        "problems": problems,
        "notes": notes,
    }
