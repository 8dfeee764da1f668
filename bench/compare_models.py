"""Compare the documentation systems on a case file: quality, restatement, latency, install size.

    .venv/bin/python bench/compare_models.py /work/shared/eval/dev.jsonl --out bench/results/dev-zero-shot.json

Every model runs zero-shot with the general instruction prompt, JSON-constrained, greedy,
on the CPU, without the cache. Results go to stdout as a Markdown table and to --out as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

from sqlscribe.generate import BackendConfig, HeuristicBackend, make_backend
from sqlscribe.models import load_registry, resolve, spec_for
from training.evaluate import Embedder, evaluate, load_cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases")
    parser.add_argument("--models", nargs="*", help="registry names (default: every registered model)")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    cases = load_cases(args.cases)
    embedder = Embedder()
    names = args.models if args.models is not None else [m.name for m in load_registry().models]
    rows = []
    heuristic = evaluate(cases, HeuristicBackend(), embedder, system="heuristic")
    rows.append({**heuristic.summary(), "install_mb": 0.0, "load_seconds": 0.0})
    for name in names:
        model = resolve(spec_for(name))
        started = time.perf_counter()
        backend = make_backend(BackendConfig(model=name, n_threads=args.threads, use_cache=False))
        backend.load()  # type: ignore[attr-defined]
        load_seconds = time.perf_counter() - started
        report = evaluate(cases, backend, embedder, system=name)
        size = model.base_path.stat().st_size + (model.adapter_path.stat().st_size if model.adapter_path else 0)
        rows.append({**report.summary(), "install_mb": round(size / 1e6, 1), "load_seconds": round(load_seconds, 2)})
        print(f"{name}: done", file=sys.stderr)

    machine = f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}"
    print(f"cases: {args.cases} ({len(cases)} tables, {rows[0]['referenced_columns']} commented columns); {machine}\n")
    print(
        "| system | MiniLM sim (95% CI) | ROUGE-L | restated | coverage | valid | prompt tok | completion tok "
        "| s/table (median) | size MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        low, high = r["similarity_ci95"]
        print(
            f"| {r['system']} | {r['similarity']:.3f} ({low:.3f}–{high:.3f}) | {r['rouge_l']:.3f} "
            f"| {r['restated']}/{r['referenced_columns']} | {r['coverage']:.0%} | {r['validity']:.0%} "
            f"| {r['prompt_tokens_per_table']:.0f} | {r['completion_tokens_per_table']:.0f} "
            f"| {r['seconds_per_table_median']:.2f} | {r['install_mb']:.0f} |"
        )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"cases": args.cases, "machine": machine, "systems": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
