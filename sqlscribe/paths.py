"""Where sqlscribe keeps its cache and local data (overridable by environment variables)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def cache_dir() -> Path:
    return Path(os.environ.get("SQLSCRIBE_CACHE_DIR") or platformdirs.user_cache_dir("sqlscribe"))


def data_dir() -> Path:
    return Path(os.environ.get("SQLSCRIBE_DATA_DIR") or platformdirs.user_data_dir("sqlscribe"))
