"""Parsed views of open documents, one per document version, and LSP position mapping.

Parsing is lazy and cached by version: a storm of ``didChange`` notifications costs
nothing until a feature asks for the parse. Large documents are parsed on a thread so
the event loop stays free.
"""

from __future__ import annotations

import asyncio
import bisect
from dataclasses import dataclass

from lsprotocol import types

from sqlscribe.ddl import ParsedFile, parse_sql

# Below this size a parse takes a few milliseconds and runs inline.
INLINE_PARSE_CHARS = 100_000
# Beyond this size a document is not read at all: it is not a DDL file a person edits.
MAX_DOCUMENT_CHARS = 20_000_000


class LineIndex:
    """Maps Python string offsets to LSP positions and back, in the negotiated encoding.

    Built once per document version: pygls' own conversions split the whole text on every
    call, which is quadratic when a large file has thousands of diagnostics.
    """

    def __init__(self, text: str, encoding: str = types.PositionEncodingKind.Utf16) -> None:
        self.text = text
        self.encoding = str(encoding)
        starts = [0]
        i = 0
        n = len(text)
        while True:
            j = _next_break(text, i)
            if j < 0:
                break
            i = j + 2 if text.startswith("\r\n", j) else j + 1
            starts.append(i)
            if i >= n:
                break
        self.line_starts = starts

    def _units(self, s: str) -> int:
        if self.encoding == types.PositionEncodingKind.Utf8:
            return len(s.encode("utf-8"))
        if self.encoding == types.PositionEncodingKind.Utf32:
            return len(s)
        return len(s) + sum(1 for ch in s if ord(ch) > 0xFFFF)

    def position(self, offset: int) -> types.Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.line_starts, offset) - 1
        start = self.line_starts[line]
        return types.Position(line=line, character=self._units(self.text[start:offset]))

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(start=self.position(start), end=self.position(end))

    def offset(self, position: types.Position) -> int:
        if position.line >= len(self.line_starts):
            return len(self.text)
        start = self.line_starts[position.line]
        end = self.line_starts[position.line + 1] if position.line + 1 < len(self.line_starts) else len(self.text)
        line = self.text[start:end]
        if self.encoding == types.PositionEncodingKind.Utf32:
            return start + min(position.character, len(line.rstrip("\r\n")))
        units = 0
        for i, ch in enumerate(line):
            if ch in "\r\n" or units >= position.character:
                return start + i
            units += (
                len(ch.encode("utf-8"))
                if self.encoding == types.PositionEncodingKind.Utf8
                else (2 if ord(ch) > 0xFFFF else 1)
            )
        return start + len(line)


def _next_break(text: str, i: int) -> int:
    a = text.find("\n", i)
    b = text.find("\r", i)
    if a < 0:
        return b
    if b < 0:
        return a
    return min(a, b)


@dataclass
class Snapshot:
    """One version of a document, parsed."""

    uri: str
    version: int | None
    parsed: ParsedFile
    lines: LineIndex

    @property
    def text(self) -> str:
        return self.parsed.text


class TooLargeError(ValueError):
    pass


class Documents:
    def __init__(self) -> None:
        self._snapshots: dict[str, Snapshot] = {}
        self._pending: dict[tuple[str, int | None, str | None], asyncio.Future[Snapshot]] = {}

    def cached(self, uri: str, version: int | None, dialect: str | None) -> Snapshot | None:
        snap = self._snapshots.get(uri)
        if snap is not None and snap.version == version and (dialect is None or snap.parsed.dialect == dialect):
            return snap
        return None

    async def snapshot(self, uri: str, version: int | None, text: str, dialect: str | None, encoding: str) -> Snapshot:
        hit = self.cached(uri, version, dialect)
        if hit is not None and hit.text == text:
            return hit
        if len(text) > MAX_DOCUMENT_CHARS:
            raise TooLargeError(f"{len(text) // 1_000_000} MB is too large to document in the editor; use the CLI")
        key = (uri, version, dialect)
        pending = self._pending.get(key)
        if pending is None:
            if len(text) <= INLINE_PARSE_CHARS:
                snap = _build(uri, version, text, dialect, encoding)
                self._snapshots[uri] = snap
                return snap
            loop = asyncio.get_running_loop()
            pending = asyncio.ensure_future(loop.run_in_executor(None, _build, uri, version, text, dialect, encoding))
            self._pending[key] = pending
            pending.add_done_callback(lambda _f: self._pending.pop(key, None))
        snap = await asyncio.shield(pending)
        current = self._snapshots.get(uri)
        if current is None or current.version is None or (version is not None and version >= current.version):
            self._snapshots[uri] = snap
        return snap

    def forget(self, uri: str) -> None:
        self._snapshots.pop(uri, None)


def _build(uri: str, version: int | None, text: str, dialect: str | None, encoding: str) -> Snapshot:
    parsed = parse_sql(text, dialect, path=uri)
    return Snapshot(uri, version, parsed, LineIndex(text, encoding))
