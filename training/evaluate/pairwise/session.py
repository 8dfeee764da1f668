"""A rating session on disk: items raters see, the key they never see, and durable votes."""

from __future__ import annotations

import json
import os
import random
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from training.evaluate.cases import Case

VOTES = ("left", "right", "tie")
_RATER = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
_SHORT = {"l": "left", "r": "right", "t": "tie", "left": "left", "right": "right", "tie": "tie", "=": "tie"}


class SessionError(ValueError):
    pass


def normalise_vote(value: str) -> str:
    vote = _SHORT.get(value.strip().lower())
    if vote is None:
        raise SessionError(f"vote {value!r} is not left, right or tie")
    return vote


def check_rater(rater: str) -> str:
    if not _RATER.match(rater):
        raise SessionError(f"rater id {rater!r}: use 1-40 letters, digits, '.', '_' or '-'")
    return rater


@dataclass(frozen=True)
class SystemOutput:
    table: str | None
    columns: dict[str, str]


def outputs_from_report(report: dict[str, Any], system: str) -> dict[str, SystemOutput]:
    """A system's documentation per case id, from a ``sqlscribe eval`` report.json."""
    for entry in report.get("systems", []):
        if entry["summary"]["system"] == system:
            return {
                c["id"]: SystemOutput(c.get("description"), dict(c.get("generated") or {}))
                for c in entry["cases"]
                if not c.get("error")
            }
    names = [e["summary"]["system"] for e in report.get("systems", [])]
    raise SessionError(f"system {system!r} is not in the report (it has {', '.join(names) or 'none'})")


def create(
    cases: list[Case],
    a: tuple[str, dict[str, SystemOutput]],
    b: tuple[str, dict[str, SystemOutput]],
    out: Path,
    key_path: Path,
    *,
    count: int | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """Write ``items.json`` into ``out`` and the unblinding key to ``key_path`` (kept apart)."""
    name_a, outputs_a = a
    name_b, outputs_b = b
    if name_a == name_b:
        raise SessionError("compare two different systems")
    usable = [c for c in cases if c.id in outputs_a and c.id in outputs_b]
    if not usable:
        raise SessionError("no case has an output from both systems")
    rng = random.Random(f"pairwise:{seed}")
    rng.shuffle(usable)
    chosen = usable[: count or len(usable)]
    # Exactly half the items (rounded down) show system A on the left, in random positions.
    a_left = [True] * (len(chosen) // 2) + [False] * (len(chosen) - len(chosen) // 2)
    rng.shuffle(a_left)
    session_id = f"s{seed}-{rng.getrandbits(32):08x}"
    items, key = [], {}
    for index, (case, left_is_a) in enumerate(zip(chosen, a_left, strict=True), start=1):
        item_id = f"item-{index:03d}"
        first, second = (
            (outputs_a[case.id], outputs_b[case.id]) if left_is_a else (outputs_b[case.id], outputs_a[case.id])
        )
        columns = list(dict.fromkeys([*first.columns, *second.columns]))
        items.append(
            {
                "item": item_id,
                "case": case.id,
                "dialect": case.dialect,
                "ddl": case.ddl,
                "columns": columns,
                "left": {"table": first.table, "columns": first.columns},
                "right": {"table": second.table, "columns": second.columns},
            }
        )
        key[item_id] = {"left": name_a if left_is_a else name_b, "right": name_b if left_is_a else name_a}
    out.mkdir(parents=True, exist_ok=True)
    (out / "votes").mkdir(exist_ok=True)
    session = {"session": session_id, "items": items}
    (out / "items.json").write_text(json.dumps(session, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    key_path.parent.mkdir(parents=True, exist_ok=True)
    key_doc = {"session": session_id, "systems": [name_a, name_b], "items": key}
    key_path.write_text(json.dumps(key_doc, indent=2) + "\n", encoding="utf-8")
    return session


class Session:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        path = folder / "items.json"
        if not path.is_file():
            raise SessionError(f"{folder} is not a rating session (no items.json)")
        data = json.loads(path.read_text(encoding="utf-8"))
        self.id: str = data["session"]
        self.items: list[dict[str, Any]] = data["items"]
        self.by_id = {item["item"]: item for item in self.items}

    def votes_path(self, rater: str) -> Path:
        return self.folder / "votes" / f"{check_rater(rater)}.jsonl"

    def record(self, rater: str, item: str, vote: str, columns: dict[str, str] | None = None) -> dict[str, Any]:
        """Append one vote and make it durable before returning (a killed server loses nothing)."""
        if item not in self.by_id:
            raise SessionError(f"unknown item {item!r}")
        entry: dict[str, Any] = {"item": item, "vote": normalise_vote(vote), "at": time.time()}
        if columns:
            known = set(self.by_id[item]["columns"])
            entry["columns"] = {c: normalise_vote(v) for c, v in columns.items() if c in known and v}
        path = self.votes_path(rater)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        return entry

    def votes(self, rater: str) -> dict[str, dict[str, Any]]:
        """The rater's latest vote per item; a torn last line (a crash mid-write) is ignored."""
        path = self.votes_path(rater)
        latest: dict[str, dict[str, Any]] = {}
        if not path.is_file():
            return latest
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if entry.get("item") in self.by_id and entry.get("vote") in VOTES:
                latest[entry["item"]] = entry
        return latest

    def raters(self) -> list[str]:
        return sorted(p.stem for p in (self.folder / "votes").glob("*.jsonl"))
