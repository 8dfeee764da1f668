"""The VS Code extension's own checks (npm ci, tsc, ESLint, Vitest, vsce package), run from pytest
so that the README's one test command covers the TypeScript client too."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

CLIENT = Path(__file__).resolve().parents[1] / "vscode-client"


def _npm(*args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    npm = shutil.which("npm")
    assert npm is not None, "npm is needed to build and test vscode-client (Node.js 20+)"
    return subprocess.run([npm, *args], cwd=CLIENT, capture_output=True, text=True, timeout=timeout)


def test_vscode_client_builds_lints_tests_and_packages():
    installed = _npm("ci", "--no-audit", "--no-fund")
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    tested = _npm("test")
    assert tested.returncode == 0, tested.stdout[-5000:] + tested.stderr[-3000:]
    assert (CLIENT / "sqlscribe.vsix").is_file()
