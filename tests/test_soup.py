"""Averaging runs of one recipe (``sqlscribe soup``): the stacked adapter's update is exactly
the mean of the runs' updates, whatever their ranks and alphas; runs that cannot be averaged
are refused before anything is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
safetensors_torch = pytest.importorskip("safetensors.torch")

from sqlscribe.cli import main  # noqa: E402
from training.finetune.soup import SoupError, soup, soup_tensors  # noqa: E402

MODULE = "base_model.model.model.layers.0.self_attn.q_proj"


def _adapter(rank: int, seed: int, out_dim: int = 6, in_dim: int = 5) -> dict:
    generator = torch.Generator().manual_seed(seed)
    return {
        f"{MODULE}.lora_A.weight": torch.randn(rank, in_dim, generator=generator),
        f"{MODULE}.lora_B.weight": torch.randn(out_dim, rank, generator=generator),
    }


def _delta(adapter: dict, scale: float) -> object:
    return scale * adapter[f"{MODULE}.lora_B.weight"] @ adapter[f"{MODULE}.lora_A.weight"]


def test_the_soup_update_is_the_mean_of_the_runs_updates() -> None:
    adapters = [_adapter(4, 1), _adapter(8, 2), _adapter(4, 3)]
    scales = [2.0, 0.5, 4.0]  # alpha / r of each run
    merged = soup_tensors(adapters, scales, scale=2.0)
    assert merged[f"{MODULE}.lora_A.weight"].shape == (16, 5)
    assert merged[f"{MODULE}.lora_B.weight"].shape == (6, 16)
    expected = sum(_delta(a, s) for a, s in zip(adapters, scales, strict=True)) / 3
    assert torch.allclose(_delta(merged, 2.0), expected, atol=1e-5)
    assert not torch.allclose(_delta(merged, 2.0), _delta(adapters[0], 2.0), atol=1e-2)
    # Runs stored in float16 give a float32 soup of the same update.
    halves = [{key: tensor.half() for key, tensor in a.items()} for a in adapters]
    merged = soup_tensors(halves, scales, scale=2.0)
    assert all(tensor.dtype == torch.float32 for tensor in merged.values())
    assert torch.allclose(_delta(merged, 2.0), expected, atol=2e-2)


def test_a_run_whose_training_diverged_is_refused() -> None:
    adapters = [_adapter(4, 1), _adapter(4, 2)]
    adapters[1][f"{MODULE}.lora_B.weight"][0, 0] = float("nan")
    with pytest.raises(SoupError, match="not finite numbers"):
        soup_tensors(adapters, [2.0, 2.0], scale=2.0)


def _fake_run(folder: Path, seed: int, modules: list[str], rank: int = 4) -> Path:
    (folder / "adapter").mkdir(parents=True)
    summary = {
        "base": {"name": "smollm2-135m-instruct", "sha256": "b179c9"},
        "config": {"seed": seed, "rank": rank, "alpha": 2 * rank, "data": "unused", "eval_examples": 4,
                   "max_length": 512},
        "data": {"prompt_style": "drafted", "splits": {"train": "447c79"}},
        "steps": 10, "examples_seen": 80, "tokens_seen": 8000, "seconds": 5.0,
        "train_loss_first": 1.0, "train_loss_last": 0.3, "val_loss_after": 0.4,
    }  # fmt: skip
    (folder / "summary.json").write_text(json.dumps(summary))
    config = {"r": rank, "lora_alpha": 2 * rank, "target_modules": modules, "peft_type": "LORA"}
    (folder / "adapter" / "adapter_config.json").write_text(json.dumps(config))
    safetensors_torch.save_file(_adapter(rank, seed), str(folder / "adapter" / "adapter_model.safetensors"))
    return folder


def test_a_soup_records_its_runs_and_keeps_the_scale(tmp_path: Path) -> None:
    runs = [_fake_run(tmp_path / f"s{seed}", seed, ["q_proj", "v_proj"]) for seed in (0, 1)]
    summary = soup(runs, tmp_path / "soup", validate=False)
    config = json.loads((tmp_path / "soup" / "adapter" / "adapter_config.json").read_text())
    assert (config["r"], config["lora_alpha"]) == (8, 16)
    assert summary["config"]["seed"] == [0, 1] and summary["steps"] == 20
    assert [entry["seed"] for entry in summary["soup"]] == [0, 1]
    merged = safetensors_torch.load_file(str(tmp_path / "soup" / "adapter" / "adapter_model.safetensors"))
    expected = (_delta(_adapter(4, 0), 2.0) + _delta(_adapter(4, 1), 2.0)) / 2
    assert torch.allclose(_delta(merged, 2.0), expected, atol=1e-5)


def test_runs_that_cannot_be_averaged_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one = _fake_run(tmp_path / "a", 0, ["q_proj", "v_proj"])
    other = _fake_run(tmp_path / "b", 1, ["q_proj", "o_proj"])
    with pytest.raises(SoupError, match="other modules"):
        soup([one, other], tmp_path / "out", validate=False)
    assert not (tmp_path / "out").exists()
    assert main(["soup", str(one), str(tmp_path / "missing"), "--out", str(tmp_path / "out2"), "--no-validate"]) == 1
    assert "not a finished training run" in capsys.readouterr().err
    assert not (tmp_path / "out2").exists()
    extra = _fake_run(tmp_path / "c", 1, ["q_proj", "v_proj"])
    summary = json.loads((extra / "summary.json").read_text())
    (extra / "summary.json").write_text(json.dumps(summary | {"extra_data": {"train_sha256": "ab12"}}))
    with pytest.raises(SoupError, match="other extra data"):
        soup([one, extra], tmp_path / "out4", validate=False)
    with pytest.raises(SoupError, match="at least two"):
        soup([one], tmp_path / "out3", validate=False)


def test_a_registered_soup_names_the_runs_it_averages(tmp_path: Path) -> None:
    from quantize.errors import ConversionError
    from quantize.pipeline import registry_entry
    from sqlscribe.models import load_registry

    runs = [_fake_run(tmp_path / f"s{seed}", seed, ["q_proj", "v_proj"]) for seed in (0, 1)]
    summary = soup(runs, tmp_path / "soup", validate=False)
    summary["config"] |= {"dropout": 0.05, "learning_rate": 2e-4, "batch_size": 8, "grad_accum": 1,
                          "epochs": 1.0, "max_steps": 10, "target_modules": ["q_proj", "v_proj"]}  # fmt: skip
    summary |= {"tokens_per_second": 100.0, "hardware": "cpu", "val_loss_before": 1.0, "val_loss_after": 0.35,
                "finished": "2026-11-26T00:00:00Z"}  # fmt: skip
    adapter = tmp_path / "adapter.gguf"
    adapter.write_bytes(b"GGUF")
    registry = load_registry()
    checks = {"adapter": {"token_agreement": 1.0}}
    base = registry.get(summary["base"]["name"])
    entry = registry_entry("tiny-soup", "1", summary, "adapters/tiny-soup/adapter.gguf", adapter, checks, base)
    lineage = entry["lineage"]
    assert lineage["averaged_runs"] == "seed 0 (validation loss 0.4000), seed 1 (validation loss 0.4000)"
    assert lineage["hyperparameters"]["seed"] == [0, 1] and lineage["hyperparameters"]["rank"] == 8
    assert lineage["trained_prompt_style"] == "drafted" and "extra_training_data" not in lineage
    # A run with the documented real tables next to the synthetic ones names them.
    summary["extra_data"] = {"folder": "training/data/real", "train_sha256": "ab12", "repeat": 2,
                             "sources": {"tryton_party": 8, "cms": 5}}  # fmt: skip
    entry = registry_entry("tiny-soup", "1", summary, "adapters/tiny-soup/adapter.gguf", adapter, checks, base)
    assert entry["lineage"]["extra_training_data"] == (
        "training/data/real (tryton_party, cms), train sha256 ab12, 2 times over"
    )
    assert "tables their authors documented" in entry["description"]
    # An adapter is prompted in its base's chat template where the base names one (Gemma).
    assert "chat_template" not in entry
    gemma = registry.get("gemma3-270m")
    entry = registry_entry("tiny-soup", "1", summary, "adapters/tiny-soup/adapter.gguf", adapter, checks, gemma)
    assert entry["chat_template"] == "gemma" and entry["lineage"]["base_model"] == "gemma3-270m"
    with pytest.raises(ConversionError, match="not a registered model"):
        registry_entry("tiny-soup", "1", summary, "adapters/tiny-soup/adapter.gguf", adapter, checks, None)
