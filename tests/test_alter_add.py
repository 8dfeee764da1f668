"""Migrations: an ``ALTER TABLE … ADD [COLUMN]`` adds columns that need comments as much as those of
a CREATE. Each such statement is read as a record of its own (``Table.from_alter``), commented
where the columns are added: COMMENT ON after it, or a clause inside its column definition; the
table's description stays with its CREATE. DuckDB runs the documented migrations here; a real
PostgreSQL server, MariaDB and ClickHouse do in their own test modules."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from in_process import run

from sqlscribe.cli import FileEncoding, write_atomically
from sqlscribe.ddl import apply_edits, parse_sql, plan_table_edits
from sqlscribe.ddl.dialects import DEFAULT_REASON
from sqlscribe.ddl.model import DROPPED
from sqlscribe.docs import TableDocs
from sqlscribe.document import document_text, plan_file, requests_for
from sqlscribe.generate import HeuristicBackend
from sqlscribe.migrations import MAX_EARLIER_BYTES, detect_beside, earlier_tables, later_comments, steady_files
from sqlscribe.prompt import render_table
from sqlscribe.suggest import Target, find_column, plan_target

MIGRATION = """CREATE TABLE orders (
    order_id bigint PRIMARY KEY,
    placed_at timestamp NOT NULL
);
COMMENT ON TABLE orders IS 'A customer order.';
COMMENT ON COLUMN orders.order_id IS 'Order number.';

ALTER TABLE orders ADD COLUMN discount_pct numeric(5, 2) DEFAULT 0;
ALTER TABLE IF EXISTS ONLY orders
    ADD COLUMN IF NOT EXISTS coupon_cd varchar(16),
    ADD CONSTRAINT coupon_known CHECK (coupon_cd <> ''),
    DROP COLUMN legacy_flag,
    ADD COLUMN cancelled_at timestamp;
COMMENT ON COLUMN orders.coupon_cd IS 'Code of the coupon redeemed.';
COMMENT ON COLUMN orders.placed_at IS 'When the order was placed.';
ALTER TABLE orders ADD CONSTRAINT orders_uk UNIQUE (coupon_cd);
"""


def test_each_alter_that_from_alter_is_read_with_its_columns_and_their_comments() -> None:
    parsed = parse_sql(MIGRATION, "postgres")
    assert parsed.diagnostics == []
    create, first, second = parsed.tables
    assert not create.from_alter and [c.name for c in create.columns] == ["order_id", "placed_at"]
    assert first.from_alter and first.name == "orders" and first.base is create
    assert [(c.name, c.data_type, c.default) for c in first.columns] == [("discount_pct", "numeric(5, 2)", "0")]
    assert [c.name for c in second.columns] == ["coupon_cd", "cancelled_at"]  # not the constraint nor the drop
    # A COMMENT ON a column goes to the statement that defines it, wherever it stands.
    assert second.column("coupon_cd").comment.text == "Code of the coupon redeemed."  # type: ignore[union-attr]
    assert create.column("placed_at").comment.text == "When the order was placed."  # type: ignore[union-attr]
    assert create.comment is not None and first.comment is None and second.comment is None
    # The ALTER's own table-level key (a UNIQUE) still joins the CREATE's keys; it adds no record.
    assert create.unique_keys == [("coupon_cd",)]


def test_an_alter_asks_for_its_columns_never_the_tables_description() -> None:
    parsed = parse_sql(MIGRATION, "postgres")
    requests = dict(requests_for(parsed))
    assert not requests[0].want_description and requests[0].columns == ()  # the CREATE is documented
    assert (requests[1].want_description, requests[1].columns) == (False, ("discount_pct",))
    assert (requests[2].want_description, requests[2].columns) == (False, ("cancelled_at",))


def test_the_prompt_shows_the_table_whole_with_what_its_create_says() -> None:
    parsed = parse_sql(MIGRATION, "postgres")
    text = render_table(dict(requests_for(parsed))[2])
    assert "- order_id bigint, primary key -- Order number." in text
    assert "- placed_at timestamp, not null -- When the order was placed." in text
    assert "- coupon_cd varchar(16) -- Code of the coupon redeemed." in text
    assert "- cancelled_at timestamp\n" in text
    assert "table comment: A customer order." in text
    assert text.endswith("document: cancelled_at")


def test_comments_follow_each_alter_and_a_second_run_changes_nothing() -> None:
    outcome = document_text(MIGRATION, HeuristicBackend(), dialect="postgres")
    assert outcome.errors == []
    added = outcome.new_text.splitlines()
    at = added.index("ALTER TABLE orders ADD COLUMN discount_pct numeric(5, 2) DEFAULT 0;")
    assert added[at + 1].startswith("COMMENT ON COLUMN orders.discount_pct IS ")
    at = added.index("    ADD COLUMN cancelled_at timestamp;")
    assert added[at + 1].startswith("COMMENT ON COLUMN orders.cancelled_at IS ")
    assert outcome.new_text.count("COMMENT ON TABLE") == 1  # the author's, on the CREATE
    assert "orders.coupon_cd IS 'Code" in outcome.new_text and outcome.new_text.count("orders.coupon_cd IS") == 1
    again = document_text(outcome.new_text, HeuristicBackend(), dialect="postgres")
    assert again.errors == [] and again.new_text == outcome.new_text


@pytest.mark.parametrize(
    ("dialect", "sql", "added"),
    [
        # MySQL: FIRST / AFTER come after the definition, and the comment before them.
        (
            "mysql",
            "ALTER TABLE orders ADD COLUMN discount_pct decimal(5,2) NOT NULL DEFAULT 0 AFTER id,"
            " ADD coupon_cd varchar(16) FIRST, ADD INDEX ix_coupon (coupon_cd), ALGORITHM=INPLACE;",
            "ALTER TABLE orders ADD COLUMN discount_pct decimal(5,2) NOT NULL DEFAULT 0 COMMENT '<discount_pct>'"
            " AFTER id, ADD coupon_cd varchar(16) COMMENT '<coupon_cd>' FIRST, ADD INDEX ix_coupon (coupon_cd),"
            " ALGORITHM=INPLACE;",
        ),
        # SQL Server: one ADD, several columns (and a constraint) after it; extended properties follow.
        (
            "tsql",
            "ALTER TABLE dbo.Orders ADD DiscountPct decimal(5,2) NULL,"
            " CouponCd nvarchar(16) NOT NULL CONSTRAINT DF_C DEFAULT N'', CONSTRAINT CK_D CHECK (DiscountPct >= 0);",
            "ALTER TABLE dbo.Orders ADD DiscountPct decimal(5,2) NULL,"
            " CouponCd nvarchar(16) NOT NULL CONSTRAINT DF_C DEFAULT N'', CONSTRAINT CK_D CHECK (DiscountPct >= 0);"
            "\nEXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'<DiscountPct>',"
            " @level0type = N'SCHEMA', @level0name = N'dbo', @level1type = N'TABLE', @level1name = N'Orders',"
            " @level2type = N'COLUMN', @level2name = N'DiscountPct';"
            "\nEXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'<CouponCd>',"
            " @level0type = N'SCHEMA', @level0name = N'dbo', @level1type = N'TABLE', @level1name = N'Orders',"
            " @level2type = N'COLUMN', @level2name = N'CouponCd';",
        ),
        # Oracle: a parenthesised list of definitions.
        (
            "oracle",
            "ALTER TABLE orders ADD (discount_pct NUMBER(5,2), coupon_cd VARCHAR2(16) DEFAULT 'x' NOT NULL);",
            "ALTER TABLE orders ADD (discount_pct NUMBER(5,2), coupon_cd VARCHAR2(16) DEFAULT 'x' NOT NULL);"
            "\nCOMMENT ON COLUMN orders.discount_pct IS '<discount_pct>';"
            "\nCOMMENT ON COLUMN orders.coupon_cd IS '<coupon_cd>';",
        ),
        # Snowflake: ADD COLUMN a …, b …; one of them already commented.
        (
            "snowflake",
            "ALTER TABLE orders ADD COLUMN discount_pct NUMBER(5,2), coupon_cd VARCHAR COMMENT 'Coupon';",
            "ALTER TABLE orders ADD COLUMN discount_pct NUMBER(5,2) COMMENT '<discount_pct>',"
            " coupon_cd VARCHAR COMMENT 'Coupon';",
        ),
        (
            "bigquery",
            "ALTER TABLE shop.orders ADD COLUMN discount_pct NUMERIC, ADD COLUMN IF NOT EXISTS coupon_cd STRING;",
            "ALTER TABLE shop.orders ADD COLUMN discount_pct NUMERIC OPTIONS(description='<discount_pct>'),"
            " ADD COLUMN IF NOT EXISTS coupon_cd STRING OPTIONS(description='<coupon_cd>');",
        ),
        (
            "databricks",
            "ALTER TABLE orders ADD COLUMNS (discount_pct DECIMAL(5,2), coupon_cd STRING);",
            "ALTER TABLE orders ADD COLUMNS (discount_pct DECIMAL(5,2) COMMENT '<discount_pct>',"
            " coupon_cd STRING COMMENT '<coupon_cd>');",
        ),
        # ClickHouse: the comment before CODEC and AFTER.
        (
            "clickhouse",
            "ALTER TABLE shop.orders ON CLUSTER main ADD COLUMN IF NOT EXISTS discount_pct Decimal(5,2) DEFAULT 0"
            " CODEC(ZSTD(1)) AFTER id, ADD COLUMN coupon_cd LowCardinality(String);",
            "ALTER TABLE shop.orders ON CLUSTER main ADD COLUMN IF NOT EXISTS discount_pct Decimal(5,2) DEFAULT 0"
            " COMMENT '<discount_pct>' CODEC(ZSTD(1)) AFTER id,"
            " ADD COLUMN coupon_cd LowCardinality(String) COMMENT '<coupon_cd>';",
        ),
    ],
)
def test_added_columns_are_commented_in_each_dialects_place(dialect: str, sql: str, added: str) -> None:
    parsed = parse_sql(sql, dialect)
    assert parsed.diagnostics == [] and len(parsed.tables) == 1
    table = parsed.tables[0]
    docs = TableDocs("Never written.", {c.name: f"<{c.name}>" for c in table.columns})
    new_text = apply_edits(sql, plan_table_edits(table, docs))
    assert new_text == added
    again = parse_sql(new_text, dialect).tables[0]
    assert {c.name: c.comment.text for c in again.columns if c.comment} == {
        c.name: c.comment.text if c.comment else f"<{c.name}>" for c in table.columns
    }


@pytest.mark.parametrize(
    ("dialect", "sql"),
    [
        ("postgres", "ALTER TABLE orders ADD CONSTRAINT pk PRIMARY KEY (id);"),
        ("postgres", "ALTER TABLE orders ADD PRIMARY KEY (id), ADD FOREIGN KEY (c) REFERENCES c (id);"),
        ("postgres", "ALTER TABLE orders RENAME COLUMN a TO b;"),
        ("postgres", "ALTER TABLE orders ALTER COLUMN a SET DEFAULT 0;"),
        ("mysql", "ALTER TABLE orders ADD INDEX ix (a), ADD UNIQUE KEY uk (b), ADD FULLTEXT (c);"),
        ("tsql", "ALTER TABLE dbo.Orders ADD DEFAULT 0 FOR Total;"),
        ("databricks", "ALTER TABLE orders ADD PARTITION (dt = '2024-01-01');"),
        ("sqlite", "ALTER TABLE orders ADD COLUMN discount_pct REAL;"),  # its comments live in the CREATE's text
    ],
)
def test_alters_that_add_no_column_are_no_records(dialect: str, sql: str) -> None:
    parsed = parse_sql(sql, dialect)
    assert parsed.tables == []


def test_one_added_column_is_planned_from_the_editor_and_checked() -> None:
    parsed = parse_sql(MIGRATION, "postgres")
    index, table, col = find_column(parsed, "orders", "cancelled_at")  # type: ignore[misc]
    assert table.from_alter and col.name == "cancelled_at"
    edits = plan_target(
        parsed, index, TableDocs(None, {"cancelled_at": "When it was called off."}), Target("orders", "cancelled_at")
    )
    after = parse_sql(apply_edits(MIGRATION, edits), "postgres")
    assert find_column(after, "orders", "cancelled_at")[2].comment.text == "When it was called off."  # type: ignore[index,union-attr]


def test_migrations_documented_run_in_duckdb_and_read_back(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "V1__orders.sql").write_text(MIGRATION.split("\nALTER")[0] + "\n", encoding="utf-8")
    (folder / "V2__discounts.sql").write_text(
        "ALTER TABLE orders ADD COLUMN discount_pct DECIMAL(5, 2) DEFAULT 0;\n"
        "ALTER TABLE orders ADD COLUMN coupon_cd VARCHAR;\n"
        "COMMENT ON COLUMN orders.coupon_cd IS 'Code of the coupon redeemed.';\n",
        encoding="utf-8",
    )
    code, out, err = run("document", str(folder), "--dialect", "duckdb", "--backend", "heuristic", "--check")
    assert code == 1
    assert (
        f"{folder / 'V2__discounts.sql'}:1:1: ALTER TABLE orders: 1 of 1 column without a comment: discount_pct" in out
    )
    assert "2 of the 3 statements (1 table and 2 ALTER TABLEs) lack comments" in err
    code, _, err = run("document", str(folder), "--dialect", "duckdb", "--backend", "heuristic", "--write")
    assert code == 0, err
    con = duckdb.connect()
    for name in ("V1__orders.sql", "V2__discounts.sql"):
        con.execute((folder / name).read_text(encoding="utf-8"))
    got = dict(con.execute("SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'orders'").fetchall())
    assert got == {
        "order_id": "Order number.",
        "placed_at": "Timestamp when the order was placed.",
        "discount_pct": "Discount of the order as a percentage.",
        "coupon_cd": "Code of the coupon redeemed.",
    }
    assert con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'orders'").fetchone() == (
        "A customer order.",
    )
    code, _, err = run("document", str(folder), "--dialect", "duckdb", "--backend", "heuristic", "--check")
    assert code == 0 and "1 table and 2 ALTER TABLEs checked, every table and column documented" in err


def test_a_view_over_star_has_the_columns_alters_above_it_add_and_says_what_they_say() -> None:
    sql = """CREATE TABLE orders (order_id INTEGER PRIMARY KEY, placed_at TIMESTAMP);
ALTER TABLE orders ADD COLUMN coupon_cd VARCHAR;
CREATE VIEW every_order AS SELECT * FROM orders;
CREATE VIEW coupons AS SELECT o.coupon_cd FROM orders o;
ALTER TABLE orders ADD COLUMN later_col INTEGER;
"""
    parsed = parse_sql(sql, "duckdb")
    view = parsed.tables[2]
    assert [c.name for c in view.columns] == ["order_id", "placed_at", "coupon_cd"]  # not the one added below it
    assert view.columns[2].source is not None and view.columns[2].source[0] is parsed.tables[1]
    outcome = document_text(sql, HeuristicBackend(), dialect="duckdb")
    assert outcome.errors == []
    con = duckdb.connect()
    con.execute(outcome.new_text)
    got = con.execute(
        "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE column_name = 'coupon_cd'"
    ).fetchall()
    texts = {table: text for table, _, text in got}
    assert set(texts) == {"orders", "every_order", "coupons"} and len(set(texts.values())) == 1, texts
    assert texts["orders"] == "Coupon code of the order."


def test_json_marks_an_alters_record_and_a_dbt_sources_file_lists_the_table_once(tmp_path: Path) -> None:
    path = tmp_path / "shop.sql"
    path.write_text(MIGRATION.replace("orders", "shop.orders"), encoding="utf-8")
    code, out, err = run("document", str(path), "--backend", "heuristic", "--format", "json", "-q")
    assert code == 0, err
    records = json.loads(out)
    assert [(r["table"], r.get("alter", False)) for r in records] == [
        ("shop.orders", False),
        ("shop.orders", True),
        ("shop.orders", True),
    ]
    assert records[2]["description"] is None and list(records[2]["columns"]) == ["coupon_cd", "cancelled_at"]
    code, out, err = run("document", str(path), "--backend", "heuristic", "--format", "dbt", "-q")
    assert code == 0, err
    assert out.count('- name: "orders"') == 1
    assert '        description: "A customer order."' in out
    columns = [line.split('"')[1] for line in out.splitlines() if line.startswith("          - name: ")]
    assert columns == ["order_id", "placed_at", "discount_pct", "coupon_cd", "cancelled_at"]
    assert '            description: "Code of the coupon redeemed."' in out


def test_mysqls_modify_and_change_restate_what_the_column_said_which_mysql_would_drop() -> None:
    sql = """CREATE TABLE orders (
  id INT PRIMARY KEY,
  status VARCHAR(16) NOT NULL COMMENT 'Lifecycle state: new, paid, shipped',
  note TEXT COMMENT 'Free text from the buyer'
) COMMENT='Orders';
ALTER TABLE orders MODIFY COLUMN status VARCHAR(32) NOT NULL, CHANGE note buyer_note TEXT NULL AFTER id;
ALTER TABLE orders MODIFY status VARCHAR(64) NOT NULL DEFAULT 'new';
ALTER TABLE orders MODIFY COLUMN id BIGINT COMMENT 'Order number';
"""
    parsed = parse_sql(sql, "mysql")
    assert [[c.name for c in t.columns] for t in parsed.tables[1:]] == [["status", "buyer_note"], ["status"], ["id"]]
    assert parsed.tables[2].columns[0].source_comment == "Lifecycle state: new, paid, shipped"  # through the first
    # The prompt shows the table as it is now: the renamed column once, under its new name.
    prompt = render_table(dict(requests_for(parsed))[1])
    assert "- note " not in prompt
    assert prompt.splitlines()[2:5] == [
        "- id INT, primary key",
        "- status VARCHAR(32), not null",
        "- buyer_note TEXT",
    ]
    outcome = document_text(sql, HeuristicBackend(), dialect="mysql")
    assert outcome.errors == []
    lines = outcome.new_text.splitlines()
    assert lines[5] == (
        "ALTER TABLE orders MODIFY COLUMN status VARCHAR(32) NOT NULL COMMENT 'Lifecycle state: new, paid, shipped',"
        " CHANGE note buyer_note TEXT NULL COMMENT 'Free text from the buyer' AFTER id;"
    )
    assert lines[6].endswith("DEFAULT 'new' COMMENT 'Lifecycle state: new, paid, shipped';")
    assert lines[7] == "ALTER TABLE orders MODIFY COLUMN id BIGINT COMMENT 'Order number';"  # its own, kept
    # Elsewhere MODIFY is no column definition (Oracle's keeps the comment).
    assert parse_sql("ALTER TABLE orders MODIFY (status VARCHAR2(32));", "oracle").tables == []


def test_overwriting_gives_a_modify_that_states_a_comment_the_new_text_not_the_earlier_one(tmp_path: Path) -> None:
    sql = """CREATE TABLE orders (
  id INT PRIMARY KEY COMMENT 'Order id',
  status VARCHAR(16) COMMENT 'State'
);
ALTER TABLE orders MODIFY status VARCHAR(32) COMMENT 'Lifecycle state since v3';
ALTER TABLE orders MODIFY status VARCHAR(64);
"""
    parsed = parse_sql(sql, "mysql")
    first, second = parsed.tables[1].columns[0], parsed.tables[2].columns[0]
    assert first.source_comment is None  # its own text is the latest
    assert second.source_comment == "Lifecycle state since v3"
    kept = document_text(sql, HeuristicBackend(), dialect="mysql").new_text.splitlines()
    assert kept[4] == "ALTER TABLE orders MODIFY status VARCHAR(32) COMMENT 'Lifecycle state since v3';"
    assert kept[5] == "ALTER TABLE orders MODIFY status VARCHAR(64) COMMENT 'Lifecycle state since v3';"
    # --overwrite-existing: the CREATE's column gets a new text, and each MODIFY says that one.
    outcome = document_text(sql, HeuristicBackend(), dialect="mysql", overwrite=True)
    assert outcome.errors == []
    lines = outcome.new_text.splitlines()
    new = lines[2].split("COMMENT '")[1].rstrip("'")
    assert new not in ("State", "Lifecycle state since v3")
    assert lines[4] == f"ALTER TABLE orders MODIFY status VARCHAR(32) COMMENT '{new}';"
    assert lines[5] == f"ALTER TABLE orders MODIFY status VARCHAR(64) COMMENT '{new}';"
    # A migration alone, its CREATE in an earlier file this run leaves as it is: a new text too.
    (tmp_path / "V1__orders.sql").write_text(sql.split(";")[0] + ";\n", encoding="utf-8")
    (tmp_path / "V2__status.sql").write_text(sql.split(";")[1].strip() + ";\n", encoding="utf-8")
    code, out, err = run(
        "document",
        str(tmp_path / "V2__status.sql"),
        "--dialect",
        "mysql",
        "--backend",
        "heuristic",
        "--overwrite-existing",
        "--format",
        "json",
    )
    assert code == 0, err
    assert json.loads(out)[0]["columns"] == {"status": new}


def test_a_migrations_folder_is_read_in_version_order_and_later_files_know_earlier_tables(tmp_path: Path) -> None:
    (tmp_path / "V1__orders.sql").write_text(
        "CREATE TABLE orders (\n  id INT PRIMARY KEY COMMENT 'Order number',\n"
        "  status VARCHAR(16) NOT NULL COMMENT 'Lifecycle state: new, paid, shipped'\n) COMMENT='Web shop orders';\n",
        encoding="utf-8",
    )
    (tmp_path / "V2__discount.sql").write_text(
        "ALTER TABLE orders ADD COLUMN discount_pct DECIMAL(5,2) NOT NULL DEFAULT 0 AFTER status;\n", encoding="utf-8"
    )
    (tmp_path / "V10__status.sql").write_text(
        "ALTER TABLE orders MODIFY COLUMN status VARCHAR(32) NOT NULL;\n", encoding="utf-8"
    )
    code, out, err = run("document", str(tmp_path), "--dialect", "mysql", "--backend", "heuristic", "--format", "json")
    assert code == 0, err
    assert [Path(r["file"]).name for r in json.loads(out)] == ["V1__orders.sql", "V2__discount.sql", "V10__status.sql"]
    assert json.loads(out)[2]["columns"] == {"status": "Lifecycle state: new, paid, shipped"}  # V1's, restated
    # Alone, as pre-commit passes a staged migration, the file still knows the files before it.
    code, out, err = run("document", str(tmp_path / "V10__status.sql"), "--dialect", "mysql", "--backend", "heuristic")
    assert code == 0 and "VARCHAR(32) NOT NULL COMMENT 'Lifecycle state: new, paid, shipped';" in out, err
    # The prompt of an ALTER-only file shows the table an earlier file created.
    path = tmp_path / "V2__discount.sql"
    text = path.read_text(encoding="utf-8")
    second = plan_file(text, dialect="mysql", known=earlier_tables(path, "mysql", text))
    prompt = render_table(second.todo[0][1])
    assert "- status VARCHAR(16), not null -- Lifecycle state: new, paid, shipped" in prompt
    assert "table comment: Web shop orders" in prompt
    assert "status" not in render_table(plan_file(text, dialect="mysql").todo[0][1])


def test_what_a_later_migration_comments_is_documented_and_not_asked_for_again(tmp_path: Path) -> None:
    """A Flyway folder whose V2 comments V1's table: --check does not report it, and documenting
    V1 (alone, as pre-commit passes it, or with the folder) writes only what no file comments."""
    (tmp_path / "V1__orders.sql").write_text(
        "CREATE TABLE shop.orders (order_id bigint PRIMARY KEY, placed_at timestamp, note text);\n", encoding="utf-8"
    )
    (tmp_path / "V2__describe.sql").write_text(
        "COMMENT ON TABLE shop.orders IS 'A customer order.';\n"
        "COMMENT ON COLUMN orders.order_id IS 'Order number.';\n",  # a schema-less name too
        encoding="utf-8",
    )
    first = tmp_path / "V1__orders.sql"
    assert later_comments(first, "postgres") == {("orders", None), ("orders", "order_id")}
    assert later_comments(first, "postgres", about=parse_sql("CREATE TABLE other (a int);", "postgres").tables) == set()
    code, out, err = run("document", str(tmp_path), "--check")
    assert code == 1, err
    assert out.splitlines() == [
        f"{tmp_path / 'V1__orders.sql'}:1:1: table shop.orders: 2 of 3 columns without a comment: placed_at, note"
    ]
    code, out, err = run("document", str(tmp_path / "V1__orders.sql"), "--backend", "heuristic", "--format", "json")
    assert code == 0, err
    (entry,) = json.loads(out)
    assert sorted(entry["columns"]) == ["note", "placed_at"] and entry["description"] is None
    code, _, err = run("document", str(tmp_path), "--backend", "heuristic", "--write")
    assert code == 0, err
    con = duckdb.connect()  # the folder runs in order, and every comment is there
    con.execute("CREATE SCHEMA shop")
    for name in ("V1__orders.sql", "V2__describe.sql"):
        con.execute((tmp_path / name).read_text(encoding="utf-8").replace(" orders.order_id", " shop.orders.order_id"))
    got = dict(con.execute("SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'orders'").fetchall())
    assert got["order_id"] == "Order number." and got["placed_at"] and got["note"]
    code, out, err = run("document", str(tmp_path), "--check")
    assert code == 0, out + err


def test_earlier_files_are_read_once_while_unchanged_and_not_at_all_without_an_alter(tmp_path: Path) -> None:
    (tmp_path / "V1__a.sql").write_text("CREATE TABLE a (id INT);\n", encoding="utf-8")
    (tmp_path / "V2__b.sql").write_text("CREATE TABLE b (id INT);\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("CREATE TABLE c (id INT);\n", encoding="utf-8")
    later = tmp_path / "V11__c.sql"
    assert earlier_tables(later, "postgres", "CREATE TABLE c (id INT);") == []  # nothing to alter: nothing read
    first = earlier_tables(later, "postgres", "ALTER TABLE a ADD COLUMN x INT;")
    assert [t.name for t in first] == ["a", "b"]
    assert earlier_tables(later, "postgres", "ALTER TABLE a ADD COLUMN x INT;")[0] is first[0]  # from the cache
    assert [t.name for t in earlier_tables(tmp_path / "V2__b.sql", "postgres", "ALTER TABLE a ADD x INT;")] == ["a"]
    (tmp_path / "V1__a.sql").write_text("CREATE TABLE a2 (id INT, more TEXT);\n", encoding="utf-8")
    assert [t.name for t in earlier_tables(later, "postgres", "ALTER TABLE a2 ADD x INT;")] == ["a2", "b"]
    (tmp_path / "V3__big.sql").write_text("-- " + "x" * MAX_EARLIER_BYTES + "\n", encoding="utf-8")
    assert earlier_tables(later, "postgres", "ALTER TABLE a ADD COLUMN x INT;") == []  # too much to read for one file


def test_a_migration_that_shows_no_dialect_is_read_in_the_one_its_folder_shows(tmp_path: Path) -> None:
    (tmp_path / "V1__orders.sql").write_text(
        "CREATE TABLE orders (id INT PRIMARY KEY, status VARCHAR(16) COMMENT 'Lifecycle state') ENGINE=InnoDB;\n",
        encoding="utf-8",
    )
    (tmp_path / "V2__status.sql").write_text("ALTER TABLE orders MODIFY status VARCHAR(32);\n", encoding="utf-8")
    code, out, err = run("document", str(tmp_path / "V2__status.sql"), "--backend", "heuristic")
    assert code == 0, err
    assert "V2__status.sql: dialect mysql (as 1 of the SQL files beside it show), 1 ALTER TABLE" in err
    assert "+ALTER TABLE orders MODIFY status VARCHAR(32) COMMENT 'Lifecycle state';" in out
    # A file's own syntax decides for it; a folder that shows nothing leaves the default.
    assert detect_beside(tmp_path / "V3__x.sql", "CREATE TABLE t (a VARIANT);")[0] == "snowflake"
    lone = tmp_path / "lone"
    lone.mkdir()
    (lone / "a.sql").write_text("ALTER TABLE t ADD COLUMN x int;\n", encoding="utf-8")
    assert detect_beside(lone / "b.sql", "ALTER TABLE t ADD COLUMN y int;") == ("postgres", DEFAULT_REASON)


def test_a_command_line_run_reads_each_file_once_and_what_it_writes_again(tmp_path: Path) -> None:
    """`steady_files`: within a command-line run each file's stamp and the folder's listing are
    read once (a folder of n migrations otherwise costs n² stat calls); what the run writes itself
    (`cli.write_atomically`), a changed file or a new one, is read again."""
    (tmp_path / "V1__a.sql").write_text("CREATE TABLE a (id INT);\n", encoding="utf-8")
    (tmp_path / "V2__b.sql").write_text("CREATE TABLE b (id INT);\n", encoding="utf-8")
    later = tmp_path / "V9__c.sql"
    alter = "ALTER TABLE a ADD COLUMN x INT;"
    with steady_files():
        assert [t.name for t in earlier_tables(later, "postgres", alter)] == ["a", "b"]
        (tmp_path / "V1__a.sql").write_text("CREATE TABLE a (id INT, y TEXT);\n", encoding="utf-8")
        (tmp_path / "V3__d.sql").write_text("CREATE TABLE d (id INT);\n", encoding="utf-8")
        assert [c.name for c in earlier_tables(later, "postgres", alter)[0].columns] == ["id"]  # as first read
        write_atomically(tmp_path / "V1__a.sql", "CREATE TABLE a (id INT, z TEXT);\n", FileEncoding())
        write_atomically(tmp_path / "V4__e.sql", "CREATE TABLE e (id INT);\n", FileEncoding())
        tables = earlier_tables(later, "postgres", alter)
        assert [c.name for c in tables[0].columns] == ["id", "z"]
        assert [t.name for t in tables] == ["a", "b", "d", "e"]
    assert [t.name for t in earlier_tables(later, "postgres", alter)] == ["a", "b", "d", "e"]  # outside: as always


def test_a_command_line_run_reads_the_folder_once_and_answers_every_file_as_the_editor_would(tmp_path: Path) -> None:
    """Within a command-line run each file's earlier tables and later comments are slices of the
    folder read once (else a folder of n files costs n² steps); they are what the editor, reading
    the folder afresh for each file, gets, in any order the files are asked, and after the run
    rewrites one of them (``forget``)."""
    files = {
        "V1__a.sql": "CREATE TABLE a (id INT, note TEXT);\n",
        "V2__b.sql": "CREATE TABLE b (id INT, a_id INT);\nALTER TABLE a ADD COLUMN x INT;\n",
        "V3__c.sql": "COMMENT ON TABLE a IS 'The a.';\nCOMMENT ON COLUMN b.a_id IS 'Its a.';\n",
        "V4__d.sql": "ALTER TABLE b ADD COLUMN y INT;\nALTER TABLE a ADD COLUMN z INT;\n",
        "V5__e.sql": "ALTER TABLE b RENAME TO bee;\nALTER TABLE a DROP COLUMN note;\n",
        "V6__f.sql": "COMMENT ON COLUMN bee.y IS 'Why.';\nDROP TABLE a;\n",
        "V7__g.sql": "ALTER TABLE bee ADD COLUMN w INT;\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")

    def answers() -> list[tuple[list[tuple[str, list[str]]], set[tuple[str, str | None]]]]:
        out = []
        for name in [*files, *reversed(files)]:
            path, text = tmp_path / name, (tmp_path / name).read_text(encoding="utf-8")
            names = parse_sql(text, "postgres").altered_elsewhere
            known = earlier_tables(path, "postgres", text, names=names)
            assert {t.short_name for t in known} <= names
            out.append(([(t.name, [c.name for c in t.columns]) for t in known], later_comments(path, "postgres")))
        return out

    afresh = answers()
    # V4 alters a and b: their CREATEs and V2's ALTER of a, in the folder's order
    assert afresh[3][0] == [("a", ["id", "note"]), ("b", ["id", "a_id"]), ("a", ["x"])]
    # after V1: V3's comments, V5's drop of a column and V6's of the table, V6's comment on b by its new name
    assert afresh[0][1] == {("a", None), ("b", "a_id"), ("a", "note"), ("a", DROPPED), ("b", "y")}
    assert afresh[2][1] == {("a", "note"), ("a", DROPPED), ("b", "y")}  # after V3: not its own comments
    with steady_files():
        assert answers() == afresh
        write_atomically(tmp_path / "V2__b.sql", "CREATE TABLE b (id INT, a_id INT, v INT);\n", FileEncoding())
        rewritten = answers()
    assert rewritten != afresh
    assert answers() == rewritten  # outside the run, afresh


def test_changing_versioned_migrations_in_place_says_what_it_means_and_names_the_way_not_to(tmp_path: Path) -> None:
    """A database that ran a migration never runs it again (and Flyway and Liquibase refuse its
    changed checksum): `document` changing one in place, as a diff or written, says so and names
    `--to`. A repeatable migration (Flyway runs it again) and a file that is no migration do not."""
    folder, scripts = tmp_path / "db", tmp_path / "scripts"
    folder.mkdir()
    scripts.mkdir()
    (folder / "V1__a.sql").write_text("CREATE TABLE a (id INT);\n", encoding="utf-8")
    (folder / "V2__b.sql").write_text("ALTER TABLE a ADD COLUMN b INT;\n", encoding="utf-8")
    (folder / "R__views.sql").write_text("CREATE VIEW v AS SELECT id FROM a;\n", encoding="utf-8")
    (scripts / "schema.sql").write_text("CREATE TABLE c (id INT);\n", encoding="utf-8")
    argv = ["document", "--backend", "heuristic", "--dialect", "postgres"]
    code, _, err = run(*argv, str(tmp_path))
    assert code == 0, err
    notes = [line for line in err.splitlines() if line.startswith("sqlscribe: note:")]
    assert notes == [
        "sqlscribe: note: V1__a.sql and 1 more are migrations (their names start with a version) and would be"
        " changed in place: a database that ran them will not run them again, and Flyway and Liquibase refuse"
        f" their changed checksums; `--to {folder}` puts the comments in a new migration instead"
    ]
    code, _, err = run(*argv, str(folder / "V2__b.sql"), "--write")
    assert code == 0 and "V2__b.sql is a migration (its name starts with a version) and was changed in place" in err
    for quiet in (
        [str(scripts), str(folder / "R__views.sql")],
        [str(tmp_path), "-q"],
        [str(folder), "--to", str(folder)],
    ):
        code, _, err = run(*argv, *quiet)
        assert code == 0 and "note:" not in err, err
