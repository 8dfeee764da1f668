"""Reading and editing Python source as its authors wrote it: literals read with ``ast``, and
edits that add a keyword argument to a call in the call's own layout (split as black splits it
past the project's line length), placed by ``ast``'s line numbers and UTF-8 columns. Shared by the
ORMs whose models keep a database's documentation in Python (Django's ``db_comment``,
SQLAlchemy's ``comment``).
"""

from __future__ import annotations

import ast
import bisect
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from sqlscribe.ddl import EditConflictError, TextEdit, apply_edits, get_dialect
from sqlscribe.document import EditedSources, FileChange, FileOutcome, FilePlan, plan_file


class ModelsError(Exception):
    """A models file that cannot be read or edited as planned (left unchanged)."""


DEFAULT_LINE_LENGTH = 88
# Where black and ruff keep their line length, by file.
_FORMATTER_SETTINGS = (
    ("ruff.toml", (("line-length",),)),
    (".ruff.toml", (("line-length",),)),
    ("pyproject.toml", (("tool", "ruff", "line-length"), ("tool", "black", "line-length"))),
)


def name_of(node: ast.expr) -> str | None:
    """The last name of ``models.CharField`` or ``CharField``."""
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else None


def text_of(node: ast.expr | None) -> str | None:
    """A string literal, also inside ``_("…")`` / ``gettext_lazy("…")`` (a translated text)."""
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
        node = node.args[0]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def keyword_of(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def constant_of(node: ast.expr | None) -> object:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        value = node.operand.value
        return -value if isinstance(value, int | float) and not isinstance(value, bool) else None
    return None


class Source:
    """Offsets in the text from ``ast``'s line numbers and UTF-8 byte columns."""

    def __init__(self, text: str) -> None:
        self.text = text
        # Python's own line ends (not str.splitlines's, which also splits on \x0c, \u2028, …)
        self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
        self.newline = "\r\n" if "\r\n" in text else "\n"

    def offset(self, line: int, column: int) -> int:
        start = self.starts[line - 1]
        return start + len(self.text[start : self.line_end(line)].encode("utf-8")[:column].decode("utf-8", "replace"))

    def line_of(self, offset: int) -> int:
        """The line (from 1) that holds the offset."""
        return bisect.bisect_right(self.starts, offset)

    def line_end(self, line: int) -> int:
        """The offset just after the line's end of line (the text's end for its last line)."""
        return self.starts[line] if line < len(self.starts) else len(self.text)

    def after_line(self, line: int) -> tuple[int, str]:
        """Where a new line goes after ``line``, and the end of line it needs first (the text's
        last line may have none)."""
        at = self.line_end(line)
        return at, self.newline if at == len(self.text) and not self.text.endswith(("\n", "\r")) else ""

    def indentation(self, line: int) -> str:
        start = self.starts[line - 1]
        return re.match(r"[ \t]*", self.text[start:]).group(0)  # type: ignore[union-attr]


def last_significant(text: str, start: int, end: int, comment: str = "#") -> int:
    """The offset after the last character of ``text[start:end]`` that is neither blank nor in a
    comment (``comment`` to the line's end: Python's ``#``, TypeScript's ``//``; ``start`` when
    there is none)."""
    last, i = start, start
    while i < end:
        char = text[i]
        if text.startswith(comment, i):
            while i < end and text[i] not in "\r\n":
                i += 1
            continue
        if not char.isspace():
            last = i + 1
        i += 1
    return last


def abstract_name(name: str) -> str:
    """What an abstract model's (or a mixin's) fields belong to, by its class's name: ``AbstractUser`` is a
    user's, ``PermissionsMixin`` permissions', ``TimeStampedModel`` time stamped rows'."""
    core = re.sub(r"^(Abstract|Base)(?=[A-Z])|(?<=[a-z0-9])(Mixin|Base|Model)$", "", name) or name
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", core).lower()


def line_length(path: Path) -> int:
    """The line length the project formats its code to: ``line-length`` of ruff's or black's
    settings in the nearest ``ruff.toml``, ``.ruff.toml`` or ``pyproject.toml`` above the file,
    up to the repository's root (black's and ruff's 88 where none says)."""
    for folder in path.resolve().parents:
        for name, keys in _FORMATTER_SETTINGS:
            try:
                settings = tomllib.loads((folder / name).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue
            for key in keys:
                value: Any = settings
                for part in key:
                    value = value.get(part) if isinstance(value, dict) else None
                if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                    return value
        if (folder / ".git").exists():
            break
    return DEFAULT_LINE_LENGTH


def span(source: Source, node: ast.expr | ast.keyword) -> tuple[int, int]:
    start = source.offset(node.lineno, node.col_offset)
    return start, source.offset(node.end_lineno or node.lineno, node.end_col_offset or 0)


def keyword_edits(source: Source, call: ast.Call, keyword: str, limit: int) -> list[TextEdit]:
    """The edits that give ``call`` one more keyword argument (``keyword`` is ``name=value``), in
    the call's layout (``item_edits``)."""
    arguments: list[ast.expr | ast.keyword] = sorted(
        [*call.args, *call.keywords], key=lambda a: (a.lineno, a.col_offset)
    )
    opening = source.text.index("(", span(source, call.func)[1])
    return item_edits(source, opening, span(source, call)[1] - 1, [span(source, a) for a in arguments], keyword, limit)


def entry_edits(source: Source, node: ast.Dict, entry: str, limit: int) -> list[TextEdit]:
    """The edits that give a dict literal one more entry (``"key": value``), in its layout."""
    items = []
    for key, value in zip(node.keys, node.values, strict=True):
        end = span(source, value)[1]
        items.append(
            (span(source, key)[0] if key is not None else source.text.rindex("**", 0, span(source, value)[0]), end)
        )
    start, end = span(source, node)
    return item_edits(source, start, end - 1, items, entry, limit)


def element_edits(source: Source, node: ast.Tuple | ast.List, element: str, limit: int) -> list[TextEdit] | None:
    """The edits that give a tuple or list literal one more element, in its layout; None for a
    tuple written without parentheses."""
    start, end = span(source, node)
    if source.text[start] not in "([":
        return None
    return item_edits(source, start, end - 1, [span(source, e) for e in node.elts], element, limit)


def item_edits(
    source: Source,
    opening: int,
    close: int,
    items: list[tuple[int, int]],
    new: str,
    limit: int,
    *,
    comment: str = "#",
    indent: str = "    ",
    spaced: bool = False,
) -> list[TextEdit]:
    """The edits that add ``new`` to the bracketed items between ``opening`` and ``close`` (the
    offsets of the brackets; ``items`` the spans of what is there): on a line of its own before
    a closing bracket that has one (the item before it given its comma), else after the last
    item; brackets on one line that would grow past ``limit`` characters are split as black
    splits them (the items on one indented line, else one a line). ``comment``: what begins a
    comment to the line's end; ``indent``: one level of indentation; ``spaced``: an empty pair
    of brackets gets the item between spaces (a TypeScript object's ``{ a: 1 }``)."""
    text, nl = source.text, source.newline
    first_line, close_line = source.line_of(opening), source.line_of(close)
    close_line_start = source.starts[close_line - 1]
    if items:
        after = last_significant(text, items[-1][1], close, comment)
        comma = text[after - 1] == ","
    else:
        after, comma = close, True  # f(): nothing to follow
    if items and close_line != first_line and text[close_line_start:close].strip() == "":
        # the bracket on a line of its own: the new item gets one too, indented as the last
        last_line = source.line_of(items[-1][0])
        inner = source.indentation(last_line) if last_line > first_line else text[close_line_start:close] + indent
        edits = [] if comma else [TextEdit(after, after, ",")]
        return [*edits, TextEdit(close_line_start, close_line_start, f"{inner}{new},{nl}")]
    alone = f" {new} " if spaced else new
    inline = TextEdit(after, after, f" {new}" if comma and items else alone if not items else f", {new}")
    line = text[source.starts[first_line - 1] : source.line_end(first_line)]
    width = len(line.rstrip("\r\n")) + len(inline.new_text)
    if close_line != first_line or width <= limit:
        return [inline]
    parts = [text[a:b] for a, b in items] + [new]
    outer = source.indentation(first_line)
    one_line = f"{outer}{indent}{', '.join(parts)}"
    body = f"{one_line}{nl}" if len(one_line) <= limit else "".join(f"{outer}{indent}{part},{nl}" for part in parts)
    return [TextEdit(opening + 1, close, f"{nl}{body}{outer}")]


def replace(source: Source, node: ast.expr, new: str) -> TextEdit:
    return TextEdit(*span(source, node), new)


def sql_literal(value: object, dialect: str) -> str | None:
    """A Python constant of a models file (a default, a choice) as a SQL literal; None for
    anything else."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return get_dialect(dialect).literal(value)
    return None


def in_check(column: str, values: Sequence[object], dialect: str, most: int) -> str | None:
    """``column IN (…)`` for the values a column holds (``column`` quoted); None where there are
    none, more than ``most``, or one that is no literal."""
    literals = [sql_literal(v, dialect) for v in values]
    if not literals or len(literals) > most or None in literals:
        return None
    return f"{column} IN ({', '.join(str(x) for x in literals)})"


class _Column(Protocol):
    column: str
    comment: str | None

    @property
    def lent(self) -> str | None:
        """What the authors wrote that stands for the comment (Django's ``help_text``)."""


class _Model(Protocol):
    name: str
    comment: str | None
    docstring: str | None

    @property
    def columns(self) -> Sequence[_Column]: ...

    @property
    def lends_columns(self) -> bool:
        """An abstract model or a mixin: its columns are other tables', and it has no table."""


M = TypeVar("M", bound=_Model)


@dataclass
class DeclaredColumn:
    """A column as an entity class declares it (TypeORM's, Doctrine's): what the table shows of
    it, and the documentation comment its authors wrote above it, which stands for its comment."""

    attribute: str  # the class's property
    column: str
    data_type: str
    not_null: bool
    primary: bool
    unique: bool
    default: str | None
    check: str | None
    references: tuple[str, str] | None
    comment: str | None
    doc: str | None  # the JSDoc or PHPDoc comment above the property

    @property
    def lent(self) -> str | None:
        return self.doc

    @property
    def writable(self) -> bool:
        """Whether its comment can be kept in the class (a relation's join column's cannot)."""
        return True


class _Entities(Protocol):
    path: Path

    @property
    def models(self) -> Sequence[_EntityTable]: ...

    def ddl(self, *, borrow: bool) -> str: ...


class _EntityTable(Protocol):
    table: str

    @property
    def columns(self) -> Sequence[DeclaredColumn]: ...


def plan_entities(
    entities: _Entities, reason: str, *, overwrite: bool = False, check: bool = False, dialect: str = "postgres"
) -> FilePlan:
    """An entity classes' file read as DDL (TypeORM's, Doctrine's: PostgreSQL's; Prisma's: its
    provider's), with the requests its tables need (for ``--check``, without what the authors'
    doc comments lend); a column whose comment cannot be kept in the class (a relation's join
    column) is never asked for."""
    return plan_file(
        entities.ddl(borrow=not check),
        path=str(entities.path),
        dialect=dialect,
        overwrite=overwrite,
        dialect_reason=reason,
        commented_later={
            (m.table.lower(), c.column.lower()) for m in entities.models for c in m.columns if not c.writable
        },
    )


@dataclass
class Planned(Generic[M]):
    model: M
    description: str | None
    columns: dict[str, str]  # column -> comment


def read_back(
    path: Path,
    old: str,
    new: str,
    reread: Callable[[str], Sequence[M]],
    planned: Sequence[Planned[M]],
    expected: dict[tuple[str, str | None], str],
    describe: Callable[[M], str],
) -> None:
    """Raises ModelsError unless the edited text parses and every planned model's comments read
    back from it (``reread``) as ``expected`` says, by (model, column or None for its table)."""
    if new == old:
        return
    try:
        after = {m.name: m for m in reread(new)}
    except ModelsError:
        raise ModelsError(f"{path}: the edit would not parse as Python; left unchanged") from None
    for plan in planned:
        again = after.get(plan.model.name)
        wrong = again is None or len(again.columns) != len(plan.model.columns)
        if again is not None and not wrong:
            found: dict[str | None, str | None] = {None: again.comment} | {c.column: c.comment for c in again.columns}
            wrong = any(
                found.get(column) != text for (name, column), text in expected.items() if name == plan.model.name
            )
        if wrong:
            raise ModelsError(f"{path}: {describe(plan.model)}: comments do not read back as planned; left unchanged")


def edited_text(
    path: Path,
    text: str,
    edits: list[TextEdit],
    reread: Callable[[str], Sequence[M]],
    planned: Sequence[Planned[M]],
    expected: dict[tuple[str, str | None], str],
    describe: Callable[[M], str],
) -> str:
    """The text with the edits made, once it reads back as planned (``read_back``). Raises
    ModelsError for edits that overlap or a text that does not read back."""
    try:
        new = apply_edits(text, edits)
    except EditConflictError as error:
        raise ModelsError(f"{path}: {error}; left unchanged") from None
    read_back(path, text, new, reread, planned, expected, describe)
    return new


def planned_comments(models: Sequence[M], outcome: FileOutcome, *, overwrite: bool) -> tuple[list[Planned[M]], int]:
    """Every comment ``outcome`` documented that the models (one a table of it, in order) lack
    (with ``overwrite``, any that differs), and how many of them the authors' own text lent."""
    planned: list[Planned[M]] = []
    borrowed = 0
    for model, done in zip(models, outcome.tables, strict=True):
        description = done.docs.description
        kept = model.comment is not None and not overwrite
        if model.lends_columns or not description or kept or description == model.comment:
            description = None
        columns: dict[str, str] = {}
        for c in model.columns:
            comment = done.docs.columns.get(c.column)
            if comment and comment != c.comment and (c.comment is None or overwrite):
                columns[c.column] = comment
                borrowed += comment == c.lent
        borrowed += description is not None and description == model.docstring
        if description is not None or columns:
            planned.append(Planned(model, description, columns))
    return planned, borrowed


def record_edit(
    path: Path,
    text: str,
    models: Sequence[M],
    outcome: FileOutcome,
    edit: Callable[[list[Planned[M]]], tuple[str, list[str]]],
    *,
    overwrite: bool,
    lent_by: str,
    next_step: str,
) -> EditedSources:
    """What documenting a models file comes to: every comment ``outcome`` documented that the
    models lack (with ``overwrite``, any that differs), as the file's change that ``edit`` makes
    of them, with its notes (how many were copied from what the authors wrote, ``lent_by``; the
    ORM's next step), or the problem that kept it from being written."""
    label = str(path)
    result = EditedSources(label, outcome, [], [], [])
    if len(outcome.parsed.tables) != len(models):
        result.problems.append(f"{label}: the models did not all read back as DDL; nothing written")
        return result
    planned, borrowed = planned_comments(models, outcome, overwrite=overwrite)
    if not planned:
        return result
    try:
        new, left = edit(planned)
    except ModelsError as error:
        result.problems.append(str(error))
        return result
    result.notes += left
    if new != text:
        result.changes.append(FileChange(path, text, new))
        if borrowed:
            s = "s" if borrowed > 1 else ""
            result.notes.append(f"{label}: {borrowed} comment{s} copied from the {lent_by} that the authors wrote")
        result.notes.append(f"{label}: {next_step}")
    return result
