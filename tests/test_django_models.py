"""A Django app's models documented in place (``db_comment``, ``Meta.db_table_comment``), read with
``ast`` as Django would make their tables. Django itself makes and runs the migrations of what is
written in tests/test_databases.py."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from in_process import run

from sqlscribe.ddl import parse_sql
from sqlscribe.django_migrations import DjangoError
from sqlscribe.django_models import (
    ABSTRACT,
    IMPLICIT_KEY,
    edit_models,
    plan_models,
    read_models,
)
from sqlscribe.python_source import Planned, line_length

MODELS = '''from django import forms
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import CharField
from django.utils.translation import gettext_lazy as _

STATES = [("o", "Open"), ("c", "Closed")]


class Stamped(models.Model):
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Category(models.Model):
    """A group of products shown together.

    Longer notes that are no part of the description."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField()

    def __str__(self):
        return self.name


class Product(Stamped):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        LIVE = "live", _("Live")

    sku = models.CharField(max_length=32, primary_key=True)
    title = models.CharField(
        max_length=200,
        help_text=_("Name shown to customers."),
    )
    category = models.ForeignKey(Category, on_delete=models.CASCADE, db_column="cat")
    price = models.DecimalField(max_digits=10, decimal_places=2)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.LIVE)
    state = models.CharField(max_length=1, choices=STATES, default="o")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True  # may be unset
    )
    stock = models.PositiveIntegerField(db_comment="Units in the warehouse.")
    tags = models.ManyToManyField("Tag")

    class Meta:
        db_table = "catalogue_product"
        ordering = ["title"]


class Featured(Product):
    class Meta:
        proxy = True


class Tag(models.Model):
    label = models.CharField(max_length=50)


class TagForm(forms.Form):  # no model, though it declares fields
    label = forms.CharField(max_length=50)


class Profile(AbstractUser):  # a model: Django's fields on a base from elsewhere
    nickname = CharField(max_length=30)
'''


@pytest.fixture
def app(tmp_path: Path) -> Path:
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "apps.py").write_text(
        'from django.apps import AppConfig\n\n\nclass ShopConfig(AppConfig):\n    name = "apps.shop"\n'
        '    label = "store"\n',
        encoding="utf-8",
    )
    (folder / "models.py").write_text(MODELS, encoding="utf-8")
    (folder / "views.py").write_text("from django.db import models\nx = models.CharField()\n", encoding="utf-8")
    return folder


def test_models_are_read_as_the_tables_django_makes_of_them(app: Path) -> None:
    path = app / "models.py"
    models = read_models(path, MODELS)
    assert models.label == "store"  # apps.py's label
    assert [(m.name, m.table, m.abstract, m.implicit_key) for m in models.models] == [
        ("Stamped", "stamped", True, False),  # abstract: no table, named for what it describes
        ("Category", "store_category", False, True),
        ("Product", "catalogue_product", False, False),  # its db_table; Featured, a proxy, has none
        ("Tag", "store_tag", False, True),
        ("Profile", "store_profile", False, True),  # not TagForm
    ]
    product = models.models[2]
    columns = {f.column: f for f in product.fields}
    assert list(columns) == ["sku", "title", "cat", "price", "status", "state", "owner_id", "stock"]  # no m2m
    assert columns["cat"].references == "store_category" and columns["owner_id"].references == "auth_user"
    assert not columns["owner_id"].not_null and columns["price"].data_type == "numeric(10, 2)"
    assert columns["status"].check == "status IN ('draft', 'live')" and columns["status"].default == "'live'"
    assert columns["state"].check == "state IN ('o', 'c')" and columns["state"].default == "'o'"
    assert columns["stock"].check == "stock >= 0" and columns["stock"].comment == "Units in the warehouse."
    assert columns["title"].help_text == "Name shown to customers."
    assert models.models[1].docstring == "A group of products shown together."
    tables = plan_models(models).parsed.tables
    assert [t.name for t in tables] == [f"public.{m.table}" for m in models.models]
    assert tables[0].comment is not None and tables[0].comment.text == ABSTRACT  # asked for its fields alone
    category = tables[1]
    assert category.comment is not None and category.comment.text == "A group of products shown together."
    assert category.key_columns == ["id"] and category.column("id").comment.text == IMPLICIT_KEY  # type: ignore[union-attr]
    assert tables[2].key_columns == ["sku"] and tables[2].column("title").comment.text == "Name shown to customers."  # type: ignore[union-attr]
    # --check: what the database will hold, so help_text and docstrings lend nothing
    checked = plan_models(models, check=True)
    assert [(i, r.want_description, r.columns) for i, r in checked.todo] == [
        (0, False, ("created",)),
        (1, True, ("name", "slug")),
        (2, True, ("sku", "title", "cat", "price", "status", "state", "owner_id")),
        (3, True, ("label",)),
        (4, True, ("nickname",)),
    ]


def test_document_writes_db_comment_and_db_table_comment_in_the_files_layout(app: Path) -> None:
    path = app / "models.py"
    code, out, err = run("document", "--backend", "heuristic", str(app))
    assert code == 0, err
    assert out.startswith(f"--- a/{path}") and path.read_text(encoding="utf-8") == MODELS  # views.py is no models file
    assert "2 comments copied from the help_text or docstring" in err and "makemigrations" in err
    code, _, err = run("document", "--backend", "heuristic", "--write", "-q", str(path))
    assert code == 0, err
    text = path.read_text(encoding="utf-8")
    ast.parse(text)
    # a call that stays within 88 characters gets the keyword on its line
    assert '    slug = models.SlugField(db_comment="Slug of the store category.")\n' in text
    # a longer one is split as black splits it
    assert (
        "    name = models.CharField(\n"
        '        max_length=100, unique=True, db_comment="Name of the store category."\n'
        "    )\n"
    ) in text
    assert (
        "    category = models.ForeignKey(\n        Category,\n        on_delete=models.CASCADE,\n"
        '        db_column="cat",\n        db_comment="' in text
    )
    # a call laid out one argument a line gets one more line; the help_text is the comment
    assert (
        '        help_text=_("Name shown to customers."),\n        db_comment="Name shown to customers.",\n    )'
        in text
    )
    assert '        null=True,  # may be unset\n        db_comment="' in text  # its comma, before the comment
    assert 'stock = models.PositiveIntegerField(db_comment="Units in the warehouse.")' in text  # kept
    # the docstring is the table's comment, in a new Meta after the fields and before the methods
    assert (
        '    slug = models.SlugField(db_comment="Slug of the store category.")\n\n    class Meta:\n'
        '        db_table_comment = "A group of products shown together."\n\n    def __str__(self):'
    ) in text
    assert '        ordering = ["title"]\n        db_table_comment = "' in text  # an existing Meta: a line at its end
    assert text.count("db_table_comment") == 4  # not the abstract model, the proxy or the form
    assert text.count("db_comment=") == 13
    assert 'tags = models.ManyToManyField("Tag")\n' in text  # no column to comment
    code, _, err = run("document", "--check", str(app))
    assert code == 0, err
    code, out, _ = run("document", "--backend", "heuristic", str(path))
    assert code == 0 and out == ""  # nothing left to do


def test_check_names_each_model_that_lacks_a_comment_at_its_class(app: Path) -> None:
    code, out, _ = run("document", "--check", str(app))
    assert code == 1
    path = app / "models.py"
    assert out.splitlines()[1] == (
        f"{path}:18:1: model Category (store_category): no db_table_comment;"
        " 2 of 3 columns without a comment: name, slug"
    )
    assert f"{path}:11:1: model Stamped (stamped): 1 of 1 column without a comment: created" in out
    assert "title" in out.splitlines()[2]  # its help_text is no comment in the database


def test_a_python_file_without_models_is_skipped_and_one_that_does_not_parse_named_and_left(app: Path) -> None:
    views = app / "views.py"
    views.write_text("print('hello')\n", encoding="utf-8")
    code, _, err = run("document", "--backend", "heuristic", "--write", str(views))
    assert code == 0 and f"{views}: no Django models or SQLAlchemy tables in it; skipped" in err
    assert views.read_text(encoding="utf-8") == "print('hello')\n"
    broken = app / "models.py"
    broken.write_text(MODELS.replace("class Tag(models.Model):", "class Tag(models.Model)"), encoding="utf-8")
    for args in (("--backend", "heuristic", "--write"), ("--check",)):
        code, _, err = run("document", *args, str(broken))
        assert code == 1 and f"{broken}:62:1: does not parse as Python" in err
    assert "class Tag(models.Model)\n" in broken.read_text(encoding="utf-8")
    with pytest.raises(DjangoError):
        read_models(broken, broken.read_text(encoding="utf-8"))
    code, _, err = run("document", "--backend", "heuristic", str(app), "--to", str(app / "new.sql"))
    assert code == 2 and "Python models" in err


def test_edits_keep_line_ends_and_existing_comments_unless_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "models.py"
    text = (
        "from django.db import models\r\n\r\n\r\nclass Note(models.Model):\r\n"
        '    body = models.TextField(db_comment="Old.")\r\n    seen = models.BooleanField()\r\n'
        '\r\n    class Meta:\r\n        db_table_comment = "Old notes."\r\n'
    )
    models = read_models(path, text, "notes")
    (note,) = models.models
    planned = [Planned(note, "Notes people leave.", {"body": "What the note says.", "seen": "Whether it was read."})]
    new, notes = edit_models(models, planned)
    assert notes == []
    assert '    body = models.TextField(db_comment="Old.")\r\n' in new  # kept
    assert '    seen = models.BooleanField(db_comment="Whether it was read.")\r\n' in new
    assert '        db_table_comment = "Old notes."\r\n' in new and "\n" not in new.replace("\r\n", "")
    new, _ = edit_models(models, planned, overwrite=True)
    assert 'db_comment="What the note says."' in new and 'db_table_comment = "Notes people leave."' in new
    # quotes and backslashes stay what they say
    tricky = 'Say "hi" \\ then a line'
    new, _ = edit_models(models, [Planned(note, None, {"seen": tricky})])
    assert read_models(path, new, "notes").models[0].fields[1].comment == tricky
    # a Meta written on one line is left to the user, with a note
    one_line = text.replace('\r\n    class Meta:\r\n        db_table_comment = "Old notes."\r\n', "").replace(
        "class Note(models.Model):", 'class Note(models.Model):\r\n    class Meta: db_table = "n"\r\n'
    )
    models = read_models(path, one_line, "notes")
    new, notes = edit_models(models, [Planned(models.models[0], "Notes.", {})])
    assert new == one_line and "its Meta is written on one line" in notes[0]


@pytest.mark.parametrize(
    ("name", "described"),
    [("AbstractUser", "user"), ("PermissionsMixin", "permissions"), ("TimeStampedModel", "time_stamped"),
     ("BaseModel", "base_model"), ("Model", "model")],
)  # fmt: skip
def test_an_abstract_models_fields_are_named_for_what_they_describe(name: str, described: str) -> None:
    text = f"from django.db import models\n\n\nclass {name}(models.Model):\n    x = models.IntegerField()\n"
    text += "\n    class Meta:\n        abstract = True\n"
    assert read_models(Path("models.py"), text, "app").models[0].table == described


def test_the_projects_line_length_decides_where_a_call_is_split(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    app = tmp_path / "src" / "shop"
    app.mkdir(parents=True)
    path = app / "models.py"
    assert line_length(path) == 88
    (tmp_path / "pyproject.toml").write_text("[tool.black]\nline-length = 120\n", encoding="utf-8")
    assert line_length(path) == 120
    (tmp_path / "src" / "ruff.toml").write_text("line-length = 100\n", encoding="utf-8")
    assert line_length(path) == 100
    text = "from django.db import models\n\n\nclass Order(models.Model):\n    total = models.IntegerField()\n"
    models = read_models(path, text, "shop")
    comment = "Total of the order, tax included, in cents."
    new, _ = edit_models(models, [Planned(models.models[0], None, {"total": comment})])
    assert f'    total = models.IntegerField(db_comment="{comment}")\n' in new  # 89 characters: within 100
    (tmp_path / "src" / "ruff.toml").write_text("line-length = 79\n", encoding="utf-8")
    new, _ = edit_models(models, [Planned(models.models[0], None, {"total": comment})])
    assert f'    total = models.IntegerField(\n        db_comment="{comment}"\n    )\n' in new
    long = comment * 2  # the keyword alone is longer than the line: one argument a line
    new, _ = edit_models(models, [Planned(models.models[0], None, {"total": long})])
    assert f'    total = models.IntegerField(\n        db_comment="{long}",\n    )\n' in new


def test_a_model_that_extends_a_concrete_model_is_keyed_by_its_link_to_the_parents_row(tmp_path: Path) -> None:
    path = tmp_path / "places" / "models.py"
    path.parent.mkdir()
    path.write_text(
        "from django.db import models\n\n\nclass Place(models.Model):\n    name = models.CharField(max_length=50)\n\n\n"
        "class Restaurant(Place):\n    serves_pizza = models.BooleanField(default=False)\n",
        encoding="utf-8",
    )
    ddl = read_models(path, path.read_text(encoding="utf-8")).ddl()
    # Django's multi-table inheritance: the child's table is keyed by place_ptr_id, which has no
    # line to hold a comment and is shown with a fixed one
    assert "PRIMARY KEY (place_ptr_id),\n    FOREIGN KEY (place_ptr_id) REFERENCES places_place (id)" in ddl
    assert "places_restaurant.place_ptr_id IS 'Primary key, and the row of places_place this row extends" in ddl
    code, _, err = run("document", "--backend", "heuristic", "--write", str(path))
    assert code == 0, err
    assert "ptr" not in path.read_text(encoding="utf-8")  # nothing written for it
    code, _, err = run("document", "--check", str(path))
    assert code == 0, err


FIELDS = """from django.contrib.postgres.fields import ArrayField, BigIntegerRangeField, DateRangeField
from django.contrib.postgres.fields import DateTimeRangeField, DecimalRangeField, HStoreField, IntegerRangeField
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class Venue(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField()
    tags = ArrayField(models.CharField(max_length=30), size=8)
    scores = ArrayField(models.IntegerField())
    season = DateRangeField(null=True)
    hours = DateTimeRangeField(null=True)
    seats = IntegerRangeField(null=True)
    visits = BigIntegerRangeField(null=True)
    prices = DecimalRangeField(null=True)
    search = SearchVectorField(null=True)
    extra = HStoreField(null=True)
    data = models.JSONField(default=dict)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    opened = models.DateTimeField()
    address = models.GenericIPAddressField(null=True)
    length = models.DurationField(null=True)
"""

DJANGO_TYPES = """
import json, sys
import django
from django.conf import settings
settings.configure(
    DATABASES={"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "unused"}},
    INSTALLED_APPS=["django.contrib.postgres", "places"],
    DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",  # what startproject sets
)
django.setup()
from django.apps import apps
from django.db import connection
model = apps.get_model("places", "Venue")
print(json.dumps({f.column: f.db_type(connection) for f in model._meta.concrete_fields}))
"""


def test_the_types_shown_are_the_ones_django_gives_postgresql(tmp_path: Path) -> None:
    """Django's own fields and django.contrib.postgres's, read with ``ast``, have the types
    Django's PostgreSQL backend gives them (asked of Django itself, without a server)."""
    path = tmp_path / "places" / "models.py"
    path.parent.mkdir()
    (path.parent / "__init__.py").write_text("", encoding="utf-8")
    path.write_text(FIELDS, encoding="utf-8")
    asked = subprocess.run(
        [sys.executable, "-c", DJANGO_TYPES], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert asked.returncode == 0, asked.stderr
    django = json.loads(asked.stdout)
    (table,) = parse_sql(read_models(path, FIELDS).ddl(), "postgres").tables
    ours = {c.name: c.data_type for c in table.columns}
    assert ours == {column: " ".join(kind.split()) for column, kind in django.items()}


def test_geodjangos_and_other_packages_fields_are_shown_by_the_types_they_make(tmp_path: Path) -> None:
    path = tmp_path / "places" / "models.py"
    path.parent.mkdir()
    path.write_text(
        "from django.contrib.gis.db import models\n"
        "from django_countries.fields import CountryField\n"
        "from django_extensions.db.fields import AutoSlugField, CreationDateTimeField\n"
        "from djmoney.models.fields import MoneyField\n"
        "from phonenumber_field.modelfields import PhoneNumberField\n\n\n"
        "class Venue(models.Model):\n"
        "    name = models.CharField(max_length=120)\n"
        '    slug = AutoSlugField(populate_from="name")\n'
        "    location = models.PointField()\n"
        "    area = models.MultiPolygonField(srid=3857, null=True)\n"
        "    country = CountryField()\n"
        "    phone = PhoneNumberField(blank=True)\n"
        '    price = MoneyField(max_digits=10, decimal_places=2, default_currency="EUR")\n'
        "    created = CreationDateTimeField()\n"
        "    mystery = SomethingField()\n",
        encoding="utf-8",
    )
    (table,) = parse_sql(read_models(path, path.read_text(encoding="utf-8")).ddl(), "postgres").tables
    assert {c.name: c.data_type for c in table.columns} == {
        "id": "bigint",
        "name": "varchar(120)",
        "slug": "varchar(50)",  # a SlugField's
        "location": "geometry(POINT, 4326)",
        "area": "geometry(MULTIPOLYGON, 3857)",
        "country": "varchar(2)",
        "phone": "varchar(128)",
        "price": "numeric(10, 2)",
        "created": "timestamp with time zone",  # a DateTimeField's
        "mystery": "text",
    }
