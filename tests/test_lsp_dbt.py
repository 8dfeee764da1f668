"""`sqlscribe.documentDbtProject` over LSP: a real dbt project (tests/dbt_shop.py) documented from
the editor, as one workspace edit over its property files that the editor applies (a new file
created, an open one edited as the editor holds it), which dbt then reads back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from dbt_shop import SCHEMA_YML, build_shop, dbt
from lsp_editor import scratch_dir, server_config, start_editor, stop, wait_for

TMP = scratch_dir("sqlscribe-lsp-dbt-")


@pytest_lsp.fixture(config=server_config(TMP))
async def client(lsp_client: LanguageClient):
    yield
    await stop(lsp_client)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_shop(tmp_path_factory.mktemp("dbt") / "shop")


@pytest.fixture
def shop(built: Path, tmp_path: Path) -> Path:
    """A copy of the built project for one test to change."""
    return Path(shutil.copytree(built, tmp_path / "shop"))


async def document(client: LanguageClient, *arguments: Any) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="sqlscribe.documentDbtProject", arguments=list(arguments))
    )


async def test_the_project_is_documented_in_one_edit_that_keeps_unsaved_text(client: LanguageClient, shop: Path):
    editor = await start_editor(client, {"backend": "heuristic"})
    schema = shop / "models" / "schema.yml"
    mine = "Where the order stands, from placed to returned."
    unsaved = SCHEMA_YML.replace("      - name: status\n", f"      - name: status\n        description: {mine}\n")
    editor.open(schema.as_uri(), unsaved, language="yaml")

    result = await document(client, (shop / "models" / "customers.sql").as_uri())  # a file in the project

    assert result["cancelled"] is False and result["problems"] == []
    assert result["total"] == 3 and result["documented"] == 3
    assert sorted(Path(f).name for f in result["files"]) == ["schema.yml", "schema.yml"]
    assert len(editor.applied) == 1  # one step to undo
    kinds = [type(c).__name__ for c in editor.applied[0].document_changes or []]
    assert kinds.count("CreateFile") == 1 and kinds.count("TextDocumentEdit") == 2
    text = editor.texts[schema.as_uri()]
    assert f"description: {mine}" in text  # the unsaved line is kept, not replaced
    assert "- name: customers" in text
    assert schema.read_text(encoding="utf-8") == SCHEMA_YML  # the editor holds the change, unsaved
    schema.write_text(text, encoding="utf-8")  # the user saves

    dbt(shop, "parse", "-q")
    manifest = json.loads((shop / "target" / "manifest.json").read_text(encoding="utf-8"))
    nodes = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] in ("model", "seed")}
    assert nodes["stg_orders"]["columns"]["status"]["description"] == mine
    for name in ("stg_orders", "customers", "raw_orders"):
        assert nodes[name]["description"]
        assert all(c["description"] for c in nodes[name]["columns"].values())


async def test_without_a_project_the_user_is_told(client: LanguageClient, tmp_path: Path):
    await start_editor(client, {"backend": "heuristic"})
    result = await document(client, tmp_path.as_uri())
    assert result["problems"] == ["no dbt project (dbt_project.yml) in the workspace"]
    assert result["files"] == []


async def test_a_models_sql_file_offers_to_document_that_model_alone(client: LanguageClient, shop: Path):
    """A dbt model's file is a SELECT, nothing to comment in it: its action documents the model
    into the property file that declares it, and nothing else of the project."""
    editor = await start_editor(client, {"backend": "heuristic"})
    model = shop / "models" / "stg_orders.sql"
    editor.open(model.as_uri(), model.read_text(encoding="utf-8"))
    compiled = next((shop / "target" / "compiled").rglob("stg_orders.sql"))  # dbt's copy: none offered
    editor.open(compiled.as_uri(), compiled.read_text(encoding="utf-8"))
    plain = shop.parent / "query.sql"  # outside any dbt project: none offered
    plain.write_text("select 1\n", encoding="utf-8")
    editor.open(plain.as_uri(), "select 1\n")

    assert await editor.code_actions(compiled.as_uri(), 0) == []
    assert await editor.code_actions(plain.as_uri(), 0) == []
    # what the model's entry lacks, as dbt last read it: a hint on the file's first line
    lacks = (
        "dbt model stg_orders (models/schema.yml:5): 3 of 5 columns without a comment: customer_id, ordered_at, status"
    )
    await wait_for(lambda: model.as_uri() in client.diagnostics)
    (hint,) = client.diagnostics[model.as_uri()]
    assert hint.message == lacks and hint.severity == types.DiagnosticSeverity.Hint
    first_line = model.read_text(encoding="utf-8").split("\n")[0]
    assert (hint.range.start.line, hint.range.end.line, hint.range.end.character) == (0, 0, len(first_line))
    await wait_for(lambda: compiled.as_uri() in client.diagnostics and plain.as_uri() in client.diagnostics)
    assert not client.diagnostics[compiled.as_uri()] and not client.diagnostics[plain.as_uri()]
    (action,) = await editor.code_actions(model.as_uri(), 10)
    assert action.title == "Document dbt model `stg_orders`" and action.kind == "source.sqlscribe.documentDbt"
    resolved = await client.code_action_resolve_async(action)  # as "Document this file": a command
    assert resolved.command is not None
    result = await editor.execute(resolved.command)

    assert result["problems"] == [] and result["total"] == 1 and result["documented"] == 1
    assert [Path(f).relative_to(shop).as_posix() for f in result["files"]] == ["models/schema.yml"]
    assert not (shop / "seeds" / "schema.yml").exists()  # the seed is not this file's
    text = (shop / "models" / "schema.yml").read_text(encoding="utf-8")  # not open: edited on disk
    assert "- name: customers" not in text and "- name: ordered_at\n        description: " in text
    # once dbt has read the project again, nothing is lacking
    dbt(shop, "docs", "generate", "-q")
    editor.replace(model.as_uri(), model.read_text(encoding="utf-8") + "\n")
    await wait_for(lambda: not client.diagnostics[model.as_uri()])


def test_a_models_hints_say_why_the_artifacts_cannot_tell(tmp_path: Path) -> None:
    """No artifacts yet, or ones that do not read: the hint says so and what to run; a SQL file
    that is not a model (a macro) gets none."""
    from lsp_server.features.dbt_actions import model_findings

    (tmp_path / "models").mkdir()
    (tmp_path / "macros").mkdir()
    (tmp_path / "dbt_project.yml").write_text('name: shop\nversion: "1.0"\nprofile: shop\n', encoding="utf-8")
    model = tmp_path / "models" / "orders.sql"
    model.write_text("select 1 as order_id\n", encoding="utf-8")
    ((message, lacks),) = model_findings(model)
    assert not lacks and "target/manifest.json: not found" in message and "dbt docs generate" in message
    (tmp_path / "target").mkdir()
    (tmp_path / "target" / "manifest.json").write_bytes(b"\x00\xff not json")
    ((message, lacks),) = model_findings(model)  # read again: the artifacts changed
    assert not lacks and "manifest.json: cannot be read" in message
    assert model_findings(tmp_path / "macros" / "cents.sql") == []
