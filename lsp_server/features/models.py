"""An ORM's models in the editor (Django's models, SQLAlchemy's tables): the source action
"Document the Django models in this file" (``sqlscribe.documentModels``) and a hint at each
model that lacks a comment.

The editor's side of ``sqlscribe document shop/models.py`` (sqlscribe/python_models.py): the
models are read from the text the editor holds, unsaved edits included; their tables go to the
model together, and what they lacked comes back as one edit of the file (Django's ``db_comment``
and ``db_table_comment``, SQLAlchemy's ``comment=`` and ``__table_args__``), against the version
that was read, which the editor applies, shows and can undo as one step. Cancel (through the
progress token) stops the model and changes nothing. With ``{"model": name}`` it documents that
one model alone (the refactor action at the cursor). The actions and the hints are in
``models_actions``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from lsprotocol import types

from lsp_server.features.dbt import files_edit
from lsp_server.features.document_file import _Progress, _uri_argument, answer_all
from lsp_server.features.models_actions import COMMAND_DOCUMENT_DJANGO, COMMAND_DOCUMENT_MODELS, models_path
from lsp_server.server import SqlscribeServer
from sqlscribe.docs import counted
from sqlscribe.document import FilePlan, finish_file
from sqlscribe.python_models import Models, kept_but, one_model, orm, plan_models, read_models, record_models
from sqlscribe.python_source import ModelsError


def register(server: SqlscribeServer) -> None:
    async def document_models(ls: SqlscribeServer, *args: Any) -> dict[str, object]:
        uri = _uri_argument(args)
        if uri is None or models_path(uri) is None:
            raise ValueError(f"{COMMAND_DOCUMENT_MODELS} needs the URI of a models file, got {args!r}")
        options = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
        token, model = options.get("workDoneToken"), options.get("model")
        return await run(
            ls, uri, token if isinstance(token, str | int) else None, model if isinstance(model, str) else None
        )

    server.command(COMMAND_DOCUMENT_MODELS)(document_models)
    server.command(COMMAND_DOCUMENT_DJANGO)(document_models)


async def run(
    ls: SqlscribeServer, uri: str, token: str | int | None = None, model: str | None = None
) -> dict[str, object]:
    """Document the models of the file at ``uri`` as the editor holds it (else as the disk does);
    the one named ``model`` alone, where one is."""
    path = models_path(uri)
    overwrite = ls.settings.overwriteExisting
    document = ls.workspace.get_text_document(uri)
    try:
        version, text = document.version, document.source
        models, plan = await asyncio.to_thread(_read, path or Path(uri), text, overwrite)
        if model is not None:
            alone = one_model(models, plan, model)
            if alone is None:
                raise ModelsError(f"{Path(path or uri).name}: no model {model} in it")
            plan = alone
    except (OSError, UnicodeDecodeError, ModelsError) as error:
        ls.show_message(f"sqlscribe: {error}", types.MessageType.Warning)
        return {"documented": 0, "total": 0, "cancelled": False, "problems": [str(error)]}
    total = len(plan.todo)
    noun = "models" if orm(models) == "Django" else "tables"
    what = model if model is not None else f"the {orm(models)} {noun}"
    progress = await _Progress.start(ls, f"Documenting {what} of {Path(path or uri).name}", total, token)
    results = await answer_all(ls, plan, progress)
    if results is None:
        progress.end("Cancelled; nothing changed")
        return {"documented": 0, "total": total, "cancelled": True, "problems": []}
    finished = finish_file(plan, iter(results))
    if model is not None:  # nothing for the other models, not even what their authors' text lends
        finished = kept_but(models, finished, model)
    outcome = record_models(models, finished, overwrite=overwrite)
    applied = True
    if outcome.changes:
        (change,) = outcome.changes
        result = await ls.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(
                edit=files_edit(ls, [change], {uri: (version, text)}), label=f"sqlscribe: document {change.path.name}"
            )
        )
        applied = result.applied
        if not applied:
            outcome.problems.append(f"the editor did not apply the edit ({result.failure_reason or 'no reason given'})")
    documented = sum(1 for t in outcome.outcome.tables if t.edits) if applied and outcome.changes else 0
    progress.end(f"Documented {documented} of {counted(len(models.models) if model is None else 1, noun[:-1])}")
    for message in outcome.problems:
        ls.show_message(f"sqlscribe: {message}", types.MessageType.Warning)
    for message in outcome.notes:
        ls.window_log_message(types.LogMessageParams(type=types.MessageType.Info, message=f"sqlscribe: {message}"))
    return {"documented": documented, "total": total, "cancelled": False, "problems": outcome.problems}


def _read(path: Path, text: str, overwrite: bool) -> tuple[Models, FilePlan]:
    models = read_models(path, text)
    if models is None:
        raise ModelsError(f"{path}: no Django models, SQLAlchemy tables, Rails schema or TypeORM entities in it")
    return models, plan_models(models, overwrite=overwrite)
