"""Evaluation cases: a bare CREATE TABLE plus the documentation a person wrote for it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Case:
    id: str
    dialect: str
    ddl: str
    table_reference: str | None
    column_references: dict[str, str]

    @property
    def reference_count(self) -> int:
        return len(self.column_references) + (1 if self.table_reference else 0)


def load_cases(path: str | Path) -> list[Case]:
    """Read a JSONL case file (``id``, ``dialect``, ``ddl``, ``reference``); a bad line names its number."""
    cases = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            reference = raw.get("reference") or {}
            cases.append(
                Case(
                    id=str(raw["id"]),
                    dialect=str(raw.get("dialect") or "postgres"),
                    ddl=str(raw["ddl"]),
                    table_reference=reference.get("table") or None,
                    column_references={str(k): str(v) for k, v in (reference.get("columns") or {}).items()},
                )
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"{path}:{number}: not an evaluation case ({error})") from None
    return cases
