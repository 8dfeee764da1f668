"""The files where ORMs keep a database's documentation next to its schema: a Django app's
models (``db_comment``, ``Meta.db_table_comment``; sqlscribe/django_models.py), SQLAlchemy's
mapped classes and tables (``comment=``, ``__table_args__``; sqlscribe/sqlalchemy_models.py),
and, beside these Python files, a Rails application's ``db/schema.rb`` (``comment:``, written
into a new migration; sqlscribe/rails_schema.py), and TypeORM's entities in TypeScript
(``comment`` in the decorators' options; sqlscribe/typeorm_entities.py), Doctrine's in PHP
(sqlscribe/doctrine_entities.py) and a Prisma schema's models (``///`` comments;
sqlscribe/prisma_schema.py). The command line and the editor go through
this module: a file is read as whichever ORM it belongs to, planned as PostgreSQL DDL, and what
the model answers is written back into the ORM's files.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

from sqlscribe import django_models, doctrine_entities, prisma_schema, rails_schema, sqlalchemy_models, typeorm_entities
from sqlscribe.django_migrations import DjangoError
from sqlscribe.django_models import ModelsFile
from sqlscribe.docs import TableDocs
from sqlscribe.document import EditedSources, FileOutcome, FilePlan, Progress, document_plans, lacks
from sqlscribe.generate import Backend
from sqlscribe.prisma_schema import PrismaSchema
from sqlscribe.python_source import ModelsError
from sqlscribe.rails_schema import RailsSchema
from sqlscribe.sqlalchemy_models import MappedFile
from sqlscribe.typeorm_entities import EntitiesFile

Models = ModelsFile | MappedFile | RailsSchema | EntitiesFile | doctrine_entities.EntitiesFile | PrismaSchema
# the files an ORM's documentation may be kept in, which a folder's walk reads (found_models)
ORM_SUFFIXES = (".py", ".rb", ".ts", ".mts", ".cts", ".php", ".prisma")


def is_models_file(name: str) -> bool:
    """Whether a file (its name, path or URI) is one an ORM's documentation may be kept in, and
    so never read as SQL: a Python file, a Rails application's ``db/schema.rb``, or a
    TypeScript source (TypeORM's entities), a PHP one (Doctrine's), or a Prisma schema."""
    base = PurePosixPath(name.lower().rsplit("/", 1)[-1])
    return (
        base.suffix in (".py", ".pyi")
        or prisma_schema.is_schema_path(base)
        or rails_schema.is_schema_path(base)
        or typeorm_entities.is_entities_path(base)
        or doctrine_entities.is_entities_path(base)
    )


def is_models_path(path: Path) -> bool:
    """Whether a path found in a folder is where apps keep models: ``models.py``, or a module
    of a ``models`` package."""
    return path.suffix == ".py" and (path.name == "models.py" or path.parent.name == "models")


_TEST_MODULE = re.compile(r"(test_.*|.*_tests?|conftest)\.pyi?")
_TEST_FOLDERS = {"tests", "test", "testing"}
_PHP_TEST = re.compile(r"Test\.php$")  # PHPUnit's


def is_test_path(path: Path, root: Path | None = None) -> bool:
    """A test's module (``test_*.py``, ``*_test.py``, ``conftest.py``, or any in a ``tests``
    folder below ``root``): the tables it declares are fixtures, no schema's."""
    if _TEST_MODULE.fullmatch(path.name):
        return True
    try:
        below = path.parent.relative_to(root).parts if root is not None else ()
    except ValueError:
        below = ()
    return any(part in _TEST_FOLDERS for part in below)


def _imports_sqlalchemy(text: str) -> bool:
    return re.search(r"^\s*(from|import)\s+(sqlalchemy|flask_sqlalchemy)\b", text, re.MULTILINE) is not None


def read_models(path: Path, text: str) -> Models | None:
    """The file's models, read as the ORM it imports; None for a file that holds none. Raises
    ModelsError for one that does not parse."""
    if path.suffix == ".rb":
        return rails_schema.read_schema(path, text) if rails_schema.holds_schema(text) else None
    if path.suffix in (".ts", ".mts", ".cts"):
        return typeorm_entities.read_entities(path, text) if typeorm_entities.holds_entities(text) else None
    if path.suffix == ".php":
        return doctrine_entities.read_entities(path, text) if doctrine_entities.holds_entities(text) else None
    if path.suffix == ".prisma":
        return prisma_schema.read_schema(path, text) if prisma_schema.holds_schema(text) else None
    try:
        if django_models.holds_models(text) and not _imports_sqlalchemy(text):
            return django_models.read_models(path, text)
        if sqlalchemy_models.holds_models(text):
            return sqlalchemy_models.read_mapped(path, text)
    except DjangoError as error:
        raise ModelsError(str(error)) from None
    return None


def found_models(path: Path, text: str, root: Path | None = None) -> Models | None:
    """The models of a Python file met in a folder (``root``), or opened in the editor, that
    sqlscribe documents, if not a test's: where a Django app keeps its models (``models.py``,
    ``models/*.py``), or any other module that declares SQLAlchemy or SQLModel tables
    (``app/db/tables.py``) or the mixins they share, a Rails application's schema
    (``db/schema.rb``), a TypeScript module of TypeORM's entities, a PHP file of Doctrine's, or a
    Prisma schema; None for any other file.
    Raises ModelsError for one that does not parse."""
    if path.suffix not in ORM_SUFFIXES or is_test_path(path, root):
        return None
    if path.suffix == ".rb":
        models = read_models(path, text) if rails_schema.is_schema_path(path) else None
    elif path.suffix == ".php":
        models = read_models(path, text) if not _PHP_TEST.search(path.name) else None
    elif path.suffix == ".prisma":
        models = read_models(path, text)
    elif path.suffix != ".py":
        models = read_models(path, text) if typeorm_entities.is_entities_path(path) else None
    elif is_models_path(path):
        models = read_models(path, text)
    elif sqlalchemy_models.holds_models(text):
        models = sqlalchemy_models.read_mapped(path, text)
    else:
        return None
    return models if models is not None and models.models else None


def orm(models: Models) -> str:
    """The ORM, as the editor names it: Django, SQLAlchemy, SQLModel, Rails, TypeORM, Doctrine or
    Prisma."""
    return "Django" if isinstance(models, ModelsFile) else models.orm


def plan_models(models: Models, *, overwrite: bool = False, check: bool = False) -> FilePlan:
    """The models read as a file of PostgreSQL DDL, with the requests its tables need (for
    ``--check``, without what the authors' ``help_text`` / ``doc=`` and docstrings lend)."""
    if isinstance(models, ModelsFile):
        return django_models.plan_models(models, overwrite=overwrite, check=check)
    if isinstance(models, RailsSchema):
        return rails_schema.plan_schema(models, overwrite=overwrite)  # schema.rb lends nothing: --check's plan too
    if isinstance(models, EntitiesFile):
        return typeorm_entities.plan_entities(models, overwrite=overwrite, check=check)
    if isinstance(models, doctrine_entities.EntitiesFile):
        return doctrine_entities.plan_entities(models, overwrite=overwrite, check=check)
    if isinstance(models, PrismaSchema):
        return prisma_schema.plan_schema(models, overwrite=overwrite, check=check)
    return sqlalchemy_models.plan_mapped(models, overwrite=overwrite, check=check)


def record_models(models: Models, outcome: FileOutcome, *, overwrite: bool = False) -> EditedSources:
    """The change of the file that records what ``outcome`` documented."""
    if isinstance(models, ModelsFile):
        return django_models.record_models(models, outcome, overwrite=overwrite)
    if isinstance(models, RailsSchema):
        return rails_schema.record_schema(models, outcome, overwrite=overwrite)
    if isinstance(models, EntitiesFile):
        return typeorm_entities.record_entities(models, outcome, overwrite=overwrite)
    if isinstance(models, doctrine_entities.EntitiesFile):
        return doctrine_entities.record_entities(models, outcome, overwrite=overwrite)
    if isinstance(models, PrismaSchema):
        return prisma_schema.record_schema(models, outcome, overwrite=overwrite)
    return sqlalchemy_models.record_mapped(models, outcome, overwrite=overwrite)


class _Column(Protocol):
    column: str
    comment: str | None


class _Model(Protocol):
    """What every ORM's model (table, entity) says of itself."""

    name: str
    comment: str | None

    @property
    def line(self) -> int: ...

    @property
    def columns(self) -> Sequence[_Column]: ...


def model_lines(models: Models) -> list[tuple[str, int]]:
    """Each model's (a table's, an entity's) name and the line it starts on, one a table of the
    plan, in order."""
    if isinstance(models, EntitiesFile | doctrine_entities.EntitiesFile | PrismaSchema):
        return [(m.name, m.first_line) for m in models.models]  # its decorators (attributes, ///) are its own
    found: list[_Model] = list(models.models)
    return [(m.name, m.line) for m in found]


def one_model(models: Models, plan: FilePlan, name: str) -> FilePlan | None:
    """The plan of documenting the model (or table) named alone; None where there is none."""
    index = next((i for i, (n, _) in enumerate(model_lines(models)) if n == name), None)
    if index is None:
        return None
    return dataclasses.replace(plan, todo=[(i, r) for i, r in plan.todo if i == index])


def kept_but(models: Models, outcome: FileOutcome, name: str) -> FileOutcome:
    """The outcome with every model but ``name`` documented as the file has it, so that
    recording it writes nothing for them (not even what their authors' text would lend)."""
    found: list[_Model] = list(models.models)
    tables = [
        done
        if model.name == name
        else dataclasses.replace(
            done,
            docs=TableDocs(model.comment, {c.column: c.comment for c in model.columns if c.comment is not None}),
        )
        for model, done in zip(found, outcome.tables, strict=False)
    ]
    return dataclasses.replace(outcome, tables=tables)


def document_models(
    models: Models, backend: Backend, *, overwrite: bool = False, progress: Progress | None = None
) -> EditedSources:
    """Document the file's models and plan the edit of the file that records it."""
    plan = plan_models(models, overwrite=overwrite)
    (outcome,) = document_plans([plan], backend, [progress])
    return record_models(models, outcome, overwrite=overwrite)


@dataclass(frozen=True)
class Lack:
    """A model (or Core table) that lacks a comment, as ``--check`` and the editor name it."""

    line: int  # from 1
    column: int  # of its name, from 0
    name: str
    label: str  # "model Category (store_category)"
    missing: str  # "no db_table_comment; 2 of 3 columns without a comment: name, slug"


def lacking(models: Models, plan: FilePlan) -> list[Lack]:
    """Each model that lacks a comment, by ``plan_models(check=True)``'s plan, in the words of
    its ORM (Django's ``db_table_comment``; SQLAlchemy's table comment)."""
    found = []
    for index, request in plan.todo:
        missing = lacks(request, plan.parsed.tables[index])
        if isinstance(models, ModelsFile):
            model = models.models[index]
            node = model.node
            found.append(
                Lack(
                    node.lineno,
                    node.col_offset + len("class "),
                    model.name,
                    f"model {model.name} ({model.table})",
                    missing.replace("no description", "no db_table_comment"),
                )
            )
        else:
            table = models.models[index]
            said = (
                models.table_comment
                if isinstance(models, EntitiesFile | PrismaSchema)
                else sqlalchemy_models.TABLE_COMMENT
            )
            missing = missing.replace("no description", said)
            found.append(Lack(table.line, table.column_offset, table.name, table.label, missing))
    return found
