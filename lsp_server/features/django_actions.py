"""The source action "Document the Django models in this file" and the hints at each model
that lacks a comment, in a Django app's models file. The action runs
``sqlscribe.documentDjangoModels`` (lsp_server/features/django.py). Kept apart from that
command's module, which the code actions' module cannot import (it imports "Document this
file", which imports the code actions). A Python file is never read as SQL: the other features
pass it by (``server.SqlscribeServer._source``).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import to_fs_path

from sqlscribe.django_migrations import DjangoError
from sqlscribe.django_models import DjangoModel, holds_models, is_models_path, plan_models, read_models
from sqlscribe.docs import counted
from sqlscribe.document import lacks

COMMAND_DOCUMENT_DJANGO = "sqlscribe.documentDjangoModels"
KIND_DJANGO = types.CodeActionKind.Source + ".sqlscribe.documentDjango"
UNDOCUMENTED_MODEL = "undocumented-django-model"


def models_path(uri: str) -> Path | None:
    """The file of a URI where Django apps keep models (``models.py``, ``models/*.py``)."""
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return Path(path) if path and is_models_path(Path(path)) else None


def is_python(uri: str) -> bool:
    return uri.lower().endswith((".py", ".pyi"))


def models_action(uri: str, text: str, overwrite: bool = False) -> types.CodeAction | None:
    """The source action for a file of Django models where one lacks a comment (any, with
    ``overwrite``); None for any other file."""
    found = _lacking(uri, text)
    if found is None or not (found or overwrite):
        return None
    title = "Document the Django models in this file" + (f" ({counted(len(found), 'model')})" if found else "")
    return types.CodeAction(title=title, kind=KIND_DJANGO, data={"kind": "django", "uri": uri})


def command_for(action: types.CodeAction) -> types.Command:
    data: Any = action.data
    return types.Command(title=action.title, command=COMMAND_DOCUMENT_DJANGO, arguments=[data["uri"]])


@functools.lru_cache(maxsize=16)  # the editor asks for code actions at each move of the cursor
def _lacking(uri: str, text: str) -> tuple[tuple[DjangoModel, str], ...] | None:
    """Each model that lacks a comment, with what it lacks, as `document --check` says it (what
    the database will hold: a ``help_text`` is none); None for a file that holds no models or
    does not parse (the Python tools say why)."""
    path = models_path(uri)
    if path is None or not holds_models(text):
        return None
    try:
        models = read_models(path, text)
    except DjangoError:
        return None
    plan = plan_models(models, check=True)
    return tuple(
        (
            models.models[index],
            lacks(request, plan.parsed.tables[index]).replace("no description", "no db_table_comment"),
        )
        for index, request in plan.todo
    )


def hints(uri: str, text: str) -> list[types.Diagnostic]:
    """A hint at the name of each model that lacks a comment."""
    out = []
    for model, missing in _lacking(uri, text) or ():
        line = model.node.lineno - 1
        start = model.node.col_offset + len("class ")
        out.append(
            types.Diagnostic(
                range=types.Range(
                    start=types.Position(line=line, character=start),
                    end=types.Position(line=line, character=start + len(model.name)),
                ),
                message=f"Model {model.name} ({model.table}): {missing}",
                severity=types.DiagnosticSeverity.Hint,
                code=UNDOCUMENTED_MODEL,
                source="sqlscribe",
            )
        )
    return out
