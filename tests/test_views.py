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
import sqlglot
from in_process import run

from sqlscribe.ddl import Table, apply_edits, parse_sql, plan_table_edits
from sqlscribe.docs import TableDocs
from sqlscribe.document import document_text, requests_for
from sqlscribe.generate import Backend, DocRequest, Generated, HeuristicBackend
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
            ["COMMENT ON TABLE v IS 'V: a view of t.';", "COMMENT ON COLUMN v.b IS 'A of the t.';"],
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


def test_views_are_not_read_where_they_cannot_be_commented() -> None:
    sql = "CREATE TABLE t (a INT);\nCREATE VIEW v AS SELECT a FROM t;\n"
    for dialect in ("mysql", "sqlite", "clickhouse"):
        assert [t.name for t in parse_sql(sql, dialect).tables] == ["t"], dialect
    for dialect in ("duckdb", "snowflake", "databricks", "bigquery"):
        assert [t.name for t in parse_sql(sql, dialect).tables] == ["t", "v"], dialect


@pytest.mark.parametrize(
    ("dialect", "sql", "expected"),
    [
        (
            "snowflake",
            "create or replace TABLE orders (id NUMBER(38,0), total NUMBER(10,2) COMMENT 'Total in cents.');\n"
            "CREATE OR REPLACE SECURE VIEW recent AS SELECT id, total, id * 2 AS dbl FROM orders;\n"
            "create or replace view NAMED(\n\tA,\n\tB COMMENT 'B!'\n) COMMENT='Named.'\n"
            " as select id, total from orders;\n"
            "CREATE VIEW anon AS SELECT id, total + 1 FROM orders;\n",
            [
                "CREATE OR REPLACE SECURE VIEW recent (id COMMENT 'Unique identifier of the order.', total COMMENT"
                " 'Total in cents.', dbl COMMENT 'Dbl of the recent.') COMMENT = 'Recent: a view of orders.' AS",
                "\tA COMMENT 'Unique identifier of the order.',\n\tB COMMENT 'B!'\n) COMMENT='Named.'",
                # An unnamed column: no list can name every column, so the view alone is described.
                "CREATE VIEW anon COMMENT = 'Anon: a view of orders.' AS SELECT id, total + 1 FROM orders;",
            ],
        ),
        (
            "databricks",
            "CREATE TABLE orders (id BIGINT, total DECIMAL(10,2)) USING DELTA;\n"
            "CREATE VIEW recent AS SELECT * FROM orders;\n",
            [
                "CREATE VIEW recent (id COMMENT 'Unique identifier of the order.', total COMMENT 'Total of the order.')"
                " COMMENT 'Recent: a view of orders.' AS SELECT * FROM orders;"
            ],
        ),
        (
            "bigquery",
            "CREATE TABLE `p.d.orders` (id INT64, total NUMERIC);\n"
            "CREATE VIEW `p.d.recent` AS SELECT o.id, o.total AS amount FROM `p.d.orders` o;\n"
            'CREATE VIEW `p.d.named` (a OPTIONS(description="A!"), b) AS SELECT id, total FROM `p.d.orders`;\n',
            [
                "CREATE VIEW `p.d.recent` (id OPTIONS(description='Unique identifier of the order.'), amount"
                " OPTIONS(description='Total of the order.')) OPTIONS(description='Recent: a view of p.d.orders.') AS",
                "(a OPTIONS(description=\"A!\"), b OPTIONS(description='Total of the order.'))"
                " OPTIONS(description='Named: a view of p.d.orders.') AS",
            ],
        ),
    ],
)
def test_views_are_commented_in_their_column_list_where_comments_are_clauses(
    dialect: str, sql: str, expected: list[str]
) -> None:
    outcome = document_text(sql, HeuristicBackend(), dialect=dialect)
    assert outcome.errors == []
    for written in expected:
        assert written in outcome.new_text
    # What was written reads back (sqlglot parses every statement) and a second run adds nothing.
    again = document_text(outcome.new_text, HeuristicBackend(), dialect=dialect)
    assert again.new_text == outcome.new_text and again.errors == []
    for table in again.parsed.tables:
        assert table.complete and table.comment is not None, table.name


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


class Labels(Backend):
    """Each requested column's text names the table it was asked for, so a test sees whose text
    each comment ends up with."""

    model_id = "labels"

    def document(self, request: DocRequest) -> Generated:
        columns = {c: f"{c} as {request.table.name} has it." for c in request.columns}
        return Generated(TableDocs(f"{request.table.name}.", columns), self.model_id)


def test_a_copied_column_says_what_this_run_writes_for_its_table_even_above_it() -> None:
    sql = (
        "CREATE VIEW order_totals AS SELECT o.cust_id, sum(o.total) AS spent FROM orders o GROUP BY o.cust_id;\n"
        "CREATE TABLE orders (id int PRIMARY KEY, cust_id int, total numeric);\n"
    )
    outcome = document_text(sql, Labels(), dialect="postgres")
    assert outcome.errors == []
    view = parse_sql(outcome.new_text, "postgres").tables[0]
    assert {c.name: c.comment.text for c in view.columns if c.comment} == {
        "cust_id": "cust_id as orders has it.",
        "spent": "spent as order_totals has it.",
    }


def test_an_edit_planned_after_the_table_was_documented_takes_its_comment() -> None:
    """The editor documents a file table by table, reading it again in between."""
    table_first = SHOP.replace(
        "created_at timestamptz\n);", "created_at timestamptz\n);\nCOMMENT ON COLUMN orders.id IS 'Order number.';"
    )
    parsed = parse_sql(table_first, "postgres")
    view = parsed.tables[1]
    edits = plan_table_edits(view, TableDocs(None, {"id": "Key.", "customer_id": "Buyer."}))
    after = parse_sql(apply_edits(table_first, edits), "postgres").tables[1]
    assert after.column("id").comment.text == "Order number."  # type: ignore[union-attr]
    assert after.column("customer_id").comment.text == "Buyer."  # type: ignore[union-attr]


def test_a_table_made_from_a_query_is_documented_as_a_table() -> None:
    sql = (
        "CREATE TABLE orders (id int PRIMARY KEY, total numeric);\n"
        "COMMENT ON COLUMN orders.total IS 'Total in cents.';\n"
        "CREATE TABLE big_orders AS SELECT o.id, o.total, o.total * 2 AS doubled FROM orders o;\n"
        "CREATE TABLE pairs (a, b) AS SELECT id, total FROM orders;\n"
        "CREATE TABLE copy AS SELECT * FROM orders;\n"
    )
    parsed = parse_sql(sql, "postgres")
    assert [(t.name, t.kind, t.derived) for t in parsed.tables] == [
        ("orders", "table", False),
        ("big_orders", "table", True),
        ("pairs", "table", True),
        ("copy", "table", True),
    ]
    assert columns(parsed.tables[1]) == [
        ("id", "int", None, "orders.id"),
        ("total", "numeric", None, "orders.total"),
        ("doubled", "", "o.total * 2", None),
    ]
    assert render_table(dict(requests_for(parsed))[1]).splitlines()[1] == "created from: orders"
    outcome = document_text(sql, HeuristicBackend(), dialect="postgres")
    assert outcome.errors == []
    assert "COMMENT ON TABLE big_orders IS 'Big orders, one row per big order.';" in outcome.new_text
    assert "COMMENT ON COLUMN pairs.b IS 'Total in cents.';" in outcome.new_text
    con = duckdb.connect()  # DuckDB runs the documented script: a table made so takes COMMENT ON
    con.execute(outcome.new_text)
    got = dict(con.execute("SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'copy'").fetchall())
    assert got == {"id": "Unique identifier of the order.", "total": "Total in cents."}


def test_an_aggregate_column_is_described_from_its_expression() -> None:
    sql = (
        "CREATE TABLE orders (id int, cust_id int, total numeric, created_at timestamptz, wt_kg float);\n"
        "CREATE VIEW per_customer AS SELECT cust_id, count(*) AS n, count(DISTINCT o.id) AS orders_seen,"
        " sum(total) AS spent, avg(o.wt_kg) AS avg_wt, max(created_at) AS last_order, sum(total * 2) AS dbl"
        " FROM orders o GROUP BY cust_id;\n"
    )
    parsed = parse_sql(sql, "postgres")
    docs = heuristic_docs(dict(requests_for(parsed))[1])
    assert docs.columns == {
        "cust_id": "Identifier of the customer.",
        "n": "Number of orders in the group.",
        "orders_seen": "Number of distinct IDs.",
        "spent": "Sum of the total.",
        "avg_wt": "Average weight, in kilograms.",
        "last_order": "Time the latest order was created.",
        "dbl": "Dbl of the per customer.",  # not one column's aggregate: from its name, as any column
    }


def test_a_views_comments_are_no_house_style_for_the_tables_it_reads() -> None:
    """A view's column often holds a changed value (upper(code)): shown to the model as the house
    style for the table's own column, its comment was copied there."""
    sql = (
        "CREATE TABLE shipments (id int, carrier_cd varchar(8), note text COMMENT 'Free text.');\n"
        "CREATE VIEW heavy (id, carrier_cd COMMENT 'Carrier code, upper case.') AS\n"
        "SELECT id, upper(carrier_cd) FROM shipments;\n"
    )
    parsed = parse_sql(sql, "snowflake")
    table, view = (r for _, r in requests_for(parsed))
    assert table.context.style_examples == (("note", "Free text."),)
    assert ("carrier_cd", "Carrier code, upper case.") in view.context.style_examples


def test_one_column_of_a_view_without_a_column_list_gets_the_list_with_its_comment_alone() -> None:
    """The editor's column action on a Snowflake view with no list: the list is written whole, only
    the one column commented (it failed with a KeyError for the others)."""
    sql = "CREATE TABLE orders (id NUMBER, total NUMBER);\nCREATE VIEW recent AS SELECT id, total FROM orders;\n"
    parsed = parse_sql(sql, "snowflake")
    edits = plan_target(parsed, 1, TableDocs(None, {"total": "Total in cents."}), Target("recent", "total"))
    assert apply_edits(sql, edits).splitlines()[1] == (
        "CREATE VIEW recent (id, total COMMENT 'Total in cents.') AS SELECT id, total FROM orders;"
    )


def test_overwriting_gives_a_views_copied_column_the_new_text_of_its_table_column() -> None:
    sql = """CREATE TABLE orders (id int PRIMARY KEY, total numeric(10, 2));
COMMENT ON COLUMN orders.total IS 'Old text.';
CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;
"""
    outcome = document_text(sql, HeuristicBackend(), dialect="postgres", overwrite=True)
    assert outcome.errors == []
    after = parse_sql(outcome.new_text, "postgres")
    table, view = after.tables
    total = table.column("total")
    assert total is not None and total.comment is not None and total.comment.text != "Old text."
    copied = view.column("total")
    assert copied is not None and copied.comment is not None and copied.comment.text == total.comment.text


def test_snowflakes_table_made_from_a_query_is_commented_with_statements_after_it() -> None:
    """Its columns have no definitions to hold a COMMENT clause; Snowflake's COMMENT ON does."""
    sql = (
        "CREATE OR REPLACE TABLE orders (id NUMBER(38,0), total NUMBER(10,2) COMMENT 'Total in cents.');\n"
        "CREATE OR REPLACE TRANSIENT TABLE analytics.big_orders CLUSTER BY (id) COPY GRANTS AS\n"
        "SELECT id, total, total * 2 AS doubled FROM orders;\n"
        "CREATE TABLE pairs COMMENT = 'Pairs kept by hand.' AS SELECT id, total FROM orders;\n"
    )
    parsed = parse_sql(sql, "snowflake")
    assert [(t.name, t.derived, t.comment_on) for t in parsed.tables] == [
        ("orders", False, False),
        ("analytics.big_orders", True, True),
        ("pairs", True, True),
    ]
    assert parsed.tables[2].comment is not None and parsed.tables[2].comment.text == "Pairs kept by hand."
    outcome = document_text(sql, HeuristicBackend(), dialect="snowflake")
    assert outcome.errors == []
    lines = outcome.new_text.splitlines()
    assert lines[0].startswith("CREATE OR REPLACE TABLE orders (id NUMBER(38,0) COMMENT '")  # clauses, as ever
    assert [line.split(" IS ")[0] for line in lines[3:7]] == [
        "COMMENT ON TABLE analytics.big_orders",
        "COMMENT ON COLUMN analytics.big_orders.id",
        "COMMENT ON COLUMN analytics.big_orders.total",
        "COMMENT ON COLUMN analytics.big_orders.doubled",
    ]
    assert lines[5] == "COMMENT ON COLUMN analytics.big_orders.total IS 'Total in cents.';"  # copied
    assert lines[7] == "CREATE TABLE pairs COMMENT = 'Pairs kept by hand.' AS SELECT id, total FROM orders;"
    assert [line.split(" IS ")[0] for line in lines[8:]] == [
        "COMMENT ON COLUMN pairs.id",
        "COMMENT ON COLUMN pairs.total",
    ]
    again = parse_sql(outcome.new_text, "snowflake")
    assert all(c.comment is not None for t in again.tables for c in t.columns)
    assert all(t.comment is not None for t in again.tables[1:])
    assert document_text(outcome.new_text, HeuristicBackend(), dialect="snowflake").new_text == outcome.new_text
    for statement in outcome.new_text.split(";\n")[1:-1]:  # each one Snowflake SQL that sqlglot reads
        assert sqlglot.parse_one(statement, read="snowflake") is not None
    # The editor's one-column action: its statement, right after the table's.
    edits = plan_target(parsed, 2, TableDocs(None, {"id": "Order number."}), Target("pairs", "id"))
    assert apply_edits(sql, edits).endswith("FROM orders;\nCOMMENT ON COLUMN pairs.id IS 'Order number.';\n")


@pytest.mark.parametrize(
    ("dialect", "table", "column"),
    [
        (
            "bigquery",
            "ALTER TABLE daily SET OPTIONS (description = ",
            "ALTER TABLE daily ALTER COLUMN store_id SET OPTIONS",
        ),
        ("databricks", "COMMENT ON TABLE daily IS ", "ALTER TABLE daily ALTER COLUMN store_id COMMENT "),
        ("spark", "COMMENT ON TABLE daily IS ", "ALTER TABLE daily ALTER COLUMN store_id COMMENT "),
        ("clickhouse", "ALTER TABLE daily MODIFY COMMENT ", "ALTER TABLE daily COMMENT COLUMN store_id "),
    ],
)
def test_a_table_made_from_a_query_where_comments_are_clauses_gets_its_dialects_statements(
    dialect: str, table: str, column: str
) -> None:
    sql = "CREATE TABLE daily AS SELECT store_id, SUM(amount) AS total FROM sales GROUP BY store_id;\n"
    if dialect == "clickhouse":
        sql = sql.replace("daily AS", "daily ENGINE = MergeTree ORDER BY store_id AS")
    outcome = document_text(sql, HeuristicBackend(), dialect=dialect)
    assert outcome.errors == [] and outcome.parsed.diagnostics == []
    added = outcome.new_text[len(sql) :].splitlines()
    assert len(added) == 3 and added[0].startswith(table) and added[1].startswith(column)
    for statement in added:  # each one SQL of the dialect that sqlglot reads
        assert sqlglot.parse_one(statement, read=dialect) is not None
    again = parse_sql(outcome.new_text, dialect)
    (daily,) = again.tables
    assert daily.comment is not None and all(c.comment is not None for c in daily.columns)
    assert document_text(outcome.new_text, HeuristicBackend(), dialect=dialect).new_text == outcome.new_text
    # Each reads back as the comment it sets, and is replaced in place.
    redone = document_text(outcome.new_text, Labels(), dialect=dialect, overwrite=True).new_text
    assert redone.count("\n") == outcome.new_text.count("\n") and "store_id as daily has it." in redone


def test_an_alter_table_that_sets_a_comment_is_read_as_that_comment_after_any_create() -> None:
    sql = (
        "CREATE TABLE t (a INT, b STRING);\n"
        "ALTER TABLE t ALTER COLUMN a COMMENT 'Set later.';\n"
        "ALTER TABLE t ALTER COLUMN b SET NOT NULL;\n"
    )
    (table,) = parse_sql(sql, "databricks").tables
    assert [(c.name, c.comment.text if c.comment else None) for c in table.columns] == [
        ("a", "Set later."),
        ("b", None),
    ]
    (table,) = parse_sql(
        "CREATE TABLE t (a INT64);\nALTER TABLE t SET OPTIONS (description = 'Kept.');\n", "bigquery"
    ).tables
    assert table.comment is not None and table.comment.text == "Kept."


def test_a_mysql_alter_that_describes_a_table_created_above_counts_as_its_description(tmp_path: Path) -> None:
    path = tmp_path / "orders.sql"
    path.write_text(
        "CREATE TABLE orders (id INT PRIMARY KEY COMMENT 'Order number');\n"
        "ALTER TABLE orders COMMENT = 'Web shop orders';\n",
        encoding="utf-8",
    )
    code, out, err = run("document", str(path), "--dialect", "mysql", "--check")
    assert code == 0, out + err
    path.write_text(path.read_text(encoding="utf-8").replace("COMMENT = 'Web shop orders'", "ENGINE = InnoDB"))
    code, out, err = run("document", str(path), "--dialect", "mysql", "--check")
    assert code == 1 and "table orders: no description" in out + err


@pytest.mark.parametrize("dialect", ["mysql", "hive", "sqlite"])
def test_a_table_made_from_a_query_where_comments_are_clauses_is_told_not_documented(
    dialect: str, tmp_path: Path
) -> None:
    sql = "CREATE TABLE daily AS SELECT store_id, SUM(amount) AS total FROM sales GROUP BY store_id;\n"
    parsed = parse_sql(sql, dialect)
    assert parsed.tables == []
    [note] = parsed.diagnostics
    assert note.severity == "info" and note.message.startswith("table daily: its columns come from a query")
    path = tmp_path / "daily.sql"
    path.write_text(sql, encoding="utf-8")
    code, out, err = run("document", str(path), "--dialect", dialect, "--backend", "heuristic")
    assert code == 0 and out == "", err
    assert f"{path}:1:1: table daily: its columns come from a query" in err and "(not documented)" in err


GROUPED = """CREATE TABLE flights (flight_id bigint PRIMARY KEY, carrier_cd char(2), dep_time timestamp, delay_min int);
CREATE VIEW carrier_daily AS SELECT carrier_cd, CAST(dep_time AS DATE) AS flight_day, count(*) AS flights,
  avg(delay_min) AS avg_delay FROM flights GROUP BY carrier_cd, CAST(dep_time AS DATE);
"""


@pytest.mark.parametrize(
    ("query", "grain"),
    [
        (
            "SELECT carrier_cd, CAST(dep_time AS DATE) AS d, count(*) AS n FROM flights GROUP BY 1, 2",
            ("carrier_cd", "d"),
        ),
        (
            "SELECT f.carrier_cd, date_trunc('day', dep_time) AS d, count(*) AS n FROM flights f"
            " GROUP BY f.carrier_cd, d",
            ("carrier_cd", "d"),
        ),
        ("SELECT carrier_cd, count(*) AS n FROM flights GROUP BY carrier_cd, dep_time", ()),  # not selected
        ("SELECT carrier_cd, count(*) AS n FROM flights GROUP BY ROLLUP (carrier_cd)", ()),
        ("SELECT carrier_cd FROM flights UNION SELECT carrier_cd FROM flights GROUP BY carrier_cd", ()),
        ("SELECT *, 1 AS one FROM flights", ()),
        (
            "WITH f AS (SELECT * FROM flights) SELECT carrier_cd, count(*) AS n FROM f GROUP BY carrier_cd",
            ("carrier_cd",),
        ),
    ],
)
def test_a_grouped_querys_grain_is_read_as_its_own_columns(query: str, grain: tuple[str, ...]) -> None:
    sql = "CREATE TABLE flights (flight_id bigint PRIMARY KEY, carrier_cd char(2), dep_time timestamp);\n"
    view = parse_sql(f"{sql}CREATE VIEW v AS {query};\n", "postgres").tables[1]
    assert view.grain == grain
    named = parse_sql(
        f"{sql}CREATE VIEW v (c, n) AS SELECT carrier_cd, count(*) FROM flights GROUP BY 1;\n", "postgres"
    )
    assert named.tables[1].grain == ("c",)  # the names the view gives


def test_a_grouped_querys_rows_are_one_per_what_it_groups_by_whatever_the_model_says() -> None:
    parsed = parse_sql(GROUPED, "postgres")
    request = dict(requests_for(parsed))[1]
    assert "one row per: carrier_cd, flight_day" in render_table(request).splitlines()[2]
    assert heuristic_docs(request).description == (
        "Carrier daily: a view of flights, one row per carrier code and flight day."
    )
    answer = {
        "table": "Daily flight statistics, one row per carrier, with delays.",
        "columns": {"carrier_cd": "Code that uniquely identifies each row.", "flight_day": "Day of the flights."},
    }
    got, missing = parse_answer(json.dumps(answer), request)
    assert got.description == "Daily flight statistics, one row per carrier code and flight day, with delays."
    assert missing == ["carrier_cd", "flights", "avg_delay"]  # a part of the grain is no row's key
    sales = "CREATE TABLE daily_sales AS SELECT store_id, sale_date, sum(amount) AS total FROM sales GROUP BY 1, 2;"
    table = heuristic_docs(dict(requests_for(parse_sql(sales, "postgres")))[0]).description
    assert table == "Daily sales, one row per store and sale date."
