"""ClickHouse: column comments go inside the column's definition, before CODEC and TTL; the
table's goes last, after ENGINE, ORDER BY and SETTINGS. A real ClickHouse (chDB, the engine in
a wheel) runs what sqlscribe writes and reads the comments back from its system tables."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from in_process import run

from sqlscribe.databases import comments_of
from sqlscribe.ddl import apply_edits, parse_sql, plan_table_edits
from sqlscribe.docs import TableDocs
from sqlscribe.document import document_text
from sqlscribe.generate import HeuristicBackend

chdb_session = pytest.importorskip("chdb.session")

# What a ClickHouse table can hold that no other dialect writes, all of it runnable in chDB.
EVENTS = """CREATE TABLE shop.events
(
    `event_date` Date DEFAULT toDate(event_time),
    `event_time` DateTime64(3, 'UTC') CODEC(Delta(8), ZSTD(1)),
    `user_id` Nullable(UInt64) COMMENT 'Logged-in user; NULL for guests',
    `url` String CODEC(ZSTD(3)),
    `source` LowCardinality(String),
    `duration_ms` UInt32 TTL event_date + toIntervalDay(90),
    `props` Map(String, String),
    `items` Nested(sku String, qty UInt16),
    `url_path` String MATERIALIZED path(url),
    `is_bounce` UInt8 ALIAS duration_ms < 1000,
    `raw` String EPHEMERAL,
    INDEX idx_url url TYPE bloom_filter(0.01) GRANULARITY 4,
    PROJECTION by_user (SELECT user_id, count() GROUP BY user_id),
    CONSTRAINT known_source CHECK source != ''
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(event_date)
ORDER BY (event_date, url)
TTL event_date + toIntervalYear(2)
SETTINGS index_granularity = 8192;
"""


class ClickHouse:
    def __init__(self, path: Path) -> None:
        self.session = chdb_session.Session(str(path))
        self.session.query("CREATE DATABASE IF NOT EXISTS shop")
        self.tables = 0

    def run(self, sql: str) -> None:
        self.session.query(sql)

    def rows(self, sql: str) -> list[list[str]]:
        out = self.session.query(sql, "JSONCompactEachRow").bytes().decode()
        return [json.loads(line) for line in out.splitlines()]

    def comments(self, table: str) -> TableDocs:
        (described,) = self.rows(f"SELECT comment FROM system.tables WHERE database = 'shop' AND name = '{table}'")
        columns = self.rows(f"SELECT name, comment FROM system.columns WHERE database = 'shop' AND table = '{table}'")
        return TableDocs(described[0] or None, {name: text for name, text in columns if text})

    def show_create(self, table: str) -> str:
        return self.session.query(f"SHOW CREATE TABLE shop.{table}", "TabSeparatedRaw").bytes().decode()


@pytest.fixture(scope="module")
def clickhouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClickHouse]:
    db = ClickHouse(tmp_path_factory.mktemp("chdb"))
    yield db
    db.session.close()


def test_the_documented_table_runs_and_clickhouse_keeps_every_comment(clickhouse: ClickHouse) -> None:
    outcome = document_text(EVENTS, HeuristicBackend())
    assert outcome.errors == [] and outcome.parsed.dialect == "clickhouse"
    new = outcome.new_text
    # Inside each column's definition, before what follows the comment in ClickHouse's grammar.
    assert "`url` String COMMENT 'URL of the event.' CODEC(ZSTD(3))," in new
    assert "`duration_ms` UInt32 COMMENT 'Duration of the event in milliseconds.' TTL event_date" in new
    assert "`is_bounce` UInt8 ALIAS duration_ms < 1000 COMMENT '" in new
    assert "SETTINGS index_granularity = 8192 COMMENT 'Events, one row per event.';" in new
    # Index, projection and constraint are not columns.
    (table,) = outcome.parsed.tables
    assert [c.name for c in table.columns][-3:] == ["url_path", "is_bounce", "raw"]
    clickhouse.run(new)
    stored = clickhouse.comments("events")
    written = comments_of(new, "clickhouse")["shop.events"]
    assert stored.description == written.description == "Events, one row per event."
    # Nested columns are stored as one array column per field, each with the comment.
    assert {k: v for k, v in stored.columns.items() if "." not in k} == {
        k: v for k, v in written.columns.items() if k != "items"
    }
    assert stored.columns["items.sku"] == written.columns["items"]
    assert stored.columns["user_id"] == "Logged-in user; NULL for guests"


def test_clickhouses_own_show_create_table_reads_back_with_its_comments(clickhouse: ClickHouse) -> None:
    clickhouse.run(
        "CREATE TABLE shop.orders (id UInt64 COMMENT 'Order number', note String, total Decimal(12, 2)"
        " COMMENT 'it''s \\\\ gross') ENGINE = MergeTree ORDER BY id COMMENT 'Orders placed'"
    )
    shown = clickhouse.show_create("orders")
    parsed = parse_sql(shown)
    assert parsed.dialect == "clickhouse" and parsed.diagnostics == []
    assert comments_of(shown, "clickhouse")["shop.orders"] == clickhouse.comments("orders")
    # Documenting it fills the one gap, and ClickHouse takes the result.
    outcome = document_text(shown, HeuristicBackend())
    assert outcome.errors == []
    clickhouse.run(outcome.new_text.replace("shop.orders", "shop.orders_documented", 1))
    assert clickhouse.comments("orders_documented") == TableDocs(
        "Orders placed", {"id": "Order number", "note": "Note of the order.", "total": "it's \\ gross"}
    )


def test_a_documented_alter_that_adds_columns_runs_and_clickhouse_keeps_their_comments(clickhouse: ClickHouse) -> None:
    clickhouse.run("CREATE TABLE shop.visits (id UInt64, url String) ENGINE = MergeTree ORDER BY id")
    sql = (
        "ALTER TABLE shop.visits ADD COLUMN IF NOT EXISTS duration_ms UInt32 DEFAULT 0 CODEC(ZSTD(1)) AFTER id,"
        " ADD COLUMN referrer_url Nullable(String) COMMENT 'Page the visitor came from';\n"
    )
    outcome = document_text(sql, HeuristicBackend(), dialect="clickhouse")
    assert outcome.errors == []
    described = "COMMENT 'Duration of the visit in milliseconds. Defaults to 0.'"
    assert f"duration_ms UInt32 DEFAULT 0 {described} CODEC(ZSTD(1)) AFTER id," in outcome.new_text
    clickhouse.run(outcome.new_text)
    assert clickhouse.comments("visits") == TableDocs(
        None,
        {
            "duration_ms": "Duration of the visit in milliseconds. Defaults to 0.",
            "referrer_url": "Page the visitor came from",
        },
    )
    assert [row[0] for row in clickhouse.rows("SELECT name FROM system.columns WHERE table = 'visits'")] == [
        "id",
        "duration_ms",
        "url",
        "referrer_url",
    ]


def test_a_documented_table_made_from_a_query_runs_and_clickhouse_keeps_its_comments(clickhouse: ClickHouse) -> None:
    """Its columns have no definitions to hold a COMMENT: ALTER TABLE … COMMENT COLUMN after it."""
    clickhouse.run("CREATE TABLE shop.sales (store_id UInt32, amount Decimal(10, 2)) ENGINE = Memory")
    sql = (
        "CREATE TABLE shop.store_totals ENGINE = MergeTree ORDER BY store_id AS\n"
        "SELECT store_id, sum(amount) AS total_amount, count() AS sales FROM shop.sales GROUP BY store_id;\n"
    )
    outcome = document_text(sql, HeuristicBackend(), dialect="clickhouse")
    assert outcome.errors == []
    added = outcome.new_text[len(sql) :].splitlines()
    assert [line.split(" '")[0] for line in added] == [
        "ALTER TABLE shop.store_totals MODIFY COMMENT",
        "ALTER TABLE shop.store_totals COMMENT COLUMN store_id",
        "ALTER TABLE shop.store_totals COMMENT COLUMN total_amount",
        "ALTER TABLE shop.store_totals COMMENT COLUMN sales",
    ]
    for statement in outcome.new_text.split(";\n")[:-1]:
        clickhouse.run(statement)
    assert clickhouse.comments("store_totals") == comments_of(outcome.new_text, "clickhouse")["shop.store_totals"]
    got = clickhouse.comments("store_totals")
    assert got.description == "Store totals, one row per store." and len(got.columns) == 3
    assert document_text(outcome.new_text, HeuristicBackend(), dialect="clickhouse").new_text == outcome.new_text


comment_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00")
    | st.sampled_from("'\"\\\n\t`$;?{}"),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() == s)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(comment=comment_text, description=comment_text)
def test_clickhouse_reads_back_any_comment_text_exactly(clickhouse: ClickHouse, comment: str, description: str) -> None:
    clickhouse.tables += 1
    name = f"t{clickhouse.tables}"
    text = f"CREATE TABLE shop.{name} (id UInt64, `fare amt` Decimal(8, 2) CODEC(ZSTD(1))) ENGINE = Memory;"
    (table,) = parse_sql(text, "clickhouse").tables
    new = apply_edits(text, plan_table_edits(table, TableDocs(description, {"id": comment, "fare amt": comment})))
    clickhouse.run(new)
    assert clickhouse.comments(name) == TableDocs(description, {"id": comment, "fare amt": comment})


def test_a_new_migration_comments_a_folder_and_clickhouse_keeps_its_comments(
    clickhouse: ClickHouse, tmp_path: Path
) -> None:
    """`--to` in ClickHouse: ALTER TABLE … MODIFY COMMENT and COMMENT COLUMN, after a folder that
    renames a column and drops another; golang-migrate's .down.sql beside it takes them away."""
    (tmp_path / "000001_page_views.up.sql").write_text(
        "CREATE TABLE shop.page_views (visit_id UInt64, page String, ms UInt32, junk String)"
        " ENGINE = MergeTree ORDER BY visit_id;\n",
        encoding="utf-8",
    )
    (tmp_path / "000002_reshape.up.sql").write_text(
        "ALTER TABLE shop.page_views RENAME COLUMN ms TO duration_ms;\nALTER TABLE shop.page_views DROP COLUMN junk;\n",
        encoding="utf-8",
    )
    code, _, err = run(
        "document", str(tmp_path), "--backend", "heuristic", "--dialect", "clickhouse", "--to", str(tmp_path), "--write"
    )
    assert code == 0, err

    def migrate(name: str) -> None:
        for statement in re.sub(r"(?m)^--.*\n", "", (tmp_path / name).read_text(encoding="utf-8")).split(";\n"):
            if statement.strip():
                clickhouse.run(statement)

    migrate("000001_page_views.up.sql")
    migrate("000002_reshape.up.sql")
    before = clickhouse.show_create("page_views")
    migrate("000003_document_comments.up.sql")
    got = clickhouse.comments("page_views")
    assert got.description == "Page views, one row per page view."
    assert set(got.columns) == {"visit_id", "page", "duration_ms"}
    migrate("000003_document_comments.down.sql")
    assert clickhouse.comments("page_views") == TableDocs(None, {}) and clickhouse.show_create("page_views") == before
