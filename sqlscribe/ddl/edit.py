"""Plan minimal text edits that add or replace comments, and check the result.

An edit never touches a byte outside the place it inserts at or the literal it
replaces, so the user's formatting survives. After editing, the text is read
again and every table must carry exactly the comments we meant to write.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from sqlscribe.ddl.dialects import CommentStyle, Dialect, get_dialect
from sqlscribe.ddl.model import Column, Comment, Table
from sqlscribe.ddl.parse import parse_sql
from sqlscribe.docs import TableDocs


@dataclass(frozen=True)
class TextEdit:
    start: int
    end: int
    new_text: str


@dataclass(frozen=True)
class Planned:
    """What a table should carry once its edits are applied."""

    table_index: int
    table_name: str
    description: str | None
    columns: dict[str, str | None]


class EditConflictError(ValueError):
    pass


def wanted_comments(
    table: Table, docs: TableDocs, *, overwrite: bool = False, inherit: bool = True
) -> tuple[str | None, dict[str, str]]:
    """The comments that will be written: new ones, and replacements when ``overwrite``.

    Each text is as it will read back in the dialect (one line, in SQLite's SQL comments). A
    column that copies a commented column (a view's, MySQL's MODIFY) says what that one says as
    the text reads now, unless ``inherit`` is false: ``docs`` already say what it will say once
    the same run has rewritten it (``document.finish_file``)."""
    readable = get_dialect(table.dialect).readable
    description = None
    wanted = readable(docs.description or "")
    if wanted and table.describable and (table.comment is None or (overwrite and table.comment.text != wanted)):
        description = wanted
    columns: dict[str, str] = {}
    for col in table.columns:
        given = docs.columns.get(col.name)
        if given and inherit:  # a view's column that copies a commented column says what it says
            given = col.source_comment or given
        text = readable(given or "")
        if not text:
            continue
        if col.comment is None or (overwrite and col.comment.text != text):
            columns[col.name] = text
    return description, columns


def plan_table_edits(
    table: Table, docs: TableDocs, *, overwrite: bool = False, newline: str = "\n", inherit: bool = True
) -> list[TextEdit]:
    if not table.complete:
        return []
    dialect = get_dialect(table.dialect)
    description, columns = wanted_comments(table, docs, overwrite=overwrite, inherit=inherit)
    edits: list[TextEdit] = []
    appended: list[str] = []  # COMMENT ON statements added after the CREATE statement

    if description is not None:
        lit = _literal(dialect, table.comment, description)
        if table.comment is not None:
            edits.append(TextEdit(table.comment.literal.start, table.comment.literal.end, lit))
        elif table.style is CommentStyle.COMMENT_ON:
            appended.append(comment_on_table(table, lit))
        elif table.style is CommentStyle.OPTIONS:
            edits.append(_options_edit(table.options_open, table.options_separator, table.table_insert_at, lit))
        elif table.style is CommentStyle.SQL_COMMENT:
            comment = sql_comment(lit, table.line_comment) + ("" if table.line_comment else " ")
            edits.append(TextEdit(table.table_insert_at, table.table_insert_at, comment))
        else:
            edits.append(TextEdit(table.table_insert_at, table.table_insert_at, dialect.table_clause.format(lit=lit)))

    if table.column_list_at is not None and columns:
        # A view without a column list: the list, every column named, goes before its clauses.
        clauses = {name: column_comment_clause(dialect, dialect.literal(text)) for name, text in columns.items()}
        items = [c.name_source + (clauses.get(c.name) or "") for c in table.columns]
        edits.insert(0, TextEdit(table.column_list_at, table.column_list_at, f" ({', '.join(items)})"))
        columns = {}
    for col in table.columns:
        if col.name not in columns or (
            col.comment is not None and (not overwrite or col.comment.text == columns[col.name])
        ):
            continue  # the check again per column: a name written twice must not take the other's text
        lit = _literal(dialect, col.comment, columns[col.name])
        if col.comment is not None:
            edits.append(TextEdit(col.comment.literal.start, col.comment.literal.end, lit))
        elif table.style is CommentStyle.COMMENT_ON:
            appended.append(comment_on_column(table, col, lit))
        elif table.style is CommentStyle.OPTIONS:
            edits.append(_options_edit(col.options_open, col.options_separator, col.insert_at, lit))
        elif table.style is CommentStyle.SQL_COMMENT:
            edits.append(TextEdit(col.insert_at, col.insert_at, sql_comment(lit, col.line_comment)))
        elif col.insert_before_token:
            edits.append(TextEdit(col.insert_at, col.insert_at, dialect.column_clause.format(lit=lit).lstrip() + " "))
        else:
            edits.append(TextEdit(col.insert_at, col.insert_at, dialect.column_clause.format(lit=lit)))

    if appended:
        prefix = "" if table.has_semicolon else ";"
        if dialect.extended_properties and table.is_view:
            prefix = newline + "GO"  # CREATE VIEW is the only statement of its batch
        edits.append(
            TextEdit(table.statement_end, table.statement_end, prefix + "".join(newline + s for s in appended))
        )
    return _merge_same_offset(edits)


def _literal(dialect: Dialect, existing: Comment | None, text: str) -> str:
    """The literal for ``text``: a replacement keeps the existing comment's form."""
    return dialect.literal(text) if existing is None else dialect.replacement(existing.form, text)


def _options_edit(options_open: int | None, separator: str, insert_at: int, lit: str) -> TextEdit:
    if options_open is not None:
        return TextEdit(options_open, options_open, f"description={lit}{separator}")
    return TextEdit(insert_at, insert_at, _OPTIONS_CLAUSE.format(lit=lit))


_OPTIONS_CLAUSE = " OPTIONS(description={lit})"


def comment_on_table(table: Table, lit: str | None, *, update: bool = False) -> str:
    """The statement that comments a table, in dialects that comment with statements (and for a
    table made from a query where comments are clauses: ``Dialect.ctas_statements``). ``update``:
    the table has a comment already (SQL Server updates an extended property; it adds none twice).
    ``lit`` None: the statement that takes its comment away (a migration's undo)."""
    dialect = get_dialect(table.dialect)
    if dialect.extended_properties:
        return _extended_property(table, None, lit, update=update)
    lit = dialect.no_comment if lit is None else lit
    if table.comment_on and dialect.ctas_statements:
        return dialect.ctas_statements[0].format(table=table.name_source, lit=lit)
    kind = {"view": dialect.view_keyword, "materialized view": "MATERIALIZED VIEW"}.get(table.kind, "TABLE")
    if table.foreign:
        kind = "FOREIGN TABLE"  # PostgreSQL's COMMENT ON TABLE is for tables; a foreign table has its own
    return f"COMMENT ON {kind} {table.name_source} IS {lit};"


def comment_on_column(table: Table, col: Column, lit: str | None, *, update: bool = False) -> str:
    dialect = get_dialect(table.dialect)
    if dialect.extended_properties:
        return _extended_property(table, col, lit, update=update)
    lit = dialect.no_comment if lit is None else lit
    if table.comment_on and dialect.ctas_statements:
        return dialect.ctas_statements[1].format(table=table.name_source, column=col.name_source, lit=lit)
    return f"COMMENT ON COLUMN {table.name_source}.{col.name_source} IS {lit};"


def comment_statements(table: Table, docs: TableDocs, *, overwrite: bool = False) -> list[str]:
    """The statements that give the table what ``docs`` adds (and, with ``overwrite``, changes),
    in dialects that comment with statements."""
    dialect = get_dialect(table.dialect)
    description, columns = wanted_comments(table, docs, overwrite=overwrite)
    out = [comment_on_table(table, dialect.literal(description))] if description is not None else []
    out += [comment_on_column(table, c, dialect.literal(columns[c.name])) for c in table.columns if c.name in columns]
    return out


def _extended_property(table: Table, col: Column | None, lit: str | None, *, update: bool = False) -> str:
    """SQL Server's ``MS_Description``, which SSMS, Azure Data Studio and the catalog views read
    (``lit`` None: the property dropped).

    A table named without a schema is taken to live in ``dbo``, the default schema.
    """
    dialect = get_dialect(table.dialect)
    parts = table.name.split(".")
    schema = parts[-2] if len(parts) >= 2 else "dbo"
    kind = "VIEW" if table.is_view else "TABLE"
    levels = [("SCHEMA", schema), (kind, parts[-1])] + ([("COLUMN", col.name)] if col is not None else [])
    where = "".join(
        f", @level{n}type = N'{kind}', @level{n}name = {dialect.literal(name)}" for n, (kind, name) in enumerate(levels)
    )
    if lit is None:
        return f"EXEC sys.sp_dropextendedproperty @name = N'MS_Description'{where};"
    procedure = "sp_updateextendedproperty" if update else "sp_addextendedproperty"
    return f"EXEC sys.{procedure} @name = N'MS_Description', @value = {lit}{where};"


def sql_comment(text: str, line: bool) -> str:
    """A comment SQLite keeps with the table: ``-- …`` where a line ends, else ``/* … */``."""
    return f" -- {text}" if line else f" /* {text} */"


def column_comment_clause(dialect: Dialect, lit: str) -> str | None:
    """The clause that, appended to a column definition, comments it; None where comments are statements."""
    if dialect.style is CommentStyle.COMMENT_ON:
        return None
    if dialect.style is CommentStyle.SQL_COMMENT:
        return sql_comment(lit, True)
    if dialect.style is CommentStyle.OPTIONS:
        return _OPTIONS_CLAUSE.format(lit=lit)
    return dialect.column_clause.format(lit=lit)


def _merge_same_offset(edits: list[TextEdit]) -> list[TextEdit]:
    """Two insertions at one offset become one, in planned order, so application order cannot matter."""
    merged: list[TextEdit] = []
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        last = merged[-1] if merged else None
        if last and last.start == last.end == edit.start == edit.end:
            merged[-1] = TextEdit(edit.start, edit.end, last.new_text + edit.new_text)
        else:
            merged.append(edit)
    return merged


def apply_edits(text: str, edits: Iterable[TextEdit]) -> str:
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    for a, b in itertools.pairwise(ordered):
        if b.start < a.end or (a.start == b.start and a.start == a.end and b.start == b.end):
            raise EditConflictError(f"overlapping edits at offset {b.start}")
    out = []
    cursor = 0
    for edit in ordered:
        out.append(text[cursor : edit.start])
        out.append(edit.new_text)
        cursor = edit.end
    out.append(text[cursor:])
    return "".join(out)


def verify(new_text: str, dialect: str, planned: Iterable[Planned]) -> list[str]:
    """Read the edited text again; return one message per table whose comments are not as planned."""
    parsed = parse_sql(new_text, dialect)
    problems = []
    for plan in planned:
        if plan.table_index >= len(parsed.tables):
            problems.append(f"table {plan.table_name}: missing after editing")
            continue
        table = parsed.tables[plan.table_index]
        if table.name != plan.table_name or not table.complete:
            problems.append(f"table {plan.table_name}: does not parse after editing")
            continue
        got_desc = table.comment.text if table.comment else None
        if got_desc != plan.description:
            problems.append(f"table {plan.table_name}: table comment reads {got_desc!r} after editing")
        got_cols = {c.name: (c.comment.text if c.comment else None) for c in table.columns}
        if got_cols != plan.columns:
            wrong = sorted(k for k in set(got_cols) | set(plan.columns) if got_cols.get(k) != plan.columns.get(k))
            problems.append(f"table {plan.table_name}: column comments differ after editing ({', '.join(wrong)})")
    return problems


def expected_after(
    table_index: int, table: Table, docs: TableDocs, *, overwrite: bool = False, inherit: bool = True
) -> Planned:
    description, columns = wanted_comments(table, docs, overwrite=overwrite, inherit=inherit)
    final_desc = description if description is not None else (table.comment.text if table.comment else None)
    final_cols: dict[str, str | None] = {}
    for col in table.columns:
        final_cols[col.name] = columns.get(col.name, col.comment.text if col.comment else None)
    return Planned(table_index, table.name, final_desc, final_cols)
