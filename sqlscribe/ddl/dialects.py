"""Everything that differs between SQL dialects, in one place.

Each supported dialect says how comments are written for it: as separate
statements after the CREATE TABLE (``COMMENT ON`` in PostgreSQL, DuckDB and
Oracle; SQL Server's ``MS_Description`` extended properties), or as clauses
inside the CREATE TABLE statement (MySQL, Spark, Snowflake, BigQuery).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from sqlglot import exp


class CommentStyle(Enum):
    # Separate statements after the CREATE: COMMENT ON TABLE t IS '…'; or, in SQL Server,
    # EXEC sys.sp_addextendedproperty @name=N'MS_Description', @value=N'…', … (``edit.comment_on_table``).
    COMMENT_ON = "comment_on"
    INLINE = "inline"  # column COMMENT '…' inside the statement
    OPTIONS = "options"  # BigQuery OPTIONS(description=…)
    # SQL comments inside the CREATE statement (`-- …` at a line's end, else `/* … */`): SQLite has
    # no comment syntax, but keeps the statement's text, comments included, as the table's schema.
    SQL_COMMENT = "sql_comment"


@dataclass(frozen=True)
class Dialect:
    name: str  # the sqlglot dialect name
    style: CommentStyle
    # How a table comment clause is written after the column list; "{lit}" is the literal.
    table_clause: str = ""
    column_clause: str = " COMMENT {lit}"
    # Snowflake documents COMMENT right after the type; elsewhere it goes last.
    column_comment_after_type: bool = False
    # A column's COMMENT goes before the first of these words in its definition: MySQL's before an
    # inline REFERENCES or CHECK, ClickHouse's before CODEC, TTL and the rest that follow it.
    column_comment_before: frozenset[str] = frozenset()
    # The table's comment clause goes last in the statement (before an AS query), not right after
    # the column list: ClickHouse reads it only after ENGINE, ORDER BY and SETTINGS.
    table_clause_last: bool = False
    # Spark requires the USING clause before any other table clause.
    table_clause_after_using: bool = False
    # SQL Server writes comments as extended properties, in Unicode string literals (N'…').
    extended_properties: bool = False
    string_prefix: str = ""
    # What COMMENT ON calls a view: Oracle comments a view as a TABLE.
    view_keyword: str = "VIEW"
    # Whether a view can carry comments: MySQL's cannot; SQLite's and ClickHouse's are not read.
    views: bool = True
    # A CREATE TABLE … AS SELECT, whose columns have no definitions to hold a clause, is commented
    # with statements after it (``Table.comment_on``): the table's and a column's, with {table},
    # {column} and {lit}. Empty where the dialect has no such statement (MySQL's and Hive's redefine
    # the column, type and all).
    ctas_statements: tuple[str, str] | None = None
    # The literal that takes a comment away, where a statement sets it (a migration's undo): NULL
    # removes it; where the syntax wants a string, an empty one is no comment.
    no_comment: str = "NULL"

    def readable(self, text: str) -> str:
        """The text as a comment written in this dialect reads back: a string literal holds any
        text; a SQL comment holds one line, and never the end of a block comment."""
        return _sql_comment_body(text) if self.style is CommentStyle.SQL_COMMENT else text

    def literal(self, text: str) -> str:
        if self.style is CommentStyle.SQL_COMMENT:
            return _sql_comment_body(text)
        return self.string_prefix + self._string(text)

    def replacement(self, form: str, text: str) -> str:
        """The literal that replaces an existing comment's, written in that comment's own form
        (``Comment.form``): a file may hold comments of another syntax than its dialect writes
        (a MySQL ``COMMENT '…'`` read as SQL Server's), and each must still read back."""
        if form == "sql":
            return _sql_comment_body(text)
        return ("N" if form == "national" else "") + self._string(text)

    def _string(self, text: str) -> str:
        return str(exp.Literal.string(text).sql(dialect=self.name))

    def string_body(self, text: str) -> str:
        """``text`` as it reads between the quotes of a string literal."""
        if self.style is CommentStyle.SQL_COMMENT:
            return self.literal(text)
        return self.literal(text)[len(self.string_prefix) + 1 : -1]


def _sql_comment_body(text: str) -> str:
    """``text`` as a SQL comment can hold it: on one line, never closing a block comment."""
    return " ".join(text.split()).replace("*/", "* /")


_SPARK_CTAS = ("COMMENT ON TABLE {table} IS {lit};", "ALTER TABLE {table} ALTER COLUMN {column} COMMENT {lit};")
DIALECTS: dict[str, Dialect] = {
    "postgres": Dialect("postgres", CommentStyle.COMMENT_ON),
    "duckdb": Dialect("duckdb", CommentStyle.COMMENT_ON),
    "oracle": Dialect("oracle", CommentStyle.COMMENT_ON, view_keyword="TABLE", no_comment="''"),
    "trino": Dialect("trino", CommentStyle.COMMENT_ON),
    "redshift": Dialect("redshift", CommentStyle.COMMENT_ON),
    "teradata": Dialect("teradata", CommentStyle.COMMENT_ON, no_comment="''"),
    "tsql": Dialect("tsql", CommentStyle.COMMENT_ON, extended_properties=True, string_prefix="N"),
    "mysql": Dialect(
        "mysql",
        CommentStyle.INLINE,
        table_clause=" COMMENT={lit}",
        column_comment_before=frozenset({"REFERENCES", "CHECK", "CONSTRAINT"}),
        views=False,
        no_comment="''",
    ),
    "clickhouse": Dialect(
        "clickhouse",
        CommentStyle.INLINE,
        table_clause=" COMMENT {lit}",
        column_comment_before=frozenset({"CODEC", "TTL", "PRIMARY", "PRIMARY KEY", "SETTINGS"}),
        table_clause_last=True,
        views=False,
        no_comment="''",
        ctas_statements=(
            "ALTER TABLE {table} MODIFY COMMENT {lit};",
            "ALTER TABLE {table} COMMENT COLUMN {column} {lit};",
        ),
    ),
    "databricks": Dialect(
        "databricks",
        CommentStyle.INLINE,
        table_clause=" COMMENT {lit}",
        table_clause_after_using=True,
        ctas_statements=_SPARK_CTAS,
        no_comment="''",
    ),
    "spark": Dialect(
        "spark",
        CommentStyle.INLINE,
        table_clause=" COMMENT {lit}",
        table_clause_after_using=True,
        ctas_statements=_SPARK_CTAS,
        no_comment="''",
    ),
    "hive": Dialect("hive", CommentStyle.INLINE, table_clause=" COMMENT {lit}"),
    "snowflake": Dialect(
        "snowflake",
        CommentStyle.INLINE,
        table_clause=" COMMENT = {lit}",
        column_comment_after_type=True,
        no_comment="''",
        ctas_statements=("COMMENT ON TABLE {table} IS {lit};", "COMMENT ON COLUMN {table}.{column} IS {lit};"),
    ),
    "bigquery": Dialect(
        "bigquery",
        CommentStyle.OPTIONS,
        ctas_statements=(
            "ALTER TABLE {table} SET OPTIONS (description = {lit});",
            "ALTER TABLE {table} ALTER COLUMN {column} SET OPTIONS (description = {lit});",
        ),
    ),
    "sqlite": Dialect("sqlite", CommentStyle.SQL_COMMENT, views=False),
}

ALIASES = {
    "postgresql": "postgres",
    "pg": "postgres",
    "psql": "postgres",
    "mariadb": "mysql",
    "spark2": "spark",
    "sparksql": "spark",
    "bq": "bigquery",
    "ch": "clickhouse",
    "chdb": "clickhouse",
    "sqlserver": "tsql",
    "mssql": "tsql",
    "azuresql": "tsql",
    "synapse": "tsql",
    "fabric": "tsql",
    "plsql": "oracle",
    "sqlite3": "sqlite",
    "presto": "trino",
    "starburst": "trino",
    "athena": "hive",
    "td": "teradata",
}


class UnknownDialectError(ValueError):
    pass


def get_dialect(name: str) -> Dialect:
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    try:
        return DIALECTS[key]
    except KeyError:
        known = ", ".join(sorted(DIALECTS))
        raise UnknownDialectError(f"unknown dialect {name!r}; choose one of: {known}") from None


_HINT = re.compile(r"(?:--|/\*|#)\s*(?:sqlscribe\s*:\s*)?dialect\s*[:=]\s*([A-Za-z0-9_]+)", re.IGNORECASE)

# Syntax that gives a dialect away, with a weight. Checked on the raw text.
_SIGNALS: list[tuple[str, re.Pattern[str], int]] = [
    ("mysql", re.compile(r"\bENGINE\s*=", re.I), 5),
    ("mysql", re.compile(r"\bAUTO_INCREMENT\b", re.I), 4),
    ("mysql", re.compile(r"\b(?:DEFAULT\s+)?CHARSET\s*=", re.I), 4),
    ("mysql", re.compile(r"\bUNSIGNED\b", re.I), 3),
    ("mysql", re.compile(r"\b(?:TINYINT|MEDIUMINT|MEDIUMTEXT|LONGTEXT|DATETIME)\b", re.I), 1),
    ("mysql", re.compile(r"\bCOMMENT\s*=\s*'", re.I), 1),
    # ClickHouse: its table engines, and its type names, written in their own case (BigQuery's are INT64).
    ("clickhouse", re.compile(r"\bENGINE\s*=\s*\w*(?:MergeTree|Log|Distributed)\b", re.I), 8),
    ("clickhouse", re.compile(r"\b(?:U?Int(?:8|16|32|64|128|256)|Float(?:32|64)|DateTime64|FixedString)\b"), 6),
    ("clickhouse", re.compile(r"\b(?:LowCardinality|Nullable)\s*\("), 6),
    ("clickhouse", re.compile(r"\bCODEC\s*\(", re.I), 4),
    ("redshift", re.compile(r"\b(?:DISTSTYLE|DISTKEY|SORTKEY)\b", re.I), 6),
    # Teradata: SHOW TABLE's MULTISET/SET tables, their journal options and primary index.
    ("teradata", re.compile(r"\bCREATE\s+(?:MULTISET|SET)\s+(?:VOLATILE\s+)?TABLE\b", re.I), 6),
    ("teradata", re.compile(r"\b(?:NO\s+FALLBACK|NO\s+BEFORE\s+JOURNAL|(?:UNIQUE\s+)?PRIMARY\s+INDEX\s*\()", re.I), 6),
    ("redshift", re.compile(r"\bENCODE\s+(?:AZ64|ZSTD|LZO|RAW|BYTEDICT|RUNLENGTH|MOSTLY\d+|DELTA|TEXT)\w*", re.I), 6),
    # Trino's table properties (SHOW CREATE TABLE writes them), for Hive, Iceberg and Delta tables.
    (
        "trino",
        re.compile(r"\bWITH\s*\(\s*(?:format|partitioned_by|location|external_location|format_version)\s*=", re.I),
        6,
    ),
    ("bigquery", re.compile(r"\bOPTIONS\s*\(", re.I), 4),
    ("bigquery", re.compile(r"\b(?:INT64|FLOAT64|BIGNUMERIC)\b", re.I), 5),
    ("bigquery", re.compile(r"`[\w-]+\.[\w-]+\.[\w-]+`"), 3),
    ("databricks", re.compile(r"\bUSING\s+DELTA\b", re.I), 5),
    ("databricks", re.compile(r"\bTBLPROPERTIES\b", re.I), 3),
    ("databricks", re.compile(r"\bGENERATED\s+ALWAYS\s+AS\s+IDENTITY\b", re.I), 1),
    ("spark", re.compile(r"\bUSING\s+(?:PARQUET|ORC|CSV|JSON|ICEBERG)\b", re.I), 4),
    ("spark", re.compile(r"\b(?:STORED\s+AS|ROW\s+FORMAT)\b", re.I), 4),
    ("spark", re.compile(r"\bPARTITIONED\s+BY\b", re.I), 2),
    ("spark", re.compile(r"\bSTRING\b", re.I), 1),
    ("snowflake", re.compile(r"\b(?:VARIANT|TIMESTAMP_NTZ|TIMESTAMP_LTZ|TIMESTAMP_TZ)\b", re.I), 5),
    ("snowflake", re.compile(r"\bCREATE\s+(?:OR\s+REPLACE\s+)?TRANSIENT\b", re.I), 5),
    ("snowflake", re.compile(r"\bNUMBER\s*\(", re.I), 2),
    ("snowflake", re.compile(r"\bCOMMENT\s*=\s*'", re.I), 2),
    ("snowflake", re.compile(r"\bDATA_RETENTION_TIME_IN_DAYS\b", re.I), 4),
    ("postgres", re.compile(r"\bCOMMENT\s+ON\s+(?:TABLE|COLUMN)\b", re.I), 3),
    (
        "postgres",
        re.compile(r"\b(?:BIGSERIAL|SERIAL|SMALLSERIAL|JSONB|TIMESTAMPTZ|BYTEA|CITEXT|INET|TSVECTOR)\b", re.I),
        4,
    ),
    ("postgres", re.compile(r"::\w+"), 2),
    # Foreign data wrappers (whose OPTIONS ( … ) are no BigQuery's).
    ("postgres", re.compile(r"\bCREATE\s+(?:FOREIGN\s+TABLE|SERVER)\b|\bFOREIGN\s+DATA\s+WRAPPER\b", re.I), 8),
    # What pg_dump writes.
    ("postgres", re.compile(r"\bpg_catalog\.|\bFROM\s+stdin\s*;|\bOWNER\s+TO\b", re.I), 5),
    ("postgres", re.compile(r"\bcharacter\s+varying\b", re.I), 3),
    ("postgres", re.compile(r"\bGENERATED\s+(?:ALWAYS|BY\s+DEFAULT)\s+AS\s+IDENTITY\b", re.I), 1),
    ("duckdb", re.compile(r"\b(?:HUGEINT|UHUGEINT|UBIGINT|UTINYINT)\b", re.I), 5),
    ("oracle", re.compile(r"\bN?VARCHAR2\b", re.I), 5),
    ("oracle", re.compile(r"\b(?:SYSDATE|SYSTIMESTAMP)\b", re.I), 3),
    ("oracle", re.compile(r"\b(?:TABLESPACE|PCTFREE|NOCOMPRESS|NOLOGGING)\b", re.I), 3),
    ("oracle", re.compile(r"\bNUMBER\s*\(", re.I), 1),  # Snowflake's too, and there it weighs more
    ("oracle", re.compile(r"\b(?:CLOB|NCLOB|BINARY_DOUBLE|BINARY_FLOAT)\b", re.I), 2),
    ("sqlite", re.compile(r"\bWITHOUT\s+ROWID\b|\)\s*STRICT\b|\bsqlite_\w+|\bPRAGMA\s+\w+", re.I), 5),
    ("sqlite", re.compile(r"\bINTEGER\s+PRIMARY\s+KEY\s+AUTOINCREMENT\b", re.I), 5),
    ("tsql", re.compile(r"^[ \t]*GO[ \t]*\r?$", re.I | re.M), 5),
    ("tsql", re.compile(r"\bsp_addextendedproperty\b", re.I), 5),
    ("tsql", re.compile(r"\bIDENTITY\s*\(\s*\d+\s*,\s*\d+\s*\)", re.I), 3),  # Snowflake writes it too
    ("tsql", re.compile(r"\b(?:UNIQUEIDENTIFIER|DATETIME2|DATETIMEOFFSET|SMALLDATETIME|NTEXT|SMALLMONEY)\b", re.I), 4),
    ("tsql", re.compile(r"\bN?VARCHAR\s*\(\s*MAX\s*\)", re.I), 4),
    ("tsql", re.compile(r"\[\w+\]\s*\.\s*\[\w+\]"), 4),
    ("tsql", re.compile(r"\b(?:NON)?CLUSTERED\b", re.I), 3),
    ("duckdb", re.compile(r"\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP|TEMPORARY)?\s*SEQUENCE\b", re.I), 1),
]

DEFAULT_DIALECT = "postgres"
# Why a file with nothing dialect-specific in it is read as the default.
DEFAULT_REASON = f"no dialect-specific syntax found; defaulting to {DEFAULT_DIALECT}"


def detect_dialect(text: str, path: str | None = None) -> tuple[str, str]:
    """Guess a file's dialect; returns the dialect name and why it was chosen."""
    head = text[:4096]
    hint = _HINT.search(head)
    if hint:
        try:
            return get_dialect(hint.group(1)).name, f"hint '{hint.group(0).strip()}' in the file"
        except UnknownDialectError:
            pass
    scores: dict[str, int] = {}
    evidence: dict[str, str] = {}
    sample = text[:200_000]
    for dialect, pattern, weight in _SIGNALS:
        match = pattern.search(sample)
        if match:
            scores[dialect] = scores.get(dialect, 0) + weight
            evidence.setdefault(dialect, " ".join(match.group(0).split()))
    # Backtick quoting alone says MySQL, BigQuery or Spark; prefer MySQL when nothing else speaks.
    if "`" in sample and not scores:
        scores["mysql"] = 1
        evidence["mysql"] = "backtick-quoted identifiers"
    if not scores:
        return DEFAULT_DIALECT, DEFAULT_REASON
    # A tie is settled for the default: GENERATED ALWAYS AS IDENTITY is PostgreSQL's as much as
    # Databricks', and reading "quoted" names as Spark's strings finds no table at all.
    best = max(sorted(scores), key=lambda name: (scores[name], name == DEFAULT_DIALECT))
    return best, f"detected from syntax ({evidence[best]})"
