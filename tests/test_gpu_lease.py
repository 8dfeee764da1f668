"""bench/gpu_lease.py: the preparation of a GPU lease, decided here with no device time spent."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path
from types import ModuleType

import pytest


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A git checkout with a tree, registered adapters and a wheel, like the project's."""
    root = tmp_path / "repo"
    (root / "models" / "adapters" / "one").mkdir(parents=True)
    (root / "models" / "adapters" / "one" / "adapter.gguf").write_bytes(os.urandom(700_000))
    (root / "sqlscribe.py").write_bytes(os.urandom(300_000))
    env = os.environ | {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@t"}  # fmt: skip
    for command in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "tree"]):
        subprocess.run(command, cwd=root, check=True, env=env)
    (root / ".whl").mkdir()
    (root / ".whl" / "sqlglot-1-py3-none-any.whl").write_bytes(os.urandom(100_000))
    return root


def test_prepare_splits_the_base_so_that_every_call_fits_and_restore_undoes_it(
    checkout: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    gpu_lease: ModuleType,
) -> None:
    gpu = gpu_lease
    mib = gpu.MIB
    monkeypatch.setattr(gpu, "CALL_LIMIT", 3 * mib)  # a small base and a small limit: several pieces
    base = tmp_path / "base.gguf"
    base.write_bytes(os.urandom(9 * mib + 12345))
    recipes = ["training/finetune/configs/a-gpu.toml", "training/finetune/configs/b-gpu.toml"]
    gpu.prepare(checkout, recipes, 150, wheels=False, base=base)
    calls = [json.loads(line) for line in capsys.readouterr().out.splitlines()]

    assert not (checkout / "models" / "adapters").exists()  # 0.7 MB that no call needs
    pieces = sorted((checkout / ".xfer").glob("q.*"), key=lambda p: int(p.suffix[1:]))
    assert len(pieces) >= 4 and b"".join(p.read_bytes() for p in pieces) == base.read_bytes()
    tree = gpu.tree_bytes(checkout)
    assert tree < 400_000  # the adapters no longer travel
    for call in calls:
        carried = sum(
            sum(f.stat().st_size for f in (checkout / c).rglob("*") if f.is_file()) if (checkout / c).is_dir()
            else (checkout / c).stat().st_size
            for c in call["carry"]
        )  # fmt: skip
        assert tree + carried <= gpu.CALL_LIMIT, call
        assert len(call["command"]) <= 2000 and "pgrep" not in call["command"]
    assert calls[0]["carry"] == [".whl", ".xfer/q.0"] and "pip install" in calls[0]["command"]
    assert [c["carry"] for c in calls[1 : len(pieces)]] == [[f".xfer/q.{n}"] for n in range(1, len(pieces))]
    train = calls[len(pieces) - 1]["command"]
    assert hashlib.sha256(base.read_bytes()).hexdigest() in train  # the joined base is checked there
    assert f'CONFIG="{" ".join(recipes)}"' in train and "retrain_on_gpu.sh /root/qwen.gguf /root/ret 150" in train
    assert calls[-1]["carry"] == [] and "runs.tar" in calls[-1]["command"]  # fetches what is left
    exclude = (checkout / ".git" / "info" / "exclude").read_text().splitlines()
    assert {"/.whl/", "/.xfer/"} <= set(exclude)
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=checkout,
                            capture_output=True, text=True).stdout  # fmt: skip
    assert status == " D models/adapters/one/adapter.gguf\n"  # the pieces and wheels are ignored

    gpu.restore(checkout)
    assert (checkout / "models" / "adapters" / "one" / "adapter.gguf").stat().st_size == 700_000
    assert not (checkout / ".xfer").exists()
    status = subprocess.run(["git", "status", "--porcelain"], cwd=checkout, capture_output=True, text=True).stdout
    assert status == ""


def test_a_tree_too_big_for_a_call_is_refused(tmp_path: Path, gpu_lease: ModuleType) -> None:
    gpu = gpu_lease
    base = tmp_path / "base.gguf"
    base.write_bytes(b"x" * 100)
    with pytest.raises(ValueError, match="no room"):
        gpu.split_base(base, tmp_path / "pieces", 0, gpu.MIB)
