"""``sqlscribe.documentDbtProject``: document a dbt project into its property files.

The editor's side of ``sqlscribe document dbt:PATH``: the project is read from dbt's artifacts,
its resources go to the model together (`Engine.generate_many`, as "Document this file" sends
a file's tables), and what they lacked comes back as one workspace edit over the property files
(new ones created), which the editor applies, shows and can undo as one step. A property file
open in the editor is edited as the editor holds it, unsaved changes included, and the edit
names its version. Cancel (through the progress token) stops the model and changes nothing.

Arguments: the project's folder (a URI or a path; a file inside it will do), else the first
workspace folder that holds ``dbt_project.yml``; then optionally ``{"workDoneToken": …,
"select": …}``, where ``select`` (a URI or path of a file or folder in the project) documents
only the resources defined or declared there: the code action "Document dbt model `name`"
(lsp_server/features/dbt_actions.py) sends its own file.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from lsp_server.features.dbt_actions import COMMAND_DOCUMENT_DBT
from lsp_server.features.document_file import _Progress, answer_all
from lsp_server.server import SqlscribeServer
from sqlscribe.dbt_project import (
    DbtError,
    Project,
    find_project,
    plan_project,
    read_from_disk,
    read_project,
    record_project,
)
from sqlscribe.docs import counted
from sqlscribe.document import EditedSources, FileChange, FilePlan, finish_file
from sqlscribe.generate import Generated, GenerationError

log = logging.getLogger(__name__)


def register(server: SqlscribeServer) -> None:
    @server.command(COMMAND_DOCUMENT_DBT)
    async def document_dbt_project(ls: SqlscribeServer, *args: Any) -> dict[str, object]:
        options = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
        token = options.get("workDoneToken")
        root = project_root(ls, args[0] if args else None)
        if root is None:
            message = "no dbt project (dbt_project.yml) in the workspace"
            ls.show_message(f"sqlscribe: {message}", types.MessageType.Warning)
            return {"documented": 0, "total": 0, "files": [], "cancelled": False, "problems": [message]}
        return await run(ls, root, token if isinstance(token, str | int) else None, _path(options.get("select")))


def _path(given: object) -> Path | None:
    """A command argument's file or folder: a URI or a path (None for anything else)."""
    if not isinstance(given, str) or not given:
        return None
    return Path(to_fs_path(given) or given) if "://" in given else Path(given)


def project_root(ls: SqlscribeServer, given: object) -> Path | None:
    """The folder of the project named (a URI or path, of the folder or of a file in it), else of
    the first workspace folder holding ``dbt_project.yml``."""
    path = _path(given.get("uri") if isinstance(given, dict) else given)
    if path is not None:
        return find_project(path)
    uris = [folder.uri for folder in ls.workspace.folders.values()] or [ls.workspace.root_uri or ""]
    folders = [Path(to_fs_path(uri) or "") for uri in uris if uri]
    return next((folder for folder in folders if (folder / "dbt_project.yml").is_file()), None)


async def run(
    ls: SqlscribeServer, root: Path, token: str | int | None = None, select: Path | None = None
) -> dict[str, object]:
    """Document the project at ``root``, or only the resources defined or declared in ``select``
    (a file or folder inside it)."""
    overwrite = ls.settings.overwriteExisting
    label = f"dbt:{select or root}"
    try:  # the artifacts read and the project's DDL parsed on a thread: a project can be large
        project, plan = await asyncio.to_thread(_read, label, overwrite)
    except DbtError as error:
        ls.show_message(f"sqlscribe: {error}", types.MessageType.Warning)
        return {"documented": 0, "total": 0, "files": [], "cancelled": False, "problems": [str(error)]}
    total = len(plan.todo)
    title = (
        f"Documenting {select.name} in the dbt project {root.name}"
        if select
        else f"Documenting the dbt project {root.name}"
    )
    progress = await _Progress.start(ls, title, total, token)
    outcome: EditedSources | None = None
    held: Held = {}
    results = await answer_all(ls, plan, progress)
    if results is not None:
        # the open documents as they are now; the edit names these versions, so that the editor
        # refuses it if one changes while the files are edited on a thread
        held = {uri: (document.version, str(document.source)) for uri, document in ls.workspace.text_documents.items()}
        outcome = await asyncio.to_thread(_record, project, plan, results, overwrite, held)
    if outcome is None:
        progress.end("Cancelled; nothing changed")
        return {"documented": 0, "total": total, "files": [], "cancelled": True, "problems": []}
    files = [str(change.path) for change in outcome.changes]
    applied = True
    if outcome.changes:
        result = await ls.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(
                edit=files_edit(ls, outcome.changes, held), label=f"sqlscribe: document {root.name}"
            )
        )
        applied = result.applied
        if not applied:
            outcome.problems.append(f"the editor did not apply the edit ({result.failure_reason or 'no reason given'})")
    documented_count = sum(1 for t in outcome.outcome.tables if t.edits) if applied else 0
    progress.end(f"Documented {documented_count} of {counted(total, 'resource')} in {counted(len(files), 'file')}")
    for message in outcome.problems:
        ls.show_message(f"sqlscribe: {message}", types.MessageType.Warning)
    for message in outcome.notes:
        ls.window_log_message(types.LogMessageParams(type=types.MessageType.Info, message=f"sqlscribe: {message}"))
    return {
        "documented": documented_count,
        "total": total,
        "files": files if applied else [],
        "cancelled": False,
        "problems": outcome.problems,
    }


Held = dict[str, tuple[int | None, str]]  # an open document's URI -> (version, text)


def _read(label: str, overwrite: bool) -> tuple[Project, FilePlan]:
    project = read_project(label)
    return project, plan_project(project, overwrite=overwrite)


def _record(
    project: Project, plan: FilePlan, results: list[Generated | GenerationError], overwrite: bool, held: Held
) -> EditedSources:
    """The answers applied to the project's DDL and recorded in its property files: each as the
    editor holds it when it is open there, else as the disk does."""

    def text_of(path: Path) -> str | None:
        found = held.get(_uri(path))
        return found[1] if found is not None else read_from_disk(path)

    return record_project(project, finish_file(plan, iter(results)), overwrite=overwrite, read=text_of)


def _uri(path: Path) -> str:
    return from_fs_path(str(path.absolute())) or path.absolute().as_uri()


def _end(text: str) -> types.Position:
    lines = text.split("\n")
    return types.Position(line=len(lines) - 1, character=len(lines[-1].encode("utf-16-le")) // 2)


def files_edit(ls: SqlscribeServer, changes: Sequence[FileChange], held: Held) -> types.WorkspaceEdit:
    """One edit over every changed file: each replaced whole (against the version the editor
    held when it was read, when open), new ones created first. A client that cannot create
    files in an edit (or takes no versioned edits) gets plain ones, its new files made empty on
    disk first. (A new migration is such a file too: ``features/migrations.py``.)"""
    workspace = ls.client_capabilities.workspace
    capability = workspace.workspace_edit if workspace else None
    creates = bool(
        capability
        and capability.document_changes
        and types.ResourceOperationKind.Create in (capability.resource_operations or [])
    )
    edits: list[types.TextDocumentEdit | types.CreateFile | types.RenameFile | types.DeleteFile] = []
    plain: dict[str, list[types.TextEdit]] = {}
    for change in changes:
        uri = _uri(change.path)
        version = held[uri][0] if uri in held else None
        replace = types.TextEdit(
            range=types.Range(start=types.Position(line=0, character=0), end=_end(change.old)), new_text=change.new
        )
        if not creates:
            if change.created:
                change.path.parent.mkdir(parents=True, exist_ok=True)
                change.path.touch()
            plain[uri] = [replace]
            continue
        if change.created:
            edits.append(types.CreateFile(uri=uri, options=types.CreateFileOptions(ignore_if_exists=True)))
        edits.append(
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version), edits=[replace]
            )
        )
    return types.WorkspaceEdit(document_changes=edits) if creates else types.WorkspaceEdit(changes=plain)
