"""CREATE TABLE text for each of the six dialects, with their own types and syntax."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sqlglot import exp

DIALECTS = ("postgres", "mysql", "databricks", "snowflake", "bigquery", "duckdb")

# Type choices per kind and dialect; one is drawn per column.
_TYPES: dict[str, dict[str, tuple[str, ...]]] = {
    "postgres": {
        "id": ("BIGINT", "INTEGER", "INT"), "key": ("VARCHAR(20)", "VARCHAR(32)", "TEXT"), "uuid": ("UUID",),
        "text": ("TEXT", "VARCHAR(255)", "VARCHAR(100)"), "name": ("VARCHAR(100)", "VARCHAR(200)", "TEXT"),
        "desc": ("TEXT", "VARCHAR(2000)"), "code": ("VARCHAR(10)", "VARCHAR(20)", "CHAR(3)", "TEXT"),
        "money": ("NUMERIC(12,2)", "NUMERIC(18,2)", "MONEY"), "qty": ("NUMERIC(12,3)", "INTEGER"),
        "int": ("INTEGER", "SMALLINT", "BIGINT"), "count": ("INTEGER",), "dec": ("NUMERIC(10,2)", "NUMERIC(12,4)", "DOUBLE PRECISION"),
        "pct": ("NUMERIC(5,2)", "REAL"), "rate": ("NUMERIC(9,6)",), "date": ("DATE",), "ts": ("TIMESTAMPTZ", "TIMESTAMP"),
        "time": ("TIME",), "year": ("SMALLINT", "INTEGER"), "flag": ("BOOLEAN",), "json": ("JSONB", "JSON"),
        "lat": ("NUMERIC(9,6)", "DOUBLE PRECISION"), "lon": ("NUMERIC(9,6)", "DOUBLE PRECISION"),
        "email": ("VARCHAR(254)", "CITEXT"), "phone": ("VARCHAR(20)",), "url": ("TEXT",), "ip": ("INET",),
    },
    "mysql": {
        "id": ("BIGINT", "INT", "INT UNSIGNED"), "key": ("VARCHAR(20)", "VARCHAR(32)"), "uuid": ("CHAR(36)",),
        "text": ("VARCHAR(255)", "TEXT"), "name": ("VARCHAR(100)", "VARCHAR(150)"), "desc": ("TEXT", "MEDIUMTEXT"),
        "code": ("VARCHAR(10)", "CHAR(2)", "VARCHAR(20)"), "money": ("DECIMAL(12,2)", "DECIMAL(15,2)"),
        "qty": ("DECIMAL(12,3)", "INT"), "int": ("INT", "SMALLINT", "TINYINT"), "count": ("INT", "INT UNSIGNED"),
        "dec": ("DECIMAL(10,2)", "DOUBLE"), "pct": ("DECIMAL(5,2)",), "rate": ("DECIMAL(9,6)",), "date": ("DATE",),
        "ts": ("DATETIME", "TIMESTAMP"), "time": ("TIME",), "year": ("YEAR", "SMALLINT"), "flag": ("TINYINT(1)", "BOOLEAN"),
        "json": ("JSON",), "lat": ("DECIMAL(9,6)",), "lon": ("DECIMAL(9,6)",), "email": ("VARCHAR(254)",),
        "phone": ("VARCHAR(20)",), "url": ("VARCHAR(2048)",), "ip": ("VARCHAR(45)",),
    },
    "databricks": {
        "id": ("BIGINT", "INT"), "key": ("STRING",), "uuid": ("STRING",), "text": ("STRING",), "name": ("STRING",),
        "desc": ("STRING",), "code": ("STRING",), "money": ("DECIMAL(18,2)", "DECIMAL(12,2)"), "qty": ("DECIMAL(12,3)", "INT"),
        "int": ("INT", "SMALLINT", "BIGINT"), "count": ("INT", "BIGINT"), "dec": ("DOUBLE", "DECIMAL(10,2)"),
        "pct": ("DOUBLE", "DECIMAL(5,2)"), "rate": ("DOUBLE",), "date": ("DATE",), "ts": ("TIMESTAMP",),
        "time": ("STRING",), "year": ("INT",), "flag": ("BOOLEAN",), "json": ("STRING", "MAP<STRING, STRING>"),
        "lat": ("DOUBLE",), "lon": ("DOUBLE",), "email": ("STRING",), "phone": ("STRING",), "url": ("STRING",), "ip": ("STRING",),
    },
    "snowflake": {
        "id": ("NUMBER(38,0)", "INTEGER"), "key": ("VARCHAR(20)", "VARCHAR"), "uuid": ("VARCHAR(36)",),
        "text": ("VARCHAR", "VARCHAR(255)", "STRING"), "name": ("VARCHAR(100)", "VARCHAR"), "desc": ("VARCHAR", "TEXT"),
        "code": ("VARCHAR(10)", "VARCHAR(3)"), "money": ("NUMBER(18,2)", "NUMBER(12,2)"), "qty": ("NUMBER(12,3)", "NUMBER"),
        "int": ("NUMBER(10,0)", "INTEGER"), "count": ("INTEGER", "NUMBER"), "dec": ("FLOAT", "NUMBER(10,2)"),
        "pct": ("NUMBER(5,2)", "FLOAT"), "rate": ("NUMBER(9,6)",), "date": ("DATE",),
        "ts": ("TIMESTAMP_NTZ", "TIMESTAMP_LTZ", "TIMESTAMP_TZ"), "time": ("TIME",), "year": ("NUMBER(4,0)",),
        "flag": ("BOOLEAN",), "json": ("VARIANT", "OBJECT"), "lat": ("FLOAT",), "lon": ("FLOAT",),
        "email": ("VARCHAR(254)",), "phone": ("VARCHAR(20)",), "url": ("VARCHAR",), "ip": ("VARCHAR(45)",),
    },
    "bigquery": {
        "id": ("INT64",), "key": ("STRING",), "uuid": ("STRING",), "text": ("STRING",), "name": ("STRING",), "desc": ("STRING",),
        "code": ("STRING",), "money": ("NUMERIC", "BIGNUMERIC"), "qty": ("NUMERIC", "INT64"), "int": ("INT64",),
        "count": ("INT64",), "dec": ("FLOAT64", "NUMERIC"), "pct": ("FLOAT64", "NUMERIC"), "rate": ("FLOAT64",),
        "date": ("DATE",), "ts": ("TIMESTAMP", "DATETIME"), "time": ("TIME",), "year": ("INT64",), "flag": ("BOOL",),
        "json": ("JSON", "STRING"), "lat": ("FLOAT64",), "lon": ("FLOAT64",), "email": ("STRING",), "phone": ("STRING",),
        "url": ("STRING",), "ip": ("STRING",),
    },
    "duckdb": {
        "id": ("BIGINT", "INTEGER", "UBIGINT"), "key": ("VARCHAR",), "uuid": ("UUID",), "text": ("VARCHAR", "TEXT"),
        "name": ("VARCHAR",), "desc": ("VARCHAR", "TEXT"), "code": ("VARCHAR",), "money": ("DECIMAL(18,2)", "DECIMAL(12,2)"),
        "qty": ("DECIMAL(12,3)", "INTEGER"), "int": ("INTEGER", "SMALLINT"), "count": ("INTEGER", "UINTEGER"),
        "dec": ("DOUBLE", "DECIMAL(10,2)"), "pct": ("DOUBLE", "DECIMAL(5,2)"), "rate": ("DOUBLE",), "date": ("DATE",),
        "ts": ("TIMESTAMP", "TIMESTAMPTZ"), "time": ("TIME",), "year": ("SMALLINT",), "flag": ("BOOLEAN",), "json": ("JSON",),
        "lat": ("DOUBLE",), "lon": ("DOUBLE",), "email": ("VARCHAR",), "phone": ("VARCHAR",), "url": ("VARCHAR",), "ip": ("VARCHAR",),
    },
}  # fmt: skip

_NOW = {
    "postgres": "now()", "mysql": "CURRENT_TIMESTAMP", "databricks": "current_timestamp()",
    "snowflake": "CURRENT_TIMESTAMP()", "bigquery": "CURRENT_TIMESTAMP()", "duckdb": "current_timestamp",
}  # fmt: skip

# Words every dialect treats specially as a bare column name; such names are quoted.
_RESERVED_TEXT = (
    "order date type value user group year month key timestamp time level comment range position rank row rows desc "
    "from to end start table index default check limit offset references primary unique select where "
    "interval partition percent role session"
)
_RESERVED = frozenset(_RESERVED_TEXT.split())


def sql_type(kind: str, dialect: str, rng: random.Random) -> str:
    return rng.choice(_TYPES[dialect][kind])


@dataclass
class ColumnDef:
    name: str
    sql_type: str
    not_null: bool = False
    primary_key: bool = False
    unique: bool = False
    default: str | None = None  # an SQL expression, or "now" / "false" / "0" / a quoted literal
    references: tuple[str, str] | None = None  # (table, column) written inline
    check_values: tuple[str, ...] = ()  # allowed values, written as CHECK (name IN (…))


@dataclass
class TableDef:
    name: str
    dialect: str
    columns: list[ColumnDef]
    primary_key: tuple[str, ...] = ()  # a table-level PRIMARY KEY
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)  # (column, table, column)
    partition_column: str | None = None
    options: list[str] = field(default_factory=list)  # dialect-specific clauses after the column list


def quote(name: str, dialect: str, *, force: bool = False) -> str:
    needs = force or name.lower() in _RESERVED or not name.replace("_", "").isalnum() or name[0].isdigit()
    if dialect == "postgres" and name != name.lower():
        needs = True  # unquoted mixed-case names fold to lower case in PostgreSQL
    return str(exp.to_identifier(name, quoted=needs).sql(dialect=_sqlglot(dialect))) if needs else name


def _sqlglot(dialect: str) -> str:
    return dialect


def _default_sql(default: str, dialect: str) -> str:
    if default == "now":
        return _NOW[dialect]
    if default in ("true", "false"):
        return default.upper() if dialect != "mysql" else ("1" if default == "true" else "0")
    return default


def sql_list(values: tuple[str, ...]) -> str:
    """String literals for ``IN (…)`` or ``ENUM(…)``: ``'a', 'b'``."""
    return ", ".join(f"'{v}'" for v in values)


# Dialects where a column can carry an inline CHECK constraint that lists its allowed values.
CHECK_DIALECTS = ("postgres", "duckdb", "mysql")


def render_table(table: TableDef, rng: random.Random) -> str:
    d = table.dialect
    indent = rng.choice(["  ", "    ", "    ", "\t"])
    upper = rng.random() < 0.85

    def kw(keyword: str) -> str:
        return keyword if upper else keyword.lower()

    lines = []
    for col in table.columns:
        parts = [quote(col.name, d), col.sql_type if upper else col.sql_type.lower()]
        if col.primary_key:
            parts.append(kw("PRIMARY KEY"))
        elif col.not_null:
            parts.append(kw("NOT NULL"))
        if col.unique and not col.primary_key:
            parts.append(kw("UNIQUE"))
        if col.default is not None:
            parts.append(kw("DEFAULT") + " " + _default_sql(col.default, d))
        if col.references is not None:
            ref_table, ref_col = col.references
            parts.append(f"{kw('REFERENCES')} {_qualified(ref_table, d)}({quote(ref_col, d)})")
        if col.check_values:
            parts.append(f"{kw('CHECK')} ({quote(col.name, d)} {kw('IN')} ({sql_list(col.check_values)}))")
        lines.append(" ".join(parts))
    if table.primary_key:
        cols = ", ".join(quote(c, d) for c in table.primary_key)
        if rng.random() < 0.5:
            short = table.name.rsplit(".", 1)[-1].strip('`"').lower()
            lines.append(f"{kw('CONSTRAINT')} pk_{short} {kw('PRIMARY KEY')} ({cols})")
        else:
            lines.append(f"{kw('PRIMARY KEY')} ({cols})")
    for column, ref_table, ref_col in table.foreign_keys:
        target = f"{_qualified(ref_table, d)}({quote(ref_col, d)})"
        lines.append(f"{kw('FOREIGN KEY')} ({quote(column, d)}) {kw('REFERENCES')} {target}")
    head = kw("CREATE TABLE")
    if d in ("snowflake", "duckdb", "databricks") and rng.random() < 0.3:
        head = kw("CREATE OR REPLACE TABLE")
    elif d in ("postgres", "mysql", "databricks", "bigquery") and rng.random() < 0.3:
        head = kw("CREATE TABLE IF NOT EXISTS")
    body = (",\n" + indent).join(lines)
    tail = "".join(f"\n{option}" for option in table.options)
    return f"{head} {_qualified(table.name, d)} (\n{indent}{body}\n){tail};\n"


def _qualified(name: str, dialect: str) -> str:
    if dialect == "bigquery" and name.count(".") == 2:
        return f"`{name}`"
    return ".".join(quote(part, dialect) for part in name.split("."))


def vendor_options(dialect: str, rng: random.Random, partition: str | None, cluster: str | None) -> list[str]:
    """Table clauses a real table of this dialect would carry."""
    options: list[str] = []
    if dialect == "mysql":
        if rng.random() < 0.7:
            options.append("ENGINE=InnoDB" + (" DEFAULT CHARSET=utf8mb4" if rng.random() < 0.6 else ""))
    elif dialect == "databricks":
        if rng.random() < 0.7:
            options.append("USING DELTA")
        if partition and rng.random() < 0.7:
            options.append(f"PARTITIONED BY ({partition})")
        if rng.random() < 0.2:
            options.append("TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')")
    elif dialect == "snowflake":
        if cluster and rng.random() < 0.3:
            options.append(f"CLUSTER BY ({cluster})")
        if rng.random() < 0.2:
            options.append("DATA_RETENTION_TIME_IN_DAYS = 7")
    elif dialect == "bigquery":
        if partition and rng.random() < 0.6:
            options.append(f"PARTITION BY {partition}")
        if cluster and rng.random() < 0.4:
            options.append(f"CLUSTER BY {cluster}")
    return options
