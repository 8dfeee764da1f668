"""The model, run off the event loop.

One backend (one loaded model) serves the whole server. Generations run one at a time
on a dedicated worker thread — llama.cpp's context is not thread-safe — so the event
loop keeps answering code-action listings, hovers and diagnostics while a table is
being documented. Identical requests share one generation (in-flight de-duplication),
and finished results stay in memory so a hover can show them without waiting.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlscribe import prompt
from sqlscribe.generate import Backend, BackendConfig, DocRequest, Generated, HeuristicBackend, make_backend
from sqlscribe.models import ModelError

log = logging.getLogger(__name__)

StatusListener = Callable[["Status"], None]
WarningListener = Callable[[str], None]


@dataclass(frozen=True)
class Status:
    state: str  # loading | idle | generating | error
    model: str
    message: str = ""
    pending: int = 0

    def as_dict(self) -> dict[str, object]:
        return {"state": self.state, "model": self.model, "message": self.message, "pending": self.pending}


class Engine:
    def __init__(
        self,
        config: BackendConfig,
        *,
        on_status: StatusListener | None = None,
        on_warning: WarningListener | None = None,
        factory: Callable[[BackendConfig], Backend] = make_backend,
    ) -> None:
        self.config = config
        self._factory = factory
        self._on_status = on_status or (lambda status: None)
        self._on_warning = on_warning or (lambda message: None)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlscribe-model")
        self._backend: Backend | None = None
        self._generation = 0  # bumped on every reconfiguration; part of every key
        self._inflight: dict[str, asyncio.Future[Generated]] = {}
        self._results: OrderedDict[str, Generated] = OrderedDict()
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
        """A generation is running or queued: new work would wait behind it."""
        return bool(self._inflight)

    def peek(self, request: DocRequest) -> Generated | None:
        """A finished result for this request, without waiting."""
        return self._results.get(self.key(request))

    def generate(self, request: DocRequest) -> asyncio.Future[Generated]:
        """Document a table (or part of one); identical concurrent requests share one future."""
        key = self.key(request)
        loop = asyncio.get_running_loop()
        done = self._results.get(key)
        if done is not None:
            self._results.move_to_end(key)
            future: asyncio.Future[Generated] = loop.create_future()
            future.set_result(done)
            return future
        running = self._inflight.get(key)
        if running is not None:
            return asyncio.shield(running)  # a caller that stops waiting must not cancel shared work
        future = asyncio.ensure_future(loop.run_in_executor(self._executor, self._run, request))
        self._inflight[key] = future
        self._publish("generating", pending=len(self._inflight))

        def finished(f: asyncio.Future[Generated]) -> None:
            self._inflight.pop(key, None)
            if not f.cancelled() and f.exception() is None:
                self._results[key] = f.result()
                while len(self._results) > 1024:
                    self._results.popitem(last=False)
            if self._inflight:
                self._publish("generating", pending=len(self._inflight))
            else:
                self._publish("error" if self.fallback_reason else "idle", message=self.fallback_reason or "")

        future.add_done_callback(finished)
        return asyncio.shield(future)

    def _run(self, request: DocRequest) -> Generated:
        # A result finished after a reconfiguration is stored under the old generation's key,
        # which no later request asks for.
        return self._ensure_backend().document(request)

    def _ensure_backend(self) -> Backend:
        """Runs on the worker thread only."""
        if self._backend is not None:
            return self._backend
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
            self._on_status(Status(state, self.model_id, message, pending))
        except Exception:  # a listener must never break generation
            log.exception("status listener failed")

    def close(self) -> None:
        backend, self._backend = self._backend, None
        if backend is not None:
            self._executor.submit(backend.close)
        self._executor.shutdown(wait=False, cancel_futures=True)
