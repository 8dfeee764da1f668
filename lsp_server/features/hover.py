"""Hover on a table or column: its comment, or the suggestion (marked as such).

A hover never waits long for the model. If the suggestion is not ready within a short
moment, it shows a quick identifier-based preview, marked as a preview, while the
model's suggestion is prepared for the next hover.
"""

from __future__ import annotations

import asyncio

from lsprotocol import types

from lsp_server.documents import DocumentUnavailable
from lsp_server.server import SqlscribeServer
from sqlscribe.ddl import Column, ParsedFile, Table
from sqlscribe.docs import counted
from sqlscribe.generate import DocRequest, Generated, HeuristicBackend
from sqlscribe.suggest import request_for

# How long a hover waits for the model before showing the quick preview.
HOVER_WAIT_SECONDS = 0.4


def register(server: SqlscribeServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: SqlscribeServer, params: types.HoverParams) -> types.Hover | None:
        try:
            snap = await ls.snapshot_near(params.text_document.uri, params.position)
        except DocumentUnavailable:
            return None
        offset = snap.lines.offset(params.position)
        for index, table in enumerate(snap.parsed.tables):
            if table.name_span.start <= offset <= table.name_span.end:
                span = table.name_span
                body = await _table_text(ls, snap.parsed, index, table)
                break
            col = table.column_at(offset) if table.span.start <= offset <= table.span.end else None
            if col is not None and col.name and col.name_span.start <= offset <= col.name_span.end:
                span = col.name_span
                body = await _column_text(ls, snap.parsed, index, table, col)
                break
        else:
            return None
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=body),
            range=snap.lines.range(span.start, span.end),
        )


async def _table_text(ls: SqlscribeServer, parsed: ParsedFile, index: int, table: Table) -> str:
    head = f"**{table.name}** — {table.kind}, {len(table.columns)} columns"
    if table.from_alter:  # described where it is created, never by the ALTER
        head = f"**{table.name}** — {table.kind}; this ALTER TABLE adds {counted(len(table.columns), 'column')}"
        described = table.base.comment if table.base is not None else None
        return f"{head}\n\n{described.text if described else 'Its description belongs where it is created.'}"
    if table.comment is not None:
        return f"{head}\n\n{table.comment.text}"
    request = request_for(parsed, index)
    text, note = await _suggest(ls, request, None)
    return f"{head}\n\n*Suggested description ({note}):* {text}"


async def _column_text(ls: SqlscribeServer, parsed: ParsedFile, index: int, table: Table, col: Column) -> str:
    head = f"**{table.short_name}.{col.name}**" + (f" `{col.data_type}`" if col.data_type else "")
    if col.constraints:
        head += " " + " ".join(col.constraints)
    if col.comment is not None:
        return f"{head}\n\n{col.comment.text}"
    request = request_for(parsed, index, col.name)
    text, note = await _suggest(ls, request, col.name)
    return f"{head}\n\n*Suggested comment ({note}):* {text}"


async def _suggest(ls: SqlscribeServer, request: DocRequest, column: str | None) -> tuple[str, str]:
    generated: Generated | None = ls.engine.peek(request)
    if generated is None:
        queued_behind_other_work = ls.engine.busy
        future = ls.engine.generate(request)
        if not queued_behind_other_work:  # worth a short wait only when the model is free
            try:
                generated = await asyncio.wait_for(future, HOVER_WAIT_SECONDS)
            except TimeoutError:
                generated = None
    if generated is not None:
        text = generated.docs.columns.get(column) if column else generated.docs.description
        if text:
            return text, generated.model_id
    preview = HeuristicBackend().document(request).docs
    text = (preview.columns.get(column) if column else preview.description) or ""
    return text, "quick preview from the identifier; the model's suggestion is on its way"
