"""`sqlscribe.documentMigrations` over LSP: a migrations folder documented from the editor into its
next migration, one workspace edit that creates the file (the applied migrations untouched, an
open one read as the editor holds it), which DuckDB then runs after the others."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import duckdb
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from lsp_editor import scratch_dir, server_config, start_editor, stop

TMP = scratch_dir("sqlscribe-lsp-migrations-")


@pytest_lsp.fixture(config=server_config(TMP))
async def client(lsp_client: LanguageClient):
    yield
    await stop(lsp_client)


async def document(client: LanguageClient, *arguments: Any) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="sqlscribe.documentMigrations", arguments=list(arguments))
    )


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


async def test_the_folder_is_documented_into_its_next_migration(client: LanguageClient, tmp_path: Path):
    editor = await start_editor(client, {"backend": "heuristic", "dialect": "duckdb"})
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "V1__init.sql").write_text(
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR);\nCREATE TABLE scratch (x INTEGER);\n",
        encoding="utf-8",
    )
    v2 = folder / "V2__orders.sql"
    v2.write_text("DROP TABLE scratch;\nCREATE TABLE orders (order_id INTEGER, placed_at TIMESTAMP);\n")
    # Open and unsaved: the user has just commented the order's id, which the new file leaves alone.
    unsaved = v2.read_text(encoding="utf-8") + "COMMENT ON COLUMN orders.order_id IS 'Order number.';\n"
    editor.open(v2.as_uri(), unsaved)
    before = _digests(folder)

    result = await document(client, v2.as_uri())  # a file in the folder names it

    assert result["cancelled"] is False and result["problems"] == [], result
    target = folder / "V3__document_comments.sql"
    assert result["file"].endswith("/migrations/V3__document_comments.sql")
    assert result["tables"] == ["customers", "orders"] and result["statements"] == 5
    assert len(editor.applied) == 1
    kinds = [type(c).__name__ for c in editor.applied[0].document_changes or []]
    assert kinds == ["CreateFile", "TextDocumentEdit"]
    assert {k: v for k, v in _digests(folder).items() if k != target.name} == before
    written = target.read_text(encoding="utf-8")
    assert "scratch" not in written and "orders.order_id" not in written
    con = duckdb.connect()
    con.execute((folder / "V1__init.sql").read_text(encoding="utf-8"))
    con.execute(unsaved)
    con.execute(written)
    query = "SELECT table_name || '.' || column_name, comment FROM duckdb_columns() WHERE NOT internal"
    got = dict(con.execute(query).fetchall())
    assert all(got.values()) and set(got) == {
        "customers.id",
        "customers.email",
        "orders.order_id",
        "orders.placed_at",
    }

    again = await document(client, folder.as_uri())  # the new file documents it all: nothing more
    assert again["file"] is None and again["problems"] == [] and len(editor.applied) == 1


async def test_a_folder_without_a_migration_scheme_is_refused(client: LanguageClient, tmp_path: Path):
    await start_editor(client, {"backend": "heuristic"})
    (tmp_path / "schema.sql").write_text("CREATE TABLE t (a INTEGER);\n", encoding="utf-8")
    result = await document(client, tmp_path.as_uri())
    assert result["file"] is None and "follow no migration scheme" in result["problems"][0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["schema.sql"]
    result = await document(client, (tmp_path / "nowhere").as_uri())
    assert result["file"] is None and "needs a folder" in result["problems"][0]


async def test_a_migration_offers_the_source_action_that_runs_it(client: LanguageClient, tmp_path: Path):
    editor = await start_editor(client, {"backend": "heuristic"})
    (tmp_path / "V1__init.sql").write_text("CREATE TABLE t (a INTEGER);\n", encoding="utf-8")
    uri = (tmp_path / "V1__init.sql").as_uri()
    editor.open(uri, "CREATE TABLE t (a INTEGER);\n")
    actions = await editor.code_actions(uri, 0, only=["source"])
    (action,) = [a for a in actions if a.kind == "source.sqlscribe.documentMigrations"]
    assert action.title == "Document the migrations' missing comments into V2__document_comments.sql"
    resolved = await client.code_action_resolve_async(action)
    assert resolved.command is not None
    result = await editor.execute(resolved.command)
    assert result["file"].endswith("/V2__document_comments.sql") and result["statements"] == 2
    assert (tmp_path / "V2__document_comments.sql").is_file()
    other = (TMP / "schema.sql").as_uri()  # no version in its name: no such action
    editor.open(other, "CREATE TABLE u (b INTEGER);\n")
    assert not [a for a in await editor.code_actions(other, 0, only=["source"]) if "migrations" in (a.kind or "")]


async def test_golang_migrate_gets_the_down_file_that_undoes_the_new_migration(client: LanguageClient, tmp_path: Path):
    editor = await start_editor(client, {"backend": "heuristic", "dialect": "duckdb"})
    (tmp_path / "000001_init.up.sql").write_text("CREATE TABLE t (a INTEGER);\n", encoding="utf-8")
    (tmp_path / "000001_init.down.sql").write_text("DROP TABLE t;\n", encoding="utf-8")
    result = await document(client, tmp_path.as_uri())
    assert result["problems"] == [] and result["statements"] == 2, result
    assert result["file"].endswith("/000002_document_comments.up.sql")
    assert result["undo"].endswith("/000002_document_comments.down.sql")
    kinds = [type(c).__name__ for c in editor.applied[0].document_changes or []]
    assert kinds == ["CreateFile", "TextDocumentEdit", "CreateFile", "TextDocumentEdit"]
    con = duckdb.connect()
    con.execute((tmp_path / "000001_init.up.sql").read_text(encoding="utf-8"))
    con.execute((tmp_path / "000002_document_comments.up.sql").read_text(encoding="utf-8"))
    assert con.execute("SELECT comment FROM duckdb_columns() WHERE table_name = 't'").fetchall() != [(None,)]
    con.execute((tmp_path / "000002_document_comments.down.sql").read_text(encoding="utf-8"))
    assert con.execute("SELECT comment FROM duckdb_columns() WHERE table_name = 't'").fetchall() == [(None,)]
    assert con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 't'").fetchall() == [(None,)]


async def test_liquibases_changelog_includes_the_new_changeset_as_the_editor_holds_it(
    client: LanguageClient, tmp_path: Path
):
    editor = await start_editor(client, {"backend": "heuristic", "dialect": "postgres"})
    changes = tmp_path / "changes"
    changes.mkdir()
    (changes / "V1__init.sql").write_text(
        "--liquibase formatted sql\n\n--changeset ana:1\nCREATE TABLE t (a INTEGER);\n", encoding="utf-8"
    )
    changelog = tmp_path / "changelog.xml"
    saved = '<databaseChangeLog>\n    <include file="changes/V1__init.sql" relativeToChangelogFile="true"/>\n'
    changelog.write_text(saved + "</databaseChangeLog>\n", encoding="utf-8")
    unsaved = saved + '    <include file="seed.xml" relativeToChangelogFile="true"/>\n</databaseChangeLog>\n'
    editor.open(changelog.as_uri(), unsaved, "xml")  # open, with an include not yet saved
    result = await document(client, changes.as_uri())
    assert result["problems"] == [] and result["notes"] == [], result
    assert result["file"].endswith("/changes/V2__document_comments.sql")
    (edit,) = [
        c
        for c in editor.applied[0].document_changes or []
        if isinstance(c, types.TextDocumentEdit) and c.text_document.uri == changelog.as_uri()
    ]
    assert edit.text_document.version == 1  # the version the edit was made against
    assert editor.texts[changelog.as_uri()] == (
        saved + '    <include file="changes/V2__document_comments.sql" relativeToChangelogFile="true"/>\n'
        '    <include file="seed.xml" relativeToChangelogFile="true"/>\n</databaseChangeLog>\n'
    )


async def test_a_prisma_migration_offers_the_next_migration_folder(client: LanguageClient, tmp_path: Path):
    """Prisma's migrations are folders of their own: the action in one's migration.sql names the
    next folder, and running it creates that folder's migration.sql, which takes what the Prisma
    schema beside the folder says in its `///` comments, as the editor holds it (the model writes
    the rest)."""
    editor = await start_editor(client, {"backend": "heuristic", "dialect": "postgres"})
    folder = tmp_path / "prisma" / "migrations"
    for step, sql in (
        ("20240101000000_init", 'CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL);\n'),
        ("20240102000000_name", 'ALTER TABLE "User" ADD COLUMN "name" TEXT;\n'),
    ):
        (folder / step).mkdir(parents=True)
        (folder / step / "migration.sql").write_text(sql, encoding="utf-8")
    (folder / "migration_lock.toml").write_text('provider = "postgresql"\n', encoding="utf-8")
    (folder.parent / "schema.prisma").write_text(
        "/// People who sign in.\nmodel User {\n  id    Int     @id @default(autoincrement())\n"
        "  email String /// Where the receipts go.\n  name  String?\n}\n",
        encoding="utf-8",
    )
    schema = (folder.parent / "schema.prisma").read_text(encoding="utf-8")
    unsaved = schema.replace("  name  String?\n", "  /// Shown on the profile.\n  name  String?\n")
    editor.open((folder.parent / "schema.prisma").as_uri(), unsaved, language="prisma")  # as the editor holds it
    uri = (folder / "20240102000000_name" / "migration.sql").as_uri()
    editor.open(uri, 'ALTER TABLE "User" ADD COLUMN "name" TEXT;\n')
    actions = await editor.code_actions(uri, 0, only=["source"])
    (action,) = [a for a in actions if a.kind == "source.sqlscribe.documentMigrations"]
    assert action.title.startswith("Document the migrations' missing comments into 2")
    assert action.title.endswith("_document_comments/migration.sql")
    resolved = await client.code_action_resolve_async(action)
    assert resolved.command is not None
    result = await editor.execute(resolved.command)
    assert result["problems"] == [] and result["statements"] == 4, result
    (new,) = [p for p in folder.iterdir() if p.name.endswith("_document_comments")]
    written = (new / "migration.sql").read_text(encoding="utf-8")
    assert "COMMENT ON TABLE \"User\" IS 'People who sign in.';" in written
    assert 'COMMENT ON COLUMN "User"."email" IS \'Where the receipts go.\';' in written
    assert 'COMMENT ON COLUMN "User"."name" IS \'Shown on the profile.\';' in written  # the unsaved text's
    assert 'COMMENT ON COLUMN "User"."id" IS \'Unique identifier of the user.\';' in written  # the model's


async def test_flyways_repeatable_migration_is_documented_in_place_with_the_new_one(
    client: LanguageClient, tmp_path: Path
):
    editor = await start_editor(client, {"backend": "heuristic", "dialect": "postgres"})
    (tmp_path / "V1__init.sql").write_text("CREATE TABLE customers (id INTEGER, email VARCHAR);\n", encoding="utf-8")
    view = "CREATE OR REPLACE VIEW customer_emails AS SELECT id, email FROM customers;\n"
    views = tmp_path / "R__views.sql"
    views.write_text(view, encoding="utf-8")
    editor.open(views.as_uri(), view)
    result = await document(client, tmp_path.as_uri())
    assert result["problems"] == [] and result["file"].endswith("/V2__document_comments.sql"), result
    assert result["in_place"] == [str(views)]
    assert "customer_emails" not in (tmp_path / "V2__document_comments.sql").read_text(encoding="utf-8")
    assert "COMMENT ON VIEW customer_emails IS" in editor.texts[views.as_uri()]  # the editor's buffer
    assert views.read_text(encoding="utf-8") == view  # until the user saves it


async def test_a_sqitch_change_is_documented_into_a_new_change(client: LanguageClient, tmp_path: Path):
    """In a Sqitch project the action is offered in a deploy script, and the new change comes with
    its revert and verify scripts and its line in the plan, all in one edit."""
    editor = await start_editor(client, {"backend": "heuristic", "dialect": "postgres"})
    for folder in ("deploy", "revert", "verify"):
        (tmp_path / folder).mkdir()
    plan = "%project=shop\n\nusers 2024-01-01T00:00:00Z Ana <ana@example.com> # Users.\n"
    (tmp_path / "sqitch.plan").write_text(plan, encoding="utf-8")
    users = tmp_path / "deploy" / "users.sql"
    users.write_text("BEGIN;\nCREATE TABLE users (id INTEGER, email TEXT);\nCOMMIT;\n", encoding="utf-8")
    editor.open(users.as_uri(), users.read_text(encoding="utf-8"))
    actions = await editor.code_actions(users.as_uri(), 0, only=["source"])
    (action,) = [a for a in actions if a.kind == "source.sqlscribe.documentMigrations"]
    assert action.title == "Document the migrations' missing comments into document_comments.sql"
    resolved = await client.code_action_resolve_async(action)
    assert resolved.command is not None
    result = await editor.execute(resolved.command)
    assert result["problems"] == [] and result["statements"] == 3, result
    assert result["undo"].endswith("/revert/document_comments.sql")
    assert (
        (tmp_path / "deploy" / "document_comments.sql")
        .read_text(encoding="utf-8")
        .startswith("-- Deploy shop:document_comments to pg\n")
    )
    assert (tmp_path / "verify" / "document_comments.sql").is_file()
    assert (tmp_path / "sqitch.plan").read_text(encoding="utf-8").startswith(plan + "document_comments ")


async def test_a_yoyo_folder_gets_its_next_migration_after_its_heads_with_its_rollback_file(
    client: LanguageClient, tmp_path: Path
):
    editor = await start_editor(client, {"backend": "heuristic", "dialect": "duckdb"})
    first = tmp_path / "0001.init.sql"
    first.write_text("-- init\n-- depends:\n\nCREATE TABLE t (a INTEGER);\n", encoding="utf-8")
    (tmp_path / "0001.init.rollback.sql").write_text("DROP TABLE t;\n", encoding="utf-8")
    editor.open(first.as_uri(), first.read_text(encoding="utf-8"))
    (action,) = [a for a in await editor.code_actions(first.as_uri(), 0, only=["source"]) if "migrations" in a.title]
    assert action.title == "Document the migrations' missing comments into 0002.document_comments.sql"
    result = await document(client, tmp_path.as_uri())
    assert result["problems"] == [] and result["statements"] == 2, result
    assert result["undo"].endswith("/0002.document_comments.rollback.sql")
    kinds = [type(c).__name__ for c in editor.applied[0].document_changes or []]
    assert kinds == ["CreateFile", "TextDocumentEdit", "CreateFile", "TextDocumentEdit"]
    new = (tmp_path / "0002.document_comments.sql").read_text(encoding="utf-8")
    assert "\n-- depends: 0001.init\n\n" in new
    con = duckdb.connect()
    con.execute(first.read_text(encoding="utf-8"))
    con.execute(new)
    assert con.execute("SELECT comment FROM duckdb_columns() WHERE table_name = 't'").fetchall() != [(None,)]
    con.execute((tmp_path / "0002.document_comments.rollback.sql").read_text(encoding="utf-8"))
    assert con.execute("SELECT comment FROM duckdb_columns() WHERE table_name = 't'").fetchall() == [(None,)]
