"""TypeORM's entities (``*.entity.ts``), documented the way TypeORM keeps a database's
documentation: ``comment`` in an entity's ``@Entity({ … })`` and in each column decorator's
options (``@Column({ comment: "…" })``), which ``synchronize`` or ``typeorm migration:generate``
carries into the database. MikroORM's (``@mikro-orm/core``'s ``@Entity``, ``@Property``,
``@PrimaryKey``, ``@Enum``, relations) are the same shape and read by the same reader, with
MikroORM's names (``full_name``, ``author_id``) and types; its relations keep a comment too.
sequelize-typescript's models (``@Table``, ``@Column`` and the decorators beside it) too, with
Sequelize's names (a model's plural table) and DataTypes, and what Sequelize adds of its own
(``id``, ``createdAt``, ``updatedAt``) shown but not asked for.

The TypeScript is read, never run, by a small lexer that knows its strings, comments, template
and regular-expression literals: each class decorated with TypeORM's ``@Entity`` (as imported
from ``typeorm``), its column decorators with their options as literals (``{ type: "varchar",
length: 80, nullable: true }``), the property's type where no type is given (``string`` is a
``varchar``, as TypeORM's PostgreSQL driver makes it), the join column a ``@ManyToOne`` or an
owning ``@OneToOne`` adds (``customerId``, TypeORM's default naming), the file's TypeScript enums
as the values a column holds, and an abstract class's columns, documented as a mixin's. A
relation's join column is shown to the model but not asked for: TypeORM has no comment on a
relation. The JSDoc comment the authors wrote above a property or a class stands for its comment
until one is written.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

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
    sql_literal,
)
from sqlscribe.python_source import (
    plan_entities as plan_declared,
)
from sqlscribe.python_source import record_edit as record_file_edit

DIALECT = "postgres"
REASON = "the PostgreSQL types TypeORM gives the entities' columns"
NEXT_STEP = "run `typeorm migration:generate` (or let `synchronize` run) to carry the comments into the database"
MIKRO_REASON = "the PostgreSQL types MikroORM gives the entities' columns"
SEQUELIZE_REASON = "the PostgreSQL types Sequelize gives the models' DataTypes"
SEQUELIZE_NEXT_STEP = (
    "sequelize.sync() writes the comments into a new database; an existing one takes them from a migration"
)
MIKRO_NEXT_STEP = "run `npx mikro-orm migration:create` (or schema:update) to carry the comments into the database"
MIXIN = "Base class: the entities that extend it inherit its columns."
TABLE_COMMENT = "no entity comment"
MAX_VALUES = 24  # an enum's values shown as a CHECK, up to so many
DEFAULT_PRINT_WIDTH = 80  # Prettier's

# TypeORM's column types (``@Column("…")``, ``type: "…"``) as PostgreSQL names them
_TYPES = {
    "int": "integer",
    "int4": "integer",
    "integer": "integer",
    "int2": "smallint",
    "smallint": "smallint",
    "int8": "bigint",
    "bigint": "bigint",
    "decimal": "numeric",
    "numeric": "numeric",
    "float": "double precision",
    "float8": "double precision",
    "double precision": "double precision",
    "float4": "real",
    "real": "real",
    "varchar": "varchar",
    "character varying": "varchar",
    "char": "char",
    "character": "char",
    "text": "text",
    "citext": "citext",
    "uuid": "uuid",
    "bool": "boolean",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamp",
    "timestamp without time zone": "timestamp",
    "timestamptz": "timestamp with time zone",
    "timestamp with time zone": "timestamp with time zone",
    "time": "time",
    "timetz": "time with time zone",
    "interval": "interval",
    "json": "json",
    "jsonb": "jsonb",
    "simple-json": "text",
    "simple-array": "text",
    "enum": "varchar",
    "simple-enum": "varchar",
    "bytea": "bytea",
    "inet": "inet",
    "cidr": "cidr",
    "macaddr": "macaddr",
    "money": "money",
    "xml": "xml",
    "tsvector": "tsvector",
    "point": "point",
    "geometry": "geometry",
    "geography": "geography",
    "hstore": "hstore",
    "ltree": "ltree",
    "bit": "bit",
    "varbit": "varbit",
    "bit varying": "varbit",
    "int4range": "int4range",
    "int8range": "int8range",
    "numrange": "numrange",
    "tsrange": "tsrange",
    "tstzrange": "tstzrange",
    "daterange": "daterange",
    "vector": "vector",
}
# A property's TypeScript type, where the decorator names none (emitDecoratorMetadata's)
_DESIGN_TYPES = {"string": "varchar", "number": "integer", "boolean": "boolean", "Date": "timestamp", "Buffer": "bytea"}
_DATE_COLUMNS = {"CreateDateColumn", "UpdateDateColumn", "DeleteDateColumn"}
_COLUMNS = {"Column", "PrimaryColumn", "PrimaryGeneratedColumn", "VersionColumn", *_DATE_COLUMNS}
_RELATIONS = {"ManyToOne", "OneToOne"}
_MODIFIERS = {"public", "private", "protected", "readonly", "static", "declare", "override", "abstract", "accessor"}


# ---------------------------------------------------------------------------------------------
# The lexer


@dataclass(frozen=True)
class _Token:
    kind: str  # name, string, template, number, regex, punct
    text: str
    start: int
    end: int
    newline: bool  # a line ends between the token before and this one
    doc: str | None  # the JSDoc comment (``/** … */``) just before it


_LEX = re.compile(
    r"""(?P<space>\s+)
    |(?P<comment>//[^\n]*|/\*.*?\*/)
    |(?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    |(?P<template>`(?:[^`\\]|\\.)*`)
    |(?P<number>0[xXbBoO][\da-fA-F_]+n?|\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?n?|\.\d+)
    |(?P<name>[A-Za-z_$#][\w$]*)
    |(?P<punct>=>|\.\.\.|\?\.|\?\?|[{}()\[\];,:.?!@=<>|&*+\-/%^~])
    """,
    re.VERBOSE | re.DOTALL,
)
_REGEX = re.compile(r"/(?:[^/\\\n\[]|\\.|\[(?:[^\]\\\n]|\\.)*\])+/[a-z]*")
# after these a ``/`` begins a regular expression, not a division
_BEFORE_REGEX = set("(,=:[!&|?{};") | {"=>", "return", "typeof", "case"}


def _lex(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    at, newline, doc = 0, False, None
    while at < len(text):
        if (
            text[at] == "/"
            and (not tokens or tokens[-1].text in _BEFORE_REGEX)
            and text[at : at + 2] not in ("//", "/*")
        ):
            regex = _REGEX.match(text, at)
            if regex is not None:
                tokens.append(_Token("regex", regex.group(), at, regex.end(), newline, doc))
                at, newline, doc = regex.end(), False, None
                continue
        match = _LEX.match(text, at)
        if match is None:
            raise ModelsError(f"unreadable text at line {text.count(chr(10), 0, at) + 1}")
        kind, value = match.lastgroup or "", match.group()
        if kind == "space":
            newline = newline or "\n" in value
        elif kind == "comment":
            newline = newline or "\n" in value
            if value.startswith("/**") and value != "/**/":
                doc = _jsdoc(value)
        else:
            tokens.append(_Token(kind, value, at, match.end(), newline, doc))
            newline, doc = False, None
        at = match.end()
    return tokens


def _jsdoc(comment: str) -> str | None:
    """A JSDoc comment's text, without its stars and its tags (``@deprecated``)."""
    lines = [re.sub(r"^\s*\*? ?", "", line) for line in comment[3:-2].splitlines()]
    text = " ".join(line.strip() for line in lines if not line.strip().startswith("@")).strip()
    return re.sub(r"\s+", " ", text) or None


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _unquote(literal: str) -> str:
    def unescape(match: re.Match[str]) -> str:
        escaped = match.group(1)
        if escaped[0] in "ux" and len(escaped) > 1:
            return chr(int(escaped[1:].strip("{}"), 16))
        if escaped[0] in "\r\n":
            return ""  # a line continued
        return _ESCAPES.get(escaped, escaped)

    return re.sub(
        r"\\(u\{[\da-fA-F]+\}|u[\da-fA-F]{4}|x[\da-fA-F]{2}|\r\n|.)", unescape, literal[1:-1], flags=re.DOTALL
    )


def ts_string(value: str, quote_char: str = '"') -> str:
    """A TypeScript string literal of ``value``, in the file's quotes (the other ones where the
    text holds more of these, as Prettier chooses)."""
    other = "'" if quote_char == '"' else '"'
    if value.count(quote_char) > value.count(other):
        quote_char = other
    body = json.dumps(value, ensure_ascii=False)[1:-1].replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    if quote_char == "'":
        body = body.replace('\\"', '"').replace("'", "\\'")
    return f"{quote_char}{body}{quote_char}"


# ---------------------------------------------------------------------------------------------
# Literals of decorators' arguments


@dataclass
class _Name:
    """An identifier or a dotted name (``OrderStatus``, ``OrderStatus.Paid``)."""

    name: str


@dataclass
class _Arrow:
    """An arrow function: its body, read as a literal (``() => "now()"``, ``() => Customer``)."""

    body: object


@dataclass
class _Object:
    entries: dict[str, object]
    spans: list[tuple[int, int]]  # each entry's (spreads' too), in order
    values: dict[str, tuple[int, int]]  # each keyed entry's value's span
    start: int  # the ``{``
    end: int  # just after the ``}``


@dataclass
class _Expression:
    text: str


_OPENING = {"(": ")", "[": "]", "{": "}"}


class _Reader:
    def __init__(self, text: str, tokens: list[_Token]) -> None:
        self.text, self.tokens = text, tokens
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]  # each line's offset

    def closing(self, i: int) -> int:
        """The index of the bracket that closes the one at ``i``."""
        stack = []
        for j in range(i, len(self.tokens)):
            t = self.tokens[j].text
            if self.tokens[j].kind != "punct":
                continue
            if t in _OPENING:
                stack.append(_OPENING[t])
            elif t in (")", "]", "}"):
                if not stack or stack.pop() != t:
                    raise ModelsError(f"unbalanced {t!r} at line {self.line(j)}")
                if not stack:
                    return j
        raise ModelsError(f"{self.tokens[i].text!r} at line {self.line(i)} is never closed")

    def line(self, i: int) -> int:
        return self.line_of(self.tokens[min(i, len(self.tokens) - 1)].start)

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def is_punct(self, i: int, *texts: str) -> bool:
        return i < len(self.tokens) and self.tokens[i].kind == "punct" and self.tokens[i].text in texts

    def value(self, i: int, stop: int) -> tuple[object, int]:
        """The literal starting at ``i`` (before ``stop``) up to the next ``,`` or the end; and
        the index after it."""
        end = i
        while end < stop and not self.is_punct(end, ","):
            end = self.closing(end) + 1 if self.is_punct(end, "(", "[", "{") else end + 1
        return self.literal(i, end), end

    def literal(self, i: int, end: int) -> object:
        tokens = self.tokens
        if i >= end:
            return None
        arrow = next((j for j in range(i, end) if self.is_punct(j, "=>") and self._depth0(i, j)), None)
        if arrow is not None:
            return _Arrow(self.literal(arrow + 1, end))
        first = tokens[i]
        if end - i == 1:
            if first.kind == "string":
                return _unquote(first.text)
            if first.kind == "template" and "${" not in first.text:
                return first.text[1:-1]
            if first.kind == "number":
                return _number(first.text)
            if first.kind == "name":
                return {"true": True, "false": False, "null": None, "undefined": None}.get(
                    first.text, _Name(first.text)
                )
        if first.text == "-" and end - i == 2 and tokens[i + 1].kind == "number":
            number = _number(tokens[i + 1].text)
            return -number if number is not None else None
        if self.is_punct(i, "{") and self.closing(i) == end - 1:
            return self.object(i)
        if self.is_punct(i, "[") and self.closing(i) == end - 1:
            return self.items(i + 1, end - 1)
        if self.is_punct(i, "(") and self.closing(i) == end - 1:
            return self.literal(i + 1, end - 1)
        if all(t.kind == "name" or t.text == "." for t in tokens[i:end]):
            return _Name("".join(t.text for t in tokens[i:end]))
        if end - i > 2 and tokens[end - 2].kind == "name" and tokens[end - 2].text == "as":
            return self.literal(i, end - 2)  # ["a", "b"] as const
        return _Expression(self.text[first.start : tokens[end - 1].end])

    def _depth0(self, i: int, j: int) -> bool:
        depth = 0
        for t in self.tokens[i:j]:
            if t.kind == "punct" and t.text in _OPENING:
                depth += 1
            elif t.kind == "punct" and t.text in (")", "]", "}"):
                depth -= 1
        return depth == 0

    def items(self, i: int, end: int) -> list[object]:
        found = []
        while i < end:
            value, i = self.value(i, end)
            found.append(value)
            i += 1  # the comma
        return found

    def spans(self, i: int, end: int) -> list[tuple[int, int]]:
        """The text spans of the items between ``i`` and ``end`` (a list's, a call's arguments)."""
        found = []
        while i < end:
            _, after = self.value(i, end)
            if after > i:
                found.append((self.tokens[i].start, self.tokens[after - 1].end))
            i = after + 1
        return found

    def object(self, i: int) -> _Object:
        close = self.closing(i)
        found = _Object({}, [], {}, self.tokens[i].start, self.tokens[close].end)
        j = i + 1
        while j < close:
            start = j
            key: str | None = None
            if self.is_punct(j, "..."):
                _, j = self.value(j + 1, close)
            else:
                t = self.tokens[j]
                key = _unquote(t.text) if t.kind == "string" else t.text
                if self.is_punct(j + 1, ":"):
                    value, after = self.value(j + 2, close)
                    found.entries[key] = value
                    if after > j + 2:
                        found.values[key] = (self.tokens[j + 2].start, self.tokens[after - 1].end)
                    j = after
                else:
                    value, j = self.value(j, close)  # a shorthand or a method
                    found.entries[key] = _Expression(key)
            if j > start:
                found.spans.append((self.tokens[start].start, self.tokens[j - 1].end))
            j += 1
        return found


def _number(text: str) -> int | float | None:
    text = text.replace("_", "").rstrip("n")
    try:
        return int(text, 0) if re.fullmatch(r"0[xXbBoO][\da-fA-F]+|\d+", text) else float(text)
    except ValueError:
        return None


@dataclass
class _Decorator:
    name: str  # TypeORM's name for it (an import's alias undone); "" for another's
    origin: str  # the module it is imported from and its name there: "@nestjs/swagger/ApiProperty"
    arguments: list[object]
    spans: list[tuple[int, int]]  # each argument's
    open: int  # the ``(`` (-1 without parentheses)
    close: int  # the ``)``; without parentheses, the end of the name
    line: int


# ---------------------------------------------------------------------------------------------
# The entities


@dataclass
class EntityColumn(DeclaredColumn):
    decorator: _Decorator | None  # where its comment goes; None for a relation's join column

    @property
    def writable(self) -> bool:
        return self.decorator is not None


@dataclass
class Entity:
    name: str  # the class's
    line: int
    column_offset: int
    table: str
    schema: str | None
    decorator: _Decorator | None  # @Entity(…); None for a base class
    columns: list[EntityColumn]
    comment: str | None
    docstring: str | None

    @property
    def lends_columns(self) -> bool:
        return self.decorator is None

    @property
    def label(self) -> str:
        kind = ("model" if self.decorator.name == "Table" else "entity") if self.decorator else "base class"
        return f"{kind} {self.name} ({self.table})"  # a sequelize-typescript @Table's is a model

    @property
    def first_line(self) -> int:
        """Its first line: its ``@Entity(…)``'s (a base class's own)."""
        return min(self.line, self.decorator.line) if self.decorator else self.line

    def info(self, *, borrow: bool) -> TableInfo:
        comment = MIXIN if self.lends_columns else self.comment or (self.docstring if borrow else None)
        return declared_table(self.schema or "public", self.table, comment, self.columns, DIALECT, borrow=borrow)


@dataclass
class EntitiesFile:
    path: Path
    text: str
    models: list[Entity] = field(default_factory=list)
    quote: str = '"'  # the quotes the file's strings are mostly written in
    orm: str = "TypeORM"  # or "MikroORM", as the file imports

    def ddl(self, *, borrow: bool = True) -> str:
        return render_ddl([m.info(borrow=borrow) for m in self.models], DIALECT)

    @property
    def table_comment(self) -> str:
        """What ``--check`` says a table lacks, in the ORM's words."""
        return "no table comment" if self.orm == "Sequelize" else TABLE_COMMENT


def is_entities_path(path: PurePath) -> bool:
    """A TypeScript source (not a declaration file) that is no test's."""
    name = path.name
    return (
        name.endswith((".ts", ".mts", ".cts"))
        and not name.endswith((".d.ts", ".d.mts", ".d.cts"))
        and re.search(r"\.(spec|test)\.[mc]?ts$", name) is None
        and "__tests__" not in path.parts
    )


def _is_orm_module(module: str) -> bool:
    """TypeORM's module, one of MikroORM's (``@mikro-orm/core``, ``@mikro-orm/postgresql``…), or
    sequelize-typescript."""
    return module in ("typeorm", "sequelize-typescript") or module.startswith("@mikro-orm/")


def holds_entities(text: str) -> bool:
    """Whether a TypeScript text declares TypeORM or MikroORM entities, on its face: it imports
    ``typeorm`` or ``@mikro-orm/…`` and decorates something with ``@Entity`` or a column decorator."""
    return (
        re.search(r"""\bfrom\s+["'](typeorm|@mikro-orm/[\w-]+|sequelize-typescript)["']""", text) is not None
        and re.search(
            r"@\s*(\w+\s*\.\s*)?(Entity|Column|PrimaryColumn|PrimaryGeneratedColumn|Property|PrimaryKey|Table)\b", text
        )
        is not None
    )


def _snake(name: str) -> str:
    """TypeORM's table name for a class (its ``snakeCase``)."""
    name = re.sub(r"([A-Z])([A-Z])([a-z])", r"\1_\2\3", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


@functools.lru_cache(maxsize=64)
def _declares_snake_naming(package: Path, stamp: float) -> bool:
    try:
        manifest = json.loads(package.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    sections = ("dependencies", "devDependencies", "peerDependencies")
    return isinstance(manifest, dict) and any(
        isinstance(manifest.get(k), dict) and "typeorm-naming-strategies" in manifest[k] for k in sections
    )


def snake_naming(path: Path) -> bool:
    """Whether the project of a file names TypeORM's columns with typeorm-naming-strategies'
    SnakeNamingStrategy (``createdAt`` is ``created_at``, a relation's ``customer_id``), as a
    project that depends on it does: its nearest ``package.json`` lists it."""
    for folder in path.resolve().parents:
        package = folder / "package.json"
        try:
            stamp = package.stat().st_mtime
        except OSError:
            continue
        return _declares_snake_naming(package, stamp)
    return False


def _camel(name: str) -> str:
    """TypeORM's ``camelCase``: a join column's name from ``customer_id``."""
    return re.sub(r"^([A-Z])|[\s\-_](\w)", lambda m: m.group(2).upper() if m.group(2) else m.group(1).lower(), name)


def _sql_type(kind: str | None, options: dict[str, object], annotation: str) -> str:
    if kind is None:
        base = _DESIGN_TYPES.get(annotation, "text")
    else:
        base = _TYPES.get(kind.lower(), kind.lower() if re.fullmatch(r"[a-z][a-z0-9 ]*", kind.lower()) else "text")
    length, precision, scale = options.get("length"), options.get("precision"), options.get("scale")
    if isinstance(length, str) and length.isdigit():
        length = int(length)
    if base in ("varchar", "char", "bit", "varbit") and isinstance(length, int):
        base = f"{base}({length})"
    elif base == "numeric" and isinstance(precision, int):
        base = f"numeric({precision}, {scale if isinstance(scale, int) else 0})"
    elif base.startswith(("timestamp", "time")) and isinstance(precision, int):
        first, _, zone = base.partition(" ")
        base = f"{first}({precision}) {zone}".strip()
    return f"{base}[]" if options.get("array") is True else base


_STRING_TYPE = re.compile(r"'[^']*'|" + r'"[^"]*"')  # a string literal's type: 'a' | "b"


def _annotation(text: str) -> str:
    """A property's type without ``null`` and ``undefined``; a union of strings is a string."""
    kept = [p.strip() for p in text.split("|") if p.strip() not in ("null", "undefined", "")]
    if kept and all(re.fullmatch(_STRING_TYPE, p) for p in kept):
        return "string"
    return " | ".join(kept)


class _File:
    """A TypeScript file's entities, as its tokens declare them."""

    def __init__(self, path: Path, text: str) -> None:
        self.path, self.text = path, text
        self.tokens = _lex(text)
        self.reader = _Reader(text, self.tokens)
        # local name -> (module, its name there), from ``import { … } from "typeorm"``
        self.names: dict[str, tuple[str, str]] = {}
        self.namespaces: dict[str, str] = {}  # ``import * as orm from "typeorm"``: orm -> typeorm
        self.enums: dict[str, dict[str, object]] = {}
        self.classes: list[tuple[str, int, list[_Decorator], str | None, int, int]] = []  # name, its token, …
        self.bases: dict[str, str] = {}  # a class -> the class it extends ("" for none)
        self.snake_case = False  # TypeORM's columns named by SnakeNamingStrategy (read_entities says)

    def read(self) -> None:
        tokens, reader = self.tokens, self.reader
        decorators: list[_Decorator] = []
        doc: str | None = None
        i = 0
        while i < len(tokens):
            t = tokens[i]
            if t.kind == "name" and t.text == "import" and not reader.is_punct(i + 1, "("):
                i = self._import(i)
            elif t.kind == "name" and t.text == "enum" and i + 2 < len(tokens) and reader.is_punct(i + 2, "{"):
                close = reader.closing(i + 2)
                self._enum(tokens[i + 1].text, i + 3, close)
                i = close + 1
            elif reader.is_punct(i, "@"):
                doc = doc or t.doc
                decorator, i = self._decorator(i)
                decorators.append(decorator)
            elif t.kind == "name" and t.text == "class" and i + 1 < len(tokens) and tokens[i + 1].kind == "name":
                j = i + 2
                self.bases[tokens[i + 1].text] = tokens[j + 1].text if tokens[j].text == "extends" else ""
                angles = 0  # past extends / implements, and their type arguments: Base<{ id: number }>
                while j < len(tokens) and not (angles == 0 and reader.is_punct(j, "{")):
                    angles += reader.is_punct(j, "<") - reader.is_punct(j, ">")
                    j = reader.closing(j) + 1 if reader.is_punct(j, "(", "[", "{") else j + 1
                if j >= len(tokens):
                    break
                close = reader.closing(j)
                self.classes.append((tokens[i + 1].text, i + 1, decorators, doc or t.doc, j, close))
                decorators, doc = [], None
                i = close + 1
            else:
                if t.kind == "name" and t.text in ("export", "default", "abstract", "declare"):
                    doc = doc or t.doc
                else:
                    decorators, doc = [], None
                i = reader.closing(i) + 1 if reader.is_punct(i, "(", "[", "{") else i + 1

    def _import(self, i: int) -> int:
        tokens, reader = self.tokens, self.reader
        j = i + 1
        while j < len(tokens) and not (tokens[j].kind == "string" or reader.is_punct(j, ";")):
            j += 1
        if j >= len(tokens) or tokens[j].kind != "string":
            return j + 1
        module = _unquote(tokens[j].text)
        k = i + 1
        while k < j:
            if reader.is_punct(k, "{"):
                close = reader.closing(k)
                for part in self.text[tokens[k].end : tokens[close].start].split(","):
                    words = part.replace("type ", "").split()
                    if len(words) == 3 and words[1] == "as":
                        self.names[words[2]] = (module, words[0])
                    elif len(words) == 1:
                        self.names[words[0]] = (module, words[0])
                k = close
            elif reader.is_punct(k, "*") and k + 2 < j and tokens[k + 1].text == "as":
                self.namespaces[tokens[k + 2].text] = module
            k += 1
        return j + 1

    def _enum(self, name: str, i: int, close: int) -> None:
        values: dict[str, object] = {}
        following = 0
        for value in self.reader.spans(i, close):
            member, _, given = self.text[value[0] : value[1]].partition("=")
            key = _unquote(member.strip()) if member.strip()[:1] in "'\"" else member.strip()
            if given.strip():
                found = self.reader.literal(*self._range(value))
                values[key] = found
                following = found + 1 if isinstance(found, int) else following
            else:
                values[key] = following
                following += 1
        self.enums[name] = values

    def _range(self, span: tuple[int, int]) -> tuple[int, int]:
        """The tokens of an enum member's value (after its ``=``)."""
        indices = [j for j, t in enumerate(self.tokens) if span[0] <= t.start < span[1]]
        equals = next(j for j in indices if self.reader.is_punct(j, "="))
        return equals + 1, indices[-1] + 1

    def _decorator(self, i: int) -> tuple[_Decorator, int]:
        tokens, reader = self.tokens, self.reader
        j = i + 1
        parts = []
        while j < len(tokens) and tokens[j].kind == "name":
            parts.append(tokens[j].text)
            if not reader.is_punct(j + 1, "."):
                j += 1
                break
            j += 2
        origin = ("", "")
        if len(parts) == 2 and parts[0] in self.namespaces:
            origin = (self.namespaces[parts[0]], parts[1])
        elif len(parts) == 1:
            origin = self.names.get(parts[0], origin)
        name = origin[1] if _is_orm_module(origin[0]) else ""
        if reader.is_punct(j, "("):
            close = reader.closing(j)
            decorator = _Decorator(
                name,
                "/".join(origin),
                reader.items(j + 1, close),
                reader.spans(j + 1, close),
                tokens[j].start,
                tokens[close].start,
                reader.line(i),
            )
            return decorator, close + 1
        return _Decorator(name, "/".join(origin), [], [], -1, tokens[j - 1].end, reader.line(i)), j

    def members(self, open_: int, close: int) -> Iterator[tuple[list[_Decorator], str, str, str | None]]:
        """A class body's properties: their decorators, name, type and JSDoc."""
        tokens, reader = self.tokens, self.reader
        i = open_ + 1
        decorators: list[_Decorator] = []
        doc: str | None = None
        while i < close:
            t = tokens[i]
            if reader.is_punct(i, "@"):
                doc = doc or t.doc
                decorator, i = self._decorator(i)
                decorators.append(decorator)
                continue
            if reader.is_punct(i, ";", ","):
                i += 1
                continue
            doc = doc or t.doc
            while t.kind == "name" and t.text in _MODIFIERS and i + 1 < close and tokens[i + 1].kind == "name":
                i += 1
                t = tokens[i]
            if reader.is_punct(i, "{", "["):  # a static block, an index signature
                i = self._skip_member(reader.closing(i) + 1, close)
                decorators, doc = [], None
                continue
            name = _unquote(t.text) if t.kind == "string" else t.text
            i += 1
            if reader.is_punct(i, "?", "!"):
                i += 1
            if (
                t.kind == "name"
                and t.text in ("get", "set", "async", "constructor")
                and not reader.is_punct(i, ":", "=", ";")
            ):
                i = self._skip_member(i, close)
                decorators, doc = [], None
                continue
            if reader.is_punct(i, "(", "<"):  # a method
                i = self._skip_member(i, close)
                decorators, doc = [], None
                continue
            annotation = ""
            if reader.is_punct(i, ":"):
                start = i + 1
                i = self._end_of(start, close, stop_at_equals=True)
                annotation = self.text[tokens[start].start : tokens[i - 1].end] if i > start else ""
            if reader.is_punct(i, "="):
                start = i + 1
                i = self._end_of(start, close, stop_at_equals=False)
                annotation = annotation or _inferred(tokens[start:i])
            yield decorators, name, annotation, doc
            decorators, doc = [], None

    def _end_of(self, i: int, close: int, *, stop_at_equals: bool) -> int:
        """The index where a type or an initializer that starts at ``i`` ends: a ``;``, the
        class's end, an ``=`` (a type's), or a new line where the text cannot go on."""
        tokens, reader = self.tokens, self.reader
        start = i
        while i < close:
            if reader.is_punct(i, ";") or (stop_at_equals and reader.is_punct(i, "=")):
                return i
            if i > start and tokens[i].newline and not _continues(tokens[i - 1], tokens[i]):
                return i
            i = reader.closing(i) + 1 if reader.is_punct(i, "(", "[", "{") else i + 1
        return i

    def _skip_member(self, i: int, close: int) -> int:
        """Past a method (its parameters, type and body) or a block."""
        tokens, reader = self.tokens, self.reader
        while i < close:
            if reader.is_punct(i, "{"):
                return reader.closing(i) + 1
            if reader.is_punct(i, ";"):
                return i + 1
            if reader.is_punct(i, "(", "["):
                i = reader.closing(i) + 1
                continue
            if i > 0 and tokens[i].newline and reader.is_punct(i - 1, ")") and not reader.is_punct(i, ":", "{", "=>"):
                return i  # an overload's signature
            i += 1
        return i


def _inferred(initializer: list[_Token]) -> str:
    """The type TypeScript infers for a property from its initializer (``= new Date()``,
    ``= 0``, ``= ""``), which ``emitDecoratorMetadata`` records; "" where it is no literal."""
    if not initializer:
        return ""
    first = initializer[0]
    if first.text == "new" and len(initializer) > 1:
        return initializer[1].text
    if len(initializer) == 1:
        if first.kind in ("string", "template"):
            return "string"
        if first.kind == "number":
            return "number"
        if first.text in ("true", "false"):
            return "boolean"
    return ""


def _continues(before: _Token, after: _Token) -> bool:
    """Whether a type or expression goes on over a line end between the two tokens."""
    joining = {"|", "&", ",", "<", "=>", ":", "?", ".", "=", "+", "-", "*", "/", "(", "[", "{", "&&", "||", "??"}
    return (before.kind == "punct" and before.text in joining) or (
        after.kind == "punct" and after.text in {"|", "&", ".", "=>", "?", ")", "]", "}", ">", "+", "*"}
    )


def _options(decorator: _Decorator) -> dict[str, object]:
    last = decorator.arguments[-1] if decorator.arguments else None
    return last.entries if isinstance(last, _Object) else {}


def _values(found: _File, value: object) -> list[object] | None:
    """An ``enum:`` option's values: a TypeScript enum of the file, or a list."""
    if isinstance(value, _Name) and value.name in found.enums:
        return list(found.enums[value.name].values())
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return value
    return None


def _default(found: _File, value: object) -> str | None:
    if isinstance(value, _Arrow):
        return value.body if isinstance(value.body, str) and value.body else None  # () => "now()": SQL itself
    if isinstance(value, _Name) and "." in value.name:
        enum, _, member = value.name.rpartition(".")
        value = found.enums.get(enum, {}).get(member)
    return sql_literal(value, DIALECT) if isinstance(value, str | int | float | bool) else None


def _column(
    found: _File, decorator: _Decorator, prop: str, annotation: str, doc: str | None, generated: object = None
) -> EntityColumn | None:
    """The column a column decorator declares (``generated``: a ``@Generated(…)``'s strategy);
    None for an embedded one (``@Column(() => Address)``)."""
    kind: str | None = None
    args = decorator.arguments
    if args and isinstance(args[0], _Arrow):
        return None
    if args and isinstance(args[0], str):
        kind = args[0]
    options = _options(decorator)
    given = options.get("type")
    if isinstance(given, str):
        kind = given
    elif isinstance(given, _Name):
        kind = {"String": "varchar", "Number": "integer", "Boolean": "boolean", "Date": "timestamp"}.get(given.name)
    design = _annotation(annotation)
    name = options.get("name")
    column = name if isinstance(name, str) and name else _snake(prop) if found.snake_case else prop
    default = _default(found, options.get("default"))
    primary = decorator.name in ("PrimaryColumn", "PrimaryGeneratedColumn") or options.get("primary") is True
    values = _values(found, options.get("enum"))
    if decorator.name == "PrimaryGeneratedColumn":
        strategy = kind or "increment"
        if strategy == "uuid":
            kind, default = "uuid", "uuid_generate_v4()"
        elif strategy in ("increment", "identity", "rowid"):
            kind = given if isinstance(given, str) else "integer"
        else:
            kind = strategy
    elif decorator.name in _DATE_COLUMNS:
        kind = kind or "timestamp"
        default = default or "now()"
    elif decorator.name == "VersionColumn":
        kind = kind or "integer"
    elif generated == "uuid":
        kind, default = kind or "uuid", default or "uuid_generate_v4()"
    elif values is not None and kind is None:
        kind = "enum"
    data_type = _sql_type(kind, options, design)
    nullable = options.get("nullable") is True or decorator.name == "DeleteDateColumn"
    check = None
    if values is not None and kind in ("enum", "simple-enum") and options.get("array") is not True:
        check = in_check(quote(column, DIALECT), values, DIALECT, MAX_VALUES)
    comment = options.get("comment")
    return EntityColumn(  # NOT NULL unless nullable: true, whatever the property's type says, as TypeORM makes it
        prop,
        column,
        data_type,
        not nullable,
        primary,
        options.get("unique") is True,
        default,
        check,
        None,
        comment if isinstance(comment, str) else None,
        doc,
        decorator,
    )


def _target(value: object) -> str | None:
    """A relation's entity: ``() => Customer``, ``type => Customer``, ``"Customer"``."""
    if isinstance(value, _Arrow):
        value = value.body
    if isinstance(value, _Name):
        return value.name.rpartition(".")[2]
    return value if isinstance(value, str) else None


def read_entities(path: Path, text: str) -> EntitiesFile:
    """The file's entities and base classes, in the order written. Raises ModelsError for a text
    the lexer cannot read."""
    try:
        found = _File(path, text)
        found.read()
    except ModelsError as error:
        raise ModelsError(f"{path}: {error}") from None
    strings = [t.text[0] for t in found.tokens if t.kind == "string"]
    result = EntitiesFile(path, text, quote="'" if strings.count("'") > strings.count('"') else '"')
    if any(module.startswith("@mikro-orm/") for module, _ in found.names.values()):
        result.orm = "MikroORM"
        _mikro_entities(found, result)
        return result
    if any(module == "sequelize-typescript" for module, _ in found.names.values()):
        result.orm = "Sequelize"
        _sequelize_models(found, result)
        return result
    found.snake_case = snake_naming(path)
    relations: list[tuple[Entity, str, _Decorator, _Decorator | None, str | None]] = []
    for name, name_at, decorators, doc, open_, close in found.classes:
        entity_decorator = next((d for d in decorators if d.name == "Entity"), None)
        if any(d.name in ("ViewEntity", "ChildEntity") for d in decorators):
            continue
        options = _options(entity_decorator) if entity_decorator else {}
        named = options.get("name")
        table = (
            named
            if isinstance(named, str)
            else next((a for a in (entity_decorator.arguments if entity_decorator else []) if isinstance(a, str)), None)
        )
        schema = options.get("schema")
        comment = options.get("comment")
        token = found.tokens[name_at]
        line = found.reader.line_of(token.start)
        entity = Entity(
            name,
            line,
            token.start - (text.rfind("\n", 0, token.start) + 1),
            str(table) if table else _snake(name) if entity_decorator else abstract_name(name),
            schema if isinstance(schema, str) else None,
            entity_decorator,
            [],
            comment if isinstance(comment, str) else None,
            doc,
        )
        uniques = _class_uniques(decorators)
        for member_decorators, prop, annotation, member_doc in found.members(open_, close):
            by_name = {d.name: d for d in member_decorators}
            member_doc = member_doc or _described(member_decorators)
            column_decorator = next((d for d in member_decorators if d.name in _COLUMNS), None)
            relation = next((d for d in member_decorators if d.name in _RELATIONS), None)
            if column_decorator is not None:
                generated = by_name.get("Generated")
                strategy = generated.arguments[0] if generated and generated.arguments else None
                column = _column(found, column_decorator, prop, annotation, member_doc, strategy)
                if column is None:
                    continue
                index = by_name.get("Index")
                column.unique = (
                    column.unique or (index is not None and _options(index).get("unique") is True) or prop in uniques
                )
                entity.columns.append(column)
            elif relation is not None:
                relations.append((entity, prop, relation, by_name.get("JoinColumn"), member_doc))
        if entity_decorator is not None or entity.columns:
            result.models.append(entity)
    _join_columns(result, relations, found.bases, found.snake_case)
    result.models = [m for m in result.models if m.columns]
    return result


# ---------------------------------------------------------------------------------------------
# MikroORM: the same decorators' shape, its own names and types (its UnderscoreNamingStrategy,
# its PostgreSQL platform), and a comment a relation takes too

_MIKRO_COLUMNS = {"PrimaryKey", "Property", "Enum"}
_MIKRO_RELATIONS = {"ManyToOne", "OneToOne"}
_MIKRO_TYPES = {
    "string": "varchar",
    "text": "text",
    "number": "integer",
    "integer": "integer",
    "int": "integer",
    "smallint": "smallint",
    "tinyint": "smallint",
    "mediumint": "integer",
    "bigint": "bigint",
    "float": "real",
    "double": "double precision",
    "decimal": "numeric",
    "boolean": "boolean",
    "date": "date",
    "datetime": "timestamptz",
    "time": "time",
    "json": "jsonb",
    "uuid": "uuid",
    "blob": "bytea",
    "uint8array": "bytea",
    "interval": "interval",
    "enum": "text",
    "array": "text[]",
}
# a property's TypeScript type, where the decorator names none (reflect-metadata's)
_MIKRO_DESIGN = {"string": "string", "number": "integer", "boolean": "boolean", "Date": "datetime", "bigint": "bigint"}


def _underscore(name: str) -> str:
    """MikroORM's UnderscoreNamingStrategy: ``BookTag`` is ``book_tag``, ``fullName`` ``full_name``."""
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def _mikro_type(options: dict[str, object], annotation: str, values: list[object] | None) -> str:
    column_type = options.get("columnType")
    if isinstance(column_type, str) and column_type.strip():
        return column_type.strip().lower()
    given = options.get("type")
    kind = given if isinstance(given, str) else given.name.rpartition(".")[2] if isinstance(given, _Name) else None
    if kind is None:
        kind = "enum" if values is not None else _MIKRO_DESIGN.get(_annotation(annotation), "text")
    base = _MIKRO_TYPES.get(kind.lower(), kind.lower() if re.fullmatch(r"[a-z][a-z0-9 ]*", kind.lower()) else "text")
    length, precision, scale = options.get("length"), options.get("precision"), options.get("scale")
    if base == "varchar":
        base = f"varchar({length if isinstance(length, int) else 255})"
    elif base == "numeric" and isinstance(precision, int):
        base = f"numeric({precision}, {scale if isinstance(scale, int) else 0})"
    return f"{base}[]" if options.get("array") is True and not base.endswith("[]") else base


def _mikro_column(found: _File, decorator: _Decorator, prop: str, annotation: str, doc: str | None) -> EntityColumn:
    first = decorator.arguments[0] if decorator.arguments else None
    options = _options(decorator)
    items = options.get("items", first if decorator.name == "Enum" and isinstance(first, _Arrow) else None)
    values = _values(found, items.body if isinstance(items, _Arrow) else items) if items is not None else None
    named = options.get("fieldName", options.get("name"))
    column = named if isinstance(named, str) and named else _underscore(prop)
    raw = options.get("defaultRaw")
    default = raw if isinstance(raw, str) and raw else _default(found, options.get("default"))
    comment = options.get("comment")
    check = None
    if values is not None and options.get("array") is not True:
        check = in_check(quote(column, DIALECT), values, DIALECT, MAX_VALUES)
    return EntityColumn(
        prop,
        column,
        _mikro_type(options, annotation, values),
        options.get("nullable") is not True,
        decorator.name == "PrimaryKey" or options.get("primary") is True,
        options.get("unique") is True,
        default,
        check,
        None,
        comment if isinstance(comment, str) else None,
        doc,
        decorator,
    )


def _key(by_class: dict[str, Entity], bases: dict[str, str], name: str) -> EntityColumn | None:
    """A class's primary key column, its own or the one a base class of the file gives it."""
    seen = set()
    while name in by_class and name not in seen:
        seen.add(name)
        key = next((c for c in by_class[name].columns if c.primary), None)
        if key is not None:
            return key
        name = bases.get(name, "")
    return None


def _mikro_entities(found: _File, result: EntitiesFile) -> None:
    """MikroORM's entities (``@Entity({ tableName, comment })``, ``@Property``, ``@PrimaryKey``,
    ``@Enum``), its abstract ones and undecorated bases as mixins, and the join column each
    ``@ManyToOne`` (and owning ``@OneToOne``) adds, whose comment its decorator keeps."""
    relations: list[tuple[Entity, str, _Decorator, str | None]] = []
    for name, name_at, decorators, doc, open_, close in found.classes:
        entity_decorator = next((d for d in decorators if d.name == "Entity"), None)
        options = _options(entity_decorator) if entity_decorator else {}
        if options.get("abstract") is True:
            entity_decorator, options = None, {}
        table = options.get("tableName", options.get("collection"))
        schema, comment = options.get("schema"), options.get("comment")
        token = found.tokens[name_at]
        entity = Entity(
            name,
            found.reader.line_of(token.start),
            token.start - (found.text.rfind("\n", 0, token.start) + 1),
            table if isinstance(table, str) else _underscore(name) if entity_decorator else abstract_name(name),
            schema if isinstance(schema, str) else None,
            entity_decorator,
            [],
            comment if isinstance(comment, str) else None,
            doc,
        )
        uniques = set()
        for d in decorators:
            fields = _options(d).get("properties") if d.name == "Unique" else None
            fields = [fields] if isinstance(fields, str) else fields
            if isinstance(fields, list) and len(fields) == 1 and isinstance(fields[0], str):
                uniques.add(fields[0])
        for member_decorators, prop, annotation, member_doc in found.members(open_, close):
            member_doc = member_doc or _described(member_decorators)
            column_decorator = next((d for d in member_decorators if d.name in _MIKRO_COLUMNS), None)
            relation = next((d for d in member_decorators if d.name in _MIKRO_RELATIONS), None)
            if column_decorator is not None:
                column = _mikro_column(found, column_decorator, prop, annotation, member_doc)
                column.unique = column.unique or prop in uniques
                entity.columns.append(column)
            elif relation is not None:
                relations.append((entity, prop, relation, member_doc))
        if entity_decorator is not None or entity.columns:
            result.models.append(entity)
    by_class = {m.name: m for m in result.models}
    for entity, prop, relation, member_doc in relations:
        options = _options(relation)
        mapped_by = relation.arguments[1] if len(relation.arguments) > 1 else options.get("mappedBy")
        if relation.name == "OneToOne" and options.get("owner") is not True and isinstance(mapped_by, str | _Arrow):
            continue  # the inverse side: the other one holds the column
        first = relation.arguments[0] if relation.arguments else None
        target_name = _target(options.get("entity", first))
        target = by_class.get(target_name or "")
        key = _key(by_class, found.bases, target_name or "")
        referenced = key.column if key else "id"
        named = options.get("fieldName", options.get("joinColumn"))
        join = named if isinstance(named, str) else f"{_underscore(prop)}_{referenced}"
        comment = options.get("comment")
        entity.columns.append(
            EntityColumn(
                prop,
                join,
                "integer" if key is None or key.data_type == "serial" else key.data_type,
                options.get("nullable") is not True,
                options.get("primary") is True,
                relation.name == "OneToOne" or options.get("unique") is True,
                None,
                None,
                (target.table if target else _underscore(target_name or prop), referenced),
                comment if isinstance(comment, str) else None,
                member_doc,
                relation,
            )
        )
    result.models = [m for m in result.models if m.columns]


# ---------------------------------------------------------------------------------------------
# sequelize-typescript: @Table and @Column with Sequelize's names (a model's table is its plural,
# timestamps and an id added unless declared) and DataTypes; modifiers as decorators of their own

_SEQUELIZE_TYPED = {"Column"}
_SEQUELIZE_TYPES = {
    "STRING": "varchar",
    "CHAR": "char",
    "TEXT": "text",
    "CITEXT": "citext",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "SMALLINT": "smallint",
    "MEDIUMINT": "integer",
    "TINYINT": "smallint",
    "FLOAT": "double precision",
    "REAL": "real",
    "DOUBLE": "double precision",
    "DECIMAL": "numeric",
    "NUMBER": "numeric",
    "BOOLEAN": "boolean",
    "DATE": "timestamp with time zone",
    "DATEONLY": "date",
    "TIME": "time",
    "NOW": "timestamp with time zone",
    "UUID": "uuid",
    "UUIDV4": "uuid",
    "JSON": "json",
    "JSONB": "jsonb",
    "BLOB": "bytea",
    "ENUM": "text",
    "INET": "inet",
    "CIDR": "cidr",
    "MACADDR": "macaddr",
    "TSVECTOR": "tsvector",
    "GEOMETRY": "geometry",
    "GEOGRAPHY": "geography",
    "HSTORE": "hstore",
    "RANGE": "tstzrange",
}
_SEQUELIZE_DESIGN = {"string": "STRING", "number": "INTEGER", "boolean": "BOOLEAN", "Date": "DATE", "bigint": "BIGINT"}
_DATA_TYPE = re.compile(r"(?:DataTypes?|Sequelize)\.([A-Z]+)(?:\((.*)\))?(?:\.\w+)*$", re.DOTALL)


def _sequelize_type(expression: str | None, annotation: str) -> tuple[str, list[str] | None]:
    """A DataType's PostgreSQL type (``DataType.STRING(80)`` a ``varchar(80)``), and an
    ENUM's values."""
    found = _DATA_TYPE.match(expression.strip()) if expression else None
    kind = found.group(1) if found else _SEQUELIZE_DESIGN.get(_annotation(annotation), "TEXT")
    arguments = found.group(2) if found and found.group(2) is not None else ""
    if kind == "ARRAY":
        inner, _ = _sequelize_type(arguments, "")
        return f"{inner}[]", None
    base = _SEQUELIZE_TYPES.get(kind, "text")
    numbers = [int(n) for n in re.findall(r"\b\d+\b", arguments)]
    if kind == "ENUM":
        return base, [_unquote(v) for v in re.findall(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", arguments)]
    if base in ("varchar", "char"):
        return f"{base}({numbers[0] if numbers else 255})", None
    if base == "numeric" and numbers:
        return f"numeric({numbers[0]}, {numbers[1] if len(numbers) > 1 else 0})", None
    return base, None


_IRREGULAR_PLURALS = {"person": "people", "man": "men", "woman": "women", "child": "children", "mouse": "mice"}


def _plural(name: str) -> str:
    """Sequelize's table for a model (``Utils.pluralize``): ``Player`` is ``Players``,
    ``Category`` ``Categories``, ``Person`` ``People``."""
    for single, plural in _IRREGULAR_PLURALS.items():
        if name.lower().endswith(single):
            cut = name[: len(name) - len(single)]
            tail = name[len(cut) :]
            return cut + (plural.capitalize() if tail[:1].isupper() else plural)
    if re.search(r"[^aeiou]y$", name):
        return name[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", name):
        return name + "es"
    return name + "s"


def _sequelize_models(found: _File, result: EntitiesFile) -> None:
    """sequelize-typescript's models: ``@Table`` classes, their ``@Column`` properties with the
    decorators beside (``@PrimaryKey``, ``@AllowNull(false)``, ``@Unique``, ``@Default(…)``,
    ``@ForeignKey(() => Team)``), and what Sequelize adds of its own (an ``id`` where no key is
    declared, ``createdAt``/``updatedAt``, a ``@BelongsTo``'s column), shown but not asked for."""
    keys: dict[str, EntityColumn] = {}
    pending: list[tuple[Entity, str, str, bool]] = []  # a model's @BelongsTo without its column
    foreign: list[tuple[EntityColumn, str]] = []
    for name, name_at, decorators, doc, open_, close in found.classes:
        table_decorator = next((d for d in decorators if d.name == "Table"), None)
        if table_decorator is None:
            continue
        options = _options(table_decorator)
        underscored = options.get("underscored") is True
        table = options.get("tableName")
        model_name = options.get("modelName")
        base = model_name if isinstance(model_name, str) else name
        if not isinstance(table, str):
            table = base if options.get("freezeTableName") is True else _plural(base)
        token = found.tokens[name_at]
        comment = options.get("comment")
        entity = Entity(
            name,
            found.reader.line_of(token.start),
            token.start - (found.text.rfind("\n", 0, token.start) + 1),
            table,
            options.get("schema") if isinstance(options.get("schema"), str) else None,  # type: ignore[arg-type]
            table_decorator,
            [],
            comment if isinstance(comment, str) else None,
            doc,
        )
        stamps = {"createdAt": "createdAt", "updatedAt": "updatedAt"}
        for member, prop, annotation, member_doc in found.members(open_, close):
            by_name = {d.name: d for d in member}
            column_decorator = by_name.get("Column")
            for stamp in ("CreatedAt", "UpdatedAt", "DeletedAt"):
                if stamp in by_name:
                    stamps[stamp[0].lower() + stamp[1:]] = prop
            if column_decorator is None:
                belongs = by_name.get("BelongsTo")
                if belongs is not None and belongs.arguments:
                    pending.append((entity, prop, _target(belongs.arguments[0]) or "", underscored))
                continue
            first = column_decorator.arguments[0] if column_decorator.arguments else None
            column_options = _options(column_decorator)
            given = column_options.get("type")
            expression = (
                given.text if isinstance(given, _Expression) else given.name if isinstance(given, _Name) else None
            )
            if expression is None and isinstance(first, _Expression | _Name):
                expression = first.text if isinstance(first, _Expression) else first.name
            data_type, values = _sequelize_type(expression, annotation)
            field_name = column_options.get("field")
            column = field_name if isinstance(field_name, str) else _snake(prop) if underscored else prop
            allow = by_name.get("AllowNull")
            allow_null = column_options.get("allowNull")
            if allow is not None:
                allow_null = allow.arguments[0] if allow.arguments else True
            primary = "PrimaryKey" in by_name or column_options.get("primaryKey") is True
            default = by_name.get("Default")
            default_value = (
                default.arguments[0] if default and default.arguments else column_options.get("defaultValue")
            )
            unique = "Unique" in by_name or column_options.get("unique") is True
            comment_decorator = by_name.get("Comment")
            comment = column_options.get("comment")
            if comment_decorator is not None and comment_decorator.arguments:
                comment = comment_decorator.arguments[0]
            check = in_check(quote(column, DIALECT), values, DIALECT, MAX_VALUES) if values else None
            declared = EntityColumn(
                prop,
                column,
                data_type,
                allow_null is False or primary,
                primary,
                unique,
                _default(found, default_value),
                check,
                None,
                comment if isinstance(comment, str) else None,
                member_doc or _described(member),
                column_decorator,
            )
            entity.columns.append(declared)
            key_of = by_name.get("ForeignKey")
            if key_of is not None and key_of.arguments:
                foreign.append((declared, _target(key_of.arguments[0]) or ""))
        if not any(c.primary for c in entity.columns):
            added = EntityColumn("id", "id", "integer", True, True, False, None, None, None, None, None, None)
            entity.columns.insert(0, added)
        if options.get("timestamps") is not False:
            wanted = ["createdAt", "updatedAt"] + (["deletedAt"] if options.get("paranoid") is True else [])
            for stamp in wanted:
                prop = stamps.get(stamp, stamp)
                column = _snake(prop) if underscored else prop
                if all(c.column != column for c in entity.columns):
                    nullable = stamp == "deletedAt"
                    when = "timestamp with time zone"
                    entity.columns.append(
                        EntityColumn(prop, column, when, not nullable, False, False, None, None, None, None, None, None)
                    )
        keys[name] = next(c for c in entity.columns if c.primary)
        result.models.append(entity)
    by_class = {m.name: m for m in result.models}
    for declared, target in foreign:
        other = by_class.get(target)
        declared.references = (
            other.table if other else _plural(target),
            keys[target].column if target in keys else "id",
        )
    for entity, prop, target, underscored in pending:
        other = by_class.get(target)
        column = f"{prop}_id" if underscored else f"{prop}Id"
        if all(c.column != column for c in entity.columns):
            key = keys.get(target)
            entity.columns.append(
                EntityColumn(
                    prop,
                    column,
                    key.data_type if key else "integer",
                    False,
                    False,
                    False,
                    None,
                    None,
                    (other.table if other else _plural(target), key.column if key else "id"),
                    None,
                    None,
                    None,
                )
            )


# NestJS's OpenAPI decorators, whose description the authors wrote for the property
_DESCRIBING = ("@nestjs/swagger/ApiProperty", "@nestjs/swagger/ApiPropertyOptional")


def _described(decorators: list[_Decorator]) -> str | None:
    """The description of an ``@ApiProperty({ description: "…" })`` among a member's decorators."""
    for d in decorators:
        text = _options(d).get("description") if d.origin in _DESCRIBING else None
        if isinstance(text, str) and text.strip():
            return text.strip()
    return None


def _class_uniques(decorators: list[_Decorator]) -> set[str]:
    """The properties a class's ``@Unique([…])`` or ``@Index([…], { unique: true })`` makes unique alone."""
    found = set()
    for d in decorators:
        fields = next((a for a in d.arguments if isinstance(a, list)), None)
        unique = d.name == "Unique" or (d.name == "Index" and _options(d).get("unique") is True)
        if unique and fields is not None and len(fields) == 1 and isinstance(fields[0], str):
            found.add(fields[0])
    return found


def _join_columns(
    result: EntitiesFile,
    relations: list[tuple[Entity, str, _Decorator, _Decorator | None, str | None]],
    bases: dict[str, str],
    snake_case: bool,
) -> None:
    """The column each ``@ManyToOne`` (and each ``@OneToOne`` with a ``@JoinColumn``) adds, or
    the reference of the column declared for it."""
    by_class = {m.name: m for m in result.models}
    for entity, prop, relation, join, doc in relations:
        if relation.name == "OneToOne" and join is None:
            continue  # the other side holds the column
        target_name = _target(relation.arguments[0]) if relation.arguments else None
        target = by_class.get(target_name or "")
        key = _key(by_class, bases, target_name or "")
        options = _options(join) if join else {}
        if join is not None and join.arguments and isinstance(join.arguments[0], list):
            continue  # a composite key's columns
        referenced = options.get("referencedColumnName")
        referenced = referenced if isinstance(referenced, str) else key.column if key else "id"
        named = options.get("name")
        joined = f"{prop}_{referenced}"
        column = named if isinstance(named, str) else _snake(joined) if snake_case else _camel(joined)
        table = target.table if target else _snake(target_name or prop)
        declared = next((c for c in entity.columns if c.column == column), None)
        if declared is not None:
            declared.references = (table, referenced)
            continue
        data_type = key.data_type if key is not None and key.column == referenced else "integer"
        relation_options = _options(relation)
        entity.columns.append(
            EntityColumn(
                prop,
                column,
                data_type,
                relation_options.get("nullable") is False or relation_options.get("primary") is True,
                relation_options.get("primary") is True,
                relation.name == "OneToOne",
                None,
                None,
                (table, referenced),
                key.comment if key is not None and key.column == referenced else None,  # TypeORM copies it there
                doc,
                None,
            )
        )


def plan_entities(entities: EntitiesFile, *, overwrite: bool = False, check: bool = False) -> FilePlan:
    """The entities read as a file of PostgreSQL DDL, with the requests they need (for ``--check``
    without what the authors' JSDoc lends); a relation's join column is never asked for."""
    reason = {"MikroORM": MIKRO_REASON, "Sequelize": SEQUELIZE_REASON}.get(entities.orm, REASON)
    return plan_declared(entities, reason, overwrite=overwrite, check=check)


# ---------------------------------------------------------------------------------------------
# Writing


@dataclass(frozen=True)
class PrettierSettings:
    width: int = DEFAULT_PRINT_WIDTH
    quote: str | None = None  # ' for singleQuote: true, " for false; None where none says


def prettier_settings(path: Path) -> PrettierSettings:
    """The settings of the project's Prettier that the edits follow: ``printWidth`` and
    ``singleQuote`` of the nearest configuration above the file (``.prettierrc`` in JSON or
    YAML, ``.prettierrc.json``/``.yaml``/``.yml``, or ``package.json``'s ``prettier``), as
    Prettier takes the nearest one alone; Prettier's defaults where there is none."""
    names = (".prettierrc", ".prettierrc.json", ".prettierrc.yaml", ".prettierrc.yml", "package.json")
    for folder in path.resolve().parents:
        for name in names:
            try:
                settings = YAML(typ="safe", pure=True).load((folder / name).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, YAMLError):
                continue
            if name == "package.json":
                settings = settings.get("prettier") if isinstance(settings, dict) else None
            if not isinstance(settings, dict):
                continue
            width, single = settings.get("printWidth"), settings.get("singleQuote")
            return PrettierSettings(
                width if isinstance(width, int) and not isinstance(width, bool) and width > 0 else DEFAULT_PRINT_WIDTH,
                ("'" if single else '"') if isinstance(single, bool) else None,
            )
        if (folder / ".git").exists():
            break
    return PrettierSettings()


def _indent_unit(text: str) -> str:
    found = re.search(r"^([ \t]+)\S", text, re.MULTILINE)
    return found.group(1) if found else "  "


def _comment_edits(
    source: Source, decorator: _Decorator, comment: str, quote_char: str, limit: int, indent: str
) -> list[TextEdit] | None:
    """The edits that give a decorator's options ``comment``: an entry of its options object
    (its value replaced where there is one), else an options object after its other
    arguments; None where its last argument is neither (an options variable). Brackets on one
    line that would grow past ``limit`` are broken as Prettier breaks them: the object's entries
    one a line, a new object hugged by the call's parentheses."""
    literal = ts_string(comment, quote_char)
    entry = f"comment: {literal}"
    last = decorator.arguments[-1] if decorator.arguments else None
    if decorator.name == "Enum" and isinstance(last, _Arrow) and len(decorator.arguments) == 1:
        items = source.text[decorator.spans[0][0] : decorator.spans[0][1]]  # @Enum(() => Genre): its options now
        return _new_object(source, *decorator.spans[0], [f"items: {items}", entry], limit, indent)
    kind = source.text[decorator.spans[0][0] : decorator.spans[0][1]] if decorator.spans else ""
    if decorator.name in _SEQUELIZE_TYPED and len(decorator.arguments) == 1 and _DATA_TYPE.match(kind):
        # sequelize-typescript's @Column(DataType.TEXT): its options now
        return _new_object(source, *decorator.spans[0], [f"type: {kind}", entry], limit, indent)
    if decorator.open < 0 and decorator.close >= 0:  # a bare @Column, @Table
        edits = _new_object(source, decorator.close, decorator.close, [entry], limit, indent)
        return [TextEdit(e.start, e.end, f"({e.new_text})") for e in edits]
    if isinstance(last, _Object):
        if "comment" in last.values:
            return [TextEdit(*last.values["comment"], literal)]
        opening, close, spans, new, spaced = last.start, last.end - 1, last.spans, entry, True
    elif decorator.open < 0 or (last is not None and not isinstance(last, str | _Arrow)):
        return None
    elif isinstance(last, _Arrow) and decorator.name not in _MIKRO_RELATIONS:
        return None  # TypeORM's @Column(() => Address) takes no options after it
    else:
        opening, close, spans, new, spaced = decorator.open, decorator.close, decorator.spans, f"{{ {entry} }}", False
    line = source.line_of(opening)
    width = len(source.text[source.starts[line - 1] : source.line_end(line)].rstrip("\r\n")) + len(new) + 2
    if source.line_of(close) != line or width <= limit:
        return item_edits(source, opening, close, spans, new, limit, comment="//", indent=indent, spaced=spaced)
    nl, outer = source.newline, source.indentation(line)
    inner = outer + indent
    if isinstance(last, _Object):
        body = (
            "".join(f"{inner}{source.text[a:b]},{nl}" for a, b in [*spans, (-1, -1)] if a >= 0) + f"{inner}{entry},{nl}"
        )
        return [TextEdit(opening + 1, close, f"{nl}{body}{outer}")]
    after = spans[-1][1] if spans else opening + 1
    return [TextEdit(after, close, f"{', ' if spans else ''}{{{nl}{inner}{entry},{nl}{outer}}}")]


def _new_object(source: Source, start: int, end: int, entries: list[str], limit: int, indent: str) -> list[TextEdit]:
    """The edit that writes an options object of ``entries`` over ``start``–``end``: on one line
    where it fits, else one entry a line, as Prettier writes it."""
    line = source.line_of(start)
    text = source.text[source.starts[line - 1] : source.line_end(line)].rstrip("\r\n")
    inline = f"{{ {', '.join(entries)} }}"
    if len(text) - (end - start) + len(inline) + 2 <= limit:  # + 2: the parentheses a bare decorator gets
        return [TextEdit(start, end, inline)]
    outer, nl = source.indentation(line), source.newline
    body = "".join(f"{outer}{indent}{e},{nl}" for e in entries)
    return [TextEdit(start, end, f"{{{nl}{body}{outer}}}")]


def edit_entities(entities: EntitiesFile, planned: list[Planned[Entity]]) -> tuple[str, list[str]]:
    """The file's text with the planned comments written into the decorators, and what could not be."""
    source = Source(entities.text)
    prettier = prettier_settings(entities.path)
    limit, indent, quote_char = prettier.width, _indent_unit(entities.text), prettier.quote or entities.quote
    edits: list[TextEdit] = []
    left: list[str] = []
    expected: dict[tuple[str, str | None], str] = {}
    for plan in planned:
        entity = plan.model
        if plan.description is not None and entity.decorator is not None:
            found = _comment_edits(source, entity.decorator, plan.description, quote_char, limit, indent)
            if found is None:
                left.append(
                    f"{entities.path}:{entity.line}: {entity.label}: its options are no literal; no comment written"
                )
            else:
                edits += found
                expected[(entity.name, None)] = plan.description
        for column in entity.columns:
            text = plan.columns.get(column.column)
            if text is None or column.decorator is None:
                continue
            found = _comment_edits(source, column.decorator, text, quote_char, limit, indent)
            if found is None:
                where = f"{entities.path}:{column.decorator.line}: {column.attribute}"
                left.append(f"{where}: its options are no literal; no comment written")
                continue
            edits += found
            expected[(entity.name, column.column)] = text
    new = edited_text(
        entities.path,
        entities.text,
        edits,
        lambda again: read_entities(entities.path, again).models,
        planned,
        expected,
        lambda m: m.label,
    )
    return new, left


def record_entities(entities: EntitiesFile, outcome: FileOutcome, *, overwrite: bool = False) -> EditedSources:
    """The change of the file that records what ``outcome`` documented."""
    return record_file_edit(
        entities.path,
        entities.text,
        entities.models,
        outcome,
        lambda planned: edit_entities(entities, planned),
        overwrite=overwrite,
        lent_by="JSDoc comments",
        next_step={"MikroORM": MIKRO_NEXT_STEP, "Sequelize": SEQUELIZE_NEXT_STEP}.get(entities.orm, NEXT_STEP),
    )
