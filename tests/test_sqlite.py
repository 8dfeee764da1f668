"""SQLite: no comment syntax, so its documentation is SQL comments inside CREATE TABLE, which
SQLite keeps as the table's schema (``sqlite_master.sql``, the shell's ``.schema``)."""

from __future__ import annotations

import sqlite3

from sqlscribe.ddl import apply_edits, parse_sql, plan_table_edits
from sqlscribe.docs import TableDocs
from sqlscribe.document import document_text
from sqlscribe.generate import HeuristicBackend

SCRIPT = """PRAGMA foreign_keys = ON;
CREATE TABLE notes ( -- Things to remember.
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  -- What the note is about, shown in lists.
  title TEXT NOT NULL DEFAULT '',
  body TEXT, /* Markdown. */
  tag_id INTEGER REFERENCES tags(id)
);
CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT UNIQUE) STRICT;
"""


def test_existing_comments_are_read_from_every_place_people_put_them() -> None:
    parsed = parse_sql(SCRIPT)
    assert parsed.dialect == "sqlite" and parsed.diagnostics == []
    notes, tags = parsed.tables
    assert notes.comment is not None and notes.comment.text == "Things to remember."
    got = {c.name: c.comment.text if c.comment else None for c in notes.columns}
    assert got == {"id": None, "title": "What the note is about, shown in lists.", "body": "Markdown.", "tag_id": None}
    assert tags.comment is None and all(c.comment is None for c in tags.columns)


def test_sqlite_runs_the_documented_script_and_keeps_the_comments() -> None:
    outcome = document_text(SCRIPT, HeuristicBackend())
    assert outcome.errors == []
    new = outcome.new_text
    assert "  id INTEGER PRIMARY KEY AUTOINCREMENT, -- Unique identifier of the note.\n" in new
    assert "  tag_id INTEGER REFERENCES tags(id) -- Reference to the tag (tags.id).\n);" in new
    assert "CREATE TABLE tags ( /* Tags, one row per tag. */ id INTEGER PRIMARY KEY /* " in new
    con = sqlite3.connect(":memory:")
    try:
        con.executescript(new)  # a real SQLite accepts every comment where it was put
        schema = dict(con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall())
    finally:
        con.close()
    # What SQLite keeps is the statement as written: reading it back gives every comment.
    for name in ("notes", "tags"):
        (table,) = parse_sql(schema[name] + ";", "sqlite").tables
        assert table.comment is not None and all(c.comment is not None for c in table.columns), name
    assert document_text(new, HeuristicBackend()).new_text == new  # nothing left to do


def test_overwrite_replaces_the_text_and_keeps_one_line() -> None:
    (notes, _) = parse_sql(SCRIPT).tables
    docs = TableDocs("Notes\nkept by users.", {"body": "Body text, in */ Markdown."})
    new = apply_edits(SCRIPT, plan_table_edits(notes, docs, overwrite=True))
    assert "CREATE TABLE notes ( -- Notes\nkept by users." not in new
    assert "CREATE TABLE notes ( -- Notes kept by users.\n" in new
    assert "  body TEXT, /* Body text, in * / Markdown. */\n" in new
    sqlite3.connect(":memory:").executescript(new)
