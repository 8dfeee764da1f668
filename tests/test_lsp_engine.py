"""The language server's model engine: off-loop generation, de-duplication, reloads, fallback."""

from __future__ import annotations

import asyncio
import threading
import time

from lsp_server.engine import Engine, Status
from sqlscribe.ddl import parse_sql
from sqlscribe.docs import TableDocs
from sqlscribe.generate import Backend, BackendConfig, DocRequest, Generated
from sqlscribe.models import ModelError

TABLE = parse_sql("CREATE TABLE t (a INT, b TEXT);", "postgres").tables[0]


class SlowBackend(Backend):
    """A backend that takes a while and counts its calls (and on which thread they ran)."""

    def __init__(self, name: str = "slow") -> None:
        self.model_id = name
        self.calls: list[tuple[str, ...]] = []
        self.threads: set[str] = set()

    def document(self, request: DocRequest) -> Generated:
        self.calls.append(request.columns)
        self.threads.add(threading.current_thread().name)
        time.sleep(0.2)
        return Generated(TableDocs("T.", {c: f"About {c}." for c in request.columns}), self.model_id)


def request(*columns: str) -> DocRequest:
    return DocRequest(TABLE, columns=columns, want_description=False)


async def test_identical_requests_share_one_generation_off_the_event_loop():
    backend = SlowBackend()
    engine = Engine(BackendConfig(backend="x"), factory=lambda config: backend)
    started = time.perf_counter()
    first, second = engine.generate(request("a")), engine.generate(request("a"))
    # The loop stays free while the model works.
    await asyncio.sleep(0.05)
    assert time.perf_counter() - started < 0.15
    results = await asyncio.gather(first, second, engine.generate(request("b")))
    assert backend.calls == [("a",), ("b",)]
    assert results[0].docs.columns == {"a": "About a."} and results[2].docs.columns == {"b": "About b."}
    assert backend.threads == {"sqlscribe-model_0"}
    assert engine.peek(request("a")) is not None and engine.peek(request("a", "b")) is None
    again = await engine.generate(request("a"))  # remembered: no new call
    assert again.docs == results[0].docs and len(backend.calls) == 2
    engine.close()


async def test_a_caller_that_stops_waiting_does_not_cancel_shared_work():
    backend = SlowBackend()
    engine = Engine(BackendConfig(backend="x"), factory=lambda config: backend)
    first, second, third = (engine.generate(request("a")) for _ in range(3))
    first.cancel()
    second.cancel()
    assert (await third).docs.columns == {"a": "About a."}
    assert backend.calls == [("a",)]
    engine.close()


async def test_reconfiguring_reloads_once_lazily_and_reports_status():
    made: list[str] = []
    statuses: list[Status] = []

    def factory(config: BackendConfig) -> Backend:
        made.append(config.model or "")
        return SlowBackend(config.model or "default")

    engine = Engine(BackendConfig(backend="x", model="one"), factory=factory, on_status=statuses.append)
    await engine.generate(request("a"))
    assert engine.reconfigure(BackendConfig(backend="x", model="one")) is False
    assert engine.reconfigure(BackendConfig(backend="x", model="two")) is True
    assert made == ["one"]  # nothing loads until it is needed
    await asyncio.gather(engine.generate(request("a")), engine.generate(request("b")))
    assert made == ["one", "two"]
    assert [s.state for s in statuses if s.state == "loading"] == ["loading", "loading"]
    assert statuses[-1].state == "idle" and statuses[-1].model == "two"
    engine.close()


async def test_a_model_that_cannot_load_falls_back_to_the_heuristic_and_warns_once():
    warnings: list[str] = []

    def factory(config: BackendConfig) -> Backend:
        raise ModelError("model file missing; reinstall it")

    engine = Engine(BackendConfig(), factory=factory, on_warning=warnings.append)
    result = await engine.generate(request("a", "b"))
    await engine.generate(request("b"))
    assert result.model_id == "heuristic-1" and set(result.docs.columns) == {"a", "b"}
    assert len(warnings) == 1 and "model file missing" in warnings[0] and "heuristic" in warnings[0]
    assert engine.fallback_reason == "model file missing; reinstall it"
    engine.close()


async def test_warm_up_reads_the_prompt_once_and_survives_a_failure():
    """The warm-up loads the backend and lets it read its prompt's fixed part; a failure there is
    only a lost head start, never a broken server."""

    class Warmable(SlowBackend):
        def __init__(self, fail: bool) -> None:
            super().__init__("warm")
            self.fail = fail
            self.warmed: list[str] = []

        def warm_prompt(self) -> int:
            self.warmed.append(threading.current_thread().name)
            if self.fail:
                raise RuntimeError("llama.cpp said no")
            return 400

    for fail in (False, True):
        backend = Warmable(fail)
        engine = Engine(BackendConfig(backend="x"), factory=lambda config, b=backend: b)
        assert await engine.warm_up() == "warm"
        assert backend.warmed == ["sqlscribe-model_0"]
        result = await engine.generate(request("a"))
        assert result.docs.columns == {"a": "About a."} and engine.fallback_reason is None
        engine.close()
