"""Inline suggestions (ghost text, LSP 3.18 ``textDocument/inlineCompletion``).

Offered where the user is about to write documentation:
- at the end of a column definition: the comment clause in the file's dialect
  (`` COMMENT '…'``, `` OPTIONS(description="…")``);
- inside an empty comment literal (``COMMENT ''``, ``COMMENT ON COLUMN t.c IS ''``,
  ``description=""``): the text itself;
- on an empty line right after a CREATE TABLE statement, in dialects that document
  with ``COMMENT ON``: the statements for everything the table lacks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lsprotocol import types

from lsp_server.documents import DocumentUnavailable, Snapshot
from lsp_server.features import prefetch
from lsp_server.features.actions import COMMAND_ACCEPTED
from lsp_server.server import Accepted, SqlscribeServer
from sqlscribe.ddl import Table
from sqlscribe.ddl.dialects import CommentStyle
from sqlscribe.ddl.parse import blank_batch_separators
from sqlscribe.docs import TableDocs
from sqlscribe.generate import DocRequest
from sqlscribe.suggest import (
    comment_clause,
    comment_on_statements,
    find_column,
    find_table,
    needs_docs,
    request_for,
    string_body,
)

# Text just before the cursor that opens an empty comment literal.
_OPEN_LITERAL = re.compile(r"(?:\bCOMMENT\s*=?\s*|\bdescription\s*=\s*|\bIS\s+)(['\"])$", re.IGNORECASE)
_COMMENT_ON = re.compile(r"COMMENT\s+ON\s+(TABLE|COLUMN|VIEW|MATERIALIZED\s+VIEW)\s+(.+?)\s+IS\s+['\"]$", re.IGNORECASE)


@dataclass
class Slot:
    """Where ghost text goes and what it documents."""

    table_index: int
    column: str | None  # None: the table's description
    shape: str  # "clause" | "literal" | "statements"


def register(server: SqlscribeServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())
    async def inline_completion(
        ls: SqlscribeServer, params: types.InlineCompletionParams
    ) -> types.InlineCompletionList | None:
        uri = params.text_document.uri
        try:
            snap = await ls.snapshot_near(uri, params.position)
        except DocumentUnavailable:
            return None
        offset = snap.lines.offset(params.position)
        prefetch.focus(ls, snap, offset)
        slot = find_slot(snap, offset)
        if slot is None:
            return None
        table = snap.parsed.tables[slot.table_index]
        request = _request(snap, slot)
        generated = await ls.engine.generate(request)
        text = _insert_text(snap, table, slot, generated.docs, offset)
        if not text:
            return None
        item = types.InlineCompletionItem(insert_text=text, range=snap.lines.range(offset, offset))
        record = ls.acceptance
        if record is not None:
            label = f"{table.name}.{slot.column}" if slot.column else table.name
            suggestion_id = record.shown(model=generated.model_id, kind="inline", document=uri, target=label)
            texts: dict[str | None, str] = (
                {slot.column: generated.docs.columns.get(slot.column, "")} if slot.column else {}
            )
            if slot.column is None and slot.shape != "statements" and generated.docs.description:
                texts[None] = generated.docs.description
            ls.session.offer(Accepted(suggestion_id, table.name, slot.column, texts))
            item.command = types.Command(title="", command=COMMAND_ACCEPTED, arguments=[suggestion_id, uri])
        return types.InlineCompletionList(items=[item])


def _request(snap: Snapshot, slot: Slot) -> DocRequest:
    if slot.shape == "statements":
        return request_for(snap.parsed, slot.table_index)
    if slot.column is None:
        base = request_for(snap.parsed, slot.table_index)
        return DocRequest(base.table, base.context, (), want_description=True)
    return request_for(snap.parsed, slot.table_index, slot.column)


def find_slot(snap: Snapshot, offset: int) -> Slot | None:
    text = snap.text
    line_start = text.rfind("\n", 0, offset) + 1
    before = text[line_start:offset]
    parsed = snap.parsed

    literal = _OPEN_LITERAL.search(before)
    if literal and text[offset : offset + 1] == literal.group(1):
        statement = _COMMENT_ON.search(before)
        if statement:
            return _comment_on_slot(snap, statement.group(1).upper(), statement.group(2))
        for index, table in enumerate(parsed.tables):
            if table.span.start <= offset <= table.statement_end:
                col = table.column_at(offset)
                return Slot(index, col.name if col else None, "literal")
        return None

    for index, table in enumerate(parsed.tables):
        style = table.style
        if style is CommentStyle.COMMENT_ON:
            if table.complete and _right_after(text, table, offset):
                return Slot(index, None, "statements")
            continue
        if not table.span.start <= offset <= table.statement_end or table.column_list_at is not None:
            continue  # a view without a column list: its columns' comments go in one, written whole
        for col in table.columns:
            if col.comment is not None or not col.name or col.span.end > offset:
                continue
            gap = text[col.span.end : offset].strip(" \t")
            if (gap == "" and col.insert_at in (col.span.end, offset)) or (
                gap == "," and col.line_comment and col.insert_at == offset  # SQLite: `-- …` after the comma
            ):
                return Slot(index, col.name, "clause")
    return None


def _right_after(text: str, table: Table, offset: int) -> bool:
    """The cursor sits on an empty line just below the statement, with no COMMENT ON there yet."""
    if offset < table.statement_end:
        return False
    gap = text[table.statement_end : offset]
    if table.dialect == "tsql":  # SQL Server's GO may stand between the table and the cursor
        gap, breaks = blank_batch_separators(gap)
        if table.is_view and not breaks:
            return False  # a view is its batch's only statement: its properties go after a GO
    if gap.strip() or gap.count("\n") not in (1, 2):
        return False
    line_end = text.find("\n", offset)
    rest = text[offset : line_end if line_end >= 0 else len(text)]
    return not rest.strip() and needs_docs(table)


def _comment_on_slot(snap: Snapshot, kind: str, name: str) -> Slot | None:
    parts = [p.strip().strip('"`[]') for p in name.split(".")]
    if kind != "COLUMN":
        table_found = find_table(snap.parsed, ".".join(parts))
        return Slot(table_found[0], None, "literal") if table_found else None
    table_name, column = ".".join(parts[:-1]), parts[-1]
    found = find_column(snap.parsed, table_name, column)
    if found is None:
        for table in snap.parsed.tables:
            if table.short_name == table_name.rsplit(".", 1)[-1]:
                found = find_column(snap.parsed, table.name, column)
                break
    return Slot(found[0], found[2].name, "literal") if found is not None else None


def _insert_text(snap: Snapshot, table: Table, slot: Slot, docs: TableDocs, offset: int) -> str | None:
    if slot.shape == "statements":
        newline = "\r\n" if "\r\n" in snap.text else "\n"
        return comment_on_statements(table, docs, newline) or None
    text = docs.columns.get(slot.column) if slot.column else docs.description
    if not text:
        return None
    if slot.shape == "literal":
        return string_body(table.dialect, text)
    clause = comment_clause(table.dialect, text)
    if clause is None:
        return None
    if snap.text[offset - 1 : offset] in (" ", "\t"):
        clause = clause.lstrip()
    return clause
