from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from types import ModuleType

import bench_scripts
import pytest
from pytest_lsp import LanguageClient

from sqlscribe.generate import HeuristicBackend

from lsp_editor import Editor, start_editor

ROOT = Path(__file__).resolve().parent.parent
SHARED_EVAL = ROOT.parent / "shared" / "eval" / "dev.jsonl"


def pytest_configure(config: pytest.Config) -> None:
    """One models folder for the whole run, for this process and every server and client it starts.

    Set before the test modules are imported: some build their server's environment then. The
    default model is assembled from its PyPI parts once per run, not once per test (500 MB each)."""
    if "SQLSCRIBE_MODELS_DIR" not in os.environ:
        folder = tempfile.mkdtemp(prefix="sqlscribe-test-models-")
        os.environ["SQLSCRIBE_MODELS_DIR"] = folder
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own generation cache and data dir; the model files and their sha256
    stamps are shared (facts about files, not state a test can leak into another)."""
    monkeypatch.setenv("SQLSCRIBE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("SQLSCRIBE_DATA_DIR", str(tmp_path_factory.mktemp("data")))


@pytest.fixture
def gpu_lease() -> ModuleType:
    """bench/gpu_lease.py, a script rather than a package module."""
    return bench_scripts.load("gpu_lease")


@pytest.fixture
def heuristic() -> HeuristicBackend:
    return HeuristicBackend()


@pytest.fixture
async def editor(client: LanguageClient) -> Editor:
    """An initialised editor on the ``client`` fixture of the LSP test module asking for it."""
    return await start_editor(client)
