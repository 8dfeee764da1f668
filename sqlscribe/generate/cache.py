"""A content-addressed on-disk cache of generated documentation.

The key is the sha256 of the model id, the prompt messages and the answer schema,
so any change to the model, the prompt or the table misses the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from sqlscribe.docs import TableDocs
from sqlscribe.paths import cache_dir


def cache_key(model_id: str, messages: list[dict[str, str]], schema: dict[str, Any], version: int) -> str:
    """The address of one answer; ``version`` is the prompt's, which changes with the checks an
    answer goes through, so answers checked by older rules are not reused."""
    payload = json.dumps([version, model_id, messages, schema], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class DocCache:
    def __init__(self, root: Path | None = None) -> None:
        self.root = root or cache_dir() / "docs"

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key[2:]}.json"

    def get(self, key: str) -> TableDocs | None:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            columns = data["columns"]
            if not isinstance(columns, dict):
                return None
            return TableDocs(data.get("table"), {str(k): str(v) for k, v in columns.items()})
        except (OSError, ValueError, KeyError, TypeError):
            return None  # a missing or damaged entry is a miss

    def put(self, key: str, docs: TableDocs) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(docs.to_json(), ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only cache never fails a generation
