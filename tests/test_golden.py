"""Golden files: each dialect's input, documented with the heuristic backend, must equal
``<dialect>.expected.sql`` byte for byte. Set SQLSCRIBE_UPDATE_GOLDEN=1 to rewrite them
(then read the diff: the expected files are the specification)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sqlscribe.ddl import parse_sql
from sqlscribe.document import document_text
from sqlscribe.generate import HeuristicBackend

GOLDEN = Path(__file__).parent / "golden"
INPUTS = sorted(p for p in GOLDEN.glob("*.sql") if not p.name.endswith(".expected.sql"))


@pytest.mark.parametrize("source", INPUTS, ids=[p.stem for p in INPUTS])
def test_golden(source: Path) -> None:
    text = source.read_text(encoding="utf-8")
    outcome = document_text(text, HeuristicBackend(), path=str(source))
    assert outcome.errors == []
    assert outcome.parsed.dialect == source.stem
    expected_path = source.with_suffix(".expected.sql")
    if os.environ.get("SQLSCRIBE_UPDATE_GOLDEN"):
        expected_path.write_text(outcome.new_text, encoding="utf-8")
    assert outcome.new_text == expected_path.read_text(encoding="utf-8")


@pytest.mark.parametrize("source", INPUTS, ids=[p.stem for p in INPUTS])
def test_second_run_changes_nothing(source: Path) -> None:
    once = document_text(source.read_text(encoding="utf-8"), HeuristicBackend()).new_text
    twice = document_text(once, HeuristicBackend())
    assert twice.new_text == once
    assert all(not t.edits for t in twice.tables)


@pytest.mark.parametrize("source", INPUTS, ids=[p.stem for p in INPUTS])
def test_every_column_documented_and_human_comments_kept(source: Path) -> None:
    text = source.read_text(encoding="utf-8")
    before = parse_sql(text)
    after = parse_sql(document_text(text, HeuristicBackend()).new_text)
    for old, new in zip(before.tables, after.tables, strict=True):
        assert new.complete and (new.comment is not None or new.from_alter)  # an ALTER is described at its CREATE
        for old_col, new_col in zip(old.columns, new.columns, strict=True):
            assert new_col.comment is not None, f"{new.name}.{new_col.name}"
            if old_col.comment is not None:
                assert new_col.comment.text == old_col.comment.text
