"""SQLAlchemy models documented where SQLAlchemy keeps a database's documentation: each column's
``comment=`` and each table's ``comment`` (``__table_args__`` of a declarative class, the
``comment=`` of a ``Table(…)``), as ``sqlscribe document app/models.py`` writes them. Alembic's
``revision --autogenerate`` then finds the comments that changed and writes the migration that
puts them into the database (``metadata.create_all`` puts them into new tables), and the models
stay the one source of truth.

Read with ``ast``, never imported. What is read:

- declarative classes with a ``__tablename__`` (1.x's ``Column`` and 2.0's ``mapped_column``
  and bare ``Mapped[...]`` annotations, ``Annotated`` aliases included), Flask-SQLAlchemy's
  ``db.Model`` classes (named as it names them), single-table subclasses (their columns are
  their parent's table's), and mixins (documented in their own body, where the classes that
  extend them inherit their columns);
- Core's ``Table("name", metadata, Column("id", …), …)``;
- SQLModel's ``table=True`` classes, with the fields of the bases they alone extend (the
  comment goes into ``Field(sa_column_kwargs={"comment": …})``; an API's schemas, SQLModel
  classes no table extends, are left alone).

Each is shown to the pipeline as a PostgreSQL table of the column types (``String(80)`` is
``varchar(80)``, ``Mapped[Optional[datetime]]`` a nullable ``timestamp``), its keys, defaults and
an ``Enum``'s values, so that the model and the heuristic see what they see for a table in a file.
A column's ``doc=`` and a class's docstring stand for the comments the authors did not write.
The edit adds ``comment=`` to each column's call (``= mapped_column(comment=…)`` to a bare
annotation) and the table's comment to its ``__table_args__`` (a new ``__table_args__`` after
``__tablename__`` where there is none), touches nothing else, and is read back before it is kept.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from sqlscribe.databases import TableInfo, declared_table, quote, render_ddl
from sqlscribe.ddl import EditConflictError, TextEdit, apply_edits
from sqlscribe.django_migrations import python_literal
from sqlscribe.document import EditedSources, FileOutcome, FilePlan, plan_file
from sqlscribe.python_source import (
    ModelsError,
    Planned,
    Source,
    abstract_name,
    constant_of,
    element_edits,
    entry_edits,
    in_check,
    keyword_edits,
    keyword_of,
    line_length,
    name_of,
    read_back,
    record_edit,
    replace,
    span,
    sql_literal,
    text_of,
)

DIALECT = "postgres"
REASON = "the PostgreSQL types of the models' SQLAlchemy column types"
NEXT_STEP = (
    "run `alembic revision --autogenerate` to carry the comments into the database"
    " (`metadata.create_all` writes them with new tables)"
)
MIXIN = "Mixin: the mapped classes that extend it inherit its columns."
TABLE_COMMENT = "no table comment"

# SQLAlchemy's types (generic and upper-case SQL ones) and the PostgreSQL type each is
_TYPES: dict[str, str] = {
    "Integer": "integer",
    "INTEGER": "integer",
    "INT": "integer",
    "BigInteger": "bigint",
    "BIGINT": "bigint",
    "SmallInteger": "smallint",
    "SMALLINT": "smallint",
    "Boolean": "boolean",
    "BOOLEAN": "boolean",
    "String": "varchar",
    "VARCHAR": "varchar",
    "Unicode": "varchar",
    "NVARCHAR": "varchar",
    "CHAR": "char",
    "NCHAR": "char",
    "Text": "text",
    "UnicodeText": "text",
    "TEXT": "text",
    "CLOB": "text",
    "DateTime": "timestamp",
    "DATETIME": "timestamp",
    "TIMESTAMP": "timestamp",
    "Date": "date",
    "DATE": "date",
    "Time": "time",
    "TIME": "time",
    "Interval": "interval",
    "INTERVAL": "interval",
    "Numeric": "numeric",
    "NUMERIC": "numeric",
    "DECIMAL": "numeric",
    "Float": "double precision",
    "FLOAT": "double precision",
    "Double": "double precision",
    "DOUBLE": "double precision",
    "DOUBLE_PRECISION": "double precision",
    "REAL": "real",
    "LargeBinary": "bytea",
    "BLOB": "bytea",
    "BINARY": "bytea",
    "VARBINARY": "bytea",
    "BYTEA": "bytea",
    "PickleType": "bytea",
    "JSON": "json",
    "JSONB": "jsonb",
    "UUID": "uuid",
    "Uuid": "uuid",
    "INET": "inet",
    "CIDR": "cidr",
    "MACADDR": "macaddr",
    "TSVECTOR": "tsvector",
    "HSTORE": "hstore",
    "Enum": "varchar",
    "ENUM": "varchar",
    # the dialects' own: PostgreSQL's (kept), MySQL's and SQL Server's (as PostgreSQL's)
    "CITEXT": "citext",
    "MONEY": "money",
    "BIT": "bit",
    "OID": "oid",
    "TSQUERY": "tsquery",
    "INT4RANGE": "int4range",
    "INT8RANGE": "int8range",
    "NUMRANGE": "numrange",
    "DATERANGE": "daterange",
    "TSRANGE": "tsrange",
    "TSTZRANGE": "tstzrange",
    "TINYINT": "smallint",
    "MEDIUMINT": "integer",
    "YEAR": "smallint",
    "TINYTEXT": "text",
    "MEDIUMTEXT": "text",
    "LONGTEXT": "text",
    "NTEXT": "text",
    "DATETIME2": "timestamp",
    "SMALLDATETIME": "timestamp",
    "DATETIMEOFFSET": "timestamp with time zone",
    "UNIQUEIDENTIFIER": "uuid",
    # extensions' types: GeoAlchemy2's, pgvector's, SQLAlchemy-Utils'
    "Geometry": "geometry",
    "Geography": "geography",
    "Raster": "raster",
    "Vector": "vector",
    "VECTOR": "vector",
    "HALFVEC": "halfvec",
    "UUIDType": "uuid",
    "EmailType": "varchar(255)",
    "URLType": "text",
    "JSONType": "json",
    "PasswordType": "bytea",
    "PhoneNumberType": "varchar(20)",
    "CurrencyType": "varchar(3)",
    "CountryType": "varchar(2)",
    "LocaleType": "varchar(10)",
    "TimezoneType": "varchar(50)",
    "IPAddressType": "varchar(50)",
    "ColorType": "varchar(20)",
    "ArrowType": "timestamp",
    "ChoiceType": "varchar(255)",
    "ScalarListType": "text",
    "TSVectorType": "tsvector",
    "LtreeType": "ltree",
    "DateRangeType": "daterange",
    "DateTimeRangeType": "tsrange",
    "IntRangeType": "int4range",
    "NumericRangeType": "numrange",
    "StringEncryptedType": "varchar",
    "EncryptedType": "varchar",
}
# A type of the project's own (a TypeDecorator imported from elsewhere) by the SQL type its
# name ends with (``UTCDateTime``, ``TrimmedString``) or names (``JSONEncodedDict``, ``GUID``)
_NAMED_TYPES = (("JSON", "json"), ("UUID", "uuid"), ("GUID", "uuid"))
# The type a bare ``Mapped[...]`` annotation's Python type maps to (SQLAlchemy's default map)
_PYTHON_TYPES = {
    "int": "integer",
    "str": "varchar",
    "bool": "boolean",
    "float": "double precision",
    "Decimal": "numeric",
    "datetime": "timestamp",
    "date": "date",
    "time": "time",
    "timedelta": "interval",
    "bytes": "bytea",
    "UUID": "uuid",
    "dict": "json",
}
_COLUMN_CALLS = ("Column", "mapped_column")
DECLARATIVE_BASES = ("DeclarativeBase", "DeclarativeBaseNoMeta")
_NOT_TYPES = ("ForeignKey", "Sequence", "Identity", "Computed", "CheckConstraint")
MAX_VALUES = 24  # an Enum's values shown as a CHECK, up to so many


@dataclass
class MappedColumn:
    attribute: str | None  # the class's attribute (None in a Core table)
    column: str
    call: ast.Call | None  # Column(…) / mapped_column(…); None for a bare annotation
    annotation: ast.AnnAssign | None  # a bare ``x: Mapped[int]``, which gets ``= mapped_column(…)``
    data_type: str
    not_null: bool
    primary: bool
    unique: bool
    default: str | None
    check: str | None
    references: tuple[str, str] | None  # (table, column) of a foreign key
    comment: str | None
    doc: str | None
    comment_node: ast.expr | None
    # SQLModel: the comment goes into Field(sa_column_kwargs={"comment": …}) (``call`` is the
    # Field; ``kwargs`` its sa_column_kwargs dict; ``value`` a plain default, made a Field's)
    field: bool = False
    kwargs: ast.Dict | None = None
    value: ast.expr | None = None

    @property
    def lent(self) -> str | None:
        return self.doc


@dataclass
class MappedTable:
    name: str  # the class's, or the Table's variable's
    line: int  # where --check and the editor name it
    column_offset: int  # of the name on that line
    table: str
    schema: str | None
    kind: str  # "class", "mixin" or "table" (Core)
    node: ast.ClassDef | ast.Call
    columns: list[MappedColumn]
    comment: str | None
    docstring: str | None
    comment_node: ast.expr | None
    table_args: ast.expr | None  # a class's __table_args__ value
    after: ast.stmt | None  # where a new __table_args__ goes after (its __tablename__)

    @property
    def lends_columns(self) -> bool:
        return self.kind == "mixin"

    @property
    def label(self) -> str:
        if self.kind == "table":
            return f"table {self.table}"
        return f"{'mixin' if self.kind == 'mixin' else 'model'} {self.name} ({self.table})"

    def info(self, *, borrow: bool) -> TableInfo:
        comment = MIXIN if self.kind == "mixin" else self.comment or (self.docstring if borrow else None)
        return declared_table(self.schema or "public", self.table, comment, self.columns, DIALECT, borrow=borrow)


@dataclass
class MappedFile:
    path: Path
    text: str
    models: list[MappedTable] = field(default_factory=list)
    orm: str = "SQLAlchemy"  # or "SQLModel", as the editor names the file's tables

    def ddl(self, *, borrow: bool = True) -> str:
        return render_ddl([m.info(borrow=borrow) for m in self.models], DIALECT)


def holds_models(text: str) -> bool:
    """Whether a Python text defines SQLAlchemy tables, on its face (it imports SQLAlchemy,
    Flask-SQLAlchemy or SQLModel and calls ``Column``, ``mapped_column`` or ``Table``, annotates
    ``Mapped[…]`` or declares a SQLModel ``table=True``); not an Alembic revision or ``env.py``,
    whose ``sa.Column``s are a migration's."""
    return (
        re.search(r"\b(sqlalchemy|flask_sqlalchemy|sqlmodel)\b", text) is not None
        and re.search(r"\b(Column|mapped_column|Table)\(|\bMapped\[|\btable\s*=\s*True\b", text) is not None
        and re.search(r"^\s*(from|import)\s+alembic\b", text, re.MULTILINE) is None
    )


# ---------------------------------------------------------------------------------------------
# Reading


def _named_type(name: str) -> str:
    """The SQL type a type that sqlscribe does not know names: ``UTCDateTime`` is a timestamp,
    ``JSONEncodedDict`` json; text for the rest."""
    ending = max((t for t in _TYPES if t[0].isupper() and t[1:2].islower() and name.endswith(t)), key=len, default=None)
    if ending is not None:
        return _TYPES[ending]
    return next((sql for part, sql in _NAMED_TYPES if part in name.upper()), "text")


def _string(node: ast.expr) -> str | None:
    """A string literal itself (``text_of`` also reads one inside a call: ``_("…")``)."""
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _snake(name: str) -> str:
    """Flask-SQLAlchemy's table name for a class: ``OrderItem`` is ``order_item``."""
    return re.sub(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))", r"_\1", name).lower()


def _check(column: str, values: list[str]) -> str | None:
    return in_check(quote(column, DIALECT), values, DIALECT, MAX_VALUES)


def _sql_function(node: ast.expr | None) -> str | None:
    """``func.now()`` as SQL's ``now()``; "" for a ``func`` call with arguments (not shown);
    None for any other expression."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and name_of(node.func.value) == "func":
        return "" if node.args else f"{node.func.attr}()"
    return None


def _default(call: ast.Call) -> str | None:
    """A column's default as SQL: ``server_default`` (a string, ``text("…")``, ``func.now()``),
    else a constant ``default`` or ``func.now()``."""
    server = keyword_of(call, "server_default")
    default = server if server is not None else keyword_of(call, "default")
    if (function := _sql_function(default)) is not None:
        return function or None
    if server is None:
        return sql_literal(constant_of(default), DIALECT)
    if isinstance(server, ast.Call) and name_of(server.func) == "text" and server.args:
        return text_of(server.args[0])
    return sql_literal(text_of(server), DIALECT)


def _unwrap_optional(node: ast.expr) -> tuple[ast.expr, bool]:
    """``Optional[X]``, ``X | None`` and ``Union[X, None]``: X, and whether None was allowed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return node, False
    if isinstance(node, ast.Subscript) and name_of(node.value) == "Optional":
        return _unwrap_optional(node.slice)[0], True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        sides = [node.left, node.right]
        others = [s for s in sides if not (isinstance(s, ast.Constant) and s.value is None)]
        if len(others) == 1:
            return _unwrap_optional(others[0])[0], True
    if isinstance(node, ast.Subscript) and name_of(node.value) == "Union" and isinstance(node.slice, ast.Tuple):
        others = [e for e in node.slice.elts if not (isinstance(e, ast.Constant) and e.value is None)]
        if len(others) == 1:
            return _unwrap_optional(others[0])[0], len(others) < len(node.slice.elts)
    return node, False


class _Reader:
    def __init__(self, path: Path, text: str, tree: ast.Module) -> None:
        self.path = path
        self.tree = tree
        self.enums: dict[str, list[str]] = {}  # a Python enum's member names (what Enum(cls) stores)
        self.aliases: dict[str, ast.Subscript] = {}  # intpk = Annotated[int, mapped_column(…)]
        self.tables: dict[str, str] = {}  # class or Table variable -> its table
        self.decorators: dict[str, ast.expr] = {}  # a TypeDecorator of the file's -> its impl
        self.resolving: set[str] = set()
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and any(name_of(b) == "TypeDecorator" for b in node.bases):
                impl = _class_value(node, "impl")
                if impl is not None:
                    self.decorators[node.name] = impl
            if isinstance(node, ast.ClassDef) and any(
                name_of(b) in ("Enum", "IntEnum", "StrEnum", "IntFlag", "Flag") for b in node.bases
            ):
                self.enums[node.name] = [
                    s.targets[0].id
                    for s in node.body
                    if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name)
                ]
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                value = node.value
                if isinstance(value, ast.Subscript) and name_of(value.value) == "Annotated":
                    self.aliases[node.targets[0].id] = value
                if isinstance(value, ast.Call) and name_of(value.func) == "Table":
                    name = _string(value.args[0]) if value.args else None
                    if name:
                        self.tables[node.targets[0].id] = name

    def enum_check(self, column: str, type_node: ast.expr) -> str | None:
        """``Enum("a", "b")`` or ``Enum(Status)`` (a Python enum of the file, stored by its
        members' names) as the values the column holds."""
        if not (isinstance(type_node, ast.Call) and name_of(type_node.func) in ("Enum", "ENUM")):
            return None
        values: list[str] = []
        for arg in type_node.args:
            if (literal := _string(arg)) is not None:
                values.append(literal)
            elif isinstance(arg, ast.Name) and arg.id in self.enums:
                values += self.enums[arg.id]
        return _check(column, values)

    def sql_type(self, node: ast.expr) -> str:
        """A SQLAlchemy type (``String(80)``, ``sa.Numeric(10, 2)``, ``ARRAY(Integer)``) as
        PostgreSQL's; a ``TypeDecorator`` of the file's as its ``impl``."""
        call = node if isinstance(node, ast.Call) else None
        name = name_of(call.func if call else node) or ""
        if name == "ARRAY" and call and call.args:
            return f"{self.sql_type(call.args[0])}[]"
        if name in self.decorators and name not in self.resolving:
            impl = self.decorators[name]
            self.resolving.add(name)  # impl = OtherDecorator, and no further round
            try:
                # arguments given to the decorator are its impl's: TrimmedString(40) is a String(40)
                if call is not None and not isinstance(impl, ast.Call) and (call.args or call.keywords):
                    return self.sql_type(ast.Call(func=impl, args=call.args, keywords=call.keywords))
                return self.sql_type(impl)
            finally:
                self.resolving.discard(name)
        base = _TYPES.get(name) or _named_type(name)
        if call is None:
            return base
        numbers = [constant_of(a) for a in call.args]
        numbers = [n for n in numbers if isinstance(n, int) and not isinstance(n, bool)]
        length = constant_of(keyword_of(call, "length"))
        if base in ("varchar", "char") and (numbers or isinstance(length, int)):
            return f"{base}({numbers[0] if numbers else length})"
        if base in ("vector", "halfvec", "bit") and numbers:
            return f"{base}({numbers[0]})"
        if base in ("geometry", "geography"):
            shape = _string(call.args[0]) if call.args else text_of(keyword_of(call, "geometry_type"))
            srid = constant_of(keyword_of(call, "srid"))
            if shape and isinstance(srid, int) and srid > 0:
                return f"{base}({shape.upper()}, {srid})"
            return f"{base}({shape.upper()})" if shape else base
        if base == "numeric":
            digits = numbers or [constant_of(keyword_of(call, "precision")), constant_of(keyword_of(call, "scale"))]
            digits = [d for d in digits if isinstance(d, int)]
            return f"numeric({', '.join(map(str, digits))})" if digits else base
        if base in ("timestamp", "time") and constant_of(keyword_of(call, "timezone")) is True:
            return f"{base} with time zone"
        return base

    def python_type(self, node: ast.expr) -> tuple[str, list[str]] | None:
        """A bare annotation's Python type as the SQL type SQLAlchemy maps it to, and the values
        of its CHECK (an enum's, by name; a ``Literal``'s); None for what is no column (a
        related class)."""
        if isinstance(node, ast.Subscript) and name_of(node.value) == "Literal":
            items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            values = [v for v in map(_string, items) if v is not None]
            return "varchar", values if len(values) == len(items) else []  # strings alone make a CHECK
        name = name_of(node) if isinstance(node, ast.Name | ast.Attribute) else None
        if name in _PYTHON_TYPES:
            return _PYTHON_TYPES[name], []
        if name in self.enums:
            return "varchar", self.enums[name]
        return None

    def column(
        self,
        attribute: str | None,
        call: ast.Call | None,
        annotation: ast.expr | None,
        bare: ast.AnnAssign | None = None,
    ) -> MappedColumn | None:
        """One column, from its ``Column``/``mapped_column`` call and (2.0) its ``Mapped[…]``
        annotation; None where neither makes a column of it."""
        args = list(call.args) if call else []
        name = _string(args[0]) if args else None
        if name is not None:
            args = args[1:]
        alias_call: ast.Call | None = None
        nullable_by_type: bool | None = None
        python: tuple[str, list[str]] | None = None
        if annotation is not None and isinstance(annotation, ast.Subscript) and name_of(annotation.value) == "Mapped":
            inner, optional = _unwrap_optional(annotation.slice)
            if isinstance(inner, ast.Name) and inner.id in self.aliases:
                alias = self.aliases[inner.id].slice
                parts = alias.elts if isinstance(alias, ast.Tuple) else [alias]
                inner, alias_optional = _unwrap_optional(parts[0])
                optional = optional or alias_optional
                alias_call = next(
                    (p for p in parts[1:] if isinstance(p, ast.Call) and name_of(p.func) in _COLUMN_CALLS), None
                )
            python = self.python_type(inner)
            nullable_by_type = optional
        calls = [c for c in (call, alias_call) if c is not None]

        def option(key: str) -> object:
            for c in calls:
                if (value := keyword_of(c, key)) is not None:
                    return constant_of(value)
            return None

        type_node = _explicit_type(call) if call else None
        if type_node is None and alias_call is not None:
            type_node = _explicit_type(alias_call)
        foreign = next(
            (
                a
                for c in calls
                for a in c.args
                if isinstance(a, ast.Call) and name_of(a.func) == "ForeignKey" and a.args
            ),
            None,
        )
        references = self.target(foreign.args[0]) if foreign is not None else None
        column = name or attribute
        if column is None:
            return None
        check = None
        if type_node is not None:
            data_type = self.sql_type(type_node)
            check = self.enum_check(column, type_node)
        elif python is not None:
            data_type, values = python
            check = _check(column, values)
        elif references is not None:
            data_type = "integer"  # SQLAlchemy takes the referenced column's; settled below
        else:
            return None  # Mapped["Order"] and the like: a relationship's, no column
        primary = option("primary_key") is True
        nullable = option("nullable")
        if isinstance(nullable, bool):
            not_null = not nullable
        elif nullable_by_type is not None:  # 2.0: Mapped[Optional[…]] is nullable, Mapped[…] not
            not_null = not nullable_by_type
        else:
            not_null = primary
        comment_node = keyword_of(call, "comment") if call else None
        return MappedColumn(
            attribute,
            column,
            call,
            bare,
            data_type,
            not_null,
            primary,
            option("unique") is True,
            _default(call) if call else None,
            check,
            references,
            text_of(comment_node),
            text_of(keyword_of(call, "doc")) if call else None,
            comment_node,
        )

    def field(self, attribute: str, statement: ast.AnnAssign) -> MappedColumn | None:
        """One column of a SQLModel table: ``name: str = Field(max_length=80)``, a plain
        default or none; ``sa_column=Column(…)`` is that Column's. None for a relationship."""
        value = statement.value
        call = value if isinstance(value, ast.Call) and name_of(value.func) == "Field" else None
        if isinstance(value, ast.Call) and call is None:
            return None  # Relationship(…), or a default computed by a call: left alone
        if call is not None and isinstance(sa_column := keyword_of(call, "sa_column"), ast.Call):
            return self.column(attribute, sa_column, None)
        inner, optional = _unwrap_optional(statement.annotation)
        python = self.python_type(inner)
        foreign = text_of(keyword_of(call, "foreign_key")) if call else None
        if python is None and foreign is None:
            return None  # list["Hero"], "Team": a relationship's
        data_type, values = python or ("integer", [])

        def option(key: str) -> object:
            return constant_of(keyword_of(call, key)) if call else None

        sa_type = keyword_of(call, "sa_type") if call else None
        if sa_type is not None:
            data_type = self.sql_type(sa_type)
        elif data_type == "varchar" and isinstance(length := option("max_length"), int):
            data_type = f"varchar({length})"
        elif data_type == "numeric" and isinstance(digits := option("max_digits"), int):
            places = option("decimal_places")
            data_type = f"numeric({digits}, {places if isinstance(places, int) else 0})"
        primary = option("primary_key") is True
        nullable = option("nullable")
        not_null = primary or (not nullable if isinstance(nullable, bool) else not optional)
        kwargs = keyword_of(call, "sa_column_kwargs") if call else None
        kwargs = kwargs if isinstance(kwargs, ast.Dict) else None
        comment_node = None
        if kwargs is not None:
            comment_node = next(
                (
                    v
                    for k, v in zip(kwargs.keys, kwargs.values, strict=True)
                    if k is not None and _string(k) == "comment"
                ),
                None,
            )
        default_node = keyword_of(call, "default") if call else value
        return MappedColumn(
            attribute,
            attribute,
            call,
            statement if value is None else None,
            data_type,
            not_null,
            primary,
            option("unique") is True,
            sql_literal(constant_of(default_node), DIALECT),
            _check(attribute, values),
            self.target(ast.Constant(foreign)) if foreign else None,
            text_of(comment_node),
            text_of(keyword_of(call, "description")) if call else None,
            comment_node,
            field=True,
            kwargs=kwargs,
            value=value if call is None else None,
        )

    def target(self, node: ast.expr) -> tuple[str, str] | None:
        """A foreign key's target: ``"users.id"``, ``"auth.users.id"``, ``User.id``, ``users.c.id``."""
        literal = text_of(node)
        if literal is not None:
            parts = literal.split(".")
            return (parts[-2], parts[-1]) if len(parts) >= 2 else None
        if isinstance(node, ast.Attribute):
            owner = node.value
            if isinstance(owner, ast.Attribute) and owner.attr == "c":
                owner = owner.value
            owner_name = name_of(owner)
            if owner_name in self.tables:
                return self.tables[owner_name], node.attr
            if owner_name is not None:
                return owner_name, node.attr  # a class read later: its table is put in by read_mapped
        return None


def _table_args(node: ast.ClassDef) -> tuple[ast.expr | None, str | None, ast.expr | None, str | None]:
    """A class's ``__table_args__`` value, its ``comment`` and the node of it, and its ``schema``."""
    value = _class_value(node, "__table_args__")
    options = value.elts[-1] if isinstance(value, ast.Tuple) and value.elts else value
    if isinstance(options, ast.Dict):
        found = {text_of(k): v for k, v in zip(options.keys, options.values, strict=True) if k is not None}
        comment = found.get("comment")
        return value, text_of(comment), comment, text_of(found.get("schema"))
    return value, None, None, None


def _class_value(node: ast.ClassDef, name: str) -> ast.expr | None:
    for statement in node.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in statement.targets
        ):
            return statement.value
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and statement.target.id == name
        ):
            return statement.value
    return None


def _class_statement(node: ast.ClassDef, name: str) -> ast.stmt | None:
    return next(
        (
            s
            for s in node.body
            if isinstance(s, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in s.targets)
        ),
        None,
    )


def _docstring(node: ast.ClassDef) -> str | None:
    docstring = ast.get_docstring(node)
    return " ".join(docstring.split("\n\n")[0].split()) if docstring else None


def read_mapped(path: Path, text: str) -> MappedFile:
    """The file's mapped classes, mixins and Core tables, in the order written. Raises
    ModelsError when the file does not parse."""
    try:
        tree = ast.parse(text)
    except SyntaxError as error:
        raise ModelsError(f"{path}:{error.lineno or 1}:1: does not parse as Python: {error.msg}") from None
    reader = _Reader(path, text, tree)
    found = MappedFile(path, text)
    mapped: dict[str, MappedTable] = {}  # class -> the table its columns are in
    classes = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    keyed: set[str] = set()  # classes with a primary key column, their own or a base's
    bases_of_models = {  # Base = declarative_base(), and classes that extend a declarative base
        n.targets[0].id
        for n in tree.body
        if isinstance(n, ast.Assign)
        and isinstance(n.targets[0], ast.Name)
        and isinstance(n.value, ast.Call)
        and name_of(n.value.func) in ("declarative_base", "generate_base")
    }
    # SQLModel: the classes that extend SQLModel, and those a table=True class extends (whose
    # fields are its columns; the others are an API's schemas, no table's)
    sqlmodels: dict[str, ast.ClassDef] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and any(b in ("SQLModel", *sqlmodels) for b in map(name_of, node.bases)):
            sqlmodels[node.name] = node
    lenders: dict[str, set[str]] = {}  # a base -> the table classes that inherit its fields
    for node in reversed(sqlmodels.values()):
        heirs = {node.name} if _is_sqlmodel_table(node) else lenders.get(node.name, set())
        for base in (b for b in map(name_of, node.bases) if b in sqlmodels):
            lenders.setdefault(str(base), set()).update(heirs)
    # a base whose fields one table inherits is part of that table (the FastAPI tutorial's
    # HeroBase and Hero); one that several share is documented as a mixin
    lending = {name for name, heirs in lenders.items() if len(heirs) > 1}
    sole = {name for name, heirs in lenders.items() if len(heirs) == 1}
    if sqlmodels:
        found.orm = "SQLModel"
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Call):
            table = _core_table(reader, node, node.value)
            if table is not None:
                found.models.append(table)
            continue
        if not isinstance(node, ast.ClassDef) or node.name in reader.enums:
            continue
        if node.name in sqlmodels:
            table = _sqlmodel_table(reader, node, sqlmodels, lends=node.name in lending, sole=sole)
            if table is not None:
                found.models.append(table)
                if table.kind == "class":
                    reader.tables[node.name] = table.table
            continue
        columns = _class_columns(reader, node)
        bases = [name_of(b) for b in node.bases]
        parent = next((mapped[b] for b in bases if b in mapped), None)
        tablename = text_of(_class_value(node, "__tablename__"))
        # the declarative base itself is no table: its columns are its classes', as a mixin's
        abstract = constant_of(_class_value(node, "__abstract__")) is True or any(b in DECLARATIVE_BASES for b in bases)
        # mapped, though it names no table: it extends a declarative base (Flask-SQLAlchemy's
        # db.Model names the table for it; a base's declared_attr may), or a base from elsewhere
        # with its own key (a mixin has no base)
        declarative = any(
            b in bases_of_models or (isinstance(a, ast.Attribute) and a.attr == "Model")
            for a, b in zip(node.bases, bases, strict=True)
        )
        # a key of its own, or a mixin's (a mapped parent's makes it the parent's single table)
        primary = any(c.primary for c in columns) or any(b in keyed and b not in mapped for b in bases)
        if primary:
            keyed.add(node.name)
        elsewhere = any(b not in ("object", None) and b not in classes for b in bases)
        if declarative or abstract:
            bases_of_models.add(node.name)
        if (
            tablename is None
            and not abstract
            and (parent is None or primary)
            and (declarative or (elsewhere and primary))
        ):
            tablename = _snake(node.name)
        if tablename is None and parent is not None and not abstract:
            parent.columns += columns  # single-table inheritance: the parent's table has them
            mapped[node.name] = parent
            continue
        if not columns:
            continue
        kind = "class" if tablename else "mixin"
        table = _class_table(node, tablename or abstract_name(node.name), kind, columns)
        found.models.append(table)
        if kind == "class":
            mapped[node.name] = table
            reader.tables[node.name] = table.table
    # a mixin named as a table is (TeamBase's fields, Team's table) goes by its class's name
    by_table = {m.table: m for m in found.models if m.kind != "mixin"}
    for model in found.models:
        if model.kind == "mixin" and model.table in by_table:
            model.table = _snake(model.name)
    # a foreign key to a class read after it, and a key's type taken from what it references
    for model in found.models:
        for c in model.columns:
            if c.references is None:
                continue
            owner, column = c.references
            c.references = (reader.tables.get(owner, owner), column)
            target = by_table.get(c.references[0])
            referenced = next((t for t in target.columns if t.column == column), None) if target else None
            if referenced is not None and c.call is not None and _explicit_type(c.call) is None:
                c.data_type = referenced.data_type
    return found


def _explicit_type(call: ast.Call) -> ast.expr | None:
    """The type a ``Column`` / ``mapped_column`` call names (after the column's name, not a
    ``ForeignKey``; else its ``type_=``)."""
    args = call.args[1:] if call.args and _string(call.args[0]) is not None else call.args
    found = next((a for a in args if name_of(a.func if isinstance(a, ast.Call) else a) not in _NOT_TYPES), None)
    return found or keyword_of(call, "type_")


def _class_columns(reader: _Reader, node: ast.ClassDef) -> list[MappedColumn]:
    columns = []
    for statement in node.body:
        value: ast.expr | None
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value, annotation = statement.targets[0], statement.value, None
        elif isinstance(statement, ast.AnnAssign):
            target, value, annotation = statement.target, statement.value, statement.annotation
        else:
            continue
        if not isinstance(target, ast.Name) or target.id.startswith("__"):
            continue
        if isinstance(value, ast.Call) and name_of(value.func) in _COLUMN_CALLS:
            column = reader.column(target.id, value, annotation)
        elif value is None and annotation is not None and isinstance(statement, ast.AnnAssign):
            column = reader.column(target.id, None, annotation, statement)
        else:
            continue
        if column is not None:
            columns.append(column)
    return columns


def _is_sqlmodel_table(node: ast.ClassDef) -> bool:
    return any(k.arg == "table" and constant_of(k.value) is True for k in node.keywords)


def _sqlmodel_table(
    reader: _Reader, node: ast.ClassDef, classes: dict[str, ast.ClassDef], *, lends: bool, sole: set[str]
) -> MappedTable | None:
    """A SQLModel class: a table (``table=True``; named ``__tablename__`` or its class's name in
    lower case, as SQLModel names it) with the fields of the bases it alone inherits, or a base
    whose fields several tables inherit (as a mixin's)."""
    table = _is_sqlmodel_table(node)
    if not (table or lends):
        return None
    bodies: list[ast.ClassDef] = []
    if table:  # the fields of the bases it alone inherits come first, as SQLModel orders them

        def inherited(cls: ast.ClassDef) -> None:
            for base in map(name_of, cls.bases):
                if base in sole and base in classes and classes[base] not in bodies:
                    inherited(classes[base])
                    bodies.append(classes[base])

        inherited(node)
    columns = []
    for statement in (s for body in (*bodies, node) for s in body.body):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and not statement.target.id.startswith("_")
            and name_of(
                statement.annotation.value if isinstance(statement.annotation, ast.Subscript) else statement.annotation
            )
            != "ClassVar"
            and (column := reader.field(statement.target.id, statement)) is not None
        ):
            columns.append(column)
    if not columns:
        return None
    name = text_of(_class_value(node, "__tablename__")) or (node.name.lower() if table else abstract_name(node.name))
    return _class_table(node, name, "class" if table else "mixin", columns)


def _class_table(node: ast.ClassDef, name: str, kind: str, columns: list[MappedColumn]) -> MappedTable:
    """A class's table (or mixin), with its ``__table_args__`` and docstring."""
    args, comment, comment_node, schema = _table_args(node)
    return MappedTable(
        node.name,
        node.lineno,
        node.col_offset + len("class "),
        name,
        schema,
        kind,
        node,
        columns,
        comment,
        _docstring(node),
        comment_node,
        args,
        _class_statement(node, "__tablename__"),
    )


def _core_table(reader: _Reader, statement: ast.Assign | ast.AnnAssign, call: ast.Call) -> MappedTable | None:
    """``users = Table("users", metadata, Column("id", Integer, primary_key=True), …)``."""
    if name_of(call.func) != "Table" or not call.args or _string(call.args[0]) is None:
        return None
    target = statement.targets[0] if isinstance(statement, ast.Assign) else statement.target
    columns = []
    for arg in call.args[1:]:
        if isinstance(arg, ast.Call) and name_of(arg.func) == "Column" and arg.args and _string(arg.args[0]):
            column = reader.column(None, arg, None)
            if column is not None:
                columns.append(column)
    if not columns:
        return None
    comment_node = keyword_of(call, "comment")
    name = name_of(target) if isinstance(target, ast.Name) else None
    return MappedTable(
        name or str(_string(call.args[0])),
        target.lineno,
        target.col_offset,
        str(_string(call.args[0])),
        text_of(keyword_of(call, "schema")),
        "table",
        call,
        columns,
        text_of(comment_node),
        None,
        comment_node,
        None,
        None,
    )


# ---------------------------------------------------------------------------------------------
# Writing


def _mapped_column_name(tree: ast.Module) -> str | None:
    """How the file names ``mapped_column``: imported by name, or through ``sqlalchemy.orm``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "sqlalchemy.orm":
            for alias in node.names:
                if alias.name == "mapped_column":
                    return alias.asname or alias.name
        if isinstance(node, ast.ImportFrom) and node.module == "sqlalchemy":
            for alias in node.names:
                if alias.name == "orm":
                    return f"{alias.asname or 'orm'}.mapped_column"
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "sqlalchemy.orm":
                    return f"{alias.asname}.mapped_column" if alias.asname else "sqlalchemy.orm.mapped_column"
    return None


def _imported(tree: ast.Module, module: str, name: str) -> str | None:
    """The name the file gives ``name`` of ``module`` where it imports it (``from sqlmodel import Field``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == module:
            for alias in node.names:
                if alias.name == name:
                    return alias.asname or alias.name
    return None


def _column_edits(
    source: Source, column: MappedColumn, text: str, limit: int, mapped_column: str | None, field: str | None
) -> list[TextEdit] | None:
    """The edits that give a column its comment; None where nothing in the file can hold one (a
    bare annotation, and no ``mapped_column`` / ``Field`` imported to make a call of it)."""
    literal = python_literal(text)
    if column.comment_node is not None:
        return [replace(source, column.comment_node, literal)]
    if column.field:  # SQLModel's Field(sa_column_kwargs={"comment": …})
        if column.kwargs is not None:
            return entry_edits(source, column.kwargs, f'"comment": {literal}', limit)
        keyword = f'sa_column_kwargs={{"comment": {literal}}}'
        if column.call is not None:
            return keyword_edits(source, column.call, keyword, limit)
        if field is None:
            return None
        arguments = [keyword]
        if column.value is not None:  # x: bool = True becomes a Field with that default
            start, end = span(source, column.value)
            arguments.insert(0, f"default={source.text[start:end]}")
            line = column.value.lineno
            return [TextEdit(start, end, _call_text(source, field, arguments, line, start, end, limit))]
        name = field
    elif column.call is not None:
        return keyword_edits(source, column.call, f"comment={literal}", limit)
    elif mapped_column is None:
        return None
    else:
        name, arguments = mapped_column, [f"comment={literal}"]
    if column.annotation is None:
        return None
    node = column.annotation
    end = source.offset(node.end_lineno or node.lineno, node.end_col_offset or 0)
    return [TextEdit(end, end, " = " + _call_text(source, name, arguments, node.lineno, end + 3, end, limit))]


def _call_text(source: Source, name: str, arguments: list[str], line: int, at: int, rest: int, limit: int) -> str:
    """A new call written at offset ``at`` of ``line`` (the line's text from ``rest`` on follows
    it), split as black splits one that would pass ``limit``: its arguments on one indented
    line, else one a line."""
    nl, indent = source.newline, source.indentation(line)
    before = source.text[source.starts[line - 1] : at]
    after = source.text[rest : source.line_end(line)].rstrip("\r\n")
    one_line = f"{name}({', '.join(arguments)})"
    if len(before) + len(one_line) + len(after) <= limit:
        return one_line
    inner = f"{indent}    {', '.join(arguments)}"
    if len(inner) <= limit:
        return f"{name}({nl}{inner}{nl}{indent})"
    return f"{name}({nl}" + "".join(f"{indent}    {a},{nl}" for a in arguments) + f"{indent})"


def _table_edits(source: Source, model: MappedTable, text: str, limit: int) -> list[TextEdit] | None:
    """The edits that give the table its comment: the ``comment=`` of a Core ``Table``, an entry
    of the class's ``__table_args__`` (its dict, or one more element of its tuple), or a new
    ``__table_args__``; None where ``__table_args__`` is no literal (``declared_attr``)."""
    literal = python_literal(text)
    if model.comment_node is not None:
        return [replace(source, model.comment_node, literal)]
    if isinstance(model.node, ast.Call):
        return keyword_edits(source, model.node, f"comment={literal}", limit)
    args = model.table_args
    entry = f'"comment": {literal}'
    if isinstance(args, ast.Dict):
        return entry_edits(source, args, entry, limit)
    if isinstance(args, ast.Tuple):
        if args.elts and isinstance(args.elts[-1], ast.Dict):
            return _tuple_dict_edits(source, args, args.elts[-1], entry, limit)
        return element_edits(source, args, f"{{{entry}}}", limit)
    if args is not None:
        return None
    node = model.node
    after = model.after
    if after is None:  # after the docstring, else before the first statement
        first = node.body[0]
        docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
        after = first if docstring else None
    indent = source.indentation(node.body[0].lineno)
    if node.body[0].lineno == node.lineno:
        return None  # class X(Base): pass
    nl = source.newline
    line = f"{indent}__table_args__ = {{{entry}}}"
    if len(line) > limit:
        line = f"{indent}__table_args__ = {{{nl}{indent}    {entry},{nl}{indent}}}"
    if after is None:  # first in the class, set apart from its columns
        at = source.starts[node.body[0].lineno - 1]
        return [TextEdit(at, at, f"{line}{nl}{nl}")]
    at, lead = source.after_line(after.end_lineno or after.lineno)
    if after is not model.after:  # after the docstring: a blank line between, as before a field
        lead += nl
    return [TextEdit(at, at, f"{lead}{line}{nl}")]


def _tuple_dict_edits(source: Source, node: ast.Tuple, options: ast.Dict, entry: str, limit: int) -> list[TextEdit]:
    """The entry added to the dict that ends ``__table_args__``'s tuple. Where the tuple is on
    one line that would grow past ``limit``, the tuple is split (as black splits the outer
    brackets first), the dict kept whole on its line."""
    inline = entry_edits(source, options, entry, sys.maxsize)
    start, end = span(source, node)
    line = source.line_of(start)
    width = len(source.text[source.starts[line - 1] : source.line_end(line)].rstrip("\r\n"))
    width += sum(len(e.new_text) for e in inline)
    if source.text[start] != "(" or source.line_of(end - 1) != line or width <= limit:
        return entry_edits(source, options, entry, limit)
    dict_start, dict_end = span(source, options)
    shifted = [TextEdit(e.start - dict_start, e.end - dict_start, e.new_text) for e in inline]
    parts = [source.text[slice(*span(source, e))] for e in node.elts[:-1]]
    parts.append(apply_edits(source.text[dict_start:dict_end], shifted))
    if len(parts) == 1:  # (options,): its comma kept, one element a line
        nl, indent = source.newline, source.indentation(line)
        return [TextEdit(start, end, f"({nl}{indent}    {parts[0]},{nl}{indent})")]
    return [TextEdit(start, end, _call_text(source, "", parts, line, start, end, limit))]


def edit_mapped(
    mapped: MappedFile, planned: list[Planned[MappedTable]], *, overwrite: bool = False
) -> tuple[str, list[str]]:
    """The file's new text with the planned comments (one the file has is replaced only with
    ``overwrite``), and notes of what could not be written; raises ModelsError where the edited
    file would not read back as planned."""
    source = Source(mapped.text)
    tree = ast.parse(mapped.text)
    mapped_column = _mapped_column_name(tree)
    field = _imported(tree, "sqlmodel", "Field")

    def edits_within(limit: int) -> tuple[list[TextEdit], list[str], dict[tuple[str, str | None], str]]:
        edits: list[TextEdit] = []
        notes: list[str] = []
        expected: dict[tuple[str, str | None], str] = {}  # (model, column or None) -> text
        for plan in planned:
            model = plan.model
            where = f"{mapped.path}:{model.line}:1: {model.label}"
            if plan.description is not None and (model.comment_node is None or overwrite):
                edit = _table_edits(source, model, plan.description, limit)
                if edit is None:
                    notes.append(f"{where}: its __table_args__ is no literal; its table comment is left for you")
                else:
                    edits += edit
                    expected[(model.name, None)] = plan.description
            for c in model.columns:
                text = plan.columns.get(c.column)
                if text is None or (c.comment_node is not None and not overwrite):
                    continue
                column_edits = _column_edits(source, c, text, limit, mapped_column, field)
                if column_edits is None:
                    call = "Field()" if c.field else "mapped_column()"
                    notes.append(f"{where}: {c.attribute} has no {call} to hold a comment; left for you")
                    continue
                edits += column_edits
                expected[(model.name, c.column)] = text
        return edits, notes, expected

    edits, notes, expected = edits_within(line_length(mapped.path))
    try:
        new = apply_edits(mapped.text, edits)
    except EditConflictError:
        # calls nested on one line (a Core Table's Columns) would each be split: none is; the
        # project's formatter lays the long line out
        edits, notes, expected = edits_within(sys.maxsize)
        try:
            new = apply_edits(mapped.text, edits)
        except EditConflictError as error:
            raise ModelsError(f"{mapped.path}: {error}; left unchanged") from None
    read_back(
        mapped.path,
        mapped.text,
        new,
        lambda text: read_mapped(mapped.path, text).models,
        planned,
        expected,
        lambda model: model.label,
    )
    return new, notes


# ---------------------------------------------------------------------------------------------
# The whole job


def plan_mapped(mapped: MappedFile, *, overwrite: bool = False, check: bool = False) -> FilePlan:
    """The tables read as a file of PostgreSQL DDL, with the requests they need; for ``--check``
    without what ``doc=`` and docstrings lend (the database has no comment until ``comment=``)."""
    return plan_file(
        mapped.ddl(borrow=not check), path=str(mapped.path), dialect=DIALECT, overwrite=overwrite, dialect_reason=REASON
    )


def record_mapped(mapped: MappedFile, outcome: FileOutcome, *, overwrite: bool = False) -> EditedSources:
    """The change of the file that records what ``outcome`` documented: every comment it lacks."""
    return record_edit(
        mapped.path,
        mapped.text,
        mapped.models,
        outcome,
        lambda planned: edit_mapped(mapped, planned, overwrite=overwrite),
        overwrite=overwrite,
        lent_by="doc= or docstring",
        next_step=NEXT_STEP,
    )
