"""The embedded default model, for real: in-process through llama.cpp and behind a real
OpenAI-compatible server (llama-cpp-python's own) on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sqlscribe.ddl import parse_sql
from sqlscribe.document import document_text
from sqlscribe.generate import (
    BackendConfig,
    DocCache,
    DocRequest,
    Generated,
    GenerationError,
    Interrupted,
    make_backend,
)
from sqlscribe.generate.llama import EXTRA_BUFFERS_ENV, LlamaBackend, guard_extra_buffers, use_extra_buffers
from sqlscribe.generate.openai import OpenAIBackend
from sqlscribe.models import resolve, spec_for

pytestmark = pytest.mark.model

TEN_COLUMNS = """CREATE TABLE sales.invoice_lines (
  line_id BIGINT PRIMARY KEY,
  invoice_id BIGINT NOT NULL REFERENCES sales.invoices (invoice_id),
  sku VARCHAR(32) NOT NULL,
  qty INTEGER NOT NULL,
  unit_price_eur NUMERIC(10, 2) NOT NULL,
  discount_pct NUMERIC(5, 2) DEFAULT 0,
  tax_rate NUMERIC(5, 4),
  is_gift BOOLEAN DEFAULT false,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  "order" INTEGER
);"""


class StopAfter(threading.Event):
    """An interrupt that is set from its ``n``-th check on: a stop at a known point."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.checks = 0
        self.n = n

    def is_set(self) -> bool:
        self.checks += 1
        return self.checks > self.n


@pytest.fixture(scope="module")
def llama() -> LlamaBackend:
    backend = make_backend(BackendConfig(backend="llama", use_cache=False))
    assert isinstance(backend, LlamaBackend)
    return backend


def _assert_fully_documented(text: str, dialect: str) -> None:
    (table,) = parse_sql(text, dialect).tables
    assert table.complete
    assert table.comment is not None and table.comment.text.strip()
    for col in table.columns:
        assert col.comment is not None and col.comment.text.strip(), col.name


def test_llama_documents_every_column_and_the_result_reparses(llama: LlamaBackend) -> None:
    outcome = document_text(TEN_COLUMNS, llama, dialect="postgres")
    assert outcome.errors == []
    (table,) = outcome.tables
    assert table.generated is not None
    assert set(table.generated.docs.columns) == {c.name for c in table.table.columns}
    assert table.generated.completion_tokens > 0
    _assert_fully_documented(outcome.new_text, "postgres")


@pytest.mark.parametrize("dialect", ["mysql", "bigquery", "snowflake", "tsql", "sqlite", "oracle"])
def test_llama_output_lands_in_each_dialect(llama: LlamaBackend, dialect: str) -> None:
    ddl = "CREATE TABLE shipments (shipment_id INT PRIMARY KEY, carrier_cd VARCHAR(8), wt_kg FLOAT);"
    if dialect == "bigquery":
        ddl = ddl.replace("INT PRIMARY KEY", "INT64").replace("VARCHAR(8)", "STRING").replace("FLOAT", "FLOAT64")
    outcome = document_text(ddl, llama, dialect=dialect)
    assert outcome.errors == []
    _assert_fully_documented(outcome.new_text, dialect)


def test_cache_makes_a_repeat_instant(tmp_path: Path) -> None:
    model = resolve(spec_for(None))
    backend = LlamaBackend(model, cache=DocCache(tmp_path))
    (table,) = parse_sql(TEN_COLUMNS, "postgres").tables
    request = DocRequest.for_table(table)
    first = backend.document(request)
    second = backend.document(request)
    assert not first.cached and second.cached
    assert second.docs == first.docs


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


SERVER = (
    "import runpy; from sqlscribe.generate.llama import guard_extra_buffers; guard_extra_buffers();"
    " runpy.run_module('llama_cpp.server', run_name='__main__', alter_sys=True)"
)


@pytest.fixture(scope="module")
def openai_server() -> Iterator[str]:
    model = resolve(spec_for(None)).base_path
    port = _free_port()
    proc = subprocess.Popen(
        [
            # llama-cpp-python's server, with the model parameters the llama backend loads with
            *(sys.executable, "-c", SERVER, "--model", str(model)),
            *("--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--verbose", "false"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/models", timeout=2) as resp:
                    if json.loads(resp.read())["data"]:
                        break
            except OSError:
                time.sleep(0.5)
            assert proc.poll() is None, "llama_cpp.server exited"
        else:
            pytest.fail("llama_cpp.server did not start in 120 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_openai_backend_against_a_real_local_server(openai_server: str) -> None:
    backend = OpenAIBackend(openai_server, jobs=2)
    sql = TEN_COLUMNS + "\nCREATE TABLE sales.invoices (invoice_id BIGINT PRIMARY KEY, issued_on DATE);"
    outcome = document_text(sql, backend, dialect="postgres")
    assert outcome.errors == []
    tables = parse_sql(outcome.new_text, "postgres").tables
    assert len(tables) == 2
    for table in tables:
        assert table.comment is not None
        assert all(c.comment is not None for c in table.columns)
    assert all(t.generated is not None and t.generated.completion_tokens > 0 for t in outcome.tables)


def test_openai_backend_streams_background_work_and_stops_it_at_the_next_token(openai_server: str) -> None:
    """With `Backend.interrupt` given (the editor's background work), the request is streamed so
    that the interrupt can end it at the next token; the answer is a whole one all the same."""
    backend = OpenAIBackend(openai_server, jobs=1)
    (table,) = parse_sql(TEN_COLUMNS, "postgres").tables
    request = DocRequest.for_table(table)
    backend.interrupt = threading.Event()  # never set: streamed to the end
    streamed = backend.document(request)
    assert streamed.fallback_columns == [] and streamed.docs.description
    assert set(streamed.docs.columns) == {c.name for c in table.columns}
    stop = StopAfter(5)
    backend.interrupt = stop
    with pytest.raises(Interrupted):
        backend.document(request)
    assert stop.checks == 6  # five streamed lines read, stopped at the sixth
    backend.interrupt = None
    again = backend.document(request)  # the server takes the next request as usual
    assert again.fallback_columns == [] and set(again.docs.columns) == set(streamed.docs.columns)


def test_openai_backend_reports_an_unreachable_server() -> None:
    backend = OpenAIBackend(f"http://127.0.0.1:{_free_port()}", timeout=5)
    outcome = document_text("CREATE TABLE t (a int);", backend, dialect="postgres")
    assert outcome.new_text == "CREATE TABLE t (a int);"
    assert len(outcome.errors) == 1 and "cannot reach" in outcome.errors[0]


def test_adapter_scale_interpolates_between_the_base_and_the_tuned_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A registry entry's ``adapter_scale`` reaches llama.cpp: at 0 the tuned model writes what
    its base writes (same prompt), at 1 what it was trained to, and the two never share a cache key."""
    import re

    from sqlscribe.models import registry_path

    text = registry_path().read_text()
    tuned = next(b for b in re.split(r"(?m)^(?=\[\[model\]\])", text) if 'name = "smollm2-135m-sqlscribe"' in b)
    adapters = registry_path().parent / "adapters"
    extra = ""
    for scale in ("0", "1"):
        block = tuned.replace('name = "smollm2-135m-sqlscribe"', f'name = "smol-x{scale}"', 1)
        block = re.sub(r"(?m)^(version = .*)$", rf"\1\nadapter_scale = {scale}", block, count=1)
        extra += "\n" + block.replace('path = "adapters/', f'path = "{adapters}/')
    registry = tmp_path / "registry.toml"
    registry.write_text(text.rstrip("\n") + "\n" + extra)
    monkeypatch.setenv("SQLSCRIBE_REGISTRY", str(registry))
    from sqlscribe.model_commands import model_entries

    scales = {e["name"]: e["adapter_scale"] for e in model_entries()}
    assert (scales["smol-x0"], scales["smol-x1"], scales["smollm2-135m-instruct"]) == (0.0, 1.0, None)

    from sqlscribe.suggest import request_for

    parsed = parse_sql("CREATE TABLE orders (order_id INT PRIMARY KEY, cust_id INT, total_amt NUMERIC(10,2));")
    request = request_for(parsed, 0)
    answers, ids = {}, set()
    for name in ("smollm2-135m-instruct", "smol-x0", "smol-x1"):
        backend = make_backend(BackendConfig(model=name, prompt_style="drafted", use_cache=False))
        assert isinstance(backend, LlamaBackend)
        answers[name] = backend.document(request).docs
        ids.add(backend.model_id)
    assert answers["smol-x0"] == answers["smollm2-135m-instruct"]
    assert answers["smol-x1"] != answers["smollm2-135m-instruct"]
    assert len(ids) == 3


def test_grammar_first_sampling_writes_what_the_stock_sampler_writes(llama: LlamaBackend) -> None:
    """The default sampler asks the grammar about the best token only (sqlscribe/generate/sampling.py);
    its output must be token for token what llama-cpp-python's full-vocabulary chain writes, both when
    the model's best token is allowed and when the grammar refuses it. (Both decode one token at a
    time: drafting, which evaluates batches, is the next test's.)"""
    from sqlscribe.generate.llama import LlamaOptions
    from sqlscribe.generate.sampling import GrammarFirstGreedy

    stock = LlamaBackend(llama.model, LlamaOptions(grammar_first=False))
    fast = LlamaBackend(llama.model, LlamaOptions(draft_answer=False))
    request = DocRequest.for_table(parse_sql(TEN_COLUMNS, "postgres").tables[0])
    fast_docs = fast.document(request).docs
    sampler = fast.llm._sampler
    assert isinstance(sampler, GrammarFirstGreedy) and sampler.tokens > 50
    assert stock.document(request).docs == fast_docs
    assert not isinstance(stock.llm._sampler, GrammarFirstGreedy)

    # A grammar that refuses what the model wants to say: the slow path must agree as well.
    messages = [{"role": "user", "content": 'What is 2 + 2? Answer as JSON: {"answer": <number>}'}]
    schema: dict[str, object] = {
        "type": "object",
        "properties": {"animal": {"type": "string", "enum": ["zebra", "quokka", "aardvark"]}},
        "required": ["animal"],
    }
    fast_text, _, _ = fast.complete(messages, schema, 24)
    refused = fast.llm._sampler.refused
    assert refused > 0
    assert stock.complete(messages, schema, 24)[0] == fast_text
    assert json.loads(fast_text)["animal"] in {"zebra", "quokka", "aardvark"}


def test_warming_the_prompt_leaves_only_the_table_to_read(llama: LlamaBackend) -> None:
    """After `warm_prompt` (the language server's warm-up), the first request evaluates its own table
    and not the instructions and worked example before it."""
    llm = llama.llm
    first_batches: list[int] = []
    evaluate = llm.eval

    def spy(tokens: list[int]) -> None:
        first_batches.append(len(tokens))
        evaluate(tokens)

    request = DocRequest.for_table(parse_sql(TEN_COLUMNS, "postgres").tables[0])
    llm.reset()  # nothing held: the whole prompt is read
    llm.eval = spy
    try:
        cold = llama.document(request)
        assert first_batches[0] == cold.prompt_tokens
        llm.reset()
        held = llama.warm_prompt()
        assert held > 300
        first_batches.clear()
        warm = llama.document(request)
    finally:
        del llm.eval
    # The same table, read in two batches instead of one: llama.cpp's sums may round differently, so
    # the text may differ in a word; it is still a whole answer.
    assert set(warm.docs.columns) == {c.name for c in request.table.columns} and not warm.fallback_columns
    assert first_batches[0] < cold.prompt_tokens - 300


def _written(llm: Any) -> list[int]:
    """The tokens the context holds: the prompt and the answer written after it."""
    return [int(t) for t in llm.input_ids[: llm.n_tokens]]


def assert_greedy_up_to_a_near_tie(llm: Any, plain: list[int], other: list[int], prompt: int) -> None:
    """``other`` (the prompt and an answer) is what greedy decoding wrote (``plain``), or departs
    from it only where greedy decoding's choice was a near tie: at the first token they differ, the
    two tokens' scores (the logits after the repeat penalty, as `GrammarFirstGreedy` applies it to
    the answer's last 64 tokens) are within 0.2, the float rounding of sums added up in another
    order (a batch of tokens against one token at a time). What follows a departure is another
    context's, and not compared."""
    import numpy as np

    from sqlscribe.generate.llama import REPEAT_PENALTY

    assert plain[:prompt] == other[:prompt]
    at = next((i for i, (a, b) in enumerate(zip(plain, other, strict=False)) if a != b), None)
    if at is None:
        assert plain == other
        return
    llm.reset()
    llm.eval(plain[:at])
    logits = np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(llm.n_vocab(),))
    window = set(plain[max(prompt, at - 64) : at])

    def score(token: int) -> float:
        value = float(logits[token])
        if token in window:
            value = value / REPEAT_PENALTY if value > 0 else value * REPEAT_PENALTY
        return value

    chosen, departed = plain[at], other[at]
    gap = abs(score(chosen) - score(departed))
    words = llm.detokenize([chosen]), llm.detokenize([departed])
    assert gap < 0.2, f"token {at - prompt} of the answer: {words[0]!r} against {words[1]!r}, {gap:.3f} apart"


def test_drafting_the_answers_fixed_text_writes_what_plain_decoding_writes(
    llama: LlamaBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default proposes the answer's fixed JSON text in one batch (`AnswerDraft`) and keeps what
    greedy decoding confirms: the text must be the one token-by-token decoding writes (up to a near
    tie, which the sums of a batch may round the other way), in fewer steps, and a draft the model
    refuses at every turn must cost nothing but time."""
    import numpy as np

    from sqlscribe.generate import llama as llama_module
    from sqlscribe.generate.llama import LlamaOptions
    from sqlscribe.generate.sampling import AnswerDraft

    drafts: list[AnswerDraft] = []

    class Seen(AnswerDraft):
        def __init__(self, *args: object) -> None:
            super().__init__(*args)
            drafts.append(self)

    class Wrong(Seen):
        def __call__(self, input_ids: object) -> object:
            proposed = super().__call__(input_ids)
            return np.array(self.llama.tokenize(b"zq xv!", add_bos=False)[: max(len(proposed), 1)], dtype=np.intc)

    plain = LlamaBackend(llama.model, LlamaOptions(draft_answer=False))
    request = DocRequest.for_table(parse_sql(TEN_COLUMNS, "postgres").tables[0])
    # Each from a cleared context: the prompt read in one batch, as the other reads it.
    plain.llm.reset()
    expected = plain.document(request)
    written = _written(plain.llm)
    assert plain.llm.draft_model is None and plain.llm.answer_draft is None

    steps: list[int] = []
    llm = llama.llm
    evaluate = llm.eval
    monkeypatch.setattr(llm, "eval", lambda tokens: (steps.append(len(tokens)), evaluate(tokens))[1])
    monkeypatch.setattr(llama_module, "AnswerDraft", Seen)
    llm.reset()
    drafted = llama.document(request)
    drafted_tokens = _written(llm)
    (draft,) = drafts
    assert draft.batches >= len(request.columns)  # one between every two values at least
    assert len(steps) - 1 < 0.75 * drafted.completion_tokens  # the prompt, then fewer steps than tokens
    assert llm.draft_model is None and llm.answer_draft is None  # nothing left for the next caller

    monkeypatch.setattr(llama_module, "AnswerDraft", Wrong)
    llm.reset()
    refused = llama.document(request)
    refused_tokens = _written(llm)
    assert drafts[-1].batches > 0 and refused.fallback_columns == []
    monkeypatch.undo()
    for other in (drafted_tokens, refused_tokens):
        assert_greedy_up_to_a_near_tie(plain.llm, written, other, expected.prompt_tokens)
    if drafted_tokens == written:
        assert drafted.docs == expected.docs and drafted.completion_tokens == expected.completion_tokens


def test_an_interrupt_stops_llama_cpp_at_once_and_spoils_nothing(llama: LlamaBackend) -> None:
    """Background work in the editor is stopped through `Backend.interrupt`: llama.cpp must stop
    before an evaluation or inside one, name it as `Interrupted`, and leave a context the next
    answer can use."""
    request = DocRequest.for_table(parse_sql(TEN_COLUMNS, "postgres").tables[0])
    llm = llama.llm
    llm.reset()
    expected = llama.document(request)
    # Before the prompt is read; inside the prompt's evaluation (llama.cpp checks between
    # operations, hundreds of times an evaluation); some tokens into the answer.
    for n in (0, 50, 5000):
        stop = StopAfter(n)
        llama.interrupt = stop
        llm.reset()
        try:
            with pytest.raises(Interrupted):
                llama.document(request)
        finally:
            llama.interrupt = None
        assert stop.checks == n + 1  # it stopped at the first check that said so
        assert llm.interrupt is None  # nothing left for the next caller
        if n == 50:
            assert llm.n_tokens == 0  # the prompt's evaluation was stopped halfway and not kept
        if n == 5000:
            assert llm.n_tokens > 0  # the prompt and the answer's first tokens stay for the next prompt
    llm.reset()
    assert llama.document(request).docs == expected.docs


MANY_TABLES = """CREATE TABLE customers (customer_id INT PRIMARY KEY, full_name VARCHAR(80), email VARCHAR(120));
CREATE TABLE orders (order_id INT PRIMARY KEY, customer_id INT REFERENCES customers (customer_id),
  placed_at TIMESTAMP, total_amt NUMERIC(10, 2), status_cd CHAR(1), ship_addr TEXT);
CREATE TABLE products (sku VARCHAR(32) PRIMARY KEY, title VARCHAR(200), unit_price NUMERIC(10, 2));
CREATE TABLE order_items (order_id INT, sku VARCHAR(32), qty INT, PRIMARY KEY (order_id, sku));
CREATE TABLE audit_log (id BIGINT, actor VARCHAR(64), action VARCHAR(32), at TIMESTAMP);
"""


def test_batched_decoding_documents_tables_as_one_at_a_time_does(
    llama: LlamaBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sqlscribe document` decodes several tables at once in one context (`BatchedDecoder`): every
    table must come back whole, in order, as decoding it alone writes it (up to the float rounding of
    other batches, which may turn a near tie), in fewer decoding steps than tokens; a wide table's
    parts come back together; an interrupt stops every table not yet done; and a context too small
    for two tables at once takes them in turn."""
    from sqlscribe.generate import batched as batched_module
    from sqlscribe.generate import chat
    from sqlscribe.generate.batched import BatchedDecoder

    monkeypatch.setattr(chat, "MAX_COLUMNS_PER_REQUEST", 4)  # orders (6 columns) goes in two parts
    requests = [DocRequest.for_table(t) for t in parse_sql(MANY_TABLES, "postgres").tables]
    llama.llm.reset()
    alone = [r for r in LlamaBackend(llama.model, llama.options, parallel=1).document_many(requests)]

    steps: list[int] = []
    step = BatchedDecoder._step

    def counted(self: BatchedDecoder, active: dict[int, Any]) -> Any:
        steps.append(len(active))
        return step(self, active)

    monkeypatch.setattr(BatchedDecoder, "_step", counted)
    batched = LlamaBackend(llama.model, llama.options, parallel=3)
    together = list(batched.document_many(requests))
    assert batched._decoder is not None

    def whole(results: list[Generated | GenerationError], asked: list[DocRequest]) -> list[Generated]:
        assert len(results) == len(asked)
        for request, result in zip(asked, results, strict=True):
            assert isinstance(result, Generated), result
            assert set(result.docs.columns) == set(request.columns) and result.docs.description
            # every column answered; a part of a key of several columns may have been called the
            # rows' key, which the answer's checks refuse (prompt.false_key_claim)
            key = request.table.key_columns
            assert set(result.fallback_columns) <= (set(key) if len(key) > 1 else set()), result
            assert result.completion_tokens > 0
        return [r for r in results if isinstance(r, Generated)]

    alone_docs = [r.docs for r in whole(alone, requests)]
    together_docs = [r.docs for r in whole(together, requests)]
    same = sum(a == b for a, b in zip(alone_docs, together_docs, strict=True))
    assert same >= 3, list(zip(alone_docs, together_docs, strict=True))
    assert max(steps) == 3  # three tables in flight at once
    assert len(steps) < 0.6 * sum(r.completion_tokens for r in whole(together, requests))

    # Stopped (the editor's "Document this file", cancelled): every table not yet done ends as
    # `Interrupted` before the next step, and the decoder goes on serving (below). The prompts'
    # shared prefix, read by the run before, is not read again.
    steps.clear()
    read: list[int] = []
    prefix_batch = batched._decoder._batch
    set_batch = prefix_batch.set_batch
    monkeypatch.setattr(prefix_batch, "set_batch", lambda tokens, **kw: (read.extend(tokens), set_batch(tokens, **kw)))
    batched.interrupt = StopAfter(5)
    try:
        stopped = list(batched.document_many(requests))
    finally:
        batched.interrupt = None
    assert len(stopped) == len(requests) and all(isinstance(r, Interrupted) for r in stopped), stopped
    assert len(steps) == 5 and read == []

    # A fresh decoder starts from what the model's own context holds (the language server reads the
    # prompt's fixed part while it warms up): copied, not read, and it writes what reading writes.
    decoder = batched._decoder
    assert decoder is not None

    def afresh(seed: int) -> list[Generated]:
        monkeypatch.setattr(batched_module, "MIN_SEED", seed)
        decoder._lib.llama_memory_clear(decoder._memory, True)
        decoder._prefix = []
        read.clear()
        llama.warm_prompt()
        return whole(list(batched.document_many(requests[:3])), requests[:3])

    min_seed = batched_module.MIN_SEED
    read_docs = [r.docs for r in afresh(10**6)]  # nothing is ever seeded
    assert len(read) > 300
    seeded_docs = [r.docs for r in afresh(min_seed)]
    assert len(read) < 60, len(read)  # at most what the warm-up's table and these share
    assert sum(a == b for a, b in zip(read_docs, seeded_docs, strict=True)) >= 2, (read_docs, seeded_docs)

    # Room for one table at a time: they queue, and each still comes back whole.
    steps.clear()
    monkeypatch.setattr(batched._decoder, "n_ctx", 1)
    whole(list(batched.document_many(requests[:2])), requests[:2])
    assert max(steps) == 1

    # llama.cpp failing under the batch fails its tables, each named, and nothing else.
    def broken(self: BatchedDecoder, tokens: list[int]) -> None:
        raise RuntimeError("llama_decode returned -3 on the shared prompt")

    monkeypatch.setattr(BatchedDecoder, "_read_prefix", broken)
    failed = list(batched.document_many(requests[:2]))
    assert [str(f) for f in failed] == [
        f"table {r.table.name}: generation failed: llama_decode returned -3 on the shared prompt" for r in requests[:2]
    ]
    batched.close()
    assert batched._decoder is None


def test_document_command_decodes_a_folders_tables_together(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`sqlscribe document --jobs 3` as a user runs it on a folder: the five tables of its two files
    go through one batch context together, and each file comes out whole, every table and column
    documented, and re-parses."""
    from sqlscribe.cli import main
    from sqlscribe.generate.batched import BatchedDecoder

    runs: list[int] = []
    run = BatchedDecoder.run

    def counted(self: BatchedDecoder, jobs: list[Any], interrupt: Any = None) -> Any:
        runs.append(len(jobs))
        return run(self, jobs, interrupt)

    monkeypatch.setattr(BatchedDecoder, "run", counted)
    statements = [s + ";" for s in MANY_TABLES.split(";") if s.strip()]
    (tmp_path / "a_people.sql").write_text("\n".join(statements[:2]))
    (tmp_path / "b_catalogue.sql").write_text("\n".join(statements[2:]))
    assert main(["document", "--jobs", "3", "--no-cache", "--write", "-q", str(tmp_path)]) == 0
    assert runs == [5]
    names = []
    for path in sorted(tmp_path.glob("*.sql")):
        parsed = parse_sql(path.read_text(), "postgres")
        names += [t.name for t in parsed.tables]
        for table in parsed.tables:
            assert table.comment is not None and table.comment.text.strip(), table.name
            for column in table.columns:
                assert column.comment is not None and column.comment.text.strip(), (table.name, column.name)
    assert names == [t.name for t in parse_sql(MANY_TABLES, "postgres").tables]


CPUINFO = "processor\t: 0\nflags\t\t: fpu sse avx2 avx512f {}\nmodel name\t: some CPU\n"


@pytest.mark.parametrize(
    ("flags", "setting", "expected"),
    [
        ("avx512_vnni", None, True),
        ("amx_bf16 amx_tile amx_int8", None, False),  # AMX: the plain kernels
        ("amx_bf16 amx_tile amx_int8", "1", True),  # unless asked for
        ("avx512_vnni", "0", False),
    ],
)
def test_extra_buffer_types_are_left_out_on_a_cpu_with_amx(
    flags: str, setting: str | None, expected: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(CPUINFO.format(flags), encoding="utf-8")
    if setting is None:
        monkeypatch.delenv(EXTRA_BUFFERS_ENV, raising=False)
    else:
        monkeypatch.setenv(EXTRA_BUFFERS_ENV, setting)
    assert use_extra_buffers(cpuinfo) is expected
    assert use_extra_buffers(tmp_path / "none") is (setting != "0")  # no /proc: llama.cpp's own choice


def test_the_guard_loads_models_without_extra_buffer_types_once_and_they_still_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`guard_extra_buffers` wraps llama.cpp's default model parameters once; a model loaded with
    them (the default's base, through llama-cpp-python itself) reads a prompt of many tokens, the
    batch that llama.cpp's AMX kernels crash on where they do."""
    import llama_cpp
    import llama_cpp.llama_cpp as lib

    monkeypatch.setenv(EXTRA_BUFFERS_ENV, "0")  # whatever this machine's CPU
    current = lib.llama_model_default_params  # guarded already where an earlier test loaded a model
    monkeypatch.setattr(lib, "llama_model_default_params", getattr(current, "sqlscribe_original", current))
    assert lib.llama_model_default_params().use_extra_bufts
    guard_extra_buffers()
    guarded = lib.llama_model_default_params
    guard_extra_buffers()
    assert lib.llama_model_default_params is guarded and not guarded().use_extra_bufts
    llm = llama_cpp.Llama(model_path=str(resolve(spec_for(None)).base_path), n_ctx=512, n_threads=2, verbose=False)
    try:
        text = llm.create_completion("CREATE TABLE orders (order_id BIGINT PRIMARY KEY, placed_at DATE);", max_tokens=4)
        assert text["usage"]["prompt_tokens"] > 10 and text["usage"]["completion_tokens"] > 0
    finally:
        llm.close()
