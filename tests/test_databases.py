"""Live databases: a real PostgreSQL server (Debian's, started here), real DuckDB and SQLite files.

`sqlscribe document <url>` reads the tables, prints the COMMENT ON statements that add what they
lack, and with --write runs them in one transaction and reads the comments back.
"""

from __future__ import annotations

import contextlib
import functools
import glob
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import psycopg
import pytest
from in_process import run

from sqlscribe import doctrine_entities
from sqlscribe.databases import POSTGRES_RESERVED, DatabaseError, connect, document_database, masked, quote
from sqlscribe.ddl import parse_sql
from sqlscribe.ddl.model import BOOKKEEPING_TABLES
from sqlscribe.django_models import read_models
from sqlscribe.generate import HeuristicBackend
from sqlscribe.migrations import plan_in_folder
from sqlscribe.prisma_schema import read_schema as read_prisma
from sqlscribe.rails_schema import read_migration
from sqlscribe.sqlalchemy_models import read_mapped
from sqlscribe.typeorm_entities import read_entities

SCHEMA = """
CREATE SCHEMA shop;
CREATE TYPE shop.mood AS ENUM ('ok', 'sad');
CREATE TABLE shop.customers (
    id bigserial PRIMARY KEY,
    "Full Name" text NOT NULL,
    "order" integer,
    tags text[],
    mood shop.mood DEFAULT 'ok'
);
CREATE TABLE shop.orders (
    order_id integer GENERATED ALWAYS AS IDENTITY,
    customer_id bigint NOT NULL REFERENCES shop.customers (id),
    total_cents integer CHECK (total_cents >= 0),
    placed_at timestamp with time zone DEFAULT now(),
    PRIMARY KEY (order_id)
);
CREATE TABLE shop.events (id int, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE shop.events_2026 PARTITION OF shop.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE VIEW shop.big_orders AS SELECT * FROM shop.orders WHERE total_cents > 10000;
CREATE TABLE public.notes (body text);
CREATE TABLE public.empty ();
COMMENT ON COLUMN shop.orders.total_cents IS 'Order total in cents, it''s tax included.';
"""


def _postgres_program(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(f"{folder}/{name}"):
            return f"{folder}/{name}"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on a Unix socket (and 127.0.0.1); its URL, by the socket."""
    initdb, pg_ctl = _postgres_program("initdb"), _postgres_program("pg_ctl")
    if initdb is None or pg_ctl is None:
        pytest.skip("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="sqlscribe-pg-"))
    as_owner: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        shutil.chown(root, "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", _free_port()
    subprocess.run(
        [*as_owner, initdb, "-D", str(data), "-U", "sqlscribe", "--auth=trust", "-E", "UTF8", "--no-sync"],
        check=True,
        capture_output=True,
    )
    # A Unix socket, and the loopback address for clients that take no socket (Liquibase's JDBC driver)
    options = f"-k {root} -c listen_addresses=127.0.0.1 -p {port} -c fsync=off"
    start = [*as_owner, pg_ctl, "-D", str(data), "-l", str(root / "log"), "-o", options, "-w", "start"]
    subprocess.run(start, check=True, capture_output=True)
    try:
        yield f"postgresql://sqlscribe@/postgres?host={root}&port={port}"
    finally:
        subprocess.run([*as_owner, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg(server: str) -> Iterator[str]:
    """A fresh database holding SCHEMA; its URL."""
    name = f"shop_{os.urandom(4).hex()}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}".encode())
    url = server.replace("/postgres?", f"/{name}?")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(SCHEMA.encode())
    yield url
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)".encode())


def comments(url: str) -> dict[str, str]:
    """Every comment on a table or column outside the system schemas, as the catalog holds it."""
    query = """
        SELECT n.nspname || '.' || c.relname || coalesce('.' || a.attname, ''), d.description
        FROM pg_description d
        JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0
        WHERE n.nspname IN ('shop', 'public')
    """
    with psycopg.connect(url) as conn:
        return dict(conn.execute(query.encode()).fetchall())


def test_postgres_prints_the_statements_then_writes_and_reads_them_back(pg: str) -> None:
    before = comments(pg)
    code, out, err = run("document", pg, "--backend", "heuristic")
    assert code == 0, err
    assert comments(pg) == before  # without --write nothing is written
    lines = out.splitlines()
    assert lines[0].startswith("-- postgresql://sqlscribe@/shop_")
    statements = lines[1:]
    # Ordinary tables and the partitioned parent, not the partition; the view with COMMENT ON VIEW.
    assert {s.split(" IS ")[0].rsplit(" ", 1)[-1] for s in statements if s.startswith("COMMENT ON TABLE")} == {
        "public.notes",
        "shop.customers",
        "shop.events",
        "shop.orders",
    }
    assert 'COMMENT ON COLUMN shop.customers."Full Name" IS ' in out
    assert "shop.orders.total_cents" not in out  # its author's comment is kept
    assert "COMMENT ON COLUMN shop.orders.customer_id IS 'Reference to the customer (shop.customers.id).';" in out
    assert "COMMENT ON VIEW shop.big_orders IS 'Big orders: a view of shop.orders.';" in out
    # The view's column that copies the commented one says what its author wrote.
    assert "COMMENT ON COLUMN shop.big_orders.total_cents IS 'Order total in cents, it''s tax included.';" in out

    code, _, err = run("document", pg, "--backend", "heuristic", "--write")
    assert code == 0, err
    after = comments(pg)
    assert after["shop.orders.total_cents"] == "Order total in cents, it's tax included."
    assert after["shop.big_orders.total_cents"] == "Order total in cents, it's tax included."
    assert after["shop.big_orders.placed_at"] == "Timestamp when the order was placed."
    assert after["shop.customers.Full Name"] == "Full name of the customer."
    assert after["shop.orders.customer_id"] == "Reference to the customer (shop.customers.id)."
    assert len(after) == len(before) + len(statements)
    # A second run finds every table documented.
    code, out, err = run("document", pg, "--backend", "heuristic", "--write")
    assert code == 0 and out == "" and "documented 0 tables" in err


def test_postgres_schema_filter_and_overwrite(pg: str) -> None:
    code, _, err = run("document", pg, "--backend", "heuristic", "--schema", "public", "--write")
    assert code == 0, err
    assert set(comments(pg)) == {"shop.orders.total_cents", "public.notes", "public.notes.body"}
    code, out, err = run("document", pg, "--backend", "heuristic", "--schema", "shop", "--overwrite-existing")
    assert code == 0, err
    (replaced,) = [line for line in out.splitlines() if line.startswith("COMMENT ON COLUMN shop.orders.total_cents ")]
    assert "tax included" not in replaced  # the model's text replaces the author's


def test_a_failing_statement_writes_nothing(pg: str) -> None:
    db = connect(pg, write=True)
    try:
        with pytest.raises(DatabaseError, match="nothing written"):
            db.execute(["COMMENT ON TABLE public.notes IS 'kept?';", "COMMENT ON TABLE public.missing IS 'x';"])
        assert "public.notes" not in comments(pg)
        outcome = document_database(db, HeuristicBackend(), schemas=["public"], write=True)
        assert outcome.written and outcome.problems == []
        assert comments(pg)["public.notes"] == outcome.outcome.tables[0].docs.description
    finally:
        db.close()


def test_names_postgresql_reserves_are_quoted_and_the_ddl_runs_again(pg: str) -> None:
    """The DDL read from the catalog is valid PostgreSQL, even for columns named by reserved words
    (`order`, `user`), which sqlglot reads alone as plain names: executed after the schema is
    dropped, it makes the same tables again."""
    with psycopg.connect(pg, autocommit=True) as conn:
        reserved = {w for (w,) in conn.execute(b"SELECT word FROM pg_get_keywords() WHERE catcode IN ('R', 'T')")}
        conn.execute(b'CREATE SCHEMA kw; CREATE TABLE kw."order" ("order" int, "user" text, "select" int, amount int)')
    assert reserved <= POSTGRES_RESERVED, reserved - POSTGRES_RESERVED
    assert all(quote(word, "postgres") == f'"{word}"' for word in reserved)
    assert quote("amount", "postgres") == "amount"
    db = connect(pg)
    try:
        ddl = db.ddl(["kw"])
    finally:
        db.close()
    assert 'CREATE TABLE kw."order"' in ddl and '"user" text' in ddl and "amount integer" in ddl
    with psycopg.connect(pg, autocommit=True) as conn:
        conn.execute(b"DROP SCHEMA kw CASCADE; CREATE SCHEMA kw")
        conn.execute(ddl.encode())
        columns = conn.execute(
            b"SELECT attname FROM pg_attribute WHERE attrelid = 'kw.\"order\"'::regclass AND attnum > 0 ORDER BY attnum"
        ).fetchall()
    assert [c for (c,) in columns] == ["order", "user", "select", "amount"]


def test_connection_errors_are_one_line_and_hide_the_password() -> None:
    url = f"postgresql://bob:s3cret@127.0.0.1:{_free_port()}/nowhere"
    assert masked(url) == f"postgresql://bob:***@127.0.0.1:{url.split(':')[3]}"
    code, out, err = run("document", url, "--backend", "heuristic")
    assert code == 1 and out == ""
    assert "cannot connect" in err and "s3cret" not in err and "Traceback" not in err


def test_duckdb_file(tmp_path: Path) -> None:
    path = tmp_path / "trips.db"
    with duckdb.connect(str(path)) as con:
        con.execute(
            'CREATE TABLE trips (trip_id INTEGER PRIMARY KEY, fare_amt DECIMAL(8, 2), "from" VARCHAR);'
            "CREATE SCHEMA raw; CREATE TABLE raw.zones (zone_id INTEGER, borough VARCHAR);"
            "COMMENT ON COLUMN trips.fare_amt IS 'Fare in dollars.';"
            "CREATE VIEW dear_trips AS SELECT * FROM trips WHERE fare_amt > 50;"
        )
    code, out, err = run("document", f"duckdb:{path}", "--backend", "heuristic", "--schema", "main")
    assert code == 0, err
    assert "COMMENT ON TABLE main.trips IS 'Trips, one row per trip.';" in out and "raw.zones" not in out
    code, _, err = run("document", f"duckdb:{path}", "--backend", "heuristic", "--write")
    assert code == 0, err
    with duckdb.connect(str(path), read_only=True) as con:
        got = dict(
            con.execute("SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'trips'").fetchall()
        )
        zones = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'zones'").fetchone()
        view = con.execute("SELECT comment FROM duckdb_views() WHERE view_name = 'dear_trips'").fetchone()
        view_columns = dict(
            con.execute("SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'dear_trips'").fetchall()
        )
    assert got == {
        "trip_id": "Unique identifier of the trip.",
        "fare_amt": "Fare in dollars.",
        "from": "From of the trip.",
    }
    assert zones == ("Zones, one row per zone.",)
    # A view over `*`, which DuckDB keeps as written: each column is its table's.
    assert view == ("Dear trips: a view of trips.",)
    assert view_columns == got
    # A file that is not there is an error, and is not created.
    code, _, err = run("document", f"duckdb:{tmp_path / 'none.db'}", "--backend", "heuristic")
    assert code == 1 and "no such database file" in err and not (tmp_path / "none.db").exists()


@pytest.mark.model
def test_the_embedded_model_documents_a_live_database(pg: str) -> None:
    code, _, err = run("document", pg, "--schema", "public", "--write", "--no-cache")
    assert code == 0, err
    got = comments(pg)
    assert {"public.notes", "public.notes.body"} <= set(got) and all(t.strip() for t in got.values())


SQLITE_SCHEMA = """
CREATE TABLE notes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  title TEXT NOT NULL, -- what the note is about
  body TEXT
);
CREATE TABLE "tag links" (note_id INTEGER REFERENCES notes (id), tag TEXT, PRIMARY KEY (note_id, tag)) WITHOUT ROWID;
CREATE INDEX notes_title ON notes (title);
CREATE VIEW recent AS SELECT * FROM notes;
CREATE VIRTUAL TABLE search USING fts5(body);
INSERT INTO notes (title, body) VALUES ('first', 'it''s here');
INSERT INTO "tag links" VALUES (1, 'x');
"""


def _schema(path: Path) -> dict[str, str]:
    with contextlib.closing(sqlite3.connect(path)) as con:
        return dict(con.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall())


def test_sqlite_file_is_documented_in_its_stored_schema(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    with contextlib.closing(sqlite3.connect(path)) as con:
        con.executescript(SQLITE_SCHEMA)
    before, raw = _schema(path), path.read_bytes()
    code, out, err = run("document", f"sqlite:{path}", "--backend", "heuristic")
    assert code == 0, err
    assert path.read_bytes() == raw  # without --write the file is not touched
    assert out.count("UPDATE sqlite_master SET sql = ") == 2  # the two tables: not the FTS index's own

    code, _, err = run("document", f"sqlite:{path}", "--backend", "heuristic", "--write")
    assert code == 0, err
    after = _schema(path)
    assert set(after) == set(before)
    assert {name for name in after if after[name] != before[name]} == {"notes", "tag links"}
    (notes, links) = (t for t in parse_sql(after["notes"] + ";\n" + after["tag links"], "sqlite").tables)
    assert notes.comment is not None and notes.comment.text == "Notes, one row per note."
    assert {c.name: c.comment.text for c in notes.columns if c.comment} == {
        "id": "Unique identifier of the note.",
        "title": "what the note is about",  # the author's, kept
        "body": "Body of the note.",
    }
    assert all(c.comment is not None for c in links.columns)
    # SQLite itself reads the new schema: the data, the keys and the file are whole.
    with contextlib.closing(sqlite3.connect(path)) as con:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("SELECT title, body FROM recent").fetchall() == [("first", "it's here")]
        con.execute("PRAGMA foreign_keys = ON")
        with pytest.raises(sqlite3.IntegrityError):
            con.execute("INSERT INTO \"tag links\" VALUES (99, 'y')")
    code, out, err = run("document", f"sqlite:{path}", "--backend", "heuristic", "--write")
    assert code == 0 and out == "" and "documented 0 tables" in err


def test_sqlite_a_text_sqlite_rejects_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    with contextlib.closing(sqlite3.connect(path)) as con:
        con.executescript(SQLITE_SCHEMA)
    before = _schema(path)
    db = connect(f"sqlite:{path}", write=True)
    try:
        with pytest.raises(DatabaseError, match="nothing written: malformed database schema"):
            db.execute(
                [
                    "UPDATE sqlite_master SET sql = 'CREATE TABLE notes (id INTEGER /* x */)' WHERE name = 'notes';",
                    "UPDATE sqlite_master SET sql = 'CREATE TABLE \"tag links\" (note_id /* open'"
                    " WHERE name = 'tag links';",
                ]
            )
        assert _schema(path) == before
        with pytest.raises(DatabaseError, match="one schema, main"):
            document_database(db, HeuristicBackend(), schemas=["other"])
    finally:
        db.close()
    code, _, err = run("document", f"sqlite:{tmp_path / 'none.db'}", "--backend", "heuristic")
    assert code == 1 and "no such database file" in err and not (tmp_path / "none.db").exists()


VIEWS = """CREATE SCHEMA reports;
CREATE TABLE reports.orders (
    id int PRIMARY KEY,
    cust_id int,
    total numeric(10, 2),
    "Placed At" timestamptz
);
COMMENT ON COLUMN reports.orders.total IS 'Amount charged, tax included, in euros.';
CREATE VIEW reports.recent_orders AS
SELECT o.id, o.cust_id AS customer_id, o.total, o."Placed At" FROM reports.orders o
WHERE o."Placed At" > now() - interval '7 days';
CREATE MATERIALIZED VIEW reports.order_totals AS
SELECT cust_id, sum(total) AS total_spent, count(*) n FROM reports.orders GROUP BY cust_id;
CREATE VIEW reports.every_order AS SELECT * FROM reports.orders;
"""


def test_a_documented_file_of_views_runs_in_postgresql_and_its_comments_read_back(pg: str, tmp_path: Path) -> None:
    path = tmp_path / "reports.sql"
    path.write_text(VIEWS, encoding="utf-8")
    code, _, err = run("document", str(path), "--backend", "heuristic", "--write")
    assert code == 0, err
    documented = path.read_text(encoding="utf-8")
    assert "COMMENT ON MATERIALIZED VIEW reports.order_totals IS" in documented
    with psycopg.connect(pg, autocommit=True) as conn:
        conn.execute(documented.encode())
    query = """
        SELECT c.relname || coalesce('.' || a.attname, ''), d.description
        FROM pg_description d
        JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'reports'
        LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0
        WHERE c.relkind IN ('v', 'm')
    """
    with psycopg.connect(pg) as conn:
        got = dict(conn.execute(query.encode()).fetchall())
    # Every column of both views and the view over *, as the database named them.
    assert set(got) == {
        "recent_orders",
        "recent_orders.id",
        "recent_orders.customer_id",
        "recent_orders.total",
        "recent_orders.Placed At",
        "order_totals",
        "order_totals.cust_id",
        "order_totals.total_spent",
        "order_totals.n",
        "every_order",
        "every_order.id",
        "every_order.cust_id",
        "every_order.total",
        "every_order.Placed At",
    }
    assert got["recent_orders.total"] == got["every_order.total"] == "Amount charged, tax included, in euros."
    assert got["recent_orders.id"] == "Unique identifier of the order."
    assert got["order_totals"] == "Order totals: a materialized view of reports.orders, one row per customer."
    # Run again, the file is unchanged.
    code, _, err = run("document", str(path), "--backend", "heuristic", "--write")
    assert code == 0 and path.read_text(encoding="utf-8") == documented, err


def test_a_documented_foreign_table_runs_in_postgresql_which_wants_comment_on_foreign_table(
    pg: str, tmp_path: Path
) -> None:
    path = tmp_path / "remote.sql"
    path.write_text(
        "CREATE EXTENSION IF NOT EXISTS file_fdw;\nCREATE SERVER IF NOT EXISTS files FOREIGN DATA WRAPPER file_fdw;\n"
        "CREATE FOREIGN TABLE IF NOT EXISTS public.rates_feed (\n    currency_cd char(3) NOT NULL,\n"
        "    rate numeric\n)\n"
        "SERVER files OPTIONS (filename '/dev/null', format 'csv');\n",
        encoding="utf-8",
    )
    code, _, err = run("document", str(path), "--backend", "heuristic", "--write")
    assert code == 0, err
    documented = path.read_text(encoding="utf-8")
    assert "COMMENT ON FOREIGN TABLE public.rates_feed IS" in documented
    with psycopg.connect(pg, autocommit=True) as conn:
        conn.execute(documented.encode())
        described = conn.execute(b"SELECT obj_description('public.rates_feed'::regclass, 'pg_class')").fetchone()
        columns = conn.execute(
            b"SELECT col_description('public.rates_feed'::regclass, n) FROM generate_series(1, 2) AS n"
        ).fetchall()
    assert described is not None and described[0] and all(text for (text,) in columns)
    code, _, err = run("document", str(path), "--backend", "heuristic", "--check")
    assert code == 0, err


def test_documented_migrations_run_in_postgresql_in_order_and_their_comments_read_back(pg: str, tmp_path: Path) -> None:
    """A migrations folder: the CREATE in one file, columns added by ALTER TABLE in the next."""
    (tmp_path / "V1__orders.sql").write_text(
        "CREATE SCHEMA mig;\nCREATE TABLE mig.orders (order_id bigint PRIMARY KEY, placed_at timestamptz);\n"
        "COMMENT ON TABLE mig.orders IS 'A customer order.';\n",
        encoding="utf-8",
    )
    (tmp_path / "V2__discounts.sql").write_text(
        "ALTER TABLE IF EXISTS mig.orders\n"
        "    ADD COLUMN IF NOT EXISTS discount_pct numeric(5, 2) DEFAULT 0,\n"
        "    ADD CONSTRAINT discount_range CHECK (discount_pct BETWEEN 0 AND 100),\n"
        "    ADD COLUMN coupon_cd text;\n"
        "COMMENT ON COLUMN mig.orders.coupon_cd IS 'Code of the coupon redeemed.';\n",
        encoding="utf-8",
    )
    code, _, err = run("document", str(tmp_path), "--backend", "heuristic", "--write")
    assert code == 0, err
    with psycopg.connect(pg, autocommit=True) as conn:
        for name in ("V1__orders.sql", "V2__discounts.sql"):
            conn.execute((tmp_path / name).read_text(encoding="utf-8").encode())
    query = """
        SELECT coalesce(a.attname, ''), d.description
        FROM pg_description d
        JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass AND c.relname = 'orders'
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'mig'
        LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0
    """
    with psycopg.connect(pg) as conn:
        got = dict(conn.execute(query.encode()).fetchall())
    assert got == {
        "": "A customer order.",
        "order_id": "Unique identifier of the order.",
        "placed_at": "Timestamp when the order was placed.",
        "discount_pct": "Discount of the order as a percentage.",
        "coupon_cd": "Code of the coupon redeemed.",
    }
    code, _, err = run("document", str(tmp_path), "--check")
    assert code == 0 and "1 table and 1 ALTER TABLE checked" in err, err


def test_a_new_migration_documents_the_folder_as_postgresql_runs_it(pg: str, tmp_path: Path) -> None:
    """`--to`: the applied migrations stay as they are; the new one, run after them, comments the
    tables as they are now: a renamed table (which keeps its schema) and column by their new names,
    a dropped one not at all."""
    (tmp_path / "V1__init.sql").write_text(
        "CREATE SCHEMA mig;\n"
        "CREATE TABLE mig.customers (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE);\n"
        "CREATE TABLE mig.scratch (x int);\n"
        "CREATE TABLE mig.orders (order_id bigint PRIMARY KEY, customer_id bigint REFERENCES mig.customers (id),"
        " amt numeric(10, 2), st text);\n"
        "COMMENT ON COLUMN mig.orders.order_id IS 'Order number, as printed on the invoice.';\n",
        encoding="utf-8",
    )
    (tmp_path / "V2__reshape.sql").write_text(
        "DROP TABLE mig.scratch;\n"
        "ALTER TABLE mig.customers RENAME TO clients;\n"
        "ALTER TABLE mig.orders RENAME COLUMN amt TO total_amount;\n"
        "ALTER TABLE mig.orders DROP COLUMN st, ADD COLUMN shipped_at timestamptz;\n"
        "CREATE VIEW mig.client_orders AS SELECT customer_id, count(*) AS order_count FROM mig.orders"
        " GROUP BY customer_id;\n",
        encoding="utf-8",
    )
    applied = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    target = tmp_path / "V3__document.sql"
    code, _, err = run("document", str(tmp_path), "--backend", "heuristic", "--to", str(target), "--write")
    assert code == 0, err
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p != target} == applied
    with psycopg.connect(pg, autocommit=True) as conn:
        for name in ("V1__init.sql", "V2__reshape.sql", "V3__document.sql"):
            conn.execute((tmp_path / name).read_text(encoding="utf-8").encode())
    query = """
        SELECT c.relname || coalesce('.' || a.attname, ''), d.description
        FROM pg_description d
        JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'mig'
        LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0
    """
    with psycopg.connect(pg) as conn:
        got = dict(conn.execute(query.encode()).fetchall())
    assert set(got) == {
        "clients",
        "clients.id",
        "clients.email",
        "orders",
        "orders.order_id",
        "orders.customer_id",
        "orders.total_amount",
        "orders.shipped_at",
        "client_orders",
        "client_orders.customer_id",
        "client_orders.order_count",
    }
    assert got["orders.order_id"] == "Order number, as printed on the invoice."
    code, out, err = run("document", str(tmp_path), "--check")
    assert code == 0, out + err


def test_a_live_databases_missing_comments_go_into_a_new_migration(pg: str, tmp_path: Path) -> None:
    """`document postgresql://… --to migrations/`: the statements go into the folder's next
    migration for the migration tool to run, and the database is left as it is until it does."""
    (tmp_path / "V1__shop.sql").write_text(SCHEMA, encoding="utf-8")
    before = comments(pg)
    code, out, err = run("document", pg, "--backend", "heuristic", "--to", str(tmp_path), "--write")
    assert code == 0, err
    assert out == "" and comments(pg) == before  # nothing run
    written = (tmp_path / "V2__document_comments.sql").read_text(encoding="utf-8")
    assert written.startswith(f"-- Describes the tables and columns of {masked(pg)} that it lacks,\n")
    assert "COMMENT ON COLUMN shop.customers.id IS" in written
    with psycopg.connect(pg, autocommit=True) as conn:
        conn.execute(written.encode())
    assert len(comments(pg)) > len(before)
    code, out, err = run("document", "--check", pg)
    assert code == 0, out + err
    code, _, err = run("document", pg, str(tmp_path / "V1__shop.sql"), "--backend", "heuristic", "--to", str(tmp_path))
    assert code == 2 and "not both" in err


def test_a_live_databases_new_migration_in_dbmates_form_is_undone_by_its_down_section(pg: str, tmp_path: Path) -> None:
    """In a dbmate folder the new migration has its up and down sections; PostgreSQL runs the up
    section, then the down section leaves every comment as the database had it: those added are
    gone, the one replaced (--overwrite-existing) is back."""
    (tmp_path / "20240101000000_shop.sql").write_text("-- migrate:up\nSELECT 1;\n\n-- migrate:down\n", encoding="utf-8")
    before = comments(pg)
    code, _, err = run(
        "document", pg, "--backend", "heuristic", "--to", str(tmp_path), "--write", "--overwrite-existing"
    )
    assert code == 0, err
    (written,) = [p for p in tmp_path.iterdir() if p.name != "20240101000000_shop.sql"]
    up, down = written.read_text(encoding="utf-8").split("-- migrate:down\n")
    assert up.startswith("-- migrate:up\n-- Describes the tables and columns of ")
    with psycopg.connect(pg, autocommit=True) as conn:
        conn.execute(up.encode())
    after = comments(pg)
    assert len(after) > len(before) and after["shop.orders.total_cents"] != before["shop.orders.total_cents"]
    with psycopg.connect(pg, autocommit=True) as conn:
        conn.execute(down.encode())
    assert comments(pg) == before


def schema_comments(url: str, schema: str = "public") -> dict[str, str]:
    """Every comment on a table or column of ``schema``, by ``table`` or ``table.column``."""
    query = (
        "SELECT c.relname || coalesce('.' || a.attname, ''), d.description FROM pg_description d"
        " JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass"
        " LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0"
        f" WHERE c.relnamespace = '{schema}'::regnamespace"
    )
    with psycopg.connect(url) as conn:
        return dict(conn.execute(query.encode()).fetchall())


def documentable(url: str) -> set[str]:
    """Every table and column of the public schema but a migration tool's own, by ``table`` or
    ``table.column``: what a documented database comments."""
    query = "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
    with psycopg.connect(url) as conn:
        rows = [(t, c) for t, c in conn.execute(query.encode()).fetchall() if t.lower() not in BOOKKEEPING_TABLES]
    return {t for t, _ in rows} | {f"{t}.{c}" for t, c in rows}


@contextlib.contextmanager
def scratch_database(server: str, prefix: str) -> Iterator[tuple[str, str]]:
    """An empty database on the server, dropped afterwards: its name and URL."""
    name = f"{prefix}_{os.urandom(4).hex()}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}".encode())
    try:
        yield name, server.replace("/postgres?", f"/{name}?")
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {name} WITH (FORCE)".encode())


def tool_runner(*prefix: str, suffix: tuple[str, ...] = (), timeout: int = 300, **options: Any) -> Callable[..., str]:
    """A migration tool's command: run with more arguments (between ``prefix`` and ``suffix``;
    ``options`` for ``subprocess.run``), it must succeed; what it printed comes back."""

    def run_tool(*args: str) -> str:
        command = [*prefix, *args, *suffix]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, **options)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout + done.stderr

    return run_tool


TOOLS = Path(__file__).parent / "tools"  # migration tools from npm, exact versions in its package.json


@pytest.fixture(scope="module")
def tools() -> Path:
    """The migration tools of tests/tools installed from npm; their node_modules folder."""
    npm = shutil.which("npm")
    assert npm is not None, "npm is needed to install the migration tools for the tests (Node.js 20+)"
    installed = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund"], cwd=TOOLS, capture_output=True, text=True, timeout=900
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return TOOLS / "node_modules"


@pytest.fixture(scope="module")
def dbmate(tools: Path) -> str:
    """dbmate's own binary (npm's dbmate package)."""
    return str(tools / ".bin" / "dbmate")


@pytest.fixture(scope="module")
def liquibase(tools: Path) -> str:
    """Liquibase's own command (npm's liquibase package ships its distribution), on the machine's Java."""
    if shutil.which("java") is None:
        pytest.skip("Liquibase runs on Java (Debian: apt-get install default-jre-headless)")
    return str(tools / "liquibase" / "dist" / "liquibase" / "liquibase")


def test_dbmate_runs_the_new_migration_and_rolls_it_back(server: str, dbmate: str, tmp_path: Path) -> None:
    """A dbmate project documented with `--to`: dbmate itself applies the folder, then the new
    migration (which it would refuse without its `-- migrate:up`), and `dbmate rollback` runs its
    down section, which leaves the comments as they were. The folder's own down sections (a DROP
    TABLE each) are not read as its schema."""
    folder = tmp_path / "db" / "migrations"
    folder.mkdir(parents=True)
    (folder / "20240101000000_create_customers.sql").write_text(
        "-- migrate:up\nCREATE TABLE customers (id bigserial PRIMARY KEY, mail text NOT NULL, plan text);\n"
        "COMMENT ON COLUMN customers.plan IS 'Billing plan: free, pro or team.';\n\n"
        "-- migrate:down\nDROP TABLE customers;\n",
        encoding="utf-8",
    )
    (folder / "20240102000000_create_orders.sql").write_text(
        "-- migrate:up\nCREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint REFERENCES customers (id),"
        " total_cents integer NOT NULL);\nALTER TABLE customers RENAME COLUMN mail TO email;\n\n"
        "-- migrate:down\nALTER TABLE customers RENAME COLUMN email TO mail;\nDROP TABLE orders;\n",
        encoding="utf-8",
    )
    with scratch_database(server, "dbmate") as (name, url):
        host, port = url.split("host=")[1].split("&port=")
        env = {**os.environ, "DATABASE_URL": f"postgres://sqlscribe@/{name}?host={host}&port={port}&sslmode=disable"}

        run_dbmate = tool_runner(dbmate, "--migrations-dir", str(folder), "--no-dump-schema", env=env)
        run_dbmate("up")
        before = schema_comments(url)
        code, _, err = run("document", str(folder), "--backend", "heuristic", "--to", str(folder), "--write")
        assert code == 0, err
        (new,) = [p for p in folder.iterdir() if not p.name.startswith("2024")]
        assert "Applying: " + new.name in run_dbmate("up")
        documented = schema_comments(url)
        assert set(documented) == documentable(url)
        assert documented["customers.plan"] == before["customers.plan"] == "Billing plan: free, pro or team."
        assert "Rolling back: " + new.name in run_dbmate("rollback")
        assert schema_comments(url) == before
    code, out, err = run("document", str(folder), "--check")
    assert code == 0, out + err


def test_node_pg_migrate_runs_the_new_sql_migration_and_rolls_it_back(server: str, tools: Path, tmp_path: Path) -> None:
    """node-pg-migrate's SQL migrations keep their undo after `-- Down Migration`: the folder's own
    (a DROP TABLE each) are no part of its schema, and the new migration, named with the
    milliseconds since 1970 as its files are, has both sections. node-pg-migrate itself runs it up,
    then down, which leaves the comments as they were."""
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "1706702400000_create-customers.sql").write_text(
        "-- Up Migration\nCREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL, plan text);\n"
        "COMMENT ON COLUMN customers.plan IS 'Billing plan: free, pro or team.';\n\n"
        "-- Down Migration\nDROP TABLE customers;\n",
        encoding="utf-8",
    )
    (folder / "1706788800000_create-orders.sql").write_text(
        "-- Up Migration\nCREATE TABLE orders (id serial PRIMARY KEY, customer_id int REFERENCES customers (id));\n"
        "-- Down Migration\nDROP TABLE orders;\n",
        encoding="utf-8",
    )
    with scratch_database(server, "npgm") as (name, url):
        port = url.split("&port=")[1]
        env = {**os.environ, "DATABASE_URL": f"postgres://sqlscribe@127.0.0.1:{port}/{name}"}

        run_node_pg_migrate = tool_runner(
            str(tools / ".bin" / "node-pg-migrate"), "--migrations-dir", str(folder), env=env
        )
        run_node_pg_migrate("up")
        before = schema_comments(url)
        code, _, err = run("document", str(folder), "--backend", "heuristic", "--to", str(folder), "--write")
        assert code == 0, err
        (new,) = [p for p in folder.iterdir() if not p.name.startswith("1706")]
        assert re.fullmatch(r"\d{13}_document_comments\.sql", new.name) and new.name > "1706788800000", new.name
        assert f"### MIGRATION {new.stem} (UP) ###" in run_node_pg_migrate("up")
        documented = schema_comments(url)
        assert set(documented) == documentable(url)
        assert documented["customers.plan"] == before["customers.plan"] == "Billing plan: free, pro or team."
        run_node_pg_migrate("down")
        assert schema_comments(url) == before
    code, out, err = run("document", str(folder), "--check")
    assert code == 0, out + err


def test_sql_migrate_runs_the_new_migration_and_rolls_it_back(server: str, tmp_path: Path) -> None:
    """sql-migrate (Debian's) applies a documented folder's new migration, whose `-- +migrate Down`
    section it runs to roll back: the comments are as they were."""
    program = shutil.which("sql-migrate")
    if program is None:
        pytest.skip("sql-migrate is not installed (Debian: apt-get install sql-migrate)")
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "1_customers.sql").write_text(
        "-- +migrate Up\nCREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL);\n"
        "COMMENT ON COLUMN customers.email IS 'Where receipts go.';\n\n-- +migrate Down\nDROP TABLE customers;\n",
        encoding="utf-8",
    )
    (folder / "2_orders.sql").write_text(
        "-- +migrate Up\nCREATE TABLE orders (id serial PRIMARY KEY, customer_id int REFERENCES customers (id));\n"
        "-- +migrate Down\nDROP TABLE orders;\n",
        encoding="utf-8",
    )
    with scratch_database(server, "sqlmigrate") as (name, url):
        port = url.split("&port=")[1]
        (tmp_path / "dbconfig.yml").write_text(
            f"development:\n  dialect: postgres\n  dir: migrations\n  datasource: host=127.0.0.1 port={port}"
            f" dbname={name} user=sqlscribe sslmode=disable\n",
            encoding="utf-8",
        )
        run_sql_migrate = tool_runner(program, cwd=tmp_path)
        run_sql_migrate("up")
        before = schema_comments(url)
        code, _, err = run("document", str(folder), "--backend", "heuristic", "--to", str(folder), "--write")
        assert code == 0, err
        assert "Applied 1 migration" in run_sql_migrate("up")
        documented = schema_comments(url)
        assert set(documented) == documentable(url) and documented["customers.email"] == "Where receipts go."
        assert "3_document_comments.sql" in run_sql_migrate("status")
        run_sql_migrate("down")
        assert schema_comments(url) == before == {"customers.email": "Where receipts go."}


DJANGO_MODELS = """from django.conf import settings
from django.db import models


class Tag(models.Model):
    label = models.CharField(max_length=40)


class Order(models.Model):
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    total_cents = models.IntegerField(db_comment="Total, tax included, in cents.")
    placed_at = models.DateTimeField()
    tags = models.ManyToManyField(Tag)

    class Meta:
        db_table = "shop_orders"
"""


def django_project(app: Path, name: str, url: str) -> Callable[..., str]:
    """A Django project beside ``app`` (with DJANGO_MODELS, and a migrations package) that runs
    on the database ``name`` at ``url``: its ``python -m django`` command."""
    (app / "migrations").mkdir(parents=True)
    for init in (app / "__init__.py", app / "migrations" / "__init__.py"):
        init.write_text("", encoding="utf-8")
    (app / "models.py").write_text(DJANGO_MODELS, encoding="utf-8")
    port = url.split("&port=")[1]
    (app.parent / "settings.py").write_text(
        'SECRET_KEY = "test"\nINSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "shop"]\n'
        f'DATABASES = {{"default": {{"ENGINE": "django.db.backends.postgresql", "NAME": "{name}",'
        f' "USER": "sqlscribe", "HOST": "127.0.0.1", "PORT": "{port}"}}}}\n'
        'USE_TZ = True\nDEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"\n',
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(app.parent), "DJANGO_SETTINGS_MODULE": "settings"}
    return tool_runner(sys.executable, "-m", "django", env=env, cwd=app.parent)


def test_django_carries_documented_models_into_the_database(server: str, tmp_path: Path) -> None:
    """Models documented in place (`document shop/`): Django's checks find nothing wrong with what
    is written, `makemigrations` turns it into the app's next migration and `migrate` puts every
    comment written into the database, word for word; the database's comments are the models'."""
    app = tmp_path / "shop"
    with scratch_database(server, "djmodels") as (name, url):
        run_django = django_project(app, name, url)
        run_django("makemigrations", "shop")
        run_django("migrate")
        code, _, err = run("document", "--backend", "heuristic", "--write", str(tmp_path))
        assert code == 0, err
        assert "makemigrations" in err
        assert "System check identified no issues" in run_django("check")
        made = run_django("makemigrations", "shop")
        assert "0002_" in made and "Alter field placed_at on order" in made
        run_django("migrate")
        models = read_models(app / "models.py", (app / "models.py").read_text(encoding="utf-8"))
        written = {m.table: m for m in models.models}
        assert set(written) == {"shop_tag", "shop_orders"}
        expected = {t: m.comment for t, m in written.items()}
        expected |= {f"{t}.{f.column}": f.comment for t, m in written.items() for f in m.fields}
        assert None not in expected.values() and schema_comments(url) == expected
        assert expected["shop_orders.total_cents"] == "Total, tax included, in cents."  # the authors' own
        code, _, err = run("document", "--check", str(app))
        assert code == 0, err


def test_django_migrates_through_the_apps_new_migration_and_back(server: str, tmp_path: Path) -> None:
    """A live database documented into a Django app's migrations (`--to shop/migrations`): a
    RunSQL migration after the app's leaf, for the app's own tables alone (its models' tables, a
    db_table of their own and a many-to-many table included; not auth's). Django itself makes the
    app's first migration, migrates forward through the new one, finds no model change to make,
    and migrates back to the exact comments."""
    app = tmp_path / "shop"
    with scratch_database(server, "django") as (name, url):
        run_django = django_project(app, name, url)
        run_django("makemigrations", "shop")
        run_django("migrate")
        before = schema_comments(url)
        assert before == {"shop_orders.total_cents": "Total, tax included, in cents."}
        code, _, err = run("document", url, "--backend", "heuristic", "--to", str(app / "migrations"), "--write")
        assert code == 0, err
        assert "the app shop's migrations create 2 tables" in err
        new = app / "migrations" / "0002_document_comments.py"
        assert '("shop", "0001_initial"),' in new.read_text(encoding="utf-8")
        assert "Applying shop.0002_document_comments... OK" in run_django("migrate")
        documented = schema_comments(url)
        ours = {n for n in documentable(url) if n.split(".")[0] in ("shop_orders", "shop_orders_tags", "shop_tag")}
        assert set(documented) == ours and documented["shop_orders.total_cents"] == before["shop_orders.total_cents"]
        assert "No changes detected" in run_django("makemigrations", "--check", "--dry-run")
        assert "Unapplying shop.0002_document_comments... OK" in run_django("migrate", "shop", "0001")
        assert schema_comments(url) == before


FORMATTED = {
    "V1__customers.sql": "--liquibase formatted sql\n\n--changeset ana:1\n"
    "CREATE TABLE customers (id bigserial PRIMARY KEY, email text NOT NULL, plan text);\n"
    "COMMENT ON COLUMN customers.plan IS 'Billing plan: free, pro or team.';\n"
    "--rollback DROP TABLE customers;\n",
    "V2__orders.sql": "--liquibase formatted sql\n\n--changeset ana:2\n"
    "CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint REFERENCES customers (id),"
    " total_cents integer NOT NULL);\n--rollback DROP TABLE orders;\n",
}
PLAIN_SQL = {  # what changesets run with sqlFile
    name: "\n".join(line for line in text.splitlines()[3:] if not line.startswith("--rollback")) + "\n"
    for name, text in FORMATTED.items()
}
LIQUIBASE_PROJECTS = {
    "xml-includes": (
        "changelog.xml",
        FORMATTED,
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"\n'
        '    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"\n'
        '    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog'
        ' http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-4.20.xsd">\n'
        '    <include file="changes/V1__customers.sql" relativeToChangelogFile="true"/>\n'
        '    <include file="changes/V2__orders.sql" relativeToChangelogFile="true"/>\n'
        "</databaseChangeLog>\n",
    ),
    "yaml-sql-files": (
        "changelog.yaml",
        PLAIN_SQL,
        "databaseChangeLog:\n"
        + "".join(
            f"  - changeSet:\n      id: {n}\n      author: ana\n      changes:\n        - sqlFile:\n"
            f"            path: changes/{name}\n            relativeToChangelogFile: true\n"
            f"      rollback: DROP TABLE {table};\n"
            for n, name, table in ((1, "V1__customers.sql", "customers"), (2, "V2__orders.sql", "orders"))
        ),
    ),
    "json-includes": (
        "changelog.json",
        FORMATTED,
        '{\n  "databaseChangeLog": [\n'
        '    {"include": {"file": "changes/V1__customers.sql", "relativeToChangelogFile": true}},\n'
        '    {"include": {"file": "changes/V2__orders.sql", "relativeToChangelogFile": true}}\n  ]\n}\n',
    ),
    "json-sql-files": (
        "changelog.json",
        PLAIN_SQL,
        '{"databaseChangeLog": [\n'
        + ",\n".join(
            f'  {{"changeSet": {{"id": "{n}", "author": "ana", "changes": [{{"sqlFile": {{"path": "changes/{name}",'
            f' "relativeToChangelogFile": true}}}}], "rollback": [{{"sql": {{"sql": "DROP TABLE {table};"}}}}]}}}}'
            for n, name, table in ((1, "V1__customers.sql", "customers"), (2, "V2__orders.sql", "orders"))
        )
        + "\n]}\n",
    ),
}


@pytest.mark.parametrize("project", list(LIQUIBASE_PROJECTS))
def test_liquibase_updates_with_the_new_changeset_and_rolls_it_back(
    server: str, liquibase: str, tmp_path: Path, project: str
) -> None:
    """A Liquibase project documented with `--to`: Liquibase itself reads the edited changelog
    (XML, YAML or JSON; the folder's files included as formatted SQL, or run by changesets with
    sqlFile), applies the new changeset, and `rollback-count 1` leaves the comments as they were."""
    changelog, files, text = LIQUIBASE_PROJECTS[project]
    folder = tmp_path / "changes"
    folder.mkdir()
    for name, sql in files.items():
        (folder / name).write_text(sql, encoding="utf-8")
    (tmp_path / changelog).write_text(text, encoding="utf-8")
    with scratch_database(server, "liquibase") as (name, url):
        port = url.split("&port=")[1]

        run_liquibase = tool_runner(
            liquibase,
            "--show-banner=false",
            f"--changelog-file={changelog}",
            f"--url=jdbc:postgresql://127.0.0.1:{port}/{name}",
            "--username=sqlscribe",
            cwd=tmp_path,
        )
        run_liquibase("update")
        before = schema_comments(url)
        assert before == {"customers.plan": "Billing plan: free, pro or team."}
        code, _, err = run(
            "document", str(folder), "--backend", "heuristic", "--dialect", "postgres", "--to", str(folder), "--write"
        )
        assert code == 0 and f"wrote {tmp_path / changelog}, which runs it" in err, err
        assert "Update has been successful. Rows affected: 1" in run_liquibase("update")
        documented = schema_comments(url)
        assert set(documented) == documentable(url)
        assert documented["customers.plan"] == before["customers.plan"]
        run_liquibase("rollback-count", "--count=1")
        assert schema_comments(url) == before
    code, out, err = run("document", str(folder), "--check")
    assert code == 0, out + err


def test_yoyo_applies_the_new_migration_after_its_heads_and_rolls_it_back(server: str, tmp_path: Path) -> None:
    """A yoyo folder (files named as `yoyo new` names them, each with its `-- depends:` and a
    rollback file) documented with `--to`: the new migration is named as yoyo would name it, runs
    after every head, and its rollback file undoes it. yoyo itself applies and rolls back; its
    own tables are neither documented nor checked."""
    folder = tmp_path / "migrations"
    folder.mkdir()
    steps = {
        "20240105_01_AbCdE-create-customers": (
            "",
            "CREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL);\n"
            "COMMENT ON COLUMN customers.email IS 'Where receipts go.';",
            "DROP TABLE customers;",
        ),
        "20240106_01_FgHiJ-create-orders": (
            "20240105_01_AbCdE-create-customers",
            "CREATE TABLE orders (id serial PRIMARY KEY, customer_id int REFERENCES customers (id));",
            "DROP TABLE orders;",
        ),
        "20240106_02_KlMnO-add-plan": (
            "20240105_01_AbCdE-create-customers",
            "ALTER TABLE customers ADD COLUMN plan text;",
            "ALTER TABLE customers DROP COLUMN plan;",
        ),
    }
    for name, (depends, up, down) in steps.items():
        (folder / f"{name}.sql").write_text(f"-- {name}\n-- depends: {depends}\n\n{up}\n", encoding="utf-8")
        (folder / f"{name}.rollback.sql").write_text(down + "\n", encoding="utf-8")
    with scratch_database(server, "yoyo") as (name, url):
        port = url.split("&port=")[1]
        database = f"postgresql+psycopg://sqlscribe@127.0.0.1:{port}/{name}"

        run_yoyo = tool_runner(
            str(Path(sys.executable).with_name("yoyo")),
            suffix=("--batch", "--no-config-file", "--database", database, str(folder)),
        )
        run_yoyo("apply")
        before = schema_comments(url)
        assert before == {"customers.email": "Where receipts go."}
        code, _, err = run("document", str(folder), "--backend", "heuristic", "--to", str(folder), "--write")
        assert code == 0, err
        (new,) = [p for p in folder.glob("*.sql") if not p.name.startswith("2024") and ".rollback" not in p.name]
        assert re.fullmatch(r"\d{8}_01_[A-Za-z0-9]{5}-document-comments\.sql", new.name), new.name
        assert "-- depends: 20240106_01_FgHiJ-create-orders 20240106_02_KlMnO-add-plan\n" in new.read_text()
        assert new.with_name(new.stem + ".rollback.sql").is_file()
        run_yoyo("apply")
        listed = run_yoyo("list").splitlines()
        assert listed[-1].split()[:2] == ["A", new.stem]  # applied, after every other one
        documented = schema_comments(url)
        assert set(documented) == documentable(url)
        assert documented["customers.email"] == "Where receipts go."
        code, out, err = run("document", url, "--check")
        assert code == 0 and "yoyo" not in out + err, out + err  # its own tables: not asked for
        run_yoyo("rollback")
        assert schema_comments(url) == before
    code, out, err = run("document", str(folder), "--check")
    assert code == 0, out + err


def test_sqitch_deploys_the_new_change_in_plan_order_and_reverts_it(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Sqitch project: the plan, not the scripts' names, orders the changes (add_phone's ALTER
    knows the users table, though it sorts first by name); `--to deploy/` adds a change of its own
    (deploy, revert and verify scripts and a plan line), which Sqitch itself deploys and reverts on
    a real PostgreSQL server, leaving the comments as they were."""
    sqitch_command = shutil.which("sqitch")
    if sqitch_command is None:
        pytest.skip("Sqitch is not installed (Debian: apt-get install sqitch libdbd-pg-perl)")
    top = tmp_path / "shop"
    for folder in ("deploy", "revert", "verify"):
        (top / folder).mkdir(parents=True)
    (top / "sqitch.conf").write_text("[core]\n\tengine = pg\n", encoding="utf-8")
    (top / "sqitch.plan").write_text(
        "%syntax-version=1.0.0\n%project=shop\n\n"
        "users 2024-01-01T00:00:00Z Ana <ana@example.com> # Users.\n"
        "orders [users] 2024-01-02T00:00:00Z Ana <ana@example.com> # Orders.\n"
        "add_phone [users] 2024-01-03T00:00:00Z Ana <ana@example.com> # A phone number.\n",
        encoding="utf-8",
    )
    scripts = {
        "users": ("CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);", "DROP TABLE users;"),
        "orders": (
            "CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint REFERENCES users (id));\n"
            "COMMENT ON COLUMN orders.user_id IS 'Who placed the order.';",
            "DROP TABLE orders;",
        ),
        "add_phone": ("ALTER TABLE users ADD COLUMN phone text;", "ALTER TABLE users DROP COLUMN phone;"),
    }
    for change, (deploy, revert) in scripts.items():
        (top / "deploy" / f"{change}.sql").write_text(f"BEGIN;\n{deploy}\nCOMMIT;\n", encoding="utf-8")
        (top / "revert" / f"{change}.sql").write_text(f"BEGIN;\n{revert}\nCOMMIT;\n", encoding="utf-8")
        (top / "verify" / f"{change}.sql").write_text("SELECT 1;\n", encoding="utf-8")
    for key, value in {  # who plans the change, for Sqitch and for sqlscribe alike
        "SQITCH_USER_CONFIG": str(tmp_path / "none.conf"),
        "SQITCH_FULLNAME": "Ana",
        "SQITCH_EMAIL": "ana@example.com",
    }.items():
        monkeypatch.setenv(key, value)
    deploy = top / "deploy"
    alter = plan_in_folder(deploy / "add_phone.sql", scripts["add_phone"][0], None)
    (record,) = alter.parsed.tables
    assert record.base is not None and [c.name for c in record.base.columns] == ["id", "email"]
    with scratch_database(server, "sqitch") as (name, url):
        host, port = url.split("host=")[1].split("&port=")
        env = {**os.environ, "PGHOST": host, "PGPORT": port, "PGUSER": "sqlscribe"}

        def run_sqitch(*args: str) -> str:
            command = [sqitch_command, *args, f"db:pg:{name}"]
            done = subprocess.run(command, cwd=top, env=env, capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stdout + done.stderr
            return done.stdout

        run_sqitch("deploy")
        before = schema_comments(url)
        assert before == {"orders.user_id": "Who placed the order."}
        code, _, err = run("document", str(deploy), "--backend", "heuristic", "--to", str(deploy), "--write")
        assert code == 0, err
        assert (top / "revert" / "document_comments.sql").is_file()
        assert (top / "verify" / "document_comments.sql").is_file()
        plan = (top / "sqitch.plan").read_text(encoding="utf-8").splitlines()
        assert plan[-1].startswith("document_comments ") and "Ana <ana@example.com> # " in plan[-1]
        script = (deploy / "document_comments.sql").read_text(encoding="utf-8")
        assert script.startswith("-- Deploy shop:document_comments to pg\n")
        assert "+ document_comments" in run_sqitch("deploy")
        documented = schema_comments(url)
        assert set(documented) == documentable(url)
        assert documented["orders.user_id"] == "Who placed the order."
        run_sqitch("verify")
        assert "- document_comments" in run_sqitch("revert", "-y", "--to", "@HEAD^")
        assert schema_comments(url) == before
    code, out, err = run("document", str(deploy), "--check")
    assert code == 0, out + err


def _alembic(project: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "alembic", *args], cwd=project, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _alembic_project(project: Path, url: str) -> None:
    """``alembic init migrations`` in ``project``, its alembic.ini pointed at the database of
    ``url`` (a server's, by its socket)."""
    _alembic(project, "init", "migrations")
    host, port = url.split("host=")[1].split("&port=")
    database = url.split("/")[3].split("?")[0]
    ini = project / "alembic.ini"
    dsn = f"postgresql+psycopg://sqlscribe@/{database}?host={host}&port={port}"
    ini.write_text(
        re.sub(r"(?m)^sqlalchemy\.url = .*$", f"sqlalchemy.url = {dsn}", ini.read_text(encoding="utf-8")),
        encoding="utf-8",
    )


def test_an_alembic_revision_holds_a_databases_comments_and_its_downgrade_sets_them_back(
    pg: str, tmp_path: Path
) -> None:
    """`document postgresql://… --to migrations/versions`: a revision after the head, which Alembic
    itself upgrades to and downgrades from (a comment "since 10:30" is no bind parameter either
    way); Alembic's own alembic_version table is left undocumented."""
    project = tmp_path / "app"
    project.mkdir()
    _alembic_project(project, pg)
    versions = project / "migrations" / "versions"
    (versions / "0001_base.py").write_text(
        'import sqlalchemy as sa\nfrom alembic import op\n\nrevision = "0001"\ndown_revision = None\n'
        "branch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n"
        "    op.execute(sa.text(\"COMMENT ON TABLE shop.customers IS 'Buyers, counted since 10\\\\:30.'\"))\n\n\n"
        "def downgrade():\n    op.execute(sa.text('COMMENT ON TABLE shop.customers IS NULL'))\n",
        encoding="utf-8",
    )
    _alembic(project, "upgrade", "head")
    before = comments(pg)
    assert before["shop.customers"] == "Buyers, counted since 10:30."
    code, _, err = run(
        "document", pg, "--backend", "heuristic", "--to", str(versions), "--write", "--overwrite-existing"
    )
    assert code == 0, err
    (new,) = [p for p in versions.glob("*.py") if p.name != "0001_base.py"]
    assert new.name.endswith("_document_comments.py") and 'down_revision: str | Sequence[str] | None = "0001"' in (
        new.read_text(encoding="utf-8").replace("'", '"')
    )
    assert "COMMENT ON" in _alembic(project, "upgrade", "0001:head", "--sql")  # offline, as SQL
    _alembic(project, "upgrade", "head")
    documented = comments(pg)
    assert documented["shop.customers"] != before["shop.customers"] and len(documented) > len(before)
    assert not any("alembic_version" in key for key in documented)  # Alembic's own table
    _alembic(project, "downgrade", "-1")
    assert comments(pg) == before
    (versions / "0002_branch.py").write_text(
        'revision = "0002"\ndown_revision = "0001"\n', encoding="utf-8"
    )  # a second head beside the new revision
    code, _, err = run("document", pg, "--backend", "heuristic", "--to", str(versions))
    assert code == 1 and "2 heads" in err and "merge them first" in err, err
    code, _, err = run("document", str(tmp_path), "--backend", "heuristic", "--to", str(versions))
    assert code == 2 and "an Alembic revision or a Django migration holds Python" in err


def test_golang_migrates_down_file_undoes_the_new_migration_in_postgresql(pg: str, tmp_path: Path) -> None:
    """`--to` a golang-migrate folder writes the .up.sql and the .down.sql that undoes it; the
    folder's own .down.sql files are no step of its schema."""
    (tmp_path / "000001_init.up.sql").write_text(
        "CREATE SCHEMA gm;\nCREATE TABLE gm.accounts (id bigserial PRIMARY KEY, email text NOT NULL, plan text);\n"
        "COMMENT ON COLUMN gm.accounts.plan IS 'Billing plan: free, pro or team.';\n",
        encoding="utf-8",
    )
    (tmp_path / "000001_init.down.sql").write_text("DROP SCHEMA gm CASCADE;\n", encoding="utf-8")
    (tmp_path / "000002_rename.up.sql").write_text(
        "ALTER TABLE gm.accounts RENAME COLUMN email TO login_email;\n", encoding="utf-8"
    )
    (tmp_path / "000002_rename.down.sql").write_text(
        "ALTER TABLE gm.accounts RENAME COLUMN login_email TO email;\n", encoding="utf-8"
    )
    code, _, err = run("document", str(tmp_path), "--backend", "heuristic", "--to", str(tmp_path), "--write")
    assert code == 0, err
    assert "wrote" in err and "000003_document_comments.down.sql, which undoes it" in err
    query = (
        "SELECT coalesce(a.attname, c.relname), d.description FROM pg_description d"
        " JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass"
        " LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0"
        " WHERE c.relnamespace = 'gm'::regnamespace"
    )
    with psycopg.connect(pg, autocommit=True) as conn:
        for name in ("000001_init.up.sql", "000002_rename.up.sql"):
            conn.execute((tmp_path / name).read_text(encoding="utf-8").encode())
        before = dict(conn.execute(query.encode()).fetchall())
        conn.execute((tmp_path / "000003_document_comments.up.sql").read_text(encoding="utf-8").encode())
        documented = dict(conn.execute(query.encode()).fetchall())
        conn.execute((tmp_path / "000003_document_comments.down.sql").read_text(encoding="utf-8").encode())
        undone = dict(conn.execute(query.encode()).fetchall())
    assert before == {"plan": "Billing plan: free, pro or team."}
    assert set(documented) == {"accounts", "id", "login_email", "plan"} and documented["plan"] == before["plan"]
    assert undone == before


def test_a_migration_tools_own_tables_are_left_undocumented(tmp_path: Path) -> None:
    """flyway_schema_history, schema_migrations and the like are the tool's records, not the
    application's schema: not checked, not documented."""
    path = tmp_path / "app.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        'CREATE TABLE flyway_schema_history ("installed_rank" INTEGER, "version" VARCHAR, "script" VARCHAR);'
        "CREATE TABLE schema_migrations (version BIGINT, dirty BOOLEAN);"
        "CREATE TABLE customers (id INTEGER, email VARCHAR);"
    )
    con.close()
    code, out, err = run("document", f"duckdb:{path}", "--check")
    assert code == 1 and "customers" in out and "flyway_schema_history" not in out + err
    assert "schema_migrations" not in out + err and "1 of 1 table lacks comments" in err, out + err
    code, _, err = run("document", f"duckdb:{path}", "--backend", "heuristic", "--write")
    assert code == 0, err
    con = duckdb.connect(str(path))
    described = dict(con.execute("SELECT table_name, comment FROM duckdb_tables()").fetchall())
    assert described == {
        "customers": "Customers, one row per customer.",
        "flyway_schema_history": None,
        "schema_migrations": None,
    }


SQLALCHEMY_MODELS = '''from typing import Optional

import sqlalchemy as sa
from sqlalchemy import Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Customer(Base):
    """People who buy from the shop."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    nickname: Mapped[Optional[str]]


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (sa.Index("orders_by_customer", "customer_id"),)

    id = Column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    total_cents = Column(Integer, nullable=False, comment="Total, tax included, in cents.")


audit = Table(
    "audit_log",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("actor", String(64)),
)
'''


def test_alembic_carries_documented_sqlalchemy_models_into_the_database(server: str, tmp_path: Path) -> None:
    """SQLAlchemy models documented in place (`document app/`): Alembic's autogenerate finds each
    comment written as a change of the models, its revision puts them into the database, and the
    database's comments are then the models' word for word (the authors' own kept)."""
    project = tmp_path / "app"
    project.mkdir()
    (project / "models.py").write_text(SQLALCHEMY_MODELS, encoding="utf-8")
    with scratch_database(server, "samodels") as (_, url):
        _alembic_project(project, url)
        env = project / "migrations" / "env.py"
        env.write_text(
            env.read_text(encoding="utf-8").replace(
                "target_metadata = None", "import models\n\ntarget_metadata = models.Base.metadata"
            ),
            encoding="utf-8",
        )
        alembic = tool_runner(sys.executable, "-m", "alembic", cwd=project, env={**os.environ, "PYTHONPATH": "."})
        alembic("revision", "--autogenerate", "-m", "tables")
        alembic("upgrade", "head")
        assert schema_comments(url) == {"orders.total_cents": "Total, tax included, in cents."}
        code, _, err = run("document", "--backend", "heuristic", "--write", str(project))
        assert code == 0, err
        assert "alembic revision --autogenerate" in err
        made = alembic("revision", "--autogenerate", "-m", "comments")
        assert "Detected column comment 'customers.email'" in made, made
        alembic("upgrade", "head")
        mapped = read_mapped(project / "models.py", (project / "models.py").read_text(encoding="utf-8"))
        expected = {m.table: m.comment for m in mapped.models}
        expected |= {f"{m.table}.{c.column}": c.comment for m in mapped.models for c in m.columns}
        assert set(expected) - {"customers", "orders", "audit_log"} == {
            f"{t}.{c}"
            for t, cs in (
                ("customers", "id email nickname"),
                ("orders", "id customer_id total_cents"),
                ("audit_log", "id actor"),
            )
            for c in cs.split()
        }
        assert None not in expected.values() and schema_comments(url) == expected
        assert expected["orders.total_cents"] == "Total, tax included, in cents."
        assert "No new upgrade operations detected" in alembic("check")  # the models and the database agree
        code, _, err = run("document", "--check", str(project))
        assert code == 0, err


RAILS_SCHEMA = """# This file is auto-generated from the current state of the database.

ActiveRecord::Schema.define(version: 2024_05_02_101500) do

  # These are extensions that must be enabled in order to support this database
  enable_extension "plpgsql"

  create_table "articles", force: :cascade do |t|
    t.string "title", null: false
    t.text "body"
    t.bigint "author_id", null: false
    t.decimal "price", precision: 10, scale: 2
    t.string "tags", default: [], array: true
    t.datetime "published_at", precision: 6
    t.index ["author_id"], name: "index_articles_on_author_id"
  end

  create_table "users", comment: "People who sign in.", force: :cascade do |t|
    t.string "email", default: "", null: false, comment: "Where the \\"weekly\\" digest goes."
    t.integer "sign_in_count", default: 0, null: false
    t.jsonb "preferences", default: {}
    t.index ["email"], name: "index_users_on_email", unique: true
  end

  add_foreign_key "articles", "users", column: "author_id"
end
"""

# ActiveRecord itself, as `bin/rails db:schema:load`, `db:migrate`, `db:rollback` and the
# schema dump that db:migrate writes run it (Debian's ruby-rails and ruby-pg)
ACTIVE_RECORD = """
require "active_record"
ActiveRecord::Base.establish_connection(ENV.fetch("DATABASE_URL"))
ActiveRecord::Migration.verbose = false
context = ActiveRecord::MigrationContext.new("db/migrate", ActiveRecord::SchemaMigration)
case ARGV[0]
when "load" then load "db/schema.rb"
when "migrate" then context.migrate
when "rollback" then context.rollback
end
File.open("db/schema.rb", "w") { |f| ActiveRecord::SchemaDumper.dump(ActiveRecord::Base.connection, f) }
"""


def _active_record() -> bool:
    if shutil.which("ruby") is None:
        return False
    probe = subprocess.run(["ruby", "-e", 'require "active_record"; require "pg"'], capture_output=True)
    return probe.returncode == 0


def test_rails_schema_is_documented_by_a_migration_that_active_record_runs(server: str, tmp_path: Path) -> None:
    """A Rails app's db/schema.rb documented (`document app/`): the comments go into a new
    migration of Rails' own change_table_comment / change_column_comment, which ActiveRecord
    runs into PostgreSQL and dumps back into schema.rb (where `--check` then finds them all), and
    rolls back to the comments there were."""
    if not _active_record():
        pytest.skip("ActiveRecord and pg for Ruby are not installed (Debian: apt-get install ruby-rails ruby-pg)")
    app = tmp_path / "app"
    (app / "db" / "migrate").mkdir(parents=True)
    schema = app / "db" / "schema.rb"
    schema.write_text(RAILS_SCHEMA, encoding="utf-8")
    with scratch_database(server, "rails") as (name, url):
        host, port = url.split("host=")[1].split("&port=")
        # libpq's own variables for the socket: ActiveRecord's URL takes no host of a folder
        env = {**os.environ, "DATABASE_URL": f"postgresql:///{name}", "PGHOST": host, "PGPORT": port}
        env["PGUSER"] = "sqlscribe"
        ruby = tool_runner("ruby", "-e", ACTIVE_RECORD, cwd=app, env=env)
        ruby("load")
        before = schema_comments(url)
        assert before == {"users": "People who sign in.", "users.email": 'Where the "weekly" digest goes.'}
        code, out, _ = run("document", "--check", str(app))
        dumped = schema.read_text(encoding="utf-8")  # as ActiveRecord dumps it
        line = dumped[: dumped.index('create_table "articles"')].count("\n") + 1
        assert code == 1 and f"{schema}:{line}:1: table articles: no table comment" in out, dumped
        code, _, err = run("document", "--backend", "heuristic", "--write", str(app))
        assert code == 0, err
        assert "bin/rails db:migrate" in err
        (migration,) = (app / "db" / "migrate").glob("*_document_tables.rb")
        written = read_migration(migration.read_text(encoding="utf-8"))
        assert ("users", "email") not in written and ("users", None) not in written  # the authors' own kept
        assert {column for table, column in written if table == "articles"} == {
            None,
            "id",
            "title",
            "body",
            "author_id",
            "price",
            "tags",
            "published_at",
        }
        ruby("migrate")
        expected = before | {f"{t}.{c}" if c else t: text for (t, c), text in written.items()}
        assert schema_comments(url) == expected
        code, _, err = run("document", "--check", str(app))  # the dumped schema.rb holds them all
        assert code == 0, err
        assert 'comment: "People who sign in."' in schema.read_text(encoding="utf-8")
        ruby("rollback")  # from: nil, to: …: reversible
        assert schema_comments(url) == before


def typescript_compiler(tools: Path, app: Path) -> Callable[..., str]:
    """tests/tools' TypeScript compiler, run in ``app`` on the files it is given: decorators with
    their metadata, as the ORMs' entities need them, compiled into ``app/out``."""
    return tool_runner(
        str(tools / ".bin" / "tsc"),
        "--experimentalDecorators",
        "--emitDecoratorMetadata",
        "--skipLibCheck",
        "--target",
        "es2022",
        "--module",
        "commonjs",
        "--outDir",
        "out",
        cwd=app,
    )


TYPEORM_BASE = """\
import { CreateDateColumn, PrimaryGeneratedColumn } from "typeorm";

export abstract class BaseEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @CreateDateColumn({ type: "timestamptz" })
  createdAt: Date;
}
"""

TYPEORM_SHOP = """\
import { Column, Entity, Index, JoinColumn, ManyToOne, OneToMany } from "typeorm";
import { BaseEntity } from "./base.entity";

export enum OrderStatus {
  Pending = "pending",
  Paid = "paid",
  Shipped = "shipped",
}

/** People who buy from the shop. */
@Entity({ name: "customers", comment: "People who buy." })
export class Customer extends BaseEntity {
  @Column({ length: 200, unique: true, comment: 'Where the "weekly" digest goes.' })
  email: string;

  /** The name printed on invoices. */
  @Column({ nullable: true })
  displayName?: string;

  @OneToMany(() => Order, (order) => order.customer)
  orders: Order[];

  get label(): string {
    return this.displayName ?? this.email.replace(/@.*$/, "");
  }
}

@Entity("orders")
@Index(["reference"], { unique: true })
export class Order extends BaseEntity {
  @Column("varchar", { length: 24 })
  reference: string;

  @Column("decimal", { precision: 12, scale: 2, default: 0 })
  totalAmount: string;

  @Column({ type: "enum", enum: OrderStatus, default: OrderStatus.Pending })
  status: OrderStatus;

  @Column("simple-array", { nullable: true })
  tags: string[] | null;

  @ManyToOne(() => Customer, (customer) => customer.orders, { nullable: false })
  @JoinColumn({ name: "customer_id" })
  customer: Customer;
}
"""

TYPEORM_SYNC = """\
require("reflect-metadata");
const path = require("path");
const { DataSource } = require("typeorm");
const source = new DataSource({
  type: "postgres",
  host: process.env.PGHOST,
  port: Number(process.env.PGPORT),
  username: "sqlscribe",
  database: process.env.PGDATABASE,
  entities: [path.join(__dirname, "out", "**", "*.entity.js")],
  synchronize: true,
});
source.initialize().then(() => source.destroy(), (error) => { console.error(error); process.exit(1); });
"""


def test_typeorm_entities_are_documented_in_their_decorators_and_typeorm_writes_them(
    server: str, tools: Path, tmp_path: Path
) -> None:
    """A TypeORM project documented (`document app/`): the comments go into the decorators'
    options in Prettier's own layout, TypeScript compiles the entities, and TypeORM's
    synchronize writes exactly those comments into PostgreSQL (a base class's columns into each
    table that extends it; a relation's join column holds its key's, as TypeORM copies it). A
    test's entities and a module without TypeORM are left alone; `--check` then passes."""
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed")
    app = tmp_path / "app"
    entities = app / "src" / "entities"
    entities.mkdir(parents=True)
    (entities / "base.entity.ts").write_text(TYPEORM_BASE, encoding="utf-8")
    (entities / "shop.entity.ts").write_text(TYPEORM_SHOP, encoding="utf-8")
    spec = entities / "shop.entity.spec.ts"
    spec.write_text('import { Entity, Column } from "typeorm";\n@Entity()\nclass Fixture { @Column() x: string; }\n')
    (app / "node_modules").symlink_to(tools)
    prettier = tool_runner(str(tools / ".bin" / "prettier"), cwd=app)
    prettier("--write", "src")  # the project's files as Prettier writes them
    shop_before = (entities / "shop.entity.ts").read_text(encoding="utf-8")
    spec_before = spec.read_text(encoding="utf-8")

    code, out, _ = run("document", "--check", str(app))
    line = shop_before[: shop_before.index("export class Order")].count("\n") + 1
    assert code == 1 and f"{entities / 'shop.entity.ts'}:{line}:1: entity Order (orders): no entity comment" in out, out
    assert "spec" not in out
    code, _, err = run("document", "--backend", "heuristic", "--write", str(app))
    assert code == 0, err
    assert "typeorm migration:generate" in err
    assert spec.read_text(encoding="utf-8") == spec_before
    prettier("--check", "src")  # the comments in Prettier's own layout
    shop = read_entities(entities / "shop.entity.ts", (entities / "shop.entity.ts").read_text(encoding="utf-8"))
    base = read_entities(entities / "base.entity.ts", (entities / "base.entity.ts").read_text(encoding="utf-8"))
    customer, order = shop.models
    assert customer.comment == "People who buy."  # the authors' own kept
    assert [c.comment for c in customer.columns if c.column == "email"] == ['Where the "weekly" digest goes.']
    assert [c.comment for c in customer.columns if c.column == "displayName"] == ["The name printed on invoices."]
    written = [c for m in (*shop.models, *base.models) for c in m.columns if c.decorator is not None]
    assert order.comment and all(c.comment for c in written) and len(written) == 8

    typescript_compiler(tools, app)(str(entities / "base.entity.ts"), str(entities / "shop.entity.ts"))
    (app / "sync.js").write_text(TYPEORM_SYNC, encoding="utf-8")
    with scratch_database(server, "typeorm") as (name, url):
        host, port = url.split("host=")[1].split("&port=")
        env = {**os.environ, "PGHOST": host, "PGPORT": port, "PGDATABASE": name}
        tool_runner("node", "sync.js", cwd=app, env=env)()
        (key,) = [c.comment for c in base.models[0].columns if c.column == "id"]
        expected = {m.table: m.comment for m in shop.models}
        for model in shop.models:
            for column in [*base.models[0].columns, *model.columns]:
                expected[f"{model.table}.{column.column}"] = column.comment or ""
        expected["orders.customer_id"] = key  # the key's comment, which TypeORM copies
        assert schema_comments(url) == expected
    code, _, err = run("document", "--check", str(app))
    assert code == 0, err


DOCTRINE_ENTITIES = """<?php

namespace App\\Entity;

use App\\Repository\\OrderRepository;
use Doctrine\\DBAL\\Types\\Types;
use Doctrine\\ORM\\Mapping as ORM;

enum OrderStatus: string
{
    case Pending = 'pending';
    case Paid = 'paid';
}

#[ORM\\MappedSuperclass]
abstract class Stamped
{
    #[ORM\\Column(type: Types::DATETIME_IMMUTABLE)]
    protected ?\\DateTimeImmutable $createdAt = null;
}

/**
 * People who buy from the shop.
 */
#[ORM\\Entity]
#[ORM\\Table(name: 'customers', options: ['comment' => 'People who buy.'])]
class Customer extends Stamped
{
    #[ORM\\Id]
    #[ORM\\GeneratedValue]
    #[ORM\\Column]
    private ?int $id = null;

    #[ORM\\Column(length: 180, unique: true, options: ['comment' => 'Where the "weekly" digest goes.'])]
    private ?string $email = null;

    /** The name printed on invoices. */
    #[ORM\\Column(length: 100, nullable: true)]
    private ?string $displayName = null;

    public function getId(): ?int
    {
        return $this->id;
    }
}

#[ORM\\Entity(repositoryClass: OrderRepository::class)]
#[ORM\\Table(name: '`order`')]
class Order extends Stamped
{
    #[ORM\\Id, ORM\\GeneratedValue, ORM\\Column(type: Types::INTEGER)]
    private ?int $id = null;

    #[ORM\\Column(type: Types::DECIMAL, precision: 12, scale: 2, options: ['default' => 0])]
    private ?string $totalAmount = null;

    #[ORM\\Column(enumType: OrderStatus::class)]
    private ?OrderStatus $status = null;

    #[ORM\\Column]
    private array $tags = [];

    #[ORM\\ManyToOne(inversedBy: 'orders')]
    #[ORM\\JoinColumn(nullable: false)]
    private ?Customer $customer = null;
}

#[ORM\\Entity]
class Tag
{
    #[ORM\\Id]
    #[ORM\\Column(length: 40)]
    private ?string $label = null;
}
"""

DOCTRINE_SCHEMA_TOOL = """<?php
require_once 'Doctrine/ORM/autoload.php';

use Doctrine\\DBAL\\DriverManager;
use Doctrine\\ORM\\EntityManager;
use Doctrine\\ORM\\Mapping\\UnderscoreNamingStrategy;
use Doctrine\\ORM\\ORMSetup;
use Doctrine\\ORM\\Tools\\SchemaTool;

foreach (glob(__DIR__ . '/src/Entity/*.php') as $file) {
    require_once $file;
}
if (getenv('MAPPING') === 'annotations') {
    require_once 'Doctrine/Common/Annotations/autoload.php';
}
$config = getenv('MAPPING') === 'annotations'
    ? ORMSetup::createAnnotationMetadataConfiguration([__DIR__ . '/src/Entity'], true)
    : ORMSetup::createAttributeMetadataConfiguration([__DIR__ . '/src/Entity'], true);
// Symfony's recipe: doctrine.orm.naming_strategy.underscore_number_aware
$config->setNamingStrategy(new UnderscoreNamingStrategy(CASE_LOWER, true));
$connection = DriverManager::getConnection([
    'driver' => 'pdo_pgsql',
    'host' => getenv('PGHOST'),
    'port' => (int) getenv('PGPORT'),
    'user' => 'sqlscribe',
    'dbname' => getenv('PGDATABASE'),
], $config);
$manager = new EntityManager($connection, $config);
$tool = new SchemaTool($manager);
$classes = $manager->getMetadataFactory()->getAllMetadata();
if ($argv[1] === 'create') {
    $tool->createSchema($classes);
} else {
    $tool->updateSchema($classes, true);  // what doctrine:migrations:diff would write
}
"""


def without_type_notes(found: dict[str, str]) -> dict[str, str]:
    """Comments without the "(DC2Type:…)" DBAL 3 appends to some types' (none left where that was all)."""
    kept = {k: re.sub(r"\(DC2Type:[^)]*\)$", "", v) for k, v in found.items()}
    return {k: v for k, v in kept.items() if v}


def _doctrine() -> bool:
    if shutil.which("php") is None:
        return False
    check = 'require "Doctrine/ORM/autoload.php"; exit(extension_loaded("pdo_pgsql") ? 0 : 1);'
    return subprocess.run(["php", "-r", check], capture_output=True).returncode == 0


def test_doctrine_entities_are_documented_in_their_attributes_and_doctrine_writes_them(
    server: str, tmp_path: Path
) -> None:
    """A Symfony app's entities documented (`document app/`): the comments go into the
    attributes' options (a new `#[ORM\\Table]` where a class has none), PHP still parses the
    file, and Doctrine's own SchemaTool carries the column comments into an existing schema (what
    a migration's diff does) and every comment into a new one. A mapped superclass's columns are
    documented once, in it; a join column holds its key's comment, as Doctrine copies it; a
    PHPUnit test's entities are left alone; `--check` then passes."""
    if not _doctrine():
        pytest.skip("Doctrine ORM on PHP is not installed (Debian: apt-get install php-cli php-pgsql php-doctrine-orm)")
    app = tmp_path / "app"
    entities = app / "src" / "Entity"
    entities.mkdir(parents=True)
    shop = entities / "Shop.php"
    shop.write_text(DOCTRINE_ENTITIES, encoding="utf-8")
    test = app / "tests" / "ShopTest.php"
    test.parent.mkdir()
    test.write_text(DOCTRINE_ENTITIES.replace("App\\Entity", "App\\Tests"), encoding="utf-8")
    (app / "schema.php").write_text(DOCTRINE_SCHEMA_TOOL, encoding="utf-8")
    with (
        scratch_database(server, "doctrine") as (name, url),
        scratch_database(server, "doctrine") as (fresh, fresh_url),
    ):
        host, port = url.split("host=")[1].split("&port=")
        env = {**os.environ, "PGHOST": host, "PGPORT": port, "PGDATABASE": name}
        tool_runner("php", "schema.php", cwd=app, env=env)("create")
        before = without_type_notes(schema_comments(url))
        assert before == {"customers": "People who buy.", "customers.email": 'Where the "weekly" digest goes.'}

        code, out, _ = run("document", "--check", str(app))
        line = DOCTRINE_ENTITIES[: DOCTRINE_ENTITIES.index("class Order ")].count("\n") + 1
        assert code == 1 and f"{shop}:{line}:1: entity Order (order): no table comment" in out, out
        assert "ShopTest" not in out
        code, _, err = run("document", "--backend", "heuristic", "--write", str(app))
        assert code == 0, err
        assert "make:migration" in err
        text = shop.read_text(encoding="utf-8")
        assert "#[ORM\\Entity]\n#[ORM\\Table(options: ['comment' => " in text  # Tag had none
        assert "private ?string $displayName" in text and "'comment' => 'The name printed on invoices.'" in text
        assert test.read_text(encoding="utf-8") == DOCTRINE_ENTITIES.replace("App\\Entity", "App\\Tests")
        subprocess.run(["php", "-l", str(shop)], check=True, capture_output=True)
        documented = doctrine_entities.read_entities(shop, text)
        (stamped, customer, order, tag) = documented.models
        assert stamped.lends_columns and customer.comment == "People who buy."  # the authors' own kept

        expected = {m.table: m.comment for m in documented.models if not m.lends_columns}
        for model, inherited in ((customer, stamped.columns), (order, stamped.columns), (tag, [])):
            for column in [*inherited, *model.columns]:
                expected[f"{model.table}.{column.column}"] = column.comment or ""
        (key,) = [c.comment for c in customer.columns if c.primary]
        expected["order.customer_id"] = key  # the key's comment, which Doctrine copies

        tool_runner("php", "schema.php", cwd=app, env=env)("update")
        updated = without_type_notes(schema_comments(url))
        # DBAL 3's comparator carries column comments into an existing table, not a table's own
        assert updated == {k: v for k, v in expected.items() if "." in k or k == "customers"}
        tool_runner("php", "schema.php", cwd=app, env={**env, "PGDATABASE": fresh})("create")
        assert without_type_notes(schema_comments(fresh_url)) == expected
    code, _, err = run("document", "--check", str(app))
    assert code == 0, err


DOCTRINE_ANNOTATIONS = """<?php

namespace App\\Entity;

use Doctrine\\ORM\\Mapping as ORM;

/**
 * People who buy from the shop.
 *
 * @ORM\\Entity(repositoryClass="App\\Repository\\CustomerRepository")
 * @ORM\\Table(name="customers", options={"comment": "People who buy."})
 */
class Customer
{
    /**
     * @ORM\\Id
     * @ORM\\GeneratedValue
     * @ORM\\Column(type="integer")
     */
    private $id;

    /**
     * The address the "weekly" digest goes to.
     *
     * @ORM\\Column(type="string", length=180, unique=true)
     */
    private $email;

    /**
     * @ORM\\Column(
     *     type="decimal",
     *     precision=10,
     *     scale=2,
     *     options={"default": 0}
     * )
     */
    private $balance;
}

/** @ORM\\Entity */
class Visit
{
    /** @ORM\\Id @ORM\\Column(type="bigint") */
    private $id;

    /**
     * @ORM\\ManyToOne(targetEntity="Customer")
     * @ORM\\JoinColumn(name="customer", referencedColumnName="id", nullable=false)
     */
    private $customer;
}
"""


def test_doctrine_annotations_are_documented_in_their_docblocks_and_doctrine_writes_them(
    server: str, tmp_path: Path
) -> None:
    """Entities mapped with docblock annotations (ORM 2's, Symfony 4 and 5 apps'): the comments go
    into the annotations (`options={"comment"=…}`, a new `@ORM\\Table` beside a one-line
    docblock's `@ORM\\Entity`), and Doctrine's annotation driver reads every one of them into a
    new PostgreSQL schema."""
    if not _doctrine():
        pytest.skip("Doctrine ORM on PHP is not installed (Debian: apt-get install php-cli php-pgsql php-doctrine-orm)")
    check = 'require "Doctrine/Common/Annotations/autoload.php";'
    if subprocess.run(["php", "-r", check], capture_output=True).returncode != 0:
        pytest.skip("Doctrine's annotations are not installed (Debian: apt-get install php-doctrine-annotations)")
    app = tmp_path / "app"
    entities = app / "src" / "Entity"
    entities.mkdir(parents=True)
    legacy = entities / "Legacy.php"
    legacy.write_text(DOCTRINE_ANNOTATIONS, encoding="utf-8")
    (app / "schema.php").write_text(DOCTRINE_SCHEMA_TOOL, encoding="utf-8")
    code, _, err = run("document", "--backend", "heuristic", "--write", str(app))
    assert code == 0, err
    text = legacy.read_text(encoding="utf-8")
    assert '/** @ORM\\Entity @ORM\\Table(options={"comment"="Visits, one row per visit."}) */' in text
    assert ' *     options={"default": 0, "comment": ' in text  # in the array's own style
    documented = doctrine_entities.read_entities(legacy, text)
    expected = {m.table: m.comment for m in documented.models}
    for model in documented.models:
        expected |= {f"{model.table}.{c.column}": c.comment or "" for c in model.columns}
    (key,) = [c.comment for c in documented.models[0].columns if c.primary]
    expected["visit.customer"] = key  # the key's comment, which Doctrine copies
    assert all(expected.values())
    with scratch_database(server, "annotations") as (name, url):
        host, port = url.split("host=")[1].split("&port=")
        env = {**os.environ, "PGHOST": host, "PGPORT": port, "PGDATABASE": name, "MAPPING": "annotations"}
        tool_runner("php", "schema.php", cwd=app, env=env)("create")
        assert without_type_notes(schema_comments(url)) == expected
    code, _, err = run("document", "--check", str(app))
    assert code == 0, err


MIKRO_ENTITIES = """\
import { Entity, Enum, ManyToOne, PrimaryKey, Property, Unique } from "@mikro-orm/core";

export enum Genre {
  Novel = "novel",
  Poetry = "poetry",
}

export abstract class Stamped {
  @PrimaryKey()
  id!: number;

  @Property()
  createdAt = new Date();
}

/** People who write the books. */
@Entity({ tableName: "authors", comment: "People who write." })
@Unique({ properties: ["penName"] })
export class Author extends Stamped {
  @Property({ length: 120, comment: "Full name, as on the cover." })
  fullName!: string;

  /** The name the author publishes under. */
  @Property({ nullable: true })
  penName?: string;
}

@Entity()
export class Book extends Stamped {
  @Enum(() => Genre)
  genre!: Genre;

  @Property({ type: "decimal", precision: 10, scale: 2, defaultRaw: "0" })
  price!: string;

  @ManyToOne(() => Author)
  author!: Author;
}
"""

MIKRO_SCHEMA = """\
require("reflect-metadata");
const path = require("path");
const { MikroORM } = require("@mikro-orm/postgresql");
const entities = require(path.join(__dirname, "out", "library.entity.js"));
MikroORM.init({
  entities: Object.values(entities).filter((value) => typeof value === "function"),
  dbName: process.env.PGDATABASE,
  host: process.env.PGHOST,
  port: Number(process.env.PGPORT),
  user: "sqlscribe",
  discovery: { warnWhenNoEntities: false },
}).then(async (orm) => {
  // what `mikro-orm schema:create` and `schema:update` (or a migration's diff) run
  await (process.argv[2] === "update" ? orm.schema.updateSchema() : orm.schema.createSchema());
  await orm.close();
}, (error) => { console.error(error); process.exit(1); });
"""


def test_mikro_orm_entities_are_documented_in_their_decorators_and_mikro_orm_writes_them(
    server: str, tools: Path, tmp_path: Path
) -> None:
    """A MikroORM project documented (`document app/`): the comments go into the decorators'
    options in Prettier's layout (an `@Enum(() => Genre)` becomes its options object, a relation
    takes one after its entity), TypeScript compiles them, and MikroORM's own schema diff writes
    every one of them into the PostgreSQL schema it had created, the join column's and the
    tables' too; `--check` then passes."""
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed")
    app = tmp_path / "app"
    source = app / "src" / "library.entity.ts"
    source.parent.mkdir(parents=True)
    source.write_text(MIKRO_ENTITIES, encoding="utf-8")
    (app / "node_modules").symlink_to(tools)
    (app / "schema.js").write_text(MIKRO_SCHEMA, encoding="utf-8")
    prettier = tool_runner(str(tools / ".bin" / "prettier"), cwd=app)
    prettier("--write", "src")
    compile_entities = functools.partial(typescript_compiler(tools, app), str(source))
    with scratch_database(server, "mikro") as (name, url):
        host, port = url.split("host=")[1].split("&port=")
        schema = tool_runner(
            "node", "schema.js", cwd=app, env={**os.environ, "PGHOST": host, "PGPORT": port, "PGDATABASE": name}
        )
        compile_entities()
        schema("create")
        assert schema_comments(url) == {
            "authors": "People who write.",
            "authors.full_name": "Full name, as on the cover.",
        }
        code, out, _ = run("document", "--check", str(app))
        assert code == 1 and "entity Book (book): no entity comment" in out, out
        code, _, err = run("document", "--backend", "heuristic", "--write", str(app))
        assert code == 0, err
        assert "mikro-orm migration:create" in err
        prettier("--check", "src")
        text = source.read_text(encoding="utf-8")
        assert "@Enum({ items: () => Genre, comment: " in text and "@ManyToOne(() => Author, {" in text
        documented = read_entities(source, text)
        stamped, author, book = documented.models
        assert author.comment == "People who write." and stamped.lends_columns
        assert [c.comment for c in author.columns if c.column == "pen_name"] == ["The name the author publishes under."]
        expected = {m.table: m.comment for m in (author, book)}
        for model in (author, book):
            expected |= {f"{model.table}.{c.column}": c.comment for c in [*stamped.columns, *model.columns]}
        assert all(expected.values())
        compile_entities()
        schema("update")
        assert schema_comments(url) == expected
    code, _, err = run("document", "--check", str(app))
    assert code == 0, err


SEQUELIZE_MODELS = """\
import {
  AllowNull,
  AutoIncrement,
  BelongsTo,
  Column,
  DataType,
  Default,
  ForeignKey,
  Model,
  PrimaryKey,
  Table,
  Unique,
} from "sequelize-typescript";

@Table({ tableName: "teams", comment: "Groups of people." })
export class Team extends Model {
  @PrimaryKey
  @AutoIncrement
  @Column(DataType.INTEGER)
  declare id: number;

  /** The name shown on the scoreboard. */
  @AllowNull(false)
  @Column({ type: DataType.STRING(80) })
  declare name: string;
}

@Table
export class Player extends Model {
  @Unique
  @Column
  declare nick: string;

  @Default("rookie")
  @Column(DataType.ENUM("rookie", "pro"))
  declare rank: string;

  @Column({ type: DataType.DECIMAL(10, 2), allowNull: false, comment: "Points this season." })
  declare score: string;

  @ForeignKey(() => Team)
  @Column
  declare teamId: number;

  @BelongsTo(() => Team)
  declare team: Team;
}
"""

SEQUELIZE_SYNC = """\
require("reflect-metadata");
const path = require("path");
const { Sequelize } = require("sequelize-typescript");
const models = require(path.join(__dirname, "out", "team.model.js"));
const sequelize = new Sequelize({
  dialect: "postgres",
  host: process.env.PGHOST,
  port: Number(process.env.PGPORT),
  username: "sqlscribe",
  database: process.env.PGDATABASE,
  logging: false,
  models: Object.values(models).filter((value) => typeof value === "function"),
});
sequelize.sync().then(() => sequelize.close(), (error) => { console.error(error); process.exit(1); });
"""


def test_sequelize_typescript_models_are_documented_in_their_decorators_and_sequelize_writes_them(
    server: str, tools: Path, tmp_path: Path
) -> None:
    """A sequelize-typescript project documented: the comments go into `@Table` and `@Column`
    (a bare `@Column` gets its options, `@Column(DataType.X)` becomes `{ type, comment }`) in
    Prettier's layout, and Sequelize's own `sync()` writes every one of them into a new
    PostgreSQL database; what Sequelize adds of its own (the `Players` table's `id`,
    `createdAt`, `updatedAt`) is shown to the model but not asked for. `--check` then passes."""
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed")
    app = tmp_path / "app"
    source = app / "src" / "team.model.ts"
    source.parent.mkdir(parents=True)
    source.write_text(SEQUELIZE_MODELS, encoding="utf-8")
    (app / "node_modules").symlink_to(tools)
    (app / "sync.js").write_text(SEQUELIZE_SYNC, encoding="utf-8")
    prettier = tool_runner(str(tools / ".bin" / "prettier"), cwd=app)
    prettier("--write", "src")
    code, out, _ = run("document", "--check", str(app))
    assert (
        code == 1
        and "model Player (Players): no table comment; 3 of 7 columns without a comment: nick, rank, teamId" in out
    ), out
    code, _, err = run("document", "--backend", "heuristic", "--write", str(app))
    assert code == 0, err
    prettier("--check", "src")
    text = source.read_text(encoding="utf-8")
    assert '@Table({ comment: "' in text and "  @Column({\n    type: DataType.INTEGER,\n    comment: " in text
    documented = read_entities(source, text)
    team, _ = documented.models
    assert [c.comment for c in team.columns if c.column == "name"] == ["The name shown on the scoreboard."]
    expected = {m.table: m.comment for m in documented.models}
    expected |= {f"{m.table}.{c.column}": c.comment for m in documented.models for c in m.columns if c.writable}
    assert all(expected.values()) and len(expected) == 2 + 2 + 4
    typescript_compiler(tools, app)(str(source))
    with scratch_database(server, "sequelize") as (name, url):
        host, port = url.split("host=")[1].split("&port=")
        tool_runner(
            "node", "sync.js", cwd=app, env={**os.environ, "PGHOST": host, "PGPORT": port, "PGDATABASE": name}
        )()
        assert schema_comments(url) == expected
    code, _, err = run("document", "--check", str(app))
    assert code == 0, err


# Prisma's schema engine as WebAssembly (the formatter and the DMMF that `prisma format` and
# `prisma generate` run): formats the files in place, then prints each model's and field's
# database name and documentation as Prisma reads them
PRISMA_ENGINE = r"""
const engine = require("@prisma/prisma-schema-wasm");
const fs = require("fs");
const files = process.argv.slice(2).map((path) => [path, fs.readFileSync(path, "utf8")]);
const params = { textDocument: { uri: "file:/dev/null" }, options: { tabSize: 2, insertSpaces: true } };
const formatted = JSON.parse(engine.format(JSON.stringify(files), JSON.stringify(params)));
const changed = formatted.filter(([path, text]) => text !== fs.readFileSync(path, "utf8")).map(([path]) => path);
for (const [path, text] of formatted) fs.writeFileSync(path, text);
const dmmf = JSON.parse(engine.get_dmmf(JSON.stringify({ prismaSchema: formatted })));
const models = dmmf.datamodel.models.map((m) => ({
  table: m.dbName || m.name,
  documentation: m.documentation ?? null,
  fields: m.fields
    .filter((f) => f.kind !== "object")
    .map((f) => ({ column: f.dbName || f.name, documentation: f.documentation ?? null })),
}));
console.log(JSON.stringify({ changed, models }));
"""


def test_a_documented_prisma_schema_is_as_prisma_formats_it_and_documents_what_was_planned(
    tools: Path, tmp_path: Path
) -> None:
    """A Prisma schema split in two files, formatted by Prisma, then documented: Prisma's own
    formatter leaves the documented files as they are, and its DMMF (what `prisma generate` writes
    the client's JSDoc from) reads every model's and field's `///` comment as sqlscribe planned
    it, under the table and column names sqlscribe read (`@@map`, `@map`). `--check` then
    passes."""
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed")
    from test_prisma_schema import SCHEMA

    folder = tmp_path / "prisma" / "schema"
    folder.mkdir(parents=True)
    main, tags = folder / "schema.prisma", folder / "tags.prisma"
    cut = SCHEMA.index("model PostTag")
    main.write_text(SCHEMA[:cut], encoding="utf-8")
    tags.write_text(
        SCHEMA[cut:] + '\nmodel Label {\n  name String @id\n  note String?\n\n  @@schema("public")\n}\n',
        encoding="utf-8",
    )
    (tmp_path / "engine.js").write_text(PRISMA_ENGINE, encoding="utf-8")
    engine = tool_runner(
        "node", "engine.js", str(main), str(tags), cwd=tmp_path, env={**os.environ, "NODE_PATH": str(tools)}
    )
    engine()  # the files as `prisma format` writes them
    code, out, _ = run("document", "--check", str(tmp_path))
    assert code == 1 and "model Label (Label): no /// comment; 2 of 2 columns without a comment: name, note" in out
    code, _, err = run("document", "--backend", "heuristic", "--write", str(tmp_path))
    assert code == 0, err
    read = json.loads(engine())
    assert read["changed"] == []  # already in Prisma's own layout
    ours = [read_prisma(path, path.read_text(encoding="utf-8")) for path in (main, tags)]
    planned = [
        {
            "table": m.table,
            "documentation": m.comment,
            "fields": [
                {"column": c.column, "documentation": c.comment}
                for c in m.columns
                if not c.data_type.endswith("vector")
            ],
        }
        for schema in ours
        for m in schema.models
    ]
    assert read["models"] == planned  # (Prisma's DMMF leaves out an Unsupported field)
    assert all(m["documentation"] and all(f["documentation"] for f in m["fields"]) for m in read["models"])
    assert len(planned) == 4
    code, _, err = run("document", "--check", str(tmp_path))
    assert code == 0, err


PRISMA_BLOG = """datasource db {
  provider = "postgresql"
}

/// People who sign in.
model User {
  id    Int     @id @default(autoincrement())
  /// Where the receipts go.
  email String  @unique
  name  String?
  posts Post[]

  @@map("users")
}

model Post {
  id       Int    @id @default(autoincrement())
  title    String /// The headline.
  author   User   @relation(fields: [authorId], references: [id])
  authorId Int    @map("author_id")
}
"""

# What `prisma migrate dev` writes for PRISMA_BLOG (Prisma 7; its last statement on two lines)
PRISMA_BLOG_INIT = """-- CreateTable
CREATE TABLE "users" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Post" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "author_id" INTEGER NOT NULL,

    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- AddForeignKey
ALTER TABLE "Post" ADD CONSTRAINT "Post_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id")
ON DELETE RESTRICT ON UPDATE CASCADE;
"""


def test_a_prisma_schemas_comments_reach_the_database_through_a_new_migration(server: str, tmp_path: Path) -> None:
    """A Prisma project: its schema documented in `///` comments, then its migrations folder
    documented into a new migration (Prisma's `<timestamp>_document_comments/migration.sql`) that
    takes the schema's comments, the authors' and the ones just written, word for word. Run in
    order, as `prisma migrate deploy` runs them, the migrations leave PostgreSQL with every comment
    the schema has; the applied migration is left as it was."""
    prisma = tmp_path / "prisma"
    init = prisma / "migrations" / "20240101000000_init" / "migration.sql"
    init.parent.mkdir(parents=True)
    init.write_text(PRISMA_BLOG_INIT, encoding="utf-8")
    (prisma / "migrations" / "migration_lock.toml").write_text('provider = "postgresql"\n', encoding="utf-8")
    schema = prisma / "schema.prisma"
    schema.write_text(PRISMA_BLOG, encoding="utf-8")
    code, _, err = run("document", "--backend", "heuristic", "--write", str(schema))
    assert code == 0 and "--to prisma/migrations" in err, err
    code, _, err = run(
        "document", "--backend", "heuristic", "--write", str(prisma / "migrations"), "--to", str(prisma / "migrations")
    )
    assert code == 0 and "the /// comments of" in err, err
    assert init.read_text(encoding="utf-8") == PRISMA_BLOG_INIT
    (new,) = sorted(p for p in (prisma / "migrations").iterdir() if p.name.endswith("_document_comments"))
    documented = read_prisma(schema, schema.read_text(encoding="utf-8"))
    expected = {m.table: m.comment for m in documented.models}
    expected |= {f"{m.table}.{c.column}": c.comment for m in documented.models for c in m.columns}
    assert expected["users.email"] == "Where the receipts go." and expected["Post.title"] == "The headline."
    assert all(expected.values()) and len(expected) == 2 + 6
    with scratch_database(server, "prisma") as (_, url), psycopg.connect(url, autocommit=True) as conn:
        for step in (init, new / "migration.sql"):
            conn.execute(step.read_text(encoding="utf-8").encode())
        assert schema_comments(url) == expected
