"""``python -m quantize`` / ``sqlscribe quantize``: convert, verify and register a training run."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from quantize.errors import ConversionError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run", type=Path, help="a finished `sqlscribe train` output folder (summary.json, adapter/)")
    parser.add_argument("--name", required=True, help="registry name of the new model")
    parser.add_argument("--version", default="1")
    parser.add_argument("--merged", default="", help="also write merged GGUFs: comma-separated q8_0, q4_k_m, f16")
    parser.add_argument("--merged-dir", type=Path, help="folder for merged GGUFs (default: the adapter's folder)")
    parser.add_argument("--registry", type=Path, help="registry file (default: the installed models/registry.toml)")
    parser.add_argument("--default", action="store_true", help="make the new model the default")
    parser.add_argument("--json", action="store_true", help="print the registry entry and checks as JSON")


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("quantize", help="convert a fine-tuned adapter to GGUF, verify it and register it")
    add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from quantize.pipeline import publish
    from sqlscribe.models import registry_path

    merged = tuple(k.strip().lower() for k in args.merged.split(",") if k.strip())
    try:
        outcome = publish(
            args.run,
            args.registry or registry_path(),
            name=args.name,
            version=args.version,
            merged=merged,
            merged_dir=args.merged_dir,
            make_default=args.default,
            log=lambda message: print(message, file=sys.stderr),
        )
    except ConversionError as error:
        print(f"sqlscribe: error: {error}; nothing was registered", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(outcome, indent=2))
    else:
        print(f"registered {args.name}: {outcome['entry']['adapter']['path']}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m quantize", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))
