"""Every hyper-parameter of a training run, read from a TOML file."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from sqlscribe.prompt import PROMPT_STYLES

PRECISIONS = ("auto", "fp32", "bf16")


@dataclass
class TrainConfig:
    # The base: a registry model name (its GGUF is de-quantised by transformers), a .gguf
    # file, or a Hugging Face checkpoint directory (for bigger models on a GPU).
    base: str = "smollm2-135m-instruct"
    # A local copy of the registered base's GGUF, for machines without its package (a GPU
    # server); checked against the registry's sha256.
    base_file: str = ""
    data: str = "training/data/synth"  # folder with train.jsonl and validation.jsonl
    # A second folder whose train.jsonl is added to ``data``'s, ``extra_repeat`` times over
    # (training/data/real: tables their authors documented); validation stays ``data``'s.
    extra_data: str = ""
    extra_repeat: int = 1
    # Render every prompt afresh in this style (sqlscribe.prompt.PROMPT_STYLES) from each
    # example's DDL, keeping its answer; "" trains on the prompts as the data stored them.
    prompt_style: str = ""
    out: str = "runs/smollm2-135m-sqlscribe"
    # LoRA
    rank: int = 16
    alpha: int = 32
    dropout: float = 0.05
    target_modules: list[str] = field(
        default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
    )
    # Optimisation
    learning_rate: float = 2e-4
    weight_decay: float = 0.0
    warmup_steps: int = 10
    epochs: float = 1.0
    max_steps: int = 0  # optimizer steps; 0 = as many as ``epochs`` needs
    max_seconds: float = 0  # stop (with a checkpoint and the adapter) after this much training; 0 = no limit
    batch_size: int = 1  # sequences per forward pass
    grad_accum: int = 8  # forward passes per optimizer step
    max_length: int = 1024  # longer examples are skipped, never truncated mid-answer
    max_examples: int = 0  # 0 = the whole train split
    seed: int = 0
    # Bookkeeping
    log_every: int = 5
    save_every: int = 50  # optimizer steps between checkpoints
    eval_examples: int = 32  # validation examples for the loss at each checkpoint
    threads: int = 0  # CPU threads; 0 = torch's default
    device: str = "auto"  # auto | cpu | cuda
    # Arithmetic of the forward and backward passes: "bf16" runs them under bfloat16 autocast
    # (the weights, the adapter and the optimizer state stay float32), "fp32" in float32 (TF32
    # products on CUDA), "auto" bf16 on a CPU that computes it natively (AVX512-BF16 or AMX),
    # else fp32. bf16 trains about 1.6x faster on this project's CPU machine; on CUDA "auto"
    # keeps fp32, since bf16 turned Qwen's loss to NaN on an H100 (docs/BENCHMARKS.md).
    precision: str = "auto"

    @classmethod
    def load(cls, path: str | Path, overrides: dict[str, Any] | None = None) -> TrainConfig:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        return cls.from_dict({**raw, **(overrides or {})})

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> TrainConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ValueError(f"unknown training settings: {', '.join(unknown)}")
        config = cls(**raw)
        if config.rank <= 0 or config.alpha <= 0 or config.batch_size <= 0 or config.grad_accum <= 0:
            raise ValueError("rank, alpha, batch_size and grad_accum must be positive")
        if config.extra_repeat <= 0:
            raise ValueError("extra_repeat must be positive")
        if config.precision not in PRECISIONS:
            raise ValueError(f"unknown precision {config.precision!r}; expected one of {', '.join(PRECISIONS)}")
        if config.prompt_style and config.prompt_style not in PROMPT_STYLES:
            expected = ", ".join(PROMPT_STYLES)
            raise ValueError(f"unknown prompt_style {config.prompt_style!r}; expected one of {expected}")
        return config

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
