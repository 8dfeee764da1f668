"""The conversion pipeline: adapter → GGUF LoRA (+ merged Q8_0 / Q4_K_M), each verified
against the PyTorch model before anything is registered."""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quantize.errors import ConversionError
from quantize.lora import convert_adapter
from quantize.merge import merge_adapter, quantize_gguf
from quantize.register import model_card, register
from quantize.verify import compare, eos_ids, llama_forced, llama_greedy, probe_prompts, torch_greedy

# Least teacher-forced token agreement with the PyTorch model for each output to pass.
THRESHOLDS = {"adapter": 0.85, "f16": 0.95, "q8_0": 0.9, "q4_k_m": 0.75}
PROBE_TOKENS = 48

if TYPE_CHECKING:
    from sqlscribe.models import ModelSpec


def trained_prompt_style(summary: dict[str, Any]) -> str:
    """The prompt style of a run's training data (its manifest, via summary.json); runs from
    before the manifest recorded one used ``tuned``."""
    return str(summary["data"].get("prompt_style") or "tuned")


@dataclass
class ConversionResult:
    adapter_gguf: Path
    summary: dict[str, Any]  # the training run's summary.json: its lineage
    base_spec: ModelSpec | None  # the base's entry in the registry, if it has one
    checks: dict[str, Any] = field(default_factory=dict)
    merged: dict[str, Path] = field(default_factory=dict)


def convert_run(
    run_dir: Path,
    out_dir: Path,
    *,
    name: str,
    merged: tuple[str, ...] = (),
    merged_dir: Path | None = None,
    registry: Path | None = None,
    log: Any = print,
) -> ConversionResult:
    """Convert a training run's adapter (``run_dir/adapter``) and verify every output. The base
    is looked up in ``registry`` (default: the installed one) when its GGUF was not recorded."""
    from peft import PeftModel

    from sqlscribe.models import ModelError, load_registry
    from training.finetune.base import load_base

    summary_path = run_dir / "summary.json"
    adapter_dir = run_dir / "adapter"
    if not summary_path.is_file() or not adapter_dir.is_dir():
        raise ConversionError(f"{run_dir} is not a finished training run (summary.json and adapter/)")
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    try:
        base_spec = load_registry(registry).get(summary["base"]["name"])
    except ModelError as error:
        raise ConversionError(str(error)) from None
    base_path = _base_gguf(summary, base_spec)
    out_dir.mkdir(parents=True, exist_ok=True)
    # Convert first: a damaged or mismatched adapter is refused before the base is loaded.
    adapter_gguf = convert_adapter(adapter_dir, base_path, out_dir / f"{name}.gguf")
    result = ConversionResult(adapter_gguf, summary, base_spec)
    try:
        # Hashes the file (its sha256 must be the one trained on) and renders the probes in the
        # chat template the run was trained with (the one its registered base names, if any).
        chat_template = base_spec.chat_template if base_spec else None
        base = load_base(str(base_path), chat_template=chat_template)
        if summary["base"].get("sha256") and base.sha256 != summary["base"]["sha256"]:
            raise ConversionError(f"{base_path} is not the base this adapter was trained on (sha256 differs)")
        model = PeftModel.from_pretrained(base.model, str(adapter_dir))
        eos = eos_ids(base.tokenizer)
        prompts = probe_prompts(base.tokenizer, trained_prompt_style(summary))
        reference = torch_greedy(model, prompts, PROBE_TOKENS, eos)
        check = compare(reference, llama_forced(base_path, prompts, reference, adapter_gguf), adapter_gguf)
        plain = llama_greedy(base_path, prompts, PROBE_TOKENS, eos)
        tuned = llama_greedy(base_path, prompts, PROBE_TOKENS, eos, adapter_gguf)
        check.differs_from_base = plain != tuned
        result.checks["adapter"] = check.as_dict()
        log(f"adapter: token agreement {check.agreement:.3f}, differs from base: {check.differs_from_base}")
        if check.agreement < THRESHOLDS["adapter"] or not check.differs_from_base:
            raise ConversionError(f"the GGUF adapter failed verification: {check.as_dict()}")
        if merged:
            target = merged_dir or out_dir
            f16 = merge_adapter(adapter_dir, base_path, target / f"{name}-f16.gguf")
            outputs = {"f16": f16}
            for kind in merged:
                if kind != "f16":
                    outputs[kind] = quantize_gguf(f16, target / f"{name}-{kind}.gguf", kind)
            f16_agreement = None
            for kind, path in outputs.items():
                started = time.monotonic()
                check = compare(reference, llama_forced(path, prompts, reference), path)
                entry = check.as_dict() | {"size_mb": round(path.stat().st_size / 2**20, 1)}
                if kind == "f16":
                    f16_agreement = check.agreement
                elif f16_agreement is not None:
                    entry["drop_vs_f16"] = round(f16_agreement - check.agreement, 4)
                entry["seconds"] = round(time.monotonic() - started, 1)
                result.checks[kind] = entry
                log(f"merged {kind}: token agreement {check.agreement:.3f} ({entry['size_mb']} MB)")
                if check.agreement < THRESHOLDS[kind]:
                    raise ConversionError(f"the merged {kind} GGUF failed verification: {entry}")
            result.merged = {k: v for k, v in outputs.items() if k in merged}
            if "f16" not in merged:
                f16.unlink()
    except ConversionError:
        adapter_gguf.unlink(missing_ok=True)
        raise
    return result


def _base_gguf(summary: dict[str, Any], spec: ModelSpec | None) -> Path:
    from sqlscribe.models import ModelError, resolve

    recorded = summary["base"].get("gguf")
    if recorded and Path(recorded).is_file():
        return Path(recorded)
    if spec is None:
        raise ConversionError(
            f"the base {summary['base']['name']!r} is not a GGUF file or registered model; "
            "convert a checkpoint folder to GGUF with llama.cpp first"
        )
    try:
        return resolve(spec).base_path
    except ModelError as error:
        raise ConversionError(str(error)) from None


def registry_entry(
    name: str, version: str, summary: dict[str, Any], adapter_rel: str, adapter_path: Path, checks: dict[str, Any],
    base_spec: ModelSpec | None,
) -> dict[str, Any]:  # fmt: skip
    """The registry entry of a converted run; ``base_spec`` is its base's entry."""
    from sqlscribe.models import file_sha256

    if base_spec is None:
        raise ConversionError(f"the base {summary['base']['name']!r} is not a registered model")
    src = base_spec.base
    base: dict[str, Any] = {"source": src.source, "package": src.package or None, "filename": src.filename,
                            "sha256": src.sha256, "size_mb": src.size_mb}  # fmt: skip
    if src.parts:
        base["parts"] = [list(p) for p in src.parts]
    if src.path:
        base["path"] = src.path
    config = summary["config"]
    lineage = {
        "base_model": base_spec.name,
        "base_sha256": src.sha256,
        "training_data": f"sqlscribe data synth, generator {summary['data'].get('generator_version')}, "
        f"seed {summary['data'].get('seed')}",
        "train_split_sha256": summary["data"].get("splits", {}).get("train"),
        "validation_split_sha256": summary["data"].get("splits", {}).get("validation"),
        "test_split_sha256": summary["data"].get("splits", {}).get("test"),
        "hyperparameters": {k: config[k] for k in ("rank", "alpha", "dropout", "learning_rate", "batch_size",
                                                    "grad_accum", "max_length", "seed", "epochs", "max_steps")},
        "target_modules": ", ".join(config["target_modules"]),
        "steps": summary["steps"],
        "examples_seen": summary["examples_seen"],
        "training_seconds": summary["seconds"],
        "training_tokens_per_second": summary["tokens_per_second"],
        "hardware": summary["hardware"],
        "train_loss": f"{summary['train_loss_first']:.3f} -> {summary['train_loss_last']:.3f}",
        "validation_loss": f"{summary['val_loss_before']:.3f} -> {summary['val_loss_after']:.3f}",
        "adapter_token_agreement": checks["adapter"]["token_agreement"],
        "trained": summary["finished"],
    }  # fmt: skip
    # A blend made from this entry later shows the adapter another prompt: keep the one it learned.
    style = trained_prompt_style(summary)
    lineage["trained_prompt_style"] = style
    extra = summary.get("extra_data")
    if extra:  # a second corpus next to the synthetic one (training/harvest)
        sources = ", ".join(extra.get("sources") or {})
        lineage["extra_training_data"] = (
            f"{extra['folder']} ({sources}), train sha256 {extra['train_sha256']}, {extra['repeat']} times over"
        )
    if summary.get("soup"):  # `sqlscribe soup`: the mean update of runs that differ in their seed
        lineage["averaged_runs"] = ", ".join(
            f"seed {run['seed']} (validation loss {run['val_loss_after']:.4f})" for run in summary["soup"]
        )
    return {
        "name": name,
        "version": version,
        "description": f"{base_spec.name} fine-tuned with LoRA by sqlscribe on synthetic DDL documentation"
        + (" and on tables their authors documented" if extra else "")
        + "; the GGUF LoRA adapter is applied to the unchanged base at run time",
        "prompt_style": style,
        **({"chat_template": base_spec.chat_template} if base_spec.chat_template else {}),
        "licence": base_spec.licence,
        "base": base,
        "adapter": {"source": "path", "path": adapter_rel, "filename": adapter_path.name,
                    "sha256": file_sha256(adapter_path), "size_mb": round(adapter_path.stat().st_size / 2**20, 1)},
        "lineage": lineage,
    }  # fmt: skip


def publish(
    run_dir: Path, registry: Path, *, name: str, version: str = "1", merged: tuple[str, ...] = (),
    merged_dir: Path | None = None, make_default: bool = False, log: Any = print,
) -> dict[str, Any]:  # fmt: skip
    """Convert, verify and register; on any failure nothing is registered or left behind."""
    adapters = registry.parent / "adapters"
    staging = adapters / f".{name}.staging"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        result = convert_run(run_dir, staging, name=name, merged=merged, merged_dir=merged_dir, registry=registry,
                             log=log)  # fmt: skip
        folder = adapters / name
        if folder.exists():
            raise ConversionError(f"{folder} already exists; choose another model name")
        folder.mkdir(parents=True)
        final = folder / "adapter.gguf"
        result.adapter_gguf.replace(final)
        rel = f"adapters/{name}/adapter.gguf"
        entry = registry_entry(name, version, result.summary, rel, final, result.checks, result.base_spec)
        try:
            register(registry, entry, make_default=make_default)
        except ConversionError:
            shutil.rmtree(folder)
            raise
        (folder / "MODEL_CARD.md").write_text(model_card(entry, result.checks), encoding="utf-8")
        return {"entry": entry, "checks": result.checks, "merged": {k: str(v) for k, v in result.merged.items()}}
    finally:
        shutil.rmtree(staging, ignore_errors=True)
