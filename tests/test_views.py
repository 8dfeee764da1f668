"""Views: read from the query's select list (or the names the view gives its columns), documented
with the statements that comment them (COMMENT ON VIEW, SQL Server's extended properties), where
a dialect comments with statements; a view's column that copies a table's column keeps its
comment. The documented files run in real DuckDB here and in a real PostgreSQL server in
tests/test_databases.py."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from in_process import run

from sqlscribe.ddl import Table, apply_edits, parse_sql
from sqlscribe.docs import TableDocs
from sqlscribe.document import document_text, requests_for
from sqlscribe.generate import HeuristicBackend
from sqlscribe.generate.heuristic import heuristic_docs
from sqlscribe.prompt import parse_answer, render_table
from sqlscribe.suggest import Target, plan_target

SHOP = """CREATE TABLE orders (
    id int PRIMARY KEY,
    cust_id int REFERENCES customers (id),
    total numeric(10, 2),
    created_at timestamptz
);
COMMENT ON COLUMN orders.total IS 'Amount charged, tax included, in euros.';
CREATE VIEW recent_orders AS
SELECT o.id, o.cust_id AS customer_id, o.total, "o".created_at "Placed"
FROM orders o WHERE o.created_at > now() - interval '7 days';
CREATE MATERIALIZED VIEW order_totals AS
WITH big AS (SELECT * FROM orders WHERE total > 100)
SELECT cust_id, sum(total) AS total_spent, count(*) n, 1, now() FROM big GROUP BY cust_id;
CREATE OR REPLACE VIEW every_order AS SELECT * FROM orders;
CREATE VIEW named (order_id, doubled) AS SELECT id, total * 2 FROM orders;
"""


def columns(table: Table) -> list[tuple[str, str, str | None, str | None]]:
    """Each column's name, type, expression and the table column it copies."""
    return [
        (c.name, c.data_type, c.expression, c.source and f"{c.source[0].name}.{c.source[1].name}")
        for c in table.columns
    ]


def test_a_views_columns_are_its_select_list() -> None:
    parsed = parse_sql(SHOP, "postgres")
    assert [(t.kind, t.name, t.complete) for t in parsed.tables] == [
        ("table", "orders", True),
        ("view", "recent_orders", True),
        ("materialized view", "order_totals", True),
        ("view", "every_order", True),
        ("view", "named", True),
    ]
    assert parsed.diagnostics == []
    recent, totals, every, named = parsed.tables[1:]
    assert recent.sources == ("orders",)
    # Qualified through the alias; renamed with and without AS; types come from the table.
    assert columns(recent) == [
        ("id", "int", None, "orders.id"),
        ("customer_id", "int", "o.cust_id", "orders.cust_id"),
        ("total", "numeric(10, 2)", None, "orders.total"),
        ("Placed", "timestamptz", '"o".created_at', "orders.created_at"),
    ]
    assert recent.column("Placed") is not None and recent.column("Placed").name_source == '"Placed"'  # type: ignore[union-attr]
    assert recent.column("customer_id").references is not None  # type: ignore[union-attr]
    # Through a WITH query the copied column is not resolved; unnamed expressions are left out.
    assert columns(totals) == [
        ("cust_id", "", None, None),
        ("total_spent", "", "sum(total)", None),
        ("n", "", "count(*)", None),
    ]
    assert [c.name for c in every.columns] == ["id", "cust_id", "total", "created_at"]
    assert columns(named) == [("order_id", "int", "id", "orders.id"), ("doubled", "", "total * 2", None)]


def test_a_view_whose_columns_this_file_cannot_show_is_told_not_an_error() -> None:
    sql = "CREATE VIEW v AS SELECT * FROM elsewhere;\nCREATE VIEW w AS SELECT * FROM (SELECT 1 AS a) s;\n"
    parsed = parse_sql(sql, "postgres")
    assert [t.complete for t in parsed.tables] == [False, False]
    assert [(d.severity, d.line) for d in parsed.diagnostics] == [("info", 1), ("info", 2)]
    assert "view v: its columns come from a *" in parsed.diagnostics[0].message
    outcome = document_text(sql, HeuristicBackend())
    assert outcome.errors == [] and outcome.new_text == sql


@pytest.mark.parametrize(
    ("dialect", "sql", "expected"),
    [
        ("postgres", SHOP, ["COMMENT ON VIEW recent_orders IS", "COMMENT ON MATERIALIZED VIEW order_totals IS"]),
        (
            "oracle",
            "CREATE TABLE t (a NUMBER);\nCREATE OR REPLACE FORCE VIEW v (b) AS SELECT a FROM t;",
            ["COMMENT ON TABLE v IS 'Vs: a view of t.';", "COMMENT ON COLUMN v.b IS 'B of the v.';"],
        ),
        (
            "tsql",
            "CREATE TABLE dbo.t (a INT)\nGO\nCREATE VIEW dbo.v AS SELECT a AS b FROM dbo.t\nGO\n",
            [
                "FROM dbo.t\nGO\nEXEC sys.sp_addextendedproperty",
                "@level1type = N'VIEW', @level1name = N'v';",
                "@level1type = N'VIEW', @level1name = N'v', @level2type = N'COLUMN', @level2name = N'b';",
            ],
        ),
    ],
)
def test_views_are_commented_with_their_own_statements(dialect: str, sql: str, expected: list[str]) -> None:
    outcome = document_text(sql, HeuristicBackend(), dialect=dialect)
    assert outcome.errors == []
    for statement in expected:
        assert statement in outcome.new_text
    again = parse_sql(outcome.new_text, dialect)
    for table in again.tables:
        assert table.comment is not None, table.name
        assert all(c.comment is not None for c in table.columns), table.name
    assert document_text(outcome.new_text, HeuristicBackend(), dialect=dialect).new_text == outcome.new_text


def test_a_copied_column_keeps_its_tables_comment_whatever_the_model_says() -> None:
    parsed = parse_sql(SHOP, "postgres")
    request = dict(requests_for(parsed))[1]
    docs = heuristic_docs(request)
    assert docs.columns["total"] == "Amount charged, tax included, in euros."
    assert docs.columns["id"] == "Unique identifier of the order."  # what it is in orders
    assert docs.description == "Recent orders: a view of orders."
    answer = {"table": "Orders placed in the last week.", "columns": {"total": "Total.", "id": "The order's key."}}
    got, missing = parse_answer(json.dumps(answer), request)
    assert got.columns["total"] == "Amount charged, tax included, in euros."
    assert got.columns["id"] == "The order's key."
    assert missing == ["customer_id", "Placed"]


def test_the_prompt_says_what_a_view_reads() -> None:
    parsed = parse_sql(SHOP, "postgres")
    requests = dict(requests_for(parsed))
    lines = render_table(requests[2]).splitlines()
    assert lines[:2] == ["table: order_totals", "materialized view of: orders"]
    assert "- total_spent, = sum(total)" in lines
    assert "- customer_id int, references customers(id), from orders.cust_id" in render_table(requests[1])


def test_views_are_read_only_where_comments_are_statements() -> None:
    sql = "CREATE TABLE t (a INT);\nCREATE VIEW v AS SELECT a FROM t;\n"
    assert [t.name for t in parse_sql(sql, "mysql").tables] == ["t"]
    assert [t.name for t in parse_sql(sql, "snowflake").tables] == ["t"]
    assert [t.name for t in parse_sql(sql, "duckdb").tables] == ["t", "v"]


def test_existing_view_comments_are_read() -> None:
    sql = SHOP + (
        "COMMENT ON VIEW recent_orders IS 'Last week.';\n"
        "COMMENT ON MATERIALIZED VIEW order_totals IS 'Per customer.';\n"
        "COMMENT ON COLUMN order_totals.n IS 'Orders.';\n"
    )
    parsed = parse_sql(sql, "postgres")
    recent, totals = parsed.tables[1:3]
    assert recent.comment is not None and recent.comment.text == "Last week."
    assert totals.comment is not None and totals.comment.text == "Per customer."
    assert totals.column("n").comment.text == "Orders."  # type: ignore[union-attr]
    request = dict(requests_for(parsed))[2]
    assert not request.want_description and request.columns == ("cust_id", "total_spent")


def test_the_documented_views_read_back_in_duckdb() -> None:
    sql = """CREATE TABLE trips (trip_id INTEGER PRIMARY KEY, fare_amt DECIMAL(8, 2), zone VARCHAR);
COMMENT ON COLUMN trips.fare_amt IS 'Fare in dollars, it''s tips excluded.';
CREATE VIEW dear_trips AS SELECT trip_id, fare_amt, upper(zone) AS zone_code FROM trips WHERE fare_amt > 50;
"""
    outcome = document_text(sql, HeuristicBackend(), dialect="duckdb")
    assert outcome.errors == []
    con = duckdb.connect()
    con.execute(outcome.new_text)
    view = con.execute("SELECT comment FROM duckdb_views() WHERE view_name = 'dear_trips'").fetchone()
    got = dict(
        con.execute("SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'dear_trips'").fetchall()
    )
    assert view == ("Dear trips: a view of trips.",)
    assert got == {
        "trip_id": "Unique identifier of the trip.",
        "fare_amt": "Fare in dollars, it's tips excluded.",
        "zone_code": "Zone code of the dear trip.",
    }


def test_one_column_of_a_view_over_star_is_planned_and_checked_with_the_file() -> None:
    parsed = parse_sql(SHOP, "postgres")
    index = next(i for i, t in enumerate(parsed.tables) if t.name == "every_order")
    docs = TableDocs(None, {"cust_id": "The customer who placed it."})
    edits = plan_target(parsed, index, docs, Target("every_order", "cust_id"))
    after = parse_sql(apply_edits(SHOP, edits), "postgres").tables[index]
    assert after.column("cust_id").comment.text == "The customer who placed it."  # type: ignore[union-attr]
    assert after.comment is None and after.column("id").comment is None  # type: ignore[union-attr]


def test_the_command_line_says_which_views_it_leaves_undocumented(tmp_path: Path) -> None:
    path = tmp_path / "views.sql"
    path.write_text("CREATE VIEW v AS SELECT * FROM elsewhere;\nCREATE TABLE t (a int);\n", encoding="utf-8")
    code, out, err = run("document", str(path), "--backend", "heuristic")
    assert code == 0, err
    assert f"{path}:1:1: view v: its columns come from a * over a table this file does not create" in err
    assert "COMMENT ON TABLE t IS" in out and "COMMENT ON VIEW" not in out
