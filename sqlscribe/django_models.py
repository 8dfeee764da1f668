"""A Django app's models documented where Django keeps a database's documentation since 4.2: each
field's ``db_comment`` and each model's ``Meta.db_table_comment``
(``sqlscribe document shop/models.py``). ``manage.py makemigrations`` then writes the migrations
that put them into every database the app runs on, and the models stay the one source of truth.

The models are read with ``ast``, never imported: Django, the project's settings and its other
dependencies need not be installed where sqlscribe runs. Each concrete model is shown to the
pipeline as the PostgreSQL table Django makes of it (its ``db_table``, else
``<app_label>_<model>``; a field's ``db_column``, else its name, ``_id`` after a relation's;
the types of Django's PostgreSQL backend; ``null``, ``primary_key``, ``unique``, literal
``choices`` and defaults as constraints), so that the model and the heuristic see what they see
for a table in a file.

What the authors wrote is kept and used: a field's ``help_text`` becomes its ``db_comment``, and a
model's docstring its ``db_table_comment`` (the model is asked only about what has neither). An
abstract model's fields are documented in its own body, where the models that extend it inherit
them. The edit adds a keyword to each field's call and a line to ``class Meta`` (a new ``Meta``
after the fields where there is none), touches nothing else, and is read back before it is kept.
"""

from __future__ import annotations

import ast
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlscribe.databases import Column, TableInfo, quote, render_ddl
from sqlscribe.ddl import EditConflictError, TextEdit, apply_edits, get_dialect
from sqlscribe.django_migrations import DjangoError, app_label, python_literal
from sqlscribe.document import (
    EditedSources,
    FileChange,
    FileOutcome,
    FilePlan,
    Progress,
    document_plans,
    plan_file,
)
from sqlscribe.generate import Backend

DIALECT = "postgres"  # the types below are those of Django's PostgreSQL backend
REASON = "the types Django's PostgreSQL backend gives the models' fields"
NEXT_STEP = "run `python manage.py makemigrations` to carry the comments into the database (Django 4.2+)"
# The implicit key every model without a primary key of its own gets: shown to the model with this
# text (it has no line in the source to hold a db_comment).
IMPLICIT_KEY = "Surrogate primary key that Django adds to the model."
DEFAULT_LINE_LENGTH = 88
# Where black and ruff keep their line length, by file.
_FORMATTER_SETTINGS = (
    ("ruff.toml", (("line-length",),)),
    (".ruff.toml", (("line-length",),)),
    ("pyproject.toml", (("tool", "ruff", "line-length"), ("tool", "black", "line-length"))),
)
ABSTRACT = "Abstract base model: the models that extend it inherit its fields."

# Django's field classes and the PostgreSQL type its backend gives each (``%s`` from the
# field's ``max_length``, or its digits and places).
_TYPES: dict[str, str] = {
    "AutoField": "integer",
    "BigAutoField": "bigint",
    "SmallAutoField": "smallint",
    "IntegerField": "integer",
    "BigIntegerField": "bigint",
    "SmallIntegerField": "smallint",
    "PositiveIntegerField": "integer",
    "PositiveBigIntegerField": "bigint",
    "PositiveSmallIntegerField": "smallint",
    "BooleanField": "boolean",
    "NullBooleanField": "boolean",
    "CharField": "varchar(%s)",
    "SlugField": "varchar(%s)",
    "EmailField": "varchar(%s)",
    "URLField": "varchar(%s)",
    "FileField": "varchar(%s)",
    "ImageField": "varchar(%s)",
    "FilePathField": "varchar(%s)",
    "TextField": "text",
    "DateField": "date",
    "DateTimeField": "timestamp with time zone",
    "TimeField": "time",
    "DurationField": "interval",
    "DecimalField": "numeric(%s)",
    "FloatField": "double precision",
    "UUIDField": "uuid",
    "JSONField": "jsonb",
    "BinaryField": "bytea",
    "GenericIPAddressField": "inet",
    "IPAddressField": "inet",
    "HStoreField": "hstore",
}
_MAX_LENGTH = {"SlugField": 50, "EmailField": 254, "URLField": 200, "FileField": 100, "ImageField": 100}
_MAX_LENGTH |= {"FilePathField": 100, "CharField": 255}
MAX_CHOICES = 24  # a field's choices shown as the values it holds, up to so many
_POSITIVE = ("PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField")
# Relations that are a column of the model's table (``<name>_id``), and fields that are none.
_RELATIONS = ("ForeignKey", "OneToOneField", "ParentalKey")
_NO_COLUMN = ("ManyToManyField", "ParentalManyToManyField", "GenericForeignKey", "GenericRelation")


@dataclass
class ModelField:
    name: str
    column: str
    call: ast.Call
    data_type: str
    not_null: bool
    primary: bool
    unique: bool
    default: str | None
    check: str | None
    references: str | None  # the table a relation points at
    comment: str | None  # its db_comment
    help_text: str | None
    comment_node: ast.expr | None  # db_comment's value, replaced with --overwrite-existing


@dataclass
class DjangoModel:
    name: str  # the class's
    node: ast.ClassDef
    table: str
    abstract: bool
    fields: list[ModelField]
    comment: str | None  # Meta.db_table_comment
    docstring: str | None
    meta: ast.ClassDef | None
    comment_node: ast.expr | None
    implicit_key: bool  # no primary key of its own, no concrete parent: Django adds ``id``

    def info(self, *, borrow: bool) -> TableInfo:
        """The model as the table Django makes of it; with ``borrow``, its ``help_text`` and
        docstring stand for the comments it lacks."""
        columns = []
        if self.implicit_key:
            columns.append(Column("id", "bigint", False, None, IMPLICIT_KEY))
        key = [f.column for f in self.fields if f.primary] or (["id"] if self.implicit_key else [])
        for f in self.fields:
            comment = f.comment or (f.help_text if borrow else None)
            columns.append(Column(f.column, f.data_type, f.not_null and not f.primary, f.default, comment, f.check))
        constraints = [f"PRIMARY KEY ({', '.join(quote(c, DIALECT) for c in key)})"] if key else []
        constraints += [f"UNIQUE ({quote(f.column, DIALECT)})" for f in self.fields if f.unique and not f.primary]
        constraints += [
            f"FOREIGN KEY ({quote(f.column, DIALECT)}) REFERENCES {quote(f.references, DIALECT)} (id)"
            for f in self.fields
            if f.references
        ]
        comment = ABSTRACT if self.abstract else self.comment or (self.docstring if borrow else None)
        return TableInfo("public", self.table, comment, columns, constraints)


@dataclass
class ModelsFile:
    path: Path
    text: str
    label: str  # the app's
    models: list[DjangoModel] = field(default_factory=list)

    def ddl(self, *, borrow: bool = True) -> str:
        return render_ddl([m.info(borrow=borrow) for m in self.models], DIALECT)


def is_models_path(path: Path) -> bool:
    """Whether a path found in a folder is where Django apps keep models: ``models.py``, or a
    module of a ``models`` package."""
    return path.suffix == ".py" and (path.name == "models.py" or path.parent.name == "models")


def holds_models(text: str) -> bool:
    """Whether a Python text defines Django models, on its face (it imports ``django.db`` and
    calls a field)."""
    return "django" in text and re.search(r"\b\w*(Field|ForeignKey|ParentalKey)\(", text) is not None


def app_folder(path: Path) -> Path:
    """The app a models module belongs to: the folder of ``models.py``, the one above a
    ``models`` package."""
    folder = path.parent
    return folder.parent if folder.name == "models" and path.name != "models.py" else folder


# ---------------------------------------------------------------------------------------------
# Reading


def _name(node: ast.expr) -> str | None:
    """The last name of ``models.CharField`` or ``CharField``."""
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else None


def _text(node: ast.expr | None) -> str | None:
    """A string literal, also inside ``_("…")`` / ``gettext_lazy("…")`` (a translated text)."""
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
        node = node.args[0]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _constant(node: ast.expr | None) -> object:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        value = node.operand.value
        return -value if isinstance(value, int | float) and not isinstance(value, bool) else None
    return None


def _sql_literal(value: object) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return get_dialect(DIALECT).literal(value)
    return None


def _choice_values(
    node: ast.expr | None, named: dict[str, ast.expr], enums: dict[str, dict[str, object]]
) -> list[object]:
    """The stored values of a field's ``choices``: a literal list of pairs (or a name bound to
    one), or ``Status.choices`` of a ``TextChoices`` / ``IntegerChoices`` class in the file."""
    if isinstance(node, ast.Attribute) and node.attr == "choices" and isinstance(node.value, ast.Name):
        return list(enums.get(node.value.id, {}).values())
    if isinstance(node, ast.Name) and node.id in named:
        node = named[node.id]
    if not isinstance(node, ast.List | ast.Tuple):
        return []
    values = []
    for pair in node.elts:
        if isinstance(pair, ast.Tuple | ast.List) and len(pair.elts) == 2:
            if isinstance(pair.elts[1], ast.List | ast.Tuple):  # a named group of choices
                values += _choice_values(pair.elts[1], named, enums)
                continue
            value = _constant(pair.elts[0])
            if value is not None:
                values.append(value)
    return values


def _enum_values(node: ast.ClassDef) -> dict[str, object] | None:
    """A ``TextChoices`` / ``IntegerChoices`` class's members and their stored values
    (``DRAFT = "draft", "Draft"``)."""
    if not any(_name(b) in ("TextChoices", "IntegerChoices", "Choices") for b in node.bases):
        return None
    values = {}
    for statement in node.body:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
        ):
            value = statement.value
            first = value.elts[0] if isinstance(value, ast.Tuple) and value.elts else value
            constant = _constant(first)
            if constant is not None:
                values[statement.targets[0].id] = constant
    return values


def _default(node: ast.expr | None, enums: dict[str, dict[str, object]]) -> str | None:
    """A field's default as SQL: a constant, or a member of a choices class of the file
    (``Status.DRAFT``, ``Order.Status.DRAFT``)."""
    if isinstance(node, ast.Attribute):
        owner = _name(node.value)
        return _sql_literal(enums.get(owner or "", {}).get(node.attr))
    return _sql_literal(_constant(node))


def _abstract_name(name: str) -> str:
    """What an abstract model's fields belong to, by its class's name: ``AbstractUser`` is a
    user's, ``PermissionsMixin`` permissions', ``TimeStampedModel`` time stamped rows'."""
    core = re.sub(r"^(Abstract|Base)(?=[A-Z])|(?<=[a-z0-9])(Mixin|Base|Model)$", "", name) or name
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", core).lower()


def _target_table(node: ast.expr | None, label: str, tables: dict[str, str], own: str) -> str | None:
    """The table a relation points at: ``"self"``, a model of the file, ``"app.Model"``, or the
    user model (``settings.AUTH_USER_MODEL``, which is ``auth_user`` unless swapped)."""
    if isinstance(node, ast.Attribute) and node.attr == "AUTH_USER_MODEL":
        return "auth_user"
    if isinstance(node, ast.Call) and _name(node.func) == "get_user_model":
        return "auth_user"
    name = _name(node) if isinstance(node, ast.Name) else _text(node)
    if not name:
        return None
    if name == "self":
        return own
    if "." in name:
        app, model = name.rsplit(".", 1)
        return f"{app.rsplit('.', 1)[-1]}_{model}".lower()
    return tables.get(name, f"{label}_{name}".lower())


def _meta(node: ast.ClassDef) -> tuple[ast.ClassDef | None, dict[str, ast.expr]]:
    for statement in node.body:
        if isinstance(statement, ast.ClassDef) and statement.name == "Meta":
            options: dict[str, ast.expr] = {}
            for item in statement.body:
                if isinstance(item, ast.Assign) and len(item.targets) == 1 and isinstance(item.targets[0], ast.Name):
                    options[item.targets[0].id] = item.value
            return statement, options
    return None, {}


def _field_call(statement: ast.stmt) -> tuple[str, ast.Call] | None:
    """``title = models.CharField(…)`` (or annotated): the field's name and call."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target, value = statement.targets[0], statement.value
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        target, value = statement.target, statement.value
    else:
        return None
    if not (isinstance(target, ast.Name) and isinstance(value, ast.Call)):
        return None
    kind = _name(value.func) or ""
    if kind in _NO_COLUMN or not (kind.endswith("Field") or kind in _RELATIONS):
        return None
    return target.id, value


def _of_django(func: ast.expr, imported: set[str]) -> bool:
    """Whether a field's class is Django's: ``models.CharField``, or a name imported from
    ``django.db.models``."""
    if isinstance(func, ast.Attribute):
        return _name(func.value) == "models"
    return isinstance(func, ast.Name) and func.id in imported


def _data_type(kind: str, call: ast.Call) -> str:
    pattern = _TYPES.get(kind, "text")
    if "%s" not in pattern:
        return pattern
    if kind == "DecimalField":
        digits, places = _constant(_keyword(call, "max_digits")), _constant(_keyword(call, "decimal_places"))
        return f"numeric({digits}, {places})" if isinstance(digits, int) and isinstance(places, int) else "numeric"
    length = _constant(_keyword(call, "max_length"))
    return pattern % (length if isinstance(length, int) else _MAX_LENGTH.get(kind, 255))


def read_models(path: Path, text: str, label: str | None = None) -> ModelsFile:
    """The file's concrete and abstract models, in the order written. Raises DjangoError when the
    file does not parse."""
    try:
        tree = ast.parse(text)
    except SyntaxError as error:
        raise DjangoError(f"{path}:{error.lineno or 1}:1: does not parse as Python: {error.msg}") from None
    label = label or app_label(app_folder(path) / "migrations")
    named: dict[str, ast.expr] = {}  # module-level and class-level constants: choices lists
    enums: dict[str, dict[str, object]] = {}
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            named.setdefault(node.targets[0].id, node.value)
        elif isinstance(node, ast.ClassDef) and (values := _enum_values(node)) is not None:
            enums[node.name] = values
    # which classes are models: a base is models.Model or a model of the file, or (a base from
    # elsewhere: AbstractUser, TimeStampedModel) the class declares Django's fields (a form's
    # forms.CharField is none)
    imported = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module in ("django.db.models", "django.db.models.fields")
        for alias in node.names
    }
    models: dict[str, ast.ClassDef] = {}
    for node in classes:
        bases = [_name(b) for b in node.bases]
        declares = any((pair := _field_call(s)) and _of_django(pair[1].func, imported) for s in node.body)
        if node.name not in enums and ("Model" in bases or any(b in models for b in bases) or (declares and bases)):
            models[node.name] = node
    tables: dict[str, str] = {}
    metas = {name: _meta(node) for name, node in models.items()}  # (class Meta, its options)
    options = {name: opts for name, (_, opts) in metas.items()}
    for name, opts in options.items():
        if _constant(opts.get("abstract")) is True:  # no table: named for what its fields describe
            tables[name] = _abstract_name(name)
        else:
            tables[name] = _text(opts.get("db_table")) or f"{label}_{name}".lower()
    found = ModelsFile(path, text, label)
    for name, node in models.items():
        meta, opts = metas[name]
        if _constant(opts.get("proxy")) is True:
            continue  # a proxy has the table of the model it stands for
        abstract = _constant(opts.get("abstract")) is True
        concrete_parent = any(
            _name(b) in models and _constant(options[_name(b) or ""].get("abstract")) is not True for b in node.bases
        )
        fields = []
        for statement in node.body:
            if (pair := _field_call(statement)) is None:
                continue
            field_name, call = pair
            kind = _name(call.func) or ""
            column = _text(_keyword(call, "db_column"))
            target = None
            if kind in _RELATIONS:
                target = _target_table(call.args[0] if call.args else _keyword(call, "to"), label, tables, tables[name])
                column = column or f"{field_name}_id"
                data_type = "bigint"
            else:
                data_type = _data_type(kind, call)
            column = column or field_name
            choices = _choice_values(_keyword(call, "choices"), named, enums)
            check = None
            if choices and len(choices) <= MAX_CHOICES and all(_sql_literal(v) for v in choices):
                check = f"{quote(column, DIALECT)} IN ({', '.join(str(_sql_literal(v)) for v in choices)})"
            elif kind in _POSITIVE:
                check = f"{quote(column, DIALECT)} >= 0"
            default = _keyword(call, "default")
            comment_node = _keyword(call, "db_comment")
            fields.append(
                ModelField(
                    field_name,
                    column,
                    call,
                    data_type,
                    _constant(_keyword(call, "null")) is not True,
                    _constant(_keyword(call, "primary_key")) is True,
                    _constant(_keyword(call, "unique")) is True or kind == "OneToOneField",
                    _default(default, enums),
                    check,
                    target,
                    _text(comment_node),
                    _text(_keyword(call, "help_text")),
                    comment_node,
                )
            )
        docstring = ast.get_docstring(node)
        model = DjangoModel(
            name,
            node,
            tables[name],
            abstract,
            fields,
            _text(opts.get("db_table_comment")),
            " ".join(docstring.split("\n\n")[0].split()) if docstring else None,
            meta,
            opts.get("db_table_comment"),
            not abstract and not concrete_parent and not any(f.primary for f in fields),
        )
        if fields or model.implicit_key:  # else no column here to document (all inherited)
            found.models.append(model)
    return found


# ---------------------------------------------------------------------------------------------
# Writing


class _Source:
    """Offsets in the text from ``ast``'s line numbers and UTF-8 byte columns."""

    def __init__(self, text: str) -> None:
        self.text = text
        # Python's own line ends (not str.splitlines's, which also splits on \x0c, \u2028, …)
        self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
        self.newline = "\r\n" if "\r\n" in text else "\n"

    def offset(self, line: int, column: int) -> int:
        start = self.starts[line - 1]
        return start + len(self.text[start : self.line_end(line)].encode("utf-8")[:column].decode("utf-8", "replace"))

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


def _last_significant(text: str, start: int, end: int) -> int:
    """The offset after the last character of ``text[start:end]`` that is neither blank nor in a
    comment (``start`` when there is none)."""
    last, i = start, start
    while i < end:
        char = text[i]
        if char == "#":
            while i < end and text[i] not in "\r\n":
                i += 1
            continue
        if not char.isspace():
            last = i + 1
        i += 1
    return last


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


def _span(source: _Source, node: ast.expr | ast.keyword) -> tuple[int, int]:
    start = source.offset(node.lineno, node.col_offset)
    return start, source.offset(node.end_lineno or node.lineno, node.end_col_offset or 0)


def _keyword_edits(source: _Source, call: ast.Call, keyword: str, limit: int) -> list[TextEdit]:
    """The edits that give ``call`` one more keyword argument, in its layout: on a line of its own
    before a closing parenthesis that has one (the argument before it given its comma), else
    after the last argument; a call on one line that would grow past ``limit`` characters is
    split as black splits it (its arguments on one indented line, else one a line)."""
    text, nl = source.text, source.newline
    close = source.offset(call.end_lineno or call.lineno, call.end_col_offset or 0) - 1  # the call's ")"
    arguments: list[ast.expr | ast.keyword] = sorted(
        [*call.args, *call.keywords], key=lambda a: (a.lineno, a.col_offset)
    )
    close_line_start = source.starts[(call.end_lineno or call.lineno) - 1]
    if arguments:
        after = _last_significant(text, _span(source, arguments[-1])[1], close)
        comma = text[after - 1] == ","
    else:
        after, comma = close, True  # f(): nothing to follow
    if arguments and call.end_lineno != call.lineno and text[close_line_start:close].strip() == "":
        # ")" on a line of its own: the keyword gets one too, indented as the last argument
        last = arguments[-1]
        indent = source.indentation(last.lineno) if last.lineno > call.lineno else text[close_line_start:close] + "    "
        edits = [] if comma else [TextEdit(after, after, ",")]
        return [*edits, TextEdit(close_line_start, close_line_start, f"{indent}{keyword},{nl}")]
    inline = TextEdit(
        after, after, f" {keyword}" if comma and arguments else keyword if not arguments else f", {keyword}"
    )
    line = text[source.starts[call.lineno - 1] : source.line_end(call.lineno)]
    width = len(line.rstrip("\r\n")) + len(inline.new_text)
    if call.end_lineno != call.lineno or width <= limit:
        return [inline]
    items = [text[slice(*_span(source, a))] for a in arguments] + [keyword]
    indent = source.indentation(call.lineno)
    opening = text.index("(", _span(source, call.func)[1])
    one_line = f"{indent}    {', '.join(items)}"
    body = f"{one_line}{nl}" if len(one_line) <= limit else "".join(f"{indent}    {item},{nl}" for item in items)
    return [TextEdit(opening + 1, close + 1, f"{nl}{body}{indent})")]


def _replace(source: _Source, node: ast.expr, new: str) -> TextEdit:
    return TextEdit(*_span(source, node), new)


def _table_comment_edit(source: _Source, model: DjangoModel, text: str) -> TextEdit | None:
    """The edit that gives the model ``Meta.db_table_comment``: a line at the end of its
    ``Meta``, or a new ``Meta`` after its fields (None where ``Meta`` is written on one line)."""
    line = f"db_table_comment = {python_literal(text)}"
    nl = source.newline
    if model.meta is not None:
        body = model.meta.body
        if body[0].lineno == model.meta.lineno:  # class Meta: db_table = "x"
            return None
        at, lead = source.after_line(max(s.end_lineno or s.lineno for s in body))
        return TextEdit(at, at, f"{lead}{source.indentation(body[0].lineno)}{line}{nl}")
    node = model.node
    if node.body[0].lineno == node.lineno:
        return None
    indent = source.indentation(node.body[0].lineno)
    unit = indent[len(source.indentation(node.lineno)) :] or "    "
    before = node.body[0]
    for statement in node.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            break
        before = statement
    at, lead = source.after_line(before.end_lineno or before.lineno)
    block = f"{lead}{nl}{indent}class Meta:{nl}{indent}{unit}{line}{nl}"
    if source.text[at:].split("\n", 1)[0].strip():  # a method right after: a blank line between
        block += nl
    return TextEdit(at, at, block)


@dataclass
class _Planned:
    model: DjangoModel
    description: str | None
    columns: dict[str, str]  # column -> comment


def edit_models(models: ModelsFile, planned: list[_Planned], *, overwrite: bool = False) -> tuple[str, list[str]]:
    """The file's new text with the planned comments (a comment the file has is replaced only with
    ``overwrite``), and the notes of what could not be written; raises DjangoError where the
    edited file would not read back as planned."""
    source = _Source(models.text)
    limit = line_length(models.path)
    edits: list[TextEdit] = []
    notes: list[str] = []
    expected: dict[tuple[str, str | None], str] = {}  # (model, column or None for its table) -> text
    for plan in planned:
        model = plan.model
        if plan.description is not None and (model.comment_node is None or overwrite):
            edit = (
                _replace(source, model.comment_node, python_literal(plan.description))
                if model.comment_node is not None
                else _table_comment_edit(source, model, plan.description)
            )
            if edit is None:
                notes.append(
                    f"{models.path}:{model.node.lineno}:1: model {model.name}: its Meta is written on one line;"
                    " its db_table_comment is left for you"
                )
            else:
                edits.append(edit)
                expected[(model.name, None)] = plan.description
        for f in model.fields:
            text = plan.columns.get(f.column)
            if text is None or (f.comment_node is not None and not overwrite):
                continue
            if f.comment_node is not None:
                edits.append(_replace(source, f.comment_node, python_literal(text)))
            else:
                edits += _keyword_edits(source, f.call, f"db_comment={python_literal(text)}", limit)
            expected[(model.name, f.column)] = text
    try:
        new = apply_edits(models.text, edits)
    except EditConflictError as error:
        raise DjangoError(f"{models.path}: {error}; left unchanged") from None
    if new == models.text:
        return new, notes
    try:
        after = read_models(models.path, new, models.label)
    except DjangoError:
        raise DjangoError(f"{models.path}: the edit would not parse as Python; left unchanged") from None
    written = {m.name: m for m in after.models}
    for plan in planned:
        name = plan.model.name
        again = written.get(name)
        found: dict[str | None, str | None] = {None: again.comment} if again is not None else {}
        found |= {f.column: f.comment for f in again.fields} if again is not None else {}
        wrong = again is None or len(again.fields) != len(plan.model.fields)
        if wrong or any(found.get(column) != text for (model, column), text in expected.items() if model == name):
            raise DjangoError(f"{models.path}: model {name}: comments do not read back as planned; left unchanged")
    return new, notes


# ---------------------------------------------------------------------------------------------
# The whole job


def plan_models(models: ModelsFile, *, overwrite: bool = False, check: bool = False) -> FilePlan:
    """The models read as a file of PostgreSQL DDL, with the requests its tables need; for
    ``--check``, without what ``help_text`` and docstrings lend (the database has no comment
    until a ``db_comment`` says it)."""
    return plan_file(
        models.ddl(borrow=not check), path=str(models.path), dialect=DIALECT, overwrite=overwrite, dialect_reason=REASON
    )


def document_models(
    models: ModelsFile, backend: Backend, *, overwrite: bool = False, progress: Progress | None = None
) -> EditedSources:
    """Document the file's models and plan the edit of the file that records it."""
    plan = plan_models(models, overwrite=overwrite)
    (outcome,) = document_plans([plan], backend, [progress])
    return record_models(models, outcome, overwrite=overwrite)


def record_models(models: ModelsFile, outcome: FileOutcome, *, overwrite: bool = False) -> EditedSources:
    """The change of the models file that records what ``outcome`` documented: every comment
    the file lacks (the model's, or what ``help_text`` or the docstring said)."""
    label = str(models.path)
    if len(outcome.parsed.tables) != len(models.models):
        return EditedSources(label, outcome, [], [f"{label}: the models did not all read back as DDL; nothing written"])
    planned: list[_Planned] = []
    borrowed = 0
    for model, done in zip(models.models, outcome.tables, strict=True):
        description = done.docs.description
        kept = model.comment is not None and not overwrite
        if model.abstract or not description or kept or description == model.comment:
            description = None
        columns: dict[str, str] = {}
        for f in model.fields:
            text = done.docs.columns.get(f.column)
            if text and text != f.comment and (f.comment is None or overwrite):
                columns[f.column] = text
                borrowed += text == f.help_text
        borrowed += description is not None and description == model.docstring
        if description is not None or columns:
            planned.append(_Planned(model, description, columns))
    notes: list[str] = []
    problems: list[str] = []
    changes: list[FileChange] = []
    if planned:
        try:
            new, left = edit_models(models, planned, overwrite=overwrite)
            notes += left
            if new != models.text:
                changes.append(FileChange(models.path, models.text, new))
                if borrowed:
                    notes.append(
                        f"{label}: {borrowed} comment{'s' if borrowed > 1 else ''} copied from the help_text or"
                        " docstring that the authors wrote"
                    )
                notes.append(f"{label}: {NEXT_STEP}")
        except DjangoError as error:
            problems.append(str(error))
    return EditedSources(label, outcome, changes, problems, notes)


def lacking(models: ModelsFile, plan: FilePlan) -> list[tuple[DjangoModel, int]]:
    """`--check`: each model that lacks a comment (by ``plan_models(check=True)``), with the
    table's index in the plan."""
    return [(models.models[index], index) for index, _ in plan.todo]
