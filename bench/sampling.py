"""Greedy JSON sampling: the grammar asked about the best token first, against llama-cpp-python's chain.

    .venv/bin/python bench/sampling.py [--rounds 3] [--model NAME] [--cases ../shared/eval/dev.jsonl]

Documents the example tables and the cases' tables, uncached, with both samplers in one process
(the order alternates by round), checks that they write the same text, and prints Markdown rows
for docs/BENCHMARKS.md: seconds per table (median over tables of each table's median over rounds),
the total, and completion tokens per second end to end.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

from sqlscribe.ddl import parse_sql
from sqlscribe.docs import TableDocs
from sqlscribe.document import requests_for
from sqlscribe.generate import DocRequest
from sqlscribe.generate.llama import LlamaBackend, LlamaOptions
from sqlscribe.models import resolve, spec_for
from training.evaluate import load_cases

ROOT = Path(__file__).resolve().parents[1]


def requests(cases: Path | None) -> list[DocRequest]:
    texts: list[tuple[str, str | None, str]] = [
        (p.read_text(), None, str(p)) for p in sorted((ROOT / "examples").glob("*.sql"))
    ]
    if cases is not None:
        texts += [(case.ddl, case.dialect, case.id) for case in load_cases(cases)]
    return [
        request for text, dialect, path in texts for _, request in requests_for(parse_sql(text, dialect, path=path))
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--model", default=None, help="registry name (default: the registry default)")
    parser.add_argument("--cases", type=Path, default=ROOT.parent / "shared" / "eval" / "dev.jsonl")
    args = parser.parse_args()
    model = resolve(spec_for(args.model))
    backends = {
        "grammar first (default)": LlamaBackend(model, LlamaOptions(grammar_first=True)),
        "llama-cpp-python's chain": LlamaBackend(model, LlamaOptions(grammar_first=False)),
    }
    for backend in backends.values():
        backend.load()
    work = requests(args.cases if args.cases.is_file() else None)
    seconds: dict[str, list[list[float]]] = {name: [[] for _ in work] for name in backends}
    tokens: dict[str, int] = dict.fromkeys(backends, 0)
    texts: dict[str, list[TableDocs]] = {}
    for round_ in range(args.rounds):
        order = list(backends) if round_ % 2 == 0 else list(reversed(backends))
        for name in order:
            outputs = []
            for i, request in enumerate(work):
                started = time.perf_counter()
                result = backends[name].document(request)
                seconds[name][i].append(time.perf_counter() - started)
                tokens[name] += result.completion_tokens
                outputs.append(result.docs)
            texts.setdefault(name, outputs)
    same = sum(a == b for a, b in zip(*texts.values(), strict=True))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"model: {model.model_id}; {len(work)} tables, {args.rounds} rounds; same text: {same} of {len(work)}\n")
    print("| sampler | seconds per table (median) | all tables (median round) | completion tokens/s |")
    print("|---|---|---|---|")
    for name in backends:
        medians = [statistics.median(s) for s in seconds[name]]
        totals = [sum(s[r] for s in seconds[name]) for r in range(args.rounds)]
        rate = tokens[name] / sum(sum(s) for s in seconds[name])
        print(f"| {name} | {statistics.median(medians):.2f} s | {statistics.median(totals):.1f} s | {rate:.0f} |")
    return 0 if same == len(work) else 1


if __name__ == "__main__":
    raise SystemExit(main())
