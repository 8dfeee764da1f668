"""Acceptance metrics: a suggestion accepted, then kept or edited before the file is saved."""

from __future__ import annotations

from lsprotocol import types

from lsp_server.features.actions import COMMAND_ACCEPTED
from lsp_server.server import Accepted, SqlscribeServer
from sqlscribe.ddl import ParsedFile
from sqlscribe.suggest import find_column, find_table

COMMAND_STATS = "sqlscribe.acceptanceStats"


def register(server: SqlscribeServer) -> None:
    @server.command(COMMAND_ACCEPTED)
    def suggestion_accepted(ls: SqlscribeServer, suggestion_id: str, uri: str) -> bool:
        """Attached to every suggestion's edit; the client runs it after applying the edit."""
        accepted = ls.session.offered.pop(suggestion_id, None)
        record = ls.acceptance
        if record is None or not record.accepted(suggestion_id):
            return False
        if accepted is not None:
            ls.session.accepted.setdefault(uri, []).append(accepted)
        return True

    @server.command(COMMAND_STATS)
    def acceptance_stats(ls: SqlscribeServer) -> list[dict[str, object]]:
        """Acceptance per model and kind of suggestion, as ``sqlscribe stats --json`` prints it."""
        record = ls.acceptance
        return [row.as_dict() for row in record.stats()] if record is not None else []

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: SqlscribeServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        pending = ls.session.accepted.pop(uri, [])
        record = ls.acceptance
        if not pending or record is None or uri not in ls.workspace.text_documents:
            return
        snap = await ls.snapshot(uri)
        for accepted in pending:
            record.edited(accepted.suggestion_id, was_edited(snap.parsed, accepted))


def was_edited(parsed: ParsedFile, accepted: Accepted) -> bool:
    """True when any comment the suggestion inserted no longer reads as inserted."""
    found = find_table(parsed, accepted.table)
    if found is None:
        return True
    table = found[1]
    for column, text in accepted.texts.items():
        if column is None:
            current = table.comment.text if table.comment else None
        else:  # the column may be one an ALTER TABLE adds
            owner = find_column(parsed, accepted.table, column)
            current = owner[2].comment.text if owner and owner[2].comment else None
        if current != text:
            return True
    return False
