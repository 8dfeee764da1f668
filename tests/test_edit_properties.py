"""Properties of the edit planner: any comment text survives the round trip, and edits
never change a token of the user's SQL."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sqlscribe.ddl import DIALECTS, apply_edits, expected_after, parse_sql, plan_table_edits, verify
from sqlscribe.ddl.parse import _Lines, _tokenize
from sqlscribe.docs import TableDocs
from sqlscribe.document import document_text
from sqlscribe.generate.heuristic import HeuristicBackend

TABLES = {
    "postgres": (
        'CREATE TABLE s."T x" (\n  id int PRIMARY KEY,\n  "näme" text NOT NULL, -- keep me\n  amt numeric(10,2)\n);'
    ),
    "duckdb": "CREATE TABLE t (id INTEGER, payload JSON, d DATE)",
    "mysql": (
        "CREATE TABLE `t` (\n  id INT NOT NULL,\n  ref_id INT REFERENCES r(id),\n  `key` VARCHAR(9)\n) ENGINE=InnoDB;"
    ),
    "databricks": "CREATE TABLE db.t (id BIGINT, m MAP<STRING, INT>) USING DELTA PARTITIONED BY (id);",
    "snowflake": "CREATE TABLE t (id NUMBER NOT NULL, v VARCHAR COLLATE 'en' DEFAULT 'x') CLUSTER BY (id);",
    "bigquery": (
        "CREATE TABLE `p.d.t` (id INT64 NOT NULL, s STRUCT<a INT64, b STRING> OPTIONS(rounding_mode='x'))"
        " PARTITION BY id;"
    ),
    "clickhouse": (
        "CREATE TABLE db.t (\n  `id` UInt64 CODEC(ZSTD(1)),\n  d Date DEFAULT today() TTL d + toIntervalDay(9),\n"
        "  e String EPHEMERAL,\n  INDEX ix id TYPE minmax GRANULARITY 1\n)"
        " ENGINE = MergeTree ORDER BY id SETTINGS a = 1;"
    ),
    "redshift": (
        "create table sales(\n\tid integer not null distkey sortkey,\n\tqty smallint encode az64,\n"
        '\t"näme" varchar(30))\ndiststyle key\ncompound sortkey (id);'
    ),
    "teradata": (
        "CREATE MULTISET TABLE db.t ,NO FALLBACK ,\n     NO BEFORE JOURNAL,\n     MAP = TD_MAP1\n     (\n"
        "      id INTEGER NOT NULL,\n      d DATE FORMAT 'YYYY-MM-DD' TITLE 'Day',\n"
        "      c CHAR(2) CHARACTER SET LATIN NOT CASESPECIFIC COMPRESS ('AA','BB'))\nUNIQUE PRIMARY INDEX ( id );"
    ),
    "oracle": (
        'CREATE TABLE hr."Emp x" (\n  id NUMBER(6) NOT NULL,\n  "näme" VARCHAR2(20 CHAR) DEFAULT \'x\',\n'
        "  CONSTRAINT pk PRIMARY KEY (id)\n) TABLESPACE users;"
    ),
    "sqlite": (
        'CREATE TABLE IF NOT EXISTS "notes" (\n  id INTEGER PRIMARY KEY AUTOINCREMENT,\n  -- above\n'
        "  title TEXT NOT NULL DEFAULT '', body TEXT,\n  at DATETIME\n) WITHOUT ROWID;"
    ),
    "tsql": (
        "CREATE TABLE [sales].[Order Lines] (\n  [Id] [int] IDENTITY(1,1) NOT NULL,\n  [Näme] NVARCHAR(MAX) NULL,\n"
        "  CONSTRAINT [PK] PRIMARY KEY CLUSTERED ([Id] ASC)\n) ON [PRIMARY] TEXTIMAGE_ON [PRIMARY]"
    ),
}

comment_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00")
    | st.sampled_from("'\"\\\n\t`$;"),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() == s and s != "")


def _tokens(text: str, dialect: str) -> list[tuple[str, str]]:
    tokens, problems = _tokenize(text, dialect, _Lines(text))
    assert problems == []
    return [(t.kind.name, t.text) for t in tokens]


@pytest.mark.parametrize("dialect", sorted(TABLES))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_comments_round_trip_and_user_tokens_survive(dialect: str, data: st.DataObject) -> None:
    text = TABLES[dialect]
    (table,) = parse_sql(text, dialect).tables
    docs = TableDocs(
        data.draw(comment_text, "table"),
        {c.name: data.draw(comment_text, c.name) for c in table.columns},
    )
    edits = plan_table_edits(table, docs)
    new_text = apply_edits(text, edits)
    assert verify(new_text, dialect, [expected_after(0, table, docs)]) == []
    # Removing every inserted region gives back the original text exactly...
    assert all(e.start == e.end for e in edits)
    rebuilt, shift = new_text, 0
    for edit in sorted(edits, key=lambda e: e.start):
        start = edit.start + shift
        assert rebuilt[start : start + len(edit.new_text)] == edit.new_text
        rebuilt = rebuilt[:start] + rebuilt[start + len(edit.new_text) :]
    assert rebuilt == text
    # ...and every original token is still a token, in order, with the same text.
    original = _tokens(text, dialect)
    after = iter(_tokens(new_text, dialect))
    assert all(tok in after for tok in original)


def test_overwrite_replaces_only_the_literal() -> None:
    text = "CREATE TABLE t (a int COMMENT 'old', b int) COMMENT='old table';"
    (table,) = parse_sql(text, "mysql").tables
    docs = TableDocs("new table", {"a": "new a", "b": "new b"})
    kept = apply_edits(text, plan_table_edits(table, docs))
    assert kept == "CREATE TABLE t (a int COMMENT 'old', b int COMMENT 'new b') COMMENT='old table';"
    replaced = apply_edits(text, plan_table_edits(table, docs, overwrite=True))
    assert replaced == "CREATE TABLE t (a int COMMENT 'new a', b int COMMENT 'new b') COMMENT='new table';"


@pytest.mark.parametrize(
    ("text", "dialect", "replaced"),
    [
        # MySQL's COMMENT '…' in a file read as SQL Server's: N'…' there would not read back.
        ("CREATE TABLE t (a int COMMENT 'old')", "tsql", "CREATE TABLE t (a int COMMENT 'it''s new')"),
        # A COMMENT ON statement in a file read as SQLite: a string literal still, not a comment's text.
        (
            "CREATE TABLE t (a int);\nCOMMENT ON COLUMN t.a IS 'old';",
            "sqlite",
            "CREATE TABLE t (a int);\nCOMMENT ON COLUMN t.a IS 'it''s new';",
        ),
        # SQL Server's own properties keep N'…', or its absence, as the author wrote it.
        (
            "CREATE TABLE t (a int)\nEXEC sp_addextendedproperty 'MS_Description', N'old', 'SCHEMA', 'dbo',"
            " 'TABLE', 't', 'COLUMN', 'a'",
            "tsql",
            "CREATE TABLE t (a int)\nEXEC sp_addextendedproperty 'MS_Description', N'it''s new', 'SCHEMA', 'dbo',"
            " 'TABLE', 't', 'COLUMN', 'a'",
        ),
        (
            "CREATE TABLE t (a int)\nEXEC sp_addextendedproperty 'MS_Description', 'old', 'SCHEMA', 'dbo',"
            " 'TABLE', 't', 'COLUMN', 'a'",
            "tsql",
            "CREATE TABLE t (a int)\nEXEC sp_addextendedproperty 'MS_Description', 'it''s new', 'SCHEMA', 'dbo',"
            " 'TABLE', 't', 'COLUMN', 'a'",
        ),
        ("CREATE TABLE t (\n  a int -- old\n)", "sqlite", "CREATE TABLE t (\n  a int -- it's new\n)"),
    ],
)
def test_overwrite_writes_the_new_text_in_the_old_comments_form(text: str, dialect: str, replaced: str) -> None:
    (table,) = parse_sql(text, dialect).tables
    docs = TableDocs(None, {"a": "it's new"})
    new_text = apply_edits(text, plan_table_edits(table, docs, overwrite=True))
    assert new_text == replaced
    assert verify(new_text, dialect, [expected_after(0, table, docs, overwrite=True)]) == []


def test_a_column_name_written_twice_never_takes_the_others_text() -> None:
    text = "CREATE TABLE t (a int, a int COMMENT 'mine')"
    (table,) = parse_sql(text, "mysql", validate=False).tables
    table.complete = True  # as if the reader had let it through: the planner must still keep 'mine'
    edits = plan_table_edits(table, TableDocs(None, {"a": "theirs"}))
    assert apply_edits(text, edits) == "CREATE TABLE t (a int COMMENT 'theirs', a int COMMENT 'mine')"


def test_crlf_files_get_crlf_comment_statements() -> None:
    text = "CREATE TABLE t (a int);\r\nSELECT 1;\r\n"
    (table,) = parse_sql(text, "postgres").tables
    new = apply_edits(text, plan_table_edits(table, TableDocs("T", {"a": "A"}), newline="\r\n"))
    assert (
        new == "CREATE TABLE t (a int);\r\nCOMMENT ON TABLE t IS 'T';\r\nCOMMENT ON COLUMN t.a IS 'A';\r\nSELECT 1;\r\n"
    )


def test_statement_without_semicolon_gets_one() -> None:
    text = "CREATE TABLE t (a int)"
    (table,) = parse_sql(text, "postgres").tables
    new = apply_edits(text, plan_table_edits(table, TableDocs(None, {"a": "A"})))
    assert new == "CREATE TABLE t (a int);\nCOMMENT ON COLUMN t.a IS 'A';"


def test_incomplete_tables_get_no_edits() -> None:
    (table,) = parse_sql("CREATE TABLE t (a int, b varch", "postgres").tables
    assert plan_table_edits(table, TableDocs("T", {"a": "A"})) == []


@settings(max_examples=40, deadline=None)
@given(comment=comment_text, description=comment_text)
def test_duckdb_executes_the_edited_ddl_and_stores_the_comments(comment: str, description: str) -> None:
    """A real database reads back exactly what we wrote."""
    text = 'CREATE TABLE trips (id INTEGER PRIMARY KEY, "fare amt" DECIMAL(8, 2));'
    (table,) = parse_sql(text, "duckdb").tables
    new_text = apply_edits(text, plan_table_edits(table, TableDocs(description, {"id": comment, "fare amt": comment})))
    con = duckdb.connect()
    try:
        con.execute(new_text)
        got_table = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'trips'").fetchone()
        got_cols = con.execute(
            "SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'trips' ORDER BY column_index"
        ).fetchall()
    finally:
        con.close()
    assert got_table == (description,)
    assert got_cols == [("id", comment), ("fare amt", comment)]


# Real files of every dialect, and the pieces of syntax that have broken readers before.
GOLDEN = sorted(p for p in (Path(__file__).parent / "golden").glob("*.sql") if not p.name.endswith(".expected.sql"))
SNIPPETS = [
    *"'\"`[]();,\n",
    "GO\n",
    "$$",
    "/*",
    "*/",
    "--",
    "\ufeff",
    "\x00",
    "\r\n",
    "N'",
    "CREATE TABLE ",
    "COMMENT 'x'",
    " COMMENT ON TABLE t IS 'a';",
    "COPY t (a) FROM stdin;\nx\ty\n",
    "\\.\n",
    "END;\n",
    "EXEC sp_addextendedproperty 'MS_Description', N'x';\n",
    "ALTER TABLE t ADD CONSTRAINT pk PRIMARY KEY (id);\n",
    "CREATE PROCEDURE p AS BEGIN SELECT 1 END\n",
]


@st.composite
def damaged_files(draw: st.DrawFn) -> str:
    """A golden file after a few random cuts, insertions and repeats, as half-typed or badly
    merged files look."""
    text = GOLDEN[draw(st.integers(0, len(GOLDEN) - 1))].read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "truncate", "repeat", "char"]))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from(SNIPPETS)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        elif kind == "truncate":
            text = text[:at]
        elif kind == "repeat":
            text = text[:at] + text[at : at + draw(st.integers(1, 200))] + text[at:]
        else:
            text = text[:at] + draw(st.characters(blacklist_categories=("Cs",))) + text[at:]
    return text


@settings(max_examples=300, deadline=None)
@given(text=damaged_files(), dialect=st.sampled_from([None, *sorted(DIALECTS)]), overwrite=st.booleans())
def test_damaged_files_never_crash_and_only_gain_comments(text: str, dialect: str | None, overwrite: bool) -> None:
    outcome = document_text(text, HeuristicBackend(), dialect=dialect, overwrite=overwrite)
    edits = [e for table in outcome.tables for e in table.edits]
    if not overwrite:
        assert all(e.start == e.end for e in edits)  # nothing of the user's is replaced
    if any("left unchanged" in error for error in outcome.errors):
        assert outcome.new_text == text
    else:
        assert outcome.new_text == apply_edits(text, edits)


def test_mysql_column_comment_goes_before_a_named_check() -> None:
    # MySQL's grammar puts COMMENT before `[CONSTRAINT c] CHECK (…)` and before REFERENCES.
    text = "CREATE TABLE t (a INT CONSTRAINT c CHECK (a > 0), b INT CHECK (b > 0), d INT REFERENCES u (id))"
    (table,) = parse_sql(text, "mysql").tables
    docs = TableDocs(None, {"a": "A", "b": "B", "d": "D"})
    new_text = apply_edits(text, plan_table_edits(table, docs))
    assert new_text == (
        "CREATE TABLE t (a INT COMMENT 'A' CONSTRAINT c CHECK (a > 0), b INT COMMENT 'B' CHECK (b > 0),"
        " d INT COMMENT 'D' REFERENCES u (id))"
    )
    assert verify(new_text, "mysql", [expected_after(0, table, docs)]) == []
