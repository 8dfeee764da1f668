"""``sqlscribe.documentFile``: document every table of a file.

The tables go to the model together (`Engine.generate_many`: the llama backend decodes several
in one batch, the openai backend sends several requests at once), each asked for as the file
stood when the command started, as ``sqlscribe document`` asks. Each table's edit is applied
through ``workspace/applyEdit``, in the file's order, as soon as it and the tables above it are
ready, so cancelling keeps everything done so far and stops the model's work on the rest.
Progress is reported as "table i of k"; the client cancels through the progress token
(``window/workDoneProgress/cancel``).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from typing import Any

from lsprotocol import types

from lsp_server.documents import DocumentUnavailable
from lsp_server.engine import covers
from lsp_server.features.actions import COMMAND_DOCUMENT_FILE, COMMAND_DOCUMENT_TARGET, edit_for, locate
from lsp_server.server import SqlscribeServer
from sqlscribe.docs import counted
from sqlscribe.document import FilePlan
from sqlscribe.generate import Generated, GenerationError
from sqlscribe.suggest import SuggestionError, Target, documented_in_bulk, request_for

log = logging.getLogger(__name__)


def register(server: SqlscribeServer) -> None:
    @server.command(COMMAND_DOCUMENT_FILE)
    async def document_file(ls: SqlscribeServer, *args: Any) -> dict[str, object]:
        uri = _uri_argument(args)
        if uri is None or uri not in ls.workspace.text_documents:
            raise ValueError(f"{COMMAND_DOCUMENT_FILE} needs the URI of an open document, got {args!r}")
        options = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
        token = options.get("workDoneToken")
        return await run(ls, uri, token if isinstance(token, str | int) else None)

    @server.command(COMMAND_DOCUMENT_TARGET)
    async def document_target(ls: SqlscribeServer, uri: str, table: str, column: str | None = None) -> bool:
        """Document one table or column and apply it (for clients without codeAction/resolve)."""
        if uri not in ls.workspace.text_documents:
            raise ValueError(f"{COMMAND_DOCUMENT_TARGET}: {uri} is not open")
        return await _document(ls, uri, Target(table, column), ls.settings.overwriteExisting, None, 0) is not None


def _uri_argument(args: tuple[Any, ...]) -> str | None:
    if not args:
        return None
    first = args[0]
    if isinstance(first, dict):
        first = first.get("uri")
    return first if isinstance(first, str) else None


async def run(ls: SqlscribeServer, uri: str, token: str | int | None = None) -> dict[str, object]:
    """Document every table of ``uri``; progress goes to ``token`` (the client's) or a token we create."""
    overwrite = ls.settings.overwriteExisting
    try:
        snap = await ls.snapshot(uri)
    except DocumentUnavailable as error:
        ls.show_message(f"sqlscribe: {error}", types.MessageType.Warning)
        return {"documented": 0, "total": 0, "cancelled": False, "failed": []}
    tables = snap.parsed.tables
    todo = [i for i, t in enumerate(tables) if documented_in_bulk(t, overwrite=overwrite)]
    total = len(todo)
    progress = await _Progress.start(ls, f"Documenting {uri.rsplit('/', 1)[-1]}", total, token)
    documented = 0
    failed: list[str] = []
    stop = threading.Event()
    answers: list[asyncio.Future[Generated]] = []
    try:
        answers = ls.engine.generate_many([request_for(snap.parsed, i, overwrite=overwrite) for i in todo], stop)
        shift = 0  # characters our own edits added above the next table
        for i, (index, answer) in enumerate(zip(todo, answers, strict=True), start=1):
            if progress.cancelled:
                break
            name, start = tables[index].name, tables[index].span.start
            progress.report(f"table {i} of {total}: {name}", i - 1)
            added = await _document(ls, uri, Target(name), overwrite, progress, start + shift, answer)
            if added is not None:
                documented += 1
                shift += added
            elif not progress.cancelled:
                failed.append(name)
    finally:
        stop.set()  # the model's work on tables this command no longer waits for
        for answer in answers:
            answer.add_done_callback(_retrieved)
        cancelled = progress.cancelled
        verb = "Cancelled after documenting" if cancelled else "Documented"
        progress.end(f"{verb} {documented} of {counted(total, 'table')}")
    if failed:
        ls.show_message(f"sqlscribe: could not document {', '.join(failed)}", types.MessageType.Warning)
    return {"documented": documented, "total": total, "cancelled": cancelled, "failed": failed}


def _retrieved(answer: asyncio.Future[Any]) -> None:
    """Mark an answer nobody awaited as read, so that asyncio does not log its error."""
    if not answer.cancelled():
        answer.exception()


async def answer_all(
    ls: SqlscribeServer, plan: FilePlan, progress: _Progress
) -> list[Generated | GenerationError] | None:
    """Every request of a plan read as DDL (a dbt project's, a Django models file's) sent to the
    model together, their answers in order, with progress by table; None as soon as the user
    cancels, the model's work on the rest stopped."""
    stop = threading.Event()
    answers: list[asyncio.Future[Generated]] = []
    results: list[Generated | GenerationError] = []
    try:
        answers = ls.engine.generate_many([request for _, request in plan.todo], stop)
        for i, ((index, _), answer) in enumerate(zip(plan.todo, answers, strict=True), start=1):
            progress.report(f"{i} of {len(plan.todo)}: {plan.parsed.tables[index].name}", i - 1)
            try:
                got = await progress.unless_cancelled(answer)
            except GenerationError as error:
                got = error
            if got is None:  # cancelled: nothing is written
                return None
            results.append(got)
        return results
    finally:
        stop.set()
        for answer in answers:
            answer.add_done_callback(_retrieved)


async def _document(
    ls: SqlscribeServer,
    uri: str,
    target: Target,
    overwrite: bool,
    progress: _Progress | None,
    at: int,
    answer: asyncio.Future[Generated] | None = None,
) -> int | None:
    """Document the target and apply the edit; the number of characters added, None on failure.
    ``answer``: the model's answer already asked for (the edit is planned against the text as it
    is when it comes); asked for again, for the table as it is then, if the user changed what it
    asks for meanwhile (a column renamed or added) or the client refuses the edit."""
    name = target.table

    async def wait(work: asyncio.Future[Generated]) -> Generated | None:
        return await progress.unless_cancelled(work) if progress else await work

    for _attempt in range(2):  # the user may edit while we generate: re-plan once on a refused edit
        if uri not in ls.workspace.text_documents:
            return None
        try:
            asked_before, work = answer is not None, answer
            if work is None:
                snap, index, _table = await locate(ls, uri, name, None, at)
                work = ls.engine.generate(request_for(snap.parsed, index, target.column, overwrite=overwrite))
            answer = None
            generated = await wait(work)
            if asked_before and generated is not None:
                snap, index, _table = await locate(ls, uri, name, None, at)
                now = request_for(snap.parsed, index, target.column, overwrite=overwrite)
                if not covers(generated, now):  # the table changed while the model worked on it
                    generated = await wait(ls.engine.generate(now))
            if generated is None:
                return None
            planned = await edit_for(ls, uri, target, None, at, generated.docs, overwrite)
        except (SuggestionError, DocumentUnavailable, GenerationError) as error:
            log.warning("cannot document %s: %s", name, error)
            return None
        if planned is None:
            return 0  # already documented meanwhile
        result = await ls.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(edit=planned.edit, label=f"sqlscribe: document {name}")
        )
        if result.applied:
            record = ls.acceptance
            if record is not None:
                kind = "file" if progress is not None else ("column" if target.column else "table")
                suggestion_id = record.shown(model=generated.model_id, kind=kind, document=uri, target=target.label)
                record.accepted(suggestion_id)
                planned.accepted.suggestion_id = suggestion_id
                ls.session.accepted.setdefault(uri, []).append(planned.accepted)
            return planned.added
        log.info("edit for %s refused (%s); re-planning", name, result.failure_reason)
    return None


class _Progress:
    """Server-initiated work-done progress, or nothing when the client does not support it."""

    def __init__(self, ls: SqlscribeServer, token: str | int | None, total: int) -> None:
        self.ls = ls
        self.token = token
        self.total = total
        self._cancel: asyncio.Future[Any] | None = None
        if token is not None:
            self._cancel = asyncio.wrap_future(ls.work_done_progress.tokens[token])

    @classmethod
    async def start(cls, ls: SqlscribeServer, title: str, total: int, token: str | int | None = None) -> _Progress:
        if token is None:  # no client-initiated token: create one, if the client supports progress at all
            window = ls.client_capabilities.window
            if not (window and window.work_done_progress):
                return cls(ls, None, total)
            token = f"sqlscribe-{uuid.uuid4().hex}"
            try:
                await ls.work_done_progress.create_async(token)
            except Exception as error:
                log.warning("client refused a progress token: %s", error)
                return cls(ls, None, total)
        # begin() registers the cancellation future for client-initiated tokens too.
        ls.work_done_progress.begin(
            token, types.WorkDoneProgressBegin(title=title, cancellable=True, percentage=0, message=f"{total} tables")
        )
        return cls(ls, token, total)

    @property
    def cancelled(self) -> bool:
        return self._cancel is not None and self._cancel.cancelled()

    def report(self, message: str, done: int) -> None:
        if self.token is None:
            return
        percentage = int(100 * done / self.total) if self.total else 100
        self.ls.work_done_progress.report(
            self.token, types.WorkDoneProgressReport(message=message, percentage=percentage, cancellable=True)
        )

    async def unless_cancelled(self, work: asyncio.Future[Any]) -> Any:
        """The work's result, or None as soon as the user cancels (the shared work itself goes on)."""
        if self._cancel is None:
            return await work
        done, _ = await asyncio.wait({work, self._cancel}, return_when=asyncio.FIRST_COMPLETED)
        if work in done:
            return work.result()
        return None

    def end(self, message: str) -> None:
        if self.token is None:
            return
        self.ls.work_done_progress.end(self.token, types.WorkDoneProgressEnd(message=message))
        self.ls.work_done_progress.tokens.pop(self.token, None)
