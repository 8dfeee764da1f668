"""``sqlscribe train CONFIG``: fine-tune a base model with LoRA on the synthetic corpus."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from sqlscribe.prompt import PROMPT_STYLES
from training.finetune.config import PRECISIONS


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("train", help="fine-tune a base model with LoRA (training/finetune/configs/*.toml)")
    parser.add_argument("config", type=Path, help="TOML file with every hyper-parameter")
    parser.add_argument("--resume", action="store_true", help="continue from the newest checkpoint in the out folder")
    parser.add_argument("--out", help="override the config's output folder")
    parser.add_argument("--data", help="override the config's data folder")
    parser.add_argument("--max-steps", type=int, help="override the number of optimizer steps")
    parser.add_argument("--max-examples", type=int, help="train on the first N examples only")
    parser.add_argument("--max-seconds", type=float, help="stop after this many seconds of training")
    parser.add_argument("--base-file", help="a local copy of the registered base's GGUF (sha256-checked)")
    parser.add_argument(
        "--prompt-style", choices=PROMPT_STYLES, help="render the prompts afresh in this style (as the product does)"
    )
    parser.add_argument("--seed", type=int, help="override the seed (runs of one recipe to average: sqlscribe soup)")
    parser.add_argument("--precision", choices=PRECISIONS, help="bf16 autocast, fp32, or auto (bf16 where native)")
    soup = sub.add_parser("soup", help="average the LoRA updates of runs of one recipe with different seeds")
    soup.add_argument("runs", nargs="+", type=Path, help="finished training runs (summary.json and adapter/)")
    soup.add_argument("--out", type=Path, required=True, help="folder for the averaged run (must not exist)")
    soup.add_argument("--no-validate", action="store_true", help="skip the validation loss (no base model loaded)")
    soup.add_argument(
        "--data", type=Path, help="a copy of the runs' data folder to validate on (runs trained on another machine)"
    )


def run_soup(args: Any) -> int:
    from training.finetune.soup import SoupError, soup

    try:
        summary = soup(list(args.runs), args.out, validate=not args.no_validate, data=args.data)
    except (SoupError, FileNotFoundError) as error:
        print(f"sqlscribe: error: {error}", file=sys.stderr)
        return 1
    print(f"{args.out}: rank {summary['config']['rank']}, the mean update of {len(args.runs)} runs")
    return 0


def run(args: Any) -> int:
    from training.finetune.config import TrainConfig
    from training.finetune.train import train
    from training.synth.dataset import ensure_default

    overrides = {
        key: value
        for key, value in (
            ("out", args.out),
            ("data", args.data),
            ("max_steps", args.max_steps),
            ("max_examples", args.max_examples),
            ("base_file", args.base_file),
            ("max_seconds", args.max_seconds),
            ("seed", args.seed),
            ("prompt_style", args.prompt_style),
            ("precision", args.precision),
        )
        if value is not None
    }
    try:
        config = TrainConfig.load(args.config, overrides)
    except (OSError, ValueError) as error:
        print(f"sqlscribe: error: {args.config}: {error}", file=sys.stderr)
        return 2
    data = Path(config.data)
    if ensure_default(data):
        print(f"sqlscribe: no training data in {data}; synthesised the default corpus there", file=sys.stderr)
    try:
        result = train(config, resume=args.resume)
    except (FileNotFoundError, ValueError, RuntimeError) as error:
        print(f"sqlscribe: error: {error}", file=sys.stderr)
        return 1
    print(result.adapter_dir)
    return 0
