"""Plain data classes for what the DDL reader finds in a file.

Offsets are Python string offsets into the file's text; every span is half-open
``[start, end)`` so that ``text[span.start:span.end]`` is exactly the source.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlscribe.ddl.dialects import CommentStyle, get_dialect


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def slice(self, text: str) -> str:
        return text[self.start : self.end]

    def contains(self, offset: int) -> bool:
        return self.start <= offset <= self.end


@dataclass(frozen=True)
class Comment:
    """An existing comment on a table or column.

    ``clause`` covers the whole construct (``COMMENT 'x'``, ``COMMENT ON … ;``,
    ``description="x"``); ``literal`` covers only the string literal, which is
    what an overwrite replaces.
    """

    text: str
    clause: Span
    literal: Span
    # How the literal is written, which a replacement keeps: "string" ('…'), "national" (N'…'),
    # or "sql" (the body of a SQL comment, SQLite's documentation).
    form: str = "string"


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]


@dataclass
class Column:
    name: str
    name_source: str  # the identifier exactly as written, quotes included
    data_type: str  # type text as written (whitespace collapsed; SQL Server's [brackets] dropped)
    span: Span  # the whole column definition
    name_span: Span
    not_null: bool = False
    primary_key: bool = False
    unique: bool = False
    default: str | None = None
    references: ForeignKey | None = None
    check: str | None = None  # a CHECK expression on this column alone, as written
    comment: Comment | None = None
    type_span: Span | None = None  # the type as written, when there is one
    line_comment: bool = False  # SQLite: a new comment goes at insert_at as `-- …` (else `/* … */`)
    # Where a new inline comment clause goes, and a BigQuery OPTIONS( … ) list to join.
    insert_at: int = 0
    insert_before_token: bool = False
    # Where a description joins an OPTIONS( … ) list when present (just after the "(", or before the
    # first option when those stand on lines of their own), and what follows it there.
    options_open: int | None = None
    options_separator: str = ""
    # A view's column: its select expression as written, when it is more than a column's name, and
    # the table column it copies, when the file creates that table (with the table).
    expression: str | None = None
    source: tuple[Table, Column] | None = field(default=None, compare=False, repr=False)
    # MySQL's MODIFY / CHANGE: ``source`` is the column's definition before.
    redefines: bool = field(default=False, compare=False, repr=False)
    # A later file of its migrations folder comments it (``parse_sql(commented_later=…)``).
    commented_later: bool = field(default=False, compare=False, repr=False)

    def wants_comment(self, overwrite: bool = False) -> bool:
        """Whether a comment is to be written here: none yet (or any, when ``overwrite``), unless a
        later migration comments the column."""
        return bool(self.name) and not self.commented_later and (overwrite or self.comment is None)

    @property
    def source_comment(self) -> str | None:
        """The comment of the table column a view's column copies (or MySQL's MODIFY defines anew):
        what this column says too (one column, one text, wherever it is shown). A source without
        a comment says what its own source says. A MODIFY that states a comment of its own says
        that instead: it is the column's latest text (and ``--overwrite-existing`` writes a new one
        there, not the earlier definition's)."""
        if self.redefines and self.comment is not None and self.comment.text.strip():
            return None
        source = self.source
        while source is not None:
            comment = source[1].comment
            if comment is not None and comment.text.strip():
                return comment.text.strip()
            source = source[1].source
        return None

    @property
    def constraints(self) -> list[str]:
        out = []
        if self.primary_key:
            out.append("PRIMARY KEY")
        if self.not_null and not self.primary_key:
            out.append("NOT NULL")
        if self.unique:
            out.append("UNIQUE")
        if self.default is not None:
            out.append(f"DEFAULT {self.default}")
        if self.references is not None:
            ref = self.references
            out.append(f"REFERENCES {ref.ref_table}({', '.join(ref.ref_columns)})")
        if self.check is not None:
            out.append(f"CHECK {self.check}")
        return out


# The tables migration tools keep their own records in, and the schemas some keep them in: no
# part of the application's schema, and left undocumented.
BOOKKEEPING_TABLES = frozenset(
    {
        "flyway_schema_history",  # Flyway
        "databasechangelog",  # Liquibase
        "databasechangeloglock",
        "alembic_version",  # Alembic
        "schema_migrations",  # golang-migrate, dbmate, Rails
        "ar_internal_metadata",  # Rails
        "goose_db_version",  # goose
        "gorp_migrations",  # sql-migrate
        "_prisma_migrations",  # Prisma
        "__diesel_schema_migrations",  # Diesel
        "knex_migrations",  # Knex
        "knex_migrations_lock",
        "__efmigrationshistory",  # Entity Framework
        "sequelizemeta",  # Sequelize
        "django_migrations",  # Django
        "doctrine_migration_versions",  # Doctrine (Symfony)
        "phinxlog",  # Phinx (CakePHP)
        "_sqlx_migrations",  # sqlx
        "seaql_migrations",  # SeaORM
        "refinery_schema_history",  # refinery
        "mikro_orm_migrations",  # MikroORM
        "pgmigrations",  # node-pg-migrate
        "kysely_migration",  # Kysely
        "kysely_migration_lock",
        "__drizzle_migrations",  # Drizzle
        "atlas_schema_revisions",  # Atlas
        "_yoyo_migration",  # yoyo
        "_yoyo_log",
        "_yoyo_version",
        "yoyo_lock",
    }
)
# Sqitch, Atlas, Hasura, Drizzle
BOOKKEEPING_SCHEMAS = frozenset({"sqitch", "atlas_schema_revisions", "hdb_catalog", "drizzle"})


@dataclass
class Table:
    name: str  # dotted name without quotes, e.g. "sales.orders"
    name_source: str  # exactly as written, quotes included
    dialect: str
    span: Span  # the CREATE statement, without its terminating semicolon
    name_span: Span
    columns: list[Column] = field(default_factory=list)
    primary_key: tuple[str, ...] = ()
    unique_keys: list[tuple[str, ...]] = field(default_factory=list)  # table-level UNIQUE (…) constraints
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    comment: Comment | None = None
    # Where a table comment or a COMMENT ON statement goes.
    statement_end: int = 0  # offset just after the terminating ';' (or the statement)
    has_semicolon: bool = True
    table_insert_at: int = 0
    column_list_end: int = 0  # just after the ')' that closes the column list
    line_comment: bool = False  # SQLite: the table's comment goes at table_insert_at as `-- …`
    options_open: int | None = None
    options_separator: str = ""
    # False when sqlglot could not parse the statement (half-typed SQL): the
    # structure still comes from the tokens, but no edit is planned for it.
    complete: bool = True
    problem: str | None = None  # why the table is incomplete, when the reader itself found out
    # "table", "view" or "materialized view"; a view's columns are its query's, and ``sources``
    # the tables that query reads.
    kind: str = "table"
    sources: tuple[str, ...] = ()
    derived: bool = False  # its columns are its query's: a view, or CREATE TABLE … AS SELECT
    # Its query's GROUP BY, as its own columns' names: what one row of it is per (a view of
    # flights grouped by carrier and day has a row per carrier and day). Empty when not known.
    grain: tuple[str, ...] = ()
    # A view without a column list, in a dialect that comments its columns inside one (Snowflake's
    # `v (a COMMENT '…')`): where the list goes, written whole with the comments.
    column_list_at: int | None = None
    foreign: bool = False  # PostgreSQL's CREATE FOREIGN TABLE: COMMENT ON FOREIGN TABLE describes it
    described_later: bool = False  # a later file of its migrations folder describes it
    # Commented with COMMENT ON statements after it though its dialect comments with clauses:
    # a CREATE TABLE … AS SELECT in Snowflake, BigQuery, Databricks, ClickHouse (``Dialect.ctas_statements``).
    comment_on: bool = False
    # An ALTER TABLE … ADD [COLUMN] (or MySQL's MODIFY / CHANGE, which define a column anew and drop
    # its comment unless restated): the columns a migration defines for the table ``name``,
    # commented where they are defined. The table itself is described where it is created
    # (``base``, when the file creates it above), never here.
    from_alter: bool = False
    base: Table | None = field(default=None, compare=False, repr=False)

    @property
    def is_view(self) -> bool:
        return self.kind != "table"

    @property
    def bookkeeping(self) -> bool:
        """Whether the table is a migration tool's own record of what it ran (``BOOKKEEPING_TABLES``,
        or a table in one of ``BOOKKEEPING_SCHEMAS``): no part of the application's schema, and
        documented only when asked for by name (never by a whole file, folder or database)."""
        parts = [p.lower() for p in self.name.split(".")]
        return not self.is_view and (
            parts[-1] in BOOKKEEPING_TABLES or (len(parts) > 1 and parts[-2] in BOOKKEEPING_SCHEMAS)
        )

    @property
    def describable(self) -> bool:
        """Whether this statement carries the table's description (an ALTER that defines columns does not)."""
        return not self.from_alter

    def wants_description(self, overwrite: bool = False) -> bool:
        """Whether a description is to be written here: none yet (or any, when ``overwrite``), on a
        statement that carries one."""
        return self.describable and not self.described_later and (overwrite or self.comment is None)

    @property
    def style(self) -> CommentStyle:
        """How this statement is commented: as its dialect comments, or with COMMENT ON statements
        after it (``comment_on``)."""
        return CommentStyle.COMMENT_ON if self.comment_on else get_dialect(self.dialect).style

    @property
    def noun(self) -> str:
        """What the statement is, in messages: "table", "view", or "ALTER TABLE"."""
        return "ALTER TABLE" if self.from_alter else self.kind

    @property
    def short_name(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    @property
    def key_columns(self) -> list[str]:
        """The primary key's columns, declared on the columns or for the table (then marked on them)."""
        return [col.name for col in self.columns if col.primary_key]

    @property
    def referenced_tables(self) -> list[str]:
        """Tables this one declares references to, once each: table-level foreign keys, then inline ones."""
        inline = [c.references.ref_table for c in self.columns if c.references is not None]
        return list(dict.fromkeys([fk.ref_table for fk in self.foreign_keys] + inline))

    def column(self, name: str) -> Column | None:
        for col in self.columns:
            if col.name == name:
                return col
        lowered = name.lower()
        for col in self.columns:
            if col.name.lower() == lowered:
                return col
        return None

    def column_at(self, offset: int) -> Column | None:
        for col in self.columns:
            if col.span.contains(offset):
                return col
        return None


@dataclass(frozen=True)
class Diagnostic:
    message: str
    span: Span
    line: int  # 1-based
    col: int  # 1-based
    severity: str = "error"  # error | warning | info

    def format(self, path: str) -> str:
        return f"{path}:{self.line}:{self.col}: {self.message}"


# In what the files after one comment (``parse_sql(commented_later=…)``), a table's "column" that
# says a later migration drops the table: nothing is wanted of it.
DROPPED = "*"


@dataclass(frozen=True)
class SchemaChange:
    """A statement that drops or renames a table or a column (``DROP TABLE``, ``ALTER TABLE …
    RENAME [COLUMN] … TO``, ``… DROP [COLUMN]``, MySQL's ``RENAME TABLE`` and ``CHANGE``): what a
    migration that comments the folder's tables after the others must leave out or name anew."""

    at: int  # the statement's offset
    kind: str  # "drop table", "rename table", "drop column" or "rename column"
    table: tuple[str, ...]  # the table's name, in parts, as written without quotes
    column: str | None = None  # the column dropped or renamed
    new: str | None = None  # the new name (a table's, dotted; a column's)
    new_source: str | None = None  # the new name as written, quotes included


@dataclass
class ParsedFile:
    text: str
    dialect: str
    dialect_reason: str
    tables: list[Table]
    diagnostics: list[Diagnostic]
    # What the comment statements here say of tables the file does not create (a migration that
    # documents an earlier one's table): each table's short name, lower case, and the column's
    # (None: the table's description).
    comments_elsewhere: set[tuple[str, str | None]] = field(default_factory=set)
    schema_changes: list[SchemaChange] = field(default_factory=list)  # in the file's order

    @property
    def alters_elsewhere(self) -> bool:
        """Whether an ALTER TABLE here defines columns of a table the text does not create above it
        (a migration: ``parse_sql(known=…)`` with the files before it shows the table whole)."""
        return any(t.from_alter and t.base is None for t in self.tables)

    @property
    def altered_elsewhere(self) -> set[str]:
        """The short names (lower case) of the tables those ALTERs define columns of (``alters_elsewhere``)."""
        return {t.short_name.lower() for t in self.tables if t.from_alter and t.base is None}

    def table_at(self, offset: int) -> Table | None:
        for table in self.tables:
            if table.span.start <= offset <= table.statement_end:
                return table
        return None
