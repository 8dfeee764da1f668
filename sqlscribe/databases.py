"""Document a live database: read its tables as DDL, write the comments back as statements.

A database is read into the same text a file would hold (``CREATE TABLE`` statements with the
comments it already has as ``COMMENT ON``), so it goes through the one pipeline every file goes
through: parse, prompt, generate, plan, verify. What comes out is the ``COMMENT ON``
statements that add what the tables lack; with ``--write`` they run in one transaction, and the
comments are read back from the database and compared with what was planned.

PostgreSQL (``postgresql://…``, through psycopg) and DuckDB (``duckdb:path/to/file.db``) are
read; both comment with ``COMMENT ON``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

import sqlglot
from sqlglot import exp
from sqlglot.tokenizer_core import TokenType

from sqlscribe.ddl import get_dialect
from sqlscribe.ddl.edit import comment_statements
from sqlscribe.docs import TableDocs
from sqlscribe.document import FileOutcome, Progress, document_plans, plan_file
from sqlscribe.generate import Backend

SCHEMES = ("postgresql://", "postgres://", "duckdb:")


class DatabaseError(Exception):
    """The database cannot be reached, read or written (the message says which and why)."""


def is_database_url(raw: str) -> bool:
    return raw.startswith(SCHEMES)


def masked(url: str) -> str:
    """The URL without its password, for messages and output."""
    if not url.startswith(("postgresql://", "postgres://")):
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


@dataclass
class TableInfo:
    schema: str
    name: str
    comment: str | None
    columns: list[Column]
    constraints: list[str]  # as the database prints them: "PRIMARY KEY (id)", "FOREIGN KEY (…) REFERENCES …"


class Database(Protocol):
    dialect: str
    label: str

    def tables(self, schemas: Sequence[str] = ()) -> list[TableInfo]: ...

    def execute(self, statements: Sequence[str]) -> None:
        """Run the statements in one transaction: all of them or none."""
        ...

    def close(self) -> None: ...


def connect(url: str, *, write: bool = False) -> Database:
    """Open the database; DuckDB files are opened read-only unless comments are to be written."""
    if url.startswith("duckdb:"):
        return DuckDatabase(url, write=write)
    return PostgresDatabase(url)


# ---------------------------------------------------------------------------------------------
# The text a database reads as


def quote(name: str, dialect: str) -> str:
    """A name as the dialect needs it written: bare when that reads back the same, else quoted."""
    if re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        tokens = sqlglot.Dialect.get_or_raise(dialect).tokenize(name)
        if len(tokens) == 1 and tokens[0].token_type == TokenType.VAR:  # not a keyword
            return name
    return str(exp.to_identifier(name, quoted=True).sql(dialect=dialect))


def render_ddl(tables: Sequence[TableInfo], dialect: str) -> str:
    """CREATE TABLE statements for the tables, each followed by the comments it has."""
    lit = get_dialect(dialect).literal
    out: list[str] = []
    for table in tables:
        if not table.columns:  # CREATE TABLE t () documents nothing, and does not parse
            continue
        name = f"{quote(table.schema, dialect)}.{quote(table.name, dialect)}"
        lines = []
        for col in table.columns:
            line = f"    {quote(col.name, dialect)} {col.data_type}"
            if col.not_null:
                line += " NOT NULL"
            if col.default is not None:
                line += f" DEFAULT {col.default}"
            lines.append(line)
        lines += [f"    {c}" for c in table.constraints]
        out.append(f"CREATE TABLE {name} (\n" + ",\n".join(lines) + "\n);")
        if table.comment is not None:
            out.append(f"COMMENT ON TABLE {name} IS {lit(table.comment)};")
        for col in table.columns:
            if col.comment is not None:
                out.append(f"COMMENT ON COLUMN {name}.{quote(col.name, dialect)} IS {lit(col.comment)};")
        out.append("")
    return "\n".join(out)


def comments_of(tables: Sequence[TableInfo]) -> dict[str, TableDocs]:
    """Each table's comments, by its dotted name as the DDL reader names it (``schema.table``)."""
    return {
        f"{t.schema}.{t.name}": TableDocs(t.comment, {c.name: c.comment for c in t.columns if c.comment is not None})
        for t in tables
    }


# ---------------------------------------------------------------------------------------------
# PostgreSQL

_PG_TABLES = """
SELECT c.oid, n.nspname, c.relname, obj_description(c.oid, 'pg_class')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
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
                found = {oid: TableInfo(schema, name, comment, [], []) for oid, schema, name, comment in cur.fetchall()}
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


def document_database(
    db: Database,
    backend: Backend,
    *,
    schemas: Sequence[str] = (),
    overwrite: bool = False,
    write: bool = False,
    progress: Progress | None = None,
) -> DatabaseOutcome:
    """Document the database's tables; with ``write``, run the statements and read them back."""
    tables = db.tables(schemas)
    text = render_ddl(tables, db.dialect)
    plan = plan_file(text, path=db.label, dialect=db.dialect, overwrite=overwrite)
    (outcome,) = document_plans([plan], backend, [progress])
    # New comments and changed ones: what the catalog holds differs from the final docs.
    statements = [s for t in outcome.tables if t.edits for s in comment_statements(t.table, t.docs, overwrite=True)]
    problems: list[str] = []
    if write and statements:
        db.execute(statements)
        now = comments_of(db.tables(schemas))
        for t in outcome.tables:
            if not t.edits:
                continue
            got = now.get(t.table.name)
            if got is None or got.description != t.docs.description or got.columns != t.docs.columns:
                problems.append(f"{db.label}: table {t.table.name}: comments do not read back as written")
    return DatabaseOutcome(db.label, outcome, statements, write and bool(statements), problems)
