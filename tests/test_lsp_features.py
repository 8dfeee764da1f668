"""End to end: inline suggestions, hover, diagnostics, configuration and acceptance metrics."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from sqlscribe.ddl import parse_sql
from sqlscribe.generate import HeuristicBackend
from sqlscribe.models import load_registry
from sqlscribe.suggest import request_for

from lsp_editor import Editor, position_at, scratch_dir, server_config, start_editor, stop, wait_for

pytestmark = pytest.mark.model

TMP = scratch_dir("sqlscribe-lsp-features-")
DEFAULT_MODEL = load_registry().default

MYSQL = """CREATE TABLE payments (
  payment_id BIGINT PRIMARY KEY,
  amount_usd DECIMAL(12,2) NOT NULL COMMENT 'Amount charged, in US dollars.',
  paid_at DATETIME
);
"""


@pytest_lsp.fixture(config=server_config(TMP))
async def client(lsp_client: LanguageClient):
    yield
    await stop(lsp_client)


async def inline(editor: Editor, uri: str, offset: int) -> list[types.InlineCompletionItem]:
    result = await editor.client.text_document_inline_completion_async(
        types.InlineCompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position_at(editor.texts[uri], offset),
            context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Automatic),
        )
    )
    if result is None:
        return []
    return list(result.items if isinstance(result, types.InlineCompletionList) else result)


async def test_inline_suggestion_at_the_end_of_a_column_definition(editor: Editor):
    uri = (TMP / "inline.sql").as_uri()
    text = "CREATE TABLE payments (\n  payment_id BIGINT PRIMARY KEY,\n  paid_at DATETIME"
    editor.open(uri, text)  # half-typed: the statement is not closed yet
    items = await inline(editor, uri, len(text))
    assert len(items) == 1
    insert = items[0].insert_text
    assert isinstance(insert, str) and insert.startswith(" COMMENT '") and insert.endswith("'")
    completed = text + insert + "\n);"
    parsed = parse_sql(completed, "mysql")
    assert parsed.tables[0].column("paid_at").comment is not None
    assert items[0].command is not None and items[0].command.command == "sqlscribe.suggestionAccepted"
    # In the middle of a type name there is nothing to suggest.
    assert await inline(editor, uri, text.index("BIGINT") + 2) == []


async def test_inline_suggestion_inside_an_empty_comment_literal(editor: Editor):
    uri = (TMP / "inline_literal.sql").as_uri()
    text = "CREATE TABLE t (\n  ship_dt DATE COMMENT ''\n);\n"
    editor.open(uri, text)
    items = await inline(editor, uri, text.index("''") + 1)
    assert len(items) == 1
    body = items[0].insert_text
    assert isinstance(body, str) and len(body) > 3
    completed = text.replace("''", "'" + body + "'")
    assert parse_sql(completed, "mysql").tables[0].column("ship_dt").comment.text  # escaped correctly


async def test_inline_comment_on_statements_after_a_postgres_table(editor: Editor):
    uri = (TMP / "inline_pg.sql").as_uri()
    text = "CREATE TABLE public.visits (\n    visit_id bigint PRIMARY KEY,\n    page_url text\n);\n\n"
    editor.open(uri, text)
    items = await inline(editor, uri, len(text))
    assert len(items) == 1
    statements = items[0].insert_text
    assert isinstance(statements, str)
    assert statements.startswith("COMMENT ON TABLE public.visits IS '")
    table = parse_sql(text + statements, "postgres").tables[0]
    assert table.comment is not None and all(c.comment is not None for c in table.columns)


async def test_inline_suggestions_for_views(editor: Editor):
    uri = (TMP / "inline_views.sql").as_uri()
    text = (
        "CREATE TABLE public.visits (\n    visit_id bigint PRIMARY KEY,\n    page_url text\n);\n"
        "CREATE VIEW public.home_visits AS\nSELECT v.visit_id, v.page_url AS url FROM public.visits v;\n\n"
    )
    editor.open(uri, text)
    items = await inline(editor, uri, len(text))
    assert len(items) == 1 and isinstance(items[0].insert_text, str)
    assert items[0].insert_text.startswith("COMMENT ON VIEW public.home_visits IS '")
    view = parse_sql(text + items[0].insert_text, "postgres").tables[1]
    assert view.comment is not None and all(c.comment is not None for c in view.columns)

    # Snowflake comments a view's columns in its column list: not after an item of its query.
    uri = (TMP / "inline_views_snowflake.sql").as_uri()
    text = "-- dialect: snowflake\nCREATE TABLE visits (visit_id NUMBER, page_url VARCHAR);\n"
    text += "CREATE VIEW home AS\nSELECT visit_id"
    editor.open(uri, text)
    assert await inline(editor, uri, len(text)) == []

    # SQL Server: a view is its batch's only statement, so its properties are offered after a GO.
    uri = (TMP / "inline_views_tsql.sql").as_uri()
    text = "CREATE TABLE dbo.visits (visit_id int, page_url nvarchar(200))\nGO\n"
    text += "CREATE VIEW dbo.home AS SELECT visit_id FROM dbo.visits\n"
    editor.open(uri, text)
    assert await inline(editor, uri, len(text)) == []
    editor.open(uri, text + "GO\n")
    items = await inline(editor, uri, len(text) + 3)
    assert len(items) == 1 and isinstance(items[0].insert_text, str)
    assert "@level1type = N'VIEW', @level1name = N'home'" in items[0].insert_text


async def test_inline_suggestions_and_hover_for_an_alter_that_from_alter(editor: Editor):
    uri = (TMP / "inline_alter.sql").as_uri()
    text = (
        "CREATE TABLE public.visits (visit_id bigint PRIMARY KEY, page_url text);\n"
        "COMMENT ON TABLE public.visits IS 'One page view.';\n"
        "ALTER TABLE public.visits ADD COLUMN referrer_url text;\n\n"
    )
    editor.open(uri, text)
    items = await inline(editor, uri, len(text))
    assert len(items) == 1 and isinstance(items[0].insert_text, str)
    assert items[0].insert_text.startswith("COMMENT ON COLUMN public.visits.referrer_url IS '")
    assert "COMMENT ON TABLE" not in items[0].insert_text  # the table is described where it is created
    alter = parse_sql(text + items[0].insert_text, "postgres").tables[1]
    assert alter.from_alter and alter.column("referrer_url").comment is not None  # type: ignore[union-attr]

    hover = await editor.client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position_at(text, text.index("visits ADD") + 1),
        )
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.value == ("**public.visits** — table; this ALTER TABLE adds 1 column\n\nOne page view.")


async def test_inline_suggestion_below_a_bigquery_table_made_from_a_query_is_its_statements(editor: Editor):
    uri = (TMP / "inline_ctas.sql").as_uri()
    text = (
        "-- dialect: bigquery\n"
        "CREATE OR REPLACE TABLE `shop.daily_revenue` AS\n"
        "SELECT order_date, SUM(amount_usd) AS revenue_usd FROM `shop.orders` GROUP BY order_date;\n\n"
    )
    editor.open(uri, text)
    items = await inline(editor, uri, len(text))
    assert len(items) == 1 and isinstance(items[0].insert_text, str)
    lines = items[0].insert_text.splitlines()
    assert [line.split(" (description")[0] for line in lines] == [
        "ALTER TABLE `shop.daily_revenue` SET OPTIONS",
        "ALTER TABLE `shop.daily_revenue` ALTER COLUMN order_date SET OPTIONS",
        "ALTER TABLE `shop.daily_revenue` ALTER COLUMN revenue_usd SET OPTIONS",
    ]
    (table,) = parse_sql(text + items[0].insert_text, "bigquery").tables
    assert table.comment is not None and all(c.comment is not None for c in table.columns)


async def test_hover_shows_the_existing_comment_or_a_marked_suggestion(editor: Editor):
    uri = (TMP / "hover.sql").as_uri()
    editor.open(uri, MYSQL)
    existing = await editor.client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position_at(MYSQL, MYSQL.index("amount_usd") + 1),
        )
    )
    assert existing is not None and isinstance(existing.contents, types.MarkupContent)
    assert "Amount charged, in US dollars." in existing.contents.value
    assert "Suggested" not in existing.contents.value

    params = types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position_at(MYSQL, MYSQL.index("paid_at") + 1)
    )
    first = await editor.client.text_document_hover_async(params)
    assert first is not None and isinstance(first.contents, types.MarkupContent)
    assert "*Suggested comment (" in first.contents.value
    assert "`DATETIME`" in first.contents.value
    # Once the model has answered, the hover shows the model's suggestion.
    await wait_for(lambda: any(s["state"] == "idle" and s["model"] != "(not loaded)" for s in editor.statuses))

    async def model_hover() -> bool:
        h = await editor.client.text_document_hover_async(params)
        return h is not None and "quick preview" not in h.contents.value  # type: ignore[union-attr]

    for _ in range(600):  # up to a minute on a slow machine
        if await model_hover():
            break
        await asyncio.sleep(0.1)
    else:
        pytest.fail("the model's suggestion never reached the hover")
    none = await editor.client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(4, 1))
    )
    assert none is None


AHEAD = """CREATE TABLE shipments (
  shipment_id BIGINT PRIMARY KEY,
  carrier_cd VARCHAR(8),
  shipped_at DATETIME
);

CREATE TABLE refunds (
  refund_id BIGINT PRIMARY KEY COMMENT 'Refund number.',
  amount_usd DECIMAL(12,2) COMMENT 'Amount refunded, in US dollars.'
) COMMENT 'Money returned to customers.';

CREATE TABLE coupons (
  coupon_code VARCHAR(16) PRIMARY KEY,
  pct_off INT,
  expires_on DATE
);
"""


async def test_tables_near_the_cursor_are_documented_ahead_while_the_model_is_idle(client: LanguageClient):
    """Background work, seen from the editor: the undocumented tables, the cursor's first, are
    documented once the document is quiet; the light bulb, its columns' actions and hovers then
    answer from memory; switched off, nothing runs until asked."""
    editor = await start_editor(client)
    uri = (TMP / "ahead.sql").as_uri()
    editor.open(uri, AHEAD)
    await editor.code_actions(uri, AHEAD.index("pct_off"))  # the cursor moves to coupons

    def all_done() -> bool:
        started = [i for i, s in enumerate(editor.statuses) if s["message"].endswith(" ahead")]
        return bool(started) and any(s["ahead"] == 0 for s in editor.statuses[started[0] :])

    await wait_for(all_done)
    ahead = [s["message"] for s in editor.statuses if s["state"] == "generating"]
    assert ahead == ["documenting coupons ahead", "documenting shipments ahead"]  # refunds is documented
    seen = len(editor.statuses)

    hover = await editor.client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=position_at(AHEAD, AHEAD.index("pct_off") + 1)
        )
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "*Suggested comment (" in hover.contents.value and "quick preview" not in hover.contents.value
    actions = await editor.code_actions(uri, AHEAD.index("expires_on"))
    column = next(a for a in actions if a.title == "Document column `expires_on`")
    resolved = await editor.client.code_action_resolve_async(column)
    assert resolved.edit is not None and editor.apply(resolved.edit)
    # With one column accepted, the rest of the table is still what was shown.
    actions = await editor.code_actions(uri, editor.texts[uri].index("pct_off"))
    table = next(a for a in actions if a.title.startswith("Document table `coupons`"))
    resolved = await editor.client.code_action_resolve_async(table)
    assert resolved.edit is not None and editor.apply(resolved.edit)
    coupons = parse_sql(editor.texts[uri], "mysql").tables[2]
    assert coupons.comment is not None and all(c.comment is not None for c in coupons.columns)
    pct_off = coupons.column("pct_off")
    assert pct_off is not None and pct_off.comment is not None
    assert hover.contents.value.endswith(f":* {pct_off.comment.text}")  # what the hover showed
    await editor.settle()
    assert not [s for s in editor.statuses[seen:] if s["state"] == "generating"]  # all from memory

    client.set_configuration({"sqlscribe": {"prefetch": False}})
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await editor.settle()
    seen = len(editor.statuses)
    other = (TMP / "not-ahead.sql").as_uri()
    parcels = "CREATE TABLE parcels (\n  parcel_id BIGINT PRIMARY KEY,\n  weight_g INT\n);\n"
    editor.open(other, parcels)
    await editor.code_actions(other, parcels.index("weight_g"))
    await asyncio.sleep(3)  # three times the quiet a plan waits for
    assert not [s for s in editor.statuses[seen:] if s["state"] == "generating"]
    actions = await editor.code_actions(other, parcels.index("weight_g"))
    table = next(a for a in actions if a.title.startswith("Document table `parcels`"))
    resolved = await editor.client.code_action_resolve_async(table)
    assert resolved.edit is not None
    assert [s["message"] for s in editor.statuses[seen:] if s["state"] == "generating"] == [""]  # asked for


async def test_diagnostics_mark_undocumented_objects_and_can_be_switched_off(editor: Editor):
    uri = (TMP / "diag.sql").as_uri()
    editor.open(uri, MYSQL)
    await wait_for(lambda: uri in editor.client.diagnostics)
    found = editor.client.diagnostics[uri]
    assert sorted(d.message for d in found) == [
        "Column paid_at has no comment",
        "Column payment_id has no comment",
        "Table payments has no description",
    ]
    assert {d.severity for d in found} == {types.DiagnosticSeverity.Hint}
    col = next(d for d in found if "paid_at" in d.message)
    assert col.range.start == position_at(MYSQL, MYSQL.index("paid_at"))

    editor.client.set_configuration({"sqlscribe": {"diagnostics": False}})
    editor.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await wait_for(lambda: len(editor.client.diagnostics[uri]) == 0)


async def test_what_a_later_migration_comments_is_not_marked_and_its_edits_are_seen_unsaved(editor: Editor):
    folder = TMP / "later-comments"
    folder.mkdir()
    create = "CREATE TABLE shop.orders (order_id bigint PRIMARY KEY, placed_at timestamptz);\n"
    (folder / "V1__orders.sql").write_text(create, encoding="utf-8")
    later = "COMMENT ON TABLE shop.orders IS 'A customer order.';\n"
    (folder / "V2__describe.sql").write_text(later, encoding="utf-8")
    uri, other = (folder / "V1__orders.sql").as_uri(), (folder / "V2__describe.sql").as_uri()
    editor.open(uri, create)
    await wait_for(lambda: uri in editor.client.diagnostics)
    assert sorted(d.message for d in editor.client.diagnostics[uri]) == [
        "Column order_id has no comment",
        "Column placed_at has no comment",
    ]
    actions = await editor.code_actions(uri, create.index("placed_at"))
    assert [a.title for a in actions][:2] == ["Document column `placed_at`", "Document table `shop.orders` (2 columns)"]
    # The later file, edited and not saved: the earlier one's diagnostics follow.
    editor.open(other, later + "COMMENT ON COLUMN shop.orders.placed_at IS 'When it was placed.';\n")
    await wait_for(lambda: len(editor.client.diagnostics[uri]) == 1)
    assert editor.client.diagnostics[uri][0].message == "Column order_id has no comment"


async def test_prismas_later_migration_folder_edited_unsaved_changes_the_earlier_ones_hints(editor: Editor):
    """Where each migration is a folder (Prisma's), the folders in order are the migrations."""
    folder = TMP / "prisma-later"
    (folder / "20240101000000_init").mkdir(parents=True)
    (folder / "20240102000000_docs").mkdir()
    create = 'CREATE TABLE "Order" ("id" SERIAL NOT NULL, "placedAt" TIMESTAMP(3));\n'
    first, second = folder / "20240101000000_init" / "migration.sql", folder / "20240102000000_docs" / "migration.sql"
    first.write_text(create, encoding="utf-8")
    second.write_text("SELECT 1;\n", encoding="utf-8")
    editor.open(first.as_uri(), create)
    await wait_for(lambda: len(editor.client.diagnostics.get(first.as_uri(), [])) == 3)
    editor.open(second.as_uri(), 'COMMENT ON COLUMN "Order"."placedAt" IS \'When it was placed.\';\n')
    await wait_for(lambda: len(editor.client.diagnostics[first.as_uri()]) == 2)
    assert "placedAt" not in " ".join(d.message for d in editor.client.diagnostics[first.as_uri()])


async def test_configuration_change_switches_the_backend_once(editor: Editor):
    uri = (TMP / "config.sql").as_uri()
    editor.open(uri, MYSQL)
    await wait_for(lambda: any(s["state"] == "idle" and s["model"] != "(not loaded)" for s in editor.statuses))
    loaded = [s for s in editor.statuses if s["state"] == "loading"]
    assert len(loaded) == 1  # one model load at start-up
    assert next(s["model"] for s in reversed(editor.statuses) if s["state"] == "idle").startswith(DEFAULT_MODEL)

    editor.client.set_configuration({"sqlscribe": {"backend": "heuristic"}})
    editor.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await wait_for(lambda: editor.statuses[-1]["model"] == "heuristic-1")
    action = next(a for a in await editor.code_actions(uri, MYSQL.index("paid_at")) if "column" in a.title)
    resolved = await editor.client.code_action_resolve_async(action)
    assert resolved.edit is not None and editor.apply(resolved.edit)
    expected = HeuristicBackend().document(request_for(parse_sql(MYSQL, "mysql"), 0, "paid_at")).docs
    assert parse_sql(editor.texts[uri], "mysql").tables[0].column("paid_at").comment.text == expected.columns["paid_at"]  # type: ignore[union-attr]

    # A bad value is refused with a message and the old value kept.
    editor.client.set_configuration({"sqlscribe": {"backend": "heuristic", "threads": "many"}})
    editor.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await wait_for(lambda: any("sqlscribe.threads" in m.message for m in editor.client.messages))


async def test_acceptance_is_recorded_then_kept_or_edited_on_save(editor: Editor):
    uri = (TMP / "accept.sql").as_uri()
    editor.open(uri, MYSQL)
    for column in ("paid_at", "payment_id"):
        action = next(a for a in await editor.code_actions(uri, editor.texts[uri].index(column)) if "column" in a.title)
        resolved = await editor.client.code_action_resolve_async(action)
        assert resolved.edit is not None and resolved.command is not None
        assert editor.apply(resolved.edit)
        assert await editor.execute(resolved.command) is True
    # The user rewrites the payment_id comment before saving; paid_at's is kept as inserted.
    text = editor.texts[uri]
    parsed = parse_sql(text, "mysql")
    literal = parsed.tables[0].column("payment_id").comment.literal  # type: ignore[union-attr]
    editor.replace(uri, text[: literal.start] + "'Surrogate key of the payment.'" + text[literal.end :])
    editor.save(uri)
    # An action that was looked at but not taken counts as shown only.
    table_action = next(a for a in await editor.code_actions(uri, 3) if a.title.startswith("Document table"))
    await editor.client.code_action_resolve_async(table_action)
    await editor.settle()

    db = TMP / "data" / "acceptance.sqlite3"
    out = subprocess.run(
        [sys.executable, "-m", "sqlscribe", "stats", "--json", "--db", str(db)],
        capture_output=True,
        text=True,
        check=True,
    )
    cli_rows = json.loads(out.stdout)
    server_rows = await editor.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="sqlscribe.acceptanceStats")
    )
    assert server_rows == cli_rows  # the editor's "Show Acceptance Statistics" reads the same numbers
    rows = {(r["kind"]): r for r in cli_rows if r["model"].startswith(DEFAULT_MODEL)}
    assert rows["column"]["shown"] >= 2 and rows["column"]["accepted"] == 2 and rows["column"]["edited"] == 1
    assert rows["table"]["accepted"] == 0 and rows["table"]["not_taken"] >= 1
    human = subprocess.run(
        [sys.executable, "-m", "sqlscribe", "stats", "--db", str(db)], capture_output=True, text=True, check=True
    ).stdout
    assert "column" in human and "%" in human


async def test_list_models_names_the_default_and_the_model_in_use(editor: Editor):
    await wait_for(lambda: any(s["state"] == "idle" and s["model"] != "(not loaded)" for s in editor.statuses))
    result = await editor.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="sqlscribe.listModels")
    )
    models = {m["name"]: m for m in result["models"]}
    default = next(name for name, m in models.items() if m["default"])
    assert result["active"].startswith(default)
    assert {"name", "default", "adapter", "lineage"} <= set(models[default])


async def test_dialect_setting_and_telemetry_off(client: LanguageClient):
    editor = await start_editor(client, {"dialect": "snowflake", "telemetry": False, "backend": "heuristic"})
    uri = (TMP / "plain_dialect.sql").as_uri()
    text = "CREATE TABLE events (\n  event_id NUMBER,\n  payload VARIANT\n);\n"  # no hint: postgres by default
    editor.open(uri, text)
    action = next(a for a in await editor.code_actions(uri, text.index("payload")) if "column" in a.title)
    resolved = await editor.client.code_action_resolve_async(action)
    assert resolved.edit is not None and editor.apply(resolved.edit)
    assert "payload VARIANT COMMENT '" in editor.texts[uri]  # Snowflake's inline clause, not COMMENT ON
    assert resolved.command is None  # nothing to record: telemetry is off
    rows = await editor.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="sqlscribe.acceptanceStats")
    )
    assert rows == []


async def test_a_sql_server_script_is_documented_with_extended_properties(client: LanguageClient):
    editor = await start_editor(client, {"telemetry": False, "backend": "heuristic"})
    uri = (TMP / "ssms.sql").as_uri()
    text = (
        "CREATE TABLE [dbo].[Visits](\r\n\t[VisitID] [int] IDENTITY(1,1) NOT NULL,\r\n"
        "\t[PageUrl] [nvarchar](max) NULL\r\n"
        ") ON [PRIMARY] TEXTIMAGE_ON [PRIMARY]\r\nGO\r\n\r\n"
        "CREATE TABLE [dbo].[Pages]([PageID] [int] NOT NULL)\r\nGO\r\n"
    )
    editor.open(uri, text)
    # Ghost text on the empty line below a table offers its extended properties.
    below = text.index("GO\r\n\r\n") + len("GO\r\n")
    (item,) = await inline(editor, uri, below)
    assert isinstance(item.insert_text, str)
    assert item.insert_text.startswith("EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'")
    # "Document this file" writes them for every table, after each CREATE and before its GO.
    result = await editor.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="sqlscribe.documentFile", arguments=[uri])
    )
    assert result["documented"] == 2
    after = editor.texts[uri]
    assert ") ON [PRIMARY] TEXTIMAGE_ON [PRIMARY];\r\nEXEC sys.sp_addextendedproperty" in after
    assert "@level1name = N'Pages', @level2type = N'COLUMN', @level2name = N'PageID';\r\nGO\r\n" in after
    parsed = parse_sql(after)
    assert parsed.dialect == "tsql" and parsed.diagnostics == []
    assert all(t.comment is not None and all(c.comment is not None for c in t.columns) for t in parsed.tables)


async def test_a_sqlite_schema_is_documented_with_sql_comments(client: LanguageClient):
    editor = await start_editor(client, {"telemetry": False, "backend": "heuristic"})
    uri = (TMP / "app.sql").as_uri()
    text = "CREATE TABLE notes (\n  id INTEGER PRIMARY KEY AUTOINCREMENT,\n  title TEXT NOT NULL\n);\n"
    editor.open(uri, text)
    # Ghost text at the end of a column's line, after its comma, is a `-- …` comment.
    (item,) = await inline(editor, uri, text.index(",\n") + 1)
    assert isinstance(item.insert_text, str) and item.insert_text.startswith(" -- ")
    result = await editor.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="sqlscribe.documentFile", arguments=[uri])
    )
    assert result["documented"] == 1
    after = editor.texts[uri]
    assert after.startswith("CREATE TABLE notes ( -- ") and "AUTOINCREMENT, -- " in after
    (table,) = parse_sql(after, "sqlite").tables
    assert table.comment is not None and all(c.comment is not None for c in table.columns)


async def test_a_clickhouse_table_gets_its_comments_before_codec_and_runs_in_clickhouse(client: LanguageClient):
    chdb_session = pytest.importorskip("chdb.session")
    editor = await start_editor(client, {"telemetry": False, "backend": "heuristic"})
    uri = (TMP / "hits.sql").as_uri()
    text = (
        "CREATE TABLE hits\n(\n    `url` String CODEC(ZSTD(3)),\n    `hit_at` DateTime\n)\n"
        "ENGINE = MergeTree\nORDER BY hit_at;\n"
    )
    editor.open(uri, text)
    # Ghost text where a comment may go: at the end of hit_at's definition, not after url's CODEC.
    (item,) = await inline(editor, uri, text.index("DateTime") + len("DateTime"))
    assert isinstance(item.insert_text, str) and item.insert_text.startswith(" COMMENT '")
    assert await inline(editor, uri, text.index("(3))") + len("(3))")) == []
    # The action for url puts its comment before the CODEC, as ClickHouse's grammar wants.
    action = next(a for a in await editor.code_actions(uri, text.index("`url`") + 1) if "column" in a.title)
    resolved = await editor.client.code_action_resolve_async(action)
    assert resolved.edit is not None and editor.apply(resolved.edit)
    assert "`url` String COMMENT 'URL of the hit.' CODEC(ZSTD(3))," in editor.texts[uri]
    result = await editor.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="sqlscribe.documentFile", arguments=[uri])
    )
    assert result["documented"] == 1
    after = editor.texts[uri]
    assert after.endswith("ORDER BY hit_at COMMENT 'Hits, one row per hit.';\n")
    session = chdb_session.Session(str(TMP / "chdb"))
    try:
        session.query(after)
        got = session.query("SELECT name, comment FROM system.columns WHERE table = 'hits'", "JSONCompactEachRow")
    finally:
        session.close()
    rows = [json.loads(line) for line in got.bytes().decode().splitlines()]
    assert rows == [["url", "URL of the hit."], ["hit_at", "Timestamp of the hit."]]
