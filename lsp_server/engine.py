"""The model, run off the event loop.

One backend (one loaded model) serves the whole server. Generations run one at a time
on a dedicated worker thread — llama.cpp's context is not thread-safe — so the event
loop keeps answering code-action listings, hovers and diagnostics while a table is
being documented. Identical requests share one generation (in-flight de-duplication),
and finished results stay in memory so a hover can show them without waiting; what an
answer says about a table serves later requests for its columns too (`peek`).

Work nobody waits for yet (`prefetch`, planned by lsp_server/features/prefetch.py) runs
only while nothing else is asked for, and stops for any request (`Backend.interrupt`).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from sqlscribe import prompt
from sqlscribe.docs import TableDocs
from sqlscribe.generate import (
    Backend,
    BackendConfig,
    Context,
    DocRequest,
    Generated,
    GenerationError,
    HeuristicBackend,
    Interrupted,
    make_backend,
)
from sqlscribe.models import ModelError

log = logging.getLogger(__name__)

# Background work (`Engine.prefetch`) waits this long after the last work somebody waited for.
QUIET_SECONDS = 0.3
# The longest a model load waits for the client's settings (`Engine.settle`).
SETTLE_SECONDS = 15.0

StatusListener = Callable[["Status"], None]
WarningListener = Callable[[str], None]


@dataclass(frozen=True)
class Status:
    state: str  # loading | idle | generating | error
    model: str
    message: str = ""
    pending: int = 0
    ahead: int = 0  # tables still to document in the background (`Engine.prefetch`)

    def as_dict(self) -> dict[str, object]:
        return {
            "state": self.state,
            "model": self.model,
            "message": self.message,
            "pending": self.pending,
            "ahead": self.ahead,
        }


class Engine:
    def __init__(
        self,
        config: BackendConfig,
        *,
        on_status: StatusListener | None = None,
        on_warning: WarningListener | None = None,
        factory: Callable[[BackendConfig], Backend] = make_backend,
        settled: bool = True,
    ) -> None:
        self.config = config
        # Set once the client's settings are in (`settle`): until then no model is loaded, so that
        # a request sent right after `initialized` does not load the default model in place of
        # the one the settings name (they come through workspace/configuration, a round trip).
        self._settled = threading.Event()
        if settled:
            self._settled.set()
        self._factory = factory
        self._on_status = on_status or (lambda status: None)
        self._on_warning = on_warning or (lambda message: None)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlscribe-model")
        self._backend: Backend | None = None
        self._generation = 0  # bumped on every reconfiguration; part of every key
        self._inflight: dict[str, asyncio.Future[Generated]] = {}
        # In-flight background work nobody waits for yet, with the event that stops it.
        self._background: dict[str, threading.Event] = {}
        # In-flight tables of a batch (`generate_many`), which their owner may still stop.
        self._batched: set[str] = set()
        # Background work to do: owner (a document) -> (key, request), in order; an entry stays
        # until it is answered, so a table stopped for a request is the first to start again.
        self._queued: OrderedDict[str, list[tuple[str, DocRequest]]] = OrderedDict()
        self._pump_timer: asyncio.TimerHandle | None = None
        self._ahead = 0  # tables in those lists not done yet (read by the worker thread's statuses)
        self._asked_at = -math.inf  # when work somebody waited for last ended (loop time)
        # Background work starts only after this long without such work.
        self.quiet_seconds = QUIET_SECONDS
        self._results: OrderedDict[str, Generated] = OrderedDict()
        # Every table's answers so far, merged, by the table's shape (`shape`).
        self._said: OrderedDict[str, Generated] = OrderedDict()
        self._warned: set[str] = set()
        self.model_id = "(not loaded)"
        self.fallback_reason: str | None = None

    # -- configuration -------------------------------------------------------

    def reconfigure(self, config: BackendConfig) -> bool:
        """Use another backend or model; True when that means a reload (done once, lazily)."""
        if config == self.config:
            return False
        self.config = config
        self._generation += 1
        self._results.clear()
        self._said.clear()
        self._queued.clear()  # planned for the old model; the server plans again
        old, self._backend = self._backend, None
        if old is not None:
            self._executor.submit(old.close)
        self.model_id = "(not loaded)"
        self.fallback_reason = None
        return True

    async def warm_up(self) -> str:
        """Load the model and read the prompt's fixed part now, so the first suggestion pays for neither."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._warm_up)

    def _warm_up(self) -> str:
        backend = self._ensure_backend()
        warm_prompt = getattr(backend, "warm_prompt", None)
        if callable(warm_prompt):
            try:
                warm_prompt()
            except Exception:  # only a head start: the first request does the same work
                log.exception("warming the prompt failed")
        return backend.model_id

    # -- generation ----------------------------------------------------------

    def key(self, request: DocRequest) -> str:
        payload = json.dumps(
            [self._generation, prompt.messages(request, "general"), request.columns, request.want_description]
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    @property
    def busy(self) -> bool:
        """Work somebody waits for is running or queued: a new request would wait behind it
        (background work would not hold it up: it stops for the request)."""
        return any(key not in self._background for key in self._inflight)

    def shape(self, request: DocRequest) -> str:
        """The table as the model would see it without any comment: what stays the same while
        the user accepts (or writes) the table's comments one by one."""
        table = request.table
        bare = replace(table, comment=None, columns=[replace(c, comment=None) for c in table.columns])
        whole = DocRequest.for_table(bare, Context(request.context.neighbours))
        payload = json.dumps([self._generation, prompt.messages(whole, "general")])
        return hashlib.sha256(payload.encode()).hexdigest()

    def peek(self, request: DocRequest) -> Generated | None:
        """A finished result for this request, or what an earlier answer for the same table
        said about the columns it asks for, without waiting: suggestions stay as they were
        shown while the user accepts some of them, and a column's is its table's."""
        done = self._results.get(self.key(request))
        if done is not None:
            return done
        said = self._said.get(self.shape(request))
        if said is not None and covers(said, request):
            return _part(said, request)
        return None

    def _remember(self, key: str, request: DocRequest, result: Generated) -> None:
        self._results[key] = result
        while len(self._results) > 1024:
            self._results.popitem(last=False)
        shape = self.shape(request)
        said = self._said.pop(shape, None)
        if said is not None:
            columns = {**said.docs.columns, **result.docs.columns}
            description = result.docs.description or said.docs.description
            fallback = [c for c in said.fallback_columns if c not in result.docs.columns]
            result = Generated(
                TableDocs(description, columns), result.model_id, fallback_columns=fallback + result.fallback_columns
            )
        self._said[shape] = result
        while len(self._said) > 1024:
            self._said.popitem(last=False)

    def generate(self, request: DocRequest) -> asyncio.Future[Generated]:
        """Document a table (or part of one); identical concurrent requests share one future.

        A request an earlier answer for the same table covers is answered from memory (`peek`);
        a column (or a description alone) whose whole table is being documented waits for that
        answer. Background work under way stops for a new request."""
        key = self.key(request)
        known = self._known(key, request)
        if known is not None:
            return known
        for event in self._background.values():
            event.set()
        return asyncio.shield(self._start(key, request))

    def _known(self, key: str, request: DocRequest) -> asyncio.Future[Generated] | None:
        """The answer from memory, or the work under way that will give it; None when neither."""
        done = self.peek(request)
        if done is not None:
            if key in self._results:
                self._results.move_to_end(key)
            future: asyncio.Future[Generated] = asyncio.get_running_loop().create_future()
            future.set_result(done)
            return future
        running = self._inflight.get(key)
        if running is not None:
            return self._join(key, running, request, None)
        for whole_key, whole in self._wholes(request):
            if whole_key in self._inflight:
                return self._join(whole_key, self._inflight[whole_key], request, whole)
        return None

    def _join(
        self, key: str, running: asyncio.Future[Generated], request: DocRequest, whole: DocRequest | None
    ) -> asyncio.Future[Generated]:
        """Wait for work under way (``request`` itself, or its ``whole`` table)."""
        stop = self._background.pop(key, None)  # somebody waits for it now: it is never stopped again
        # A batch's table (`generate_many`) may still be stopped by its owner: asked again then.
        if whole is None and key not in self._batched and (stop is None or not stop.is_set()):
            return asyncio.shield(running)  # a caller that stops waiting must not cancel shared work
        return asyncio.ensure_future(self._via(running, request, whole))

    async def _via(
        self, running: asyncio.Future[Generated], request: DocRequest, whole: DocRequest | None
    ) -> Generated:
        """The answer of work under way; asked again, as the caller's own, if it was background
        work that stopped for another request; for a part, read from its whole table's answer."""
        try:
            result = await asyncio.shield(running)
        except Interrupted:
            result = await self.generate(whole or request)
        except GenerationError:
            if whole is None:
                raise
            return await self.generate(request)  # the part gets its own try, and its own error
        if whole is None:
            return result
        return _part(result, request) if covers(result, request) else await self.generate(request)

    def prefetch(self, owner: str, requests: Sequence[DocRequest]) -> None:
        """Document these in the background, in this order, while nothing else is asked for.

        ``owner`` (a document) names the list: a later call replaces it, an empty one drops it;
        the most recently given list goes first. Background work yields to every other request:
        one that arrives stops the table under way (llama.cpp stops at its next step), which
        starts again, from the front of its list, once nothing else runs. A table no list wants
        any more is stopped too."""
        self._queued.pop(owner, None)
        if requests:
            self._queued[owner] = [(self.key(r), r) for r in requests]
        wanted = self._prune()
        for key, stop in self._background.items():
            if key not in wanted:
                stop.set()
        self._pump()

    def _pump(self) -> None:
        """Start the first background table still to do, when nothing runs and nothing has for a
        moment (a caller documenting table after table asks for the next one soon after)."""
        if self._inflight or not self._queued or self._pump_timer is not None:
            return
        loop = asyncio.get_running_loop()
        wait = self._asked_at + self.quiet_seconds - loop.time()
        if wait > 0:
            self._pump_timer = loop.call_later(wait, self._pump_later)
            return
        self._prune()
        if self._queued:
            key, request = next(reversed(self._queued.values()))[0]
            stop = threading.Event()
            self._background[key] = stop
            self._start(key, request, stop)

    def _prune(self) -> set[str]:
        """Drop what memory answers from the lists, and lists left empty; count what is left, and
        return the keys of the tables still to do."""
        for owner, todo in list(self._queued.items()):
            todo[:] = [(key, request) for key, request in todo if self.peek(request) is None]
            if not todo:
                del self._queued[owner]
        wanted = {key for todo in self._queued.values() for key, _ in todo}
        self._ahead = len(wanted)
        return wanted

    def _pump_later(self) -> None:
        self._pump_timer = None
        self._pump()

    def _drop(self, key: str) -> None:
        """Never try this table in the background again (it failed)."""
        for todo in self._queued.values():
            todo[:] = [(k, request) for k, request in todo if k != key]

    def generate_many(
        self, requests: Sequence[DocRequest], stop: threading.Event | None = None
    ) -> list[asyncio.Future[Generated]]:
        """Document several tables together, one future for each request, done as soon as its
        table is: the backend's own batch (llama decodes `jobs` tables at once, openai sends
        `jobs` requests at once) instead of one table after another.

        A request that memory answers or work under way covers is answered as `generate` would.
        The rest go to the worker in windows of `jobs` tables, one window after the other, so a
        request from elsewhere waits for one window at most. Setting ``stop`` ends what is not
        done yet: a window under way stops at the model's next step and its unfinished tables,
        like those of the windows never started, raise `Interrupted` (anybody else waiting for
        one of them asks again)."""
        loop = asyncio.get_running_loop()
        futures: list[asyncio.Future[Generated]] = []
        fresh: dict[str, asyncio.Future[Generated]] = {}
        batch: list[tuple[str, DocRequest]] = []
        for request in requests:
            key = self.key(request)
            known = asyncio.shield(fresh[key]) if key in fresh else self._known(key, request)
            if known is None:
                fresh[key] = loop.create_future()
                batch.append((key, request))
                known = asyncio.shield(fresh[key])
            futures.append(known)
        if not batch:
            return futures
        for event in self._background.values():
            event.set()
        for key, request in batch:
            self._batched.add(key)
            self._track(key, request, fresh[key], background=False, announce=False)
        self._publish("generating", pending=len(self._inflight))  # once, not once a table
        size = max(1, self.config.jobs)
        windows = [batch[i : i + size] for i in range(0, len(batch), size)]
        self._next_window(windows, fresh, stop)
        return futures

    def _next_window(
        self,
        windows: list[list[tuple[str, DocRequest]]],
        futures: dict[str, asyncio.Future[Generated]],
        stop: threading.Event | None,
    ) -> None:
        """Hand the first window to the worker; the next one follows once it is done."""
        if not windows:
            return
        window = windows.pop(0)
        loop = asyncio.get_running_loop()

        def give_up(error: GenerationError) -> None:
            for key, _ in [*window, *(item for rest in windows for item in rest)]:
                if not futures[key].done():
                    futures[key].set_exception(error)

        if stop is not None and stop.is_set():
            give_up(Interrupted("stopped before it started"))
            return

        def settle(key: str, result: Generated | BaseException) -> None:
            future = futures[key]
            if future.done():
                return
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)

        def deliver(i: int, result: Generated | GenerationError) -> None:  # on the worker thread
            loop.call_soon_threadsafe(settle, window[i][0], result)

        try:
            work = loop.run_in_executor(self._executor, self._run_many, [r for _, r in window], stop, deliver)
        except RuntimeError:  # the engine was closed meanwhile
            give_up(GenerationError("the language server is shutting down"))
            return

        def ended(f: asyncio.Future[None]) -> None:
            error = f.exception() if not f.cancelled() else None
            for key, request in window:  # after every `settle` the worker scheduled
                failure = GenerationError(f"table {request.table.name}: generation failed: {error or 'no answer'}")
                failure.__cause__ = error
                settle(key, failure)
            self._next_window(windows, futures, stop)

        work.add_done_callback(ended)

    def _run_many(
        self,
        requests: list[DocRequest],
        stop: threading.Event | None,
        deliver: Callable[[int, Generated | GenerationError], None],
    ) -> None:
        backend = self._ensure_backend()
        backend.interrupt = stop
        try:
            for i, result in enumerate(backend.document_many(requests)):
                deliver(i, result)
        finally:
            backend.interrupt = None

    def _start(
        self, key: str, request: DocRequest, interrupt: threading.Event | None = None
    ) -> asyncio.Future[Generated]:
        loop = asyncio.get_running_loop()
        future = asyncio.ensure_future(loop.run_in_executor(self._executor, self._run, request, interrupt))
        self._track(key, request, future, background=interrupt is not None)
        return future

    def _track(
        self,
        key: str,
        request: DocRequest,
        future: asyncio.Future[Generated],
        *,
        background: bool,
        announce: bool = True,
    ) -> None:
        """Keep work under way in `_inflight` until it ends; then remember its answer, say so and
        start the next background table. ``announce``: publish the new status now."""
        loop = asyncio.get_running_loop()
        self._inflight[key] = future
        if announce:
            ahead = f"documenting {request.table.name} ahead" if background else ""
            self._publish("generating", message=ahead, pending=len(self._inflight))

        def finished(f: asyncio.Future[Generated]) -> None:
            self._inflight.pop(key, None)
            self._batched.discard(key)
            if self._background.pop(key, None) is None:
                self._asked_at = loop.time()
            if not f.cancelled() and f.exception() is None:
                self._remember(key, request, f.result())
            elif f.cancelled() or not isinstance(f.exception(), Interrupted):
                self._drop(key)
            self._prune()
            if self._inflight:
                self._publish("generating", pending=len(self._inflight))
            else:
                self._publish("error" if self.fallback_reason else "idle", message=self.fallback_reason or "")
            self._pump()

        future.add_done_callback(finished)

    def _wholes(self, request: DocRequest) -> list[tuple[str, DocRequest]]:
        """The whole-table requests whose answer would cover this part of a table."""
        if request.want_description and request.columns:
            return []
        out = []
        for overwrite in (False, True):
            whole = DocRequest.for_table(request.table, request.context, overwrite=overwrite)
            if whole != request and (whole.want_description or not request.want_description):
                out.append((self.key(whole), whole))
        return out

    def _run(self, request: DocRequest, interrupt: threading.Event | None = None) -> Generated:
        # A result finished after a reconfiguration is stored under the old generation's key,
        # which no later request asks for.
        backend = self._ensure_backend()
        backend.interrupt = interrupt
        try:
            return backend.document(request)
        finally:
            backend.interrupt = None

    def settle(self) -> None:
        """The client's settings are in (or will not come): models may load now."""
        self._settled.set()

    def _ensure_backend(self) -> Backend:
        """Runs on the worker thread only."""
        if self._backend is not None:
            return self._backend
        self._settled.wait(SETTLE_SECONDS)
        what = self.config.model or "the default model" if self.config.backend == "llama" else self.config.backend
        self._publish("loading", message=f"loading {what}")
        try:
            backend = self._factory(self.config)
            load = getattr(backend, "load", None)
            if callable(load):
                load()
            self.fallback_reason = None
        except (ModelError, ValueError, OSError) as error:
            self.fallback_reason = f"{error}"
            self._warn_once(f"sqlscribe: {error}. Falling back to the heuristic backend (no model).")
            backend = HeuristicBackend()
        self._backend = backend
        self.model_id = backend.model_id
        self._publish("error" if self.fallback_reason else "idle", message=self.fallback_reason or "")
        return backend

    def _warn_once(self, message: str) -> None:
        if message in self._warned:
            return
        self._warned.add(message)
        self._on_warning(message)

    def _publish(self, state: str, *, message: str = "", pending: int = 0) -> None:
        try:
            self._on_status(Status(state, self.model_id, message, pending, self._ahead))
        except Exception:  # a listener must never break generation
            log.exception("status listener failed")

    def close(self) -> None:
        self._queued.clear()
        if self._pump_timer is not None:
            self._pump_timer.cancel()
        for stop in self._background.values():
            stop.set()
        backend, self._backend = self._backend, None
        if backend is not None:
            self._executor.submit(backend.close)
        self._executor.shutdown(wait=False, cancel_futures=True)


def covers(whole: Generated, part: DocRequest) -> bool:
    """Whether an answer says all that a request asks for."""
    return all(c in whole.docs.columns for c in part.columns) and (
        not part.want_description or bool(whole.docs.description)
    )


def _part(whole: Generated, part: DocRequest) -> Generated:
    """What a whole table's answer says about some of its columns (or its description)."""
    docs = TableDocs(
        whole.docs.description if part.want_description else None, {c: whole.docs.columns[c] for c in part.columns}
    )
    fallback = [c for c in whole.fallback_columns if c in docs.columns]
    return Generated(docs, whole.model_id, cached=True, fallback_columns=fallback)
