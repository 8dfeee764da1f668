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
from dataclasses import dataclass, field
from pathlib import Path

from sqlscribe.databases import Column, TableInfo, key_constraints, quote, render_ddl
from sqlscribe.ddl import TextEdit
from sqlscribe.django_migrations import DjangoError, app_label, python_literal
from sqlscribe.document import (
    EditedSources,
    FileOutcome,
    FilePlan,
    plan_file,
)
from sqlscribe.python_source import (
    Planned,
    Source,
    abstract_name,
    constant_of,
    edited_text,
    in_check,
    keyword_edits,
    keyword_of,
    line_length,
    name_of,
    record_edit,
    replace,
    sql_literal,
    text_of,
)

DIALECT = "postgres"  # the types below are those of Django's PostgreSQL backend
REASON = "the types Django's PostgreSQL backend gives the models' fields"
NEXT_STEP = "run `python manage.py makemigrations` to carry the comments into the database (Django 4.2+)"
# The implicit key every model without a primary key of its own gets: shown to the model with this
# text (it has no line in the source to hold a db_comment).
IMPLICIT_KEY = "Surrogate primary key that Django adds to the model."
# The key a model that extends a concrete model gets (multi-table inheritance), likewise shown
PARENT_LINK = "Primary key, and the row of {parent} this row extends (Django's multi-table inheritance)."
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
    # django.contrib.postgres's (ArrayField: its base field's, as an array)
    "CICharField": "citext",
    "CIEmailField": "citext",
    "CITextField": "citext",
    "IntegerRangeField": "int4range",
    "BigIntegerRangeField": "int8range",
    "DecimalRangeField": "numrange",
    "DateTimeRangeField": "tstzrange",
    "DateRangeField": "daterange",
    "SearchVectorField": "tsvector",
    # fields of popular packages: django-countries, django-phonenumber-field, django-timezone-field,
    # django-money's amount, django-model-utils', django-extensions'
    "CountryField": "varchar(%s)",
    "PhoneNumberField": "varchar(%s)",
    "TimeZoneField": "varchar(%s)",
    "MoneyField": "numeric(%s)",
    "StatusField": "varchar(%s)",
    "MonitorField": "timestamp with time zone",
    "AutoCreatedField": "timestamp with time zone",
    "AutoLastModifiedField": "timestamp with time zone",
    "RandomCharField": "varchar(%s)",
}
_MAX_LENGTH = {"SlugField": 50, "EmailField": 254, "URLField": 200, "FileField": 100, "ImageField": 100}
_MAX_LENGTH |= {"FilePathField": 100, "CharField": 255, "CountryField": 2, "PhoneNumberField": 128}
_MAX_LENGTH |= {"TimeZoneField": 63, "StatusField": 100}
# GeoDjango's fields: PostGIS geometries of the field's shape, in WGS 84 unless given a srid
_GEOMETRIES = {
    "GeometryField": "GEOMETRY",
    "PointField": "POINT",
    "LineStringField": "LINESTRING",
    "PolygonField": "POLYGON",
    "MultiPointField": "MULTIPOINT",
    "MultiLineStringField": "MULTILINESTRING",
    "MultiPolygonField": "MULTIPOLYGON",
    "GeometryCollectionField": "GEOMETRYCOLLECTION",
}
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

    @property
    def lent(self) -> str | None:
        return self.help_text


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
    # multi-table inheritance: the key Django adds that links each row to its parent's row
    # (``<parent>_ptr_id``) and the parent's table
    parent_link: tuple[str, str] | None = None

    @property
    def columns(self) -> list[ModelField]:
        return self.fields

    @property
    def lends_columns(self) -> bool:
        return self.abstract

    @property
    def line(self) -> int:
        """Where --check and the editor name it: its class."""
        return self.node.lineno

    def info(self, *, borrow: bool) -> TableInfo:
        """The model as the table Django makes of it; with ``borrow``, its ``help_text`` and
        docstring stand for the comments it lacks."""
        columns = []
        if self.implicit_key:
            columns.append(Column("id", "bigint", False, None, IMPLICIT_KEY))
        key = [f.column for f in self.fields if f.primary] or (["id"] if self.implicit_key else [])
        links = []
        if self.parent_link is not None and not key:
            link, parent = self.parent_link
            columns.append(Column(link, "bigint", False, None, PARENT_LINK.format(parent=parent)))
            key = [link]
            links = [(link, parent, "id")]
        for f in self.fields:
            comment = f.comment or (f.help_text if borrow else None)
            columns.append(Column(f.column, f.data_type, f.not_null and not f.primary, f.default, comment, f.check))
        constraints = key_constraints(
            DIALECT,
            key,
            [f.column for f in self.fields if f.unique and not f.primary],
            links + [(f.column, f.references, "id") for f in self.fields if f.references],
        )
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
            value = constant_of(pair.elts[0])
            if value is not None:
                values.append(value)
    return values


def _enum_values(node: ast.ClassDef) -> dict[str, object] | None:
    """A ``TextChoices`` / ``IntegerChoices`` class's members and their stored values
    (``DRAFT = "draft", "Draft"``)."""
    if not any(name_of(b) in ("TextChoices", "IntegerChoices", "Choices") for b in node.bases):
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
            constant = constant_of(first)
            if constant is not None:
                values[statement.targets[0].id] = constant
    return values


def _default(node: ast.expr | None, enums: dict[str, dict[str, object]]) -> str | None:
    """A field's default as SQL: a constant, or a member of a choices class of the file
    (``Status.DRAFT``, ``Order.Status.DRAFT``)."""
    if isinstance(node, ast.Attribute):
        owner = name_of(node.value)
        return sql_literal(enums.get(owner or "", {}).get(node.attr), DIALECT)
    return sql_literal(constant_of(node), DIALECT)


def _target_table(node: ast.expr | None, label: str, tables: dict[str, str], own: str) -> str | None:
    """The table a relation points at: ``"self"``, a model of the file, ``"app.Model"``, or the
    user model (``settings.AUTH_USER_MODEL``, which is ``auth_user`` unless swapped)."""
    if isinstance(node, ast.Attribute) and node.attr == "AUTH_USER_MODEL":
        return "auth_user"
    if isinstance(node, ast.Call) and name_of(node.func) == "get_user_model":
        return "auth_user"
    name = name_of(node) if isinstance(node, ast.Name) else text_of(node)
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
    kind = name_of(value.func) or ""
    if kind in _NO_COLUMN or not (kind.endswith("Field") or kind in _RELATIONS):
        return None
    return target.id, value


def _of_django(func: ast.expr, imported: set[str]) -> bool:
    """Whether a field's class is Django's: ``models.CharField``, or a name imported from
    ``django.db.models``."""
    if isinstance(func, ast.Attribute):
        return name_of(func.value) == "models"
    return isinstance(func, ast.Name) and func.id in imported


def _data_type(kind: str, call: ast.Call) -> str:
    if kind == "ArrayField" and call.args and isinstance(element := call.args[0], ast.Call):
        size = constant_of(keyword_of(call, "size"))
        return f"{_data_type(name_of(element.func) or '', element)}[{size if isinstance(size, int) else ''}]"
    if kind in _GEOMETRIES:
        srid = constant_of(keyword_of(call, "srid"))
        base = "geography" if constant_of(keyword_of(call, "geography")) is True else "geometry"
        return f"{base}({_GEOMETRIES[kind]}, {srid if isinstance(srid, int) else 4326})"
    # a field of another package's by the field it extends, as its name says: AutoSlugField,
    # CreationDateTimeField
    kind = max((k for k in _TYPES if kind.endswith(k)), key=len, default=kind)
    pattern = _TYPES.get(kind, "text")
    if "%s" not in pattern:
        return pattern
    if kind in ("DecimalField", "MoneyField"):
        digits, places = constant_of(keyword_of(call, "max_digits")), constant_of(keyword_of(call, "decimal_places"))
        return f"numeric({digits}, {places})" if isinstance(digits, int) and isinstance(places, int) else "numeric"
    length = constant_of(keyword_of(call, "max_length"))
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
        bases = [name_of(b) for b in node.bases]
        declares = any((pair := _field_call(s)) and _of_django(pair[1].func, imported) for s in node.body)
        if node.name not in enums and ("Model" in bases or any(b in models for b in bases) or (declares and bases)):
            models[node.name] = node
    tables: dict[str, str] = {}
    metas = {name: _meta(node) for name, node in models.items()}  # (class Meta, its options)
    options = {name: opts for name, (_, opts) in metas.items()}
    for name, opts in options.items():
        if constant_of(opts.get("abstract")) is True:  # no table: named for what its fields describe
            tables[name] = abstract_name(name)
        else:
            tables[name] = text_of(opts.get("db_table")) or f"{label}_{name}".lower()
    found = ModelsFile(path, text, label)
    for name, node in models.items():
        meta, opts = metas[name]
        if constant_of(opts.get("proxy")) is True:
            continue  # a proxy has the table of the model it stands for
        abstract = constant_of(opts.get("abstract")) is True
        parents = [
            b for b in map(name_of, node.bases) if b in models and constant_of(options[b].get("abstract")) is not True
        ]
        concrete_parent = bool(parents)
        fields = []
        for statement in node.body:
            if (pair := _field_call(statement)) is None:
                continue
            field_name, call = pair
            kind = name_of(call.func) or ""
            column = text_of(keyword_of(call, "db_column"))
            target = None
            if kind in _RELATIONS:
                target = _target_table(
                    call.args[0] if call.args else keyword_of(call, "to"), label, tables, tables[name]
                )
                column = column or f"{field_name}_id"
                data_type = "bigint"
            else:
                data_type = _data_type(kind, call)
            column = column or field_name
            choices = _choice_values(keyword_of(call, "choices"), named, enums)
            check = in_check(quote(column, DIALECT), choices, DIALECT, MAX_CHOICES)
            if check is None and kind in _POSITIVE:
                check = f"{quote(column, DIALECT)} >= 0"
            default = keyword_of(call, "default")
            comment_node = keyword_of(call, "db_comment")
            fields.append(
                ModelField(
                    field_name,
                    column,
                    call,
                    data_type,
                    constant_of(keyword_of(call, "null")) is not True,
                    constant_of(keyword_of(call, "primary_key")) is True,
                    constant_of(keyword_of(call, "unique")) is True or kind == "OneToOneField",
                    _default(default, enums),
                    check,
                    target,
                    text_of(comment_node),
                    text_of(keyword_of(call, "help_text")),
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
            text_of(opts.get("db_table_comment")),
            " ".join(docstring.split("\n\n")[0].split()) if docstring else None,
            meta,
            opts.get("db_table_comment"),
            not abstract and not concrete_parent and not any(f.primary for f in fields),
            (f"{parents[0].lower()}_ptr_id", tables[parents[0]]) if parents and parents[0] else None,
        )
        if fields or model.implicit_key:  # else no column here to document (all inherited)
            found.models.append(model)
    return found


# ---------------------------------------------------------------------------------------------
# Writing


def _table_comment_edit(source: Source, model: DjangoModel, text: str) -> TextEdit | None:
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


def edit_models(
    models: ModelsFile, planned: list[Planned[DjangoModel]], *, overwrite: bool = False
) -> tuple[str, list[str]]:
    """The file's new text with the planned comments (a comment the file has is replaced only with
    ``overwrite``), and the notes of what could not be written; raises ModelsError where the
    edited file would not read back as planned."""
    source = Source(models.text)
    limit = line_length(models.path)
    edits: list[TextEdit] = []
    notes: list[str] = []
    expected: dict[tuple[str, str | None], str] = {}  # (model, column or None for its table) -> text
    for plan in planned:
        model = plan.model
        if plan.description is not None and (model.comment_node is None or overwrite):
            edit = (
                replace(source, model.comment_node, python_literal(plan.description))
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
                edits.append(replace(source, f.comment_node, python_literal(text)))
            else:
                edits += keyword_edits(source, f.call, f"db_comment={python_literal(text)}", limit)
            expected[(model.name, f.column)] = text
    new = edited_text(
        models.path,
        models.text,
        edits,
        lambda text: read_models(models.path, text, models.label).models,
        planned,
        expected,
        lambda model: f"model {model.name}",
    )
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


def record_models(models: ModelsFile, outcome: FileOutcome, *, overwrite: bool = False) -> EditedSources:
    """The change of the models file that records what ``outcome`` documented: every comment
    the file lacks (the model's, or what ``help_text`` or the docstring said)."""
    return record_edit(
        models.path,
        models.text,
        models.models,
        outcome,
        lambda planned: edit_models(models, planned, overwrite=overwrite),
        overwrite=overwrite,
        lent_by="help_text or docstring",
        next_step=NEXT_STEP,
    )
