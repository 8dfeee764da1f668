"""Where sqlscribe keeps its cache and local data (overridable by environment variables)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs


def cache_dir() -> Path:
    return Path(os.environ.get("SQLSCRIBE_CACHE_DIR") or platformdirs.user_cache_dir("sqlscribe"))


def models_dir() -> Path:
    """Model files assembled from their PyPI parts, and the sha256 stamps of model files.

    Apart from the generation cache so that a fresh cache (a test's, a CI run's) does not copy
    500 MB again; ``SQLSCRIBE_MODELS_DIR`` moves it."""
    return Path(os.environ.get("SQLSCRIBE_MODELS_DIR") or cache_dir() / "models")


def data_dir() -> Path:
    return Path(os.environ.get("SQLSCRIBE_DATA_DIR") or platformdirs.user_data_dir("sqlscribe"))


def leave_working_directory_out() -> None:
    """Take the working directory off the front of ``sys.path``, where ``python -m`` puts it (as
    Python's own ``-P`` would): editors start the language server with ``python -m lsp_server``
    in the user's project, and a ``training/`` package, a ``quantize.py`` or a ``yaml.py`` there
    must never be imported, let alone run, in place of ours."""
    if sys.path and os.path.realpath(sys.path[0] or os.curdir) == os.path.realpath(os.getcwd()):
        del sys.path[0]
