"""A Rails application's schema (``db/schema.rb``, the file ``bin/rails db:migrate`` dumps),
documented the way Rails keeps a database's documentation: a ``comment:`` on each table and
column. schema.rb is generated, so the comments are not written into it: they go into a new
migration beside it (``db/migrate/<timestamp>_document_tables.rb``) that calls
``change_table_comment`` and ``change_column_comment`` with ``from:`` and ``to:``, reversible as
Rails' own; ``bin/rails db:migrate`` then writes them into the database and dumps them into
schema.rb, where ``--check`` finds them.

The schema is read, never run: each ``create_table`` block of the Ruby DSL Rails dumps (a call a
line), with its columns' types as PostgreSQL's (``t.string "email", limit: 80`` is a
``varchar(80)``), ``null: false``, defaults, the key Rails adds (``id``, ``id: :uuid``,
``primary_key:``, ``id: false``), unique single-column indexes, ``add_foreign_key`` and
PostgreSQL enums (``create_enum``) as the values a column holds.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from sqlscribe.databases import TableInfo, declared_table, quote, render_ddl
from sqlscribe.document import EditedSources, FileChange, FileOutcome, FilePlan, plan_file
from sqlscribe.python_source import ModelsError, Planned, in_check, planned_comments, sql_literal

DIALECT = "postgres"
REASON = "the PostgreSQL types of the schema's Rails column types"
NEXT_STEP = "run `bin/rails db:migrate` to carry the comments into the database and db/schema.rb"
MAX_VALUES = 24  # an enum's values shown as a CHECK, up to so many
MIGRATION_NAME = "document_tables"

# Rails' column types (schema.rb's ``t.<type>``) and the PostgreSQL type each is
_TYPES = {
    "string": "varchar",
    "text": "text",
    "integer": "integer",
    "bigint": "bigint",
    "float": "double precision",
    "decimal": "numeric",
    "numeric": "numeric",
    "datetime": "timestamp",
    "timestamp": "timestamp",
    "timestamptz": "timestamp with time zone",
    "time": "time",
    "date": "date",
    "boolean": "boolean",
    "binary": "bytea",
    "blob": "bytea",
    "json": "json",
    "jsonb": "jsonb",
    "uuid": "uuid",
    "inet": "inet",
    "cidr": "cidr",
    "macaddr": "macaddr",
    "citext": "citext",
    "hstore": "hstore",
    "ltree": "ltree",
    "tsvector": "tsvector",
    "interval": "interval",
    "money": "money",
    "xml": "xml",
    "point": "point",
    "bit": "bit",
    "bit_varying": "varbit",
    "daterange": "daterange",
    "tsrange": "tsrange",
    "tstzrange": "tstzrange",
    "int4range": "int4range",
    "int8range": "int8range",
    "numrange": "numrange",
    "oid": "oid",
    "serial": "integer",
    "bigserial": "bigint",
    "enum": "varchar",
    "virtual": "text",
}
_NOT_COLUMNS = {"index", "check_constraint", "exclusion_constraint", "unique_constraint", "timestamps"}


@dataclass(frozen=True)
class _Symbol:
    name: str


@dataclass(frozen=True)
class _Expression:
    """A default that is SQL (``-> { "now()" }``)."""

    sql: str


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<lambda>->\s*\{\s*(?P<body>"(?:[^"\\]|\\.)*")\s*\})
      | (?P<key>[A-Za-z_]\w*):(?!:)
      | (?P<symbol>:[A-Za-z_]\w*[?!]?)
      | (?P<number>-?\d[\d_]*(?:\.\d+)?)
      | (?P<word>[A-Za-z_]\w*)
      | (?P<open>[\[{]) | (?P<close>[\]}]) | (?P<comma>,|=>)
    )""",
    re.VERBOSE,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "e": "\x1b", "s": " ", "0": "\0"}


def _unquote(literal: str) -> str:
    """A Ruby string literal's value (schema.rb writes them with ``inspect``)."""
    body = literal[1:-1]
    if literal[0] == "'":
        return re.sub(r"\\([\\'])", r"\1", body)

    def unescape(match: re.Match[str]) -> str:
        escaped = match.group(1)
        if escaped.startswith("u"):
            return chr(int(escaped[2:-1] if escaped[1:2] == "{" else escaped[1:], 16))
        if escaped.startswith("x"):
            return chr(int(escaped[1:], 16))
        return _ESCAPES.get(escaped, escaped)

    return re.sub(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{1,2}|.)", unescape, body, flags=re.DOTALL)


def ruby_string(value: str) -> str:
    """``value`` as a double-quoted Ruby string literal that reads back as itself."""
    out = []
    for i, ch in enumerate(value):
        if ch in '\\"':
            out.append("\\" + ch)
        elif ch == "#" and value[i + 1 : i + 2] in ("{", "$", "@"):
            out.append("\\#")  # no interpolation
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


@dataclass
class _Frame:
    """A list being read: the call's arguments, an array's items or a hash's entries."""

    closing: str  # "]", "}" or "" for the call's own
    items: list[object] = field(default_factory=list)
    keywords: dict[str, object] = field(default_factory=dict)
    key: str | None = None

    def add(self, value: object) -> None:
        if self.key is not None:
            self.keywords[self.key] = value
            self.key = None
        else:
            self.items.append(value)

    def value(self) -> object:
        return self.items if self.closing == "]" else self.keywords


def _arguments(text: str) -> tuple[list[object], dict[str, object]]:
    """The arguments of a call on one line of schema.rb (up to ``do |t|`` or the line's end): its
    positional values and its keywords, as Python values (an array as a list, a hash as a dict,
    a symbol as _Symbol, a lambda's SQL as _Expression). Raises ValueError for what is not such
    a list."""
    frames = [_Frame("")]
    at = 0
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None or match.end() == at:
            if text[at:].strip() == "":
                break
            raise ValueError(f"cannot read {text[at:]!r}")
        at = match.end()
        kind, frame = match.lastgroup, frames[-1]
        value: object
        if kind in ("comma", "body"):
            if match.group(0).strip() == "=>" and frame.items:  # "key" => value
                frame.key = str(frame.items.pop())
            continue
        if kind == "key":
            frame.key = match.group("key")
            continue
        if kind == "open":
            frames.append(_Frame("]" if match.group("open") == "[" else "}"))
            continue
        if kind == "close":
            if frame.closing != match.group("close"):
                raise ValueError(f"unbalanced {match.group('close')}")
            frames.pop()
            value = frame.value()
        elif kind == "string":
            value = _unquote(match.group("string"))
        elif kind == "lambda":
            value = _Expression(_unquote(match.group("body")))
        elif kind == "symbol":
            value = _Symbol(match.group("symbol")[1:])
        elif kind == "number":
            number = match.group("number").replace("_", "")
            value = float(number) if "." in number else int(number)
        else:
            word = match.group("word")
            if word == "do":
                break
            value = {"true": True, "false": False, "nil": None}.get(word, _Symbol(word))
        frames[-1].add(value)
    if len(frames) != 1:
        raise ValueError(f"{frames[-1].closing} missing")
    return frames[0].items, frames[0].keywords


@dataclass
class RailsColumn:
    column: str
    data_type: str
    not_null: bool
    primary: bool
    unique: bool = False
    default: str | None = None
    check: str | None = None
    references: tuple[str, str] | None = None
    comment: str | None = None

    @property
    def lent(self) -> str | None:
        return None  # schema.rb holds nothing that stands for a comment


@dataclass
class RailsTable:
    name: str  # as schema.rb names it (``"sales.orders"`` where there are schemas)
    line: int  # where --check names it
    column_offset: int  # of the name on that line
    columns: list[RailsColumn] = field(default_factory=list)
    comment: str | None = None
    docstring: str | None = None
    key: tuple[str, ...] = ()  # a composite primary key's columns (primary_key: [...]), declared in the block

    lends_columns = False

    @property
    def label(self) -> str:
        return f"table {self.name}"

    @property
    def schema_and_table(self) -> tuple[str, str]:
        schema, _, table = self.name.rpartition(".")
        return schema or "public", table

    def info(self) -> TableInfo:
        schema, table = self.schema_and_table
        return declared_table(schema, table, self.comment, self.columns, DIALECT, borrow=False)


@dataclass
class RailsSchema:
    path: Path
    text: str
    models: list[RailsTable] = field(default_factory=list)
    version: str | None = None  # ActiveRecord::Schema[7.1]: the migrations' version
    dumped: int | None = None  # define(version: …): the last migration the schema holds
    orm = "Rails"

    def ddl(self) -> str:
        return render_ddl([m.info() for m in self.models], DIALECT)


def is_schema_path(path: PurePath) -> bool:
    """Where Rails dumps a database's schema: ``db/schema.rb``, or ``db/<name>_schema.rb`` for
    one of several databases."""
    return path.name == "schema.rb" or path.name.endswith("_schema.rb")


def holds_schema(text: str) -> bool:
    return re.search(r"^\s*ActiveRecord::Schema(\[[\d.]+\])?\.define\b", text, re.MULTILINE) is not None


def _type(kind: str, options: dict[str, object]) -> str:
    base = _TYPES.get(kind, "text")
    limit, precision, scale = options.get("limit"), options.get("precision"), options.get("scale")
    if kind == "integer" and isinstance(limit, int):
        base = {1: "smallint", 2: "smallint", 3: "integer", 4: "integer"}.get(limit, "bigint")
    elif base in ("varchar", "bit", "varbit") and isinstance(limit, int):
        base = f"{base}({limit})"
    elif base == "numeric" and isinstance(precision, int):
        base = f"numeric({precision}, {scale if isinstance(scale, int) else 0})"
    elif base == "timestamp" and isinstance(precision, int) and precision != 6:
        base = f"timestamp({precision})"
    return f"{base}[]" if options.get("array") is True else base


def _virtual_type(kind: str, options: dict[str, object]) -> str:
    """A generated column's type is its ``type:`` (``t.virtual "full_name", type: :string``)."""
    given = options.get("type")
    return given.name if kind == "virtual" and isinstance(given, _Symbol) else kind


def _default(value: object) -> str | None:
    if isinstance(value, _Expression):
        return value.sql
    if isinstance(value, dict):  # a json's default: {} alone is written as a literal
        return None if value else sql_literal("{}", DIALECT)
    if isinstance(value, list):  # an array's default: its literal, if simple
        items = [str(v) for v in value if isinstance(v, str | int | float) and not isinstance(v, bool)]
        return sql_literal("{" + ",".join(items) + "}", DIALECT) if len(items) == len(value) else None
    if isinstance(value, bool | int | float | str):
        return sql_literal(value, DIALECT)
    return None


# ActiveSupport's singular rules (inflections.rb), the last that matches first, as it applies them
_SINGULAR_RULES = [
    (r"s$", ""),
    (r"(ss)$", r"\1"),
    (r"(n)ews$", r"\1ews"),
    (r"([ti])a$", r"\1um"),
    (r"((a)naly|(b)a|(d)iagno|(p)arenthe|(p)rogno|(s)ynop|(t)he)(sis|ses)$", r"\1sis"),
    (r"(^analy)(sis|ses)$", r"\1sis"),
    (r"([^f])ves$", r"\1fe"),
    (r"(hive)s$", r"\1"),
    (r"(tive)s$", r"\1"),
    (r"([lr])ves$", r"\1f"),
    (r"([^aeiouy]|qu)ies$", r"\1y"),
    (r"(s)eries$", r"\1eries"),
    (r"(m)ovies$", r"\1ovie"),
    (r"(x|ch|ss|sh)es$", r"\1"),
    (r"^(m|l)ice$", r"\1ouse"),
    (r"(bus)(es)?$", r"\1"),
    (r"(o)es$", r"\1"),
    (r"(shoe)s$", r"\1"),
    (r"(cris|test)(is|es)$", r"\1is"),
    (r"^(a)x[ie]s$", r"\1xis"),
    (r"(octop|vir)(us|i)$", r"\1us"),
    (r"(alias|status)(es)?$", r"\1"),
    (r"^(ox)en", r"\1"),
    (r"(vert|ind)ices$", r"\1ex"),
    (r"(matr)ices$", r"\1ix"),
    (r"(quiz)zes$", r"\1"),
    (r"(database)s$", r"\1"),
][::-1]
_IRREGULAR = {
    "people": "person",
    "men": "man",
    "children": "child",
    "sexes": "sex",
    "moves": "move",
    "zombies": "zombie",
}
_UNCOUNTABLE = {"equipment", "information", "rice", "money", "species", "series", "fish", "sheep", "jeans", "police"}


def _singular(table: str) -> str:
    """Rails' column for a reference to ``table`` (``users`` → ``user``, ``people`` → ``person``),
    by ActiveSupport's English inflections, applied to the whole name as ``singularize`` does."""
    name = table.rpartition(".")[2]
    if name.lower() in _UNCOUNTABLE:
        return name
    for plural, single in _IRREGULAR.items():
        if name.lower().endswith(plural):
            return name[: len(name) - len(plural)] + single
    for pattern, replacement in _SINGULAR_RULES:
        if re.search(pattern, name, re.IGNORECASE):
            return re.sub(pattern, replacement, name, count=1, flags=re.IGNORECASE)
    return name


def read_schema(path: Path, text: str) -> RailsSchema:
    """The tables of a schema.rb, in the order dumped. Raises ModelsError for one that cannot
    be read."""
    found = RailsSchema(path, text)
    if (version := re.search(r"ActiveRecord::Schema\[([\d.]+)\]", text)) is not None:
        found.version = version.group(1)
    if (dumped := re.search(r"\.define\(\s*version:\s*([\d_]+)", text)) is not None:
        found.dumped = int(dumped.group(1).replace("_", ""))
    enums: dict[str, list[str]] = {}
    tables: dict[str, RailsTable] = {}
    table: RailsTable | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        call = re.match(r"(create_table|create_enum|add_foreign_key|t\.(\w+))\b\s*\(?", stripped)
        if call is None:
            if stripped == "end":
                table = None
            continue
        try:
            args, options = _arguments(stripped[call.end() :].rstrip(")"))
        except ValueError as error:
            raise ModelsError(f"{path}:{number}:1: cannot read {call.group(1)}: {error}") from None
        name = args[0] if args and isinstance(args[0], str) else None
        if call.group(1) == "create_enum" and name and args[1:] and isinstance(args[1], list):
            enums[name] = [str(v) for v in args[1]]
        elif call.group(1) == "create_table" and name:
            table = RailsTable(name, number, line.index(stripped) + call.end() + 1)
            comment = options.get("comment")
            table.comment = comment if isinstance(comment, str) else None
            tables[name] = table
            found.models.append(table)
            key = options.get("primary_key")
            kind = options.get("id", _Symbol("bigint"))
            # the key's options: the table's (id: :uuid, default: …), or its own hash when it has
            # a comment (id: { type: :uuid, comment: "…" })
            own = kind if isinstance(kind, dict) else options
            kind = own.get("type", _Symbol("bigint")) if isinstance(kind, dict) else kind
            if kind is not False and not isinstance(key, list):
                data_type = _type(kind.name if isinstance(kind, _Symbol) else "bigint", own)
                said = own.get("comment") if own is not options else None
                column = RailsColumn(
                    key if isinstance(key, str) else "id",
                    data_type,
                    True,
                    True,
                    default=_default(own.get("default")),
                    comment=said if isinstance(said, str) else None,
                )
                table.columns.append(column)
            if isinstance(key, list):  # a composite key, its columns declared in the block
                table.key = tuple(map(str, key))
        elif call.group(1) == "add_foreign_key" and name and args[1:] and isinstance(args[1], str):
            owner, target = tables.get(name), args[1]
            named = options.get("column")
            source = named if isinstance(named, str) else f"{_singular(target)}_id"
            primary = options.get("primary_key")
            referenced = primary if isinstance(primary, str) else "id"
            matched = next((c for c in owner.columns if c.column == source), None) if owner else None
            if matched is not None:
                matched.references = (target.rpartition(".")[2], referenced)
        elif table is not None and call.group(2):
            kind = call.group(2)
            indexed = args[0] if args and isinstance(args[0], list) else []
            if kind == "index" and options.get("unique") is True and len(indexed) == 1:
                unique = next((c for c in table.columns if c.column == indexed[0]), None)
                if unique is not None:
                    unique.unique = True
            if kind in _NOT_COLUMNS or name is None:
                continue
            values = enums.get(str(options.get("enum_type"))) if kind == "enum" else None
            comment = options.get("comment")
            table.columns.append(
                RailsColumn(
                    name,
                    _type(_virtual_type(kind, options), options),
                    options.get("null") is False,
                    name in table.key,
                    default=_default(options.get("default")),
                    check=in_check(quote(name, DIALECT), values, DIALECT, MAX_VALUES) if values else None,
                    comment=comment if isinstance(comment, str) else None,
                )
            )
    found.models = [m for m in found.models if m.columns]
    return found


def plan_schema(schema: RailsSchema, *, overwrite: bool = False) -> FilePlan:
    """The tables read as a file of PostgreSQL DDL, with the requests they need."""
    return plan_file(schema.ddl(), path=str(schema.path), dialect=DIALECT, overwrite=overwrite, dialect_reason=REASON)


def migrations_folder(path: Path) -> Path:
    """Where the migrations of a schema go: ``db/migrate`` for ``db/schema.rb``,
    ``db/<name>_migrate`` for ``db/<name>_schema.rb``."""
    prefix = path.name[: -len("schema.rb")]
    return path.parent / f"{prefix}migrate"


def _migration_version(schema: RailsSchema, folder: Path) -> str:
    """The ``ActiveRecord::Migration[x.y]`` the new migration declares: the schema's (Rails 7+),
    else the newest migration's, else 6.1."""
    if schema.version:
        return schema.version
    for path in sorted(folder.glob("*.rb"), reverse=True) if folder.is_dir() else []:
        found = re.search(r"ActiveRecord::Migration\[([\d.]+)\]", path.read_text(encoding="utf-8", errors="replace"))
        if found:
            return found.group(1)
    return "6.1"


def _new_migration_path(schema: RailsSchema, folder: Path, now: datetime.datetime | None = None) -> tuple[Path, str]:
    """The new migration's file (a timestamp after the schema's version and every migration's)
    and its class's name (unique among the folder's, as Rails requires)."""
    existing = [p.name for p in folder.glob("*.rb")] if folder.is_dir() else []
    stamps = [int(m.group(1)) for name in existing if (m := re.match(r"(\d{14})_", name))]
    if schema.dumped is not None:
        stamps.append(schema.dumped)
    stamp = int((now or datetime.datetime.now(datetime.UTC)).strftime("%Y%m%d%H%M%S"))
    stamp = max([stamp, *(s + 1 for s in stamps)])
    taken = {re.sub(r"^\d+_", "", name)[: -len(".rb")] for name in existing}
    name, n = MIGRATION_NAME, 1
    while name in taken:
        n += 1
        name = f"{MIGRATION_NAME}_{n}"
    return folder / f"{stamp}_{name}.rb", "".join(part.capitalize() for part in name.split("_"))


def _pending(schema: RailsSchema, folder: Path) -> Path | None:
    """A migration sqlscribe wrote that the schema does not hold yet (it is newer than the
    schema's version): documenting again would write its comments twice."""
    dumped = schema.dumped
    for path in sorted(folder.glob(f"*_{MIGRATION_NAME}*.rb")) if folder.is_dir() and dumped else []:
        stamp = re.match(rf"(\d+)_{MIGRATION_NAME}(_\d+)?\.rb$", path.name)
        if stamp is not None and dumped is not None and int(stamp.group(1)) > dumped:
            return path
    return None


def _ruby_name(name: str) -> str:
    return f":{name}" if re.fullmatch(r"[A-Za-z_]\w*", name) else ruby_string(name)


def migration_text(schema: RailsSchema, planned: list[Planned[RailsTable]], class_name: str, version: str) -> str:
    lines = [
        f"# Comments on the tables and columns of {schema.path.name}, written by sqlscribe;",
        "# `bin/rails db:migrate` carries them into the database and schema.rb.",
        f"class {class_name} < ActiveRecord::Migration[{version}]",
        "  def change",
    ]
    for plan in planned:
        table = _ruby_name(plan.model.name)
        if plan.description is not None:
            was = ruby_string(plan.model.comment) if plan.model.comment is not None else "nil"
            lines.append(f"    change_table_comment {table}, from: {was}, to: {ruby_string(plan.description)}")
        for column in plan.model.columns:
            comment = plan.columns.get(column.column)
            if comment is None:
                continue
            was = ruby_string(column.comment) if column.comment is not None else "nil"
            named = f"{table}, {_ruby_name(column.column)}"
            lines.append(f"    change_column_comment {named}, from: {was}, to: {ruby_string(comment)}")
    lines += ["  end", "end", ""]
    return "\n".join(lines)


def read_migration(text: str) -> dict[tuple[str, str | None], str]:
    """The comments a migration of ``migration_text``'s sets, by (table, column or None)."""
    found: dict[tuple[str, str | None], str] = {}
    for line in text.splitlines():
        call = re.match(r"\s*change_(table|column)_comment\s+", line)
        if call is None:
            continue
        args, options = _arguments(line[call.end() :])
        names = [a.name if isinstance(a, _Symbol) else str(a) for a in args]
        to = options.get("to")
        if isinstance(to, str) and names:
            found[(names[0], names[1] if call.group(1) == "column" and len(names) > 1 else None)] = to
    return found


def record_schema(
    schema: RailsSchema, outcome: FileOutcome, *, overwrite: bool = False, now: datetime.datetime | None = None
) -> EditedSources:
    """The new migration that records what ``outcome`` documented: every comment the schema
    lacks (with ``overwrite``, any that differs), read back before it is offered."""
    label = str(schema.path)
    result = EditedSources(label, outcome, [], [], [])
    if len(outcome.parsed.tables) != len(schema.models):
        result.problems.append(f"{label}: the schema did not all read back as DDL; nothing written")
        return result
    planned, _ = planned_comments(schema.models, outcome, overwrite=overwrite)
    if not planned:
        return result
    folder = migrations_folder(schema.path)
    pending = _pending(schema, folder)
    if pending is not None:
        result.problems.append(
            f"{label}: {pending} (sqlscribe's) is newer than the schema: run `bin/rails db:migrate`,"
            " which dumps its comments into the schema, then document again; nothing written"
        )
        return result
    path, class_name = _new_migration_path(schema, folder, now)
    text = migration_text(schema, planned, class_name, _migration_version(schema, folder))
    expected: dict[tuple[str, str | None], str] = {
        (p.model.name, None): p.description for p in planned if p.description is not None
    }
    expected |= {(p.model.name, column): comment for p in planned for column, comment in p.columns.items()}
    if read_migration(text) != expected:
        result.problems.append(f"{label}: the new migration's comments do not read back as planned; nothing written")
        return result
    result.changes.append(FileChange(path, "", text, created=True))
    result.notes.append(f"{label}: the comments go into a new migration, {path}; {NEXT_STEP}")
    return result
