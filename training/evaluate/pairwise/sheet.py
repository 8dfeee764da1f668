"""A CSV sheet for raters who prefer a spreadsheet: one row per table and one per column;
fill the ``vote`` cells with left, right or tie and import the sheet back."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from training.evaluate.pairwise.session import Session, SessionError, normalise_vote

FIELDS = ["item", "scope", "column", "ddl", "left", "right", "vote"]


def _doc(side: dict[str, Any]) -> str:
    columns = side.get("columns") or {}
    lines = [f"TABLE: {side.get('table') or '(none)'}"]
    lines += [f"{name}: {text}" for name, text in columns.items()]
    return "\n".join(lines)


def export_sheet(session: Session, path: Path) -> int:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        rows = 0
        for item in session.items:
            writer.writerow(
                {"item": item["item"], "scope": "table", "column": "", "ddl": item["ddl"],
                 "left": _doc(item["left"]), "right": _doc(item["right"]), "vote": ""}
            )  # fmt: skip
            rows += 1
            for column in item["columns"]:
                writer.writerow(
                    {"item": item["item"], "scope": "column", "column": column, "ddl": "",
                     "left": item["left"]["columns"].get(column, ""), "right": item["right"]["columns"].get(column, ""),
                     "vote": ""}
                )  # fmt: skip
                rows += 1
    return rows


def import_sheet(session: Session, path: Path, rater: str) -> int:
    """Record the sheet's votes for ``rater``; the whole sheet is checked before anything is written."""
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    missing = [f for f in ("item", "scope", "column", "vote") if f not in (reader.fieldnames or [])]
    if missing:
        raise SessionError(f"{path}: missing column(s) {', '.join(missing)}")
    tables: dict[str, str] = {}
    columns: dict[str, dict[str, str]] = {}
    for number, row in enumerate(reader, start=2):
        vote = (row.get("vote") or "").strip()
        if not vote:
            continue
        item = row["item"].strip()
        if item not in session.by_id:
            raise SessionError(f"{path}:{number}: unknown item {item!r}")
        try:
            value = normalise_vote(vote)
        except SessionError as error:
            raise SessionError(f"{path}:{number}: {error}") from None
        if row["scope"].strip() == "column":
            columns.setdefault(item, {})[row["column"].strip()] = value
        else:
            tables[item] = value
    orphans = sorted(set(columns) - set(tables))
    if orphans:
        raise SessionError(f"{path}: column votes without a table vote for {', '.join(orphans)}")
    for item, vote in tables.items():
        session.record(rater, item, vote, columns.get(item))
    return len(tables)
