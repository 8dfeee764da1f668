"""A minimal editor for end-to-end tests: pytest-lsp's client plus the text of open documents.

It behaves like VS Code where it matters: ``workspace/applyEdit`` is applied to the
editor's own copy and sent back as ``didChange``; an edit that names a version other
than the document's current one is refused.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import to_fs_path
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

ROOT = Path(__file__).resolve().parents[1]


def scratch_dir(prefix: str) -> Path:
    """A folder for a test module's servers, made at import (their config is) and removed at exit."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def server_config(tmp: Path, **env: str) -> ClientServerConfig:
    environment = {
        **os.environ,
        "SQLSCRIBE_CACHE_DIR": str(tmp / "cache"),
        "SQLSCRIBE_DATA_DIR": str(tmp / "data"),
        **env,
    }
    return ClientServerConfig(server_command=[sys.executable, "-m", "lsp_server"], server_env=environment)


def capabilities() -> types.ClientCapabilities:
    caps = client_capabilities("visual-studio-code")
    # VS Code has had inline completions since 1.68; the bundled capability file predates it.
    assert caps.text_document is not None
    caps.text_document.inline_completion = types.InlineCompletionClientCapabilities()
    return caps


def position_at(text: str, offset: int) -> types.Position:
    """An LSP position (UTF-16 code units) for a Python string offset."""
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    chunk = text[start:offset]
    return types.Position(line=line, character=len(chunk.encode("utf-16-le")) // 2)


def offset_at(text: str, position: types.Position) -> int:
    lines = text.split("\n")
    base = sum(len(line) + 1 for line in lines[: position.line])
    line = lines[position.line] if position.line < len(lines) else ""
    units = 0
    for i, ch in enumerate(line):
        if units >= position.character:
            return base + i
        units += 2 if ord(ch) > 0xFFFF else 1
    return base + len(line)


def apply_text_edits(text: str, edits: list[Any]) -> str:
    spans = sorted(
        ((offset_at(text, e.range.start), offset_at(text, e.range.end), e.new_text) for e in edits),
        key=lambda s: (s[0], s[1]),
    )
    out, cursor = [], 0
    for start, end, new in spans:
        assert start >= cursor, "overlapping edits"
        out.append(text[cursor:start])
        out.append(new)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


@dataclass
class Editor:
    client: LanguageClient
    texts: dict[str, str] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    applied: list[types.WorkspaceEdit] = field(default_factory=list)
    refused: list[types.WorkspaceEdit] = field(default_factory=list)
    statuses: list[dict[str, Any]] = field(default_factory=list)

    def open(self, uri: str, text: str, language: str = "sql") -> None:
        self.texts[uri] = text
        self.versions[uri] = 1
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)
            )
        )

    def replace(self, uri: str, text: str) -> None:
        self.texts[uri] = text
        self.versions[uri] += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    def save(self, uri: str) -> None:
        self.client.text_document_did_save(
            types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )

    def apply(self, edit: types.WorkspaceEdit) -> bool:
        """Apply a workspace edit as VS Code does: all or nothing, versions checked. Files it
        creates, and edits to files not open, go to the disk (as VS Code's edit, then a save)."""
        changes = edit.document_changes or []
        for change in changes:
            if isinstance(change, types.CreateFile):
                continue
            assert isinstance(change, types.TextDocumentEdit)
            doc = change.text_document
            if doc.version is not None and doc.version != self.versions.get(doc.uri):
                self.refused.append(edit)
                return False
        for change in changes:
            if isinstance(change, types.CreateFile):
                created = Path(to_fs_path(change.uri) or "")
                if not created.exists():
                    created.write_text("", encoding="utf-8")
                continue
            assert isinstance(change, types.TextDocumentEdit)
            uri = change.text_document.uri
            if uri in self.texts:
                self.replace(uri, apply_text_edits(self.texts[uri], list(change.edits)))
            else:
                on_disk = Path(to_fs_path(uri) or "")
                on_disk.write_text(apply_text_edits(on_disk.read_text(encoding="utf-8"), list(change.edits)))
        self.applied.append(edit)
        return True

    async def code_actions(self, uri: str, offset: int, only: list[str] | None = None) -> list[types.CodeAction]:
        pos = position_at(self.texts[uri], offset)
        result = await self.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=types.Range(start=pos, end=pos),
                context=types.CodeActionContext(diagnostics=[], only=only),
            )
        )
        return [a for a in result or [] if isinstance(a, types.CodeAction)]

    async def execute(self, command: types.Command) -> Any:
        return await self.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=command.command, arguments=command.arguments)
        )

    async def settle(self) -> None:
        """Let queued notifications reach the server (a round trip it must answer)."""
        await self.client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri="untitled:settle"),
                position=types.Position(line=0, character=0),
            )
        )


async def start_editor(client: LanguageClient, settings: dict[str, Any] | None = None) -> Editor:
    editor = Editor(client)
    client.set_configuration({"sqlscribe": settings or {}})

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        ok = editor.apply(params.edit)
        return types.ApplyWorkspaceEditResult(applied=ok, failure_reason=None if ok else "version mismatch")

    @client.feature("sqlscribe/status")
    def status(params: Any) -> None:
        editor.statuses.append(params._asdict() if hasattr(params, "_asdict") else dict(params))

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams) -> None:
        return None

    await client.initialize_session(types.InitializeParams(capabilities=capabilities(), root_uri=ROOT.as_uri()))
    return editor


async def stop(client: LanguageClient, timeout: float = 30.0) -> None:
    """Shut the server down as an editor does; a server that does not go is a failure, not a hang."""
    try:
        await asyncio.wait_for(client.shutdown_session(), timeout)
    except TimeoutError:
        process = client._server
        alive = process is not None and process.returncode is None
        if process is not None and alive:
            process.kill()
        raise AssertionError(f"the server did not shut down within {timeout} s (still running: {alive})") from None


async def wait_for(predicate: Any, timeout: float = 300.0) -> None:
    """Poll until ``predicate`` holds. The timeout only guards against a hang: the real model
    on 2 cores shared with another model run can take over a minute for a first table."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(0.05)
