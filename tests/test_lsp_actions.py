"""End to end: the real server over stdio, the real embedded model, an editor that applies edits."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from sqlscribe.ddl import parse_sql

from lsp_editor import Editor, scratch_dir, server_config, start_editor, stop, wait_for

pytestmark = pytest.mark.model

TMP = scratch_dir("sqlscribe-lsp-")

MYSQL = """CREATE TABLE customers (
  cust_id INT NOT NULL PRIMARY KEY,
  email_addr VARCHAR(255) NOT NULL,
  signup_dt DATE
) ENGINE=InnoDB;

CREATE TABLE orders (
  order_id INT PRIMARY KEY,
  cust_id INT NOT NULL REFERENCES customers (cust_id),
  total_amt DECIMAL(10,2) COMMENT 'Order total in USD, tax included.'
);
"""

POSTGRES = """-- dialect: postgres
CREATE TABLE IF NOT EXISTS public.invoices (
    invoice_id bigserial PRIMARY KEY,
    amount_cents integer NOT NULL,
    issued_at timestamptz DEFAULT now()
);
"""


@pytest_lsp.fixture(config=server_config(TMP))
async def client(lsp_client: LanguageClient):
    yield
    await stop(lsp_client)


def comments(text: str, dialect: str | None = None) -> dict[str, dict[str | None, str | None]]:
    parsed = parse_sql(text, dialect)
    assert not [d for d in parsed.diagnostics if d.severity == "error"], parsed.diagnostics
    out: dict[str, dict[str | None, str | None]] = {}
    for table in parsed.tables:
        entry: dict[str | None, str | None] = {None: table.comment.text if table.comment else None}
        entry.update({c.name: c.comment.text if c.comment else None for c in table.columns})
        out[table.name] = entry
    return out


async def test_actions_are_listed_per_column_table_and_file(editor: Editor):
    uri = (TMP / "shop.sql").as_uri()
    editor.open(uri, MYSQL)
    actions = await editor.code_actions(uri, MYSQL.index("email_addr") + 2)
    titles = [a.title for a in actions]
    assert titles == [
        "Document column `email_addr`",
        "Document table `customers` (3 columns)",
        "Document this file (2 tables)",
    ]
    # Listing does no model work: the column and table actions carry no edit yet.
    assert all(a.edit is None for a in actions)
    file_action = actions[2]
    assert file_action.kind is not None and file_action.kind.startswith("source.")
    resolved = await editor.client.code_action_resolve_async(file_action)
    assert resolved.command is not None and resolved.command.command == "sqlscribe.documentFile"
    assert list(resolved.command.arguments or []) == [uri]

    # The already-commented column offers no column action; `only` filters kinds.
    on_commented = await editor.code_actions(uri, MYSQL.index("total_amt") + 1)
    assert [a.title for a in on_commented] == ["Document table `orders` (2 columns)", "Document this file (2 tables)"]
    only_source = await editor.code_actions(uri, MYSQL.index("total_amt"), only=["source"])
    assert [a.title for a in only_source] == ["Document this file (2 tables)"]


async def test_column_action_resolves_to_a_versioned_edit_that_reparses(editor: Editor):
    uri = (TMP / "col.sql").as_uri()
    editor.open(uri, MYSQL)
    action = (await editor.code_actions(uri, MYSQL.index("signup_dt")))[0]
    resolved = await editor.client.code_action_resolve_async(action)
    assert resolved.disabled is None
    assert resolved.edit is not None
    change = resolved.edit.document_changes[0]
    assert change.text_document.version == 1
    assert editor.apply(resolved.edit)
    after = comments(editor.texts[uri], "mysql")
    assert after["customers"]["signup_dt"]  # documented
    assert after["customers"]["email_addr"] is None  # nothing else touched
    assert after["orders"]["total_amt"] == "Order total in USD, tax included."
    # Every byte outside the insertion is the user's.
    inserted = len(editor.texts[uri]) - len(MYSQL)
    assert inserted > 10
    assert resolved.command is not None and resolved.command.command == "sqlscribe.suggestionAccepted"


async def test_table_action_in_postgres_adds_comment_on_statements(editor: Editor):
    uri = (TMP / "pg.sql").as_uri()
    editor.open(uri, POSTGRES)
    actions = await editor.code_actions(uri, POSTGRES.index("amount_cents"))
    table_action = next(a for a in actions if a.title.startswith("Document table"))
    assert table_action.title == "Document table `public.invoices` (3 columns)"
    resolved = await editor.client.code_action_resolve_async(table_action)
    assert resolved.edit is not None and editor.apply(resolved.edit)
    text = editor.texts[uri]
    assert text.startswith(POSTGRES.rstrip("\n"))
    assert "COMMENT ON TABLE public.invoices IS '" in text
    after = comments(text, "postgres")["public.invoices"]
    assert all(after.values()), after


VIEWS = (
    POSTGRES
    + """CREATE VIEW public.big_invoices AS
SELECT i.invoice_id, i.amount_cents / 100.0 AS amount, i.issued_at FROM public.invoices i WHERE i.amount_cents > 100000;
"""
)


async def test_a_views_column_and_the_view_are_documented_with_comment_on(editor: Editor):
    uri = (TMP / "views.sql").as_uri()
    editor.open(uri, VIEWS)
    at = VIEWS.index("AS amount") + 4
    actions = await editor.code_actions(uri, at)
    assert [a.title for a in actions] == [
        "Document column `amount`",
        "Document view `public.big_invoices` (3 columns)",
        "Document this file (2 tables)",
    ]
    resolved = await editor.client.code_action_resolve_async(actions[0])
    assert resolved.edit is not None and editor.apply(resolved.edit)
    text = editor.texts[uri]
    assert text.startswith(VIEWS.rstrip("\n"))
    assert "COMMENT ON COLUMN public.big_invoices.amount IS '" in text
    after = comments(text, "postgres")["public.big_invoices"]
    assert after["amount"] and after[None] is None and after["issued_at"] is None
    view_action = next(a for a in await editor.code_actions(uri, at) if a.title.startswith("Document view"))
    resolved = await editor.client.code_action_resolve_async(view_action)
    assert resolved.edit is not None and editor.apply(resolved.edit)
    after = comments(editor.texts[uri], "postgres")["public.big_invoices"]
    assert all(after.values()), after
    assert "COMMENT ON VIEW public.big_invoices IS '" in editor.texts[uri]


MIGRATION = (
    POSTGRES
    + """COMMENT ON TABLE public.invoices IS 'A bill sent to a customer.';
ALTER TABLE public.invoices ADD COLUMN due_on date, ADD COLUMN paid_at timestamptz;
"""
)


async def test_the_columns_an_alter_table_adds_are_documented_after_it(editor: Editor):
    uri = (TMP / "migration.sql").as_uri()
    editor.open(uri, MIGRATION)
    at = MIGRATION.index("paid_at") + 2
    actions = await editor.code_actions(uri, at)
    assert [a.title for a in actions] == [
        "Document column `paid_at`",
        "Document ALTER TABLE `public.invoices` (2 columns)",
        "Document this file (1 table and 1 ALTER TABLE)",
    ]
    resolved = await editor.client.code_action_resolve_async(actions[1])
    assert resolved.edit is not None and editor.apply(resolved.edit)
    text = editor.texts[uri]
    assert text.startswith(MIGRATION.rstrip("\n"))
    added = text[len(MIGRATION.rstrip("\n")) :].splitlines()[1:]
    assert [line.split(" IS ")[0] for line in added] == [
        "COMMENT ON COLUMN public.invoices.due_on",
        "COMMENT ON COLUMN public.invoices.paid_at",
    ]
    after = parse_sql(text, "postgres")
    assert after.tables[0].comment is not None and after.tables[0].column("amount_cents").comment is None
    assert all(c.comment is not None for c in after.tables[1].columns)


async def test_a_migration_open_alone_knows_the_table_an_earlier_file_created(editor: Editor):
    """MySQL's MODIFY drops a column's comment unless restated: the action restates what the
    CREATE in the folder's earlier migration says."""
    folder = TMP / "migrations"
    folder.mkdir()
    (folder / "V1__orders.sql").write_text(
        "CREATE TABLE orders (id INT PRIMARY KEY, status VARCHAR(16) NOT NULL COMMENT 'Lifecycle state: new, paid')"
        " ENGINE=InnoDB COMMENT='Web shop orders';\n",
        encoding="utf-8",
    )
    text = "ALTER TABLE orders MODIFY COLUMN status VARCHAR(32) NOT NULL;\n"
    (folder / "V10__status.sql").write_text(text, encoding="utf-8")
    uri = (folder / "V10__status.sql").as_uri()
    editor.open(uri, text)
    actions = await editor.code_actions(uri, text.index("status"))
    assert [a.title for a in actions][:2] == ["Document column `status`", "Document ALTER TABLE `orders` (1 column)"]
    resolved = await editor.client.code_action_resolve_async(actions[0])
    assert resolved.edit is not None and editor.apply(resolved.edit)
    assert editor.texts[uri] == (
        "ALTER TABLE orders MODIFY COLUMN status VARCHAR(32) NOT NULL COMMENT 'Lifecycle state: new, paid';\n"
    )


async def test_a_migration_reads_an_earlier_file_as_the_editor_has_it_unsaved(editor: Editor):
    """The earlier file open with edits not yet saved: the later one reads the editor's text, and
    reads it again when it changes."""
    folder = TMP / "migrations-unsaved"
    folder.mkdir()
    create = "CREATE TABLE orders (id INT PRIMARY KEY, status VARCHAR(16) NOT NULL COMMENT 'State') ENGINE=InnoDB;\n"
    (folder / "V1__orders.sql").write_text(create, encoding="utf-8")
    text = "ALTER TABLE orders MODIFY COLUMN status VARCHAR(32) NOT NULL;\n"
    (folder / "V2__status.sql").write_text(text, encoding="utf-8")
    uri = (folder / "V2__status.sql").as_uri()
    editor.open(uri, text)
    actions = await editor.code_actions(uri, text.index("status"))  # read with V1 as on disk
    assert actions[0].title == "Document column `status`"
    editor.open((folder / "V1__orders.sql").as_uri(), create.replace("'State'", "'Lifecycle state: new, paid'"))
    resolved = await editor.client.code_action_resolve_async(actions[0])
    assert resolved.edit is not None and editor.apply(resolved.edit)
    assert editor.texts[uri] == (
        "ALTER TABLE orders MODIFY COLUMN status VARCHAR(32) NOT NULL COMMENT 'Lifecycle state: new, paid';\n"
    )
    assert (folder / "V1__orders.sql").read_text(encoding="utf-8") == create  # nothing saved


async def test_document_file_reports_progress_and_applies_table_by_table(editor: Editor):
    uri = (TMP / "file.sql").as_uri()
    editor.open(uri, MYSQL)
    result = await editor.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="sqlscribe.documentFile", arguments=[uri])
    )
    assert result["documented"] == 2 and result["total"] == 2 and result["cancelled"] is False
    assert len(editor.applied) == 2  # one workspace/applyEdit per table
    assert max(status["pending"] for status in editor.statuses) == 2  # both tables asked of the model at once
    after = comments(editor.texts[uri], "mysql")
    assert all(after["customers"].values()) and all(after["orders"].values())
    assert after["orders"]["total_amt"] == "Order total in USD, tax included."  # the human comment is kept
    reports = next(iter(editor.client.progress_reports.values()))
    assert isinstance(reports[0], types.WorkDoneProgressBegin) and reports[0].cancellable
    messages = [r.message for r in reports if isinstance(r, types.WorkDoneProgressReport)]
    assert messages == ["table 1 of 2: customers", "table 2 of 2: orders"]
    assert isinstance(reports[-1], types.WorkDoneProgressEnd)
    assert reports[-1].message == "Documented 2 of 2 tables"
    # A second run finds nothing left to do and changes nothing.
    again = await editor.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="sqlscribe.documentFile", arguments=[uri])
    )
    assert again["total"] == 0 and len(editor.applied) == 2


RAILS_STRUCTURE = """-- dialect: postgres
CREATE TABLE public.schema_migrations (
    version character varying NOT NULL
);

CREATE TABLE public.users (
    id bigint NOT NULL,
    email character varying NOT NULL
);
"""


async def test_a_migration_tools_own_table_is_explained_and_left_out_of_the_whole_file(editor: Editor):
    """A Rails structure.sql (a schema dump) holds schema_migrations: the tool's record, not the
    application's. It gets a note instead of hints, the whole file leaves it out, and it is
    documented only when asked for by name."""
    uri = (TMP / "structure.sql").as_uri()
    editor.open(uri, RAILS_STRUCTURE)
    await wait_for(lambda: uri in editor.client.diagnostics)
    found = editor.client.diagnostics[uri]
    notes = [d for d in found if d.severity == types.DiagnosticSeverity.Information]
    assert [d.message for d in notes] == [
        "table public.schema_migrations: a migration tool's own bookkeeping, no part of the application's schema"
    ]
    assert sorted(d.message for d in found if d.severity == types.DiagnosticSeverity.Hint) == [
        "Column email has no comment",
        "Column id has no comment",
        "Table public.users has no description",
    ]
    actions = await editor.code_actions(uri, RAILS_STRUCTURE.index("schema_migrations"))
    assert [a.title for a in actions] == [
        "Document table `public.schema_migrations` (1 column)",
        "Document this file (1 table)",
    ]
    result = await editor.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="sqlscribe.documentFile", arguments=[uri])
    )
    assert result["documented"] == 1 and result["total"] == 1
    after = comments(editor.texts[uri], "postgres")
    assert set(after["public.schema_migrations"].values()) == {None}
    assert all(after["public.users"].values())


async def test_cancelling_document_file_keeps_what_was_done(editor: Editor):
    uri = (TMP / "many.sql").as_uri()
    text = "\n".join(
        f"CREATE TABLE t{i} (id INT PRIMARY KEY, metric_{i}_val DECIMAL(8,2), flag_{i} BOOLEAN);" for i in range(12)
    )
    editor.open(uri, text)
    command = editor.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="sqlscribe.documentFile", arguments=[uri])
    )
    import asyncio

    task = asyncio.ensure_future(command)
    await wait_for(lambda: len(editor.applied) >= 1)
    token = next(iter(editor.client.progress_reports))
    editor.client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
    result = await task
    assert result["cancelled"] is True
    assert 1 <= result["documented"] < 12
    after = comments(editor.texts[uri], "mysql")
    documented = [name for name, cols in after.items() if all(cols.values())]
    untouched = [name for name, cols in after.items() if not any(cols.values())]
    assert len(documented) == result["documented"]
    assert len(documented) + len(untouched) == 12  # no table half-documented
    end = editor.client.progress_reports[token][-1]
    assert isinstance(end, types.WorkDoneProgressEnd) and end.message.startswith("Cancelled after documenting")


async def test_suggestion_for_an_older_version_is_recomputed_not_shifted(editor: Editor):
    uri = (TMP / "versions.sql").as_uri()
    editor.open(uri, MYSQL)
    action = (await editor.code_actions(uri, MYSQL.index("email_addr")))[0]
    # The user types above the table before looking at the suggestion.
    editor.replace(uri, "-- a new header line\n-- and another\n" + MYSQL)
    resolved = await editor.client.code_action_resolve_async(action)
    assert resolved.edit is not None
    assert resolved.edit.document_changes[0].text_document.version == 2
    assert editor.apply(resolved.edit)
    after = comments(editor.texts[uri], "mysql")
    assert after["customers"]["email_addr"]
    assert editor.texts[uri].startswith("-- a new header line\n-- and another\nCREATE TABLE customers (")

    # An edit computed for a version the editor no longer has is refused, never applied shifted.
    action = (await editor.code_actions(uri, editor.texts[uri].index("signup_dt")))[0]
    stale = await editor.client.code_action_resolve_async(action)
    editor.replace(uri, "\n" + editor.texts[uri])
    before = editor.texts[uri]
    assert stale.edit is not None and not editor.apply(stale.edit)
    assert editor.texts[uri] == before


async def test_action_for_a_deleted_table_is_disabled(editor: Editor):
    uri = (TMP / "deleted.sql").as_uri()
    editor.open(uri, MYSQL)
    action = next(a for a in await editor.code_actions(uri, 5) if a.title.startswith("Document table"))
    editor.replace(uri, MYSQL[MYSQL.index("CREATE TABLE orders") :])
    resolved = await editor.client.code_action_resolve_async(action)
    assert resolved.edit is None
    assert resolved.disabled is not None and "customers" in resolved.disabled.reason


async def test_non_ascii_identifiers_use_utf16_positions(editor: Editor):
    uri = (TMP / "unicode.sql").as_uri()
    text = "CREATE TABLE `café_😀` (\n  `naïve_😀_col` INT, `prix_€` DECIMAL(10,2)\n) ENGINE=InnoDB;\n"
    editor.open(uri, text)
    actions = await editor.code_actions(uri, text.index("prix"))
    action = next(a for a in actions if a.title.startswith("Document column"))
    assert action.title == "Document column `prix_€`"
    resolved = await editor.client.code_action_resolve_async(action)
    assert resolved.edit is not None and editor.apply(resolved.edit)
    after = comments(editor.texts[uri], "mysql")
    assert after["café_😀"]["prix_€"]
    assert after["café_😀"]["naïve_😀_col"] is None
    new = editor.texts[uri]
    assert new.startswith("CREATE TABLE `café_😀` (\n  `naïve_😀_col` INT, `prix_€` DECIMAL(10,2) COMMENT ")


async def test_document_file_reports_on_a_client_initiated_progress_token(editor: Editor):
    uri = (TMP / "client_token.sql").as_uri()
    editor.open(uri, MYSQL)
    editor.client.progress_reports.setdefault("editor-token-1", [])  # the client made this token itself
    result = await editor.client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="sqlscribe.documentFile", arguments=[uri, {"workDoneToken": "editor-token-1"}]
        )
    )
    assert result["documented"] == 2
    reports = editor.client.progress_reports["editor-token-1"]
    assert isinstance(reports[0], types.WorkDoneProgressBegin)
    assert isinstance(reports[-1], types.WorkDoneProgressEnd)
    assert list(editor.client.progress_reports) == ["editor-token-1"]  # no server-created token


class _SlowModel(BaseHTTPRequestHandler):
    """An OpenAI-compatible server with parallel slots whose model takes two seconds for a valid
    answer (streamed when asked to be); it counts the requests, and the most it served at once."""

    lock = threading.Lock()
    running = 0
    most = 0
    requests = 0

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        schema = body["json_schema"]
        answer = {"columns": {c: f"About {c}." for c in schema["properties"]["columns"]["required"]}}
        if "table" in schema["properties"]:
            answer["table"] = "About the table."
        text = json.dumps(answer)
        cls = type(self)
        with cls.lock:
            cls.requests += 1
            cls.running += 1
            cls.most = max(cls.most, cls.running)
        try:
            self.send_response(200)
            if not body.get("stream"):  # one table asked alone: the answer in one piece
                time.sleep(2.0)
                whole = json.dumps({"choices": [{"message": {"role": "assistant", "content": text}}]}).encode()
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(whole)))
                self.end_headers()
                self.wfile.write(whole)
                return
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            pieces = [text[i : i + 8] for i in range(0, len(text), 8)]
            for piece in pieces:
                chunk = {"choices": [{"delta": {"content": piece}}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
                time.sleep(2.0 / len(pieces))
            self.wfile.write(b"data: [DONE]\n\n")
        except OSError:
            pass  # the client stopped reading: the request was interrupted
        finally:
            with cls.lock:
                cls.running -= 1

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def slow_model() -> Iterator[type[_SlowModel]]:
    handler = type("SlowModel", (_SlowModel,), {"lock": threading.Lock(), "running": 0, "most": 0, "requests": 0})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    handler.url = f"http://127.0.0.1:{server.server_address[1]}/v1"  # type: ignore[attr-defined]
    yield handler
    server.shutdown()


async def test_document_file_sends_jobs_requests_at_once_to_a_server_and_a_cancel_stops_the_rest(
    client: LanguageClient, slow_model: type[_SlowModel]
):
    editor = await start_editor(client, {"backend": "openai", "baseUrl": slow_model.url, "jobs": 3})  # type: ignore[attr-defined]
    # No wait for the settings (they come through workspace/configuration, a round trip): the
    # command, sent at once, must still go to the server they name, not load the default model.
    tables = [f"CREATE TABLE t{i} (id INT PRIMARY KEY, code_{i} CHAR(2));" for i in range(9)]
    uri = (TMP / "served.sql").as_uri()
    editor.open(uri, "\n".join(tables[:6]))
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="sqlscribe.documentFile", arguments=[uri])
    )
    assert result["documented"] == 6 and result["failed"] == []
    assert (slow_model.requests, slow_model.most) == (6, 3)  # three at a time, as the setting says
    after = comments(editor.texts[uri], "mysql")
    assert all(text for table in after.values() for text in table.values())

    # Cancelled after the first table: the windows not started never reach the server.
    slow_model.requests = 0
    other = (TMP / "served-cancel.sql").as_uri()
    editor.open(other, "\n".join(tables))
    task = asyncio.ensure_future(
        client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="sqlscribe.documentFile", arguments=[other])
        )
    )
    await wait_for(lambda: len(editor.applied) >= 7)
    token = list(client.progress_reports)[-1]
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
    result = await task
    assert result["cancelled"] is True and 1 <= result["documented"] < 9
    assert slow_model.requests <= 6, slow_model.requests
    documented = [name for name, cols in comments(editor.texts[other], "mysql").items() if all(cols.values())]
    assert len(documented) == result["documented"]


async def test_a_table_changed_while_its_batch_ran_is_asked_for_again_as_it_is_now(
    client: LanguageClient, slow_model: type[_SlowModel]
):
    editor = await start_editor(client, {"backend": "openai", "baseUrl": slow_model.url, "jobs": 2})  # type: ignore[attr-defined]
    tables = [f"CREATE TABLE t{i} (id INT PRIMARY KEY, code_{i} CHAR(2));" for i in range(4)]
    uri = (TMP / "edited.sql").as_uri()
    editor.open(uri, "\n".join(tables))
    task = asyncio.ensure_future(
        client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="sqlscribe.documentFile", arguments=[uri])
        )
    )
    await wait_for(lambda: slow_model.requests >= 2)  # the first window (t0, t1) is under way
    # The user adds a column to t0, under way, and renames one of t3, asked for but not started.
    edited = editor.texts[uri].replace("code_0 CHAR(2)", "code_0 CHAR(2), added_0 INT").replace("code_3", "renamed_3")
    editor.replace(uri, edited)
    result = await task
    assert result["documented"] == 4 and result["failed"] == []
    after = comments(editor.texts[uri], "mysql")
    assert set(after["t0"]) == {None, "id", "code_0", "added_0"} and set(after["t3"]) == {None, "id", "renamed_3"}
    assert all(text for table in after.values() for text in table.values()), after
    assert slow_model.requests == 6  # the four, and t0 and t3 again as they are now
