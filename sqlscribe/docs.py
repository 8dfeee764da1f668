"""The documentation of one table: what generators produce and edits write."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TableDocs:
    description: str | None
    columns: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {"table": self.description, "columns": dict(self.columns)}


def clean_text(text: str) -> str:
    """One line, no surrounding whitespace: how every generated comment is stored."""
    return " ".join(str(text).split())


def counted(n: int, noun: str) -> str:
    """ "1 table", "3 tables": a count whose noun agrees, for messages about tables and columns."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
