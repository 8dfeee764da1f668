"""Read CREATE TABLE statements, their columns and their comments from SQL text.

The structure comes from sqlglot's tokens, which carry exact offsets, so every
object keeps its source span and the user's text is never regenerated. sqlglot's
parser is used to validate each CREATE statement: a statement it rejects (for
instance one the user is still typing) is still read from its tokens for hover
and prompts, but is marked incomplete and gets a diagnostic, and no edit is
planned for it.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError
from sqlglot.tokenizer_core import Token, TokenType

from sqlscribe.ddl.dialects import CommentStyle, Dialect, detect_dialect, get_dialect
from sqlscribe.ddl.model import DROPPED, Column, Comment, Diagnostic, ForeignKey, ParsedFile, SchemaChange, Span, Table

logging.getLogger("sqlglot").setLevel(logging.ERROR)

# Words that end a column's type and start its constraints.
_COLUMN_STOP = {
    "NOT",
    "NULL",
    "DEFAULT",
    "PRIMARY KEY",
    "PRIMARY",
    "UNIQUE",
    "UNIQUE KEY",
    "REFERENCES",
    "CHECK",
    "COLLATE",
    "COMMENT",
    "AUTO_INCREMENT",
    "AUTOINCREMENT",
    "IDENTITY",
    "GENERATED",
    "CONSTRAINT",
    "OPTIONS",
    "MASKING",
    "TAG",
    "ON",
    "AS",
    "KEY",
    "ENCODE",
    "CODEC",
    "INVISIBLE",
    "VISIBLE",
    "STORAGE",
    "COMPRESSION",
    "SRID",
    "WITH",
    "DISTKEY",
    "SORTKEY",
    # Teradata: how a column's values are shown, titled and compressed.
    "FORMAT",
    "TITLE",
    "COMPRESS",
    # ClickHouse: what a column's value is computed from, and how it is stored and expires.
    "MATERIALIZED",
    "ALIAS",
    "EPHEMERAL",
    "TTL",
    "SETTINGS",
}
_TABLE_CONSTRAINT_START = {
    "CONSTRAINT",
    "PRIMARY KEY",
    "PRIMARY",
    "FOREIGN",
    "FOREIGN KEY",
    "CHECK",
    "EXCLUDE",
    "LIKE",
    "FULLTEXT",
    "SPATIAL",
    "PERIOD",
}
_MAYBE_CONSTRAINT_START = {"UNIQUE", "UNIQUE KEY", "KEY", "INDEX"}
_NAME_TOKENS = {TokenType.VAR, TokenType.IDENTIFIER}
_ANGLED_TYPES = {"STRUCT", "ARRAY", "MAP"}  # the types whose parameters go in angle brackets
_BRACKETED = re.compile(r"\[([^\]]*)\]")


@dataclass(frozen=True)
class _Tok:
    kind: TokenType
    text: str  # token text (unquoted for identifiers and strings)
    upper: str  # upper-cased, whitespace-collapsed text for keyword checks
    start: int
    end: int  # exclusive


def _wrap(token: Token, base: int) -> _Tok:
    upper = " ".join(token.text.upper().split()) if token.token_type not in (TokenType.STRING,) else ""
    return _Tok(token.token_type, token.text, upper, base + token.start, base + token.end + 1)


class _Lines:
    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1


def _tokenize(
    text: str, dialect: str, lines: _Lines, window: tuple[int, int] | None = None
) -> tuple[list[_Tok], list[Diagnostic]]:
    """Tokenize the text (or a window of it); on a token error, go chunk by chunk and skip the bad chunks."""
    tokenizer = sqlglot.Dialect.get_or_raise(dialect)
    base, stop = window or (0, len(text))
    try:
        return [_wrap(t, base) for t in tokenizer.tokenize(text[base:stop])], []
    except Exception:  # a TokenError, or any other failure of sqlglot's on odd input: chunk by chunk
        pass
    tokens: list[_Tok] = []
    diagnostics: list[Diagnostic] = []
    # Chunks end at a semicolon that closes a line, the common shape of DDL files.
    bounds = [m.end() for m in re.finditer(r";[ \t]*(?:--[^\n]*)?(?:\r?\n|$)", text[base:stop])]
    bounds = [base + b for b in bounds]
    if not bounds or bounds[-1] < stop:
        bounds.append(stop)
    start = base
    for end in bounds:
        chunk = text[start:end]
        if chunk.strip():
            try:
                tokens.extend(_wrap(t, start) for t in tokenizer.tokenize(chunk))
            except Exception as error:
                offset = start + len(chunk) - len(chunk.lstrip())
                line, col = lines.position(offset)
                reason = str(error).splitlines()[0][:120]
                diagnostics.append(Diagnostic(f"cannot read this statement ({reason})", Span(offset, end), line, col))
        start = end
    return tokens, diagnostics


# SQL Server's batch separator: a line of its own, read by sqlcmd and SSMS, never by the server.
_GO_LINE = re.compile(r"[ \t]*GO(?:[ \t]+\d+)?[ \t]*(?:--[^\n]*)?(?=\r?\n|$)", re.IGNORECASE)
_QUOTED = re.compile(r"'(?:[^']|'')*'?|\"(?:[^\"]|\"\")*\"?|\[[^\]]*\]?|--[^\n]*|/\*.*?(?:\*/|$)", re.DOTALL)


def blank_batch_separators(text: str) -> tuple[str, list[int]]:
    """The text with its ``GO`` lines blanked (offsets kept), and where they were.

    A GO inside a string, a quoted name or a comment is not a separator.
    """
    found: list[tuple[int, int]] = []
    line_start = 0
    quote = _QUOTED.search(text)
    while line_start <= len(text):
        go = _GO_LINE.match(text, line_start)
        if go:
            found.append(go.span())
        # Find the next line start outside strings, quoted names and comments.
        i = go.end() if go else line_start
        while True:
            if quote is not None and quote.start() < i:
                quote = _QUOTED.search(text, i)
            newline = text.find("\n", i)
            if newline < 0:
                line_start = len(text) + 1
                break
            if quote is None or newline < quote.start():
                line_start = newline + 1
                break
            i = max(quote.end(), quote.start() + 1)
    if not found:
        return text, []
    pieces = []
    last = 0
    for start, end in found:
        pieces += [text[last:start], " " * (end - start)]
        last = end
    pieces.append(text[last:])
    return "".join(pieces), [start for start, _ in found]


_MODULES = {"PROCEDURE", "PROC", "FUNCTION", "TRIGGER", "VIEW"}


def _is_module(stmt: list[_Tok]) -> bool:
    """``CREATE [OR ALTER] PROCEDURE|FUNCTION|TRIGGER|VIEW …`` (or ``ALTER …``) in SQL Server."""
    if stmt[0].upper not in ("CREATE", "ALTER"):
        return False
    return any(t.upper in _MODULES for t in stmt[1:4])


# pg_dump's table data: rows after ``COPY … FROM stdin;`` up to a line ``\.``. Not SQL at all.
_COPY_DATA = re.compile(
    r"^COPY\s[^;]*?\bFROM\s+stdin\b[^;\n]*;[ \t]*\r?\n(.*?^\\\.)[ \t]*(?=\r?$)",
    re.IGNORECASE | re.MULTILINE | re.DOTALL,
)


def _blank_copy_data(text: str) -> str:
    """The text with the data of pg_dump's COPY blocks blanked (offsets and line breaks kept)."""
    if "stdin" not in text and "STDIN" not in text:
        return text
    return _COPY_DATA.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + re.sub(r"[^\r\n]", " ", m.group(1)), text)


# Migration tools that keep a migration's undo in its own file, after a marker line: dbmate's
# ``-- migrate:down``, goose's ``-- +goose Down``, sql-migrate's ``-- +migrate Down``,
# node-pg-migrate's ``-- Down Migration``. What follows
# the marker (up to an up marker) runs only to roll the migration back: it is not the schema the
# file leaves, and a DROP TABLE there drops nothing that later files or a new migration see.
_SECTION = re.compile(
    r"^[ \t]*--[ \t]*(?:migrate:(?P<dbmate>up|down)|\+(?:goose|migrate)[ \t]+(?P<annotated>up|down))\b"
    r"|^[ \t]*--[ \t-]*(?P<node>up|down)[ \t]+migration\b",  # node-pg-migrate's `-- Up Migration`
    re.IGNORECASE | re.MULTILINE,
)


def down_sections(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds a migration's undo (``_SECTION``): each from its marker to the next up
    marker or the end."""
    if not any(word in text for word in ("igrat", "goose", "IGRAT", "GOOSE", "Goose")):
        return []
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for marker in _SECTION.finditer(text):
        down = (marker["dbmate"] or marker["annotated"] or marker["node"]).lower() == "down"
        if down and opened is None:
            opened = marker.start()
        elif not down and opened is not None:
            spans.append((opened, marker.start()))
            opened = None
    if opened is not None:
        spans.append((opened, len(text)))
    return spans


def _blank_non_sql(text: str, dialect: str, window: tuple[int, int] | None) -> tuple[str, list[int]]:
    """Blank what a script holds besides SQL (in the window only): GO lines, COPY data, and what
    runs only to undo a migration (``down_sections``).

    Offsets are kept. Returns the text to tokenize and where the GO lines were.
    """
    start, stop = window or (0, len(text))
    part = text[start:stop]
    if dialect == "tsql":
        blanked, breaks = blank_batch_separators(part)
    else:
        blanked, breaks = _blank_copy_data(part), []
    for lo, hi in down_sections(text):
        lo, hi = max(lo, start) - start, min(hi, stop) - start
        if lo < hi:
            blanked = blanked[:lo] + re.sub(r"[^\r\n]", " ", blanked[lo:hi]) + blanked[hi:]
    if blanked is part:
        return text, []
    return text[:start] + blanked + text[stop:], [start + b for b in breaks]


def _tokenize_batches(
    text: str, dialect: str, lines: _Lines, window: tuple[int, int] | None, breaks: Sequence[int]
) -> tuple[list[_Tok], list[Diagnostic]]:
    """Tokenize batch by batch between ``GO`` lines: sqlglot reads the rest of a statement that
    starts with ``END`` as one string, up to the next semicolon, and in SQL Server scripts that
    may be many tables further down."""
    start, stop = window or (0, len(text))
    bounds = [start, *(b for b in breaks if start < b < stop), stop]
    tokens: list[_Tok] = []
    diagnostics: list[Diagnostic] = []
    for lo, hi in itertools.pairwise(bounds):
        if text[lo:hi].strip():
            got, problems = _tokenize(text, dialect, lines, (lo, hi))
            tokens += got
            diagnostics += problems
    return tokens, diagnostics


def _statements(tokens: list[_Tok], dialect: str, breaks: Sequence[int] = ()) -> list[tuple[list[_Tok], _Tok | None]]:
    """Split tokens into statements at semicolons.

    SQL Server scripts rarely end statements with one: there a ``GO`` line (``breaks``)
    ends a batch, and a CREATE or EXEC at the top level starts a new statement. A procedure,
    function, trigger or view is its batch's only statement, so its body (whose temporary
    tables are not the schema's) runs to the next ``GO`` as one statement.
    """
    out: list[tuple[list[_Tok], _Tok | None]] = []
    current: list[_Tok] = []
    tsql = dialect == "tsql"
    depth = 0
    b = 0
    for tok in tokens:
        if b < len(breaks) and breaks[b] < tok.start:
            while b < len(breaks) and breaks[b] < tok.start:
                b += 1
            if current:
                out.append((current, None))
            current, depth = [], 0
        if tsql and current and _is_module(current):
            current.append(tok)
            continue
        if tok.kind == TokenType.SEMICOLON:
            if current:
                out.append((current, tok))
            current, depth = [], 0
            continue
        if tsql:
            if current and depth == 0 and tok.kind in (TokenType.CREATE, TokenType.EXECUTE):
                out.append((current, None))
                current = []
            if tok.kind == TokenType.L_PAREN:
                depth += 1
            elif tok.kind == TokenType.R_PAREN:
                depth = max(0, depth - 1)
        current.append(tok)
    if current:
        out.append((current, None))
    return out


def _split_top_level(tokens: Sequence[_Tok]) -> list[list[_Tok]]:
    """Split a parenthesised list's contents at depth-0 commas (angle brackets of STRUCT<…> count;
    a ``<`` elsewhere compares: ClickHouse's ``ALIAS ms < 1000``)."""
    parts: list[list[_Tok]] = [[]]
    depth = 0
    angle = 0
    for tok in tokens:
        if tok.kind in (TokenType.L_PAREN, TokenType.L_BRACKET):
            depth += 1
        elif tok.kind in (TokenType.R_PAREN, TokenType.R_BRACKET):
            depth -= 1
        elif tok.kind == TokenType.LT and depth == 0 and parts[-1] and parts[-1][-1].upper in _ANGLED_TYPES:
            angle += 1
        elif tok.kind == TokenType.GT and depth == 0 and angle > 0:
            angle -= 1
        elif tok.kind == TokenType.COMMA and depth == 0 and angle == 0:
            parts.append([])
            continue
        parts[-1].append(tok)
    return parts


def _matching_paren(tokens: Sequence[_Tok], open_index: int) -> int | None:
    depth = 0
    for i in range(open_index, len(tokens)):
        if tokens[i].kind == TokenType.L_PAREN:
            depth += 1
        elif tokens[i].kind == TokenType.R_PAREN:
            depth -= 1
            if depth == 0:
                return i
    return None


def _read_name(tokens: Sequence[_Tok], i: int) -> tuple[list[str], int]:
    """Read a dotted name starting at ``tokens[i]``; returns its parts and the index after it."""
    parts: list[str] = []
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind in (TokenType.L_PAREN, TokenType.R_PAREN, TokenType.COMMA, TokenType.STRING, TokenType.EQ):
            break
        parts.append(tok.text)
        i += 1
        if i < len(tokens) and tokens[i].kind == TokenType.DOT:
            i += 1
            continue
        break
    return parts, i


def _name_list(tokens: Sequence[_Tok], open_index: int) -> tuple[tuple[str, ...], int]:
    """Read ``( a, b )`` at ``open_index``; returns the names and the index after ')'."""
    close = _matching_paren(tokens, open_index)
    if close is None:
        return (), len(tokens)
    names = tuple(part[0].text for part in _split_top_level(tokens[open_index + 1 : close]) if part)
    return names, close + 1


def _read_comment_literal(tokens: Sequence[_Tok], i: int) -> tuple[Comment | None, int]:
    """At a COMMENT token: read ``COMMENT [=] 'text'``."""
    j = i + 1
    if j < len(tokens) and tokens[j].kind == TokenType.EQ:
        j += 1
    if j < len(tokens) and tokens[j].kind == TokenType.STRING:
        lit = tokens[j]
        return Comment(lit.text, Span(tokens[i].start, lit.end), Span(lit.start, lit.end)), j + 1
    return None, i + 1


def _read_options(text: str, tokens: Sequence[_Tok], i: int) -> tuple[Comment | None, int, int | None, str]:
    """At OPTIONS: read ``OPTIONS( … description = '…' … )``.

    Returns the description comment if any, the index after ')', where a description joins the
    list and what follows it there: nothing in an empty list; else ", ", or, when the options
    stand on lines of their own, the comma and the line break and indent before the first option,
    so that the description takes a line of its own above it.
    """
    if i + 1 >= len(tokens) or tokens[i + 1].kind != TokenType.L_PAREN:
        return None, i + 1, None, ""
    close = _matching_paren(tokens, i + 1)
    end = close if close is not None else len(tokens)
    inner = tokens[i + 2 : end]
    comment = None
    for option in _split_top_level(inner):
        if option and (
            len(option) >= 3
            and option[0].upper == "DESCRIPTION"
            and option[1].kind == TokenType.EQ
            and option[2].kind == TokenType.STRING
        ):
            comment = Comment(
                option[2].text, Span(option[0].start, option[2].end), Span(option[2].start, option[2].end)
            )
    if not inner:
        return comment, end + 1, tokens[i + 1].end, ""
    gap = text[tokens[i + 1].end : inner[0].start]
    if "\n" in gap and not gap.strip():
        return comment, end + 1, inner[0].start, "," + gap
    return comment, end + 1, tokens[i + 1].end, ", "


def _is_table_constraint(element: Sequence[_Tok]) -> bool:
    first = element[0]
    if first.kind == TokenType.IDENTIFIER:
        return False
    if first.upper == "PERIOD":  # `PERIOD FOR SYSTEM_TIME (…)`; else a column named period
        return len(element) > 1 and element[1].upper == "FOR"
    if first.upper in _TABLE_CONSTRAINT_START:
        return True
    if first.upper in ("INDEX", "PROJECTION") and any(t.upper in ("TYPE", "SELECT") for t in element[2:]):
        return True  # ClickHouse: `INDEX ix expr TYPE minmax …`, `PROJECTION p (SELECT …)`
    if first.upper in _MAYBE_CONSTRAINT_START and len(element) > 1:
        nxt = element[1]
        if nxt.kind == TokenType.L_PAREN or nxt.upper in ("KEY", "INDEX"):
            return True
        return nxt.kind in _NAME_TOKENS and len(element) > 2 and element[2].kind == TokenType.L_PAREN
    return False


def _stop_index(element: Sequence[_Tok], start: int) -> int:
    """Index of the first depth-0 constraint keyword at or after ``start``."""
    depth = 0
    for i in range(start, len(element)):
        tok = element[i]
        if tok.kind == TokenType.L_PAREN:
            depth += 1
        elif tok.kind == TokenType.R_PAREN:
            depth -= 1
        elif depth == 0 and tok.upper in _COLUMN_STOP:
            if tok.upper == "WITH" and i + 1 < len(element) and element[i + 1].upper in ("TIME", "LOCAL"):
                continue  # TIMESTAMP WITH TIME ZONE
            if tok.upper == "ON" and i + 1 < len(element) and element[i + 1].upper != "UPDATE":
                continue
            return i
    return len(element)


def _source(text: str, first: _Tok, last: _Tok) -> str:
    return " ".join(text[first.start : last.end].split())


def _read_column(text: str, element: Sequence[_Tok], dialect_name: str) -> Column:
    dialect = get_dialect(dialect_name)
    name_tok = element[0]
    type_end = _stop_index(element, 1)
    data_type = _source(text, element[1], element[type_end - 1]) if type_end > 1 else ""
    if dialect.name == "tsql":
        data_type = _BRACKETED.sub(r"\1", data_type)  # [nvarchar](100) reads nvarchar(100)
    col = Column(
        name=name_tok.text,
        name_source=text[name_tok.start : name_tok.end],
        data_type=data_type,
        span=Span(element[0].start, element[-1].end),
        name_span=Span(name_tok.start, name_tok.end),
        insert_at=element[-1].end,
        type_span=Span(element[1].start, element[type_end - 1].end) if type_end > 1 else None,
    )
    after_type = element[type_end - 1].end if type_end > 1 else name_tok.end
    i = type_end
    while i < len(element):
        tok = element[i]
        up = tok.upper
        _comment_before(col, tok, dialect)
        if up == "NOT" and i + 1 < len(element) and element[i + 1].upper == "NULL":
            col.not_null = True
            i += 2
        elif up in ("PRIMARY KEY", "PRIMARY"):
            col.primary_key = True
            col.not_null = True
            i += 2 if up == "PRIMARY" else 1
        elif up in ("UNIQUE", "UNIQUE KEY"):
            col.unique = True
            i += 1
        elif up == "DEFAULT" and i + 1 < len(element):
            end = _stop_index(element, i + 2)
            col.default = _source(text, element[i + 1], element[end - 1])
            i = end
        elif up == "CONSTRAINT" and i + 1 < len(element):
            i += 2  # `CONSTRAINT c CHECK (…)`: MySQL's comment precedes its name
        elif up == "REFERENCES":
            parts, j = _read_name(element, i + 1)
            ref_cols: tuple[str, ...] = ()
            if j < len(element) and element[j].kind == TokenType.L_PAREN:
                ref_cols, j = _name_list(element, j)
            col.references = ForeignKey((col.name,), ".".join(parts), ref_cols)
            i = j
        elif up == "CHECK" and i + 1 < len(element) and element[i + 1].kind == TokenType.L_PAREN:
            close = _matching_paren(element, i + 1)
            if close is None:
                break
            col.check = _source(text, element[i + 1], element[close])
            i = close + 1
        elif up == "COLLATE" and dialect.column_comment_after_type:
            after_type = element[min(i + 1, len(element) - 1)].end
            i += 2
        elif up == "COMMENT":
            comment, i = _read_comment_literal(element, i)
            col.comment = comment or col.comment
        elif up == "OPTIONS":
            comment, i, opened, separator = _read_options(text, element, i)
            col.comment = comment or col.comment
            col.options_open, col.options_separator = opened, separator
        else:
            i += 1
    if dialect.column_comment_after_type:
        col.insert_at = after_type
    return col


def _comment_before(col: Column, tok: _Tok, dialect: Dialect) -> None:
    """Where the dialect's COMMENT precedes the word ``tok`` starts (MySQL's REFERENCES and CHECK,
    ClickHouse's CODEC and TTL), the first of them is where it goes."""
    if tok.upper in dialect.column_comment_before and not col.insert_before_token:
        col.insert_at = tok.start
        col.insert_before_token = True


def _table_check(text: str, element: Sequence[_Tok]) -> tuple[str, set[str]] | None:
    """A table-level ``[CONSTRAINT name] CHECK (…)``: its expression and the lower-cased names in it."""
    i = 2 if element[0].upper == "CONSTRAINT" else 0
    if i + 1 >= len(element) or element[i].upper != "CHECK" or element[i + 1].kind != TokenType.L_PAREN:
        return None
    close = _matching_paren(element, i + 1)
    if close is None:
        return None
    names = {t.text.lower() for t in element[i + 2 : close] if t.kind != TokenType.STRING}
    return _source(text, element[i + 1], element[close]), names


def _read_table_constraint(element: Sequence[_Tok], table: Table) -> None:
    i = 0
    if element[0].upper == "CONSTRAINT":
        i = 2
    if i >= len(element):
        return
    up = element[i].upper
    if up in ("PRIMARY KEY", "PRIMARY"):
        j = i + (2 if up == "PRIMARY" else 1)
        if j < len(element) and element[j].upper in ("CLUSTERED", "NONCLUSTERED"):
            j += 1  # SQL Server
        if j < len(element) and element[j].kind == TokenType.L_PAREN:
            table.primary_key, _ = _name_list(element, j)
    elif up in ("UNIQUE", "UNIQUE KEY"):
        # UNIQUE [KEY | INDEX] [name] (…); SQL Server's [CLUSTERED]; PostgreSQL's [NULLS NOT DISTINCT]
        opened = next((n for n in range(i + 1, len(element)) if element[n].kind == TokenType.L_PAREN), None)
        if opened is not None:
            names, _ = _name_list(element, opened)
            if names:
                table.unique_keys.append(names)
    elif up in ("FOREIGN", "FOREIGN KEY"):
        j = i + (2 if up == "FOREIGN" else 1)
        if j < len(element) and element[j].kind == TokenType.L_PAREN:
            cols, j = _name_list(element, j)
            if j < len(element) and element[j].upper == "REFERENCES":
                parts, j = _read_name(element, j + 1)
                ref_cols: tuple[str, ...] = ()
                if j < len(element) and element[j].kind == TokenType.L_PAREN:
                    ref_cols, _ = _name_list(element, j)
                table.foreign_keys.append(ForeignKey(cols, ".".join(parts), ref_cols))


def _create_table_name_index(stmt: Sequence[_Tok]) -> int | None:
    """Index of the table name in a CREATE … TABLE statement, or None if it is something else."""
    if not stmt or stmt[0].upper != "CREATE":
        return None
    for i in range(1, min(len(stmt), 8)):
        up = stmt[i].upper
        if up == "TABLE":
            j = i + 1
            if (
                j + 2 < len(stmt)
                and stmt[j].upper == "IF"
                and stmt[j + 1].upper == "NOT"
                and stmt[j + 2].upper == "EXISTS"
            ):
                j += 3
            return j if j < len(stmt) else None
        if stmt[i].kind == TokenType.L_PAREN or up in ("AS", "VIEW", "INDEX", "FUNCTION", "SEQUENCE"):
            return None
    return None


def _created(
    text: str, stmt: list[_Tok], semicolon: _Tok | None, dialect_name: str, name_index: int, kind: str = "table"
) -> tuple[Table, int] | None:
    """The table or view a CREATE statement names at ``stmt[name_index]``, and the index after its name."""
    parts, i = _read_name(stmt, name_index)
    if not parts:
        return None
    name_first, name_last = stmt[name_index], stmt[i - 1]
    table = Table(
        name=".".join(parts),
        name_source=text[name_first.start : name_last.end],
        dialect=dialect_name,
        span=Span(stmt[0].start, stmt[-1].end),
        name_span=Span(name_first.start, name_last.end),
        statement_end=semicolon.end if semicolon else stmt[-1].end,
        has_semicolon=semicolon is not None,
        kind=kind,
    )
    return table, i


def _read_table(text: str, stmt: list[_Tok], semicolon: _Tok | None, dialect_name: str) -> Table | None:
    name_index = _create_table_name_index(stmt)
    created = _created(text, stmt, semicolon, dialect_name, name_index) if name_index is not None else None
    if created is None:
        return None
    table, i = created
    table.foreign = any(t.upper == "FOREIGN" for t in stmt[1:name_index])
    if i + 2 < len(stmt) and stmt[i].upper == "ON" and stmt[i + 1].upper == "CLUSTER":
        i += 3  # ClickHouse's `CREATE TABLE t ON CLUSTER c (…)`
    if i < len(stmt) and stmt[i].kind == TokenType.COMMA:  # Teradata's `t ,NO FALLBACK ,… (…)`
        while i < len(stmt) and stmt[i].kind != TokenType.L_PAREN:
            i += 1
    if i + 2 < len(stmt) and stmt[i].upper in ("CLUSTER BY", "CLUSTER") and stmt[i + 1].kind != TokenType.R_PAREN:
        # Snowflake's GET_DDL: `create or replace TABLE t cluster by (c)(…)`
        opened = i + 1 if stmt[i].upper == "CLUSTER BY" else i + 2
        close = _matching_paren(stmt, opened) if stmt[opened].kind == TokenType.L_PAREN else None
        if close is not None:
            i = close + 1
    if i >= len(stmt) or stmt[i].kind != TokenType.L_PAREN:
        return None  # CREATE TABLE … AS SELECT / LIKE / CLONE: no column list to document
    close = _matching_paren(stmt, i)
    if close is None:
        table.complete = False
        close = len(stmt)
        table.problem = "the column list is never closed (a ')' is missing)"
    elements = _split_top_level(stmt[i + 1 : close])
    checks: list[tuple[str, set[str]]] = []
    for n, element in enumerate(elements):
        if not element:
            if (len(elements) > 1 or n > 0) and not table.problem:
                table.complete = False
                table.problem = "empty column definition (two commas in a row, or a trailing comma)"
            continue
        if _is_table_constraint(element):
            check = _table_check(text, element)
            if check is not None:
                checks.append(check)
            _read_table_constraint(element, table)
        else:
            column = _read_column(text, element, dialect_name)
            if any(c.name == column.name for c in table.columns) and not table.problem:
                # No database takes it, and comments keyed by name could not tell the two apart.
                table.complete = False
                table.problem = f"column {column.name} is defined twice"
            table.columns.append(column)
    for expression, names in checks:
        # A table-level CHECK that names exactly one column documents that column's values.
        owners = {c.name for c in table.columns if c.name.lower() in names}
        col = table.column(owners.pop()) if len(owners) == 1 else None
        if col is not None and col.check is None:
            col.check = expression
    _mark_keys(table)
    _read_table_clauses(text, stmt, close, table, dialect_name)
    if get_dialect(dialect_name).style is CommentStyle.SQL_COMMENT:
        _read_sql_comments(text, table, stmt[i].end)
    return table


# A view's select list ends at the first of these at its own depth.
_SELECT_END = {
    "FROM",
    "WHERE",
    "GROUP BY",
    "HAVING",
    "ORDER BY",
    "LIMIT",
    "UNION",
    "INTERSECT",
    "EXCEPT",
    "MINUS",
    "WINDOW",
    "FETCH",
    "INTO",
    "QUALIFY",
}
_NOT_NAMES = {
    "NULL",
    "TRUE",
    "FALSE",
    "CURRENT_DATE",
    "CURRENT_TIME",
    "CURRENT_TIMESTAMP",
    "CURRENT_USER",
    "SESSION_USER",
    "LOCALTIME",
    "LOCALTIMESTAMP",
}
_ARITHMETIC = {
    TokenType.PLUS,
    TokenType.DASH,
    TokenType.STAR,
    TokenType.SLASH,
    TokenType.MOD,
    TokenType.DPIPE,
    TokenType.DOT,
    TokenType.EQ,
    TokenType.LT,
    TokenType.GT,
}


def _create_view_name_index(stmt: Sequence[_Tok]) -> tuple[int, str] | None:
    """Index of the name in a ``CREATE [OR REPLACE] [MATERIALIZED] VIEW`` statement, and the kind."""
    if not stmt or stmt[0].upper != "CREATE":
        return None
    for i in range(1, min(len(stmt), 8)):
        up = stmt[i].upper
        if up in ("VIEW", "MATERIALIZED VIEW"):
            kind = "materialized view" if "MATERIALIZED" in (up, stmt[i - 1].upper) else "view"
            j = i + 1
            if j + 2 < len(stmt) and [t.upper for t in stmt[j : j + 3]] == ["IF", "NOT", "EXISTS"]:
                j += 3
            return (j, kind) if j < len(stmt) else None
        if stmt[i].kind == TokenType.L_PAREN or up in ("TABLE", "AS", "INDEX", "FUNCTION", "SEQUENCE", "TRIGGER"):
            return None
    return None


def _untyped(table: Table) -> bool:
    """A column list of names alone: PostgreSQL's ``CREATE TABLE t (a, b) AS SELECT …``."""
    return bool(table.columns) and all(not c.data_type for c in table.columns)


def _unread_query_table(stmt: list[_Tok], dialect_name: str, lines: _Lines) -> Diagnostic | None:
    """A note for a CREATE TABLE … AS SELECT left undocumented: where comments are clauses of a
    column's definition (MySQL, BigQuery, Databricks, ClickHouse, …), its columns have none."""
    at = _create_table_name_index(stmt)
    if at is None or not _names_then_as(stmt, at, clauses=True):
        return None
    parts, _ = _read_name(stmt, at)
    line, col = lines.position(stmt[0].start)
    message = (
        f"table {'.'.join(parts)}: its columns come from a query (AS SELECT) and have no definitions to hold"
        f" a comment in {dialect_name}; define them with their types, then fill the table with INSERT … SELECT"
    )
    return Diagnostic(message, Span(stmt[0].start, stmt[-1].end), line, col, "info")


def _names_then_as(stmt: Sequence[_Tok], name_index: int, clauses: bool = False) -> bool:
    """After the name: ``AS <query>``, or a list of bare names and then ``AS`` (PostgreSQL's
    ``CREATE TABLE t (a, b) AS …``), with no type, as a table created from a query has; with
    ``clauses``, table clauses may come before ``AS`` (Snowflake's ``CLUSTER BY (…) COMMENT = '…'``)."""
    _, i = _read_name(stmt, name_index)
    names = None
    if i < len(stmt) and stmt[i].kind == TokenType.L_PAREN:
        close = _matching_paren(stmt, i)
        if close is None:
            return False
        names, i = stmt[i + 1 : close], close + 1
    depth = 0
    while clauses and i < len(stmt) and (depth or stmt[i].upper != "AS"):
        depth += {TokenType.L_PAREN: 1, TokenType.R_PAREN: -1}.get(stmt[i].kind, 0)
        i += 1
    if not (i + 1 < len(stmt) and stmt[i].upper == "AS" and stmt[i + 1].upper in ("SELECT", "WITH", "(")):
        return False
    return names is None or all(len(item) == 1 for item in _split_top_level(names))


@dataclass
class _Projection:
    """One item of a view's select list: a named column, or a ``*`` (with its qualifier)."""

    column: Column | None
    reference: list[str]  # the column it copies, qualified as written ([] for an expression)
    span: Span
    star: list[str] | None = None  # a `*`'s qualifier
    expression: str | None = None  # as written, without its alias


def _named(tok: _Tok) -> bool:
    """Whether a token can be a column's or a table's name (keywords such as ``date`` can)."""
    return tok.kind in _NAME_TOKENS or (
        re.fullmatch(r"[A-Za-z_]\w*", tok.text) is not None and tok.upper not in _NOT_NAMES
    )


def _read_projection(text: str, element: Sequence[_Tok]) -> _Projection:
    """``expr [AS] alias``, a plain column reference, a ``*``, or an unnamed expression (whose
    name the database makes up: the projection has no column)."""
    span = Span(element[0].start, element[-1].end)
    if element[-1].kind == TokenType.STAR and all(t.kind == TokenType.DOT or _named(t) for t in element[:-1]):
        parts = [t.text for t in element[:-1] if t.kind != TokenType.DOT]
        return _Projection(None, [], span, star=parts)
    name_tok = element[-1]
    alias = len(element) >= 2 and (
        element[-2].upper == "AS" or (name_tok.kind in _NAME_TOKENS and element[-2].kind not in _ARITHMETIC)
    )
    body = element[:-2] if alias and element[-2].upper == "AS" else element[:-1] if alias else element
    plain = len(body) % 2 == 1 and all(t.kind == TokenType.DOT if n % 2 else _named(t) for n, t in enumerate(body))
    expression = _source(text, body[0], body[-1]) if body else None
    if not alias and not plain:
        return _Projection(None, [], span, expression=expression)
    if not alias:
        name_tok = body[-1]
    column = Column(
        name=name_tok.text,
        name_source=text[name_tok.start : name_tok.end],
        data_type="",
        span=span,
        name_span=Span(name_tok.start, name_tok.end),
        insert_at=span.end,
        expression=expression if alias else None,
    )
    return _Projection(
        column, [t.text for t in body if t.kind != TokenType.DOT] if plain else [], span, expression=expression
    )


def _select_list(stmt: Sequence[_Tok], start: int) -> list[list[_Tok]]:
    """The select list of the first SELECT of the query that starts at ``stmt[start]`` (after any
    WITH clause), split into its items."""
    depth = 0
    for i in range(start, len(stmt)):
        tok = stmt[i]
        if tok.kind == TokenType.L_PAREN:
            depth += 1
        elif tok.kind == TokenType.R_PAREN:
            depth -= 1
        elif tok.upper == "SELECT" and depth <= 0:
            break
    else:
        return []
    j = i + 1
    while j < len(stmt) and stmt[j].upper in ("DISTINCT", "ALL", "TOP"):
        if stmt[j].upper == "TOP" and j + 1 < len(stmt):
            j += 1  # TOP n, or TOP (n) [PERCENT]
            if stmt[j].kind == TokenType.L_PAREN:
                j = _matching_paren(stmt, j) or j
        elif stmt[j].upper == "DISTINCT" and j + 2 < len(stmt) and stmt[j + 1].upper == "ON":
            j = (_matching_paren(stmt, j + 2) or j) if stmt[j + 2].kind == TokenType.L_PAREN else j
        j += 1
    end, depth = j, 0
    while end < len(stmt):
        tok = stmt[end]
        if tok.kind == TokenType.L_PAREN:
            depth += 1
        elif tok.kind == TokenType.R_PAREN:
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and tok.upper in _SELECT_END:
            break
        end += 1
    return [item for item in _split_top_level(stmt[j:end]) if item]


def _table_name(table: exp.Table) -> str:
    return ".".join(part for part in (table.catalog, table.db, table.name) if part)


@dataclass
class _QueryRead:
    aliases: dict[str, str]  # the tables it reads, by alias (and name)
    sources: tuple[str, ...]  # all it reads, in order
    direct: tuple[str, ...]  # those its first SELECT reads directly, which an unqualified * stands for
    grain: tuple[int, ...] = ()  # the select list's items its GROUP BY groups by, by position


def _query_tables(query: str, dialect_name: str) -> _QueryRead:
    """The tables a query reads: by alias (and name), all in order, and those its first SELECT
    reads directly, which an unqualified ``*`` stands for (none when it also reads a subquery or a
    WITH query); and what it groups by. Nothing when sqlglot cannot read it."""
    try:
        tree = sqlglot.parse_one(query, read=dialect_name)
    except Exception:
        return _QueryRead({}, (), ())
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    aliases: dict[str, str] = {}
    names: list[str] = []
    for table in tree.find_all(exp.Table):
        if not table.name or table.name.lower() in ctes:
            continue
        aliases[table.alias_or_name.lower()] = _table_name(table)
        aliases.setdefault(table.name.lower(), _table_name(table))
        names.append(_table_name(table))
    select = tree if isinstance(tree, exp.Select) else tree.find(exp.Select)
    first = select.args.get("from_") or select.args.get("from") if select is not None else None
    read = [first.this] if isinstance(first, exp.From) else []
    read += [join.this for join in (select.args.get("joins") or [])] if select is not None else []
    plain = read and all(isinstance(t, exp.Table) and t.name and t.name.lower() not in ctes for t in read)
    direct = tuple(_table_name(t) for t in read) if plain else ()
    grain = _grain(tree) if isinstance(tree, exp.Select) else ()
    return _QueryRead(aliases, tuple(dict.fromkeys(names)), direct, grain)


def _grain(select: exp.Select) -> tuple[int, ...]:
    """The positions in the select list of what a query's GROUP BY groups by: each item a column
    it selects, an alias, a position or an expression it selects. Empty where any is none of
    those, or the list holds a ``*``, or it groups by ROLLUP, CUBE, GROUPING SETS or ALL."""
    group = select.args.get("group")
    items = select.expressions
    if not isinstance(group, exp.Group) or not group.expressions or any(isinstance(e, exp.Star) for e in items):
        return ()
    if any(group.args.get(k) for k in ("rollup", "cube", "grouping_sets", "all", "totals")):
        return ()
    found: list[int] = []
    for key in group.expressions:
        at: int | None = None
        if isinstance(key, exp.Literal) and key.is_int:
            at = int(key.this) - 1 if 0 < int(key.this) <= len(items) else None
        else:
            at = next((n for n, item in enumerate(items) if item.unalias() == key), None)
            if at is None and isinstance(key, exp.Column) and not key.table:
                at = next((n for n, item in enumerate(items) if item.alias and item.alias == key.name), None)
        if at is None:
            return ()
        if at not in found:
            found.append(at)
    return tuple(found)


@dataclass
class _ViewRead:
    """A view as read, before the file's tables are known: what its ``*`` and copied columns
    stand for is resolved against them (``_resolve_views``)."""

    table: Table
    projections: list[_Projection]
    aliases: dict[str, str]
    direct: tuple[str, ...]  # what an unqualified * reads
    named: bool  # the view names its columns itself: CREATE VIEW v (a, b) AS …


def _read_view(text: str, stmt: list[_Tok], semicolon: _Tok | None, dialect_name: str) -> _ViewRead | None:
    """A ``CREATE VIEW``: its columns are the query's select list, or the names the view gives
    them. Where comments are statements, the query stays as written; elsewhere they go in the
    view's column list (written whole where it has none) and its clauses before ``AS``."""
    dialect = get_dialect(dialect_name)
    found = _create_view_name_index(stmt) if dialect.views else None
    comment_on = False
    if found is None and (dialect.style is CommentStyle.COMMENT_ON or dialect.ctas_statements):
        # CREATE TABLE t AS SELECT …: a table whose columns are its query's, commented as any table
        # (with statements after it where comments are clauses: its columns have no definitions)
        table_at = _create_table_name_index(stmt)
        comment_on = dialect.style is not CommentStyle.COMMENT_ON
        found = (table_at, "table") if table_at is not None and _names_then_as(stmt, table_at, comment_on) else None
    if found is None:
        return None
    created = _created(text, stmt, semicolon, dialect_name, *found)
    if created is None:
        return None
    view, i = created
    view.derived = True
    view.comment_on = comment_on
    view.table_insert_at = view.column_list_end = view.name_span.end
    inline = view.style is not CommentStyle.COMMENT_ON
    named: list[Column] = []
    last = i - 1  # the name's last token, or the column list's ')'
    if i < len(stmt) and stmt[i].kind == TokenType.L_PAREN:  # CREATE VIEW v (a, b) AS …
        close = _matching_paren(stmt, i)
        for element in _split_top_level(stmt[i + 1 : close if close is not None else len(stmt)]):
            if element and inline:  # `a COMMENT '…'`, `a OPTIONS(description = …)`
                named.append(_read_column(text, element, dialect_name))
                named[-1].data_type, named[-1].type_span = "", None
            elif element:
                tok = element[0]
                span = Span(tok.start, element[-1].end)
                named.append(Column(tok.text, text[tok.start : tok.end], "", span, Span(tok.start, tok.end)))
        last = close if close is not None else len(stmt) - 1
        i = last + 1
    elif inline:
        view.column_list_at = view.name_span.end
    if inline or view.comment_on:
        _read_table_clauses(text, stmt, last, view, dialect_name)  # COMMENT = '…', OPTIONS(…) before AS
    depth = 0
    while i < len(stmt) and not (depth == 0 and stmt[i].upper == "AS"):
        depth += {TokenType.L_PAREN: 1, TokenType.R_PAREN: -1}.get(stmt[i].kind, 0)
        i += 1
    if i + 1 >= len(stmt):
        view.complete = False
        view.problem = "no query (AS SELECT …) yet"
        return _ViewRead(view, [], {}, (), bool(named))
    projections = [_read_projection(text, item) for item in _select_list(stmt, i + 1)]
    query = _query_tables(text[stmt[i + 1].start : stmt[-1].end], dialect_name)
    aliases, view.sources, direct = query.aliases, query.sources, query.direct
    names = [c.name for c in named] if named else [p.column.name if p.column else "" for p in projections]
    if query.grain and len(names) == len(projections) and all(names[n] for n in query.grain):
        view.grain = tuple(names[n] for n in query.grain)
    if named:  # the names are the view's; the query's items, where they match one to one, say what each is
        same = len(projections) == len(named) and all(p.star is None for p in projections)
        for n, col in enumerate(named):
            if same and projections[n].expression != named[n].name:
                col.expression = projections[n].expression
        projections = [_Projection(c, projections[n].reference if same else [], c.span) for n, c in enumerate(named)]
        view.columns = named
    else:
        if view.column_list_at is not None and any(p.column is None and p.star is None for p in projections):
            view.column_list_at = None  # an unnamed column: no list can name them all; the view alone
            projections = []
        projections = [p for p in projections if p.column is not None or p.star is not None]
    return _ViewRead(view, projections, aliases, direct, bool(named))


def _resolve_views(tables: list[Table], views: list[_ViewRead], alters: Sequence[Table] = ()) -> list[Table]:
    """Give each view the columns its ``*`` stands for, and each column the table column it copies
    (its type, its reference), where the file creates that table (with the columns ALTERs above
    the view add to it). Returns the views found unable to be documented here."""
    failed: list[Table] = []
    matching = _ByName([t for t in tables if not t.is_view])

    def columns_of(owner: Table, at: int) -> list[tuple[Table, Column]]:
        added = [(a, c) for a in alters if a.base is owner and a.span.start < at for c in a.columns]
        return [(owner, c) for c in owner.columns] + added

    def find(qualifier: list[str], at: int) -> Table | None:
        if qualifier:
            target = read.aliases.get(qualifier[-1].lower(), ".".join(qualifier))
            return matching(target.split("."), at)
        return None

    for read in views:
        view, at = read.table, read.table.span.start
        if view.problem:
            continue
        direct = [matching(name.split("."), at) for name in read.direct]
        columns: list[Column] = []
        for projection in read.projections:
            if projection.star is not None:
                owners = [find(projection.star, at)] if projection.star else direct
                if any(owner is None for owner in owners) or not owners:
                    view.problem = "its columns come from a * over a table this file does not create"
                    continue
                for table in owners:
                    assert table is not None
                    for owner, col in columns_of(table, at):
                        span = projection.span
                        columns.append(
                            Column(
                                col.name,
                                col.name_source,
                                col.data_type,
                                span,
                                span,
                                references=col.references,
                                insert_at=span.end,
                                source=(owner, col),
                            )
                        )
                continue
            column = projection.column
            if column is None:
                continue
            # A view that names its columns over a `*` (DuckDB keeps it so): a name is its table's.
            by_name = read.named and not projection.reference and column.expression is None
            if projection.reference or by_name:
                qualifier, name = projection.reference[:-1], (projection.reference or [column.name])[-1]
                candidates = [find(qualifier, at)] if qualifier else direct
                found = [
                    (o, c)
                    for table in candidates
                    if table is not None
                    for o, c in columns_of(table, at)
                    if c.name.lower() == name.lower()
                ]
                if len(found) == 1:
                    column.source = found[0]
                    column.data_type, column.references = found[0][1].data_type, found[0][1].references
            columns.append(column)
        if not read.named or len(columns) == len(view.columns):
            view.columns = columns
        names = [c.name.lower() for c in view.columns]
        if len(set(names)) != len(names) and view.problem is None:
            view.problem = "two of its columns have the same name"
        if view.problem:
            view.complete = False
            failed.append(view)
    return failed


# SQLite's documentation is SQL comments inside the CREATE statement: a comment right after a
# column definition (`/* … */`, or `-- …` after its comma at the end of its line) or on a line of
# its own just above it; the table's, right after the '(' that opens the column list.
# `a INT /* … */, b INT`, or `a INT, /* … */` ending the line (mid-line it would precede b).
_BLOCK_AFTER = re.compile(r"[ \t]*/\*(.*?)\*/|[ \t]*,[ \t]*/\*(.*?)\*/(?=[ \t]*\r?\n)", re.DOTALL)
_LINE_AFTER = re.compile(r"[ \t]*,?[ \t]*--([^\r\n]*)")
_LINE_END_AFTER = re.compile(r"[ \t]*,?[ \t]*(?=\r?\n)")
_LINE_ABOVE = re.compile(r"(?:^|\n)[ \t]*--([^\r\n]*)\r?\n[ \t]*\Z")


def _comment_in(match: re.Match[str], clause: Span) -> Comment:
    group = next(g for g in range(1, (match.re.groups or 1) + 1) if match.group(g) is not None)
    inner = match.group(group)
    lead = len(inner) - len(inner.lstrip())
    start = match.start(group) + lead
    return Comment(inner.strip(), clause, Span(start, start + len(inner.strip())), form="sql")


def _sql_comment_at(text: str, pos: int) -> Comment | None:
    match = _BLOCK_AFTER.match(text, pos) or _LINE_AFTER.match(text, pos)
    return _comment_in(match, Span(match.start(), match.end())) if match else None


def _read_sql_comments(text: str, table: Table, opened: int) -> None:
    table.comment = _sql_comment_at(text, opened)
    end_of_line = _LINE_END_AFTER.match(text, opened)
    table.table_insert_at, table.line_comment = (end_of_line.end(), True) if end_of_line else (opened, False)
    for col in table.columns:
        col.comment = _sql_comment_at(text, col.span.end)
        if col.comment is None:
            above = _LINE_ABOVE.search(text, max(opened, col.span.start - 400), col.span.start)
            if above:
                col.comment = _comment_in(above, Span(above.start(1) - 2, above.end(1)))
        end_of_line = _LINE_END_AFTER.match(text, col.span.end)
        col.insert_at, col.line_comment = (end_of_line.end(), True) if end_of_line else (col.span.end, False)


def _mark_keys(table: Table) -> None:
    """Mark the columns of the table's primary key, and those of its single-column unique and
    foreign keys."""
    for name in table.primary_key:
        col = table.column(name)
        if col is not None:
            col.primary_key = True
    for names in table.unique_keys:
        col = table.column(names[0]) if len(names) == 1 else None
        if col is not None:
            col.unique = True
    for fk in table.foreign_keys:
        if len(fk.columns) == 1:
            col = table.column(fk.columns[0])
            if col is not None and col.references is None:
                col.references = ForeignKey(fk.columns, fk.ref_table, fk.ref_columns)


@dataclass
class _AddedKeys:
    """``ALTER TABLE t ADD CONSTRAINT … PRIMARY KEY / UNIQUE / FOREIGN KEY …``, as pg_dump and SSMS write keys."""

    parts: list[str]
    keys: Table


def _altered_table(stmt: list[_Tok], shortest: int, *, views: bool = False) -> tuple[list[str], int] | None:
    """``ALTER TABLE [ONLY] [IF EXISTS] name [ON CLUSTER c]`` (with ``views``, ``ALTER VIEW`` too):
    the name's parts and the index of the first action; None for another statement, or one of
    fewer than ``shortest`` tokens."""
    kinds = ("TABLE", "VIEW") if views else ("TABLE",)
    if len(stmt) < shortest or stmt[0].upper != "ALTER" or stmt[1].upper not in kinds:
        return None
    i = 2
    while i < len(stmt) and stmt[i].upper in ("ONLY", "IF", "EXISTS"):
        i += 1
    parts, i = _read_name(stmt, i)
    if not parts:
        return None
    if i + 2 < len(stmt) and stmt[i].upper == "ON" and stmt[i + 1].upper == "CLUSTER":
        i += 3  # ClickHouse
    return parts, i


def _read_alter_keys(stmt: list[_Tok], dialect_name: str) -> _AddedKeys | None:
    altered = _altered_table(stmt, 4)
    if altered is None:
        return None
    parts, i = altered
    keys = Table(".".join(parts), "", dialect_name, Span(0, 0), Span(0, 0))
    for action in _split_top_level(stmt[i:]):
        # [WITH CHECK|NOCHECK] ADD [CONSTRAINT name] PRIMARY KEY (…) | FOREIGN KEY (…) REFERENCES …
        j = next((n for n, tok in enumerate(action) if tok.upper == "ADD"), None)
        if j is not None and j + 1 < len(action) and _is_table_constraint(action[j + 1 :]):
            _read_table_constraint(action[j + 1 :], keys)
    return _AddedKeys(parts, keys) if keys.primary_key or keys.foreign_keys or keys.unique_keys else None


# What may follow ADD in an ALTER TABLE and is no column (without COLUMN, a column's name stands there).
_ADD_NOT_COLUMN = {
    *_TABLE_CONSTRAINT_START,
    *_MAYBE_CONSTRAINT_START,
    "PARTITION",
    "PROJECTION",
    "STATISTICS",
    "ROW",
    "SEARCH",
    "DEFAULT",
    "SUPPLEMENTAL",
    "FILEGROUP",
    "CONSTRAINTS",
}
# The words an ALTER TABLE's actions start with; an item after an ADD's columns that starts with
# none of them is one more column (SQL Server's and Snowflake's `ADD a int, b int`).
_ALTER_ACTIONS = {
    "ADD",
    "DROP",
    "ALTER",
    "MODIFY",
    "CHANGE",
    "RENAME",
    "SET",
    "RESET",
    "UNSET",
    "OWNER",
    "ENABLE",
    "DISABLE",
    "VALIDATE",
    "INHERIT",
    "NO",
    "CLUSTER",
    "REPLICA",
    "ATTACH",
    "DETACH",
    "ALGORITHM",
    "LOCK",
    "WITH",
    "CHECK",
    "NOCHECK",
    "COMMENT",
    "ORDER",
    "ENGINE",
    "CONVERT",
    "DEFAULT",
    "CHARACTER",
    "COLLATE",
    "AUTO_INCREMENT",
    "PARTITION",
    "FORCE",
    "SWAP",
    "SUSPEND",
    "RESUME",
    "CLEAR",
    "MATERIALIZE",
    "FREEZE",
    "MOVE",
    "REPLACE",
    "UPDATE",
    "DELETE",
    "SWITCH",
    "REBUILD",
}


@dataclass
class _AlterRead:
    """The columns an ALTER TABLE defines, and of those MySQL's MODIFY / CHANGE define anew, the
    name each had."""

    table: Table
    redefined: list[tuple[Column, str]]


def _read_added_columns(text: str, stmt: list[_Tok], semicolon: _Tok | None, dialect_name: str) -> _AlterRead | None:
    """``ALTER TABLE t ADD [COLUMN] [IF NOT EXISTS] c type …`` (several, or Oracle's and Databricks'
    ``ADD [COLUMNS] (c type, …)``), and MySQL's ``MODIFY [COLUMN] c type …`` / ``CHANGE [COLUMN] old c
    type …`` (a column defined anew loses its comment unless the definition restates it): the
    columns a migration defines, as a record of their own whose comments go where they are
    defined. None for any other ALTER, and in SQLite (whose comments live in the CREATE's text)."""
    if len(stmt) < 5 or stmt[0].upper != "ALTER" or stmt[1].upper != "TABLE":
        return None
    if get_dialect(dialect_name).style is CommentStyle.SQL_COMMENT:
        return None
    i = 2
    while i < len(stmt) and stmt[i].upper in ("ONLY", "IF", "EXISTS"):
        i += 1
    created = _created(text, stmt, semicolon, dialect_name, i)
    if created is None:
        return None
    table, i = created
    table.from_alter = True
    if i + 2 < len(stmt) and stmt[i].upper == "ON" and stmt[i + 1].upper == "CLUSTER":
        i += 3  # ClickHouse
    adding = False  # the item before was an ADD of columns: an item that is no action adds one more
    redefined: list[tuple[Column, str]] = []
    for action in _split_top_level(stmt[i:]):
        if not action:
            continue
        old: str | None = None
        if action[0].upper in ("MODIFY", "CHANGE") and get_dialect(dialect_name).name == "mysql":
            rest = action[2:] if len(action) > 1 and action[1].upper == "COLUMN" else action[1:]
            if len(rest) < 3 or not _named(rest[0]):
                continue
            old = rest[0].text
            definitions = [rest[1:] if action[0].upper == "CHANGE" else rest]
            adding = False
        elif action[0].upper != "ADD":
            plain = _named(action[0]) and action[0].upper not in _ALTER_ACTIONS
            if not (adding and plain and not _is_table_constraint(action)):
                adding = False
                continue
            definitions = [action]
        else:
            k, explicit = 1, False
            if k < len(action) and action[k].upper in ("COLUMN", "COLUMNS"):
                k, explicit = k + 1, True
            if k + 2 < len(action) and [t.upper for t in action[k : k + 3]] == ["IF", "NOT", "EXISTS"]:
                k += 3
            rest = action[k:]
            if not rest or (not explicit and (rest[0].upper in _ADD_NOT_COLUMN or _is_table_constraint(rest))):
                adding = False
                continue
            if rest[0].kind == TokenType.L_PAREN:
                close = _matching_paren(rest, 0)
                if close is None:
                    return None
                definitions = [e for e in _split_top_level(rest[1:close]) if e and not _is_table_constraint(e)]
            else:
                definitions = [rest]
            adding = True
        for definition in definitions:
            if len(definition) >= 2 and definition[-2].upper == "AFTER":
                definition = definition[:-2]  # MySQL's and ClickHouse's place: the comment goes before it
            elif definition[-1].upper == "FIRST":
                definition = definition[:-1]
            if len(definition) >= 2 and _named(definition[0]):
                column = _read_column(text, definition, dialect_name)
                if column.data_type and table.column(column.name) is None:
                    table.columns.append(column)
                    if old is not None:
                        redefined.append((column, old))
    return _AlterRead(table, redefined) if table.columns else None


def _read_table_clauses(text: str, stmt: list[_Tok], close: int, table: Table, dialect_name: str) -> None:
    dialect = get_dialect(dialect_name)
    after_columns = stmt[close].end if close < len(stmt) else stmt[-1].end
    table.table_insert_at = table.column_list_end = after_columns
    last_before_query = stmt[-1].end
    j = close + 1
    depth = 0
    while j < len(stmt):
        tok = stmt[j]
        if tok.kind == TokenType.L_PAREN:
            depth += 1
        elif tok.kind == TokenType.R_PAREN:
            depth -= 1
        elif depth == 0:
            if tok.upper == "COMMENT":
                comment, nxt = _read_comment_literal(stmt, j)
                if comment:
                    table.comment = comment
                    j = nxt
                    continue
            elif tok.upper == "OPTIONS":
                comment, nxt, opened, separator = _read_options(text, stmt, j)
                table.comment = comment or table.comment
                table.options_open, table.options_separator = opened, separator
                j = nxt
                continue
            elif tok.upper == "USING" and j == close + 1 and dialect.table_clause_after_using and j + 1 < len(stmt):
                table.table_insert_at = stmt[j + 1].end
            elif tok.upper == "AS":
                last_before_query = stmt[j - 1].end
                break
        j += 1
    if (dialect.name == "bigquery" and table.options_open is None) or dialect.table_clause_last:
        table.table_insert_at = last_before_query


# What follows ALTER TABLE … DROP when it drops no column.
_DROP_NOT_COLUMN = {"CONSTRAINT", "INDEX", "KEY", "PRIMARY", "FOREIGN", "CHECK", "PARTITION", "UNIQUE", "PROJECTION"}


_RENAME_TABLE = re.compile(r"\s*TABLES?\s+(.+?)\s*", re.IGNORECASE | re.DOTALL)
_NAME_PART = r'(?:`[^`]*`|"[^"]*"|[^\s.`",]+)'
_DOTTED = rf"({_NAME_PART}(?:\s*\.\s*{_NAME_PART})*)"
_RENAME_PAIR = re.compile(rf"\s*{_DOTTED}\s+TO\s+{_DOTTED}\s*", re.IGNORECASE)


def _unquoted_parts(name: str) -> tuple[str, ...]:
    """A dotted name's parts without their quotes (MySQL's backticks, double quotes)."""
    return tuple(part.strip().strip('`"') for part in re.findall(_NAME_PART, name))


def _name_source(text: str, stmt: Sequence[_Tok], start: int, end: int) -> str:
    """The name read from ``stmt[start:end]`` as written, quotes included."""
    return text[stmt[start].start : stmt[end - 1].end]


def _read_schema_changes(text: str, stmt: list[_Tok]) -> list[SchemaChange]:
    """What a ``DROP TABLE`` / ``DROP VIEW``, an ``ALTER TABLE`` that renames or drops, or MySQL's
    ``RENAME TABLE`` changes of the schema's names (``SchemaChange``); empty for anything else."""
    at = stmt[0].start
    words = [t.upper for t in stmt]
    out: list[SchemaChange] = []
    if words[0] in ("EXEC", "EXECUTE"):
        return _read_sp_rename(stmt)
    if words[0] == "DROP":
        i = 1
        if words[1:3] in (["MATERIALIZED", "VIEW"], ["FOREIGN", "TABLE"]):
            i = 3
        elif words[1:2] in (["TABLE"], ["VIEW"]):
            i = 2
        else:
            return []
        if words[i : i + 2] == ["IF", "EXISTS"]:
            i += 2
        for item in _split_top_level(stmt[i:]):
            parts, _ = _read_name(item, 0)
            if parts:
                out.append(SchemaChange(at, "drop table", tuple(parts)))
        return out
    if words[0] == "RENAME":  # MySQL's RENAME TABLE a TO b, c TO d (which sqlglot reads as one string)
        rest = stmt[1].text if len(stmt) == 2 else text[stmt[1].start : stmt[-1].end]
        renames = _RENAME_TABLE.fullmatch(rest)
        for names in _RENAME_PAIR.finditer(renames.group(1)) if renames else ():
            old, new = (_unquoted_parts(names.group(n)) for n in (1, 2))
            out.append(SchemaChange(at, "rename table", old, new=".".join(new), new_source=names.group(2)))
        return out
    altered = _altered_table(stmt, 4, views=True)
    if altered is None:
        return []
    parts, i = altered
    table = tuple(parts)
    for action in _split_top_level(stmt[i:]):
        verbs = [t.upper for t in action]
        if verbs[:1] == ["RENAME"] and len(action) >= 2 and verbs[1] not in ("INDEX", "KEY", "CONSTRAINT"):
            if verbs[1] == "COLUMN" or (verbs[2:3] == ["TO"] and verbs[1] not in ("TO", "AS")):
                k = 2 if verbs[1] == "COLUMN" else 1  # RENAME [COLUMN] a TO b
                if k + 2 < len(action) and verbs[k + 1] == "TO" and _named(action[k]) and _named(action[k + 2]):
                    to = action[k + 2]
                    out.append(
                        SchemaChange(at, "rename column", table, action[k].text, to.text, text[to.start : to.end])
                    )
                continue
            k = 2 if verbs[1] in ("TO", "AS") else 1  # RENAME [TO | AS] new (MySQL's without either)
            name, j = _read_name(action, k)
            if name and j == len(action):
                source = _name_source(text, action, k, j)
                out.append(SchemaChange(at, "rename table", table, new=".".join(name), new_source=source))
        elif verbs[:1] == ["DROP"] and len(action) >= 2 and verbs[1] not in _DROP_NOT_COLUMN:
            k = 2 if verbs[1] == "COLUMN" else 1
            if verbs[k : k + 2] == ["IF", "EXISTS"]:
                k += 2
            if k < len(action) and _named(action[k]):
                out.append(SchemaChange(at, "drop column", table, action[k].text))
    return out


@dataclass
class _CommentOn:
    kind: str  # TABLE | COLUMN | VIEW | MATERIALIZED VIEW
    parts: list[str]
    comment: Comment | None


def _read_alter_comment(text: str, stmt: list[_Tok], semicolon: _Tok | None) -> _CommentOn | None:
    """An ALTER TABLE that sets a comment, as the dialects that comment in clauses write one after
    the CREATE (``Dialect.ctas_statements``): Databricks' and Spark's ``ALTER [COLUMN] c COMMENT
    '…'``, BigQuery's ``[ALTER COLUMN c] SET OPTIONS (description = '…')``, ClickHouse's ``MODIFY
    COMMENT '…'`` and ``COMMENT COLUMN c '…'``; and MySQL's ``COMMENT [=] '…'``, a migration's
    description of a table created before. None for any other ALTER."""
    altered = _altered_table(stmt, 5)
    if altered is None:
        return None
    parts, i = altered
    rest = stmt[i:]
    words = [t.upper for t in rest]
    column: str | None = None
    at: int | None = None  # where the comment's literal is, or OPTIONS
    if words[:1] == ["ALTER"] and len(rest) >= 4:  # ALTER [COLUMN] c COMMENT '…' | SET OPTIONS (…)
        n = 2 if words[1] == "COLUMN" else 1
        column = rest[n].text if _named(rest[n]) else None
        if words[n + 1 : n + 2] == ["COMMENT"] or words[n + 1 : n + 3] == ["SET", "OPTIONS"]:
            at = n + 2
    elif words[:2] == ["SET", "OPTIONS"]:
        at = 1
    elif words[:2] == ["MODIFY", "COMMENT"]:
        at = 2
    elif words[:2] == ["COMMENT", "COLUMN"] and len(rest) >= 4:
        n = 4 if words[2:4] == ["IF", "EXISTS"] else 2
        column = rest[n].text if n < len(rest) and _named(rest[n]) else None
        at = n + 1
    elif words[:1] == ["COMMENT"] and len(rest) >= 2:  # MySQL's ALTER TABLE t COMMENT [=] '…'
        at = 2 if rest[1].kind == TokenType.EQ else 1
    of_column = words[:1] == ["ALTER"] or words[:2] == ["COMMENT", "COLUMN"]
    if at is None or at >= len(rest) or (column is None and of_column):
        return None
    end = semicolon.end if semicolon else stmt[-1].end
    if rest[at].upper == "OPTIONS":
        found, *_ = _read_options(text, rest, at)
        if found is None:
            return None
        comment = Comment(found.text, Span(stmt[0].start, end), found.literal, found.form)
    elif rest[at].kind == TokenType.STRING:
        lit = rest[at]
        comment = Comment(lit.text, Span(stmt[0].start, end), Span(lit.start, lit.end))
    else:
        return None
    if len(rest) > at + 1 and rest[at].upper != "OPTIONS":
        return None  # more than the comment: another action
    return _CommentOn("COLUMN" if column else "TABLE", [*parts, column] if column else parts, comment)


def _read_comment_on(stmt: list[_Tok], semicolon: _Tok | None) -> _CommentOn | None:
    if len(stmt) < 5 or stmt[0].upper != "COMMENT" or stmt[1].upper != "ON":
        return None
    kind, i = stmt[2].upper, 3
    if kind in ("MATERIALIZED", "FOREIGN") and stmt[3].upper in ("VIEW", "TABLE"):
        kind, i = f"{kind} {stmt[3].upper}", 4
    if kind not in ("TABLE", "COLUMN", "VIEW", "MATERIALIZED VIEW", "FOREIGN TABLE"):
        return None
    parts, i = _read_name(stmt, i)
    if i >= len(stmt) or stmt[i].upper not in ("IS", "AS") or i + 1 >= len(stmt):  # Teradata: AS too
        return None
    lit = stmt[i + 1]
    end = semicolon.end if semicolon else stmt[-1].end
    if lit.kind == TokenType.STRING:
        return _CommentOn(kind, parts, Comment(lit.text, Span(stmt[0].start, end), Span(lit.start, lit.end)))
    return _CommentOn(kind, parts, None)  # IS NULL removes a comment


# sp_addextendedproperty's parameters, in the order they may also be given without names.
_PROPERTY_PARAMETERS = (
    "name",
    "value",
    "level0type",
    "level0name",
    "level1type",
    "level1name",
    "level2type",
    "level2name",
)
_PROPERTY_PROCEDURES = {"sp_addextendedproperty", "sp_updateextendedproperty", "sp_dropextendedproperty"}
_STRINGS = (TokenType.STRING, TokenType.NATIONAL_STRING)


def _procedure_call(
    stmt: list[_Tok], procedures: Collection[str], parameters: Sequence[str]
) -> tuple[list[str], dict[str, _Tok]] | None:
    """``EXEC [sys.]procedure @name = value, …`` (or its values in ``parameters``' order) for one of
    ``procedures``: its name's parts and its arguments by (lower-case) name; None for another."""
    parts, i = _read_name(stmt, 1)
    if not parts or parts[-1].lower() not in procedures:
        return None
    args: dict[str, _Tok] = {}
    for n, arg in enumerate(_split_top_level(stmt[i:])):
        if not arg:
            continue
        if arg[0].text.startswith("@"):
            name = (arg[0].text[1:] or (arg[1].text if len(arg) > 1 else "")).lower()
            value = arg[-1] if len(arg) >= 3 and arg[-2].kind == TokenType.EQ else None
        else:
            name = parameters[n] if n < len(parameters) else ""
            value = arg[0] if len(arg) == 1 else None
        if value is not None:
            args[name] = value
    return parts, args


def _read_sp_rename(stmt: list[_Tok]) -> list[SchemaChange]:
    """SQL Server's ``EXEC sp_rename 'dbo.t', 'u'`` and ``… 'dbo.t.c', 'd', 'COLUMN'``."""
    called = _procedure_call(stmt, {"sp_rename"}, ("objname", "newname", "objtype"))
    if called is None:
        return []
    _, args = called
    old, new = args.get("objname"), args.get("newname")
    if old is None or new is None or old.kind not in _STRINGS or new.kind not in _STRINGS:
        return []
    kind = args["objtype"].text.upper() if "objtype" in args else ""
    parts = tuple(p.strip('[]"') for p in old.text.split("."))
    if kind == "COLUMN" and len(parts) >= 2:
        return [SchemaChange(stmt[0].start, "rename column", parts[:-1], parts[-1], new.text, new.text)]
    if kind in ("", "OBJECT"):
        return [SchemaChange(stmt[0].start, "rename table", parts, new=new.text, new_source=new.text)]
    return []


def _read_extended_property(stmt: list[_Tok], semicolon: _Tok | None) -> _CommentOn | None:
    """SQL Server's comments: ``EXEC sys.sp_addextendedproperty @name = N'MS_Description', …``.

    Only ``MS_Description`` on a table or on a table's column counts; update and drop
    calls change or remove it, as they would in the database.
    """
    called = _procedure_call(stmt, _PROPERTY_PROCEDURES, _PROPERTY_PARAMETERS)
    if called is None:
        return None
    parts, args = called
    texts = {k: v.text for k, v in args.items()}
    level1 = texts.get("level1type", "").upper()
    if texts.get("name", "").lower() != "ms_description" or level1 not in ("TABLE", "VIEW"):
        return None
    level2 = texts.get("level2type", "").upper()
    if level2 not in ("", "COLUMN") or "level1name" not in texts or (level2 and "level2name" not in texts):
        return None
    names = [texts[k] for k in ("level0name", "level1name", "level2name") if k in texts]
    end = semicolon.end if semicolon else stmt[-1].end
    literal = args.get("value")
    if parts[-1].lower() == "sp_dropextendedproperty" or literal is None or literal.kind not in _STRINGS:
        return _CommentOn("COLUMN" if level2 else "TABLE", names, None)
    form = "national" if literal.kind == TokenType.NATIONAL_STRING else "string"
    comment = Comment(literal.text, Span(stmt[0].start, end), Span(literal.start, literal.end), form=form)
    return _CommentOn("COLUMN" if level2 else "TABLE", names, comment)


def _name_key(parts: list[str]) -> list[str]:
    return [p.lower() for part in parts for p in part.split(".")]


class _ByName:
    """Find a file's tables by a name as another statement writes it; a schema-less name matches any schema."""

    def __init__(self, tables: list[Table]) -> None:
        self.by_short: dict[str, list[tuple[list[str], Table]]] = {}
        for table in tables:
            key = _name_key([table.name])
            self.by_short.setdefault(key[-1], []).append((key, table))

    def __call__(self, parts: list[str], at: int) -> Table | None:
        """The table a statement at offset ``at`` acts on: of those the name matches, the last
        created before it, as running the file would find (a script may drop and create a table
        again); a statement above every CREATE of the name documents the first."""
        found = self.candidates(parts, at)
        return found[0] if found else None

    def candidates(self, parts: list[str], at: int) -> list[Table]:
        """Those the name matches, the nearest before ``at`` first, then those after it."""
        wanted = _name_key(parts)
        found = []
        for key, table in self.by_short.get(wanted[-1], []) if wanted else []:
            n = min(len(wanted), len(key))
            if wanted[-n:] == key[-n:]:
                found.append(table)
        before = [t for t in found if t.span.start < at]
        return before[::-1] + [t for t in found if t.span.start >= at]


def _attach_keys(tables: list[Table], added: list[tuple[int, _AddedKeys]]) -> None:
    """Keys added by ALTER TABLE join those the CREATE declared."""
    matching = _ByName(tables)
    for at, record in added:
        table = matching(record.parts, at)
        if table is not None:
            if record.keys.primary_key and not table.primary_key:
                table.primary_key = record.keys.primary_key
            table.foreign_keys += [fk for fk in record.keys.foreign_keys if fk not in table.foreign_keys]
            table.unique_keys += [u for u in record.keys.unique_keys if u not in table.unique_keys]
            _mark_keys(table)


def _attach_base(created: list[Table], alters: list[Table], known: list[Table]) -> None:
    """An ALTER that defines columns knows the CREATE above it in the file, or else in the files
    read before it (``known``: a migrations folder, read in order): the prompt shows the table
    whole, and MySQL's MODIFY restates what the column said."""
    matching, before = _ByName(created), _ByName(known[::-1])
    for alter in alters:
        base = matching(alter.name.split("."), alter.span.start)
        if base is None or base.span.start > alter.span.start:
            base = before(alter.name.split("."), 0)  # the last created, of the files before this one
        alter.base = base


def _attach_redefined(alters: list[Table], redefined: list[tuple[Table, Column, str]]) -> None:
    """A column MySQL's MODIFY / CHANGE defines anew says what it said before (``Column.source``):
    the definition the table had for it just above, in an earlier ALTER or in the CREATE."""
    for alter, column, old in redefined:
        if alter.base is None:
            continue
        # alters: those of the files read before, then this file's in order
        at = next(n for n, a in enumerate(alters) if a is alter)
        earlier = [a for a in alters[:at] if a.base is alter.base]
        for owner in [*reversed(earlier), alter.base]:
            before = owner.column(old)
            if before is not None:
                column.source, column.redefines = (owner, before), True
                break


def _attach_comment_on(tables: list[Table], records: list[tuple[int, _CommentOn]]) -> set[tuple[str, str | None]]:
    """Attach COMMENT ON statements (at their offsets) to their tables; a schema-less name
    matches any schema. A column's comment goes to the statement that defines the column: the
    CREATE, or an ALTER that adds it. Returns what those that set a comment on no statement here
    document (``ParsedFile.comments_elsewhere``)."""
    matching = _ByName([t for t in tables if not t.from_alter])
    adding = _ByName(tables)
    elsewhere: set[tuple[str, str | None]] = set()
    for at, record in records:
        if record.kind != "COLUMN":
            table = matching(record.parts, at)
            if table is not None:
                table.comment = record.comment
            elif record.comment is not None and record.comment.text.strip() and record.parts:
                elsewhere.add((record.parts[-1].lower(), None))
        elif len(record.parts) >= 2:
            owners = adding.candidates(record.parts[:-1], at)
            col = next((c for t in owners if (c := t.column(record.parts[-1])) is not None), None)
            if col is not None:
                col.comment = record.comment
            elif record.comment is not None and record.comment.text.strip():
                elsewhere.add((record.parts[-2].lower(), record.parts[-1].lower()))
    return elsewhere


# Clauses sqlglot's parser does not know, per dialect; blanked (offsets kept) before validating.
_UNPARSED = {
    "tsql": re.compile(r"\b(?:TEXTIMAGE_ON|FILESTREAM_ON)\s+(?:\[[^\]]*\]|\w+)", re.IGNORECASE),
    "mysql": re.compile(r"\bSRID\s+\d+", re.IGNORECASE),  # a spatial column's reference system
    # A column's own DISTKEY or SORTKEY attribute (the table's, DISTKEY (c), sqlglot reads).
    # What Oracle's exports (DBMS_METADATA.GET_DDL, SQL Developer) write after a constraint: its
    # state (`ENABLE`, `DISABLE NOVALIDATE`, `RELY`) and its index's storage (`USING INDEX PCTFREE
    # 10 … TABLESPACE "USERS"`), up to the element's end.
    "oracle": re.compile(
        r"\bUSING\s+INDEX\b(?:\s*(?:STORAGE\s*\([^()]*\)|\"[^\"]*\"|\w+))*"
        r"|\b(?:ENABLE|DISABLE|NOVALIDATE|VALIDATE|RELY|NORELY)\b"
        r"(?=\s*(?:[,)]|(?:ENABLE|DISABLE|NOVALIDATE|VALIDATE|RELY|NORELY|USING)\b))",
        re.IGNORECASE,
    ),
    # An EPHEMERAL column without a default, followed by its COMMENT (sqlglot reads the comment as
    # the default expression).
    "clickhouse": re.compile(r"\bEPHEMERAL\b(?=\s+COMMENT\b)", re.IGNORECASE),
    # Teradata 16.10's map option, which SHOW TABLE writes among the table's options.
    "teradata": re.compile(r",\s*MAP\s*=\s*\w+(?:\s+COLOCATE\s+USING\s+\w+)?", re.IGNORECASE),
    "redshift": re.compile(r"\b(?:DISTKEY|SORTKEY)\b(?!\s*\()", re.IGNORECASE),
    # CREATE FOREIGN TABLE: sqlglot reads the statement whole as a table's once FOREIGN is gone.
    "postgres": re.compile(r"\bFOREIGN\b(?=\s+TABLE\b)", re.IGNORECASE),
}


def _blank_unparsed(source: str, dialect: str) -> str:
    pattern = _UNPARSED.get(dialect)
    return pattern.sub(lambda m: " " * len(m.group(0)), source) if pattern else source


def _severity(table: Table) -> str:
    """A view (or an ALTER that adds columns) that cannot be documented is no error in the file
    (the database may well take it), unless its statement is unfinished."""
    return "info" if (table.derived or table.from_alter) and table.has_semicolon else "error"


def _problem(table: Table, lines: _Lines) -> Diagnostic:
    line, col = lines.position(table.span.start)
    return Diagnostic(f"{table.noun} {table.name}: {table.problem}", table.span, line, col, _severity(table))


def _bookkeeping_note(table: Table, lines: _Lines) -> Diagnostic:
    """Why a migration tool's own table (a schema dump's ``schema_migrations``) asks for nothing."""
    line, col = lines.position(table.name_span.start)
    message = f"table {table.name}: a migration tool's own bookkeeping, no part of the application's schema"
    return Diagnostic(message, table.name_span, line, col, "info")


def _parse_failure(source: str, dialect: str) -> Exception | None:
    """Why sqlglot does not read ``source`` as a CREATE statement; None when it does. Any
    exception counts, sqlglot's own bugs on odd input included (a TypeError on mangled options)."""
    try:
        tree = sqlglot.parse_one(source, read=dialect)
    except Exception as error:
        return error
    return None if isinstance(tree, (exp.Create, exp.Alter)) else ValueError("not a CREATE TABLE statement")


def _with_plain_types(text: str, table: Table, end: int) -> str:
    """The statement up to ``end`` with every column's type written INT: its shape, without the
    types sqlglot may not know (``point``, ``bit varying(8)``, a domain with odd syntax)."""
    start = table.span.start
    out, last = [], start
    for col in table.columns:
        if col.type_span is not None:
            out += [text[last : col.type_span.start], "INT"]
            last = col.type_span.end
    out.append(text[last:end])
    return "".join(out)


def _validate(text: str, table: Table, dialect: str, lines: _Lines) -> Diagnostic | None:
    """None when the statement is complete; else a diagnostic that says where sqlglot stopped.

    Every edit is placed by the token reader, never by sqlglot's tree, so sqlglot only has to
    confirm the statement's shape. A statement it rejects for a column type it does not know is
    complete; so is one ended by a semicolon that it rejects only for a clause after the column
    list (MySQL's ``PARTITION BY HASH (id) PARTITIONS 4``, SQLite's ``WITHOUT ROWID``).
    """
    source = _blank_unparsed(text[table.span.start : table.span.end], dialect)
    failure = _parse_failure(source, dialect)
    if failure is None:
        return None
    severity = _severity(table)
    # A view's or query table's columns have no types to blank: only the statement as written counts.
    ends = [] if table.derived else [table.span.end]
    if table.has_semicolon and not table.derived and not table.from_alter:
        ends.append(table.column_list_end)
    plain = (_blank_unparsed(_with_plain_types(text, table, end), dialect) for end in ends)
    if any(_parse_failure(variant, dialect) is None for variant in plain):
        return None
    if isinstance(failure, ParseError):
        info = failure.errors[0] if failure.errors else {}
        rel_line = int(info.get("line") or 1)
        rel_col = int(info.get("col") or 1)
        stmt_lines = source.split("\n")
        rel_line = max(1, min(rel_line, len(stmt_lines)))
        offset = table.span.start + sum(len(line) + 1 for line in stmt_lines[: rel_line - 1])
        offset += max(0, min(rel_col - 1, len(stmt_lines[rel_line - 1])))
        line, col = lines.position(offset)
        message = str(info.get("description") or failure).splitlines()[0]
        return Diagnostic(f"{table.noun} {table.name}: {message}", Span(offset, offset), line, col, severity)
    line, col = lines.position(table.span.start)
    message = (str(failure).splitlines() or [type(failure).__name__])[0]
    return Diagnostic(f"{table.noun} {table.name}: {message}", table.span, line, col, severity)


def parse_sql(
    text: str,
    dialect: str | None = None,
    *,
    path: str | None = None,
    validate: bool = True,
    window: tuple[int, int] | None = None,
    known: Sequence[Table] = (),
    dialect_reason: str = "given",
    commented_later: Collection[tuple[str, str | None]] = (),
) -> ParsedFile:
    """Read every CREATE TABLE in ``text`` with its columns and existing comments.
    ``commented_later``: what the files after it in its migrations folder comment
    (``migrations.later_comments``), marked so that nothing asks for it here.

    Never raises on bad SQL: problems become diagnostics, and tables that could not
    be fully read are returned with ``complete=False``. With ``window`` only the
    statements inside ``text[start:end]`` are read (the window must start at a
    statement boundary); offsets still refer to the whole text.
    """
    if dialect:
        name, reason = get_dialect(dialect).name, dialect_reason
    else:
        name, reason = detect_dialect(text, path)
    lines = _Lines(text)
    scan, breaks = _blank_non_sql(text, name, window)
    tokens, diagnostics = _tokenize_batches(scan, name, lines, window, breaks)
    tables: list[Table] = []
    records: list[tuple[int, _CommentOn]] = []  # with each statement's offset
    added: list[tuple[int, _AddedKeys]] = []
    views: list[_ViewRead] = []
    redefined: list[tuple[Table, Column, str]] = []  # MySQL's MODIFY / CHANGE: the name a column had
    changes: list[SchemaChange] = []
    for stmt, semicolon in _statements(tokens, name, breaks):
        first = stmt[0].upper
        if first in ("DROP", "RENAME", "ALTER", "EXEC", "EXECUTE") and len(stmt) >= 2:
            changes += _read_schema_changes(text, stmt)
        if first == "CREATE":
            table = _read_table(text, stmt, semicolon, name)
            # A view, or a table made from a query: none, or only names, where columns are defined
            view = _read_view(text, stmt, semicolon, name) if table is None or _untyped(table) else None
            if view is not None:
                views.append(view)
                table = view.table
            if table is None:
                unread = _unread_query_table(stmt, name, lines)
                if unread is not None:
                    diagnostics.append(unread)
                continue
            if table.problem:
                diagnostics.append(_problem(table, lines))
            elif validate:
                problem = _validate(text, table, name, lines)
                if problem is not None:
                    table.complete = False
                    diagnostics.append(problem)
            if table.bookkeeping:
                diagnostics.append(_bookkeeping_note(table, lines))
            tables.append(table)
        elif first == "COMMENT":
            record = _read_comment_on(stmt, semicolon)
            if record is not None:
                records.append((stmt[0].start, record))
        elif first in ("EXEC", "EXECUTE") and get_dialect(name).extended_properties:
            record = _read_extended_property(stmt, semicolon)
            if record is not None:
                records.append((stmt[0].start, record))
        elif first == "ALTER":
            record = _read_alter_comment(text, stmt, semicolon)
            if record is not None:
                records.append((stmt[0].start, record))
                continue
            keys = _read_alter_keys(stmt, name)
            if keys is not None:
                added.append((stmt[0].start, keys))
            alter = _read_added_columns(text, stmt, semicolon, name)
            if alter is not None:
                redefined += [(alter.table, col, old) for col, old in alter.redefined]
                changes += [  # MySQL's CHANGE old new: the column is renamed, then defined anew
                    SchemaChange(
                        stmt[0].start,
                        "rename column",
                        tuple(alter.table.name.split(".")),
                        old,
                        col.name,
                        col.name_source,
                    )
                    for col, old in alter.redefined
                    if old.lower() != col.name.lower()
                ]
                adds = alter.table
                problem = _validate(text, adds, name, lines) if validate else None
                if problem is not None:
                    adds.complete = False
                    diagnostics.append(problem)
                tables.append(adds)
    created = [t for t in tables if not t.from_alter]
    alters = [t for t in tables if t.from_alter]
    _attach_keys(created, added)
    earlier = [t for t in known if t.dialect == name and not t.is_view]
    _attach_base(created, alters, [t for t in earlier if not t.from_alter])
    _attach_redefined([*(t for t in earlier if t.from_alter), *alters], redefined)
    diagnostics += [_problem(view, lines) for view in _resolve_views(created, views, alters)]
    elsewhere = _attach_comment_on(tables, records)
    # A column an ALTER defines with a comment, of a table created before the file (MySQL's MODIFY
    # restating a column with its comment, in a migration that documents an earlier one's tables).
    elsewhere |= {
        (alter.short_name.lower(), col.name.lower())
        for alter in alters
        if not any(base is alter.base for base in created)
        for col in alter.columns
        if col.comment is not None and col.comment.text.strip()
    }
    if commented_later:
        for table in tables:
            short = table.short_name.lower()
            dropped = (short, DROPPED) in commented_later
            table.described_later = dropped or (short, None) in commented_later
            for col in table.columns:
                col.commented_later = dropped or (short, col.name.lower()) in commented_later
    return ParsedFile(text, name, reason, tables, diagnostics, elsewhere, changes)


_BOUNDARY = re.compile(r";[ \t]*(?:--[^\n]*)?(?:\r?\n|$)")
# The statements that document a table and follow it: COMMENT ON, SQL Server's extended
# properties, or an ALTER TABLE that sets a comment (``Dialect.ctas_statements``).
_NEXT_IS_COMMENT_ON = re.compile(
    r"\s*(?:GO\b\s*)?(?:COMMENT\s+ON\b|EXEC(?:UTE)?\s+(?:\[?sys\]?\s*\.\s*)?\[?sp_\w+extendedproperty\b"
    r"|ALTER\s+TABLE\b[^;]*?\b(?:COMMENT|OPTIONS)\b)",
    re.IGNORECASE,
)


def statement_window(text: str, offset: int, *, before: int = 2) -> tuple[int, int]:
    """A window of whole statements around ``offset``, for reading one table of a large file fast.

    It starts after the ``before``-th statement end preceding ``offset`` (so the statement just
    above the cursor is included) and ends after the statement holding ``offset`` and any
    ``COMMENT ON`` statements right after it. Statement ends are found textually (a semicolon
    closing a line), so a caller must check that the table it wants is really in the window.
    """
    start = 0
    search_to = offset
    for _ in range(before):
        cut = text.rfind(";", 0, search_to)
        while cut >= 0 and not _BOUNDARY.match(text, cut):
            cut = text.rfind(";", 0, cut)
        if cut < 0:
            start = 0
            break
        m = _BOUNDARY.match(text, cut)
        assert m is not None
        start = m.end()
        search_to = cut
    end = offset
    while True:
        m = _BOUNDARY.search(text, end)
        if m is None:
            return start, len(text)
        end = m.end()
        if end >= offset and not _NEXT_IS_COMMENT_ON.match(text, end):
            return start, end
