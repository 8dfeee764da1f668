"""Speed of documentation: tables per second, tokens per table, cache hits, editor-side reads.

    .venv/bin/python bench/throughput.py [--repeat 5] [--model smollm2-135m-instruct]

Prints medians over --repeat runs (after one warm-up), as Markdown rows for docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlscribe.ddl import parse_sql, statement_window
from sqlscribe.document import document_text
from sqlscribe.generate import BackendConfig, DocCache, DocRequest, HeuristicBackend, make_backend
from sqlscribe.prompt import default_context

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def median_seconds(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def synthetic_file(tables: int) -> str:
    return "".join(
        f"CREATE TABLE tbl_{i} (\n  id INT PRIMARY KEY,\n  cust_email_addr VARCHAR(255) NOT NULL,\n"
        f"  order_total_amt DECIMAL(10,2),\n  created_at TIMESTAMP\n);\n"
        for i in range(tables)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--model", default=None, help="registry name (default: the registry default)")
    args = parser.parse_args()
    rows: list[tuple[str, str]] = []

    text = synthetic_file(1000)
    seconds = median_seconds(lambda: document_text(text, HeuristicBackend(), dialect="mysql"), args.repeat)
    rows.append(
        ("heuristic backend, 1,000-table file (parse, generate, edit, verify)", f"{1000 / seconds:,.0f} tables/s")
    )

    big = synthetic_file(40_000)
    seconds = median_seconds(lambda: parse_sql(big, "mysql"), 1)
    rows.append((f"whole parse of a {len(big) / 1e6:.1f} MB file (with sqlglot check)", f"{seconds:.1f} s"))
    seconds = median_seconds(lambda: parse_sql(big, "mysql", validate=False), 1)
    rows.append((f"whole parse of a {len(big) / 1e6:.1f} MB file (editor: no sqlglot check)", f"{seconds:.1f} s"))
    offset = big.index("CREATE TABLE tbl_30000 (")
    seconds = median_seconds(lambda: parse_sql(big, "mysql", window=statement_window(big, offset)), args.repeat)
    rows.append(("read around the cursor in that file (editor code actions, hover)", f"{seconds * 1000:.1f} ms"))

    # The model: every table of the examples, uncached, one at a time.
    backend = make_backend(BackendConfig(model=args.model, use_cache=False))
    requests = []
    for path in sorted(EXAMPLES.glob("*.sql")):
        parsed = parse_sql(path.read_text(), path=str(path))
        requests += [DocRequest.for_table(t, default_context(parsed.tables, i)) for i, t in enumerate(parsed.tables)]
    started = time.perf_counter()
    backend.load()  # type: ignore[attr-defined]  # the first load, from disk (page cache warm)
    load = time.perf_counter() - started
    per_table, prompt_tokens, completion_tokens, columns = [], [], [], []
    for request in requests:
        started = time.perf_counter()
        result = backend.document(request)
        per_table.append(time.perf_counter() - started)
        prompt_tokens.append(result.prompt_tokens)
        completion_tokens.append(result.completion_tokens)
        columns.append(len(request.columns))
    decode = sum(completion_tokens) / sum(per_table)
    rows.append((f"{backend.model_id}: model load", f"{load:.2f} s"))
    rows.append(
        (
            f"{backend.model_id}: seconds per table ({len(requests)} example tables, "
            f"{statistics.mean(columns):.1f} columns on average, uncached)",
            f"median {statistics.median(per_table):.2f} s, mean {statistics.mean(per_table):.2f} s",
        )
    )
    rows.append(
        (
            f"{backend.model_id}: tokens per table (prompt / completion)",
            f"{statistics.mean(prompt_tokens):.0f} / {statistics.mean(completion_tokens):.0f}",
        )
    )
    rows.append((f"{backend.model_id}: completion tokens per second (end to end)", f"{decode:.0f}"))

    with tempfile.TemporaryDirectory() as tmp:
        cached = make_backend(BackendConfig(model=args.model))
        cached.cache = DocCache(Path(tmp))  # type: ignore[attr-defined]
        cached.document(requests[0])
        hit = median_seconds(lambda: cached.document(requests[0]), args.repeat)
        rows.append(("cache hit (same table, same model)", f"{hit * 1000:.2f} ms"))

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}\n")
    print("| measurement | result |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
