"""Acceptance metrics: which suggestions users were shown, accepted, edited or left.

This is the product's quality signal in use. It lives in a local SQLite file under
the user's data directory and is never sent anywhere. The language server writes it;
``sqlscribe stats`` reads it.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlscribe.paths import data_dir

SCHEMA = """
CREATE TABLE IF NOT EXISTS suggestions (
    id TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    kind TEXT NOT NULL,          -- column | table | file | inline
    document TEXT NOT NULL,      -- the document's URI
    target TEXT NOT NULL,        -- table or table.column
    shown_at REAL NOT NULL,
    accepted_at REAL,
    edited INTEGER               -- NULL: not known yet; 0 kept as inserted; 1 changed before save
);
"""

KINDS = ("column", "table", "file", "inline")


def default_path() -> Path:
    return data_dir() / "acceptance.sqlite3"


@dataclass(frozen=True)
class StatsRow:
    model: str
    kind: str
    shown: int
    accepted: int
    edited: int

    @property
    def not_taken(self) -> int:
        return self.shown - self.accepted

    @property
    def acceptance_rate(self) -> float:
        return self.accepted / self.shown if self.shown else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "model": self.model,
            "kind": self.kind,
            "shown": self.shown,
            "accepted": self.accepted,
            "edited": self.edited,
            "not_taken": self.not_taken,
            "acceptance_rate": round(self.acceptance_rate, 4),
        }


class AcceptanceLog:
    """A small, thread-safe store; every write is committed at once so nothing is lost on a crash."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)

    def shown(self, *, model: str, kind: str, document: str, target: str) -> str:
        if kind not in KINDS:
            raise ValueError(f"unknown suggestion kind {kind!r}")
        suggestion_id = uuid.uuid4().hex
        with self._lock:
            self._db.execute(
                "INSERT INTO suggestions (id, model, kind, document, target, shown_at) VALUES (?, ?, ?, ?, ?, ?)",
                (suggestion_id, model, kind, document, target, time.time()),
            )
        return suggestion_id

    def accepted(self, suggestion_id: str) -> bool:
        """Mark a suggestion accepted; False when the id is unknown (or already accepted)."""
        with self._lock:
            cursor = self._db.execute(
                "UPDATE suggestions SET accepted_at = ? WHERE id = ? AND accepted_at IS NULL",
                (time.time(), suggestion_id),
            )
        return cursor.rowcount == 1

    def edited(self, suggestion_id: str, edited: bool) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE suggestions SET edited = ? WHERE id = ? AND accepted_at IS NOT NULL",
                (int(edited), suggestion_id),
            )

    def stats(self) -> list[StatsRow]:
        with self._lock:
            rows = self._db.execute(
                "SELECT model, kind, COUNT(*), COUNT(accepted_at), COALESCE(SUM(edited), 0) "
                "FROM suggestions GROUP BY model, kind ORDER BY model, kind"
            ).fetchall()
        return [StatsRow(m, k, int(s), int(a), int(e)) for m, k, s, a, e in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()


def totals(rows: list[StatsRow]) -> dict[str, StatsRow]:
    """Per model, summed over kinds."""
    out: dict[str, StatsRow] = {}
    for row in rows:
        prev = out.get(row.model, StatsRow(row.model, "all", 0, 0, 0))
        out[row.model] = StatsRow(
            row.model, "all", prev.shown + row.shown, prev.accepted + row.accepted, prev.edited + row.edited
        )
    return out


def format_stats(rows: list[StatsRow]) -> str:
    if not rows:
        return "no suggestions recorded yet"
    header = f"{'model':<40} {'kind':<7} {'shown':>6} {'accepted':>8} {'edited':>6} {'not taken':>9} {'rate':>6}"
    lines = [header]
    ordered: list[StatsRow] = []
    for model, total in totals(rows).items():
        ordered.extend(r for r in rows if r.model == model)
        ordered.append(total)
    for r in ordered:
        lines.append(
            f"{r.model:<40} {r.kind:<7} {r.shown:>6} {r.accepted:>8} {r.edited:>6} {r.not_taken:>9} "
            f"{r.acceptance_rate:>6.1%}"
        )
    return "\n".join(lines)
