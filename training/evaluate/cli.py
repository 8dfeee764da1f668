"""``sqlscribe eval``: score documentation systems on a case file; compare two reports."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from sqlscribe.generate import Backend, BackendConfig, HeuristicBackend, make_backend
from training.evaluate.cases import load_cases
from training.evaluate.metrics import Embedder, paired_difference
from training.evaluate.run import evaluate


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "eval",
        help="score systems against reference documentation (JSONL cases)",
        epilog="Pairwise rating by people: sqlscribe eval pairwise {create,serve,export,import,report} --help",
    )
    parser.add_argument("cases", nargs="?", type=Path, help="JSONL case file (id, dialect, ddl, reference)")
    parser.add_argument(
        "--systems",
        default="heuristic",
        help="comma-separated: heuristic, llama:<model>, openai:<model>@<base-url> (default: heuristic)",
    )
    parser.add_argument("--out", type=Path, help="folder for report.json and summary.md")
    parser.add_argument("--no-similarity", action="store_true", help="skip MiniLM similarity (no torch needed)")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("A", "B"), help="per-case differences of two reports")


def backend_for(system: str) -> Backend:
    kind, _, rest = system.partition(":")
    if kind == "heuristic":
        return HeuristicBackend()
    if kind == "llama":
        return make_backend(BackendConfig(model=rest or None, use_cache=False))
    if kind == "openai":
        model, _, base_url = rest.partition("@")
        return make_backend(BackendConfig(backend="openai", model=model or None, base_url=base_url, use_cache=False))
    raise ValueError(f"unknown system {system!r}: use heuristic, llama:<model> or openai:<model>@<url>")


def borrowed_share(summary: dict[str, Any]) -> str | None:
    """A summary's texts borrowed from the worked example, as "n/texts"; None where a result
    saved before the count lacks it."""
    return f"{summary['borrowed']}/{summary['texts']}" if "borrowed" in summary else None


def summary_markdown(summaries: list[dict[str, Any]], cases: str) -> str:
    lines = [
        f"Cases: `{cases}`",
        "",
        "| system | MiniLM sim (95% CI) | ROUGE-L | restated | coverage | invented | borrowed | valid | "
        "prompt tok | completion tok | s/table |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in summaries:
        low, high = s["similarity_ci95"]
        borrowed = borrowed_share(s) or "not measured"
        lines.append(
            f"| {s['system']} | {s['similarity']:.3f} ({low:.3f}–{high:.3f}) | {s['rouge_l']:.3f} "
            f"| {s['restated']}/{s['referenced_columns']} | {s['coverage']:.0%} | {s['invented_rate']:.1%} "
            f"| {borrowed} | {s['validity']:.0%} | {s['prompt_tokens_per_table']:.0f} "
            f"| {s['completion_tokens_per_table']:.0f} | {s['seconds_per_table_median']:.2f} |"
        )
    return "\n".join(lines) + "\n"


def compare_markdown(a: dict[str, Any], b: dict[str, Any]) -> str:
    name_a, name_b = a["systems"][0]["summary"]["system"], b["systems"][0]["summary"]["system"]
    cases_a = {c["id"]: c for c in a["systems"][0]["cases"]}
    cases_b = {c["id"]: c for c in b["systems"][0]["cases"]}
    lines = [
        f"| case | {name_a} sim | {name_b} sim | Δ | {name_a} restated | {name_b} restated |",
        "|---|---|---|---|---|---|",
    ]

    def mean(values: list[float]) -> float:
        return sum(values) / len(values) if values else 0.0

    paired_a: list[float] = []
    paired_b: list[float] = []
    tables: list[str] = []
    for case_id in sorted(set(cases_a) & set(cases_b)):
        x, y = cases_a[case_id], cases_b[case_id]
        sx, sy = mean(x["similarities"]), mean(y["similarities"])
        lines.append(f"| {case_id} | {sx:.3f} | {sy:.3f} | {sy - sx:+.3f} | {x['restated']} | {y['restated']} |")
        if len(x["similarities"]) == len(y["similarities"]):  # the same references, in the same order
            paired_a += x["similarities"]
            paired_b += y["similarities"]
            tables += [case_id] * len(x["similarities"])
    if paired_a:
        difference, low, high = paired_difference(paired_a, paired_b, tables)
        verdict = "better" if low > 0 else "worse" if high < 0 else "no clear difference"
        lines += [
            "",
            f"{name_b} − {name_a}, paired over {len(paired_a)} references in {len(set(tables))} tables: "
            f"{difference:+.3f} (95% CI {low:+.3f} to {high:+.3f}, tables resampled; {verdict}).",
        ]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    if args.compare:
        a, b = (json.loads(p.read_text(encoding="utf-8")) for p in args.compare)
        print(compare_markdown(a, b), end="")
        return 0
    if args.cases is None:
        print("sqlscribe eval: error: give a case file, or --compare A B", file=sys.stderr)
        return 2
    cases = load_cases(args.cases)
    embedder = None if args.no_similarity else Embedder()
    reports = []
    for system in [s.strip() for s in args.systems.split(",") if s.strip()]:
        backend = backend_for(system)
        reports.append(evaluate(cases, backend, embedder, system=system))
        print(f"{system}: done", file=sys.stderr)
    summaries = [r.summary() for r in reports]
    markdown = summary_markdown(summaries, str(args.cases))
    print(markdown, end="")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        report = {"cases": str(args.cases), "systems": [r.as_dict() for r in reports]}
        (args.out / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        (args.out / "summary.md").write_text(markdown, encoding="utf-8")
        try:
            from training.evaluate.chart import write_chart
        except ImportError:  # matplotlib is in the eval extra
            print("sqlscribe eval: matplotlib is not installed; no chart.png", file=sys.stderr)
        else:
            write_chart(summaries, args.out / "chart.png", f"sqlscribe eval on {args.cases.name}")
    return 0
