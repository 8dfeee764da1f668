"""A Django app's migrations folder as the target of a live database's missing comments
(``sqlscribe document postgresql://… --to shop/migrations``): a new migration after the app's one
leaf, as ``makemigrations`` numbers them, whose ``RunSQL`` runs the statements and whose
``reverse_sql`` undoes them, so that ``migrate`` brings them to every database the app runs on
and ``migrate shop 0004`` takes them away.

Only the app's own tables go into it: the tables its migrations create (a model's default
``<app_label>_<model>`` table, or its ``db_table``) and those named after them (a many-to-many
field's table). Another app's tables may not exist yet when a fresh database runs this app's
migrations; each app's folder documents its own. The migrations are read with ``ast``, never
imported: Django need not be installed where sqlscribe runs."""

from __future__ import annotations

import ast
import datetime
import json
import re
from collections.abc import Sequence
from pathlib import Path

from sqlscribe import __version__
from sqlscribe.migrations import NEW_NAME, texts_in
from sqlscribe.python_source import ModelsError

_MIGRATION_FILE = re.compile(r"(?P<number>\d{4,})_\w+\.py")


class DjangoError(ModelsError):
    pass


def _migration_files(folder: Path) -> list[tuple[Path, str]]:
    """The folder's migrations (``0001_initial.py``, …) with their texts, in name order."""
    return texts_in(
        folder,
        lambda name: _MIGRATION_FILE.fullmatch(name) is not None,
        lambda text: "Migration" in text and "migrations" in text,
    )


def is_migrations_folder(folder: Path) -> bool:
    """Whether ``folder`` is a Django app's migrations package with a migration in it."""
    return (folder / "__init__.py").is_file() and bool(_migration_files(folder))


def app_label(folder: Path) -> str:
    """The app's label: its ``AppConfig``'s ``label`` (in ``apps.py`` beside the folder), else the
    last part of its ``name``, else the app's folder name (Django's own default)."""
    apps = folder.parent / "apps.py"
    try:
        tree = ast.parse(apps.read_text(encoding="utf-8", errors="replace"))
    except (OSError, SyntaxError):
        return folder.parent.name
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                if (
                    isinstance(statement, ast.Assign)
                    and len(statement.targets) == 1
                    and isinstance(statement.targets[0], ast.Name)
                    and isinstance(statement.value, ast.Constant)
                    and isinstance(statement.value.value, str)
                ):
                    found.setdefault(statement.targets[0].id, statement.value.value)
    return found.get("label") or (found["name"].rsplit(".", 1)[-1] if "name" in found else folder.parent.name)


def _pairs(tree: ast.Module, name: str) -> list[tuple[str, str]]:
    """The ``(app_label, migration)`` pairs listed in the ``Migration`` class's ``name``
    (``dependencies``, ``replaces``); entries that are no such pair (a
    ``swappable_dependency(settings.AUTH_USER_MODEL)``) are passed over."""
    out = []
    for node in tree.body:
        if not (isinstance(node, ast.ClassDef) and node.name == "Migration"):
            continue
        for statement in node.body:
            if not (
                isinstance(statement, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == name for t in statement.targets)
                and isinstance(statement.value, ast.List | ast.Tuple)
            ):
                continue
            for entry in statement.value.elts:
                if isinstance(entry, ast.Tuple) and len(entry.elts) == 2:
                    app, migration = (_text(e) for e in entry.elts)
                    if app is not None and migration is not None:
                        out.append((app, migration))
    return out


def _parsed(folder: Path) -> list[tuple[str, ast.Module]]:
    out = []
    for path, text in _migration_files(folder):
        try:
            out.append((path.stem, ast.parse(text)))
        except SyntaxError:
            raise DjangoError(f"{path.name} does not parse") from None
    return out


def leaf(folder: Path, label: str) -> str | None:
    """The app's one migration that no other of its migrations depends on or replaces (what
    ``makemigrations`` makes the next depend on); a dependency on a migration that a squashed one
    replaces is one on the squashed one. None in a folder without migrations. Raises DjangoError
    where there are several (``makemigrations --merge`` first)."""
    names: list[str] = []
    depends: dict[str, set[str]] = {}
    replaced_by: dict[str, str] = {}
    own = (label, "__self__")
    for name, tree in _parsed(folder):
        names.append(name)
        depends[name] = {migration for app, migration in _pairs(tree, "dependencies") if app in own}
        replaced_by |= {migration: name for app, migration in _pairs(tree, "replaces") if app in own}
    needed = set(replaced_by)
    for wanted in depends.values():
        needed |= wanted | {replaced_by[w] for w in wanted if w in replaced_by}
    leaves = [n for n in names if n not in needed]
    if len(leaves) > 1:
        raise DjangoError(
            f"the app's migrations have {len(leaves)} leaves ({', '.join(leaves)}): merge them first"
            " (manage.py makemigrations --merge)"
        )
    return leaves[0] if leaves else None


def new_name(folder: Path) -> str:
    """The next migration's file name, numbered as ``makemigrations`` numbers it."""
    try:
        numbers = [int(m["number"]) for p in folder.iterdir() if (m := _MIGRATION_FILE.fullmatch(p.name))]
    except OSError:
        numbers = []
    return f"{max(numbers, default=0) + 1:04d}_{NEW_NAME}.py"


def _keyword(call: ast.Call, name: str, position: int) -> ast.expr | None:
    found = next((k.value for k in call.keywords if k.arg == name), None)
    return found if found is not None or len(call.args) <= position else call.args[position]


def _text(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def app_tables(folder: Path, label: str) -> set[str]:
    """The tables (lower case) the app's migrations leave, by model: ``CreateModel`` (its
    ``db_table`` option, else ``<label>_<model>``), ``RenameModel``, ``AlterModelTable`` and
    ``DeleteModel``, in the migrations' name order."""
    tables: dict[str, str] = {}  # model (lower case) -> its table
    custom: set[str] = set()  # models with a db_table of their own: a rename keeps it
    for _, tree in _parsed(folder):
        calls = [
            (n, n.func.attr) for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
        ]
        for node, operation in sorted(calls, key=lambda c: (c[0].lineno, c[0].col_offset)):  # as written
            model = (_text(_keyword(node, "name", 0)) or "").lower()
            if operation == "CreateModel" and model:
                options = _keyword(node, "options", 2)
                table = None
                if isinstance(options, ast.Dict):
                    for key, value in zip(options.keys, options.values, strict=True):
                        if _text(key) == "db_table":
                            table = _text(value)
                tables[model] = (table or f"{label}_{model}").lower()
                custom.discard(model)
                if table:
                    custom.add(model)
            elif operation == "AlterModelTable" and model in tables:
                table = _text(_keyword(node, "table", 1))
                tables[model] = (table or f"{label}_{model}").lower()
                if table:
                    custom.add(model)
                else:
                    custom.discard(model)
            elif operation == "RenameModel":
                old = (_text(_keyword(node, "old_name", 0)) or "").lower()
                new = (_text(_keyword(node, "new_name", 1)) or "").lower()
                if old in tables and new:
                    table, kept = tables.pop(old), old in custom
                    tables[new] = table if kept else f"{label}_{new}"
                    custom.discard(old)
                    if kept:
                        custom.add(new)
            elif operation == "DeleteModel":
                tables.pop(model, None)
    return set(tables.values())


def owns(tables: set[str], name: str) -> bool:
    """Whether a table (its name without schema) is one of ``tables`` or named after one (a
    many-to-many field's ``<table>_<field>``)."""
    lowered = name.rsplit(".", 1)[-1].lower()
    return lowered in tables or any(lowered.startswith(f"{t}_") for t in tables)


def python_literal(text: str) -> str:
    """A Python string literal of ``text`` in double quotes, as ``makemigrations`` writes them (a
    JSON string is one)."""
    return json.dumps(text, ensure_ascii=False)


def migration_text(
    label: str,
    after: str | None,
    message: str,
    sql: Sequence[str],
    reverse_sql: Sequence[str],
    model: str = "",
    now: datetime.datetime | None = None,
) -> str:
    """The migration file that runs ``sql`` after ``after`` (the app's leaf) and ``reverse_sql``
    to be unapplied."""
    created = (now or datetime.datetime.now()).strftime("%Y-%m-%d %H:%M")
    written = f"sqlscribe {__version__}{f' (model {model})' if model else ''}"

    def listed(statements: Sequence[str]) -> list[str]:
        return [f"                {python_literal(s.strip())}," for s in statements]

    return "\n".join(
        [
            f"# Generated by {written} on {created}",
            f"# {message}",
            "",
            "from django.db import migrations",
            "",
            "",
            "class Migration(migrations.Migration):",
            "    dependencies = [",
            *([f"        ({python_literal(label)}, {python_literal(after)}),"] if after else []),
            "    ]",
            "",
            "    operations = [",
            "        migrations.RunSQL(",
            "            sql=[",
            *listed(sql),
            "            ],",
            "            reverse_sql=[",
            *listed(reverse_sql),
            "            ],",
            "        ),",
            "    ]",
            "",
        ]
    )
