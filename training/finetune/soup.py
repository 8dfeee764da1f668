"""Average the LoRA updates of runs that differ only in their seed (a "soup").

Seeds of one recipe score further apart on real schemas than recipes do, so a single run's
result is partly luck. The soup keeps what the runs agree on: its weight update is exactly
the mean of theirs, ΔW = (1/n) Σ s_i B_i A_i, written as one adapter of rank Σ r_i by
stacking the A matrices and the scaled B matrices (nothing is approximated, and llama.cpp
applies it like any other adapter).
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ADAPTER_FILE = "adapter_model.safetensors"
CONFIG_FILE = "adapter_config.json"


class SoupError(ValueError):
    """The runs cannot be averaged (different bases, modules or adapter layouts)."""


def _read_run(run: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    summary_path, config_path = run / "summary.json", run / "adapter" / CONFIG_FILE
    if not summary_path.is_file() or not config_path.is_file() or not (run / "adapter" / ADAPTER_FILE).is_file():
        raise SoupError(f"{run} is not a finished training run (summary.json and adapter/)")
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    config = json.loads(config_path.read_text(encoding="utf-8"))
    if config.get("use_rslora") or config.get("use_dora") or config.get("rank_pattern") or config.get("alpha_pattern"):
        raise SoupError(f"{run}: only plain LoRA adapters (one rank and alpha, no DoRA or rsLoRA) can be averaged")
    return summary, config


def _check_compatible(runs: list[Path], summaries: list[dict[str, Any]], configs: list[dict[str, Any]]) -> None:
    first_summary, first_config = summaries[0], configs[0]
    for run, summary, config in zip(runs[1:], summaries[1:], configs[1:], strict=True):
        if summary["base"].get("sha256") != first_summary["base"].get("sha256") or (
            summary["base"]["name"] != first_summary["base"]["name"]
        ):
            raise SoupError(f"{run} was trained on another base than {runs[0]}")
        if sorted(config["target_modules"]) != sorted(first_config["target_modules"]):
            raise SoupError(f"{run} adapts other modules than {runs[0]}")
        if summary.get("data", {}).get("prompt_style") != first_summary.get("data", {}).get("prompt_style"):
            raise SoupError(f"{run} was trained on another prompt style than {runs[0]}")
        if summary.get("extra_data") != first_summary.get("extra_data"):
            raise SoupError(f"{run} was trained on other extra data than {runs[0]}")


def soup_tensors(adapters: list[dict[str, Any]], scales: list[float], scale: float) -> dict[str, Any]:
    """Stack n adapters' tensors into one whose update is the mean of theirs at ``scale``.

    ``adapters`` map PEFT tensor names (``….lora_A.weight`` of shape r×in, ``….lora_B.weight``
    of shape out×r) to tensors; ``scales`` are each adapter's alpha / r.
    """
    import torch

    keys = set(adapters[0])
    for adapter in adapters[1:]:
        if set(adapter) != keys:
            raise SoupError("the adapters do not have the same tensors")
    for adapter in adapters:
        for key, tensor in adapter.items():
            if not bool(torch.isfinite(tensor).all()):
                raise SoupError(f"{key} holds values that are not finite numbers (that run's training diverged)")
    merged: dict[str, Any] = {}
    n = len(adapters)
    for key in sorted(keys):  # float32 whatever the runs were stored in (a GPU lease returns float16)
        if ".lora_A." in key:
            merged[key] = torch.cat([a[key].float() for a in adapters], dim=0).contiguous()
        elif ".lora_B." in key:
            parts = [a[key].float() * (s / scale / n) for a, s in zip(adapters, scales, strict=True)]
            merged[key] = torch.cat(parts, dim=1).contiguous()
        else:
            raise SoupError(f"unexpected adapter tensor {key} (only LoRA A and B matrices can be averaged)")
    return merged


def soup(
    runs: list[Path],
    out: Path,
    *,
    validate: bool = True,
    data: Path | None = None,
    log: Callable[[str], None] = lambda message: print(message, file=sys.stderr, flush=True),
) -> dict[str, Any]:
    """Write ``out`` (summary.json + adapter/) with the mean update of ``runs``; return its summary.

    With ``validate`` the soup's validation loss is measured on the same examples the runs
    were measured on, so it can be compared with theirs; ``data`` is a local copy of the runs'
    data folder (runs trained on another machine), checked against their validation split.
    """
    from safetensors.torch import load_file, save_file

    if len(runs) < 2:
        raise SoupError("a soup needs at least two runs")
    if out.exists():
        raise SoupError(f"{out} already exists")
    read = [_read_run(run) for run in runs]
    summaries, configs = [r[0] for r in read], [r[1] for r in read]
    _check_compatible(runs, summaries, configs)
    scales = [float(c["lora_alpha"]) / float(c["r"]) for c in configs]
    tensors = soup_tensors([load_file(str(run / "adapter" / ADAPTER_FILE)) for run in runs], scales, scales[0])
    rank = sum(int(c["r"]) for c in configs)

    adapter_dir = out / "adapter"
    adapter_dir.mkdir(parents=True)
    config = dict(configs[0]) | {"r": rank, "lora_alpha": scales[0] * rank}
    (adapter_dir / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    save_file(tensors, str(adapter_dir / ADAPTER_FILE), metadata={"format": "pt"})

    first = summaries[0]
    summary: dict[str, Any] = dict(first)
    summary["config"] = dict(first["config"]) | {
        "rank": rank,
        "alpha": scales[0] * rank,
        "seed": [s["config"]["seed"] for s in summaries],
        "out": str(out),
    }
    summary["soup"] = [
        {"run": str(run), "seed": s["config"]["seed"], "train_split": s.get("data", {}).get("splits", {}).get("train"),
         "val_loss_after": s.get("val_loss_after")}
        for run, s in zip(runs, summaries, strict=True)
    ]  # fmt: skip
    for key in ("steps", "examples_seen", "tokens_seen", "seconds"):
        summary[key] = sum(s.get(key) or 0 for s in summaries)
    summary["train_loss_first"] = sum(s["train_loss_first"] for s in summaries) / len(summaries)
    summary["train_loss_last"] = sum(s["train_loss_last"] for s in summaries) / len(summaries)
    try:
        summary["val_loss_after"] = validation_loss(out, first, data) if validate else None
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    if validate:
        each = ", ".join(f"{s.get('val_loss_after'):.4f}" for s in summaries)
        log(f"validation loss of the soup: {summary['val_loss_after']:.4f} (runs: {each})")
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def validation_loss(run: Path, summary: dict[str, Any], data: Path | None = None) -> float:
    """The answer-token loss of ``run``'s adapter on the validation examples its runs used
    (read from ``data``, or from the folder the runs recorded)."""
    from peft import PeftModel

    from sqlscribe.models import file_sha256
    from training.finetune.base import load_base
    from training.finetune.data import read_split, restyle, tokenize
    from training.finetune.train import evaluate_loss, pick_device

    config = summary["config"]
    data = data or Path(config["data"])
    expected = summary.get("data", {}).get("splits", {}).get("validation")
    if expected and (not (data / "validation.jsonl").is_file() or file_sha256(data / "validation.jsonl") != expected):
        raise SoupError(
            f"{data}/validation.jsonl is not the split the runs were validated on; regenerate it, or name a copy "
            "with --data"
        )
    rows = read_split(data, "validation")[: config["eval_examples"]]
    if config.get("prompt_style"):
        rows = restyle(rows, config["prompt_style"])
    recorded = summary["base"].get("gguf")
    base = load_base(summary["base"]["name"], file=recorded if recorded and Path(recorded).is_file() else None)
    device = pick_device(config.get("device", "auto"))
    model = PeftModel.from_pretrained(base.model, str(run / "adapter")).to(device)
    examples, _ = tokenize(rows, base.tokenizer, config["max_length"])
    # The runs' own arithmetic (runs from before the setting existed trained in float32).
    return evaluate_loss(model, examples, base.tokenizer.pad_token_id, device, summary.get("precision", "fp32"))
