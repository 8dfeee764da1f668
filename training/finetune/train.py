"""The training loop: LoRA adapters on a frozen base, loss on answer tokens, checkpoints that
a later run resumes from, and a summary that becomes the model's lineage."""

from __future__ import annotations

import hashlib
import json
import math
import os
import platform
import random
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from training.finetune.base import BaseModel, load_base
from training.finetune.config import TrainConfig
from training.finetune.data import Tokenized, collate, order, read_split, restyle, tokenize

Log = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class TrainResult:
    out: Path
    adapter_dir: Path
    summary: dict[str, Any]


def hardware(device: str) -> str:
    import torch

    if device == "cuda":
        return f"{torch.cuda.get_device_name(0)} (CUDA {torch.version.cuda})"
    return f"{platform.machine()} CPU, {torch.get_num_threads()} threads ({os.cpu_count()} cores visible)"


class TrainingDiverged(RuntimeError):
    """The loss or the gradient stopped being a finite number."""


def pick_device(setting: str) -> str:
    import torch

    if setting == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if setting == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("device = 'cuda' but no CUDA device is available")
    return setting


def cpu_has_bf16(cpuinfo: str | None = None) -> bool:
    """Whether this CPU computes bfloat16 natively (AVX512-BF16 or AMX); elsewhere bf16
    autocast is emulated and slower than float32. Linux only: other systems answer False."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    flags = {flag for line in cpuinfo.splitlines() if line.startswith("flags") for flag in line.split()}
    return bool(flags & {"avx512_bf16", "amx_bf16"})


def pick_precision(setting: str, device: str) -> str:
    if setting != "auto":
        return setting
    if device == "cuda":
        # TF32 products already make float32 fast there, and bf16 autocast turned the loss of
        # four Qwen runs to NaN within 40 steps on an H100 (docs/BENCHMARKS.md): opt in to it.
        return "fp32"
    return "bf16" if cpu_has_bf16() else "fp32"


def _autocast(device: str, precision: str) -> Any:
    import torch

    return torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=precision == "bf16")


def checkpoints(out: Path) -> list[Path]:
    """The run's checkpoint folders, oldest first."""
    return sorted((out / "checkpoints").glob("step-*"), key=lambda p: int(p.name.split("-")[1]))


def latest_checkpoint(out: Path) -> Path | None:
    found = checkpoints(out)
    return found[-1] if found else None


def _lr_factor(step: int, warmup: int, total: int) -> float:
    if step < warmup:
        return (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


def _data_manifest(folder: Path, prompt_style: str = "") -> dict[str, Any]:
    """The data's lineage; ``prompt_style`` is the style the prompts were rendered in for
    training when it is not the one the data stored."""
    manifest = folder / "manifest.json"
    if manifest.is_file():
        data: dict[str, Any] = json.loads(manifest.read_text(encoding="utf-8"))
        return {
            "generator_version": data.get("generator_version"),
            "prompt_style": prompt_style or data.get("prompt_style"),
            "seed": data.get("seed"),
            "splits": {k: v["sha256"] for k, v in data.get("splits", {}).items()},
        }
    return {"prompt_style": prompt_style} if prompt_style else {}


def _extra_manifest(folder: Path, repeat: int) -> dict[str, Any]:
    """The lineage of the examples added from ``extra_data``: their file's sha256 and sources."""
    train = folder / "train.jsonl"
    out: dict[str, Any] = {"folder": str(folder), "train_sha256": hashlib.sha256(train.read_bytes()).hexdigest()}
    manifest = folder / "manifest.json"
    if manifest.is_file():
        out["sources"] = json.loads(manifest.read_text(encoding="utf-8")).get("sources")
    out["repeat"] = repeat
    return out


def evaluate_loss(model: Any, examples: list[Tokenized], pad_id: int, device: str, precision: str) -> float:
    import torch

    if not examples:
        return float("nan")
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for example in examples:
            batch = {k: v.to(device) for k, v in collate([example], pad_id).items()}
            with _autocast(device, precision):
                loss = model(**batch).loss
            total += float(loss) * example.answer_tokens
            count += example.answer_tokens
    model.train()
    return total / max(1, count)


def train(
    config: TrainConfig, *, resume: bool = False, log: Log = _stderr, base: BaseModel | None = None
) -> TrainResult:
    import torch
    from peft import LoraConfig, get_peft_model, set_peft_model_state_dict
    from safetensors.torch import load_file

    if config.threads:
        torch.set_num_threads(config.threads)
    device = pick_device(config.device)
    precision = pick_precision(config.precision, device)
    torch.manual_seed(config.seed)
    random.seed(config.seed)
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    data_dir = Path(config.data)

    started = time.monotonic()
    if device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True  # fp32 weights, TF32 matrix products
    base = base or load_base(config.base, file=config.base_file or None)
    tokenizer = base.tokenizer
    log(f"loaded base {base.name} in {time.monotonic() - started:.1f}s on {device} ({precision})")

    rows = read_split(data_dir, "train")
    if config.max_examples:
        rows = rows[: config.max_examples]
    if config.extra_data:
        rows += read_split(Path(config.extra_data), "train") * config.extra_repeat
    if config.prompt_style:
        rows = restyle(rows, config.prompt_style)
    examples, skipped = tokenize(rows, tokenizer, config.max_length)
    if not examples:
        raise ValueError(f"no training example fits max_length={config.max_length}")
    val_rows = read_split(data_dir, "validation")[: config.eval_examples] if config.eval_examples else []
    if config.prompt_style:
        val_rows = restyle(val_rows, config.prompt_style)
    val_examples, _ = tokenize(val_rows, tokenizer, config.max_length)
    sequence = order(len(examples), config.seed, config.epochs)
    per_step = config.batch_size * config.grad_accum
    total_steps = config.max_steps or max(1, len(sequence) // per_step)
    log(
        f"{len(examples)} training examples ({skipped} longer than {config.max_length} tokens skipped), "
        f"{total_steps} optimizer steps of {per_step} examples"
    )

    lora = LoraConfig(
        r=config.rank,
        lora_alpha=config.alpha,
        lora_dropout=config.dropout,
        target_modules=list(config.target_modules),
        task_type="CAUSAL_LM",
    )
    model = get_peft_model(base.model, lora)
    model.to(device)
    model.train()
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=config.learning_rate, weight_decay=config.weight_decay)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: _lr_factor(step, config.warmup_steps, total_steps)
    )

    step = 0
    val_before: float | None = None
    history: list[dict[str, Any]] = []
    tokens_seen = 0
    seconds_trained = 0.0
    checkpoint = latest_checkpoint(out) if resume else None
    if checkpoint is not None:
        set_peft_model_state_dict(model, load_file(str(checkpoint / "adapter_model.safetensors")))
        state = torch.load(checkpoint / "trainer.pt", weights_only=False)
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["torch_rng"])
        step, history = state["step"], state["history"]
        tokens_seen, seconds_trained = state["tokens_seen"], state["seconds_trained"]
        val_before = state.get("val_before")
        log(f"resumed from {checkpoint} at step {step}")
    elif resume:
        log("no checkpoint to resume from; starting at step 0")

    if val_before is None:
        val_before = evaluate_loss(model, val_examples, tokenizer.pad_token_id, device, precision)
        log(f"validation loss before training: {val_before:.4f}")

    def save(at: int) -> Path:
        target = out / "checkpoints" / f"step-{at}"
        model.save_pretrained(str(target))
        torch.save(
            {
                "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(),
                "torch_rng": torch.get_rng_state(),
                "step": at,
                "history": history,
                "tokens_seen": tokens_seen,
                "seconds_trained": seconds_trained,
                "val_before": val_before,
            },
            target / "trainer.pt",
        )
        for old in checkpoints(out)[:-2]:
            shutil.rmtree(old)
        return target

    log_path = out / "train_log.jsonl"
    window_loss, window_tokens = 0.0, 0
    while step < total_steps:
        step_start = time.monotonic()
        optimizer.zero_grad(set_to_none=True)
        step_loss, step_answer, step_tokens = 0.0, 0, 0
        for micro in range(config.grad_accum):
            first = (step * config.grad_accum + micro) * config.batch_size
            picks = [sequence[(first + i) % len(sequence)] for i in range(config.batch_size)]
            batch_examples = [examples[i] for i in picks]
            batch = {k: v.to(device) for k, v in collate(batch_examples, tokenizer.pad_token_id).items()}
            with _autocast(device, precision):
                loss = model(**batch).loss
            (loss / config.grad_accum).backward()
            answer = sum(e.answer_tokens for e in batch_examples)
            step_loss += float(loss.detach()) * answer
            step_answer += answer
            step_tokens += sum(len(e.input_ids) for e in batch_examples)
        norm = torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        if not (math.isfinite(step_loss) and math.isfinite(float(norm))):
            last = latest_checkpoint(out)
            raise TrainingDiverged(
                f"the loss or its gradient is not a finite number at step {step + 1} ({precision}); no update "
                "was made and no adapter written. "
                + (f"The last good checkpoint is {last}: resume from it (--resume) " if last else "Train again ")
                + ("with --precision fp32" if precision == "bf16" else "with a lower learning_rate")
            )
        optimizer.step()
        scheduler.step()
        step += 1
        elapsed = time.monotonic() - step_start
        seconds_trained += elapsed
        tokens_seen += step_tokens
        window_loss += step_loss
        window_tokens += step_answer
        record: dict[str, Any] = {
            "step": step,
            "loss": step_loss / max(1, step_answer),
            "lr": scheduler.get_last_lr()[0],
            "tokens": step_tokens,
            "tokens_per_s": step_tokens / elapsed if elapsed else 0.0,
        }
        if step % config.log_every == 0 or step == total_steps:
            rate = tokens_seen / seconds_trained if seconds_trained else 0.0
            log(
                f"step {step}/{total_steps} loss {window_loss / max(1, window_tokens):.4f} "
                f"lr {record['lr']:.2e} {rate:.0f} tokens/s"
            )
            window_loss, window_tokens = 0.0, 0
        time_up = bool(config.max_seconds) and seconds_trained >= config.max_seconds and step < total_steps
        checkpoint_now = step % config.save_every == 0 or step == total_steps or time_up
        if checkpoint_now:
            record["val_loss"] = evaluate_loss(model, val_examples, tokenizer.pad_token_id, device, precision)
            log(f"validation loss {record['val_loss']:.4f}")
        history.append(record)
        with log_path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")
        if checkpoint_now:
            save(step)
        if time_up:
            log(f"stopped at step {step}/{total_steps}: max_seconds = {config.max_seconds:g} reached")
            break

    adapter_dir = out / "adapter"
    model.save_pretrained(str(adapter_dir))
    losses = [r["loss"] for r in history]
    head = losses[: max(1, len(losses) // 10)]
    tail = losses[-max(1, len(losses) // 10) :]
    summary: dict[str, Any] = {
        "base": {"name": base.name, "gguf": str(base.gguf_path) if base.gguf_path else None, "sha256": base.sha256},
        "config": config.to_dict(),
        "data": _data_manifest(data_dir, config.prompt_style),
        **({"extra_data": _extra_manifest(Path(config.extra_data), config.extra_repeat)} if config.extra_data else {}),
        "examples": len(examples),
        "skipped_too_long": skipped,
        "steps": step,
        "planned_steps": total_steps,
        "examples_seen": step * per_step,
        "tokens_seen": tokens_seen,
        "seconds": round(seconds_trained, 1),
        "tokens_per_second": round(tokens_seen / seconds_trained, 1) if seconds_trained else None,
        "seconds_per_epoch": round(seconds_trained * len(examples) / max(1, step * per_step), 1),
        "hardware": hardware(device),
        "precision": precision,
        "train_loss_first": sum(head) / len(head),
        "train_loss_last": sum(tail) / len(tail),
        "val_loss_before": val_before,
        "val_loss_after": history[-1].get("val_loss"),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    log(
        f"adapter written to {adapter_dir}; train loss {summary['train_loss_first']:.3f} → "
        f"{summary['train_loss_last']:.3f}, validation {val_before:.3f} → {summary['val_loss_after']:.3f}"
    )
    return TrainResult(out, adapter_dir, summary)
