"""Read SQL DDL with exact source spans and plan minimal comment edits."""

from sqlscribe.ddl.dialects import DIALECTS, Dialect, UnknownDialectError, detect_dialect, get_dialect
from sqlscribe.ddl.edit import (
    EditConflictError,
    Planned,
    TextEdit,
    apply_edits,
    expected_after,
    plan_table_edits,
    verify,
    wanted_comments,
)
from sqlscribe.ddl.model import Column, Comment, Diagnostic, ForeignKey, ParsedFile, SchemaChange, Span, Table
from sqlscribe.ddl.parse import parse_sql, statement_window

__all__ = [
    "DIALECTS",
    "Column",
    "Comment",
    "Diagnostic",
    "Dialect",
    "EditConflictError",
    "ForeignKey",
    "ParsedFile",
    "Planned",
    "SchemaChange",
    "Span",
    "Table",
    "TextEdit",
    "UnknownDialectError",
    "apply_edits",
    "detect_dialect",
    "expected_after",
    "get_dialect",
    "parse_sql",
    "plan_table_edits",
    "statement_window",
    "verify",
    "wanted_comments",
]
