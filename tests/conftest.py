from __future__ import annotations

from pathlib import Path

import pytest
from pytest_lsp import LanguageClient

from sqlscribe.generate import HeuristicBackend

from lsp_editor import Editor, start_editor

ROOT = Path(__file__).resolve().parent.parent
SHARED_EVAL = ROOT.parent / "shared" / "eval" / "dev.jsonl"


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own generation cache and data dir; the sha256 stamps are shared (read-only facts)."""
    monkeypatch.setenv("SQLSCRIBE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("SQLSCRIBE_DATA_DIR", str(tmp_path_factory.mktemp("data")))


@pytest.fixture
def heuristic() -> HeuristicBackend:
    return HeuristicBackend()


@pytest.fixture
async def editor(client: LanguageClient) -> Editor:
    """An initialised editor on the ``client`` fixture of the LSP test module asking for it."""
    return await start_editor(client)
