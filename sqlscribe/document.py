"""Document a SQL text end to end: parse → prompt → generate → plan edits → verify.

Both front ends (the CLI and the language server) go through here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlscribe.ddl import (
    EditConflictError,
    ParsedFile,
    Table,
    TextEdit,
    apply_edits,
    expected_after,
    parse_sql,
    plan_table_edits,
    verify,
)
from sqlscribe.docs import TableDocs, counted
from sqlscribe.generate import Backend, DocRequest, Generated, GenerationError
from sqlscribe.prompt import default_context


@dataclass
class TableOutcome:
    table: Table
    docs: TableDocs  # the final documentation of the table (existing + generated)
    generated: Generated | None
    edits: list[TextEdit] = field(default_factory=list)
    error: str | None = None

    def sources(self) -> dict[str, object]:
        generated = self.generated.docs if self.generated else TableDocs(None, {})
        return {
            "table": "generated" if generated.description else "existing",
            "columns": {
                c.name: ("generated" if c.name in generated.columns else "existing") for c in self.table.columns
            },
        }


@dataclass
class FileOutcome:
    path: str
    parsed: ParsedFile
    new_text: str
    tables: list[TableOutcome]
    errors: list[str]  # "file:line:col: message" lines

    @property
    def changed(self) -> bool:
        return self.new_text != self.parsed.text


@dataclass
class FileChange:
    """A file a job writes or creates besides the SQL it documents: a dbt property file, a new
    migration's files, a Django models file."""

    path: Path
    old: str  # "" for a new file
    new: str
    created: bool = False  # no such file yet


@dataclass
class EditedSources:
    """Tables documented where their source of truth is no DDL (a dbt project's property files,
    a Django app's models): the tables read as DDL and documented, and the source files that
    record it."""

    label: str
    outcome: FileOutcome  # the sources read as DDL, documented
    changes: list[FileChange]  # the files to write, each verified
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said on stderr, not failures
    carried: dict[str, list[str]] = field(default_factory=dict)  # table -> columns described from upstream


Progress = Callable[[int, int, Table], None]
Asking = Callable[[DocRequest], tuple[DocRequest, Callable[[Generated], Generated]]]


def requests_for(parsed: ParsedFile, *, overwrite: bool = False) -> list[tuple[int, DocRequest]]:
    """One request per complete table that lacks something (or everything when ``overwrite``), but
    a migration tool's own (``Table.bookkeeping``)."""
    out = []
    for index, table in enumerate(parsed.tables):
        if not table.complete or table.bookkeeping:
            continue
        request = DocRequest.for_table(table, default_context(parsed.tables, index), overwrite=overwrite)
        out.append((index, request))
    return out


def final_docs(table: Table, generated: TableDocs, *, overwrite: bool = False) -> TableDocs:
    description = generated.description if generated.description and table.wants_description(overwrite) else None
    if description is None and table.comment is not None:
        description = table.comment.text
    columns = {}
    for col in table.columns:
        if col.name in generated.columns and (overwrite or col.comment is None):
            columns[col.name] = generated.columns[col.name]
        elif col.comment is not None:
            columns[col.name] = col.comment.text
    return TableDocs(description, columns)


def document_text(
    text: str,
    backend: Backend,
    *,
    path: str = "<text>",
    dialect: str | None = None,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> FileOutcome:
    plan = plan_file(text, path=path, dialect=dialect, overwrite=overwrite)
    return finish_file(plan, backend.document_many(r for _, r in plan.todo), progress)


@dataclass
class FilePlan:
    """A file read and parsed, with the requests its tables need."""

    text: str
    path: str
    parsed: ParsedFile
    work: list[tuple[int, DocRequest]]  # every complete table's request (index in parsed.tables)
    todo: list[tuple[int, DocRequest]]  # those that ask for something
    overwrite: bool


def plan_file(
    text: str,
    *,
    path: str = "<text>",
    dialect: str | None = None,
    overwrite: bool = False,
    known: Sequence[Table] = (),
    dialect_reason: str = "given",
    commented_later: Collection[tuple[str, str | None]] = (),
) -> FilePlan:
    """``known``: the tables of the files read before this one (a migrations folder), for the
    ALTER TABLEs of a table created there; ``dialect_reason``: why ``dialect`` was chosen;
    ``commented_later``: what the files after it comment (``migrations.later_comments``), asked
    for by no request here."""
    parsed = parse_sql(
        text, dialect, path=path, known=known, dialect_reason=dialect_reason, commented_later=commented_later
    )
    work = requests_for(parsed, overwrite=overwrite)
    return FilePlan(text, path, parsed, work, [(i, r) for i, r in work if not r.empty], overwrite)


def document_plans(
    plans: list[FilePlan],
    backend: Backend,
    progress: Sequence[Progress | None] | None = None,
    *,
    apply: bool | Callable[[FilePlan], bool] = True,
    ask: Asking | None = None,
) -> Iterator[FileOutcome]:
    """Document several files' tables in one `document_many` call, so that a backend that decodes
    several tables at once keeps them in flight across files; yields each file as it is done.
    ``progress`` holds each plan's callback, in the plans' order; ``apply`` as for ``finish_file``
    (or, per plan, what it says of the plan);
    ``ask``, when given, turns each request into the one sent and gives the way back from its
    answer (``new_migration.FinalNames``: the names a later migration gives)."""
    requests = [r for plan in plans for _, r in plan.todo]
    results: Iterator[Generated | GenerationError]
    if ask is None:
        results = backend.document_many(requests)
    else:
        asked = [ask(r) for r in requests]
        answers = backend.document_many(sent for sent, _ in asked)
        results = (
            back(answer) if isinstance(answer, Generated) else answer
            for (_, back), answer in zip(asked, answers, strict=False)
        )
    for i, plan in enumerate(plans):
        applied = apply if isinstance(apply, bool) else apply(plan)
        yield finish_file(plan, results, progress[i] if progress else None, apply=applied)


def finish_file(
    plan: FilePlan,
    results: Iterator[Generated | GenerationError],
    progress: Progress | None = None,
    *,
    apply: bool = True,
) -> FileOutcome:
    """Plan the edits of a file's tables from their results (the next ``len(plan.todo)`` of
    ``results``), apply them and check the file re-parses to what was planned. Without ``apply``
    the file's text is left as it is (its comments go elsewhere: ``new_migration``)."""
    text, path, parsed, overwrite = plan.text, plan.path, plan.parsed, plan.overwrite
    errors = [d.format(path) for d in parsed.diagnostics if d.severity == "error"]
    newline = "\r\n" if "\r\n" in text else "\n"
    todo = plan.todo
    outcomes: dict[int, TableOutcome] = {}
    # Views, query tables and MySQL's MODIFY / CHANGE: planned once the statements they copy are.
    copying: list[tuple[int, Generated]] = []
    for n, ((index, _request), result) in enumerate(zip(todo, results, strict=False), start=1):
        table = parsed.tables[index]
        if progress:
            progress(n, len(todo), table)
        if isinstance(result, GenerationError):
            errors.append(f"{path}:{table_line(parsed, table)}:1: {result}")
            outcomes[index] = TableOutcome(table, final_docs(table, TableDocs(None, {})), None, error=str(result))
        elif table.derived or any(c.source is not None for c in table.columns):
            copying.append((index, result))
        else:
            edits = plan_table_edits(table, result.docs, overwrite=overwrite, newline=newline, inherit=False)
            outcomes[index] = TableOutcome(table, final_docs(table, result.docs, overwrite=overwrite), result, edits)
    documented = {id(o.table): o.docs for o in outcomes.values()}
    for index, result in copying:  # in statement order: a view of a view reads what the first now says
        table = parsed.tables[index]
        result = dataclasses.replace(result, docs=_as_documented(table, result.docs, documented))
        edits = plan_table_edits(table, result.docs, overwrite=overwrite, newline=newline, inherit=False)
        outcomes[index] = TableOutcome(table, final_docs(table, result.docs, overwrite=overwrite), result, edits)
        documented[id(table)] = outcomes[index].docs
    for index, _ in plan.work:
        if index not in outcomes:
            table = parsed.tables[index]
            outcomes[index] = TableOutcome(table, final_docs(table, TableDocs(None, {})), None)

    all_edits = [e for o in outcomes.values() for e in o.edits]
    new_text = text
    if all_edits and apply:
        planned = [
            expected_after(i, o.table, o.generated.docs, overwrite=overwrite, inherit=False)
            for i, o in outcomes.items()
            if o.edits and o.generated is not None
        ]
        try:
            new_text = apply_edits(text, all_edits)
            problems = verify(new_text, parsed.dialect, planned)
        except EditConflictError as error:  # two tables' edits on one span: never guess which wins
            problems = [f"{error} (two tables claim the same text)"]
        if problems:
            errors.extend(f"{path}:{_line_of(parsed, p)}:1: {p}; file left unchanged" for p in problems)
            new_text = text
            for outcome in outcomes.values():
                outcome.edits = []
    ordered = [outcomes[i] for i in sorted(outcomes)]
    return FileOutcome(path, parsed, new_text, ordered, errors)


def _as_documented(table: Table, docs: TableDocs, documented: dict[int, TableDocs]) -> TableDocs:
    """A column that copies another (a view's, MySQL's MODIFY) says what that one says once this
    run is done: the text this run gives it, else its comment as it is."""
    columns = dict(docs.columns)
    for col in table.columns:
        if col.source is None or col.name not in columns:
            continue
        owner = documented.get(id(col.source[0]))
        text = (owner.columns.get(col.source[1].name) if owner is not None else None) or col.source_comment
        if text:
            columns[col.name] = text
    return TableDocs(docs.description, columns)


def lacks(request: DocRequest, table: Table, noun: str = "column") -> str:
    """What a table lacks, as `document --check` says it: "no description; 2 of 5 columns
    without a comment: a, b"."""
    missing = ["no description"] if request.want_description else []
    if request.columns:
        missing.append(
            f"{len(request.columns)} of {counted(len(table.columns), noun)} without a comment:"
            f" {', '.join(request.columns)}"
        )
    return "; ".join(missing)


def counted_tables(tables: Sequence[Table], more: int = 0) -> str:
    """ "3 tables", or "1 table and 2 ALTER TABLEs" where some statements only add columns; with
    ``more`` tables that are no statements (a dbt resource read without its catalog)."""
    alters = sum(t.from_alter for t in tables)
    phrase = counted(len(tables) - alters + more, "table")
    if not alters:
        return phrase
    return (
        f"{phrase} and {counted(alters, 'ALTER TABLE')}"
        if len(tables) > alters or more
        else counted(alters, "ALTER TABLE")
    )


def table_line(parsed: ParsedFile, table: Table) -> int:
    """The 1-based line a table's statement starts on."""
    return parsed.text.count("\n", 0, table.span.start) + 1


def _line_of(parsed: ParsedFile, problem: str) -> int:
    for table in parsed.tables:
        if problem.startswith(f"table {table.name}:"):
            return table_line(parsed, table)
    return 1
