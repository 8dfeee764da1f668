"""The code action "Document dbt model `name`" in a dbt model's SQL file.

A dbt model's file is a SELECT (with Jinja), no CREATE TABLE: there is nothing to comment in
it, and its documentation belongs in the project's property files. So in such a file the
action runs ``sqlscribe.documentDbtProject`` (lsp_server/features/dbt.py) for that file's
resources alone. Kept apart from that command's module, which the code actions' module cannot
import (it imports "Document this file", which imports the code actions).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import to_fs_path

from sqlscribe.dbt_project import find_project, model_project

COMMAND_DOCUMENT_DBT = "sqlscribe.documentDbtProject"
KIND_DBT = types.CodeActionKind.Source + ".sqlscribe.documentDbt"


def model_action(uri: str) -> types.CodeAction | None:
    """The action for a dbt model's (or snapshot's) SQL file: the dbt command for that file's
    resources alone, into the project's property files; None for any other file."""
    path = to_fs_path(uri) if uri.startswith("file:") else None
    file = Path(path) if path else None
    root = model_project(file, _project_above) if file else None
    if file is None or root is None:
        return None
    top = file.relative_to(root).parts[0]
    what = f"dbt {'snapshot' if top == 'snapshots' else 'model'} `{file.stem}`"
    # the command comes with resolve (`command_for`), as "Document this file"'s does: an action
    # that carries a command object reads as a Command to clients built on lsprotocol's types
    return types.CodeAction(
        title=f"Document {what}", kind=KIND_DBT, data={"kind": "dbt", "root": str(root), "select": str(file)}
    )


def command_for(action: types.CodeAction) -> types.Command:
    data: Any = action.data
    return types.Command(
        title=action.title, command=COMMAND_DOCUMENT_DBT, arguments=[data["root"], {"select": data["select"]}]
    )


@functools.lru_cache(maxsize=256)
def _project_above(folder: Path) -> Path | None:
    """The dbt project folder at or above ``folder`` (remembered: code actions ask often)."""
    return find_project(folder)
