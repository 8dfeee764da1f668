"""`sqlscribe.documentDbtProject` over LSP: a real dbt project (tests/dbt_shop.py) documented from
the editor, as one workspace edit over its property files that the editor applies (a new file
created, an open one edited as the editor holds it), which dbt then reads back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from dbt_shop import SCHEMA_YML, build_shop, dbt
from lsp_editor import scratch_dir, server_config, start_editor, stop

TMP = scratch_dir("sqlscribe-lsp-dbt-")


@pytest_lsp.fixture(config=server_config(TMP))
async def client(lsp_client: LanguageClient):
    yield
    await stop(lsp_client)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_shop(tmp_path_factory.mktemp("dbt") / "shop")


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
