"""End to end: bad input never crashes the server or corrupts the user's text."""

from __future__ import annotations

import asyncio
import json
import random
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from sqlscribe.ddl import parse_sql

from lsp_editor import Editor, position_at, scratch_dir, server_config, start_editor, stop, wait_for

pytestmark = pytest.mark.model

TMP = scratch_dir("sqlscribe-lsp-robust-")

TABLE = "CREATE TABLE orders (\n  order_id INT PRIMARY KEY,\n  cust_ref VARCHAR(20),\n  placed_on DATE\n);\n"


@pytest_lsp.fixture(config=server_config(TMP))
async def client(lsp_client: LanguageClient):
    yield
    await stop(lsp_client)


async def alive(editor: Editor) -> None:
    """The server still answers, and correctly."""
    uri = (TMP / "alive.sql").as_uri()
    if uri not in editor.texts:
        editor.open(uri, TABLE)
    actions = await editor.code_actions(uri, TABLE.index("cust_ref"))
    assert actions[0].title == "Document column `cust_ref`"


async def test_missing_model_falls_back_to_the_heuristic_and_says_so_once(client: LanguageClient):
    editor = await start_editor(client, {"model": str(TMP / "no-such-model.gguf")})
    uri = (TMP / "missing.sql").as_uri()
    editor.open(uri, TABLE)
    await wait_for(lambda: any("Falling back" in m.message for m in client.messages))
    for column in ("cust_ref", "placed_on"):
        action = next(a for a in await editor.code_actions(uri, editor.texts[uri].index(column)) if "column" in a.title)
        resolved = await client.code_action_resolve_async(action)
        assert resolved.edit is not None and editor.apply(resolved.edit)
    warnings = [m for m in client.messages if "Falling back" in m.message]
    assert len(warnings) == 1
    assert warnings[0].type == types.MessageType.Warning
    assert "no-such-model.gguf" in warnings[0].message
    assert editor.statuses[-1]["state"] == "error" and editor.statuses[-1]["model"] == "heuristic-1"
    table = parse_sql(editor.texts[uri], "mysql").tables[0]
    assert table.column("cust_ref").comment and table.column("placed_on").comment  # type: ignore[union-attr]


async def test_half_typed_sql_gives_partial_results(client: LanguageClient):
    editor = await start_editor(client)
    uri = (TMP / "half.sql").as_uri()
    text = TABLE + "\nCREATE TABLE shipments (\n  shipment_id INT,\n  carrier_cd VARCHAR(4) NOT\n"
    editor.open(uri, text)
    # On the half-typed table: nothing to apply there yet, the complete table is still offered.
    actions = await editor.code_actions(uri, text.index("carrier_cd"))
    assert [a.title for a in actions] == ["Document this file (1 table)"]
    await wait_for(lambda: uri in client.diagnostics)
    assert any(d.severity == types.DiagnosticSeverity.Warning for d in client.diagnostics[uri])
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=position_at(text, text.index("carrier_cd"))
        )
    )
    assert hover is not None  # the reader still knows the column
    await alive(editor)


async def test_non_sql_and_binary_looking_text(client: LanguageClient):
    editor = await start_editor(client)
    for name, text in {
        "prose.sql": "Dear team,\nplease find attached the 'schema' we discussed; thanks!\n",
        "python.sql": "def f(x):\n    return {'a': [1, 2, 3]}\n",
        "binary.sql": "".join(chr(c) for c in range(1, 256)) * 20,
        "unterminated.sql": "CREATE TABLE t (a INT COMMENT 'never closed\n",
    }.items():
        uri = (TMP / name).as_uri()
        editor.open(uri, text)
        actions = await editor.code_actions(uri, len(text) // 2)
        assert all(not a.title.startswith("Document column") for a in actions)
        await client.text_document_hover_async(
            types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, 3))
        )
        result = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="sqlscribe.documentFile", arguments=[uri])
        )
        assert result["documented"] == 0
        assert editor.texts[uri] == text  # untouched
    await alive(editor)


async def test_a_five_megabyte_file_stays_responsive(client: LanguageClient):
    editor = await start_editor(client, {"backend": "heuristic"})
    uri = (TMP / "huge.sql").as_uri()
    block = (
        "CREATE TABLE tbl_{i} (\n  id INT PRIMARY KEY,\n  cust_email_addr VARCHAR(255) NOT NULL,\n"
        "  amt DECIMAL(10,2)\n);\n"
    )
    text = "-- dialect: mysql\n" + "".join(block.format(i=i) for i in range(52_000))
    assert len(text) > 5_000_000
    editor.open(uri, text)
    target = text.index("CREATE TABLE tbl_40000 (")
    loop = asyncio.get_running_loop()
    started = loop.time()
    actions = await editor.code_actions(uri, text.index("amt", target))
    assert [a.title for a in actions][:2] == ["Document column `amt`", "Document table `tbl_40000` (3 columns)"]
    resolved = await client.code_action_resolve_async(actions[0])
    assert resolved.edit is not None and editor.apply(resolved.edit)
    # Everything outside the one insertion is byte-for-byte the user's.
    new = editor.texts[uri]
    cut = new.index("amt DECIMAL(10,2)", target) + len("amt DECIMAL(10,2)")
    assert new[:cut] == text[:cut]
    assert new[new.index("\n);\n", cut) :] == text[text.index("\n);\n", cut) :]
    assert new[cut:].startswith(" COMMENT '")
    # Listing and resolving did not wait for the whole file to be read (that takes many seconds).
    assert loop.time() - started < 60
    await wait_for(lambda: uri in client.diagnostics, timeout=180)
    assert len(client.diagnostics[uri]) <= 1001


async def test_a_storm_of_changes_ends_in_the_right_state(client: LanguageClient):
    editor = await start_editor(client)
    uri = (TMP / "storm.sql").as_uri()
    editor.open(uri, "")
    typed = "CREATE TABLE storm (\n  storm_id INT PRIMARY KEY,\n  wind_kph SMALLINT\n);\n"
    for i in range(1, len(typed) + 1):  # one keystroke at a time, no waiting
        version = editor.versions[uri] + 1
        editor.versions[uri] = version
        prev = typed[: i - 1]
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(start=position_at(prev, len(prev)), end=position_at(prev, len(prev))),
                        text=typed[i - 1],
                    )
                ],
            )
        )
    editor.texts[uri] = typed
    actions = await editor.code_actions(uri, typed.index("wind_kph"))
    assert actions[0].title == "Document column `wind_kph`"
    resolved = await client.code_action_resolve_async(actions[0])
    assert resolved.edit is not None and editor.apply(resolved.edit)
    assert parse_sql(editor.texts[uri], "postgres").tables[0].column("wind_kph").comment is not None  # type: ignore[union-attr]
    await wait_for(lambda: len(client.diagnostics.get(uri, ())) == 3)


async def test_malformed_json_rpc_and_unknown_methods(client: LanguageClient):
    editor = await start_editor(client)
    process = client._server
    assert process is not None and process.stdin is not None
    body = b'{"jsonrpc": "2.0", "id": 99, "method": "textDocument/hover", "params": {not json'
    process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    process.stdin.write(b"Content-Length: 2\r\n\r\n[]")
    await process.stdin.drain()
    with pytest.raises(Exception, match=r"not found|Method|unknown"):
        await client.protocol.send_request_async("sqlscribe/noSuchMethod", {})
    client.protocol.notify("sqlscribe/noSuchNotification", {"x": 1})
    with pytest.raises(Exception):  # noqa: B017 - any JSON-RPC error will do; the server must survive it
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="sqlscribe.documentFile", arguments=[42])
        )
    await alive(editor)


class _GarbageModel(BaseHTTPRequestHandler):
    """An OpenAI-compatible endpoint whose model answers nonsense."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        content = '{"table": 42, "columns": {"nope": "}' if self.path.endswith("completions") else ""
        body = json.dumps(
            {
                "choices": [{"message": {"role": "assistant", "content": content}}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def garbage_endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _GarbageModel)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


async def test_a_model_that_returns_garbage(client: LanguageClient, garbage_endpoint: str):
    editor = await start_editor(client, {"backend": "openai", "baseUrl": garbage_endpoint})
    uri = (TMP / "garbage.sql").as_uri()
    editor.open(uri, TABLE)
    action = next(a for a in await editor.code_actions(uri, TABLE.index("cust_ref")) if "table" in a.title)
    resolved = await client.code_action_resolve_async(action)
    assert resolved.edit is not None and editor.apply(resolved.edit)
    table = parse_sql(editor.texts[uri], "mysql").tables[0]
    assert table.comment is not None and all(c.comment is not None for c in table.columns)


class RawClient:
    """A bare JSON-RPC client over stdio — no LSP library in between, as a minimal editor would be."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "lsp_server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
        )
        self.next_id = 0

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def receive(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        length = 0
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise EOFError("server closed its output")
            if line in (b"\r\n", b"\n"):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        message: dict[str, Any] = json.loads(self.process.stdout.read(length))
        return message

    def request(self, method: str, params: Any, on_request: Any = None) -> Any:
        self.next_id += 1
        my_id = self.next_id
        self.send({"id": my_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == my_id and "method" not in message:
                if "error" in message:
                    raise RuntimeError(message["error"])
                return message.get("result")
            if "method" in message and "id" in message:  # a request from the server
                result = on_request(message) if on_request else None
                self.send({"id": message["id"], "result": result})

    def close(self) -> None:
        self.request("shutdown", None)
        self.send({"method": "exit"})
        self.process.wait(timeout=30)


def test_clients_without_code_action_resolve_get_commands():
    client = RawClient(server_config(TMP).server_env or {})
    uri = (TMP / "plain.sql").as_uri()
    text = TABLE
    try:
        client.request(
            "initialize",
            {
                "processId": None,
                "rootUri": None,
                "capabilities": {"workspace": {"applyEdit": True}, "textDocument": {"codeAction": {}}},
                "initializationOptions": {"sqlscribe": {"backend": "heuristic"}},
            },
        )
        client.send({"method": "initialized", "params": {}})
        client.send(
            {
                "method": "textDocument/didOpen",
                "params": {"textDocument": {"uri": uri, "languageId": "sql", "version": 1, "text": text}},
            }
        )
        at = position_at(text, text.index("placed_on"))
        pos = {"line": at.line, "character": at.character}
        actions = client.request(
            "textDocument/codeAction",
            {
                "textDocument": {"uri": uri},
                "range": {"start": pos, "end": pos},
                "context": {"diagnostics": []},
            },
        )
        assert [a["command"]["command"] for a in actions] == [
            "sqlscribe.documentTarget",
            "sqlscribe.documentTarget",
            "sqlscribe.documentFile",
        ]
        assert all("data" not in a or a["data"] is None for a in actions)
        edits: list[dict[str, Any]] = []

        def on_request(message: dict[str, Any]) -> Any:
            assert message["method"] == "workspace/applyEdit"
            edits.append(message["params"]["edit"])
            return {"applied": True}

        command = actions[0]["command"]
        assert (
            client.request(
                "workspace/executeCommand",
                {"command": command["command"], "arguments": command["arguments"]},
                on_request,
            )
            is True
        )
        assert len(edits) == 1
        change = edits[0]["documentChanges"][0]
        assert change["textDocument"] == {"uri": uri, "version": 1}
        (edit,) = change["edits"]
        assert edit["range"]["start"] == edit["range"]["end"]
        assert edit["newText"].startswith("\nCOMMENT ON COLUMN orders.placed_on IS '")
    finally:
        client.close()


def _damaged(text: str, rng: random.Random) -> str:
    """The text after a few random cuts, repeats, truncations and stray syntax."""
    stray = ["'", '"', "`", "(", ")", ";", ",", "\n", "GO\n", "$$", "/*", "*/", "--", "CREATE TABLE ", "\ufeff", "😀"]
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(text) + 1)
        kind = rng.randrange(4)
        if kind == 0:
            text = text[:at] + rng.choice(stray) + text[at:]
        elif kind == 1:
            text = text[:at] + text[at + rng.randint(1, 40) :]
        elif kind == 2:
            text = text[:at] + text[at : at + rng.randint(1, 200)] + text[at:]
        else:
            text = text[: max(at, len(text) // 2)]
    return text


async def test_damaged_files_get_an_answer_to_every_request(client: LanguageClient):
    """Code actions (resolved), hover and inline suggestions at random places of damaged files of
    every dialect, then "Document this file": every request answered, no error, and the text
    only ever gains comments."""
    editor = await start_editor(client, {"telemetry": False, "backend": "heuristic"})
    rng = random.Random(20261127)
    golden = sorted(p for p in (Path(__file__).parent / "golden").glob("*.sql") if ".expected" not in p.name)
    resolved = documented = 0
    for n, path in enumerate(golden * 2):
        text = _damaged(path.read_text(encoding="utf-8"), rng)
        uri = (TMP / f"damaged-{n}-{path.name}").as_uri()
        editor.open(uri, text)
        doc = types.TextDocumentIdentifier(uri=uri)
        for offset in sorted(rng.randrange(len(text) + 1) for _ in range(6)):
            position = position_at(text, offset)
            for action in await editor.code_actions(uri, offset):
                if action.data is not None and action.data.get("kind") != "file":
                    resolved += (await client.code_action_resolve_async(action)).edit is not None
            await client.text_document_hover_async(types.HoverParams(text_document=doc, position=position))
            await client.text_document_inline_completion_async(
                types.InlineCompletionParams(
                    text_document=doc,
                    position=position,
                    context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Invoked),
                )
            )
        result = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="sqlscribe.documentFile", arguments=[uri])
        )
        documented += result["documented"]
        after, kept = editor.texts[uri], iter(editor.texts[uri])
        assert all(ch in kept for ch in text), f"{path.name}: the user's text changed, not only gained"
        assert len(after) >= len(text)
    assert resolved > 10 and documented > 10  # the damage left plenty to document
    await alive(editor)
