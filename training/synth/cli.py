"""``sqlscribe data synth``: write the synthetic training corpus."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from training.synth.dataset import DEFAULT_COUNT, build, write


def add_parser(sub: Any) -> None:
    data = sub.add_parser("data", help="training data for the bespoke model")
    data_sub = data.add_subparsers(dest="data_command", required=True)
    synth = data_sub.add_parser("synth", help="synthesise CREATE TABLE statements with reference documentation")
    synth.add_argument(
        "--count", type=int, default=DEFAULT_COUNT, help=f"examples in all splits (default {DEFAULT_COUNT})"
    )
    synth.add_argument("--seed", type=int, default=0, help="same seed, same bytes (default 0)")
    synth.add_argument("--out", type=Path, required=True, help="folder for the splits, manifest.json and CARD.md")


def run(args: Any) -> int:
    if args.count < 3:
        print("sqlscribe: error: --count must be at least 3 (one example per split)", file=sys.stderr)
        return 2
    started = time.monotonic()
    splits = build(args.count, args.seed)
    manifest = write(splits, args.out, args.seed)
    v = manifest["validation"]
    sizes = ", ".join(f"{s} {info['examples']}" for s, info in manifest["splits"].items())
    print(
        f"wrote {manifest['count']} examples to {args.out} ({sizes}) in {time.monotonic() - started:.0f}s; "
        f"restated references {100 * v['restatement_rate']:.1f}%",
        file=sys.stderr,
    )
    problems = v["parse_failures"] + v["missing_references"] + v["duplicates"]
    if problems:
        print(f"sqlscribe: error: {problems} examples failed validation (see {args.out / 'CARD.md'})", file=sys.stderr)
        return 1
    return 0
