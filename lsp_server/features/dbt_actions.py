"""The code action "Document dbt model `name`" in a dbt model's SQL file, and the hints there
on what the model's documentation lacks.

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

from sqlscribe.dbt_project import DbtError, Resource, artifacts_stamp, find_project, lacking, model_project

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


# (project, file, artifacts' stamp) -> findings; the artifacts change far less often than edits come
_findings: dict[tuple[Path, Path, tuple[int, int]], list[tuple[str, bool]]] = {}


def model_findings(file: Path) -> list[tuple[str, bool]]:
    """What dbt's artifacts say the model or snapshot in ``file`` lacks, as `document --check
    dbt:FILE` says it: (message, True) for each resource it defines that lacks a description,
    or (why the artifacts cannot tell, False); none for any other file. Slow for a big project
    (its artifacts are read): run it on a worker thread. Read again only when dbt writes them."""
    root = model_project(file, _project_above)
    if root is None:
        return []
    try:
        key = (root.resolve(), file.resolve(), artifacts_stamp(root))
    except DbtError as error:  # dbt_project.yml does not read
        return [(str(error), False)]
    if key not in _findings:
        try:
            found = [
                (f"dbt {resource.label} ({_entry(resource)}): {what}", True)
                for resource, what in lacking(f"dbt:{root}", (file,))
            ]
        except DbtError as error:  # kept too: a big manifest is not read again for each edit
            found = [(str(error), False)]
        if len(_findings) >= 64:
            _findings.clear()
        _findings[key] = found
    return _findings[key]


def _entry(resource: Resource) -> str:
    """Where a resource is described: its entry's line in its property file, else its own file."""
    return f"{resource.yaml}:{resource.line}" if resource.yaml else resource.origin
