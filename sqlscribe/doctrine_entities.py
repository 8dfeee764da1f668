"""Doctrine ORM's entities (a Symfony application's ``src/Entity/*.php``), documented the way
Doctrine keeps a database's documentation: ``options: ['comment' => '…']`` in each column's
``#[ORM\\Column(…)]`` attribute and in the class's ``#[ORM\\Table(…)]``, which
``bin/console make:migration`` (Doctrine Migrations' diff) or ``doctrine:schema:update`` carries
into the database.

The PHP is read, never run, by a small lexer that knows its strings (heredocs too), comments and
attributes:
each class with Doctrine's ``#[ORM\\Entity]`` (or ``#[ORM\\MappedSuperclass]``, documented as a
mixin), as ``use`` imports its names; its columns with their types as Doctrine's DBAL makes them
in PostgreSQL (``string`` a ``varchar(255)``, a typed property's ``?int`` an ``integer``), the
join column a ``#[ORM\\ManyToOne]`` or an owning ``#[ORM\\OneToOne]`` adds, and a backed enum of
the file as the values a column holds. Names are Symfony's (its recipe's
``underscore_number_aware`` naming strategy: ``createdAt`` is ``created_at``). The PHPDoc comment
the authors wrote above a property or a class stands for its comment until one is written. A
relation's join column is shown to the model but not asked for: ``#[ORM\\JoinColumn]`` takes no
comment.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from sqlscribe.databases import TableInfo, declared_table, quote, render_ddl
from sqlscribe.ddl import TextEdit
from sqlscribe.document import EditedSources, FileOutcome, FilePlan
from sqlscribe.python_source import (
    DeclaredColumn,
    ModelsError,
    Planned,
    Source,
    abstract_name,
    edited_text,
    in_check,
    item_edits,
    record_edit,
    sql_literal,
)
from sqlscribe.python_source import (
    plan_entities as plan_declared,
)

DIALECT = "postgres"
REASON = "the PostgreSQL types Doctrine's DBAL gives the entities' columns"
NEXT_STEP = "run `bin/console make:migration` (or doctrine:migrations:diff) to carry the comments into the database"
MIXIN = "Mapped superclass: the entities that extend it inherit its columns."
TABLE_COMMENT = "no table comment"
MAX_VALUES = 24
MAPPING = "Doctrine\\ORM\\Mapping"

# Doctrine's types (``type: 'string'``, ``Types::STRING``) as its DBAL makes them in PostgreSQL
_TYPES = {
    "string": "varchar",
    "ascii_string": "varchar",
    "text": "text",
    "integer": "integer",
    "smallint": "smallint",
    "bigint": "bigint",
    "boolean": "boolean",
    "decimal": "numeric",
    "float": "double precision",
    "date": "date",
    "date_immutable": "date",
    "datetime": "timestamp(0)",
    "datetime_immutable": "timestamp(0)",
    "datetimetz": "timestamp(0) with time zone",
    "datetimetz_immutable": "timestamp(0) with time zone",
    "time": "time(0)",
    "time_immutable": "time(0)",
    "dateinterval": "varchar(255)",
    "json": "json",
    "guid": "uuid",
    "uuid": "uuid",
    "ulid": "uuid",
    "binary": "bytea",
    "blob": "bytea",
    "simple_array": "text",
    "array": "text",
    "object": "text",
}
# A typed property's PHP type, where the attribute names none (Doctrine ORM 2.9+)
_PHP_TYPES = {
    "string": "string",
    "int": "integer",
    "float": "float",
    "bool": "boolean",
    "array": "json",
    "DateTime": "datetime",
    "DateTimeInterface": "datetime",
    "DateTimeImmutable": "datetime_immutable",
    "DateInterval": "dateinterval",
}
_MODIFIERS = {"public", "private", "protected", "readonly", "static", "var", "final", "abstract"}


@dataclass(frozen=True)
class _Token:
    kind: str  # name, variable, string, number, punct
    text: str
    start: int
    end: int
    doc: str | None  # the PHPDoc comment just before it
    block: tuple[int, int] | None = None  # that comment's span, whose annotations are read too


_LEX = re.compile(
    r"""(?P<space>\s+)
    |(?P<attribute>\#\[)
    |(?P<comment>(?:\#|//)[^\n]*|/\*.*?\*/)
    |(?P<heredoc><<<[ \t]*(?P<quote>["']?)(?P<label>[A-Za-z_]\w*)(?P=quote)\r?\n.*?\n[ \t]*(?P=label)\b)
    |(?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    |(?P<number>0[xXbB][\da-fA-F_]+|\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?)
    |(?P<variable>\$[A-Za-z_]\w*)
    |(?P<name>\\?[A-Za-z_]\w*(?:\\[A-Za-z_]\w*)*)
    |(?P<punct>=>|::|->|\?->|\?\?|\.\.\.|[{}()\[\];,:.?!@=<>|&*+\-/%^~])
    |(?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def _lex(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    doc: str | None = None
    block: tuple[int, int] | None = None
    at = text.find("<?php")
    at = at + len("<?php") if at >= 0 else 0
    for match in _LEX.finditer(text, at):
        kind, value = match.lastgroup or "", match.group()
        if kind in ("space", "quote", "label"):
            continue
        if kind == "heredoc":
            kind = "other"  # a text of the code's, not of the mapping's
        if kind == "comment":
            if value.startswith("/**") and value != "/**/":
                doc, block = _phpdoc(value), (match.start(), match.end())
            continue
        if kind == "attribute":
            kind = "punct"
        tokens.append(_Token(kind, value, match.start(), match.end(), doc, block))
        doc, block = None, None
    return tokens


_ANNOTATION_LEX = re.compile(
    r"""(?P<space>\s+)
    |(?P<string>"(?:[^"]|"")*")
    |(?P<number>-?\d+(?:\.\d+)?)
    |(?P<name>@?\\?[A-Za-z_][\w\\]*(?:::[A-Za-z_]\w*)?)
    |(?P<punct>[(){},=:])
    |(?P<other>.)
    """,
    re.VERBOSE,
)


class _Annotations:
    """The annotations of a docblock (Doctrine's, with ``doctrine/annotations``): a name a
    ``@`` begins at a line's start, its arguments as named (``length=180``) and positional
    values, ``{…}`` arrays (``options={"comment"="…"}``), nested annotations."""

    def __init__(self, parser: _Parser, start: int, end: int) -> None:
        self.parser = parser
        text = parser.text[start:end]
        # the docblock's own marks (``/**``, each line's ``*``, ``*/``) blanked, offsets kept
        masked = re.sub(r"^/\*\*|\*/$", lambda m: " " * len(m.group()), text)
        masked = re.sub(r"(?m)^([ \t]*)\*", lambda m: m.group(1) + " ", masked)
        self.tokens = [
            (m.lastgroup or "", m.group(), start + m.start(), start + m.end())
            for m in _ANNOTATION_LEX.finditer(masked)
            if m.lastgroup != "space"
        ]

    def read(self) -> list[_Attribute]:
        found, i = [], 0
        while i < len(self.tokens):
            kind, text, _, _ = self.tokens[i]
            if kind == "name" and text.startswith("@"):  # prose's "@see" or "a@b" is no mapping's
                annotation, i = self.annotation(i)
                found.append(annotation)
            else:
                i += 1
        return found

    def is_punct(self, i: int, text: str) -> bool:
        return i < len(self.tokens) and self.tokens[i][0] == "punct" and self.tokens[i][1] == text

    def closing(self, i: int) -> int:
        depth = 0
        for j in range(i, len(self.tokens)):
            if self.tokens[j][0] == "punct" and self.tokens[j][1] in "({":
                depth += 1
            elif self.tokens[j][0] == "punct" and self.tokens[j][1] in ")}":
                depth -= 1
                if depth == 0:
                    return j
        raise ValueError("never closed")

    def annotation(self, i: int) -> tuple[_Attribute, int]:
        _, text, start, end = self.tokens[i]
        name, line = self.parser.resolve(text[1:]), self.parser.line_of(start)
        if not self.is_punct(i + 1, "("):
            return _Attribute(name, [], {}, [], {}, -1, end, line, annotation=True), i + 1
        close = self.closing(i + 1)
        found = _Attribute(name, [], {}, [], {}, self.tokens[i + 1][2], self.tokens[close][2], line, annotation=True)
        j = i + 2
        while j < close:
            after = self.end_of_value(j, close)
            if after > j:
                found.spans.append((self.tokens[j][2], self.tokens[after - 1][3]))
            if self.tokens[j][0] == "name" and (self.is_punct(j + 1, "=") or self.is_punct(j + 1, ":")):
                found.named[self.tokens[j][1]] = self.value(j + 2, after)
                if after > j + 2:
                    found.values[self.tokens[j][1]] = (self.tokens[j + 2][2], self.tokens[after - 1][3])
            else:
                found.arguments.append(self.value(j, after))
            j = after + 1
        return found, close + 1

    def end_of_value(self, i: int, end: int) -> int:
        while i < end and not self.is_punct(i, ","):
            i = self.closing(i) + 1 if self.is_punct(i, "(") or self.is_punct(i, "{") else i + 1
        return i

    def value(self, i: int, end: int) -> object:
        if i >= end:
            return None
        kind, text, _, _ = self.tokens[i]
        if kind == "name" and text.startswith("@"):
            return self.annotation(i)[0]
        if self.is_punct(i, "{") and self.closing(i) == end - 1:
            return self.array(i)
        if end - i != 1:
            return None
        if kind == "string":
            return text[1:-1].replace('""', '"')
        if kind == "number":
            return float(text) if "." in text else int(text)
        if kind == "name":
            return {"true": True, "false": False, "null": None}.get(text.lower(), _Name(text))
        return None

    def array(self, i: int) -> _Array:
        close = self.closing(i)
        found = _Array({}, [], {}, self.tokens[i][2], self.tokens[close][3])
        j, index = i + 1, 0
        while j < close:
            after = self.end_of_value(j, close)
            if after > j:
                found.spans.append((self.tokens[j][2], self.tokens[after - 1][3]))
                kind, text = self.tokens[j][0], self.tokens[j][1]
                if after > j + 2 and (self.is_punct(j + 1, "=") or self.is_punct(j + 1, ":")):
                    key = text[1:-1].replace('""', '"') if kind == "string" else text
                    found.entries[key] = self.value(j + 2, after)
                    found.values[key] = (self.tokens[j + 2][2], self.tokens[after - 1][3])
                    found.colon = self.is_punct(j + 1, ":")
                else:
                    found.entries[index] = self.value(j, after)
                    index += 1
            j = after + 1
        return found


def annotation_string(value: str) -> str:
    """A string of a docblock's annotation: in double quotes, doubled within, on one line."""
    return '"' + " ".join(value.split("\n")).replace('"', '""') + '"'


def _phpdoc(comment: str) -> str | None:
    """A PHPDoc comment's text, without its stars and its tags (``@var``, ``@ORM\\…``)."""
    lines = [re.sub(r"^\s*\*? ?", "", line).strip() for line in comment[3:-2].splitlines()]
    tags = next((i for i, line in enumerate(lines) if line.startswith("@")), len(lines))
    text = " ".join(lines[:tags])  # the tags (``@ORM\\Column(…)`` over several lines) after
    return re.sub(r"\s+", " ", text).strip() or None


def _unquote(literal: str) -> str:
    body = literal[1:-1]
    if literal[0] == "'":
        return re.sub(r"\\([\\'])", r"\1", body)
    escapes = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "f": "\f", "e": "\x1b", "0": "\0", "$": "$", '"': '"'}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), "\\" if m.group(1) == "\\" else m.group(0)), body)


def php_string(value: str) -> str:
    """A PHP string literal of ``value``: single-quoted (Symfony's style), where only ``\\`` and
    ``'`` are escaped and a line end is itself."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


@dataclass
class _Name:
    name: str  # a constant or a class (``Customer::class``, ``Types::STRING``), as written


@dataclass
class _Array:
    entries: dict[object, object]  # keys: strings, numbers; positional items by their index
    spans: list[tuple[int, int]]
    values: dict[object, tuple[int, int]]
    start: int  # the ``[``
    end: int  # just after the ``]``
    colon: bool = False  # a docblock's array written {"key": value}


@dataclass
class _Attribute:
    name: str  # its class, in full (``Doctrine\ORM\Mapping\Column``), as ``use`` imports it
    arguments: list[object]  # positional
    named: dict[str, object]
    spans: list[tuple[int, int]]  # every argument's
    values: dict[str, tuple[int, int]]  # a named argument's value's span
    open: int  # the ``(``; -1 without parentheses
    close: int  # the ``)``; else the end of the name
    line: int
    annotation: bool = False  # a docblock's ``@ORM\Column(…)``, not an attribute

    @property
    def short(self) -> str:
        return self.name.rpartition("\\")[2]

    def is_mapping(self, *names: str) -> bool:
        return self.name.rpartition("\\")[0] == MAPPING and self.short in names


class _Parser:
    def __init__(self, path: Path, text: str) -> None:
        self.path, self.text = path, text
        self.tokens = _lex(text)
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.namespace = ""
        self.uses: dict[str, str] = {}  # alias -> full name
        self.enums: dict[str, list[object]] = {}
        # a class: its name, its token, its attributes, its PHPDoc, its body's braces
        self.classes: list[tuple[str, int, list[_Attribute], str | None, int, int]] = []

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def is_punct(self, i: int, *texts: str) -> bool:
        return i < len(self.tokens) and self.tokens[i].kind == "punct" and self.tokens[i].text in texts

    def closing(self, i: int) -> int:
        pairs = {"(": ")", "[": "]", "{": "}", "#[": "]"}
        stack = []
        for j in range(i, len(self.tokens)):
            t = self.tokens[j]
            if t.kind != "punct":
                continue
            if t.text in pairs:
                stack.append(pairs[t.text])
            elif t.text in (")", "]", "}"):
                if not stack or stack.pop() != t.text:
                    raise ModelsError(f"unbalanced {t.text!r} at line {self.line_of(t.start)}")
                if not stack:
                    return j
        raise ModelsError(f"{self.tokens[i].text!r} at line {self.line_of(self.tokens[i].start)} is never closed")

    def resolve(self, name: str) -> str:
        """A class's full name, as ``use`` and the namespace make it."""
        if name.startswith("\\"):
            return name[1:]
        head, _, rest = name.partition("\\")
        if head in self.uses:
            return self.uses[head] + (f"\\{rest}" if rest else "")
        return f"{self.namespace}\\{name}" if self.namespace else name

    def read(self) -> None:
        tokens = self.tokens
        attributes: list[_Attribute] = []
        doc: str | None = None
        i = 0
        while i < len(tokens):
            t = tokens[i]
            if t.kind == "name" and t.text == "namespace" and i + 1 < len(tokens):
                self.namespace = tokens[i + 1].text.lstrip("\\")
                i += 2
            elif t.kind == "name" and t.text == "use" and not attributes:
                i = self._use(i + 1)
            elif self.is_punct(i, "#["):
                doc = doc or t.doc
                found, i = self._attribute_group(i)
                attributes += found
            elif t.kind == "name" and t.text == "enum" and i + 1 < len(tokens) and tokens[i + 1].kind == "name":
                j = i + 2
                while j < len(tokens) and not self.is_punct(j, "{"):
                    j += 1
                close = self.closing(j)
                self._enum(tokens[i + 1].text, j, close)
                attributes, doc = [], None
                i = close + 1
            elif t.kind == "name" and t.text == "class" and i + 1 < len(tokens) and tokens[i + 1].kind == "name":
                j = i + 2
                while j < len(tokens) and not self.is_punct(j, "{"):
                    j += 1
                if j >= len(tokens):
                    break
                close = self.closing(j)
                attributes += self._annotations(t)
                self.classes.append((tokens[i + 1].text, i + 1, attributes, doc or t.doc, j, close))
                attributes, doc = [], None
                i = close + 1
            else:
                if t.kind == "name" and t.text in ("final", "abstract", "readonly"):
                    doc = doc or t.doc
                    attributes += self._annotations(t)
                else:
                    attributes, doc = [], None
                i = self.closing(i) + 1 if self.is_punct(i, "(", "[", "{") else i + 1

    def _use(self, i: int) -> int:
        tokens = self.tokens
        j = i
        while j < len(tokens) and not self.is_punct(j, ";"):
            j += 1
        words = [t.text for t in tokens[i:j]]
        if words and words[0] not in ("function", "const") and "{" not in words:
            name = words[0].lstrip("\\")
            alias = words[2] if len(words) == 3 and words[1].lower() == "as" else name.rpartition("\\")[2]
            self.uses[alias] = name
        return j + 1

    def _enum(self, name: str, open_: int, close: int) -> None:
        values: list[object] = []
        tokens = self.tokens
        for j in range(open_ + 1, close):
            if tokens[j].text == "case" and self.is_punct(j + 2, "=") and j + 3 < close:
                value = self.literal(j + 3, j + 4)
                if isinstance(value, str | int | float):
                    values.append(value)
        self.enums[name] = values

    def _attributes(self, i: int, close: int) -> Iterator[_Attribute]:
        """The attributes of one ``#[…]``: ``#[ORM\\Id, ORM\\Column(type: 'integer')]``."""
        tokens = self.tokens
        while i < close:
            if tokens[i].kind != "name":
                i += 1
                continue
            name = self.resolve(tokens[i].text)
            line = self.line_of(tokens[i].start)
            if self.is_punct(i + 1, "("):
                end = self.closing(i + 1)
                attribute = _Attribute(name, [], {}, [], {}, tokens[i + 1].start, tokens[end].start, line)
                self._arguments(attribute, i + 2, end)
                i = end + 1
            else:
                attribute = _Attribute(name, [], {}, [], {}, -1, tokens[i].end, line)
                i += 1
            yield attribute

    def _attribute_group(self, i: int) -> tuple[list[_Attribute], int]:
        """The annotations of the docblock before the ``#[`` at ``i``, the attributes it holds, and
        the index after its ``]``."""
        close = self.closing(i)
        return [*self._annotations(self.tokens[i]), *self._attributes(i + 1, close)], close + 1

    def _annotations(self, token: _Token) -> list[_Attribute]:
        """The annotations of the docblock before a token (``@ORM\\Column(type="string")``)."""
        if token.block is None:
            return []
        try:
            return _Annotations(self, *token.block).read()
        except (IndexError, ValueError):
            raise ModelsError(f"unreadable annotation at line {self.line_of(token.block[0])}") from None

    def _arguments(self, attribute: _Attribute, i: int, end: int) -> None:
        tokens = self.tokens
        while i < end:
            after = self._end_of_value(i, end)
            if after > i:
                attribute.spans.append((tokens[i].start, tokens[after - 1].end))
            if tokens[i].kind == "name" and self.is_punct(i + 1, ":") and not self.is_punct(i + 1, "::"):
                attribute.named[tokens[i].text] = self.literal(i + 2, after)
                if after > i + 2:
                    attribute.values[tokens[i].text] = (tokens[i + 2].start, tokens[after - 1].end)
            else:
                attribute.arguments.append(self.literal(i, after))
            i = after + 1

    def _end_of_value(self, i: int, end: int) -> int:
        while i < end and not self.is_punct(i, ","):
            i = self.closing(i) + 1 if self.is_punct(i, "(", "[", "{") else i + 1
        return i

    def literal(self, i: int, end: int) -> object:
        tokens = self.tokens
        if i >= end:
            return None
        first = tokens[i]
        if end - i == 1:
            if first.kind == "string":
                return _unquote(first.text) if first.text[0] == "'" or "$" not in first.text else None
            if first.kind == "number":
                text = first.text.replace("_", "")
                return float(text) if re.search(r"[.eE]", text) and not text.startswith("0x") else int(text, 0)
            if first.kind == "name":
                return {"true": True, "false": False, "null": None}.get(first.text.lower(), _Name(first.text))
        if first.text == "-" and end - i == 2 and tokens[i + 1].kind == "number":
            number = self.literal(i + 1, end)
            return -number if isinstance(number, int | float) else None
        if end - i == 3 and first.kind == "name" and self.is_punct(i + 1, "::"):
            return _Name(f"{first.text}::{tokens[i + 2].text}")
        if self.is_punct(i, "[") and self.closing(i) == end - 1:
            return self.array(i)
        return None

    def array(self, i: int) -> _Array:
        close = self.closing(i)
        found = _Array({}, [], {}, self.tokens[i].start, self.tokens[close].end)
        j, index = i + 1, 0
        while j < close:
            after = self._end_of_value(j, close)
            if after > j:
                found.spans.append((self.tokens[j].start, self.tokens[after - 1].end))
                arrow = next((k for k in range(j, after) if self.is_punct(k, "=>")), None)
                if arrow is None:
                    found.entries[index] = self.literal(j, after)
                    index += 1
                else:
                    key = self.literal(j, arrow)
                    if isinstance(key, str | int):
                        found.entries[key] = self.literal(arrow + 1, after)
                        if after > arrow + 1:
                            found.values[key] = (self.tokens[arrow + 1].start, self.tokens[after - 1].end)
            j = after + 1
        return found

    def members(self, open_: int, close: int) -> Iterator[tuple[list[_Attribute], str, str, str | None]]:
        """A class body's properties: their attributes, name (without ``$``), type and PHPDoc."""
        tokens = self.tokens
        i = open_ + 1
        attributes: list[_Attribute] = []
        doc: str | None = None
        while i < close:
            t = tokens[i]
            if self.is_punct(i, "#["):
                doc = doc or t.doc
                found, i = self._attribute_group(i)
                attributes += found
                continue
            doc = doc or t.doc
            attributes += self._annotations(t)
            if t.kind == "name" and t.text.lower() == "function":
                while i < close and not self.is_punct(i, "{", ";"):
                    i = self.closing(i) + 1 if self.is_punct(i, "(") else i + 1
                i = self.closing(i) + 1 if self.is_punct(i, "{") else i + 1
                attributes, doc = [], None
                continue
            if t.kind == "name" and t.text.lower() in ("const", "use", "case"):
                while i < close and not self.is_punct(i, ";"):
                    i += 1
                i += 1
                attributes, doc = [], None
                continue
            start = i
            while i < close and tokens[i].kind != "variable" and not self.is_punct(i, ";", "{"):
                i += 1
            if i >= close or tokens[i].kind != "variable":
                i += 1
                attributes, doc = [], None
                continue
            words = [x.text for x in tokens[start:i] if x.text.lower() not in _MODIFIERS]
            name = tokens[i].text[1:]
            while i < close and not self.is_punct(i, ";"):
                i = self.closing(i) + 1 if self.is_punct(i, "(", "[", "{") else i + 1
            yield attributes, name, "".join(words), doc
            attributes, doc = [], None
            i += 1


@dataclass
class EntityColumn(DeclaredColumn):
    mapping: _Attribute | None  # its #[ORM\Column], where the comment goes; None for a join column

    @property
    def writable(self) -> bool:
        return self.mapping is not None


@dataclass
class Entity:
    name: str  # the class's
    line: int
    column_offset: int
    first_line: int  # of its attributes
    table: str
    schema: str | None
    entity: _Attribute | None  # #[ORM\Entity]; None for a mapped superclass
    table_attribute: _Attribute | None  # #[ORM\Table(…)], where its comment goes
    columns: list[EntityColumn]
    comment: str | None
    docstring: str | None

    @property
    def lends_columns(self) -> bool:
        return self.entity is None

    @property
    def label(self) -> str:
        return f"{'entity' if self.entity else 'mapped superclass'} {self.name} ({self.table})"

    def info(self, *, borrow: bool) -> TableInfo:
        comment = MIXIN if self.lends_columns else self.comment or (self.docstring if borrow else None)
        return declared_table(self.schema or "public", self.table, comment, self.columns, DIALECT, borrow=borrow)


@dataclass
class EntitiesFile:
    path: Path
    text: str
    models: list[Entity] = field(default_factory=list)
    table_name: str = "ORM\\Table"  # how the file names Doctrine's Table attribute, as its use statements allow
    orm = "Doctrine"

    def ddl(self, *, borrow: bool = True) -> str:
        return render_ddl([m.info(borrow=borrow) for m in self.models], DIALECT)


def is_entities_path(path: PurePath) -> bool:
    return path.suffix == ".php"


def holds_entities(text: str) -> bool:
    """Whether a PHP text declares Doctrine entities, on its face: it uses Doctrine's mapping and
    has an ``#[…Entity…]`` or ``#[…MappedSuperclass…]`` attribute."""
    return (
        "Doctrine\\ORM\\Mapping" in text
        and re.search(r"(#\[[^\]]*\b|@[\w\\]*\b)(Entity|MappedSuperclass)\b", text) is not None
    )


def _unquoted(name: object) -> object:
    """A table's or column's name without the backticks that ask Doctrine to quote it."""
    return name.strip("`") if isinstance(name, str) else name


def _underscore(name: str) -> str:
    """Symfony's ``underscore_number_aware`` naming: ``createdAt`` is ``created_at``."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _type_name(value: object) -> str | None:
    """``'string'`` or ``Types::STRING`` (``Types::DATETIME_MUTABLE`` is ``datetime``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, _Name) and "::" in value.name:
        return value.name.rpartition("::")[2].lower().removesuffix("_mutable")
    return None


def _sql_type(kind: str, named: dict[str, object]) -> str:
    base = _TYPES.get(kind, kind if re.fullmatch(r"[a-z][a-z0-9 ]*", kind) else "text")
    length, precision, scale = named.get("length"), named.get("precision"), named.get("scale")
    if base == "varchar" and kind in ("string", "ascii_string"):
        base = f"varchar({length if isinstance(length, int) else 255})"
    elif base == "numeric":
        base = f"numeric({precision if isinstance(precision, int) else 10}, {scale if isinstance(scale, int) else 0})"
    return base


def _php_type(annotation: str) -> tuple[str, bool]:
    """A property's PHP type, without ``?`` and ``null``, and whether it allows null."""
    parts = [p for p in annotation.replace("?", "|null|").split("|") if p]
    kept = [p.lstrip("\\") for p in parts if p.lower() != "null"]
    return ("|".join(kept), len(kept) != len(parts))


def read_entities(path: Path, text: str) -> EntitiesFile:
    """The file's entities and mapped superclasses, in the order written. Raises ModelsError for
    a text that cannot be read."""
    parser = _Parser(path, text)
    try:
        parser.read()
        found = EntitiesFile(path, text, table_name=_table_name(parser))
        relations = []
        for name, name_at, attributes, doc, open_, close in parser.classes:
            entity = next((a for a in attributes if a.is_mapping("Entity")), None)
            superclass = next((a for a in attributes if a.is_mapping("MappedSuperclass")), None)
            if entity is None and superclass is None:
                continue
            table_attribute = next((a for a in attributes if a.is_mapping("Table")), None)
            named = table_attribute.named if table_attribute else {}
            options = named.get("options")
            comment = options.entries.get("comment") if isinstance(options, _Array) else None
            table = _unquoted(named.get("name"))
            token = parser.tokens[name_at]
            model = Entity(
                name,
                parser.line_of(token.start),
                token.start - parser.starts[parser.line_of(token.start) - 1],
                min([a.line for a in attributes] + [parser.line_of(token.start)]),
                table if isinstance(table, str) else _underscore(name) if entity else abstract_name(name),
                named.get("schema") if isinstance(named.get("schema"), str) else None,  # type: ignore[arg-type]
                entity,
                table_attribute,
                [],
                comment if isinstance(comment, str) else None,
                doc,
            )
            uniques = _uniques(attributes)
            for member, prop, annotation, member_doc in parser.members(open_, close):
                column = next((a for a in member if a.is_mapping("Column")), None)
                relation = next((a for a in member if a.is_mapping("ManyToOne", "OneToOne")), None)
                if column is not None:
                    model.columns.append(_column(parser, model, member, column, prop, annotation, member_doc, uniques))
                elif relation is not None:
                    relations.append((model, prop, annotation, relation, member, member_doc))
            found.models.append(model)
        _join_columns(parser, found, relations)
    except ModelsError as error:
        raise ModelsError(f"{path}: {error}") from None
    found.models = [m for m in found.models if m.columns]
    return found


def _table_name(parser: _Parser) -> str:
    """How the file can name Doctrine's ``Table`` attribute: through the alias of the mapping
    namespace (``ORM\\Table``), its own import, or in full."""
    for alias, name in parser.uses.items():
        if name == MAPPING:
            return f"{alias}\\Table"
    for alias, name in parser.uses.items():
        if name == f"{MAPPING}\\Table":
            return alias
    return f"\\{MAPPING}\\Table"


def _uniques(attributes: list[_Attribute]) -> set[str]:
    """The columns a class's ``#[ORM\\UniqueConstraint(columns: [...])]`` makes unique alone."""
    found = set()
    for a in attributes:
        columns = a.named.get("columns")
        if a.is_mapping("UniqueConstraint") and isinstance(columns, _Array) and len(columns.entries) == 1:
            (only,) = columns.entries.values()
            if isinstance(only, str):
                found.add(only)
    return found


def _column(
    parser: _Parser,
    model: Entity,
    member: list[_Attribute],
    mapping: _Attribute,
    prop: str,
    annotation: str,
    doc: str | None,
    uniques: set[str],
) -> EntityColumn:
    named = mapping.named
    php, _ = _php_type(annotation)
    kind = _type_name(named.get("type")) or _type_name(mapping.arguments[0] if mapping.arguments else None)
    enum = named.get("enumType")
    enum_name = enum.name.partition("::")[0] if isinstance(enum, _Name) else php
    values = parser.enums.get(enum_name.rpartition("\\")[2])
    if kind is None:
        if values is not None:
            kind = "integer" if all(isinstance(v, int) for v in values) and values else "string"
        else:
            kind = _PHP_TYPES.get(php, "string")
    column_name = _unquoted(named.get("name"))
    column = column_name if isinstance(column_name, str) else _underscore(prop)
    options = named.get("options")
    entries = options.entries if isinstance(options, _Array) else {}
    comment, default = entries.get("comment"), entries.get("default")
    primary = any(a.is_mapping("Id") for a in member)
    check = in_check(quote(column, DIALECT), values, DIALECT, MAX_VALUES) if values else None
    return EntityColumn(
        prop,
        column,
        _sql_type(kind, named),
        named.get("nullable") is not True,
        primary,
        named.get("unique") is True or column in uniques,
        sql_literal(default, DIALECT) if isinstance(default, str | int | float | bool) else None,
        check,
        None,
        comment if isinstance(comment, str) else None,
        doc,
        mapping,
    )


def _join_columns(
    parser: _Parser,
    found: EntitiesFile,
    relations: list[tuple[Entity, str, str, _Attribute, list[_Attribute], str | None]],
) -> None:
    by_class = {m.name: m for m in found.models}
    for model, prop, annotation, relation, member, doc in relations:
        join = next((a for a in member if a.is_mapping("JoinColumn")), None)
        if relation.short == "OneToOne" and join is None and relation.named.get("mappedBy") is not None:
            continue  # the other side holds the column
        target = relation.named.get("targetEntity")
        target_name = (
            target.name.partition("::")[0] if isinstance(target, _Name) else target if isinstance(target, str) else None
        )
        target_name = (target_name or _php_type(annotation)[0]).rpartition("\\")[2]
        other = by_class.get(target_name)
        key = next((c for c in other.columns if c.primary), None) if other else None
        named = join.named if join else {}
        referenced = named.get("referencedColumnName")
        referenced = referenced if isinstance(referenced, str) else "id"
        column = _unquoted(named.get("name"))
        column = column if isinstance(column, str) else f"{_underscore(prop)}_id"
        if any(c.column == column for c in model.columns):
            continue
        model.columns.append(
            EntityColumn(
                prop,
                column,
                key.data_type if key is not None and key.column == referenced else "integer",
                named.get("nullable") is False,
                False,
                relation.short == "OneToOne",
                None,
                None,
                (other.table if other else _underscore(target_name), referenced),
                key.comment if key is not None and key.column == referenced else None,  # Doctrine copies it there
                doc,
                None,
            )
        )


def plan_entities(entities: EntitiesFile, *, overwrite: bool = False, check: bool = False) -> FilePlan:
    """The entities read as a file of PostgreSQL DDL, with the requests they need (for ``--check``
    without what the authors' PHPDoc lends); a relation's join column is never asked for."""
    return plan_declared(entities, REASON, overwrite=overwrite, check=check)


def _comment_edits(source: Source, mapping: _Attribute, comment: str) -> list[TextEdit]:
    """The edits that give an attribute ``options: ['comment' => '…']``: an entry of its options
    array (its value replaced where there is one), else a named argument after the others (and
    the parentheses an attribute without arguments lacks)."""
    if mapping.annotation:
        return _annotation_edits(mapping, comment)
    literal = php_string(comment)
    options = mapping.named.get("options")
    if isinstance(options, _Array):
        if "comment" in options.values:
            return [TextEdit(*options.values["comment"], literal)]
        entry = f"'comment' => {literal}"
        return item_edits(source, options.start, options.end - 1, options.spans, entry, 10_000, comment="//")
    argument = f"options: ['comment' => {literal}]"
    if mapping.open < 0:
        return [TextEdit(mapping.close, mapping.close, f"({argument})")]
    return item_edits(source, mapping.open, mapping.close, mapping.spans, argument, 10_000, comment="//")


def _annotation_edits(mapping: _Attribute, comment: str) -> list[TextEdit]:
    """The same in a docblock's annotation: ``options={"comment"="…"}``, on the lines it has."""
    literal = annotation_string(comment)
    options = mapping.named.get("options")
    if isinstance(options, _Array):
        if "comment" in options.values:
            return [TextEdit(*options.values["comment"], literal)]
        at = options.spans[-1][1] if options.spans else options.start + 1
        colon = options.colon  # the array's own style: {"a": 1} rather than {"a"=1}
        entry = f'"comment": {literal}' if colon else f'"comment"={literal}'
        return [TextEdit(at, at, f"{', ' if options.spans else ''}{entry}")]
    argument = f'options={{"comment"={literal}}}'
    if mapping.open < 0:
        return [TextEdit(mapping.close, mapping.close, f"({argument})")]
    at = mapping.spans[-1][1] if mapping.spans else mapping.open + 1
    return [TextEdit(at, at, f"{', ' if mapping.spans else ''}{argument}")]


def _table_edits(source: Source, entities: EntitiesFile, model: Entity, comment: str) -> list[TextEdit]:
    """A comment in the class's ``#[ORM\\Table(…)]``, or a new ``#[ORM\\Table]`` line under its
    ``#[ORM\\Entity]``, named as the file names Doctrine's attributes."""
    if model.table_attribute is not None:
        return _comment_edits(source, model.table_attribute, comment)
    assert model.entity is not None
    line = model.entity.line
    if model.entity.annotation:  # a line of the docblock, else beside a one-line docblock's
        table = f'@{entities.table_name}(options={{"comment"={annotation_string(comment)}}})'
        start, end = source.starts[line - 1], source.line_end(line)
        if "*/" in source.text[model.entity.close : end]:
            after = model.entity.close + (1 if model.entity.open >= 0 else 0)
            return [TextEdit(after, after, f" {table}")]
        prefix = re.match(r"[ \t]*\*?[ \t]*", source.text[start:end])
        at, newline = source.after_line(line)
        return [TextEdit(at, at, f"{newline}{prefix.group() if prefix else ' * '}{table}{source.newline}")]
    at, newline = source.after_line(line)
    indent = source.indentation(line)
    attribute = f"#[{entities.table_name}(options: ['comment' => {php_string(comment)}])]"
    return [TextEdit(at, at, f"{newline}{indent}{attribute}{source.newline}")]


def edit_entities(entities: EntitiesFile, planned: list[Planned[Entity]]) -> tuple[str, list[str]]:
    source = Source(entities.text)
    edits: list[TextEdit] = []
    expected: dict[tuple[str, str | None], str] = {}
    for plan in planned:
        model = plan.model
        if plan.description is not None and model.entity is not None:
            edits += _table_edits(source, entities, model, plan.description)
            expected[(model.name, None)] = plan.description
        for column in model.columns:
            text = plan.columns.get(column.column)
            if text is None or column.mapping is None:
                continue
            edits += _comment_edits(source, column.mapping, text)
            expected[(model.name, column.column)] = text
    new = edited_text(
        entities.path,
        entities.text,
        edits,
        lambda again: read_entities(entities.path, again).models,
        planned,
        expected,
        lambda m: m.label,
    )
    return new, []


def record_entities(entities: EntitiesFile, outcome: FileOutcome, *, overwrite: bool = False) -> EditedSources:
    return record_edit(
        entities.path,
        entities.text,
        entities.models,
        outcome,
        lambda planned: edit_entities(entities, planned),
        overwrite=overwrite,
        lent_by="PHPDoc comments",
        next_step=NEXT_STEP,
    )
