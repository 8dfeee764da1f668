"""Code actions: document a column, a table, or the whole file.

Listing is instant — it reads only the parse. The model runs in ``codeAction/resolve``,
when the editor needs the edit. Every edit names the document version it was computed
for, and is computed against the text as it is when the model answers, so it can never
land on shifted text: the client refuses an edit for a version it no longer has.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lsprotocol import types

from lsp_server.documents import DocumentUnavailable, Snapshot
from lsp_server.features import dbt_actions, migration_actions, models_actions, prefetch
from lsp_server.features.dbt_actions import KIND_DBT, model_action
from lsp_server.features.migration_actions import KIND_MIGRATIONS, migrations_action
from lsp_server.features.models_actions import KIND_MODEL, KIND_MODELS, models_action, one_model_action
from lsp_server.server import Accepted, SqlscribeServer
from sqlscribe.ddl import Table
from sqlscribe.docs import TableDocs, counted
from sqlscribe.document import counted_tables
from sqlscribe.python_models import is_models_file
from sqlscribe.suggest import (
    SuggestionError,
    Target,
    documented_in_bulk,
    find_table,
    needs_docs,
    plan_target,
    request_for,
)

log = logging.getLogger(__name__)

KIND_COLUMN = types.CodeActionKind.RefactorRewrite + ".sqlscribe.column"
KIND_TABLE = types.CodeActionKind.RefactorRewrite + ".sqlscribe.table"
KIND_FILE = types.CodeActionKind.Source + ".sqlscribe.documentFile"

COMMAND_DOCUMENT_FILE = "sqlscribe.documentFile"
COMMAND_DOCUMENT_TARGET = "sqlscribe.documentTarget"
COMMAND_ACCEPTED = "sqlscribe.suggestionAccepted"


def register(server: SqlscribeServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[KIND_COLUMN, KIND_TABLE, KIND_FILE, KIND_DBT, KIND_MIGRATIONS, KIND_MODEL, KIND_MODELS],
            resolve_provider=True,
        ),
    )
    async def code_action(ls: SqlscribeServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        if is_models_file(uri):  # an ORM's models file: the model at the cursor's, and the whole file's
            document = ls.workspace.text_documents.get(uri)
            if document is None:
                return None
            only, line = params.context.only, params.range.start.line
            actions = [
                action
                for action in (
                    one_model_action(uri, document.source, line) if _wanted(KIND_MODEL, only) else None,
                    models_action(uri, document.source, ls.settings.overwriteExisting)
                    if _wanted(KIND_MODELS, only)
                    else None,
                )
                if action is not None
            ]
            return _commands_unless_resolved(ls, actions) if actions else None
        try:
            snap = await ls.snapshot_near(params.text_document.uri, params.range.start)
        except DocumentUnavailable:
            return None
        prefetch.focus(ls, snap, snap.lines.offset(params.range.start))
        return list_actions(ls, snap, params.range, params.context.only)

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def resolve(ls: SqlscribeServer, action: types.CodeAction) -> types.CodeAction:
        return await resolve_action(ls, action)


def _wanted(kind: str, only: Sequence[str] | None) -> bool:
    return not only or any(kind == o or kind.startswith(o + ".") for o in only)


def list_actions(
    ls: SqlscribeServer, snap: Snapshot, range_: types.Range, only: Sequence[str] | None
) -> list[types.CodeAction]:
    parsed = snap.parsed
    overwrite = ls.settings.overwriteExisting
    offset = snap.lines.offset(range_.start)
    actions: list[types.CodeAction] = []
    base = {"uri": snap.uri, "version": snap.version}

    index = next((i for i, t in enumerate(parsed.tables) if t.span.start <= offset <= t.statement_end), None)
    if index is not None and parsed.tables[index].complete:
        table = parsed.tables[index]

        def make(title: str, kind: str, column: str | None) -> types.CodeAction:
            data = {**base, "kind": "column" if column else "table", "table": table.name, "index": index}
            return types.CodeAction(title=title, kind=kind, data={**data, "at": table.span.start, "column": column})

        col = table.column_at(offset)
        if col is not None and col.wants_comment(overwrite) and _wanted(KIND_COLUMN, only):
            actions.append(make(f"Document column `{col.name}`", KIND_COLUMN, col.name))
        if needs_docs(table, overwrite=overwrite) and _wanted(KIND_TABLE, only):
            n = len([c for c in table.columns if c.wants_comment(overwrite)])
            actions.append(make(f"Document {table.noun} `{table.name}` ({counted(n, 'column')})", KIND_TABLE, None))
    if _wanted(KIND_FILE, only):
        if snap.window is None:
            lacking = [t for t in parsed.tables if documented_in_bulk(t, overwrite=overwrite)]
            k = len(lacking)
            title = f"Document this file ({counted_tables(lacking)})"
        else:  # a large file still being read as a whole: count later
            k = 1
            title = "Document this file"
            ls.spawn(_read_whole(ls, snap.uri))
        if k:
            actions.append(
                types.CodeAction(
                    title=title,
                    kind=KIND_FILE,
                    data={**base, "kind": "file"},
                )
            )
    if not parsed.tables and _wanted(KIND_DBT, only):  # a dbt model's SELECT: its docs go into YAML
        model = model_action(snap.uri)
        if model is not None:
            actions.append(model)
    if _wanted(KIND_MIGRATIONS, only):
        migrations = migrations_action(snap.uri)
        if migrations is not None:
            actions.append(migrations)
    return _commands_unless_resolved(ls, actions)


def _commands_unless_resolved(ls: SqlscribeServer, actions: list[types.CodeAction]) -> list[types.CodeAction]:
    if not _client_resolves(ls):
        # Without codeAction/resolve the action itself must say what to run: a command
        # that generates, then applies through workspace/applyEdit.
        for action in actions:
            action.command = _eager_command(action)
            action.data = None
    return actions


async def _read_whole(ls: SqlscribeServer, uri: str) -> None:
    with contextlib.suppress(DocumentUnavailable):
        await ls.snapshot(uri)


def _client_resolves(ls: SqlscribeServer) -> bool:
    text_document = ls.client_capabilities.text_document
    code_action = text_document.code_action if text_document else None
    return bool(code_action and code_action.resolve_support and code_action.data_support)


def _eager_command(action: types.CodeAction) -> types.Command:
    data: Any = action.data
    if data["kind"] == "file":
        return types.Command(title=action.title, command=COMMAND_DOCUMENT_FILE, arguments=[data["uri"]])
    if data["kind"] == "dbt":
        return dbt_actions.command_for(action)
    if data["kind"] == "migrations":
        return migration_actions.command_for(action)
    if data["kind"] == "models":
        return models_actions.command_for(action)
    return types.Command(
        title=action.title, command=COMMAND_DOCUMENT_TARGET, arguments=[data["uri"], data["table"], data["column"]]
    )


async def resolve_action(ls: SqlscribeServer, action: types.CodeAction) -> types.CodeAction:
    data: Any = action.data
    if isinstance(data, dict) and data.get("kind") in ("file", "dbt", "migrations", "models"):
        action.command = _eager_command(action)
        return action
    if not isinstance(data, dict) or data.get("kind") not in ("column", "table") or "uri" not in data:
        return action  # not ours to resolve (or already resolved)
    uri = str(data["uri"])
    if uri not in ls.workspace.text_documents:
        return _disabled(action, "the document is closed")
    target = Target(str(data.get("table")), data.get("column"))
    hint = data.get("index") if isinstance(data.get("index"), int) else None
    at: int = data["at"] if isinstance(data.get("at"), int) else 0
    overwrite = ls.settings.overwriteExisting
    try:
        snap, index, _table = await locate(ls, uri, target.table, hint, at)
        request = request_for(snap.parsed, index, target.column, overwrite=overwrite)
        generated = await ls.engine.generate(request)
        # The user may have typed while the model ran: plan against the text as it is now.
        planned = await edit_for(ls, uri, target, hint, at, generated.docs, overwrite)
    except (SuggestionError, DocumentUnavailable) as error:
        return _disabled(action, str(error))
    if planned is None:
        return _disabled(action, "nothing left to document here")
    action.edit = planned.edit
    accepted = planned.accepted
    kind = "column" if target.column else "table"
    record = ls.acceptance
    if record is not None:
        suggestion_id = record.shown(model=generated.model_id, kind=kind, document=uri, target=target.label)
        accepted.suggestion_id = suggestion_id
        ls.session.offer(accepted)
        action.command = types.Command(title="", command=COMMAND_ACCEPTED, arguments=[suggestion_id, uri])
    return action


@dataclass
class PlannedEdit:
    edit: types.WorkspaceEdit
    accepted: Accepted  # what the edit writes, for acceptance metrics
    added: int  # characters the edit adds to the text


async def locate(ls: SqlscribeServer, uri: str, name: str, hint: int | None, at: int) -> tuple[Snapshot, int, Table]:
    """The current parse holding table ``name``, read near ``at`` first and wholly if it moved."""
    snap = await ls.snapshot_near(uri, at)
    found = find_table(snap.parsed, name, hint if snap.window is None else None, at)
    if found is None and snap.window is not None:
        snap = await ls.snapshot(uri)
        found = find_table(snap.parsed, name, hint, at)
    if found is None:
        raise SuggestionError(f"table {name} no longer exists")
    return snap, found[0], found[1]


async def edit_for(
    ls: SqlscribeServer,
    uri: str,
    target: Target,
    hint: int | None,
    at: int,
    docs: TableDocs,
    overwrite: bool,
) -> PlannedEdit | None:
    """A versioned edit that writes ``docs`` for ``target`` into the current text of ``uri``."""
    snap, index, table = await locate(ls, uri, target.table, hint, at)
    edits = plan_target(snap.parsed, index, docs, target, overwrite=overwrite)
    if not edits:
        return None
    text_edits: list[types.TextEdit | types.AnnotatedTextEdit | types.SnippetTextEdit] = [
        types.TextEdit(range=snap.lines.range(e.start, e.end), new_text=e.new_text) for e in edits
    ]
    edit = types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=snap.version),
                edits=text_edits,
            )
        ]
    )
    texts: dict[str | None, str] = {}
    if target.column is None:
        if docs.description and table.wants_description(overwrite):
            texts[None] = docs.description
        for col in table.columns:
            if col.name in docs.columns and col.wants_comment(overwrite):
                texts[col.name] = docs.columns[col.name]
    elif target.column in docs.columns:
        texts[target.column] = docs.columns[target.column]
    added = sum(len(e.new_text) - (e.end - e.start) for e in edits)
    return PlannedEdit(edit, Accepted("", table.name, target.column, texts), added)


def _disabled(action: types.CodeAction, reason: str) -> types.CodeAction:
    action.disabled = types.CodeActionDisabled(reason=reason)
    action.edit = None
    return action
