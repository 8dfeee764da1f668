"""A second real editor: Neovim's built-in LSP client drives the server end to end."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sqlscribe.ddl import parse_sql

SCRIPT = Path(__file__).parent / "clients" / "neovim_document_table.lua"
NVIM = shutil.which("nvim")

pytestmark = [
    pytest.mark.model,
    pytest.mark.skipif(NVIM is None, reason="Neovim is not installed (Debian package neovim; .ci/run installs it)"),
]


def test_neovim_documents_a_table_with_the_real_model(tmp_path: Path):
    sql = tmp_path / "orders.sql"
    original = (
        "CREATE TABLE orders (\n  order_id INT PRIMARY KEY,\n  cust_ref VARCHAR(20),\n"
        "  placed_on DATE\n) ENGINE=InnoDB;\n"
    )
    sql.write_text(original)
    log = tmp_path / "nvim.log"
    env = {
        **os.environ,
        "SQL_PATH": str(sql),
        "SQLSCRIBE_PYTHON": sys.executable,
        "LOG_PATH": str(log),
        "SQLSCRIBE_CACHE_DIR": str(tmp_path / "cache"),
        "SQLSCRIBE_DATA_DIR": str(tmp_path / "data"),
    }
    assert NVIM is not None
    subprocess.run(
        [NVIM, "--headless", "-u", "NONE", "-c", f"luafile {SCRIPT}"],
        env=env,
        cwd=tmp_path,
        timeout=180,
        capture_output=True,
        check=False,
    )
    steps = log.read_text().splitlines()
    assert "action Document table `orders` (3 columns)" in steps, steps
    assert "written" in steps, steps
    assert any(s.startswith("executed sqlscribe.suggestionAccepted") for s in steps), steps
    text = sql.read_text()
    table = parse_sql(text, "mysql").tables[0]
    assert table.complete
    assert table.comment is not None and all(c.comment is not None for c in table.columns)
    # Only comments were added: removing them gives back the user's bytes.
    stripped = text
    for col in table.columns:
        assert col.comment is not None
        stripped = stripped.replace(" " + col.comment.clause.slice(text), "", 1)
    stripped = stripped.replace(" " + table.comment.clause.slice(text), "", 1)
    assert stripped == original
