"""`sqlscribe document migrations/ --to migrations/V3__document.sql`: the comments that a folder's
migrations lack go into one new migration after them, and the applied ones stay byte for byte as
they are (Flyway and Liquibase checksum them). DuckDB runs the folder and the new file here; a
real PostgreSQL server, MariaDB and ClickHouse do in their own test modules."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import hashlib
import sqlite3
from pathlib import Path

import duckdb
import pytest
import sqlglot
from in_process import run

from sqlscribe import sqitch
from sqlscribe.databases import alter_statements
from sqlscribe.ddl import SchemaChange, parse_sql
from sqlscribe.ddl.model import DROPPED
from sqlscribe.docs import TableDocs
from sqlscribe.document import document_text
from sqlscribe.generate import Context, Generated
from sqlscribe.generate.heuristic import HeuristicBackend
from sqlscribe.migrations import is_undo_name, later_comments, layout, plan_in_folder, sql_files
from sqlscribe.new_migration import FinalNames, database_migration, next_name, read_back, restated

V1 = """CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    email VARCHAR NOT NULL,
    created_at TIMESTAMP
);
COMMENT ON TABLE customers IS 'People who buy from the shop.';
CREATE TABLE legacy_orders (id INTEGER, amt DECIMAL(10, 2));
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER,
    amt DECIMAL(10, 2),
    st VARCHAR
);
COMMENT ON COLUMN orders.id IS 'Order number, as printed on the invoice.';
"""
V2 = """DROP TABLE legacy_orders;
ALTER TABLE orders RENAME COLUMN amt TO total_amount;
ALTER TABLE orders ADD COLUMN shipped_at TIMESTAMP;
ALTER TABLE orders DROP COLUMN st;
ALTER TABLE customers RENAME TO clients;
"""


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "V1__init.sql").write_text(V1, encoding="utf-8")
    (folder / "V2__reshape.sql").write_text(V2, encoding="utf-8")
    return folder


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize(
    ("dialect", "sql", "changes"),
    [
        (
            "postgres",
            "DROP TABLE IF EXISTS a, s.b CASCADE; DROP VIEW v; DROP INDEX i; ALTER TABLE s.t RENAME TO u;"
            ' ALTER TABLE t RENAME COLUMN a TO b; ALTER TABLE t RENAME c TO "D";'
            " ALTER TABLE t DROP COLUMN IF EXISTS x, DROP CONSTRAINT k, ADD COLUMN y int; ALTER VIEW v RENAME TO w;"
            " ALTER TABLE t RENAME CONSTRAINT k TO k2;",
            [
                ("drop table", ("a",), None, None),
                ("drop table", ("s", "b"), None, None),
                ("drop table", ("v",), None, None),
                ("rename table", ("s", "t"), None, "u"),
                ("rename column", ("t",), "a", "b"),
                ("rename column", ("t",), "c", "D"),
                ("drop column", ("t",), "x", None),
                ("rename table", ("v",), None, "w"),
            ],
        ),
        (
            "mysql",
            "RENAME TABLE a TO b, `db`.`c` TO db.`d x`; ALTER TABLE t RENAME x;"
            " ALTER TABLE t CHANGE old_c new_c INT COMMENT 'hi'; ALTER TABLE t DROP q, DROP PRIMARY KEY,"
            " DROP FOREIGN KEY f, DROP INDEX i;",
            [
                ("rename table", ("a",), None, "b"),
                ("rename table", ("db", "c"), None, "db.d x"),
                ("rename table", ("t",), None, "x"),
                ("rename column", ("t",), "old_c", "new_c"),
                ("drop column", ("t",), "q", None),
            ],
        ),
        (
            "tsql",
            "EXEC sp_rename 'dbo.orders.amt', 'total_amount', 'COLUMN';\nGO\n"
            "EXEC sys.sp_rename @objname = N'dbo.t', @newname = N'u';\nEXEC sp_rename 'ix', 'iy', 'INDEX';\n"
            "DROP TABLE IF EXISTS dbo.old;",
            [
                ("rename column", ("dbo", "orders"), "amt", "total_amount"),
                ("rename table", ("dbo", "t"), None, "u"),
                ("drop table", ("dbo", "old"), None, None),
            ],
        ),
    ],
)
def test_drops_and_renames_are_read(dialect: str, sql: str, changes: list[tuple[object, ...]]) -> None:
    got = parse_sql(sql, dialect).schema_changes
    assert [(c.kind, c.table, c.column, c.new) for c in got] == changes
    starts = ("DROP", "ALTER", "RENAME", "EXEC")
    assert all(isinstance(c, SchemaChange) and sql[c.at :].upper().startswith(starts) for c in got)


def test_the_folder_stays_as_it_is_and_the_new_migration_runs_after_it_in_duckdb(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    before = _digests(folder)
    target = folder / "V3__document.sql"
    code, out, err = run("document", str(folder), "--backend", "heuristic", "--dialect", "duckdb", "--to", str(target))
    assert code == 0, err
    assert not target.exists() and _digests(folder) == before  # a diff only
    assert out.startswith(f"--- /dev/null\n+++ b/{target}\n")
    code, _, err = run(
        "document", str(folder), "--backend", "heuristic", "--dialect", "duckdb", "--to", str(target), "--write"
    )
    assert code == 0, err
    assert f"wrote {target}: 7 statements for 2 tables" in err
    assert {k: v for k, v in _digests(folder).items() if k != target.name} == before
    written = target.read_text(encoding="utf-8")
    assert "+" + written.splitlines()[3] in out  # what the diff showed is what was written
    # Named as the schema is now; nothing for what was dropped, nothing said twice.
    assert "legacy_orders" not in written and " st " not in written and "customers" not in written.split("\n", 2)[2]
    assert "COMMENT ON COLUMN orders.total_amount IS" in written
    assert "COMMENT ON TABLE clients" not in written  # it has its description
    assert "orders.id" not in written  # and its comment
    con = duckdb.connect()
    for path in sorted(folder.iterdir()):
        con.execute(path.read_text(encoding="utf-8"))
    got = {
        (table, column): comment
        for table, column, comment in con.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE comment IS NOT NULL"
        ).fetchall()
    }
    assert set(got) == {
        ("clients", "id"),
        ("clients", "email"),
        ("clients", "created_at"),
        ("orders", "id"),
        ("orders", "customer_id"),
        ("orders", "total_amount"),
        ("orders", "shipped_at"),
    }
    assert got["orders", "total_amount"] == "Total amount of the order."  # asked for by its name now, not V1's amt
    tables = dict(con.execute("SELECT table_name, comment FROM duckdb_tables()").fetchall())
    assert tables == {"clients": "People who buy from the shop.", "orders": "Orders, one row per order."}
    # The folder is documented now: --check agrees, and another run has nothing to write.
    code, out, err = run("document", str(folder), "--dialect", "duckdb", "--check")
    assert code == 0, out + err
    code, _, err = run(
        "document", str(folder), "--backend", "heuristic", "--dialect", "duckdb", "--to", str(folder / "V4__more.sql")
    )
    assert code == 0 and "nothing to document" in err, err


def test_later_drops_and_renames_count_between_migrations_only(tmp_path: Path) -> None:
    """What a later migration drops is wanted of nobody, and a comment on a renamed table or column
    documents it where it was created; a folder of scripts (a teardown.sql after schema.sql) is no
    sequence of migrations, and its DROPs do not count."""
    folder = _folder(tmp_path)
    (folder / "V3__describe.sql").write_text(
        "COMMENT ON COLUMN clients.email IS 'Where receipts go.';\n"
        "COMMENT ON COLUMN orders.total_amount IS 'Total, tax included.';\n",
        encoding="utf-8",
    )
    said = later_comments(folder / "V1__init.sql", "duckdb")
    assert {("legacy_orders", DROPPED), ("orders", "st"), ("customers", "email"), ("orders", "amt")} <= said
    code, out, _ = run("document", str(folder), "--dialect", "duckdb", "--check")
    assert code == 1
    assert out.splitlines() == [
        f"{folder / 'V1__init.sql'}:1:1: table customers: 2 of 3 columns without a comment: id, created_at",
        f"{folder / 'V1__init.sql'}:8:1: table orders: no description; 1 of 4 columns without a comment: customer_id",
        f"{folder / 'V2__reshape.sql'}:3:1: ALTER TABLE orders: 1 of 1 column without a comment: shipped_at",
    ]
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / "schema.sql").write_text("CREATE TABLE t (a INTEGER);\n", encoding="utf-8")
    (scripts / "teardown.sql").write_text("DROP TABLE t;\n", encoding="utf-8")
    assert later_comments(scripts / "schema.sql", "duckdb") == set()
    code, out, _ = run("document", str(scripts), "--dialect", "duckdb", "--check")
    assert code == 1 and "table t: no description" in out


def test_a_table_created_again_takes_what_its_last_create_wants(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "V1__a.sql").write_text("CREATE TABLE t (old_col INTEGER);\n", encoding="utf-8")
    (folder / "V2__b.sql").write_text(
        "DROP TABLE t;\nCREATE TABLE t (new_col INTEGER);\nCREATE VIEW tv AS SELECT new_col FROM t;\n",
        encoding="utf-8",
    )
    target = folder / "V3__c.sql"
    code, _, err = run("document", str(folder), "--backend", "heuristic", "--to", str(target), "--write")
    assert code == 0, err
    written = target.read_text(encoding="utf-8")
    assert "old_col" not in written and "COMMENT ON COLUMN t.new_col" in written
    assert "COMMENT ON VIEW tv IS" in written and "COMMENT ON COLUMN tv.new_col" in written
    con = duckdb.connect()
    for path in sorted(folder.iterdir()):
        con.execute(path.read_text(encoding="utf-8"))
    assert con.execute("SELECT count(*) FROM duckdb_columns() WHERE comment IS NOT NULL").fetchone() == (2,)


@pytest.mark.parametrize(
    ("dialect", "create", "expected"),
    [
        (
            "snowflake",
            "CREATE TABLE t (a INT, b STRING);",
            ["COMMENT ON TABLE t IS", "COMMENT ON COLUMN t.a IS", "COMMENT ON COLUMN t.b IS"],
        ),
        (
            "databricks",
            "CREATE TABLE t (a INT, b STRING) USING DELTA;",
            ["COMMENT ON TABLE t IS", "ALTER TABLE t ALTER COLUMN a COMMENT", "ALTER TABLE t ALTER COLUMN b COMMENT"],
        ),
        (
            "bigquery",
            "CREATE TABLE d.t (a INT64, b STRING);",
            [
                "ALTER TABLE d.t SET OPTIONS (description =",
                "ALTER TABLE d.t ALTER COLUMN a SET OPTIONS (description =",
                "ALTER TABLE d.t ALTER COLUMN b SET OPTIONS (description =",
            ],
        ),
        (
            "clickhouse",
            "CREATE TABLE t (a Int32, b String) ENGINE = MergeTree ORDER BY a;",
            ["ALTER TABLE t MODIFY COMMENT", "ALTER TABLE t COMMENT COLUMN a", "ALTER TABLE t COMMENT COLUMN b"],
        ),
        (
            "tsql",
            "CREATE TABLE dbo.t (a INT, b NVARCHAR(10));",
            ["@level1name = N't';", "@level2name = N'a';", "@level2name = N'b';"],
        ),
        (
            "mysql",
            "CREATE TABLE t (a INT NOT NULL AUTO_INCREMENT PRIMARY KEY, b VARCHAR(10) UNIQUE);",
            [
                "ALTER TABLE t COMMENT = ",
                "ALTER TABLE t\n  MODIFY COLUMN a INT NOT NULL AUTO_INCREMENT COMMENT",
                "  MODIFY COLUMN b VARCHAR(10) COMMENT",
            ],
        ),
    ],
)
def test_each_dialect_writes_statements_that_parse_and_read_back(
    tmp_path: Path, dialect: str, create: str, expected: list[str]
) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "000001_t.up.sql").write_text(create + "\n", encoding="utf-8")
    target = folder / "000002_docs.up.sql"
    code, _, err = run(
        "document", str(folder), "--backend", "heuristic", "--dialect", dialect, "--to", str(target), "--write"
    )
    assert code == 0, err
    written = target.read_text(encoding="utf-8")
    undo = (folder / "000002_docs.down.sql").read_text(encoding="utf-8")  # golang-migrate's pair
    statements = [s for s in written.split("\n\n", 1)[1].split(";\n") if s.strip()]
    undoing = [s for s in undo.split("\n\n", 1)[1].split(";\n") if s.strip()]
    assert len(statements) == len(undoing) == len(expected) - (dialect == "mysql")
    for part in expected:
        assert part in written, written
    for statement in statements + undoing:
        sqlglot.parse_one(statement, read=dialect)  # sqlglot reads each
    assert read_back(written, dialect) == {("t", None), ("t", "a"), ("t", "b")}
    assert read_back(undo, dialect) == set()  # each comment taken away
    code, out, err = run("document", str(folder), "--dialect", dialect, "--check")
    assert code == 0, out + err


def test_overwriting_replaces_what_there_is_and_sql_server_updates_its_property(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "V1__t.sql").write_text(
        "CREATE TABLE dbo.t (a INT);\nGO\nEXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Old.',"
        " @level0type = N'SCHEMA', @level0name = N'dbo', @level1type = N'TABLE', @level1name = N't';\n",
        encoding="utf-8",
    )
    target = folder / "V2__docs.sql"
    code, out, err = run(
        "document",
        str(folder),
        "--backend",
        "heuristic",
        "--dialect",
        "tsql",
        "--to",
        str(target),
        "--overwrite-existing",
    )
    assert code == 0, err
    assert "+EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Ts, one row per t.'" in out
    assert "+EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'A of the t.'" in out


def test_mysql_restates_a_column_without_its_keys_named_constraints_or_old_comment() -> None:
    sql = (
        "CREATE TABLE t (\n"
        "  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,\n"
        "  email VARCHAR(200) CHARACTER SET latin1 COLLATE latin1_bin NOT NULL UNIQUE KEY,\n"
        "  `order` INT DEFAULT 3 CONSTRAINT pos CHECK (`order` > 0) NOT ENFORCED,\n"
        "  visits INT CHECK (visits >= 0),\n"
        "  status ENUM('new','vip') NOT NULL DEFAULT 'new  one' COMMENT 'old',\n"
        "  owner_id INT REFERENCES users (id) ON DELETE CASCADE,\n"
        "  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP KEY\n"
        ");"
    )
    table = parse_sql(sql, "mysql").tables[0]
    got = [restated(c, sql, "'x'") for c in table.columns]
    assert got == [
        "id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT COMMENT 'x'",
        "email VARCHAR(200) CHARACTER SET latin1 COLLATE latin1_bin NOT NULL COMMENT 'x'",
        "`order` INT DEFAULT 3 COMMENT 'x'",
        "visits INT COMMENT 'x' CHECK (visits >= 0)",  # MariaDB's column check: MODIFY would drop it
        "status ENUM('new','vip') NOT NULL DEFAULT 'new  one' COMMENT 'x'",
        "owner_id INT COMMENT 'x'",
        "updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP COMMENT 'x'",
    ]


def test_what_cannot_be_a_new_migration_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    before = _digests(folder)
    refusals = [
        (["--to", str(folder / "V1__init.sql")], "exists; --to writes a new file"),
        (["--to", str(folder / "V0__docs.sql")], "sorts before"),
        (["--to", str(tmp_path / "nowhere" / "V9.sql")], "no such folder"),
        (["--to", str(folder / "V9.sql"), "--format", "json"], "no -, dbt, Python models or --format"),
        (["--to", str(folder / "V9.sql"), "--check"], "--check only reports"),
    ]
    for extra, message in refusals:
        code, _, err = run("document", str(folder), "--backend", "heuristic", *extra)
        assert code == 2 and message in err, (extra, err)
    assert _digests(folder) == before
    lite = tmp_path / "lite"
    lite.mkdir()
    (lite / "V1__t.sql").write_text("CREATE TABLE t (a INTEGER);\n", encoding="utf-8")
    code, _, err = run(
        "document", str(lite), "--backend", "heuristic", "--dialect", "sqlite", "--to", str(lite / "V2.sql")
    )
    assert code == 1 and "not written: sqlite keeps comments only in each table's CREATE text" in err
    assert not (lite / "V2.sql").exists()
    database = tmp_path / "app.db"
    with contextlib.closing(sqlite3.connect(database)) as conn:
        conn.execute("CREATE TABLE t (a INTEGER)")
    code, _, err = run("document", f"sqlite:{database}", "--backend", "heuristic", "--to", str(lite / "V2.sql"))
    assert code == 1 and "not written: sqlite keeps comments only" in err and not (lite / "V2.sql").exists()


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["V1__init.sql", "V2__more.sql", "V10__orders.sql"], "V11__document_comments.sql"),
        (["V1_1__init.sql", "V1_2__more.sql"], "V1_3__document_comments.sql"),
        (["v2.9__x.sql"], "v2.10__document_comments.sql"),
        (["000001_init.up.sql", "000001_init.down.sql", "000009_more.up.sql"], "000010_document_comments.up.sql"),
        (["0001-init.sql", "0002-more.sql"], "0003-document_comments.sql"),
        (["1706702400000_init.sql"], "1796632200000_document_comments.sql"),  # node-pg-migrate: milliseconds
        (["9796702400000_future.sql"], "9796702400001_document_comments.sql"),
        (["20240131120000_init.sql", "20250101000000_more.sql"], "20261207083000_document_comments.sql"),
        (["29990101000000_future.sql"], "29990101000001_document_comments.sql"),  # never before the last
        (["schema.sql", "seed.sql"], None),
        (["0001.create.sql", "0001.create.rollback.sql", "0002.more.sql"], "0003.document_comments.sql"),  # yoyo
        (  # as `yoyo new` names them: the day, its sequence, five letters (drawn from those two here)
            ["20240105_01_AbCdE-init.sql", "20240105_01_AbCdE-init.rollback.sql"],
            "20261207_01_fEEjs-document-comments.sql",
        ),
        (["20261207_01_AbCdE-init.sql"], "20261207_02_j391a-document-comments.sql"),
        (["29990101_03_AbCdE-x.sql"], "29990101_04_czASa-document-comments.sql"),
        (  # Prisma: a folder each
            ["20240101000000_init/migration.sql", "20240102000000_more/migration.sql", "migration_lock.toml"],
            "20261207083000_document_comments/migration.sql",
        ),
        (["29990101000000_future/migration.sql"], "29990101000001_document_comments/migration.sql"),
        (  # Hasura: a folder each, named with milliseconds since 1970
            ["1706702400000_init/up.sql", "1706702400000_init/down.sql"],
            "1796632200000_document_comments/up.sql",
        ),
        (  # Diesel: a folder each, with up.sql and down.sql
            ["2024-01-01-000000_users/up.sql", "2024-01-01-000000_users/down.sql"],
            "2026-12-07-083000_document_comments/up.sql",
        ),
    ],
)
def test_a_folder_given_names_its_next_migration_in_its_own_scheme(
    tmp_path: Path, names: list[str], expected: str | None
) -> None:
    for name in names:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("SELECT 1;\n", encoding="utf-8")
    now = datetime.datetime(2026, 12, 7, 8, 30, tzinfo=datetime.UTC)
    assert next_name(tmp_path, now) == expected


def test_to_a_folder_writes_its_next_migration_and_liquibase_gets_its_changeset(tmp_path: Path) -> None:
    folder = tmp_path / "changes"
    folder.mkdir()
    (folder / "V1__init.sql").write_text(
        "--liquibase formatted sql\n\n--changeset ana:1\nCREATE TABLE t (a INTEGER);\n", encoding="utf-8"
    )
    code, _, err = run("document", str(folder), "--backend", "heuristic", "--to", str(folder), "--write")
    assert code == 0, err
    written = (folder / "V2__document_comments.sql").read_text(encoding="utf-8")
    assert written.startswith("--liquibase formatted sql\n\n--changeset sqlscribe:V2__document_comments\n-- Describes")
    assert read_back(written, "postgres") == {("t", None), ("t", "a")}
    code, _, err = run("document", str(tmp_path / "changes"), "--dialect", "duckdb", "--check")
    assert code == 0, err
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / "schema.sql").write_text("CREATE TABLE t (a INTEGER);\n", encoding="utf-8")
    code, _, err = run("document", str(scripts), "--backend", "heuristic", "--to", str(scripts))
    assert code == 2 and "follow no migration scheme known here" in err


def test_sql_servers_sp_rename_is_followed_into_the_new_migration(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "V1__t.sql").write_text("CREATE TABLE dbo.orders (id INT, amt MONEY);\nGO\n", encoding="utf-8")
    (folder / "V2__r.sql").write_text(
        "EXEC sp_rename 'dbo.orders.amt', 'total_amount', 'COLUMN';\nGO\nEXEC sp_rename 'dbo.orders', 'sales';\nGO\n",
        encoding="utf-8",
    )
    code, out, err = run("document", str(folder), "--backend", "heuristic", "--dialect", "tsql", "--to", str(folder))
    assert code == 0, err
    assert f"+++ b/{folder / 'V3__document_comments.sql'}" in out
    assert "@level1name = N'sales', @level2type = N'COLUMN', @level2name = N'total_amount';" in out
    assert "N'orders'" not in out and "N'amt'" not in out
    code, out, _ = run("document", str(folder), "--dialect", "tsql", "--check")
    assert code == 1 and "table dbo.orders: no description; 2 of 2 columns" in out  # not yet written


def test_each_table_is_asked_for_by_the_names_the_folder_ends_up_giving_it(tmp_path: Path) -> None:
    (tmp_path / "V1__a.sql").write_text(
        "CREATE TABLE sales.customers (id INTEGER, amt DECIMAL(10, 2));\n", encoding="utf-8"
    )
    (tmp_path / "V2__b.sql").write_text(
        "ALTER TABLE sales.customers ADD COLUMN note VARCHAR;\nALTER TABLE sales.customers RENAME TO clients;\n"
        "ALTER TABLE sales.clients RENAME COLUMN amt TO lifetime_spend;\n",
        encoding="utf-8",
    )
    plans = [plan_in_folder(path, path.read_text(encoding="utf-8"), "postgres") for path in sorted(tmp_path.iterdir())]
    names = FinalNames(plans)
    first = plans[0].todo[0][1]
    sent, back = names.ask(first)
    assert sent.table.name == "sales.clients" and sent.table.name_source == "sales.clients"
    assert sent.columns == ("id", "lifetime_spend") and [c.name for c in sent.table.columns] == ["id", "lifetime_spend"]
    assert first.table.name == "sales.customers" and first.columns == ("id", "amt")  # the statement's own, unchanged
    answer = Generated(TableDocs("Clients.", {"id": "Id.", "lifetime_spend": "Spend."}), "m")
    assert back(answer).docs.columns == {"id": "Id.", "amt": "Spend."}
    added = plans[1].todo[0][1]  # the ALTER that adds note, before the rename
    assert names.ask(added)[0].table.name == "sales.clients" and names.ask(added)[0].columns == ("note",)


# A migration in each tool's own form: the undo, where the tool keeps it, drops what the migration
# creates (or, for a rename, names it back).
_FORMS = {
    "dbmate": ("-- migrate:up\n{up}\n-- migrate:down\n{down}", "-- migrate:down"),
    "goose": ("-- +goose Up\n-- +goose StatementBegin\n{up}\n-- +goose StatementEnd\n\n-- +goose Down\n{down}", None),
    "sql-migrate": ("-- +migrate Up\n{up}\n\n-- +migrate Down\n{down}", None),
}


@pytest.mark.parametrize("tool", sorted(_FORMS))
def test_what_a_migration_runs_only_to_roll_back_is_no_part_of_the_schema(tmp_path: Path, tool: str) -> None:
    """dbmate, goose and sql-migrate keep a migration's undo in its file after a marker line: a
    DROP TABLE or a RENAME there is not what the folder leaves, and a table created there is none
    to document (not in a folder run, not in --check, not in the editor's window)."""
    form = _FORMS[tool][0]
    first = form.format(
        up="CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR);", down="DROP TABLE customers;"
    )
    second = form.format(
        up="DROP TABLE legacy;\nALTER TABLE customers RENAME COLUMN email TO email_address;",
        down="CREATE TABLE legacy (id INTEGER);\nALTER TABLE customers RENAME COLUMN email_address TO email;",
    )
    parsed = parse_sql(second, "postgres")
    assert parsed.tables == [] and [c.kind for c in parsed.schema_changes] == ["drop table", "rename column"]
    down_at = second.index("CREATE TABLE legacy")
    assert parse_sql(second, "postgres", window=(down_at, len(second))).tables == []  # the editor's read
    (tmp_path / "20240101000000_customers.sql").write_text(first, encoding="utf-8")
    (tmp_path / "20240102000000_legacy.sql").write_text(second, encoding="utf-8")
    assert [t.name for t in parse_sql(first, "postgres").tables] == ["customers"]
    code, out, _ = run("document", str(tmp_path), "--check", "--dialect", "postgres")
    assert code == 1 and "table customers: no description; 2 of 2 columns" in out and "legacy" not in out
    target = tmp_path / "20240103000000_docs.sql"
    code, _, err = run("document", str(tmp_path), "--backend", "heuristic", "--to", str(target), "--write")
    assert code == 0, err
    assert read_back(target.read_text(encoding="utf-8"), "postgres") == {
        ("customers", None),
        ("customers", "id"),
        ("customers", "email_address"),  # named as the up sections leave it
    }
    code, out, err = run("document", str(tmp_path), "--check", "--dialect", "postgres")
    assert code == 0, out + err


def test_undo_files_are_no_step_of_the_folder(tmp_path: Path) -> None:
    """golang-migrate's .down.sql and Flyway's U2__ files run only to roll back: no earlier table,
    no later drop, no part of the new migration, and no name for the next one."""
    (tmp_path / "000001_users.up.sql").write_text("CREATE TABLE users (id INTEGER, email VARCHAR);\n", encoding="utf-8")
    (tmp_path / "000001_users.down.sql").write_text("DROP TABLE users;\n", encoding="utf-8")
    (tmp_path / "000002_drop_old.up.sql").write_text("ALTER TABLE users DROP COLUMN email;\n", encoding="utf-8")
    (tmp_path / "000002_drop_old.down.sql").write_text(
        "ALTER TABLE users ADD COLUMN email VARCHAR;\nCREATE TABLE restored (x INTEGER);\n", encoding="utf-8"
    )
    (tmp_path / "U2__undo.sql").write_text("CREATE TABLE flyway_undo (x INTEGER);\n", encoding="utf-8")
    assert next_name(tmp_path) == "000003_document_comments.up.sql"
    code, out, err = run(
        "document", str(tmp_path), "--backend", "heuristic", "--dialect", "duckdb", "--to", str(tmp_path)
    )
    assert code == 0, err
    assert "restored" not in out and "flyway_undo" not in out and "users.email" not in out
    assert "+COMMENT ON COLUMN users.id IS" in out
    assert "of 000001_users.up.sql to 000002_drop_old.up.sql that" in out
    (tmp_path / "000003_document_comments.down.sql").write_text("SELECT 1;\n", encoding="utf-8")
    code, _, err = run("document", str(tmp_path), "--backend", "heuristic", "--to", str(tmp_path))
    assert code == 2 and "000003_document_comments.down.sql: exists" in err  # never one half of a pair


_TOOL_FILES = {
    "dbmate": ("-- migrate:up\n{up}\n-- migrate:down\n{down}", "20240101000000_init.sql"),
    "goose": ("-- +goose Up\n{up}\n-- +goose Down\n{down}", "00001_init.sql"),
    "sql-migrate": ("-- +migrate Up\n{up}\n-- +migrate Down\n{down}", "1_init.sql"),
    "node-pg-migrate": ("-- Up Migration\n{up}\n-- Down Migration\n{down}", "1706702400000_init.sql"),
    "yoyo": ("-- init\n-- depends:\n{up}", "0001.init.sql"),  # and 0001.init.rollback.sql
    "liquibase": ("--liquibase formatted sql\n\n--changeset ana:1\n{up}\n--rollback {down}", "V1__init.sql"),
    "golang-migrate": ("{up}", "000001_init.up.sql"),
    "flyway": ("{up}", "V1__init.sql"),
    "flyway-undo": ("{up}", "V1__init.sql"),  # a folder with undo migrations (U1__init.sql)
}


def _up_and_down(tool: str, path: Path) -> tuple[str, str]:
    """What the tool runs to migrate with the file, and what to roll it back."""
    text = path.read_text(encoding="utf-8")
    if tool == "liquibase":
        lines = text.splitlines(keepends=True)
        down = "".join(line.removeprefix("--rollback ") for line in lines if line.startswith("--rollback "))
        return "".join(line for line in lines if not line.startswith("--rollback ")), down
    if tool == "flyway":
        return text, ""
    if tool == "golang-migrate":
        return text, path.with_name(path.name.replace(".up.sql", ".down.sql")).read_text(encoding="utf-8")
    if tool == "flyway-undo":
        return text, path.with_name("U" + path.name[1:]).read_text(encoding="utf-8")
    if tool == "yoyo":
        return text, path.with_name(path.stem + ".rollback.sql").read_text(encoding="utf-8")
    marker = {
        "dbmate": "-- migrate:down\n",
        "goose": "-- +goose Down\n",
        "sql-migrate": "-- +migrate Down\n",
        "node-pg-migrate": "-- Down Migration\n",
    }[tool]
    up, down = text.split(marker)
    return up, down


@pytest.mark.parametrize("tool", sorted(_TOOL_FILES))
def test_the_new_migration_takes_its_tools_form_and_what_undoes_it_sets_the_comments_back(
    tmp_path: Path, tool: str
) -> None:
    """The new migration is written as the folder's tool wants its files (dbmate's, goose's and
    sql-migrate's sections, Liquibase's changeset and --rollback lines, golang-migrate's .up.sql
    and .down.sql), and its undo, run in DuckDB, leaves every comment as it was: taken away where
    there was none, the replaced one set back."""
    form, name = _TOOL_FILES[tool]
    (tmp_path / name).write_text(
        form.format(
            up="CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR);\n"
            "COMMENT ON TABLE customers IS 'People.';\n"
            "COMMENT ON COLUMN customers.email IS 'Where the invoices go.';",
            down="DROP TABLE customers;",
        ),
        encoding="utf-8",
    )
    if tool == "golang-migrate":
        (tmp_path / "000001_init.down.sql").write_text("DROP TABLE customers;\n", encoding="utf-8")
    if tool == "flyway-undo":
        (tmp_path / "U1__init.sql").write_text("DROP TABLE customers;\n", encoding="utf-8")
    if tool == "yoyo":
        (tmp_path / "0001.init.rollback.sql").write_text("DROP TABLE customers;\n", encoding="utf-8")
    argv = ["document", str(tmp_path), "--backend", "heuristic", "--dialect", "duckdb", "--to", str(tmp_path)]
    code, _, err = run(*argv, "--overwrite-existing", "--write")
    assert code == 0, err
    (new,) = [p for p in tmp_path.iterdir() if p.name != name and not is_undo_name(p.name)]
    con = duckdb.connect()

    def comments() -> dict[str, str | None]:
        described = con.execute("SELECT table_name, comment FROM duckdb_tables() WHERE NOT internal").fetchall()
        columns = con.execute(
            "SELECT table_name || '.' || column_name, comment FROM duckdb_columns() WHERE NOT internal"
        ).fetchall()
        return {**dict(described), **dict(columns)}

    con.execute(_up_and_down(tool, tmp_path / name)[0])
    before = comments()
    assert before == {"customers": "People.", "customers.id": None, "customers.email": "Where the invoices go."}
    up, down = _up_and_down(tool, new)
    con.execute(up)
    documented = comments()
    assert documented["customers"] == "Customers, one row per customer." and all(documented.values())
    if tool == "flyway":  # Flyway's undo (U files) is a paid edition's: none is written
        assert sorted(p.name for p in tmp_path.iterdir()) == [name, new.name]
        return
    con.execute(down)
    assert comments() == before
    if tool == "liquibase":
        assert new.read_text(encoding="utf-8").startswith(
            f"--liquibase formatted sql\n\n--changeset sqlscribe:{new.stem}"
        )
    elif tool == "yoyo":
        assert "\n-- depends: 0001.init\n\n" in new.read_text(encoding="utf-8")
    elif tool not in ("golang-migrate", "flyway-undo"):
        assert new.read_text(encoding="utf-8").startswith(_TOOL_FILES[tool][0].split("\n")[0] + "\n-- Describes the")
    code, out, err = run("document", str(tmp_path), "--dialect", "duckdb", "--check")  # its undo is no comment
    assert code == 0, out + err


def test_references_and_neighbours_are_named_as_the_folder_ends_up_naming_them(tmp_path: Path) -> None:
    """A comment written for the schema as it ends up names no table by a name it no longer has:
    the model is shown the table a foreign key references, and the tables beside it, renamed."""
    (tmp_path / "V1__init.sql").write_text(
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR);\n"
        "CREATE TABLE orders (order_id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers (id));\n"
        "CREATE TABLE lines (order_id INTEGER, sku VARCHAR, FOREIGN KEY (order_id) REFERENCES orders (order_id));\n",
        encoding="utf-8",
    )
    (tmp_path / "V2__rename.sql").write_text(
        "ALTER TABLE customers RENAME TO clients;\nALTER TABLE clients RENAME COLUMN id TO client_id;\n"
        "ALTER TABLE orders RENAME COLUMN order_id TO id;\n",
        encoding="utf-8",
    )
    plans = [plan_in_folder(path, path.read_text(encoding="utf-8"), "postgres") for path in sorted(tmp_path.iterdir())]
    names = FinalNames(plans)
    orders = next(r for _, r in plans[0].todo if r.table.name == "orders")
    lines = next(r for _, r in plans[0].todo if r.table.name == "lines")
    sent, _ = names.ask(dataclasses.replace(orders, context=Context(("customers", "lines"))))
    reference = next(c.references for c in sent.table.columns if c.name == "customer_id")
    assert reference is not None and (reference.ref_table, reference.ref_columns) == ("clients", ("client_id",))
    assert sent.context.neighbours == ("clients", "lines")
    written = next(c.references for c in orders.table.columns if c.name == "customer_id")
    assert written is not None and written.ref_table == "customers"  # the statement's own, unchanged
    sent, _ = names.ask(lines)  # its own columns keep their names; the key it references is renamed
    assert [(fk.columns, fk.ref_table, fk.ref_columns) for fk in sent.table.foreign_keys] == [
        (("order_id",), "orders", ("id",))
    ]
    code, out, err = run("document", str(tmp_path), "--backend", "heuristic", "--to", str(tmp_path))
    assert code == 0, err
    assert "COMMENT ON COLUMN orders.customer_id IS 'Reference to the client (clients.client_id).';" in out
    assert "customers" not in out.split("\n", 4)[4]  # past the header, which names the files


_STEPS = {
    "prisma": ("20240101000000_init", "20240102000000_orders", "migration.sql", None),
    "diesel": ("2024-01-01-000000_create_customers", "2024-01-02-000000_create_orders", "up.sql", "down.sql"),
}


@pytest.mark.parametrize("tool", sorted(_STEPS))
def test_migrations_that_are_folders_of_their_own_are_one_folder_of_migrations(tmp_path: Path, tool: str) -> None:
    """Prisma's 20240101000000_init/migration.sql and Diesel's 2024-01-01-000000_x/up.sql: each
    migration is a folder, and the folders in order are the migrations. An ALTER knows the table an
    earlier folder creates, a later folder's comment counts, and `--to` writes the next folder
    (with Diesel's down.sql, which undoes it); DuckDB runs them all in order."""
    first, second, inner, undo = _STEPS[tool]
    for step, up, down in (
        (first, "CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR);\n", "DROP TABLE customers;\n"),
        (
            second,
            "ALTER TABLE customers ADD COLUMN plan VARCHAR;\n"
            "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, total_cents INTEGER);\n"
            "COMMENT ON COLUMN customers.email IS 'Where the invoices go.';\n",
            "DROP TABLE orders;\nALTER TABLE customers DROP COLUMN plan;\n",
        ),
    ):
        (tmp_path / step).mkdir()
        (tmp_path / step / inner).write_text(up, encoding="utf-8")
        if undo:
            (tmp_path / step / undo).write_text(down, encoding="utf-8")
    (tmp_path / "migration_lock.toml").write_text('provider = "postgresql"\n', encoding="utf-8")
    assert sql_files(tmp_path) == [tmp_path / first / inner, tmp_path / second / inner]
    assert layout(tmp_path / first / inner) == (tmp_path, inner)
    assert layout(tmp_path / "2024_reports" / inner) == (tmp_path / "2024_reports", None)  # a year, no migration
    later = tmp_path / second / inner
    altered, orders = plan_in_folder(later, later.read_text(encoding="utf-8"), "duckdb").parsed.tables
    assert altered.from_alter and altered.base is not None and [c.name for c in altered.base.columns] == ["id", "email"]
    assert orders.name == "orders" and not orders.from_alter
    earlier = tmp_path / first / inner
    (customers,) = plan_in_folder(earlier, earlier.read_text(encoding="utf-8"), "duckdb").parsed.tables
    assert [c.name for c in customers.columns if c.wants_comment()] == ["id"]  # email: the later folder's comment
    code, _, err = run(
        "document", str(tmp_path), "--backend", "heuristic", "--dialect", "duckdb", "--to", str(tmp_path), "--write"
    )
    assert code == 0, err
    (new,) = [p for p in tmp_path.iterdir() if p.is_dir() and p.name not in (first, second)]
    assert new.name.endswith("_document_comments") and sorted(p.name for p in new.iterdir()) == sorted(
        [inner, *([undo] if undo else [])]
    )
    written = (new / inner).read_text(encoding="utf-8")
    assert f"of {first}/{inner} to {second}/{inner} that" in written
    con = duckdb.connect()
    for step in (first, second, new.name):
        con.execute((tmp_path / step / inner).read_text(encoding="utf-8"))
    query = "SELECT table_name || '.' || column_name, comment FROM duckdb_columns() WHERE NOT internal"
    got = dict(con.execute(query).fetchall())
    assert all(got.values()) and got["customers.email"] == "Where the invoices go."
    assert set(got) == {
        "customers.id",
        "customers.email",
        "customers.plan",
        "orders.id",
        "orders.customer_id",
        "orders.total_cents",
    }
    if undo:
        con.execute((new / undo).read_text(encoding="utf-8"))
        got = dict(con.execute(query).fetchall())
        assert [k for k, v in got.items() if v] == ["customers.email"]
    code, out, err = run("document", str(tmp_path), "--dialect", "duckdb", "--check")
    assert code == 0, out + err


def test_flyways_repeatable_migrations_come_last_and_are_documented_in_place(tmp_path: Path) -> None:
    """Flyway runs R__ files after every versioned one, and again whenever one changes: a comment
    there counts for the tables before it, and with --to a repeatable file (a view, usually) is
    documented in place while what the versioned ones lack goes into the new migration."""
    (tmp_path / "V1__init.sql").write_text("CREATE TABLE customers (id INTEGER, email VARCHAR);\n", encoding="utf-8")
    (tmp_path / "R__comments.sql").write_text("COMMENT ON TABLE customers IS 'People who buy.';\n", encoding="utf-8")
    view = "CREATE OR REPLACE VIEW customer_emails AS SELECT id, email FROM customers;\n"
    (tmp_path / "R__views.sql").write_text(view, encoding="utf-8")
    assert [p.name for p in sql_files(tmp_path)] == ["V1__init.sql", "R__comments.sql", "R__views.sql"]
    assert next_name(tmp_path) == "V2__document_comments.sql"
    code, out, _ = run("document", str(tmp_path), "--check", "--dialect", "postgres")
    assert code == 1 and "table customers: 2 of 2 columns without a comment" in out  # described later
    code, out, err = run(
        "document", str(tmp_path), "--backend", "heuristic", "--dialect", "postgres", "--to", str(tmp_path)
    )
    assert code == 0, err
    assert "R__views.sql: a repeatable migration: documented in place" in err
    assert f"+++ b/{tmp_path / 'R__views.sql'}" in out and "+COMMENT ON VIEW customer_emails IS" in out
    new = out.split(f"+++ b/{tmp_path / 'V2__document_comments.sql'}")[1]
    assert "COMMENT ON COLUMN customers.email IS" in new and "COMMENT ON TABLE customers" not in new
    assert "customer_emails" not in new


def test_mysql_8s_versioned_attributes_are_restated_by_a_live_databases_migration_and_its_undo(
    tmp_path: Path,
) -> None:
    """MySQL 8's SHOW CREATE TABLE prints some attributes as versioned comments after a column's
    last token (`/*!80023 INVISIBLE */`); a MODIFY without them would make the column visible."""
    ddl = (
        "CREATE TABLE `t` (\n  `id` int NOT NULL,\n  `secret` varchar(20) DEFAULT NULL /*!80023 INVISIBLE */,\n"
        "  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n"
    )
    outcome = document_text(ddl, HeuristicBackend(), dialect="mysql")
    statements = alter_statements(outcome)
    assert "MODIFY COLUMN `secret` varchar(20) DEFAULT NULL COMMENT '" in statements[0]
    assert "/*!80023 INVISIBLE */" in statements[0]
    (tmp_path / "000001_init.up.sql").write_text("SELECT 1;\n", encoding="utf-8")
    migration = database_migration("mysql://db", outcome, statements, target=tmp_path / "000002_docs.up.sql")
    assert "MODIFY COLUMN `secret` varchar(20) DEFAULT NULL /*!80023 INVISIBLE */ COMMENT ''" in migration.undo


def test_a_sqitch_plan_orders_its_changes_and_names_a_reworked_ones_earlier_script(tmp_path: Path) -> None:
    plan = (
        "%syntax-version=1.0.0\n%project=shop\n\n"
        "users 2024-01-01T00:00:00Z Ana <ana@example.com> # Users.\n"
        "orders [users] 2024-01-02T00:00:00Z Ana <ana@example.com> # Orders.\n"
        "@v1.0 2024-01-03T00:00:00Z Ana <ana@example.com> # Tag.\n\n"
        "# a comment\n"
        "users [users@v1.0] 2024-01-04T00:00:00Z Ana <ana@example.com> # Reworked.\n"
        "+document_comments 2024-01-05T00:00:00Z Ana <ana@example.com> # Comments.\n"
    )
    project = sqitch.read_plan(plan, tmp_path, "pg")
    assert project.name == "shop"
    assert project.scripts == ["users@v1.0", "orders", "users", "document_comments"]
    (tmp_path / "deploy").mkdir()
    (tmp_path / "sqitch.plan").write_text(plan, encoding="utf-8")
    for script in project.scripts:
        (tmp_path / "deploy" / f"{script}.sql").write_text("SELECT 1;\n", encoding="utf-8")
    assert [p.name for p in sql_files(tmp_path / "deploy")] == [f"{s}.sql" for s in project.scripts]
    assert next_name(tmp_path / "deploy") == "document_comments_2.sql"  # the name is taken in the plan


def test_a_sqitch_projects_revert_and_verify_scripts_are_no_step_of_it(tmp_path: Path) -> None:
    """Given the whole project, `--to deploy/` reads deploy/ in the plan's order and leaves the
    revert scripts (a DROP TABLE each) and the verify scripts out of the schema."""
    for folder in ("deploy", "revert", "verify"):
        (tmp_path / folder).mkdir()
    (tmp_path / "sqitch.plan").write_text(
        "%project=shop\n\nusers 2024-01-01T00:00:00Z A <a@b.c> # U.\nadd_phone 2024-01-02T00:00:00Z A <a@b.c> # P.\n",
        encoding="utf-8",
    )
    (tmp_path / "deploy" / "users.sql").write_text("CREATE TABLE users (id INTEGER);\n", encoding="utf-8")
    (tmp_path / "deploy" / "add_phone.sql").write_text(
        "ALTER TABLE users ADD COLUMN phone VARCHAR;\n", encoding="utf-8"
    )
    (tmp_path / "revert" / "users.sql").write_text("DROP TABLE users;\n", encoding="utf-8")
    (tmp_path / "revert" / "add_phone.sql").write_text("ALTER TABLE users DROP COLUMN phone;\n", encoding="utf-8")
    (tmp_path / "verify" / "users.sql").write_text("SELECT id FROM users WHERE FALSE;\n", encoding="utf-8")
    code, out, err = run(
        "document", str(tmp_path), "--backend", "heuristic", "--dialect", "postgres", "--to", str(tmp_path / "deploy")
    )
    assert code == 0, err
    assert "+COMMENT ON COLUMN users.phone IS" in out and "+COMMENT ON TABLE users IS" in out
    assert "of users.sql to add_phone.sql that" in out  # the plan's order, deploy/ only


def test_a_folders_undo_files_are_neither_checked_nor_documented_in_place(tmp_path: Path) -> None:
    """A .down.sql that re-creates what its migration dropped is a rollback, not the schema: a
    folder's --check and in-place run leave it alone (named on its own, it is documented)."""
    (tmp_path / "000001_users.up.sql").write_text("CREATE TABLE users (id INTEGER);\n", encoding="utf-8")
    (tmp_path / "000002_drop_legacy.up.sql").write_text("SELECT 1;\n", encoding="utf-8")
    restore = "CREATE TABLE legacy (id INTEGER, payload VARCHAR);\n"
    (tmp_path / "000002_drop_legacy.down.sql").write_text(restore, encoding="utf-8")
    code, out, _ = run("document", str(tmp_path), "--check", "--dialect", "postgres")
    assert code == 1 and "users" in out and "legacy" not in out
    code, _, err = run("document", str(tmp_path), "--backend", "heuristic", "--dialect", "postgres", "--write")
    assert code == 0, err
    assert (tmp_path / "000002_drop_legacy.down.sql").read_text(encoding="utf-8") == restore
    code, out, _ = run("document", str(tmp_path / "000002_drop_legacy.down.sql"), "--check", "--dialect", "postgres")
    assert code == 1 and "legacy" in out


def test_schemachanges_always_scripts_run_after_its_repeatable_ones_and_are_documented_in_place(
    tmp_path: Path,
) -> None:
    """schemachange (Snowflake) runs V1.1__ scripts in version order, then R__ ones, then A__ ones
    (always, on every deploy): an A__ script's comment counts for the tables before it, and with
    --to it is documented in place, not in the new versioned script."""
    (tmp_path / "V1.1__init.sql").write_text("CREATE TABLE orders (id INTEGER, total NUMBER);\n", encoding="utf-8")
    (tmp_path / "A__comments.sql").write_text("COMMENT ON COLUMN orders.total IS 'In cents.';\n", encoding="utf-8")
    (tmp_path / "R__views.sql").write_text("CREATE OR REPLACE VIEW big AS SELECT id FROM orders;\n", encoding="utf-8")
    assert [p.name for p in sql_files(tmp_path)] == ["V1.1__init.sql", "R__views.sql", "A__comments.sql"]
    assert next_name(tmp_path) == "V1.2__document_comments.sql"
    code, out, _ = run("document", str(tmp_path), "--check", "--dialect", "snowflake")
    assert code == 1 and "table orders: no description; 1 of 2 columns without a comment: id" in out
    (tmp_path / "A__comments.sql").write_text("CREATE VIEW totals AS SELECT total FROM orders;\n", encoding="utf-8")
    code, out, err = run(
        "document", str(tmp_path), "--backend", "heuristic", "--dialect", "snowflake", "--to", str(tmp_path)
    )
    assert code == 0, err
    assert "A__comments.sql: a repeatable migration: documented in place" in err
    assert f"+++ b/{tmp_path / 'A__comments.sql'}" in out
    assert "totals" not in out.split(f"+++ b/{tmp_path / 'V1.2__document_comments.sql'}")[1]
