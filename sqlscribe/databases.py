"""Document a live database: read its tables as DDL, write the comments back as statements.

A database is read into the same text a file would hold (``CREATE TABLE`` statements with the
comments they already have), so it goes through the one pipeline every file goes through:
parse, prompt, generate, plan, verify. What comes out is the statements that add what the
tables lack; with ``--write`` they run, and the comments are read back from the database (as
DDL again, through the same reader) and compared with what was planned.

PostgreSQL (``postgresql://…``, through psycopg) and DuckDB (``duckdb:path/to/file.db``) comment
with ``COMMENT ON``, run in one transaction. MySQL and MariaDB (``mysql://…``, through PyMySQL)
are read with ``SHOW CREATE TABLE``; a column's comment can only be changed by restating the
column, so each table gets one ``ALTER TABLE … MODIFY COLUMN <its definition as the server
printed it, with the comment> …, COMMENT = '…'``. MySQL commits each DDL statement at once: a
failure stops at that table, and the tables before it stay written (the message says so).
SQLite files (``sqlite:path/to/app.db``) keep each CREATE TABLE's text, comments included: the
documented text replaces the stored one by SQLite's procedure for such changes.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit
from urllib.parse import quote as quote_url

import sqlglot
from sqlglot import exp
from sqlglot.tokenizer_core import TokenType

from sqlscribe.ddl import TextEdit, apply_edits, get_dialect, parse_sql
from sqlscribe.ddl.edit import comment_statements, wanted_comments
from sqlscribe.docs import TableDocs, counted
from sqlscribe.document import FileOutcome, FilePlan, Progress, document_plans, plan_file
from sqlscribe.generate import Backend
from sqlscribe.new_migration import definition_end

SCHEMES = ("postgresql://", "postgres://", "duckdb:", "mysql://", "mariadb://", "sqlite:")
_WITH_PASSWORDS = ("postgresql://", "postgres://", "mysql://", "mariadb://")


class DatabaseError(Exception):
    """The database cannot be reached, read or written (the message says which and why)."""


def is_database_url(raw: str) -> bool:
    return raw.startswith(SCHEMES)


def masked(url: str) -> str:
    """The URL without its password, for messages and output."""
    if not url.startswith(_WITH_PASSWORDS):
        return url
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


@dataclass
class Column:
    name: str
    data_type: str
    not_null: bool
    default: str | None
    comment: str | None
    check: str | None = None  # a CHECK expression on this column alone


@dataclass
class TableInfo:
    schema: str
    name: str
    comment: str | None
    columns: list[Column]
    constraints: list[str]  # as the database prints them: "PRIMARY KEY (id)", "FOREIGN KEY (…) REFERENCES …"
    kind: str = "table"  # or "view", "materialized view"
    query: str | None = None  # a view's query, as the database prints it


class Database(Protocol):
    dialect: str
    label: str

    def ddl(self, schemas: Sequence[str] = ()) -> str:
        """The tables (of these schemas; else of every schema but the system's) as DDL, with
        the comments they have."""
        ...

    def statements(self, outcome: FileOutcome) -> list[str]:
        """What writes the documented text's new and changed comments into the database."""
        ...

    def execute(self, statements: Sequence[str]) -> None:
        """Run the statements: in one transaction where the database allows it."""
        ...

    def close(self) -> None: ...


def _comment_on_changes(outcome: FileOutcome) -> list[str]:
    """``COMMENT ON`` statements for what the catalog holds and the final docs do not."""
    return [s for t in outcome.tables if t.edits for s in comment_statements(t.table, t.docs, overwrite=True)]


def connect(url: str, *, write: bool = False) -> Database:
    """Open the database; DuckDB files are opened read-only unless comments are to be written."""
    if url.startswith("duckdb:"):
        return DuckDatabase(url, write=write)
    if url.startswith(("mysql://", "mariadb://")):
        return MySQLDatabase(url)
    if url.startswith("sqlite:"):
        return SQLiteDatabase(url, write=write)
    return PostgresDatabase(url)


# ---------------------------------------------------------------------------------------------
# The text a database reads as


# The words PostgreSQL reserves (its manual's appendix "SQL Key Words": "reserved", and "reserved
# (can be function or type)"), which no column may be named bare; tested against the server's own
# pg_get_keywords(). sqlglot reads most of them alone as plain names (its keyword is `ORDER BY`,
# not `ORDER`) and keeps no such list for PostgreSQL.
_POSTGRES_RESERVED_WORDS = """
all analyse analyze and any array as asc asymmetric authorization binary both case cast check
collate collation column concurrently constraint create cross current_catalog current_date
current_role current_schema current_time current_timestamp current_user default deferrable desc
distinct do else end except false fetch for foreign freeze from full grant group having ilike in
initially inner intersect into is isnull join lateral leading left like limit localtime
localtimestamp natural not notnull null offset on only or order outer overlaps placing primary
references returning right select session_user similar some symmetric system_user table
tablesample then to trailing true union unique user using variadic verbose when where window
with
"""
POSTGRES_RESERVED = frozenset(_POSTGRES_RESERVED_WORDS.split())


def quote(name: str, dialect: str) -> str:
    """A name as the dialect needs it written: bare when that reads back the same and is no word
    the dialect reserves, else quoted."""
    if re.fullmatch(r"[a-z_][a-z0-9_]*", name) and name not in _reserved(dialect):
        tokens = sqlglot.Dialect.get_or_raise(dialect).tokenize(name)
        if len(tokens) == 1 and tokens[0].token_type == TokenType.VAR:  # not a keyword to sqlglot
            return name
    return str(exp.to_identifier(name, quoted=True).sql(dialect=dialect))


@functools.cache
def _reserved(dialect: str) -> frozenset[str]:
    """The words the dialect reserves (read once a dialect: `quote` asks for every name)."""
    generator = sqlglot.Dialect.get_or_raise(dialect).generator_class
    words = frozenset(w.lower() for w in getattr(generator, "RESERVED_KEYWORDS", ()) or ())
    return words | POSTGRES_RESERVED if dialect in ("postgres", "duckdb") else words


def key_constraints(
    dialect: str,
    key: Sequence[str] = (),
    unique: Iterable[str] = (),
    foreign: Iterable[tuple[str, str | tuple[str, str], str]] = (),
) -> list[str]:
    """A TableInfo's constraints as ``render_ddl`` writes them: its primary key, its unique
    columns, and its foreign keys (column, referenced table or (schema, table), its column)."""
    constraints = [f"PRIMARY KEY ({', '.join(quote(c, dialect) for c in key)})"] if key else []
    constraints += [f"UNIQUE ({quote(c, dialect)})" for c in unique]
    for column, table, referenced in foreign:
        target = ".".join(quote(t, dialect) for t in table) if isinstance(table, tuple) else quote(table, dialect)
        constraints.append(f"FOREIGN KEY ({quote(column, dialect)}) REFERENCES {target} ({quote(referenced, dialect)})")
    return constraints


class _Declared(Protocol):
    column: str
    data_type: str
    not_null: bool
    primary: bool
    unique: bool
    default: str | None
    comment: str | None
    check: str | None
    references: tuple[str, str] | None  # (table, column) of a foreign key

    @property
    def lent(self) -> str | None:
        """What the authors wrote that stands for the comment (a ``doc=``, a JSDoc comment)."""


def declared_table(
    schema: str, name: str, comment: str | None, columns: Sequence[_Declared], dialect: str, *, borrow: bool
) -> TableInfo:
    """An ORM's table as the catalog would show it: its columns (a primary key's NOT NULL is the
    key's; with ``borrow``, what the authors lent for a comment where there is none), and the key
    lines its columns say (``key_constraints``: the primary key's columns, each column unique
    alone, each foreign key)."""
    shown = [
        Column(
            c.column,
            c.data_type,
            c.not_null and not c.primary,
            c.default,
            c.comment or (c.lent if borrow else None),
            c.check,
        )
        for c in columns
    ]
    constraints = key_constraints(
        dialect,
        [c.column for c in columns if c.primary],
        [c.column for c in columns if c.unique and not c.primary],
        [(c.column, *c.references) for c in columns if c.references],
    )
    return TableInfo(schema, name, comment, shown, constraints)


def render_ddl(tables: Sequence[TableInfo], dialect: str) -> str:
    """CREATE TABLE statements for the tables (CREATE VIEW for views), each followed by the
    comments it has."""
    out: list[str] = []
    for table in tables:
        if not table.columns:  # CREATE TABLE t () documents nothing, and does not parse
            continue
        name = f"{quote(table.schema, dialect)}.{quote(table.name, dialect)}"
        if table.query is not None:  # a view: its columns as the catalog names them, and its query
            names = ", ".join(quote(col.name, dialect) for col in table.columns)
            out.append(f"CREATE {table.kind.upper()} {name} ({names}) AS\n{table.query.strip().rstrip(';')};")
            _comments_after(out, table, name, dialect)
            continue
        lines = []
        for col in table.columns:
            line = f"    {quote(col.name, dialect)} {col.data_type}"
            if col.not_null:
                line += " NOT NULL"
            if col.default is not None:
                line += f" DEFAULT {col.default}"
            if col.check is not None:
                line += f" CHECK ({col.check})"
            lines.append(line)
        lines += [f"    {c}" for c in table.constraints]
        out.append(f"CREATE TABLE {name} (\n" + ",\n".join(lines) + "\n);")
        _comments_after(out, table, name, dialect)
    return "\n".join(out)


def _comments_after(out: list[str], table: TableInfo, name: str, dialect: str) -> None:
    lit = get_dialect(dialect).literal
    if table.comment is not None:
        out.append(f"COMMENT ON {table.kind.upper()} {name} IS {lit(table.comment)};")
    for col in table.columns:
        if col.comment is not None:
            out.append(f"COMMENT ON COLUMN {name}.{quote(col.name, dialect)} IS {lit(col.comment)};")
    out.append("")


def comments_of(ddl: str, dialect: str) -> dict[str, TableDocs]:
    """Each table's comments as the DDL reader reads them, by its dotted name (``schema.table``)."""
    return {
        t.name: TableDocs(
            t.comment.text if t.comment else None,
            {c.name: c.comment.text for c in t.columns if c.comment is not None},
        )
        for t in parse_sql(ddl, dialect, validate=False).tables
    }


# ---------------------------------------------------------------------------------------------
# PostgreSQL

_PG_TABLES = """
SELECT c.oid, n.nspname, c.relname, obj_description(c.oid, 'pg_class'), c.relkind,
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%%'
  AND (cardinality(%(schemas)s::text[]) = 0 OR n.nspname = ANY(%(schemas)s::text[]))
ORDER BY n.nspname, c.relname
"""
_PG_COLUMNS = """
SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid), col_description(a.attrelid, a.attnum)
FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = ANY(%(oids)s) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""
_PG_CONSTRAINTS = """
SELECT conrelid, conname, pg_get_constraintdef(oid)
FROM pg_constraint
WHERE conrelid = ANY(%(oids)s) AND contype IN ('p', 'u', 'f', 'c')
ORDER BY conrelid, contype = 'f', conname
"""
_PG_KINDS = {"v": "view", "m": "materialized view"}


class PostgresDatabase:
    dialect = "postgres"

    def __init__(self, url: str) -> None:
        self.label = masked(url)
        try:
            import psycopg
        except ImportError:
            raise DatabaseError(
                "reading PostgreSQL needs psycopg: pip install 'psycopg[binary]' (or sqlscribe[databases])"
            ) from None
        try:
            self.conn: Any = psycopg.connect(url, connect_timeout=10)
        except psycopg.Error as error:
            raise DatabaseError(f"{self.label}: cannot connect: {_first_line(error)}") from None

    def tables(self, schemas: Sequence[str] = ()) -> list[TableInfo]:
        import psycopg

        try:
            with self.conn.transaction(), self.conn.cursor() as cur:
                cur.execute(_PG_TABLES, {"schemas": list(schemas)})
                found = {
                    oid: TableInfo(schema, name, comment, [], [], _PG_KINDS.get(kind, "table"), query)
                    for oid, schema, name, comment, kind, query in cur.fetchall()
                }
                oids = list(found)
                cur.execute(_PG_COLUMNS, {"oids": oids})
                for oid, name, data_type, not_null, default, comment in cur.fetchall():
                    found[oid].columns.append(Column(name, data_type, not_null, default, comment))
                cur.execute(_PG_CONSTRAINTS, {"oids": oids})
                for oid, name, definition in cur.fetchall():
                    found[oid].constraints.append(f"CONSTRAINT {quote(name, self.dialect)} {definition}")
        except psycopg.Error as error:
            raise DatabaseError(f"{self.label}: cannot read the tables: {_first_line(error)}") from None
        return list(found.values())

    def ddl(self, schemas: Sequence[str] = ()) -> str:
        return render_ddl(self.tables(schemas), self.dialect)

    def statements(self, outcome: FileOutcome) -> list[str]:
        return _comment_on_changes(outcome)

    def execute(self, statements: Sequence[str]) -> None:
        import psycopg

        try:
            with self.conn.transaction(), self.conn.cursor() as cur:
                for statement in statements:
                    cur.execute(statement.encode())  # bytes: run as written, no parameter parsing
        except psycopg.Error as error:
            raise DatabaseError(f"{self.label}: nothing written: {_first_line(error)}") from None

    def close(self) -> None:
        self.conn.close()


# ---------------------------------------------------------------------------------------------
# DuckDB


class DuckDatabase:
    dialect = "duckdb"

    def __init__(self, url: str, *, write: bool = False) -> None:
        path = url.removeprefix("duckdb:").removeprefix("//")
        self.label = url
        try:
            import duckdb
        except ImportError:
            raise DatabaseError("reading DuckDB needs duckdb: pip install duckdb (or sqlscribe[databases])") from None
        if not path or path == ":memory:" or not os.path.isfile(path):
            raise DatabaseError(f"{self.label}: no such database file")
        try:
            self.conn = duckdb.connect(path, read_only=not write)
        except duckdb.Error as error:
            raise DatabaseError(f"{self.label}: cannot open: {_first_line(error)}") from None

    def tables(self, schemas: Sequence[str] = ()) -> list[TableInfo]:
        import duckdb

        wanted = " AND schema_name IN (SELECT unnest(?))" if schemas else ""
        params: list[object] = [list(schemas)] if schemas else []
        where = f"database_name = current_database(){wanted}"
        try:
            rows = self.conn.execute(
                f"SELECT schema_name, table_name, comment FROM duckdb_tables()"
                f" WHERE {where} AND NOT internal AND NOT temporary"
                " ORDER BY schema_name, table_name",
                params,
            ).fetchall()
            found = {(s, n): TableInfo(s, n, c, [], []) for s, n, c in rows}
            for s, n, c, sql in self.conn.execute(
                f"SELECT schema_name, view_name, comment, sql FROM duckdb_views()"
                f" WHERE {where} AND NOT internal AND NOT temporary ORDER BY schema_name, view_name",
                params,
            ).fetchall():
                query = _view_query(sql, self.dialect)
                if query is not None:
                    found[(s, n)] = TableInfo(s, n, c, [], [], "view", query)
            for s, n, name, data_type, nullable, default, comment in self.conn.execute(
                "SELECT schema_name, table_name, column_name, data_type, is_nullable, column_default, comment"
                f" FROM duckdb_columns() WHERE {where} ORDER BY schema_name, table_name, column_index",
                params,
            ).fetchall():
                if (s, n) in found:
                    found[(s, n)].columns.append(Column(name, data_type, not nullable, default, comment))
            for s, n, text in self.conn.execute(
                "SELECT schema_name, table_name, constraint_text FROM duckdb_constraints()"
                f" WHERE {where} AND constraint_type IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY', 'CHECK')"
                " ORDER BY schema_name, table_name, constraint_type = 'FOREIGN KEY', constraint_index",
                params,
            ).fetchall():
                if (s, n) in found:
                    found[(s, n)].constraints.append(text)
        except duckdb.Error as error:
            raise DatabaseError(f"{self.label}: cannot read the tables: {_first_line(error)}") from None
        return list(found.values())

    def ddl(self, schemas: Sequence[str] = ()) -> str:
        return render_ddl(self.tables(schemas), self.dialect)

    def statements(self, outcome: FileOutcome) -> list[str]:
        return _comment_on_changes(outcome)

    def execute(self, statements: Sequence[str]) -> None:
        import duckdb

        try:
            self.conn.execute("BEGIN TRANSACTION")
            for statement in statements:
                self.conn.execute(statement)
            self.conn.execute("COMMIT")
        except duckdb.Error as error:
            self.conn.execute("ROLLBACK")
            raise DatabaseError(f"{self.label}: nothing written: {_first_line(error)}") from None

    def close(self) -> None:
        self.conn.close()


def _view_query(sql: str, dialect: str) -> str | None:
    """The query of a ``CREATE VIEW`` statement, as sqlglot writes it; None when it cannot read it."""
    try:
        tree = sqlglot.parse_one(sql, read=dialect)
    except Exception:
        return None
    query = tree.expression if isinstance(tree, exp.Create) else None
    return str(query.sql(dialect=dialect)) if isinstance(query, exp.Query) else None


# ---------------------------------------------------------------------------------------------
# MySQL and MariaDB

_MY_SYSTEM = ("mysql", "information_schema", "performance_schema", "sys")
# SHOW CREATE TABLE names the table alone; the text names it with its database, as --schema reads.
_SHOWN_NAME = re.compile(r"\ACREATE TABLE (`(?:[^`]|``)+`) \(")


class MySQLDatabase:
    dialect = "mysql"

    def __init__(self, url: str) -> None:
        self.label = masked(url)
        try:
            import pymysql
        except ImportError:
            raise DatabaseError(
                "reading MySQL or MariaDB needs PyMySQL: pip install pymysql (or sqlscribe[databases])"
            ) from None
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        self.database = unquote(parts.path.lstrip("/"))  # "" when the URL names none
        try:
            self.conn: Any = pymysql.connect(
                host=parts.hostname or "localhost",
                port=parts.port or 3306,
                user=unquote(parts.username or "") or None,
                password=unquote(parts.password or ""),
                database=self.database or None,
                unix_socket=query.get("unix_socket") or query.get("socket"),
                charset="utf8mb4",
                connect_timeout=10,
                autocommit=True,
            )
        except pymysql.Error as error:
            raise DatabaseError(f"{self.label}: cannot connect: {_mysql_message(error)}") from None

    def ddl(self, schemas: Sequence[str] = ()) -> str:
        import pymysql

        wanted = list(schemas) or ([self.database] if self.database else [])
        try:
            with self.conn.cursor() as cur:
                if wanted:
                    where, params = "TABLE_SCHEMA IN %s", [tuple(wanted)]
                else:
                    where, params = "TABLE_SCHEMA NOT IN %s", [_MY_SYSTEM]
                cur.execute(
                    "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES"
                    f" WHERE TABLE_TYPE = 'BASE TABLE' AND {where} ORDER BY TABLE_SCHEMA, TABLE_NAME",
                    params,
                )
                out = []
                for schema, name in cur.fetchall():
                    qualified = f"{_backquoted(schema)}.{_backquoted(name)}"
                    cur.execute(f"SHOW CREATE TABLE {qualified}")
                    shown = str(cur.fetchone()[1])
                    found = _SHOWN_NAME.match(shown)
                    if found:
                        shown = f"CREATE TABLE {qualified} (" + shown[found.end() :]
                    out.append(shown + ";\n")
        except pymysql.Error as error:
            raise DatabaseError(f"{self.label}: cannot read the tables: {_mysql_message(error)}") from None
        return "\n".join(out)

    def statements(self, outcome: FileOutcome) -> list[str]:
        return alter_statements(outcome)

    def execute(self, statements: Sequence[str]) -> None:
        import pymysql

        with self.conn.cursor() as cur:
            for n, statement in enumerate(statements):
                try:
                    cur.execute(statement)
                except pymysql.Error as error:
                    done = f"{counted(n, 'table')} written before it" if n else "nothing written"
                    raise DatabaseError(
                        f"{self.label}: statement {n + 1} of {len(statements)} failed ({done}; MySQL commits"
                        f" each ALTER TABLE at once): {_mysql_message(error)}"
                    ) from None

    def close(self) -> None:
        self.conn.close()


def _backquoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _mysql_message(error: BaseException) -> str:
    args: tuple[object, ...] = tuple(getattr(error, "args", ()))
    return str(args[1]) if len(args) >= 2 else _first_line(error)


def alter_statements(outcome: FileOutcome) -> list[str]:
    """MySQL's comment changes: per table, one ``ALTER TABLE`` restating each column whose
    comment changes as the edited DDL now defines it (the server's own definition, with the new
    comment in place), and ``COMMENT = '…'`` for its description."""
    edited = {t.name: t for t in parse_sql(outcome.new_text, "mysql", validate=False).tables}
    literal = get_dialect("mysql").literal
    statements = []
    for result in outcome.tables:
        now = edited.get(result.table.name)
        if not result.edits or now is None:
            continue
        description, columns = wanted_comments(result.table, result.docs, overwrite=True)
        changes = []
        for name in columns:
            column = now.column(name)
            if column is not None:
                # versioned attributes (MySQL 8's `/*!80023 INVISIBLE */`) are restated too
                end = definition_end(outcome.new_text, column.span.end)
                changes.append(f"MODIFY COLUMN {outcome.new_text[column.span.start : end]}")
        if description is not None:
            changes.append(f"COMMENT = {literal(description)}")
        if changes:
            statements.append(f"ALTER TABLE {result.table.name_source}\n  " + ",\n  ".join(changes) + ";")
    return statements


# ---------------------------------------------------------------------------------------------
# SQLite


class SQLiteDatabase:
    """A SQLite file. SQLite keeps each CREATE TABLE as written, comments included, and has no
    other place for documentation: a table is documented by rewriting its stored text with the
    comments in it, through SQLite's documented procedure for schema changes that leave the file
    format alone (``writable_schema``, ``schema_version`` bumped, ``integrity_check``, one
    transaction); SQLite's own parser reads every new text before the commit."""

    dialect = "sqlite"

    def __init__(self, url: str, *, write: bool = False) -> None:
        import sqlite3

        path = url.removeprefix("sqlite:").removeprefix("//")
        self.label = url
        if not path or path == ":memory:" or not os.path.isfile(path):
            raise DatabaseError(f"{self.label}: no such database file")
        try:
            mode = "rw" if write else "ro"
            uri = f"file:{quote_url(os.path.abspath(path))}?mode={mode}"
            self.conn = sqlite3.connect(uri, uri=True, isolation_level=None)
            self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as error:
            raise DatabaseError(f"{self.label}: cannot open: {_first_line(error)}") from None
        self._texts: list[tuple[int, str, str]] = []  # (offset in the DDL, table name, stored text)

    def ddl(self, schemas: Sequence[str] = ()) -> str:
        import sqlite3

        if any(s != "main" for s in schemas):
            raise DatabaseError(f"{self.label}: a SQLite file has one schema, main")
        try:
            # Ordinary tables: not SQLite's own, nor a virtual table's shadow tables (an FTS index's
            # `ft_data`), which SQLite 3.37+ tells apart in table_list.
            shadow = (
                {
                    str(row[1])
                    for row in self.conn.execute("PRAGMA main.table_list").fetchall()
                    if row[2] in ("shadow", "virtual")
                }
                if sqlite_has_table_list()
                else set()
            )
            rows = [
                (name, text)
                for name, text in self.conn.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE TABLE%'"
                    " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid"
                ).fetchall()
                if name not in shadow
            ]
        except sqlite3.Error as error:
            raise DatabaseError(f"{self.label}: cannot read the tables: {_first_line(error)}") from None
        out, offset = [], 0
        self._texts = []
        for name, text in rows:
            self._texts.append((offset, str(name), str(text)))
            out.append(f"{text};\n")
            offset += len(out[-1])
        return "".join(out)

    def statements(self, outcome: FileOutcome) -> list[str]:
        """``UPDATE sqlite_master SET sql = <the documented CREATE TABLE> …``, one per table."""
        statements = []
        for result in outcome.tables:
            if not result.edits:
                continue
            start = result.table.span.start
            found = next(((at, name, text) for at, name, text in self._texts if at == start), None)
            if found is None or not all(start <= e.start and e.end <= start + len(found[2]) for e in result.edits):
                raise DatabaseError(f"{self.label}: table {result.table.name}: its comments do not fit its text")
            at, name, text = found
            shifted = [TextEdit(e.start - at, e.end - at, e.new_text) for e in result.edits]
            documented = apply_edits(text, shifted)
            statements.append(
                f"UPDATE sqlite_master SET sql = {_sqlite_string(documented)} WHERE type = 'table' AND name = "
                f"{_sqlite_string(name)};"
            )
        return statements

    def execute(self, statements: Sequence[str]) -> None:
        """Run the updates by SQLite's procedure; the schema is read again before the commit
        (``integrity_check``), so a text SQLite's own parser rejects rolls everything back."""
        import sqlite3

        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            version = conn.execute("PRAGMA schema_version").fetchone()[0]
            conn.execute("PRAGMA writable_schema = ON")
            for statement in statements:
                conn.execute(statement)
            conn.execute(f"PRAGMA schema_version = {int(version) + 1}")
            conn.execute("PRAGMA writable_schema = OFF")
            check = conn.execute("PRAGMA integrity_check").fetchall()
            if check != [("ok",)]:
                raise sqlite3.DatabaseError(f"integrity check: {check[0][0]}")
            conn.execute("COMMIT")
        except sqlite3.Error as error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise DatabaseError(f"{self.label}: nothing written: {_first_line(error)}") from None

    def close(self) -> None:
        self.conn.close()


def sqlite_has_table_list() -> bool:
    import sqlite3

    return sqlite3.sqlite_version_info >= (3, 37, 0)


def _sqlite_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


# ---------------------------------------------------------------------------------------------
# The whole job


@dataclass
class DatabaseOutcome:
    label: str
    outcome: FileOutcome  # the database read as a file, documented
    statements: list[str]  # what adds or changes comments, in table order
    written: bool
    problems: list[str]  # after writing: comments that do not read back as planned


def plan_database(
    db: Database,
    schemas: Sequence[str] = (),
    *,
    overwrite: bool = False,
    only: Callable[[str], bool] | None = None,
) -> FilePlan:
    """The database's tables read as DDL and planned (a migration tool's own, ``Table.bookkeeping``,
    ask for nothing); with ``only``, just the tables whose names it takes."""
    plan = plan_file(db.ddl(schemas), path=db.label, dialect=db.dialect, overwrite=overwrite)
    if only is None:
        return plan
    tables = plan.parsed.tables
    return dataclasses.replace(
        plan,
        work=[(i, r) for i, r in plan.work if only(tables[i].name)],
        todo=[(i, r) for i, r in plan.todo if only(tables[i].name)],
    )


def document_database(
    db: Database,
    backend: Backend,
    *,
    schemas: Sequence[str] = (),
    overwrite: bool = False,
    write: bool = False,
    progress: Progress | None = None,
    only: Callable[[str], bool] | None = None,
) -> DatabaseOutcome:
    """Document the database's tables (those ``only`` takes, when given); with ``write``, run the
    statements and read them back."""
    plan = plan_database(db, schemas, overwrite=overwrite, only=only)
    (outcome,) = document_plans([plan], backend, [progress])
    statements = db.statements(outcome)  # new comments and changed ones
    problems: list[str] = []
    if write and statements:
        db.execute(statements)
        now = comments_of(db.ddl(schemas), db.dialect)
        for t in outcome.tables:
            if not t.edits:
                continue
            got = now.get(t.table.name)
            if got is None or got.description != t.docs.description or got.columns != t.docs.columns:
                problems.append(f"{db.label}: table {t.table.name}: comments do not read back as written")
    return DatabaseOutcome(db.label, outcome, statements, write and bool(statements), problems)
