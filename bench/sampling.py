"""Greedy JSON decoding: the answer's fixed text drafted, token by token, and llama-cpp-python's chain.

    .venv/bin/python bench/sampling.py [--rounds 3] [--model NAME] [--cases ../shared/eval/dev.jsonl]

Documents the example tables and the cases' tables, uncached, with three decoders in one process
(the order rotates by round): the default (the grammar asked about the best token first, the
answer's fixed JSON text drafted and checked in one batch), the same token by token, and
llama-cpp-python's own sampler chain. It counts the tables on which each writes the text of
token-by-token decoding, and prints Markdown rows for docs/BENCHMARKS.md: seconds per table (median
over tables of each table's median over rounds), the total, and completion tokens per second end
to end. The two token-by-token decoders must agree on every table (exit 1 otherwise); a drafted
batch computes the same logits in another order of floating-point sums, so a near tie may fall the
other way there.

    .venv/bin/python bench/sampling.py --jobs 4 [--copies 2] [--rounds 3]

Bulk documentation instead (`sqlscribe document`, `Backend.document_many`): the same tables,
`--copies` times over as one file's worth, documented one at a time and `--jobs` at a time in one
batch (`BatchedDecoder`), both with the default decoder; prints tables per minute (median round),
completion tokens per second, and the tables on which the two wrote the same text.
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
from sqlscribe.generate import DocRequest, GenerationError
from sqlscribe.generate.llama import LlamaBackend, LlamaOptions
from sqlscribe.models import ResolvedModel, resolve, spec_for
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
    parser.add_argument("--jobs", type=int, default=0, help="compare bulk documentation, this many tables at once")
    parser.add_argument("--copies", type=int, default=2, help="with --jobs: the tables this many times over")
    args = parser.parse_args()
    model = resolve(spec_for(args.model))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    if args.jobs:
        return bulk(model, requests(args.cases if args.cases.is_file() else None) * args.copies, args)
    reference = "grammar first, token by token"
    backends = {
        "grammar first, fixed text drafted (default)": LlamaBackend(model, LlamaOptions()),
        reference: LlamaBackend(model, LlamaOptions(draft_answer=False)),
        "llama-cpp-python's chain": LlamaBackend(model, LlamaOptions(grammar_first=False)),
    }
    for backend in backends.values():
        backend.load()
    work = requests(args.cases if args.cases.is_file() else None)
    seconds: dict[str, list[list[float]]] = {name: [[] for _ in work] for name in backends}
    tokens: dict[str, int] = dict.fromkeys(backends, 0)
    texts: dict[str, list[TableDocs]] = {}
    for round_ in range(args.rounds):
        names = list(backends)
        order = names[round_ % len(names) :] + names[: round_ % len(names)]
        for name in order:
            outputs = []
            for i, request in enumerate(work):
                started = time.perf_counter()
                result = backends[name].document(request)
                seconds[name][i].append(time.perf_counter() - started)
                tokens[name] += result.completion_tokens
                outputs.append(result.docs)
            texts.setdefault(name, outputs)
    same = {name: sum(a == b for a, b in zip(texts[name], texts[reference], strict=True)) for name in backends}
    print(f"model: {model.model_id}; {len(work)} tables, {args.rounds} rounds\n")
    print("| decoder | seconds per table (median) | all tables (median round) | completion tokens/s | same text |")
    print("|---|---|---|---|---|")
    for name in backends:
        medians = [statistics.median(s) for s in seconds[name]]
        totals = [sum(s[r] for s in seconds[name]) for r in range(args.rounds)]
        rate = tokens[name] / sum(sum(s) for s in seconds[name])
        print(
            f"| {name} | {statistics.median(medians):.2f} s | {statistics.median(totals):.1f} s | {rate:.0f} "
            f"| {same[name]} of {len(work)} |"
        )
    return 0 if same["llama-cpp-python's chain"] == len(work) else 1


def bulk(model: ResolvedModel, work: list[DocRequest], args: argparse.Namespace) -> int:
    alone = "one table at a time (--jobs 1)"
    backends = {
        alone: LlamaBackend(model, parallel=1),
        f"{args.jobs} tables at once (--jobs {args.jobs})": LlamaBackend(model, parallel=args.jobs),
    }
    seconds: dict[str, list[float]] = {name: [] for name in backends}
    tokens: dict[str, int] = dict.fromkeys(backends, 0)
    texts: dict[str, list[TableDocs]] = {}
    for round_ in range(args.rounds):
        for name in list(backends) if round_ % 2 == 0 else reversed(backends):
            started = time.perf_counter()
            results = list(backends[name].document_many(work))
            seconds[name].append(time.perf_counter() - started)
            done = [r for r in results if not isinstance(r, GenerationError)]
            if len(done) != len(work):
                print(f"{name}: {len(work) - len(done)} tables failed")
                return 1
            tokens[name] += sum(r.completion_tokens for r in done)
            texts.setdefault(name, [r.docs for r in done])
    print(f"model: {model.model_id}; {len(work)} tables in one document_many call, {args.rounds} rounds\n")
    print("| documented | tables per minute (median round) | completion tokens/s | same text as one at a time |")
    print("|---|---|---|---|")
    for name in backends:
        same = sum(a == b for a, b in zip(texts[name], texts[alone], strict=True))
        per_minute = 60 * len(work) / statistics.median(seconds[name])
        print(f"| {name} | {per_minute:.1f} | {tokens[name] / sum(seconds[name]):.0f} | {same} of {len(work)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
