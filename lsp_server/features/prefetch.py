"""Suggestions prepared ahead: the tables a user is likely to ask about, documented while the model is idle.

An undocumented table takes seconds to document on a CPU, so waiting for the light bulb's
edit is the slowest thing the editor does. Once a document has been quiet for a moment, the
undocumented tables nearest the cursor (up to ``MAX_TABLES``, the cursor's own first) go to
the engine as background work (`Engine.prefetch`): they run only while nothing else is asked
for, stop for any request, and their answers serve the table's code action, its columns'
actions, ghost text and hovers at once. The cursor is known from the client's code-action and
inline-completion requests, which editors send as it moves; moving into another table plans
again at once.

Background work stops for every request (`Backend.interrupt`): llama.cpp in-process within
moments, a server behind the openai backend at the next streamed token (the connection is
closed). The heuristic needs no time at all, so it never works ahead. Setting ``prefetch``
(default on) switches it off.
"""

from __future__ import annotations

from lsp_server.documents import DocumentUnavailable, Snapshot
from lsp_server.server import SqlscribeServer
from sqlscribe.ddl import Table
from sqlscribe.suggest import documented_in_bulk, request_for

# Tables prepared per document: the cursor's own and its nearest neighbours.
MAX_TABLES = 8
# How long a document must stay quiet after an edit before planning.
DELAY_SECONDS = 1.0
# How long the cursor must rest in another table before planning (arrow keys pass through many).
FOCUS_DELAY_SECONDS = 0.25


def schedule(ls: SqlscribeServer, uri: str, delay: float = DELAY_SECONDS) -> None:
    """Plan the document's background work once it has been quiet for ``delay`` seconds."""
    ls.later(f"prefetch {uri}", delay, lambda: plan(ls, uri))


def focus(ls: SqlscribeServer, snap: Snapshot, offset: int) -> None:
    """The cursor is at ``offset``: the tables around it go first. Moving into another table
    plans at once (nearly), so that table is under way by the time its light bulb is clicked."""
    found = snap.parsed.table_at(offset)
    table = found.name if found is not None else None
    before = ls.session.focus.get(snap.uri)
    ls.session.focus[snap.uri] = (offset, table)
    if before is None or before[1] != table:
        schedule(ls, snap.uri, FOCUS_DELAY_SECONDS)


def forget(ls: SqlscribeServer, uri: str) -> None:
    ls.cancel_later(f"prefetch {uri}")
    ls.session.focus.pop(uri, None)
    ls.engine.prefetch(uri, [])


async def plan(ls: SqlscribeServer, uri: str) -> None:
    if uri not in ls.workspace.text_documents:
        return
    if not ls.settings.prefetch or ls.settings.backend == "heuristic":
        ls.engine.prefetch(uri, [])
        return
    version = ls.current_version(uri)
    try:
        snap = await ls.snapshot(uri)
    except DocumentUnavailable:
        ls.engine.prefetch(uri, [])
        return
    if uri not in ls.workspace.text_documents or ls.current_version(uri) != version:
        return  # edited meanwhile: that edit plans again
    overwrite = ls.settings.overwriteExisting
    at = ls.session.focus.get(uri, (0, None))[0]
    todo = [
        (_distance(t, at), i) for i, t in enumerate(snap.parsed.tables) if documented_in_bulk(t, overwrite=overwrite)
    ]
    nearest = sorted(todo)[:MAX_TABLES]
    ls.engine.prefetch(uri, [request_for(snap.parsed, index, overwrite=overwrite) for _, index in nearest])


def _distance(table: Table, offset: int) -> int:
    """Characters between the cursor and the table's statement (0 inside it)."""
    if table.span.start <= offset <= table.statement_end:
        return 0
    return min(abs(table.span.start - offset), abs(table.statement_end - offset))
