"""Document a migrations folder with one new migration (``sqlscribe document migrations/ --to
migrations/V9__document.sql``): the statements that give the tables and columns the files before it
leave undocumented their comments, as the schema stands after those files, in one file that runs
after them. Applied migrations stay byte for byte as they are: Flyway, Liquibase and others keep a
checksum of each and refuse to go on once one changes.

The files are planned and generated as for an in-place run (``document.finish_file(apply=False)``:
each ALTER with its table, each file with what later files comment); what is wanted of each
statement is then carried through the folder in order, so that a table dropped later gets nothing,
a renamed one (or column) is named as it is now, a table created again takes only what its last
CREATE wants, and a column defined again (MySQL's MODIFY) only what its last definition wants.

The new file is written as the folder's tool wants its files (``TOOLS``): Liquibase's changeset
with ``--rollback`` lines, dbmate's, goose's and sql-migrate's up and down sections, or
golang-migrate's pair of ``.up.sql`` and ``.down.sql`` files. What undoes it takes each comment
away again, or sets back the one it replaced.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import os
import re
import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlglot.dialects.dialect import Dialect as SqlglotDialect
from sqlglot.tokenizer_core import Token, TokenType

from sqlscribe import __version__, alembic_versions, atlas, django_migrations, sqitch
from sqlscribe.ddl import (
    Column,
    Comment,
    ForeignKey,
    SchemaChange,
    Span,
    Table,
    get_dialect,
    parse_sql,
    wanted_comments,
)
from sqlscribe.ddl.dialects import CommentStyle
from sqlscribe.ddl.edit import comment_on_column, comment_on_table
from sqlscribe.docs import TableDocs, counted
from sqlscribe.document import FileOutcome, FilePlan
from sqlscribe.generate import DocRequest, Generated
from sqlscribe.liquibase import changelog_for
from sqlscribe.migrations import NEW_NAME, is_repeatable_name, is_undo_name, layout, sql_files


class NewMigrationError(Exception):
    pass


def unsupported(dialect: str) -> str | None:
    """Why no migration can add comments in ``dialect``; None where one can."""
    if get_dialect(dialect).style is CommentStyle.SQL_COMMENT:
        return f"{dialect} keeps comments only in each table's CREATE text, which no later statement can change"
    if dialect == "hive":
        return (
            "hive comments a column only by restating its type (ALTER TABLE … CHANGE), which sqlscribe does not write"
        )
    return None


@dataclass
class _Column:
    column: Column  # its latest definition
    text: str  # the comment to write
    source: str  # the text of the file that defines it (MySQL's MODIFY restates the definition)
    old: str | None  # the comment it has (an --overwrite-existing replacement): what its undo sets back

    @property
    def update(self) -> bool:
        return self.old is not None


@dataclass
class _Table:
    """What the new migration says of one table, named as the folder leaves it."""

    table: Table  # the statement that created it (an ALTER's record when no file here creates it)
    description: str | None
    old: str | None  # the description it has, as for _Column
    columns: list[_Column]  # in the order their last definitions come

    @property
    def update(self) -> bool:
        return self.old is not None


@dataclass
class NewMigration:
    text: str  # empty when nothing is wanted
    statements: int
    tables: list[Table]  # those it documents, as named now
    notes: list[str]  # what it leaves out, and why
    tool: str = ""  # the migration tool whose markers it has (MigrationTool.name), if any
    undo: str = ""  # the text of its undo file (``undo_path``): golang-migrate's .down.sql
    rollback: str = ""  # the statements that undo it, however its tool keeps them

    @property
    def liquibase(self) -> bool:
        """A changeset of Liquibase's formatted SQL: the changelog must include it."""
        return self.tool == LIQUIBASE.name


def _key(name: str) -> list[str]:
    return [part.lower() for part in name.split(".")]


def _renamed(name: str, source: str, new: str, new_source: str) -> tuple[str, str]:
    """A table's name and its source after a rename to ``new``: PostgreSQL's ``RENAME TO`` (and
    SQL Server's sp_rename) name no schema, and the table keeps its own."""
    if "." in new or "." not in name:
        return new, new_source
    return f"{name.rsplit('.', 1)[0]}.{new}", f"{source.rsplit('.', 1)[0]}.{new_source}"


def _matches(wanted: Sequence[str], key: Sequence[str]) -> bool:
    """A name as a statement writes it matches a table's (a schema-less name matches any schema)."""
    wanted = [p.lower() for p in wanted]
    n = min(len(wanted), len(key))
    return n > 0 and list(wanted[-n:]) == list(key[-n:])


@dataclass
class _Named:
    """A column as the folder names it after the files read so far, and the definitions of it."""

    name: str
    source: str
    owners: list[tuple[Table, Column]]
    former: list[str] = dataclasses.field(default_factory=list)  # the names it had before (renamed)


@dataclass
class _Live:
    name: str
    source: str
    members: list[Table]  # its CREATE and the ALTERs that define its columns
    columns: dict[str, _Named]  # by lower-case name now, in the order of their last definitions
    former: list[str] = dataclasses.field(default_factory=list)  # the names it had before (renamed)


def _replay(files: Iterable[tuple[Sequence[Table], Sequence[SchemaChange]]]) -> list[_Live]:
    """Each table as the folder leaves it, given each file's statements (in version order) and
    its drops and renames: a CREATE replaces what had its name, an ALTER's record defines its
    columns anew, a DROP removes, a RENAME names anew (PostgreSQL's ``RENAME TO`` keeps the
    schema). Both what the model is asked (``FinalNames``) and what the new migration says
    (``new_migration``) come from it."""
    live: list[_Live] = []
    for tables, changes in files:
        events: list[tuple[int, int, SchemaChange | Table]] = [(c.at, 0, c) for c in changes]
        events += [(t.span.start, 1, t) for t in tables]
        for _, _, event in sorted(events, key=lambda e: (e[0], e[1])):
            found = next((e for e in reversed(live) if _matches(_parts(event), _key(e.name))), None)
            if isinstance(event, Table):
                if not event.from_alter or found is None:
                    if not event.from_alter:
                        live = [e for e in live if not _matches(_key(event.name), _key(e.name))]
                    found = _Live(event.name, event.name_source, [], {})
                    live.append(found)
                found.members.append(event)
                for col in event.columns:  # defined here: its last definition, last in order
                    named = found.columns.pop(col.name.lower(), None) or _Named(col.name, col.name_source, [])
                    named.owners.append((event, col))
                    found.columns[col.name.lower()] = named
            elif found is not None:
                _follow_change(live, found, event)
    return live


class FinalNames:
    """What each statement's table and columns are called once the last file has run (every later
    RENAME followed), so that the model documents V1's ``amt`` as the ``total_amount`` a later
    migration renamed it, which is what the new migration comments; the tables a statement
    references and those shown beside it are named as they end up too, so that no comment names
    a table by a name it no longer has. ``ask`` gives the request to send and the way back to the
    statement's own names."""

    def __init__(self, plans: Sequence[FilePlan]) -> None:
        self._tables: dict[int, tuple[str, str]] = {}
        self._columns: dict[int, dict[str, tuple[str, str]]] = {}
        # a name a table had before a rename (short, lower case) -> the table, where only one had it
        self._former: dict[str, _Live | None] = {}
        worked = (([p.parsed.tables[i] for i, _ in p.work], p.parsed.schema_changes) for p in plans)
        live = _replay(worked)
        self._now = {_key(entry.name)[-1]: entry for entry in live}
        current = set(self._now)
        for entry in live:
            for member in entry.members:
                self._tables[id(member)] = (entry.name, entry.source)
            for named in entry.columns.values():
                for owner, col in named.owners:
                    self._columns.setdefault(id(owner), {})[col.name] = (named.name, named.source)
            for former in entry.former:
                short = _key(former)[-1]
                if short not in current:  # a name taken again names the table that has it now
                    self._former[short] = entry if short not in self._former else None

    def _table_now(self, name: str) -> _Live | None:
        """The table a statement names ``name``, as it ends up: one renamed from it, else the one
        of that name; None when none (or several were renamed from it)."""
        short = _key(name)[-1]
        return self._former[short] if short in self._former else self._now.get(short)

    def _name_now(self, name: str) -> str:
        """``name`` as the table it names ends up named (qualified as ``name`` is)."""
        now = self._table_now(name)
        if now is None or _key(now.name)[-1] == _key(name)[-1]:
            return name  # not renamed: as written
        return now.name if "." in name else now.name.rsplit(".", 1)[-1]

    def _reference(self, fk: ForeignKey, own: Callable[[str], str]) -> ForeignKey:
        """A foreign key with its columns (``own``) and the table and columns it references named
        as they end up."""
        target = self._table_now(fk.ref_table)
        ref_columns = fk.ref_columns if target is None else tuple(_column_now(target, c) for c in fk.ref_columns)
        return ForeignKey(tuple(own(c) for c in fk.columns), self._name_now(fk.ref_table), ref_columns)

    def ask(self, request: DocRequest) -> tuple[DocRequest, Callable[[Generated], Generated]]:
        """The request with the names as they end up, and what maps its answer back."""
        table = request.table
        name, source = self._tables.get(id(table), (table.name, table.name_source))
        columns = self._columns.get(id(table), {})
        renamed = {c.name: columns[c.name] for c in table.columns if columns.get(c.name, (c.name,))[0] != c.name}

        def own(column: str) -> str:
            return renamed.get(column, (column,))[0]

        inline = {c.name: self._reference(c.references, own) for c in table.columns if c.references is not None}
        foreign_keys = [self._reference(fk, own) for fk in table.foreign_keys]
        neighbours = tuple(self._name_now(n) for n in request.context.neighbours)
        if (
            name == table.name
            and not renamed
            and foreign_keys == table.foreign_keys
            and all(inline[c.name] == c.references for c in table.columns if c.references is not None)
            and neighbours == request.context.neighbours
        ):
            return request, _same
        copy = dataclasses.replace(
            table,
            name=name,
            name_source=source,
            columns=[
                dataclasses.replace(
                    c,
                    name=own(c.name),
                    name_source=renamed[c.name][1] if c.name in renamed else c.name_source,
                    references=inline.get(c.name),
                )
                for c in table.columns
            ],
            foreign_keys=foreign_keys,
        )
        context = dataclasses.replace(request.context, neighbours=neighbours)
        asked = tuple(renamed.get(n, (n, n))[0] for n in request.columns)
        back = {new: old for old, (new, _) in renamed.items()}

        def restore(generated: Generated) -> Generated:
            docs = TableDocs(generated.docs.description, {back.get(k, k): v for k, v in generated.docs.columns.items()})
            return dataclasses.replace(generated, docs=docs)

        return dataclasses.replace(request, table=copy, columns=asked, context=context), restore


def _column_now(entry: _Live, name: str) -> str:
    """A column of the table ``entry`` as it ends up, given a name it had."""
    lowered = name.lower()
    if lowered in entry.columns:
        return entry.columns[lowered].name
    found = [named.name for named in entry.columns.values() if lowered in (f.lower() for f in named.former)]
    return found[0] if len(found) == 1 else name


def _same(generated: Generated) -> Generated:
    return generated


def _parts(event: SchemaChange | Table) -> list[str]:
    return list(event.table) if isinstance(event, SchemaChange) else _key(event.name)


def _follow_change(live: list[_Live], entry: _Live, change: SchemaChange) -> None:
    if change.kind == "drop table":
        live.remove(entry)
    elif change.kind == "rename table" and change.new and change.new_source:
        entry.former.append(entry.name)
        entry.name, entry.source = _renamed(entry.name, entry.source, change.new, change.new_source)
    elif change.kind == "drop column" and change.column:
        entry.columns.pop(change.column.lower(), None)
    elif change.kind == "rename column" and change.column and change.new and change.new_source:
        moved = entry.columns.pop(change.column.lower(), None)
        if moved is not None:
            moved.former.append(moved.name)
            moved.name, moved.source = change.new, change.new_source
            entry.columns[change.new.lower()] = moved


def new_migration(
    outcomes: Sequence[FileOutcome], *, overwrite: bool = False, target: Path | None = None, model: str = ""
) -> NewMigration:
    """The statements that comment what ``outcomes`` (a folder's files, in version order, planned
    and generated) want, as the text of the file ``target``: first what its tool wants there
    (``tool_for`` the files), then comment lines that say what it is and which ``model`` wrote it;
    then the statements, and those that undo them where the tool keeps them (``_compose``), or as
    the text of the undo file beside it (``undo_path``)."""
    dialects = sorted({o.parsed.dialect for o in outcomes if o.tables})
    if len(dialects) > 1:
        raise NewMigrationError(f"the files are read in more than one dialect ({', '.join(dialects)})")
    why = next((w for d in dialects if (w := unsupported(d)) is not None), None)
    if why is not None:
        raise NewMigrationError(why)
    wanted: dict[int, tuple[str | None, dict[str, str]]] = {}  # by statement: its description, its columns'
    texts: dict[int, str] = {}  # by statement: its file's text (MySQL's MODIFY restates a definition)
    for outcome in outcomes:
        for result in outcome.tables:
            docs = result.generated.docs if result.generated is not None else TableDocs(None, {})
            wanted[id(result.table)] = wanted_comments(result.table, docs, overwrite=overwrite, inherit=False)
            texts[id(result.table)] = outcome.parsed.text
    tables = []
    for entry in _replay(([r.table for r in o.tables], o.parsed.schema_changes) for o in outcomes):
        created = entry.members[0]
        columns = []
        for named in entry.columns.values():  # what its last definition wants, nothing before it
            owner, col = named.owners[-1]
            text = wanted[id(owner)][1].get(col.name)
            if text is not None:
                now = dataclasses.replace(col, name=named.name, name_source=named.source)
                columns.append(_Column(now, text, texts[id(owner)], _said(col.comment)))
        tables.append(
            _Table(
                dataclasses.replace(created, name=entry.name, name_source=entry.source),
                None if created.from_alter else wanted[id(created)][0],
                None if created.from_alter else _said(created.comment),
                columns,
            )
        )
    names = [_shown(Path(o.path)) for o in outcomes]
    span = "no file" if not names else names[0] if len(names) == 1 else f"{names[0]} to {names[-1]}"
    header = _header(span, "they leave undocumented", overwrite, model)
    tool = tool_for([o.parsed.text for o in outcomes], target)
    return _write(tables, header, tool, target)


def _shown(path: Path) -> str:
    """A migration's name as the new one's header gives it: its file's, with its own folder's."""
    return f"{path.parent.name}/{path.name}" if layout(path)[1] else path.name


def _said(comment: Comment | None) -> str | None:
    return None if comment is None else comment.text


def _header(source: str, lacking: str, overwrite: bool, model: str) -> str:
    """The new migration's first comment lines. (Not "-- Comments …": Liquibase reads a formatted
    SQL line that starts ``--comment`` as its directive and refuses the file as misformatted.)"""
    return (
        f"-- Describes the tables and columns of {source}"
        f"{', in place of what they say' if overwrite else f' that {lacking}'},\n"
        f"-- written by sqlscribe {__version__}{f' (model {model})' if model else ''}.\n\n"
    )


def database_migration(
    label: str,
    outcome: FileOutcome,
    statements: Sequence[str],
    *,
    target: Path,
    overwrite: bool = False,
    model: str = "",
) -> NewMigration:
    """The statements that document a live database (``databases.document_database``: its
    ``outcome`` and ``statements``), as a new migration of the folder ``target`` goes in, for the
    migration tool to run rather than sqlscribe; its undo sets back what the database says now."""
    dialect = outcome.parsed.dialect
    why = unsupported(dialect)
    if why is not None:
        raise NewMigrationError(why)
    if not statements:
        return NewMigration("", 0, [], [])
    undo: list[str] = []  # by table, the last table's first
    undoing: list[str] = []  # the same, statement by statement
    tables: list[Table] = []
    source = outcome.parsed.text
    for result in outcome.tables:
        if not result.edits:
            continue
        tables.append(result.table)
        description, columns = wanted_comments(result.table, result.docs, overwrite=True)
        restating = [  # MySQL's MODIFY restates the server's definition, versioned attributes and all
            dataclasses.replace(c, span=Span(c.span.start, definition_end(source, c.span.end)))
            for c in result.table.columns
            if c.name in columns
        ]
        entry = _Table(
            result.table,
            description,
            _said(result.table.comment),
            [_Column(c, columns[c.name], source, _said(c.comment)) for c in restating],
        )
        reverted = _statements(entry, undo=True)
        if not isinstance(reverted, str):
            undo.insert(0, "\n".join(reversed(reverted)))
            undoing[:0] = reversed(reverted)
    if target.suffix == ".py" and django_migrations.is_migrations_folder(target.parent):  # a Django migration
        lacking = "in place of what they say" if overwrite else "that it lacks"
        app = django_migrations.app_label(target.parent)
        try:
            after = django_migrations.leaf(target.parent, app)
        except django_migrations.DjangoError as error:
            raise NewMigrationError(str(error)) from None
        message = f"Describes the tables and columns of the app {app} in {label} {lacking}."
        text = django_migrations.migration_text(app, after, message, statements, undoing, model)
        return NewMigration(text, len(statements), tables, [], "django", "", "\n".join(undoing))
    if target.suffix == ".py":  # an Alembic revision
        lacking = "in place of what they say" if overwrite else "that it lacks"
        try:
            after = alembic_versions.head(target.parent)
        except alembic_versions.AlembicError as error:
            raise NewMigrationError(str(error)) from None
        message = f"Comments for the tables and columns of {label} {lacking}"
        text = alembic_versions.revision_text(target, after, message, statements, undoing, model)
        return NewMigration(text, len(statements), tables, [], "alembic", "", "\n".join(undoing))
    header = _header(label, "it lacks", overwrite, model)
    tool = tool_for(_first_lines(target.parent), target)
    text, undo_text = _compose(header, "\n".join(statements) + "\n", undo, tool, target)
    return NewMigration(text, len(statements), tables, [], _name(tool), undo_text, "\n\n".join(undo))


def _first_lines(folder: Path, files: int = 50) -> list[str]:
    """The first bytes of some SQL files of ``folder`` (what ``tool_for`` reads)."""
    out = []
    for path in sql_files(folder)[-files:]:
        with path.open("rb") as handle:
            out.append(handle.read(4096).decode("utf-8", errors="replace"))
    return out


def _write(tables: list[_Table], header: str, tool: MigrationTool | None, target: Path | None) -> NewMigration:
    blocks: list[str] = []
    undo: list[str] = []  # what sets each table back, the last table's first
    written: list[_Table] = []
    notes: list[str] = []
    count = 0
    for entry in tables:
        if entry.description is None and not entry.columns:
            continue
        statements = _statements(entry)
        if isinstance(statements, str):
            notes.append(statements)
            continue
        blocks.append("\n".join(statements))
        undo.insert(0, "\n".join(reversed(_statements(entry, undo=True))))  # a list, as ``statements`` is
        written.append(entry)
        count += len(statements)
    if not blocks:
        return NewMigration("", 0, [], notes)
    body = "\n\n".join(blocks) + "\n"
    text = header + body
    # Every comment must read back from the text as written, or no file is written at all.
    expected = {
        (entry.table.short_name.lower(), name)
        for entry in written
        for name in ([None] if entry.description is not None else []) + [c.column.name.lower() for c in entry.columns]
    }
    missing = expected - read_back(text, written[0].table.dialect)
    if missing:
        named = ", ".join(sorted(f"{t}.{c}" if c else t for t, c in missing))
        raise NewMigrationError(f"the statements written do not read back as comments on {named}")
    text, undo_text = _compose(header, body, undo, tool, target)
    return NewMigration(text, count, [e.table for e in written], notes, _name(tool), undo_text, "\n\n".join(undo))


def _statements(entry: _Table, *, undo: bool = False) -> list[str] | str:
    """The statements for one table, or why there are none. ``undo``: those that set back what it
    says now (take a comment away, or write the one replaced)."""
    table = entry.table
    dialect = get_dialect(table.dialect)
    if dialect.name == "mysql":
        return _mysql_statements(entry, undo) if not table.is_view else f"{table.name}: MySQL cannot comment a view"
    if dialect.style is not CommentStyle.COMMENT_ON:
        if dialect.ctas_statements is None or table.is_view:
            return (
                f"{table.name}: a {table.kind} in {dialect.name} is commented where it is created;"
                " document its file in place"
            )
        table = dataclasses.replace(table, comment_on=True)

    def literal(text: str, old: str | None) -> str | None:
        return dialect.literal(text) if not undo else None if old is None else dialect.literal(old)

    out = []
    if entry.description is not None:
        out.append(comment_on_table(table, literal(entry.description, entry.old), update=entry.update))
    for wanted in entry.columns:
        lit = literal(wanted.text, wanted.old)
        out.append(comment_on_column(table, wanted.column, lit, update=wanted.update))
    return out


def _mysql_statements(entry: _Table, undo: bool = False) -> list[str]:
    """``ALTER TABLE t COMMENT = '…'``, and one ``ALTER TABLE`` that restates each column's latest
    definition with its comment (MySQL sets a column's comment no other way). ``undo``: the same
    with the comments each has now (none: an empty one)."""
    dialect = get_dialect("mysql")

    def literal(text: str, old: str | None) -> str:
        return dialect.literal(text) if not undo else dialect.no_comment if old is None else dialect.literal(old)

    name = entry.table.name_source
    out = []
    if entry.description is not None:
        out.append(f"ALTER TABLE {name} COMMENT = {literal(entry.description, entry.old)};")
    if entry.columns:
        changes = [f"MODIFY COLUMN {restated(w.column, w.source, literal(w.text, w.old))}" for w in entry.columns]
        out.append(f"ALTER TABLE {name}\n  " + ",\n  ".join(changes) + ";")
    return out


# What a column's definition may say that is not the column's own: a key or a constraint, which a
# MODIFY would add again (a second primary key fails; a second UNIQUE adds an index; MariaDB makes
# an inline REFERENCES a foreign key, and MySQL 8 a named CONSTRAINT … CHECK a table's constraint,
# whose name is taken), or the comment being replaced. A bare CHECK (…) stays: MariaDB keeps it in
# the column's definition, and a MODIFY without it would drop it.
_MYSQL = SqlglotDialect.get_or_raise("mysql")
_REFERENTIAL_ACTIONS = {"RESTRICT", "CASCADE", "SET", "NULL", "NO", "ACTION", "DEFAULT"}


# MySQL 8 prints some attributes of a column as versioned comments after its last token
# (`/*!80023 INVISIBLE */`): they are part of the definition to restate.
_VERSIONED = re.compile(r"(?:\s*/\*!\d*.*?\*/)+", re.DOTALL)


def definition_end(text: str, end: int) -> int:
    """Where a MySQL column's definition that the reader ends at ``end`` ends, its versioned
    attributes included."""
    versioned = _VERSIONED.match(text, end)
    return versioned.end() if versioned else end


def restated(column: Column, source: str, lit: str) -> str:
    """MySQL's definition of ``column`` (as written in ``source``) to restate in a MODIFY, named as
    the column is now, with no key or named constraint and with the comment ``lit``."""
    definition = source[column.span.start : column.span.end]
    tokens = _MYSQL.tokenize(definition)
    cut: list[tuple[int, int]] = [(tokens[0].start, tokens[0].end + 1)] if tokens else []
    words = [" ".join(t.text.upper().split()) if t.token_type != TokenType.STRING else "" for t in tokens]
    checks: list[str] = []  # a bare CHECK (…): kept, after the comment (MariaDB reads no COMMENT after it)
    i = 1
    while i < len(tokens):
        start = i
        if words[i] == "CHECK":
            i = _constraint_end(tokens, words, i)
            checks.append(definition[tokens[start].start : tokens[i - 1].end + 1])
        elif words[i] == "PRIMARY KEY":
            i += 1
        elif words[i] == "PRIMARY" and words[i + 1 : i + 2] == ["KEY"]:
            i += 2
        elif words[i] == "UNIQUE":
            i += 2 if words[i + 1 : i + 2] in (["KEY"], ["INDEX"]) else 1
        elif words[i] == "KEY":
            i += 1
        elif words[i] == "COMMENT" and i + 1 < len(tokens) and tokens[i + 1].token_type == TokenType.STRING:
            i += 2
        elif words[i] in ("CONSTRAINT", "REFERENCES"):
            i = _constraint_end(tokens, words, i)
        else:
            i += 1
            continue
        cut.append((tokens[start].start, tokens[i - 1].end + 1))
    kept, at = [column.name_source], cut[0][1] if cut else 0
    for start, end in cut[1:]:
        kept.append(definition[at:start])
        at = end
    kept.append(definition[at:])
    # Only the ends of what is kept are trimmed: a string inside (a DEFAULT, an ENUM) stays as written.
    return " ".join([*(piece.strip() for piece in kept if piece.strip()), f"COMMENT {lit}", *checks])


def _constraint_end(tokens: Sequence[Token], words: list[str], i: int) -> int:
    """The index after ``[CONSTRAINT [name]] CHECK (…) [[NOT] ENFORCED]`` or ``REFERENCES t [(…)]
    [MATCH …] [ON DELETE | UPDATE action]…`` starting at ``i``."""
    if words[i] == "CONSTRAINT":
        i += 1
        if i < len(words) and words[i] not in ("CHECK", "REFERENCES"):
            i += 1  # its name
    if i < len(words) and words[i] == "CHECK":
        i = _after_parens(tokens, i + 1)  # then MySQL's [NOT] ENFORCED
        if words[i : i + 1] == ["NOT"] and words[i + 1 : i + 2] == ["ENFORCED"]:
            i += 2
        elif words[i : i + 1] == ["ENFORCED"]:
            i += 1
        return i
    if i < len(words) and words[i] == "REFERENCES":
        i += 2  # the table's name (one token, or db . t below)
        while i + 1 < len(words) and tokens[i].token_type == TokenType.DOT:
            i += 2
        i = _after_parens(tokens, i)
        if words[i : i + 1] == ["MATCH"]:
            i += 2
        while words[i : i + 1] == ["ON"] and words[i + 1 : i + 2] in (["DELETE"], ["UPDATE"]):
            j = i + 2
            while j < len(words) and words[j] in _REFERENTIAL_ACTIONS:
                j += 1
            if j == i + 2:
                break  # ON UPDATE CURRENT_TIMESTAMP: the column's own, not the reference's
            i = j
    return i


def _after_parens(tokens: Sequence[Token], i: int) -> int:
    """The index after a parenthesised group at ``i`` (``i`` itself when none starts there)."""
    if i >= len(tokens) or tokens[i].token_type != TokenType.L_PAREN:
        return i
    depth = 0
    for j in range(i, len(tokens)):
        kind = tokens[j].token_type
        depth += kind == TokenType.L_PAREN
        depth -= kind == TokenType.R_PAREN
        if depth == 0:
            return j + 1
    return len(tokens)


def read_back(text: str, dialect: str) -> set[tuple[str, str | None]]:
    """What a written migration comments, as the reader reads it (``ParsedFile.comments_elsewhere``)."""
    return parse_sql(text, dialect, validate=False).comments_elsewhere


def summary(migration: NewMigration) -> str:
    return f"{counted(migration.statements, 'statement')} for {counted(len(migration.tables), 'table')}"


# The names migration tools give their files: Flyway's V1_2__name.sql (version 1.2), a number's
# (golang-migrate's 000007_name.up.sql, sqlx's, Knex's), a timestamp's (dbmate's, Rails'
# 20240131120000_name.sql).
_FLYWAY = re.compile(r"(?P<prefix>[vV])(?P<version>\d+(?:[._]\d+)*)__(?P<rest>.+)")
_NUMBERED = re.compile(r"(?P<number>\d+)(?P<sep>[_.-])(?P<rest>.+?)(?P<suffix>\.up\.sql|\.sql)", re.IGNORECASE)
# What ``yoyo new`` names a migration: its day, the day's sequence, five random letters, a slug.
_YOYO_NEW = re.compile(r"(?P<day>\d{8})_(?P<seq>\d{2})_(?P<rand>[A-Za-z0-9]{5})-(?P<slug>.+)\.sql")


# A migration's own folder: Prisma's 20240131120000_name, Diesel's 2024-01-31-120000_name,
# Hasura's 1706702400000_name (milliseconds since 1970).
_STEP = re.compile(r"(?P<stamp>\d{14}|\d{4}-\d\d-\d\d-\d{6}|\d+)_(?P<rest>.+)")


def next_name(folder: Path, now: datetime.datetime | None = None) -> str | None:
    """The name the folder's next migration takes in its own scheme, for a migration that
    documents the tables (``--to FOLDER``), relative to the folder (``NEW/migration.sql`` where each
    migration is a folder of its own); None when its names follow none that is known."""
    project = sqitch.project_of(folder)
    if project is not None:  # a Sqitch change: named, not numbered
        return f"{sqitch.new_change(project, NEW_NAME)}.sql"
    if alembic_versions.is_versions_folder(folder):  # a revision of Alembic's (a database's comments)
        return alembic_versions.new_name()
    if django_migrations.is_migrations_folder(folder):  # a Django app's migration (a database's comments)
        return django_migrations.new_name(folder)
    files = [f for f in sql_files(folder) if not is_repeatable_name(f.name)]  # Flyway's R__: no version
    if not files:
        return None
    if files[0].parent != folder:  # a folder a migration: the next folder, with the same file
        step = _STEP.fullmatch(files[-1].parent.name)
        if step is None:
            return None
        stamp = step["stamp"]
        clock = now or datetime.datetime.now(datetime.UTC)
        if "-" in stamp:
            following = clock.strftime("%Y-%m-%d-%H%M%S")
        elif len(stamp) == 14:
            following = clock.strftime("%Y%m%d%H%M%S")
        elif len(stamp) == 13:
            following = str(int(clock.timestamp() * 1000))
        else:
            following = str(int(stamp) + 1).zfill(len(stamp))
        if following <= stamp:  # the last is dated after now: just after it
            head, digits = stamp[: stamp.rfind("-") + 1], stamp[stamp.rfind("-") + 1 :]
            following = head + str(int(digits) + 1).zfill(len(digits))
        return f"{following}_{NEW_NAME}/{files[-1].name}"
    last = files[-1].name
    yoyo = _YOYO_NEW.fullmatch(last)
    if yoyo:  # as `yoyo new` names it: today's next, its letters drawn from its day and place
        day = max((now or datetime.datetime.now(datetime.UTC)).strftime("%Y%m%d"), yoyo["day"])
        seq = int(yoyo["seq"]) + 1 if day == yoyo["day"] else 1
        drawn = hashlib.sha256(f"sqlscribe {day} {seq}".encode()).digest()
        letters = "".join(_LETTERS[b % len(_LETTERS)] for b in drawn[:5])
        return f"{day}_{seq:02d}_{letters}-{NEW_NAME.replace('_', '-')}.sql"
    flyway = _FLYWAY.fullmatch(last)
    if flyway:
        parts = re.split(r"([._])", flyway["version"])
        parts[-1] = str(int(parts[-1]) + 1)
        return f"{flyway['prefix']}{''.join(parts)}__{NEW_NAME}.sql"
    numbered = _NUMBERED.fullmatch(last)
    if numbered:
        number = numbered["number"]
        clock = now or datetime.datetime.now(datetime.UTC)
        if len(number) == 13 and number[0] != "0":  # milliseconds since 1970 (node-pg-migrate's)
            following = max(str(int(clock.timestamp() * 1000)), str(int(number) + 1))
        elif len(number) >= 12:  # a timestamp: now, as wide
            stamp = clock.strftime("%Y%m%d%H%M%S%f")[: len(number)]
            following = stamp if stamp > number else str(int(number) + 1)
        else:
            following = str(int(number) + 1).zfill(len(number))
        return f"{following}{numbered['sep']}{NEW_NAME}{numbered['suffix']}"
    return None


@dataclass(frozen=True)
class MigrationTool:
    """A migration tool whose files hold more than statements: what a new migration starts with
    (``{name}``: the file's name without ``.sql``), and where the statements that undo it go: after
    the line ``down`` (dbmate, goose and sql-migrate run what follows it to roll back), or, where
    ``down`` is empty, each line marked with ``undo_prefix`` (Liquibase's ``--rollback``)."""

    name: str
    marks: re.Pattern[str]  # what its files say
    up: str
    down: str = ""
    undo_prefix: str = ""


LIQUIBASE = MigrationTool(
    "liquibase",
    re.compile(r"\A\s*--\s*liquibase\s+formatted\s+sql\b", re.IGNORECASE),
    "--liquibase formatted sql\n\n--changeset sqlscribe:{name}\n",
    undo_prefix="--rollback ",
)
# yoyo (``yoyo-migrations``): plain SQL whose leading comments say what each runs after
# (``-- depends: 0002.orders``), and a ``….rollback.sql`` beside it that undoes it.
_YOYO_DEPENDS = re.compile(r"^\s*--\s*depends\s*:\s*(?P<ids>.*)$")
YOYO = MigrationTool("yoyo", re.compile(r"^[ \t]*--[ \t]*depends[ \t]*:", re.M), "")
_LETTERS = string.ascii_letters + string.digits
TOOLS = (
    LIQUIBASE,
    MigrationTool(
        "dbmate", re.compile(r"^[ \t]*--[ \t]*migrate:up\b", re.I | re.M), "-- migrate:up\n", "-- migrate:down\n"
    ),
    MigrationTool(
        "goose", re.compile(r"^[ \t]*--[ \t]*\+goose[ \t]+up\b", re.I | re.M), "-- +goose Up\n", "-- +goose Down\n"
    ),
    MigrationTool(
        "sql-migrate",
        re.compile(r"^[ \t]*--[ \t]*\+migrate[ \t]+up\b", re.I | re.M),
        "-- +migrate Up\n",
        "-- +migrate Down\n",
    ),
    MigrationTool(
        "node-pg-migrate",
        re.compile(r"^[ \t]*--[ \t-]*up[ \t]+migration\b", re.I | re.M),
        "-- Up Migration\n",
        "-- Down Migration\n",
    ),
    YOYO,
)


SQITCH = MigrationTool("sqitch", re.compile(r"(?!)"), "")  # known by its plan, not by markers


def tool_for(folder_texts: Sequence[str], target: Path | None = None) -> MigrationTool | None:
    """The tool whose markers the files beside the new one have (``TOOLS``), or Sqitch, whose plan
    is beside its deploy folder, or yoyo, whose files name what they depend on or keep rollback
    files beside them; None for none."""
    if target is not None and sqitch.project_of(target.parent) is not None:
        return SQITCH
    found = next((tool for tool in TOOLS if any(tool.marks.search(text) for text in folder_texts)), None)
    if found is None and target is not None and _keeps(target.parent, _is_yoyo_rollback):
        return YOYO
    return found


def _name(tool: MigrationTool | None) -> str:
    return "" if tool is None else tool.name


def undo_path(target: Path) -> Path | None:
    """Where a new migration's undo goes in a file of its own: golang-migrate's (and sqlx's) pair
    ``….up.sql`` and ``….down.sql``; Diesel's ``up.sql`` and ``down.sql`` in the migration's
    folder; Flyway's ``U8__….sql`` for ``V8__….sql`` where the folder keeps undo migrations
    (Flyway's paid editions run them); yoyo's ``….rollback.sql`` where the folder keeps rollback
    files; None for any other name."""
    if target.name.lower() == "up.sql":
        return target.with_name("down.sql")
    if sqitch.project_of(target.parent) is not None:  # a Sqitch change's revert script
        return target.parent.parent / "revert" / target.name
    if target.name.lower().endswith(".up.sql"):
        return target.with_name(target.name[: -len(".up.sql")] + ".down.sql")
    if _FLYWAY.fullmatch(target.name):
        if _keeps(target.parent, lambda name: is_undo_name(name) and name[0] in "uU"):
            return target.with_name(("U" if target.name[0] == "V" else "u") + target.name[1:])
    elif target.name.lower().endswith(".sql") and _keeps(target.parent, _is_yoyo_rollback):
        return target.with_name(target.name[: -len(".sql")] + ".rollback.sql")
    return None


def _is_yoyo_rollback(name: str) -> bool:
    return name.lower().endswith(".rollback.sql")


def _keeps(folder: Path, kind: Callable[[str], bool]) -> bool:
    """Whether ``folder`` holds a file whose name is of ``kind``."""
    try:
        with os.scandir(folder) as entries:
            return any(kind(e.name) for e in entries)
    except OSError:
        return False


def yoyo_heads(folder: Path, leaving: Path | None = None) -> list[str]:
    """The migrations of a yoyo folder that no other one depends on (``-- depends:`` in its leading
    comments), by id (the file's name without ``.sql``), as ``yoyo new`` lists them for a new
    one; ``leaving`` out. Python migrations (``__depends__``) are not read."""
    ids: list[str] = []
    named: set[str] = set()
    for path in sql_files(folder):
        if path == leaving or path.name.lower().startswith("post-apply"):
            continue
        ids.append(path.stem)
        try:
            with path.open("rb") as handle:
                head = handle.read(65536).decode("utf-8", errors="replace")
        except OSError:
            continue
        for line in head.splitlines():
            found = _YOYO_DEPENDS.match(line)
            if found:
                named.update(found["ids"].split())
            elif line.strip() and not line.lstrip().startswith("--"):
                break  # past the leading comments
    return sorted(i for i in ids if i not in named)


def _compose(
    header: str, statements: str, undo: Sequence[str], tool: MigrationTool | None, target: Path | None
) -> tuple[str, str]:
    """The new migration's text (its ``header`` comment, then its ``statements``) as its tool wants
    it, with ``undo`` (blocks of statements) where the tool keeps it; and the text of its undo file,
    empty where it has none."""
    undone = "\n\n".join(undo) + "\n"
    body = header + statements
    project = sqitch.project_of(target.parent) if tool is SQITCH and target is not None else None
    if project is not None and target is not None:  # a change's deploy and revert scripts
        deploy, revert, _ = sqitch.scripts_for(project, target.stem, statements, undone, header)
        return deploy, revert
    if tool is YOYO and target is not None:  # after the migrations it runs after, by id
        heads = yoyo_heads(target.parent, leaving=target)
        if heads:
            body = f"{header.rstrip()}\n-- depends: {' '.join(heads)}\n\n{statements}"
        tool = None
    if tool is None:
        if target is None or undo_path(target) is None:
            return body, ""
        return body, f"-- Undoes {target.name}: the comments it writes taken away, or set back.\n\n{undone}"
    head = tool.up.format(name=target.stem if target is not None else "document_comments")
    if tool.down:
        return f"{head}{body}\n{tool.down}{undone}", ""
    return head + body + "".join(f"{tool.undo_prefix}{line}\n" for line in undone.splitlines() if line), ""


UNDOES = "which undoes it"


@dataclass
class FileChange:
    """A file the new migration writes or changes, and what it is to the migration."""

    path: Path
    old: str  # "" for a new file
    new: str
    created: bool
    role: str  # "" for the migration itself; "which undoes it", …


def files_of(
    migration: NewMigration, target: Path, buffers: Mapping[str, str] | None = None
) -> tuple[list[FileChange], list[str]]:
    """Every file a new migration at ``target`` writes or changes, the migration first: its undo
    file, the Liquibase changelog that must include it, the Atlas directory's ``atlas.sum``; and
    what the user must do by hand, where one of those cannot be done here. ``buffers``: the
    editor's texts of open files, by path."""
    changes = [FileChange(target, "", migration.text, True, "")]
    notes: list[str] = []
    undo = undo_path(target) if migration.undo else None
    if undo is not None:
        changes.append(FileChange(undo, "", migration.undo, True, UNDOES))
    project = sqitch.project_of(target.parent) if migration.tool == SQITCH.name else None
    if project is not None:  # its verify script, and its line in the plan
        verify = sqitch.scripts_for(project, target.stem, "", "", "")[2]
        changes.append(FileChange(project.top / "verify" / target.name, "", verify, True, "which verifies it"))
        plan = project.top / sqitch.PLAN
        old = (buffers or {}).get(str(plan)) or plan.read_bytes().decode("utf-8")
        line = sqitch.plan_line(target.stem, project.top, "Comments for the tables and columns, by sqlscribe")
        new = old + ("" if old.endswith("\n") or not old else "\n") + line + "\n"
        changes.append(FileChange(plan, old, new, False, "which plans it"))
    # Liquibase's changelog: formatted SQL is included; plain SQL that changesets run gets one
    changelog, note = changelog_for(target, buffers, undo=migration.rollback, formatted=migration.liquibase)
    if changelog is not None:
        changes.append(FileChange(changelog.path, changelog.old, changelog.new, False, "which runs it"))
    notes += [note] if note else []
    if (target.parent / atlas.SUM_FILE).is_file():
        try:
            if undo is not None:
                raise atlas.AtlasSumError(f"{atlas.SUM_FILE} is not written here for a migration with an undo file")
            summed = atlas.add_files(target.parent, [(target.name, migration.text)])
        except (atlas.AtlasSumError, OSError, UnicodeDecodeError) as error:
            notes.append(f"{error}: run `{atlas.HASH_COMMAND}` once it is written")
        else:
            if summed is not None:
                changes.append(FileChange(summed.path, summed.old, summed.new, False, "with its checksum"))
    return changes, notes
