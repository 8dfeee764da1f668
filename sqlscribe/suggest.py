"""Verified edits for one column or one table of a parsed file — what an editor applies.

The CLI documents whole files through :mod:`sqlscribe.document`; an editor works one
suggestion at a time against text that keeps changing. Every plan here is checked the
same way: apply it to a copy, read the copy again, and compare the comments found with
the comments meant. A plan that fails the check is refused, never half-applied.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlscribe.ddl import (
    Column,
    Comment,
    ParsedFile,
    Planned,
    Table,
    TextEdit,
    apply_edits,
    expected_after,
    plan_table_edits,
    verify,
)
from sqlscribe.ddl.dialects import get_dialect
from sqlscribe.ddl.edit import column_comment_clause, comment_statements
from sqlscribe.docs import TableDocs
from sqlscribe.generate import Context, DocRequest
from sqlscribe.prompt import default_context


class SuggestionError(ValueError):
    """The suggestion cannot be applied to this text (it says why)."""


@dataclass(frozen=True)
class Target:
    """What the user asked to document: a whole table, or one of its columns."""

    table: str
    column: str | None = None

    @property
    def label(self) -> str:
        return f"{self.table}.{self.column}" if self.column else self.table


def find_table(
    parsed: ParsedFile, name: str, hint_index: int | None = None, at: int | None = None
) -> tuple[int, Table] | None:
    """The table called ``name``: the statement that starts at ``at``, else ``hint_index``'s, which
    break ties when a file defines a name twice (or adds columns to it with ALTER TABLE)."""
    named = [(index, table) for index, table in enumerate(parsed.tables) if table.name == name]
    starting = next((found for found in named if found[1].span.start == at), None)
    hinted = next((found for found in named if found[0] == hint_index), None)
    return starting or hinted or (named[0] if named else None)


def find_column(parsed: ParsedFile, table_name: str, column: str) -> tuple[int, Table, Column] | None:
    """The statement that defines ``table_name.column``: its CREATE, or an ALTER TABLE that adds it."""
    for index, table in enumerate(parsed.tables):
        col = table.column(column) if table.name == table_name else None
        if col is not None:
            return index, table, col
    return None


def request_for(parsed: ParsedFile, index: int, column: str | None = None, *, overwrite: bool = False) -> DocRequest:
    """The generation request for a table, or for a single column of it."""
    table = parsed.tables[index]
    context = default_context(parsed.tables, index)
    if column is None:
        return DocRequest.for_table(table, context, overwrite=overwrite)
    col = table.column(column)
    if col is None:
        raise SuggestionError(f"column {column} no longer exists in table {table.name}")
    return DocRequest(table, context, (col.name,), want_description=False)


def needs_docs(table: Table, *, overwrite: bool = False) -> bool:
    return not DocRequest.for_table(table, Context(), overwrite=overwrite).empty


def documented_in_bulk(table: Table, *, overwrite: bool = False) -> bool:
    """Whether documenting a whole file documents the table: a complete statement that lacks
    something, and no migration tool's own table (asked for by name alone)."""
    return table.complete and not table.bookkeeping and needs_docs(table, overwrite=overwrite)


def undocumented_columns(table: Table) -> list[str]:
    return [c.name for c in table.columns if c.wants_comment()]


def plan_target(
    parsed: ParsedFile, index: int, docs: TableDocs, target: Target, *, overwrite: bool = False
) -> list[TextEdit]:
    """Edits that write ``docs`` for the target into the text, checked by re-reading the result."""
    table = parsed.tables[index]
    if not table.complete:
        raise SuggestionError(f"table {table.name} is not complete yet ({table.problem or 'it does not parse'})")
    if target.column is not None:
        col = table.column(target.column)
        if col is None:
            raise SuggestionError(f"column {target.column} no longer exists in table {table.name}")
        text = docs.columns.get(col.name)
        docs = TableDocs(None, {col.name: text} if text else {})
    newline = "\r\n" if "\r\n" in parsed.text else "\n"
    edits = plan_table_edits(table, docs, overwrite=overwrite, newline=newline)
    if not edits:
        return []
    start, end = table.span.start, table.statement_end
    # A view's columns may come from the tables above it (a `*`): it is read again with them.
    if all(start <= e.start and e.end <= end for e in edits) and not table.derived:
        problems = _verify_statement(parsed.text, table, docs, edits, overwrite=overwrite)
    else:  # an overwrite reaches a COMMENT ON statement elsewhere in the file: check the whole file
        new_text = apply_edits(parsed.text, edits)
        problems = verify(new_text, parsed.dialect, [expected_after(index, table, docs, overwrite=overwrite)])
    if problems:
        raise SuggestionError("; ".join(problems))
    return edits


def _verify_statement(text: str, table: Table, docs: TableDocs, edits: list[TextEdit], *, overwrite: bool) -> list[str]:
    """Check the edited statement on its own: it must parse and carry exactly the intended comments.

    Reading one statement instead of the whole file keeps an editor fast on multi-megabyte
    files. Comments that live outside the statement (a ``COMMENT ON`` further down) are not
    in the excerpt, so they are expected absent there; no edit touches them.
    """
    start, end = table.span.start, table.statement_end
    shifted = [TextEdit(e.start - start, e.end - start, e.new_text) for e in edits]
    excerpt = apply_edits(text[start:end], shifted)
    planned = expected_after(0, table, docs, overwrite=overwrite)

    def inside(comment: Comment | None) -> bool:
        return comment is not None and start <= comment.clause.start and comment.clause.end <= end

    description = planned.description
    if table.comment is not None and description == table.comment.text and not inside(table.comment):
        description = None
    columns = dict(planned.columns)
    for col in table.columns:
        if col.comment is not None and columns.get(col.name) == col.comment.text and not inside(col.comment):
            columns[col.name] = None
    return verify(excerpt, table.dialect, [Planned(0, table.name, description, columns)])


def comment_clause(dialect_name: str, text: str) -> str | None:
    """The clause typed after a column definition to comment it, or None where the dialect has none."""
    dialect = get_dialect(dialect_name)
    return column_comment_clause(dialect, dialect.literal(text))


def comment_on_statements(table: Table, docs: TableDocs, newline: str = "\n") -> str:
    """``COMMENT ON`` statements for what a table lacks, for dialects that document tables that way."""
    return newline.join(comment_statements(table, docs))


def string_body(dialect_name: str, text: str) -> str:
    """``text`` as it reads between the quotes of a string literal in the dialect."""
    return get_dialect(dialect_name).string_body(text)
