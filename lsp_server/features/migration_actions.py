"""The source action "Document the migrations into V8__document_comments.sql", offered in a file of
a migrations folder (its name starts with a version), which runs ``sqlscribe.documentMigrations``
(``features/migrations.py``) on the file's folder. Listing reads the folder's names, kept while it
is unchanged (``migrations.sql_files``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import to_fs_path

from sqlscribe.migrations import is_step, layout
from sqlscribe.new_migration import next_name

KIND_MIGRATIONS = types.CodeActionKind.Source + ".sqlscribe.documentMigrations"
COMMAND_DOCUMENT_MIGRATIONS = "sqlscribe.documentMigrations"


def migrations_action(uri: str) -> types.CodeAction | None:
    """The action for a migration's file; None for any other file, or a folder whose names follow
    no scheme that names its next migration."""
    path = to_fs_path(uri) if uri.startswith("file:") else None
    file = Path(path) if path else None
    if file is None or not is_step(file):  # a version first, or a Sqitch change's deploy script
        return None
    folder = layout(file)[0]  # its folder, or the one above a migration's own folder (Prisma's)
    name = next_name(folder)
    if name is None:
        return None
    title = f"Document the migrations' missing comments into {name}"
    return types.CodeAction(title=title, kind=KIND_MIGRATIONS, data={"kind": "migrations", "folder": str(folder)})


def command_for(action: types.CodeAction) -> types.Command:
    data: Any = action.data
    return types.Command(title=action.title, command=COMMAND_DOCUMENT_MIGRATIONS, arguments=[data["folder"]])
