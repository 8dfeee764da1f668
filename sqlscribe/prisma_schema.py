"""Prisma's schema (``prisma/schema.prisma``, or each ``.prisma`` file of a schema split in a
folder), documented the way Prisma keeps documentation: ``///`` comments above each model and
field. Prisma reads them as the schema's documentation (its DMMF): ``prisma generate`` carries
them into the client's types as JSDoc, and generators into what they write (DBML's notes, docs
sites). Prisma's migrations do not put them in the database.

The schema is read, never run, by a small lexer of Prisma's language (strings, ``//`` and
``///`` comments, attributes with their arguments): each ``model`` (and ``view``) with its
table's name (``@@map``, ``@@schema``), each scalar field as the column Prisma makes of it (its
``@map`` name, its type in the datasource's provider, or the native type its ``@db.…``
attribute names; ``?`` for NULL; ``@id``, ``@unique``, ``@default``), the foreign key a
``@relation(fields: […], references: […])`` declares, and an enum's values (``@map``'s names)
as those the column holds. A relation field holds no column and gets no comment. The models,
enums and datasource of the other ``.prisma`` files of the folder (a multi-file schema) name
what this one refers to.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from sqlscribe.databases import TableInfo, declared_table, quote, render_ddl
from sqlscribe.ddl import TextEdit
from sqlscribe.docs import TableDocs
from sqlscribe.document import EditedSources, FileOutcome, FilePlan
from sqlscribe.python_source import (
    DeclaredColumn,
    ModelsError,
    Planned,
    Source,
    edited_text,
    in_check,
    record_edit,
    sql_literal,
)
from sqlscribe.python_source import (
    plan_entities as plan_declared,
)

NEXT_STEP = (
    "`prisma generate` carries the /// comments into Prisma Client's types; Prisma's migrations"
    " do not put them in the database, but `sqlscribe document prisma/migrations --to"
    " prisma/migrations` writes them into a new migration"
)
TABLE_COMMENT = "no /// comment"
MAX_VALUES = 24
MAX_SIBLINGS = 200  # .prisma files of a folder read for the names a file refers to

# Prisma's providers as sqlscribe's dialects, and why
_DIALECTS = {
    "postgresql": "postgres",
    "postgres": "postgres",
    "cockroachdb": "postgres",
    "mysql": "mysql",
    "sqlite": "sqlite",
    "sqlserver": "tsql",
}
# The column type Prisma gives a scalar type without @db.…, by dialect
_SCALARS = {
    "postgres": {
        "String": "text",
        "Boolean": "boolean",
        "Int": "integer",
        "BigInt": "bigint",
        "Float": "double precision",
        "Decimal": "decimal(65, 30)",
        "DateTime": "timestamp(3)",
        "Json": "jsonb",
        "Bytes": "bytea",
    },
    "mysql": {
        "String": "varchar(191)",
        "Boolean": "tinyint(1)",
        "Int": "int",
        "BigInt": "bigint",
        "Float": "double",
        "Decimal": "decimal(65, 30)",
        "DateTime": "datetime(3)",
        "Json": "json",
        "Bytes": "longblob",
    },
    "sqlite": {
        "String": "text",
        "Boolean": "boolean",
        "Int": "integer",
        "BigInt": "bigint",
        "Float": "real",
        "Decimal": "decimal",
        "DateTime": "datetime",
        "Json": "jsonb",
        "Bytes": "blob",
    },
    "tsql": {
        "String": "nvarchar(1000)",
        "Boolean": "bit",
        "Int": "int",
        "BigInt": "bigint",
        "Float": "float(53)",
        "Decimal": "decimal(32, 16)",
        "DateTime": "datetime2",
        "Json": "nvarchar(max)",
        "Bytes": "varbinary(max)",
    },
}
# Native types (@db.…) whose SQL name is not the attribute's name in lower case
_NATIVE = {
    "DoublePrecision": "double precision",
    "Timestamptz": "timestamp with time zone",
    "Timetz": "time with time zone",
    "SmallInt": "smallint",
    "Integer": "integer",
}


@dataclass(frozen=True)
class _Token:
    kind: str  # newline, doc, comment, string, attribute, name, number, punct
    text: str
    start: int
    end: int


_LEX = re.compile(
    r"""(?P<space>[ \t\r\f\v]+)
    |(?P<newline>\n)
    |(?P<doc>///[^\n]*)
    |(?P<comment>//[^\n]*)
    |(?P<string>"(?:[^"\\\n]|\\.)*")
    |(?P<attribute>@@?[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?)
    |(?P<number>-?\d+(?:\.\d+)?)
    |(?P<name>[A-Za-z_]\w*)
    |(?P<punct>[{}()\[\],:=?!.])
    """,
    re.VERBOSE,
)


def _lex(text: str) -> list[_Token]:
    tokens = []
    at = 0
    while at < len(text):
        match = _LEX.match(text, at)
        if match is None:
            line = text.count("\n", 0, at) + 1
            raise ModelsError(f"line {line}: unexpected {text[at]!r}")
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(_Token(kind, match.group(), match.start(), match.end()))
        at = match.end()
    return tokens


def _unquote(literal: str) -> str:
    """A Prisma string's value (JSON's escapes)."""
    escapes = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f"}
    return re.sub(
        r"\\(u[0-9a-fA-F]{4}|.)",
        lambda m: chr(int(m.group(1)[1:], 16)) if m.group(1)[0] == "u" else escapes.get(m.group(1), m.group(1)),
        literal[1:-1],
    )


@dataclass(frozen=True)
class _Name:
    """A bare identifier as a value: an enum's value (``USER``), ``true``, a field's name."""

    name: str


@dataclass(frozen=True)
class _Call:
    """A function as a value: ``now()``, ``autoincrement()``, ``dbgenerated("…")``."""

    name: str
    arguments: tuple[object, ...]


@dataclass
class _Attribute:
    name: str  # without the @ or @@: "id", "map", "db.VarChar"
    arguments: list[object] = field(default_factory=list)
    named: dict[str, object] = field(default_factory=dict)

    def first(self, name: str) -> object:
        """The argument named so, else the first unnamed one."""
        if name in self.named:
            return self.named[name]
        return self.arguments[0] if self.arguments else None


@dataclass
class _Doc:
    """A ``///`` comment: its text, and the span of its lines (of the comment alone when it
    trails a field on its line)."""

    text: str
    start: int
    end: int
    trailing: bool


@dataclass
class _Field:
    name: str
    type_name: str
    optional: bool
    is_list: bool
    unsupported: str | None  # Unsupported("…")'s type
    attributes: list[_Attribute]
    doc: _Doc | None
    start: int  # offset of its line's start

    def attribute(self, name: str) -> _Attribute | None:
        return next((a for a in self.attributes if a.name == name), None)


@dataclass
class _Block:
    keyword: str  # model, view, enum, type, datasource, generator
    name: str
    start: int  # offset of the keyword's line
    name_at: int  # offset of the name
    doc: _Doc | None
    fields: list[_Field] = field(default_factory=list)
    attributes: list[_Attribute] = field(default_factory=list)  # @@…
    settings: dict[str, object] = field(default_factory=dict)  # a datasource's key = value

    def attribute(self, name: str) -> _Attribute | None:
        return next((a for a in self.attributes if a.name == name), None)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _lex(text)
        self.i = 0

    def peek(self, offset: int = 0) -> _Token | None:
        at = self.i + offset
        return self.tokens[at] if at < len(self.tokens) else None

    def error(self, message: str, token: _Token | None = None) -> ModelsError:
        at = token.start if token is not None else len(self.text)
        return ModelsError(f"line {self.text.count(chr(10), 0, at) + 1}: {message}")

    def between(self, docs: list[_Token]) -> bool:
        """Whether a newline or a comment is next; it is passed (a ``///`` one kept in ``docs``,
        which a blank line empties: it parts a doc comment from what follows)."""
        token = self.peek()
        if token is None or token.kind not in ("newline", "doc", "comment"):
            return False
        if token.kind == "doc":
            docs.append(token)
        elif token.kind == "newline" and self.i > 0 and self.tokens[self.i - 1].kind == "newline":
            docs.clear()
        self.i += 1
        return True

    def blocks(self) -> Iterator[_Block]:
        docs: list[_Token] = []
        while (token := self.peek()) is not None:
            if self.between(docs):
                continue
            if token.kind != "name":
                raise self.error(f"unexpected {token.text!r}", token)
            yield self.block(_doc(self.text, docs, trailing=False))
            docs.clear()

    def block(self, doc: _Doc | None) -> _Block:
        keyword = self.tokens[self.i]
        name = self.peek(1)
        opening = self.peek(2)
        if name is None or name.kind != "name" or opening is None or opening.text != "{":
            raise self.error(f"{keyword.text} without a name and a block", keyword)
        line_start = self.text.rfind("\n", 0, keyword.start) + 1
        block = _Block(keyword.text, name.text, line_start, name.start, doc)
        self.i += 3
        docs: list[_Token] = []
        while True:
            token = self.peek()
            if token is None:
                raise self.error(f"{keyword.text} {name.text} is not closed with }}", keyword)
            if token.text == "}":
                self.i += 1
                return block
            if self.between(docs):
                continue
            if token.kind == "attribute" and token.text.startswith("@@"):
                block.attributes.append(self.attribute())
            elif token.kind == "name" and keyword.text in ("datasource", "generator"):
                self.setting(block)
            elif token.kind == "name":
                block.fields.append(self.field(keyword.text, _doc(self.text, docs, trailing=False)))
            else:
                raise self.error(f"unexpected {token.text!r} in {keyword.text} {name.text}", token)
            docs.clear()

    def setting(self, block: _Block) -> None:
        key = self.tokens[self.i]
        self.i += 1
        if (equals := self.peek()) is None or equals.text != "=":
            raise self.error(f"{key.text} without a value", key)
        self.i += 1
        block.settings[key.text] = self.value()

    def field(self, keyword: str, doc: _Doc | None) -> _Field:
        name = self.tokens[self.i]
        line_start = self.text.rfind("\n", 0, name.start) + 1
        self.i += 1
        type_name, optional, is_list, unsupported = "", False, False, None
        token = self.peek()
        if keyword != "enum" and token is not None and token.kind == "name":
            type_name = token.text
            self.i += 1
            if type_name == "Unsupported" and self.is_punct("("):
                call = self.value_after_name(token)
                argument = call.arguments[0] if isinstance(call, _Call) and call.arguments else None
                unsupported = argument if isinstance(argument, str) else "text"
            if self.is_punct("["):
                self.i += 1
                self.expect("]")
                is_list = True
            if self.is_punct("?"):
                optional = True
                self.i += 1
            elif self.is_punct("!"):
                self.i += 1
        attributes = []
        trailing = None
        while (token := self.peek()) is not None and token.kind != "newline" and token.text != "}":
            if token.kind == "attribute" and not token.text.startswith("@@"):
                attributes.append(self.attribute())
            elif token.kind == "doc":
                trailing = _doc(self.text, [token], trailing=True)
                self.i += 1
            elif token.kind == "comment":
                self.i += 1
            else:
                raise self.error(f"unexpected {token.text!r} in the field {name.text}", token)
        return _Field(name.text, type_name, optional, is_list, unsupported, attributes, doc or trailing, line_start)

    def is_punct(self, text: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "punct" and token.text == text

    def expect(self, text: str) -> None:
        if not self.is_punct(text):
            raise self.error(f"{text!r} expected", self.peek())
        self.i += 1

    def skip_newlines(self) -> None:
        while (token := self.peek()) is not None and token.kind in ("newline", "comment", "doc"):
            self.i += 1

    def attribute(self) -> _Attribute:
        token = self.tokens[self.i]
        attribute = _Attribute(token.text.lstrip("@"))
        self.i += 1
        if self.is_punct("("):
            arguments, named = self.arguments()
            attribute.arguments, attribute.named = arguments, named
        return attribute

    def arguments(self) -> tuple[list[object], dict[str, object]]:
        """``(a, b: c)``, across lines too."""
        self.expect("(")
        arguments: list[object] = []
        named: dict[str, object] = {}

        def argument() -> None:
            token = self.peek()
            after = self.peek(1)
            if token is not None and token.kind == "name" and after is not None and after.text == ":":
                self.i += 2
                self.skip_newlines()
                named[token.text] = self.value()
            else:
                arguments.append(self.value())

        self.separated(")", argument)
        return arguments, named

    def separated(self, close: str, item: Callable[[], None]) -> None:
        """Items read by ``item``, separated by commas (across lines), up to ``close``."""
        while True:
            self.skip_newlines()
            if self.is_punct(close):
                self.i += 1
                return
            item()
            self.skip_newlines()
            if self.is_punct(","):
                self.i += 1
            elif not self.is_punct(close):
                raise self.error(f"',' or '{close}' expected", self.peek())

    def value(self) -> object:
        token = self.peek()
        if token is None:
            raise self.error("a value expected")
        if token.kind == "string":
            self.i += 1
            return _unquote(token.text)
        if token.kind == "number":
            self.i += 1
            return float(token.text) if "." in token.text else int(token.text)
        if token.text == "[":
            self.i += 1
            items: list[object] = []
            self.separated("]", lambda: items.append(self.value()))
            return items
        if token.kind == "name":
            self.i += 1
            if self.is_punct("("):
                return self.value_after_name(token)
            while self.is_punct(".") and (after := self.peek(1)) is not None and after.kind == "name":
                token = _Token("name", f"{token.text}.{after.text}", token.start, after.end)
                self.i += 2
            return {"true": True, "false": False}.get(token.text, _Name(token.text))
        raise self.error(f"unexpected {token.text!r}", token)

    def value_after_name(self, name: _Token) -> _Call:
        arguments, named = self.arguments()
        return _Call(name.text, tuple(arguments) + tuple(named.values()))


def _doc(text: str, tokens: list[_Token], *, trailing: bool) -> _Doc | None:
    if not tokens:
        return None
    lines = [t.text[3:].strip() for t in tokens]
    if trailing:
        return _Doc("\n".join(lines), tokens[0].start, tokens[-1].end, True)
    start = text.rfind("\n", 0, tokens[0].start) + 1
    end = text.find("\n", tokens[-1].end)
    return _Doc("\n".join(lines), start, len(text) if end < 0 else end + 1, False)


@dataclass
class PrismaColumn(DeclaredColumn):
    field_at: int = 0  # offset of its field's line
    field_doc: _Doc | None = None  # its /// comment


@dataclass
class PrismaModel:
    name: str
    keyword: str  # model or view
    line: int
    column_offset: int
    first_line: int  # of its /// comment
    start: int  # offset of its keyword's line
    table: str
    schema: str | None
    columns: list[PrismaColumn]
    comment: str | None
    doc: _Doc | None
    dialect: str
    docstring: str | None = None  # nothing stands for its comment: /// is where it is kept

    @property
    def lends_columns(self) -> bool:
        return False

    @property
    def label(self) -> str:
        return f"{self.keyword} {self.name} ({self.table})"

    def info(self, *, borrow: bool) -> TableInfo:
        return declared_table(
            self.schema or "public", self.table, self.comment, self.columns, self.dialect, borrow=borrow
        )


@dataclass
class PrismaSchema:
    path: Path
    text: str
    dialect: str
    reason: str
    models: list[PrismaModel] = field(default_factory=list)
    others: list[_Block] = field(default_factory=list)  # of the folder's other files, read with it
    orm = "Prisma"
    table_comment = TABLE_COMMENT

    def ddl(self, *, borrow: bool = True) -> str:
        return render_ddl([m.info(borrow=borrow) for m in self.models], self.dialect)


def is_schema_path(path: PurePath) -> bool:
    return path.suffix == ".prisma"


def holds_schema(text: str) -> bool:
    """Whether a text declares Prisma models (or views), on its face."""
    return re.search(r"^[ \t]*(model|view)[ \t]+\w+[ \t]*\{", text, re.MULTILINE) is not None


def _parse(text: str) -> list[_Block]:
    return list(_Parser(text).blocks())


def _siblings(path: Path) -> list[_Block]:
    """The blocks of the other ``.prisma`` files in the folder (a schema split in files); what
    does not read is passed over."""
    found: list[_Block] = []
    try:
        others = sorted(p for p in path.parent.glob("*.prisma") if p.resolve() != path.resolve())
    except OSError:
        return found
    for other in others[:MAX_SIBLINGS]:
        try:
            found += _parse(other.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ModelsError):
            continue
    return found


def _provider(blocks: list[_Block]) -> str | None:
    for block in blocks:
        provider = block.settings.get("provider")
        if block.keyword == "datasource" and isinstance(provider, str):
            return provider.lower()
    return None


def _dialect(provider: str | None) -> tuple[str, str]:
    if provider in _DIALECTS:
        return _DIALECTS[provider], f"the types Prisma gives the models' columns with the {provider} provider"
    return "postgres", f"the PostgreSQL types of Prisma's scalars, with {provider or 'no'} datasource provider"


def _parse_file(path: Path, text: str) -> list[_Block]:
    try:
        return _parse(text)
    except ModelsError as error:
        raise ModelsError(f"{path}: {error}") from None


def read_schema(path: Path, text: str, others: list[_Block] | None = None) -> PrismaSchema:
    """The file's models and views, in the order written, with the blocks of the folder's other
    files (``others``, read from the folder where not given). Raises ModelsError for a text that
    cannot be read."""
    return _read(path, text, _parse_file(path, text), _siblings(path) if others is None else others)


def _read(path: Path, text: str, blocks: list[_Block], others: list[_Block]) -> PrismaSchema:
    everything = blocks + others
    provider = _provider(everything)
    dialect, reason = _dialect(provider)
    schema = PrismaSchema(path, text, dialect, reason, others=others)
    models = {b.name: b for b in everything if b.keyword in ("model", "view")}
    enums = {b.name: b for b in everything if b.keyword == "enum"}
    source = Source(text)
    for block in blocks:
        if block.keyword not in ("model", "view"):
            continue
        line = source.line_of(block.name_at)
        keys = _list_of(block.attribute("id"), "fields")
        uniques = {tuple(u) for a in block.attributes if a.name == "unique" and (u := _list_of(a, "fields"))}
        references = _references(block, models)
        columns = [
            _column(f, dialect, enums, keys, uniques, references, native=provider != "mongodb")
            for f in block.fields
            if f.type_name not in models and f.type_name
        ]
        schema.models.append(
            PrismaModel(
                block.name,
                block.keyword,
                line,
                block.name_at - source.starts[line - 1],
                source.line_of(block.doc.start) if block.doc else source.line_of(block.start),
                block.start,
                _table_name(block),
                _string(block.attribute("schema")),
                columns,
                block.doc.text if block.doc else None,
                block.doc,
                dialect,
            )
        )
    schema.models = [m for m in schema.models if m.columns]
    return schema


def _string(attribute: _Attribute | None, name: str = "name") -> str | None:
    value = attribute.first(name) if attribute else None
    return value if isinstance(value, str) else None


def _list_of(attribute: _Attribute | None, name: str) -> list[str]:
    """The field names of ``@@id([a, b])`` (``fields: [...]``)."""
    value = attribute.first(name) if attribute else None
    if not isinstance(value, list):
        return []
    names = [v.name if isinstance(v, _Name) else v.name if isinstance(v, _Call) else None for v in value]
    return [n for n in names if n is not None]  # a sort order: a(sort: Desc) reads as a call


def _table_name(block: _Block) -> str:
    return _string(block.attribute("map")) or block.name


def _column_name(model: _Block, name: str) -> str:
    found = next((f for f in model.fields if f.name == name), None)
    return (_string(found.attribute("map")) if found else None) or name


def _references(block: _Block, models: dict[str, _Block]) -> dict[str, tuple[str, str]]:
    """The foreign keys of the model's relations (``@relation(fields: [a], references: [b])``),
    by field: the table and column they refer to."""
    found: dict[str, tuple[str, str]] = {}
    for relation_field in block.fields:
        target = models.get(relation_field.type_name)
        relation = relation_field.attribute("relation")
        if target is None or relation is None:
            continue
        fields, references = _list_of(relation, "fields"), _list_of(relation, "references")
        for own, other in zip(fields, references, strict=False):
            found[own] = (_table_name(target), _column_name(target, other))
    return found


def _column(
    found: _Field,
    dialect: str,
    enums: dict[str, _Block],
    keys: list[str],
    uniques: set[tuple[str, ...]],
    references: dict[str, tuple[str, str]],
    *,
    native: bool,
) -> PrismaColumn:
    column = _string(found.attribute("map")) or found.name
    enum = enums.get(found.type_name)
    values = [_string(v.attribute("map")) or v.name for v in enum.fields] if enum else None
    data_type = _data_type(found, dialect, enum is not None, native=native)
    default = _default(found.attribute("default"), dialect, enum)
    if default == "autoincrement" and dialect == "postgres":
        data_type, default = (
            {"integer": "serial", "bigint": "bigserial", "smallint": "smallserial"}.get(data_type, data_type),
            None,
        )
    elif default == "autoincrement":
        default = None
    check = in_check(quote(column, dialect), values, dialect, MAX_VALUES) if values and not found.is_list else None
    return PrismaColumn(
        found.name,
        column,
        data_type,
        not found.optional,
        found.attribute("id") is not None or (len(keys) > 0 and found.name in keys),
        found.attribute("unique") is not None or (found.name,) in uniques,
        default,
        check,
        references.get(found.name),
        found.doc.text if found.doc else None,
        None,  # nothing is lent: /// is the comment itself
        found.start,
        found.doc,
    )


def _data_type(found: _Field, dialect: str, is_enum: bool, *, native: bool) -> str:
    """The column's type: ``Unsupported("…")``'s, the native one ``@db.…`` names (not MongoDB's),
    the provider's for an enum or a scalar type (JSON for a composite type)."""
    native_type = next((a for a in found.attributes if a.name.startswith("db.")), None) if native else None
    if found.unsupported is not None:
        kind = found.unsupported
    elif native_type is not None:
        name = native_type.name[3:]
        if name.startswith("Unsigned"):
            kind = f"{name[len('Unsigned') :].lower()} unsigned"
        else:
            kind = _NATIVE.get(name, name.lower())
        arguments = [str(a.name if isinstance(a, _Name) else a) for a in native_type.arguments]
        if arguments:
            words = kind.split(" ", 1)  # timestamp(6) with time zone
            kind = f"{words[0]}({', '.join(arguments)}){' ' + words[1] if len(words) > 1 else ''}"
    elif is_enum:
        kind = "text" if dialect != "mysql" else "varchar(191)"
    else:
        kind = _SCALARS[dialect].get(found.type_name, "jsonb" if dialect == "postgres" else "text")
    return f"{kind}[]" if found.is_list and dialect == "postgres" else kind


def _default(attribute: _Attribute | None, dialect: str, enum: _Block | None) -> str | None:
    """A ``@default``'s value as SQL; ``"autoincrement"`` for a key numbered by the database; None
    for a value the client makes (``uuid()``, ``cuid()``)."""
    value = attribute.first("value") if attribute else None
    if isinstance(value, _Call):
        if value.name == "now":
            return "CURRENT_TIMESTAMP"
        if value.name in ("autoincrement", "sequence"):
            return "autoincrement"
        if value.name == "dbgenerated" and value.arguments and isinstance(value.arguments[0], str):
            return value.arguments[0]
        return None
    if isinstance(value, _Name) and enum is not None:
        member = next((f for f in enum.fields if f.name == value.name), None)
        return sql_literal((_string(member.attribute("map")) if member else None) or value.name, dialect)
    if isinstance(value, list):
        return None
    return sql_literal(value, dialect) if isinstance(value, str | int | float | bool) else None


def plan_schema(schema: PrismaSchema, *, overwrite: bool = False, check: bool = False) -> FilePlan:
    """The models read as a file of DDL in the datasource's dialect, with the requests they need."""
    return plan_declared(schema, schema.reason, overwrite=overwrite, check=check, dialect=schema.dialect)


def _doc_lines(text: str, indent: str, newline: str) -> str:
    return "".join(f"{indent}/// {line}".rstrip() + newline for line in text.splitlines() or [""])


def _comment_edit(source: Source, doc: _Doc | None, at: int, comment: str) -> TextEdit:
    """The ``///`` lines of a comment above the line that starts at ``at`` (in its
    indentation), or in place of the ``///`` lines it has."""
    indent = source.indentation(source.line_of(at))
    lines = _doc_lines(comment, indent, source.newline)
    return TextEdit(doc.start, doc.end, lines) if doc is not None else TextEdit(at, at, lines)


def _column_edits(source: Source, column: PrismaColumn, comment: str) -> list[TextEdit]:
    """A field's comment: its trailing ``/// …`` rewritten where it has one (moved above the field
    when the comment has several lines), else ``///`` lines above it."""
    doc = column.field_doc
    if doc is None or not doc.trailing:
        return [_comment_edit(source, doc, column.field_at, comment)]
    if "\n" not in comment:
        return [TextEdit(doc.start, doc.end, f"/// {comment}")]
    start = doc.start
    while start > 0 and source.text[start - 1] in " \t":
        start -= 1
    return [_comment_edit(source, None, column.field_at, comment), TextEdit(start, doc.end, "")]


def edit_schema(schema: PrismaSchema, planned: list[Planned[PrismaModel]]) -> tuple[str, list[str]]:
    source = Source(schema.text)
    edits: list[TextEdit] = []
    expected: dict[tuple[str, str | None], str] = {}
    for plan in planned:
        model = plan.model
        if plan.description is not None:
            comment = _clean(plan.description)
            edits.append(_comment_edit(source, model.doc, model.start, comment))
            expected[(model.name, None)] = comment
        for column in model.columns:
            text = plan.columns.get(column.column)
            if text is None:
                continue
            comment = _clean(text)
            edits += _column_edits(source, column, comment)
            expected[(model.name, column.column)] = comment
    new = edited_text(
        schema.path,
        schema.text,
        edits,
        lambda again: read_schema(schema.path, again, schema.others).models,
        planned,
        expected,
        lambda m: m.label,
    )
    return new, []


def _clean(text: str) -> str:
    """A comment as ``///`` lines keep it: each line without the spaces around it."""
    return "\n".join(line.strip() for line in text.strip().splitlines())


def record_schema(schema: PrismaSchema, outcome: FileOutcome, *, overwrite: bool = False) -> EditedSources:
    return record_edit(
        schema.path,
        schema.text,
        schema.models,
        outcome,
        lambda planned: edit_schema(schema, planned),
        overwrite=overwrite,
        lent_by="comments",
        next_step=NEXT_STEP,
    )


def beside_migrations(folder: Path) -> list[Path]:
    """The schema a Prisma migrations folder (one with Prisma's ``migration_lock.toml``) was made
    from: the ``.prisma`` files of the folder it is in (``prisma/schema.prisma``, or the files of a
    schema split in ``prisma/schema/``, whose migrations folder is there too)."""
    if not (folder / "migration_lock.toml").is_file():
        return []
    return sorted(folder.parent.glob("*.prisma"))


def kept_docs(paths: list[Path], texts: Mapping[str, str] | None = None) -> dict[str, TableDocs]:
    """The ``///`` comments of a schema's files (as ``texts`` holds them, by path, where it holds
    one: an editor's unsaved text), by table, as ``generate.lent.table_keys`` looks them up: by its
    name with its schema, and by its name alone where that schema is the default one (``public``);
    files that do not read lend nothing."""
    parsed: dict[Path, tuple[str, list[_Block]]] = {}  # each file read and parsed once
    for path in paths:
        try:
            text = (texts or {}).get(str(path))
            text = path.read_text(encoding="utf-8") if text is None else text
            parsed[path] = (text, _parse_file(path, text))
        except (OSError, UnicodeDecodeError, ModelsError):
            continue
    kept: dict[str, TableDocs] = {}
    for path, (text, blocks) in parsed.items():
        others = [b for other, (_, theirs) in parsed.items() if other != path for b in theirs]
        for model in _read(path, text, blocks, others).models:
            docs = TableDocs(model.comment, {c.column: c.comment for c in model.columns if c.comment})
            if docs.description is None and not docs.columns:
                continue
            space = (model.schema or "public").lower()
            keys = [f"{space}.{model.table.lower()}"] + ([model.table.lower()] if space == "public" else [])
            for key in keys:
                kept.setdefault(key, docs)
    return kept
