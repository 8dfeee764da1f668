"""The language server's model engine: off-loop generation, de-duplication, reloads, fallback."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterable, Iterator

from lsp_server.engine import Engine, Status
from sqlscribe.ddl import parse_sql
from sqlscribe.docs import TableDocs
from sqlscribe.generate import Backend, BackendConfig, Context, DocRequest, Generated, GenerationError, Interrupted
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
    assert engine.peek(request("a")) is not None
    # What the two answers said together answers both columns at once.
    both = engine.peek(request("a", "b"))
    assert both is not None and both.docs.columns == {"a": "About a.", "b": "About b."}
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


FILE = parse_sql(
    "CREATE TABLE t1 (a INT, b TEXT);\nCREATE TABLE t2 (c INT);\nCREATE TABLE t3 (d INT);", "postgres"
).tables


def whole(index: int) -> DocRequest:
    return DocRequest.for_table(FILE[index])


class Stepping(Backend):
    """Works in small steps and, as llama.cpp does, stops at the next one once interrupted."""

    def __init__(self, steps: int = 10, fail: str = "") -> None:
        self.model_id = "stepping"
        self.steps = steps
        self.fail = fail  # a table it cannot document
        self.log: list[tuple[str, str]] = []  # (started | stopped | done | failed, what)

    def document(self, request: DocRequest) -> Generated:
        what = request.table.name + ("." + ",".join(request.columns) if not request.want_description else "")
        self.log.append(("started", what))
        for _ in range(self.steps):
            if self.interrupt is not None and self.interrupt.is_set():
                self.log.append(("stopped", what))
                raise Interrupted("interrupted")
            time.sleep(0.02)
        if request.table.name == self.fail:
            self.log.append(("failed", what))
            raise GenerationError(f"table {what}: the model said no")
        self.log.append(("done", what))
        docs = {c: f"{request.table.name}.{c}" for c in request.columns}
        return Generated(TableDocs(f"About {request.table.name}." if request.want_description else None, docs), "m")


def stepping_engine(backend: Stepping, quiet: float = 0.0, statuses: list[Status] | None = None) -> Engine:
    engine = Engine(
        BackendConfig(backend="x"),
        factory=lambda config: backend,
        on_status=None if statuses is None else statuses.append,
    )
    engine.quiet_seconds = quiet
    return engine


async def until(predicate: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def test_background_work_answers_the_table_its_columns_and_its_description():
    backend = Stepping(steps=2)
    statuses: list[Status] = []
    engine = stepping_engine(backend, statuses=statuses)
    engine.prefetch("file:///a.sql", [whole(0), whole(1)])
    await until(lambda: ("done", "t2") in backend.log)
    assert backend.log == [("started", "t1"), ("done", "t1"), ("started", "t2"), ("done", "t2")]
    assert not engine.busy
    # The status says what is being done ahead, and how much is left.
    said = [(s.message, s.ahead) for s in statuses if s.state == "generating"]
    assert said == [("documenting t1 ahead", 2), ("documenting t2 ahead", 1)]
    await until(lambda: statuses[-1].state == "idle" and statuses[-1].ahead == 0)
    table = await engine.generate(whole(0))
    column = await engine.generate(DocRequest(FILE[0], columns=("b",), want_description=False))
    description = await engine.generate(DocRequest(FILE[0], columns=(), want_description=True))
    assert table.docs == TableDocs("About t1.", {"a": "t1.a", "b": "t1.b"})
    assert column.docs == TableDocs(None, {"b": "t1.b"})
    assert description.docs == TableDocs("About t1.", {})
    assert engine.peek(DocRequest(FILE[1], columns=("c",), want_description=False)) is not None
    assert len(backend.log) == 4  # all from memory
    # A column of a table nobody documented yet is its own work.
    other = await engine.generate(DocRequest(FILE[2], columns=("d",), want_description=False))
    assert other.docs.columns == {"d": "t3.d"} and backend.log[-1] == ("done", "t3.d")
    engine.close()


async def test_a_request_stops_background_work_which_starts_again_once_idle():
    backend = Stepping(steps=25)
    engine = stepping_engine(backend)
    engine.prefetch("file:///a.sql", [whole(0), whole(1)])
    await until(lambda: backend.log == [("started", "t1")])
    mine = await engine.generate(whole(2))
    assert mine.docs.description == "About t3."
    await until(lambda: ("done", "t2") in backend.log)
    assert backend.log == [
        ("started", "t1"),
        ("stopped", "t1"),
        ("started", "t3"),
        ("done", "t3"),
        ("started", "t1"),
        ("done", "t1"),
        ("started", "t2"),
        ("done", "t2"),
    ]
    engine.close()


async def test_background_work_waits_while_the_user_keeps_asking():
    backend = Stepping(steps=2)
    engine = stepping_engine(backend, quiet=60.0)
    await engine.generate(whole(2))
    engine.prefetch("file:///a.sql", [whole(0)])
    await asyncio.sleep(0.3)
    assert backend.log == [("started", "t3"), ("done", "t3")]  # a minute's quiet is not over
    engine.close()


async def test_asking_for_the_table_under_way_joins_it_instead_of_stopping_it():
    backend = Stepping(steps=25)
    engine = stepping_engine(backend)
    engine.prefetch("file:///a.sql", [whole(0)])
    await until(lambda: backend.log == [("started", "t1")])
    column, table = await asyncio.gather(
        engine.generate(DocRequest(FILE[0], columns=("a",), want_description=False)), engine.generate(whole(0))
    )
    assert column.docs == TableDocs(None, {"a": "t1.a"}) and table.docs.columns == {"a": "t1.a", "b": "t1.b"}
    assert backend.log == [("started", "t1"), ("done", "t1")]
    engine.close()


async def test_a_new_plan_stops_a_table_it_no_longer_wants_and_a_failure_is_not_retried():
    backend = Stepping(steps=25, fail="t2")
    engine = stepping_engine(backend)
    engine.prefetch("file:///a.sql", [whole(0), whole(1)])
    await until(lambda: backend.log == [("started", "t1")])
    engine.prefetch("file:///a.sql", [whole(1), whole(2)])  # the user documented t1 meanwhile
    await until(lambda: ("done", "t3") in backend.log)
    assert backend.log == [
        ("started", "t1"),
        ("stopped", "t1"),
        ("started", "t2"),
        ("failed", "t2"),
        ("started", "t3"),
        ("done", "t3"),
    ]
    engine.prefetch("file:///b.sql", [whole(0)])
    await until(lambda: len(backend.log) == 7)
    engine.prefetch("file:///b.sql", [])  # the document was closed
    await until(lambda: len(backend.log) == 8)
    assert backend.log[6:] == [("started", "t1"), ("stopped", "t1")]
    await asyncio.sleep(0.2)
    assert len(backend.log) == 8 and not engine.busy
    engine.close()


async def test_suggestions_stay_as_shown_while_the_user_accepts_them_one_by_one():
    backend = Stepping(steps=1)
    engine = stepping_engine(backend)
    first = await engine.generate(whole(0))
    # The user accepts column a's suggestion: the table now has that comment, and the table's
    # action asks for what is left.
    (t1,) = parse_sql("CREATE TABLE t1 (a INT, b TEXT);\nCOMMENT ON COLUMN t1.a IS 'Set by hand.';", "postgres").tables
    assert t1.columns[0].comment is not None
    rest = await engine.generate(DocRequest.for_table(t1))
    assert rest.docs == TableDocs("About t1.", {"b": "t1.b"}) and rest.docs.columns["b"] == first.docs.columns["b"]
    column = await engine.generate(DocRequest(t1, columns=("b",), want_description=False))
    assert column.docs.columns == {"b": "t1.b"}
    assert backend.log == [("started", "t1"), ("done", "t1")]
    # A changed column is another table to the model.
    (changed,) = parse_sql("CREATE TABLE t1 (a INT, b BIGINT);", "postgres").tables
    await engine.generate(DocRequest(changed, columns=("b",), want_description=False))
    assert backend.log[-1] == ("done", "t1.b")
    engine.close()


FIVE = parse_sql("\n".join(f"CREATE TABLE t{i} (c{i} INT);" for i in range(1, 6)), "postgres").tables


class Batching(Stepping):
    """Documents a batch of tables as the real backends do: `document_many` yields each table in
    order, and an interrupt ends the batch (every table not yet done raises `Interrupted`)."""

    def document_many(self, requests: Iterable[DocRequest]) -> Iterator[Generated | GenerationError]:
        todo = list(requests)
        self.log.append(("batch", ",".join(r.table.name for r in todo)))
        for i, request in enumerate(todo):
            try:
                yield self.document(request)
            except Interrupted as error:
                yield from [error] * (len(todo) - i)
                return
            except GenerationError as error:
                yield error


async def test_tables_asked_together_go_to_the_model_in_windows_between_other_requests():
    backend = Batching(steps=5)
    statuses: list[Status] = []
    engine = Engine(BackendConfig(backend="x", jobs=2), factory=lambda config: backend, on_status=statuses.append)
    known = await engine.generate(DocRequest.for_table(FIVE[2]))  # t3, answered before: from memory
    wholes = [DocRequest.for_table(t) for t in FIVE]
    answers = engine.generate_many([*wholes, wholes[0]])  # t1 twice: one answer
    await until(lambda: ("started", "t1") in backend.log)
    # Somebody else asks for something while the first window runs: it waits for that window only.
    other = engine.generate(DocRequest(FIVE[4], columns=("c5",), want_description=False, context=Context(("x",))))
    results = await asyncio.gather(*answers, other)
    described = [r.docs.description for r in results[:6]]
    assert described == ["About t1.", "About t2.", "About t3.", "About t4.", "About t5.", "About t1."]
    assert results[2].docs == known.docs and results[6].docs.columns == {"c5": "t5.c5"}
    runs = [what for event, what in backend.log if event in ("batch", "done")]
    assert runs == ["t3", "t1,t2", "t1", "t2", "t5.c5", "t4,t5", "t4", "t5"]
    generating = [s.pending for s in statuses if s.state == "generating"]
    assert generating[:3] == [1, 4, 5]  # t3 alone; the batch's four, said once; the other request
    assert not engine.busy and statuses[-1].state == "idle"
    assert engine.peek(DocRequest(FIVE[3], columns=("c4",), want_description=False)) is not None
    engine.close()


async def test_stopping_tables_asked_together_stops_the_model_and_whoever_joined_is_answered():
    backend = Batching(steps=25)
    engine = Engine(BackendConfig(backend="x", jobs=2), factory=lambda config: backend)
    stop = threading.Event()
    wholes = [DocRequest.for_table(t) for t in FIVE[:4]]
    answers = engine.generate_many(wholes, stop)
    await until(lambda: ("started", "t1") in backend.log)
    joined = engine.generate(DocRequest(FIVE[1], columns=("c2",), want_description=False))  # waits for t2
    stop.set()  # the user cancels "Document this file"
    outcomes = await asyncio.gather(*answers, return_exceptions=True)
    assert all(isinstance(o, Interrupted) for o in outcomes), outcomes
    assert (await joined).docs.columns == {"c2": "t2.c2"}
    assert backend.log == [
        ("batch", "t1,t2"),
        ("started", "t1"),
        ("stopped", "t1"),
        ("started", "t2"),  # the whole table it joined, asked again alone
        ("done", "t2"),
    ]
    assert not engine.busy
    engine.close()


async def test_a_table_that_fails_in_a_batch_fails_alone_and_a_broken_backend_fails_every_table():
    backend = Batching(steps=1, fail="t2")
    engine = Engine(BackendConfig(backend="x", jobs=4), factory=lambda config: backend)
    outcomes = await asyncio.gather(*engine.generate_many([whole(0), whole(1), whole(2)]), return_exceptions=True)
    assert isinstance(outcomes[1], GenerationError) and "the model said no" in str(outcomes[1])
    assert [o.docs.description for o in (outcomes[0], outcomes[2])] == ["About t1.", "About t3."]  # type: ignore[union-attr]

    def broken(requests: object) -> Iterator[Generated | GenerationError]:
        raise RuntimeError("llama.cpp fell over")
        yield  # a generator, as the real one is

    backend.document_many = broken  # type: ignore[method-assign,assignment]
    t2 = DocRequest(FILE[1], columns=("c",), want_description=False, context=Context(("y",)))
    outcomes = await asyncio.gather(*engine.generate_many([t2]), return_exceptions=True)
    assert [str(o) for o in outcomes] == ["table t2: generation failed: llama.cpp fell over"]
    assert isinstance(outcomes[0], GenerationError)
    assert not engine.busy
    engine.close()


async def test_closing_the_engine_during_a_batch_answers_every_table():
    backend = Batching(steps=10)
    engine = Engine(BackendConfig(backend="x", jobs=2), factory=lambda config: backend)
    answers = engine.generate_many([DocRequest.for_table(t) for t in FIVE[:4]])
    await until(lambda: ("started", "t1") in backend.log)
    engine.close()  # the server shuts down
    outcomes = await asyncio.wait_for(asyncio.gather(*answers, return_exceptions=True), 10)
    assert [o.docs.description for o in outcomes[:2]] == ["About t1.", "About t2."]  # type: ignore[union-attr]
    assert [str(o) for o in outcomes[2:]] == ["the language server is shutting down"] * 2


async def test_no_model_loads_before_the_clients_settings_are_in():
    made: list[str] = []

    def factory(config: BackendConfig) -> Backend:
        made.append(config.model or "")
        return SlowBackend(config.model or "default")

    engine = Engine(BackendConfig(backend="x"), factory=factory, settled=False)
    asked = engine.generate(request("a"))  # sent right after `initialized`
    await asyncio.sleep(0.2)
    assert made == [] and not asked.done()  # waiting for the settings
    engine.reconfigure(BackendConfig(backend="x", model="configured"))
    engine.settle()
    assert (await asked).model_id == "configured" and made == ["configured"]
    engine.close()
