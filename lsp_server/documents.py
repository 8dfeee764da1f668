"""Parsed views of open documents, one per document version, and LSP position mapping.

Parsing is lazy and cached by version: a storm of ``didChange`` notifications costs
nothing until a feature asks for the parse. Large documents are parsed on a thread so
the event loop stays free.
"""

from __future__ import annotations

import asyncio
import bisect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path

from sqlscribe.ddl import ParsedFile, Table, detect_dialect, parse_sql, statement_window
from sqlscribe.migrations import detect_beside, earlier_tables, later_comments, layout

_LINE_BREAK = re.compile(r"\r\n|\r|\n")

# Below this size a parse takes a few milliseconds and runs inline.
INLINE_PARSE_CHARS = 100_000
# Beyond this size the whole-file parse skips sqlglot's per-statement check.
VALIDATE_MAX_CHARS = 1_000_000
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
        starts.extend(m.end() for m in _LINE_BREAK.finditer(text))
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


@dataclass
class Snapshot:
    """One version of a document, parsed — wholly, or only the statements around one place."""

    uri: str
    version: int | None
    parsed: ParsedFile
    lines: LineIndex
    window: tuple[int, int] | None = None  # set when only part of the text was read
    # A migration read with the files beside it in its folder (those before it for its ALTERs,
    # those after it for what they comment): Documents.generation then.
    beside: int | None = None

    @property
    def text(self) -> str:
        return self.parsed.text


class DocumentUnavailable(ValueError):
    """The document cannot be read (not open and not on disk, too large, not text)."""


class TooLargeError(DocumentUnavailable):
    pass


class Documents:
    """Parses per document version, shared by every feature.

    Small documents are parsed whole, inline. A large one (a generated schema dump of
    several megabytes) is parsed whole on a thread, for diagnostics and "Document this
    file"; meanwhile features that look at one place read just the statements around it.
    """

    def __init__(self, buffers: Callable[[], Mapping[str, str]] | None = None) -> None:
        """``buffers``: the texts of the open documents, by file path (what a migration's earlier
        files say before they are saved)."""
        self._buffers = buffers or dict
        # Counts changes to open documents: a migration's parse that read the files beside it is
        # stale once one of them changes.
        self.generation = 0
        self._snapshots: dict[str, Snapshot] = {}
        self._pending: dict[tuple[str, int | None, str | None], asyncio.Future[Snapshot]] = {}
        self._lines: dict[str, tuple[int | None, LineIndex]] = {}
        self._dialects: dict[str, tuple[int | None, str, str]] = {}

    def cached(self, uri: str, version: int | None, dialect: str | None) -> Snapshot | None:
        snap = self._snapshots.get(uri)
        if snap is None or snap.version != version or (dialect is not None and snap.parsed.dialect != dialect):
            return None
        return snap if snap.beside in (None, self.generation) else None

    def changed(self, uri: str) -> list[str]:
        """An open document changed (opened, edited, closed): a migration read with the files
        beside it is read again, as the editor now has them. Returns the other documents of its
        folder that read the files beside them (their diagnostics may change)."""
        self.generation += 1
        path = _path(uri)
        if path is None:
            return []
        return [
            other
            for other, snap in self._snapshots.items()
            if other != uri
            and snap.beside is not None
            and (p := _path(other)) is not None
            and layout(p)[0] == layout(path)[0]  # one folder of migrations (a folder each: Prisma's)
        ]

    async def snapshot(self, uri: str, version: int | None, text: str, dialect: str | None, encoding: str) -> Snapshot:
        """The whole document, parsed."""
        hit = self.cached(uri, version, dialect)
        if hit is not None and hit.text == text:
            return hit
        _check_size(text)
        if len(text) <= INLINE_PARSE_CHARS:
            snap = self._build(uri, version, text, dialect, encoding)
            self._snapshots[uri] = snap
            return snap
        key = (uri, version, dialect)
        pending = self._pending.get(key)
        if pending is None:
            loop = asyncio.get_running_loop()
            pending = asyncio.ensure_future(
                loop.run_in_executor(None, self._build, uri, version, text, dialect, encoding)
            )
            self._pending[key] = pending
            pending.add_done_callback(lambda _f: self._pending.pop(key, None))
        snap = await asyncio.shield(pending)
        current = self._snapshots.get(uri)
        if current is None or current.version is None or (version is not None and version >= current.version):
            self._snapshots[uri] = snap
        return snap

    async def near(
        self, uri: str, version: int | None, text: str, dialect: str | None, encoding: str, offset: int
    ) -> Snapshot:
        """The statements around ``offset`` (the whole document when that is cheap or already done)."""
        hit = self.cached(uri, version, dialect)
        if hit is not None and hit.text == text:
            return hit
        if len(text) <= INLINE_PARSE_CHARS:
            return await self.snapshot(uri, version, text, dialect, encoding)
        _check_size(text)
        window = statement_window(text, offset)
        if window[1] - window[0] > INLINE_PARSE_CHARS * 5:
            return await self.snapshot(uri, version, text, dialect, encoding)
        name = dialect or self._dialect(uri, version, text)
        parsed = parse_sql(text, name, path=uri, window=window)
        beside, known, later = self._beside(uri, name, parsed)
        if known or later:
            parsed = parse_sql(text, name, path=uri, window=window, known=known, commented_later=later)
        return Snapshot(uri, version, parsed, self.line_index(uri, version, text, encoding), window, beside)

    def forget(self, uri: str) -> None:
        self._snapshots.pop(uri, None)
        self._lines.pop(uri, None)
        self._dialects.pop(uri, None)

    def _dialect(self, uri: str, version: int | None, text: str) -> str:
        return self._detected(uri, version, text)[0]

    def _detected(self, uri: str, version: int | None, text: str) -> tuple[str, str]:
        """The document's dialect and why: its own syntax, else that of the SQL files beside it."""
        known = self._dialects.get(uri)
        if known is not None and known[0] == version:
            return known[1], known[2]
        path = _path(uri)
        name, reason = detect_beside(path, text) if path is not None else detect_dialect(text, uri)
        self._dialects[uri] = (version, name, reason)
        return name, reason

    def line_index(self, uri: str, version: int | None, text: str, encoding: str) -> LineIndex:
        known = self._lines.get(uri)
        if known is not None and known[0] == version and known[1].text is text and known[1].encoding == encoding:
            return known[1]
        lines = LineIndex(text, encoding)
        self._lines[uri] = (version, lines)
        return lines

    def _build(self, uri: str, version: int | None, text: str, dialect: str | None, encoding: str) -> Snapshot:
        # sqlglot's check of every statement costs two thirds of a parse; on a multi-megabyte
        # file it is left to the moment a statement is edited (suggest.plan_target re-reads it).
        name, reason = (dialect, "given") if dialect else self._detected(uri, version, text)
        validate = len(text) <= VALIDATE_MAX_CHARS
        parsed = parse_sql(text, name, path=uri, validate=validate, dialect_reason=reason)
        beside, known, later = self._beside(uri, name, parsed)
        if known or later:  # read again with what the migrations before and after it say
            parsed = parse_sql(
                text, name, path=uri, validate=validate, known=known, dialect_reason=reason, commented_later=later
            )
        return Snapshot(uri, version, parsed, self.line_index(uri, version, text, encoding), beside=beside)

    def _beside(
        self, uri: str, dialect: str, parsed: ParsedFile
    ) -> tuple[int | None, list[Table], set[tuple[str, str | None]]]:
        """What the files beside a migration say, as the editor has them: for its ALTER TABLEs, the
        tables the files before it create; where it lacks a comment, what the files after it
        comment. First, the generation they were read at (None when none was read)."""
        path = _path(uri)
        lacking = any(t.wants_description() or any(c.wants_comment() for c in t.columns) for t in parsed.tables)
        if path is None or not (parsed.alters_elsewhere or lacking):
            return None, [], set()
        buffers = self._buffers()
        known = (
            earlier_tables(path, dialect, parsed.text, buffers=buffers, names=parsed.altered_elsewhere)
            if parsed.alters_elsewhere
            else []
        )
        later = later_comments(path, dialect, buffers=buffers, about=parsed.tables) if lacking else set()
        return self.generation, known, later


def _path(uri: str) -> Path | None:
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return Path(path) if path else None


def _check_size(text: str) -> None:
    if len(text) > MAX_DOCUMENT_CHARS:
        raise TooLargeError(f"{len(text) // 1_000_000} MB is too large to document in the editor; use the CLI")
