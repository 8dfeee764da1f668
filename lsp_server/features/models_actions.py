"""The source action "Document the Django models in this file" (or "… the SQLAlchemy tables …")
and the hints at each model that lacks a comment, in a file of an ORM's models. The action runs
``sqlscribe.documentModels`` (lsp_server/features/models.py). Kept apart from that command's
module, which the code actions' module cannot import (it imports "Document this file", which
imports the code actions). A Python file is never read as SQL: the other features pass it by
(``server.SqlscribeServer._source``).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import to_fs_path

from sqlscribe.docs import counted
from sqlscribe.python_models import Lack, found_models, is_models_file, lacking, model_lines, orm, plan_models
from sqlscribe.python_source import ModelsError

COMMAND_DOCUMENT_MODELS = "sqlscribe.documentModels"
# its first name, when it documented Django's models alone: still answered
COMMAND_DOCUMENT_DJANGO = "sqlscribe.documentDjangoModels"
KIND_MODELS = types.CodeActionKind.Source + ".sqlscribe.documentModels"
KIND_MODEL = types.CodeActionKind.RefactorRewrite + ".sqlscribe.model"
UNDOCUMENTED_MODEL = "undocumented-model"


def models_path(uri: str) -> Path | None:
    """The file of a URI where an ORM may keep a database's documentation: a Python module
    (Django's ``models.py``, SQLAlchemy's tables wherever declared), or a Rails schema."""
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return Path(path) if path and is_models_file(uri) else None


def models_action(uri: str, text: str, overwrite: bool = False) -> types.CodeAction | None:
    """The source action for a models file where one lacks a comment (any, with ``overwrite``);
    None for any other file."""
    found = _lacking(uri, text)
    if found is None or not (found[1] or overwrite):
        return None
    kind, lacks, _ = found
    noun = "model" if kind == "Django" else "table"
    where = "in a new migration" if kind == "Rails" else "in this file"  # schema.rb is dumped, not written
    title = f"Document the {kind} {noun}s {where}" + (f" ({counted(len(lacks), noun)})" if lacks else "")
    return types.CodeAction(title=title, kind=KIND_MODELS, data={"kind": "models", "uri": uri})


def one_model_action(uri: str, text: str, line: int) -> types.CodeAction | None:
    """The action for the one model (table, entity) the cursor's line (from 0) is in, where it
    lacks a comment: "Document entity Order (orders)"."""
    found = _lacking(uri, text)
    if found is None:
        return None
    kind, lacks, lines = found
    here = [name for name, start in lines if start <= line + 1]
    lack = next((lack for lack in lacks if here and lack.name == here[-1]), None)
    if lack is None:
        return None
    title = f"Document {lack.label}" + (" in a new migration" if kind == "Rails" else "")
    return types.CodeAction(title=title, kind=KIND_MODEL, data={"kind": "models", "uri": uri, "model": lack.name})


def command_for(action: types.CodeAction) -> types.Command:
    data: Any = action.data
    model = data.get("model")
    arguments = [data["uri"], {"model": model}] if isinstance(model, str) else [data["uri"]]
    return types.Command(title=action.title, command=COMMAND_DOCUMENT_MODELS, arguments=arguments)


@functools.lru_cache(maxsize=16)  # the editor asks for code actions at each move of the cursor
def _lacking(uri: str, text: str) -> tuple[str, tuple[Lack, ...], tuple[tuple[str, int], ...]] | None:
    """The file's ORM, each model that lacks a comment, as `document --check` says it (what
    the database will hold: a ``help_text`` or ``doc=`` is none), and every model's name and
    first line; None for a file that holds no models or does not parse (the Python tools say
    why)."""
    path = models_path(uri)
    if path is None:
        return None
    try:
        models = found_models(path, text)
    except ModelsError:
        return None
    if models is None:
        return None
    return orm(models), tuple(lacking(models, plan_models(models, check=True))), tuple(model_lines(models))


def hints(uri: str, text: str) -> list[types.Diagnostic]:
    """A hint at the name of each model that lacks a comment."""
    found = _lacking(uri, text)
    out = []
    for lack in found[1] if found else ():
        start = types.Position(line=lack.line - 1, character=lack.column)
        out.append(
            types.Diagnostic(
                range=types.Range(
                    start=start, end=types.Position(line=lack.line - 1, character=lack.column + len(lack.name))
                ),
                message=f"{lack.label[0].upper()}{lack.label[1:]}: {lack.missing}",
                severity=types.DiagnosticSeverity.Hint,
                code=UNDOCUMENTED_MODEL,
                source="sqlscribe",
            )
        )
    return out
