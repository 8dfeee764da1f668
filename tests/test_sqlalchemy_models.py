"""SQLAlchemy's models documented in place (``comment=``, ``__table_args__``, a Core ``Table``'s
``comment=``), read with ``ast`` as the tables SQLAlchemy makes of them. What is written is read
back by SQLAlchemy itself here; Alembic carries it into PostgreSQL in tests/test_databases.py."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

from in_process import run

from sqlscribe.ddl import parse_sql
from sqlscribe.python_models import read_models
from sqlscribe.sqlalchemy_models import MappedFile, read_mapped

MODELS = '''import enum
from datetime import datetime
from decimal import Decimal
from typing import Annotated, List, Optional

import sqlalchemy as sa
from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

intpk = Annotated[int, mapped_column(primary_key=True)]


class Base(DeclarativeBase):
    pass


class Status(enum.Enum):
    PENDING = "pending"
    SHIPPED = "shipped"


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Customer(TimestampMixin, Base):
    """People who buy from the shop.

    Kept for seven years."""

    __tablename__ = "customer"

    id: Mapped[intpk]
    email: Mapped[str] = mapped_column(String(254), unique=True)
    nickname: Mapped[Optional[str]]
    orders: Mapped[List["Order"]] = relationship(back_populates="customer")


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (sa.UniqueConstraint("customer_id", "number"),)

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, comment="Printed on the invoice.")
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    status: Mapped[Status] = mapped_column(sa.Enum(Status), default=Status.PENDING)
    total: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2), doc="Grand total, tax included.")
    kind: Mapped[str] = mapped_column(String(10))
    customer: Mapped["Customer"] = relationship(back_populates="orders")

    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "order"}


class GiftOrder(Order):
    message: Mapped[Optional[str]] = mapped_column(Text)

    __mapper_args__ = {"polymorphic_identity": "gift"}


audit = Table(
    "audit_log",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("actor", String(64)),
    Column("order_id", ForeignKey("orders.id"), nullable=False),
)
'''


def _read(path: Path) -> MappedFile:
    return read_mapped(path, path.read_text(encoding="utf-8"))


def _import(path: Path, name: str) -> object:
    """The module at ``path``, imported by SQLAlchemy's own rules (a fresh name each time)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_models_are_read_as_the_tables_sqlalchemy_makes(tmp_path: Path) -> None:
    path = tmp_path / "models.py"
    path.write_text(MODELS, encoding="utf-8")
    mapped = _read(path)
    assert [(m.label, m.kind) for m in mapped.models] == [
        ("mixin TimestampMixin (timestamp)", "mixin"),
        ("model Customer (customer)", "class"),
        ("model Order (orders)", "class"),
        ("table audit_log", "table"),
    ]
    (parsed,) = [parse_sql(mapped.ddl(), dialect="postgres")]
    tables = {t.short_name: t for t in parsed.tables}
    customer, orders, audit = tables["customer"], tables["orders"], tables["audit_log"]
    # a bare annotation is a column (an Annotated alias's mapped_column() says it is the key);
    # a relationship is none
    assert [c.name for c in customer.columns] == ["id", "email", "nickname"]
    assert "Kept for seven years" not in str(
        customer.comment.text if customer.comment else ""
    )  # the docstring's first paragraph
    assert customer.comment is not None and customer.comment.text == "People who buy from the shop."
    ddl = mapped.ddl()
    assert "email varchar(254) NOT NULL" in ddl and "nickname varchar,\n" in ddl  # Optional[...] is nullable
    assert "PRIMARY KEY (id),\n    UNIQUE (email)" in ddl
    # the single-table subclass's column is in its parent's table; the enum stores its names
    assert [c.name for c in orders.columns] == ["id", "number", "customer_id", "status", "total", "kind", "message"]
    assert "status varchar NOT NULL CHECK (status IN ('PENDING', 'SHIPPED'))" in ddl
    assert "total numeric(10, 2) NOT NULL" in ddl and "created_at timestamp NOT NULL DEFAULT now()" in ddl
    assert "FOREIGN KEY (customer_id) REFERENCES customer (id)" in ddl
    # Core: a foreign key's column takes the type of the column it references
    assert [c.name for c in audit.columns] == ["id", "actor", "order_id"]
    assert "order_id integer NOT NULL" in ddl and "FOREIGN KEY (order_id) REFERENCES orders (id)" in ddl
    # the authors' comment= is the comment; doc= stands for one only while asking the model
    assert "COMMENT ON COLUMN public.orders.\"number\" IS 'Printed on the invoice.'" in ddl
    assert "'Grand total, tax included.'" in ddl and "'Grand total, tax included.'" not in mapped.ddl(borrow=False)


def test_document_writes_comments_that_sqlalchemy_reads_and_check_then_passes(tmp_path: Path) -> None:
    path = tmp_path / "models.py"
    path.write_text(MODELS, encoding="utf-8")
    code, out, _ = run("document", "--check", str(path))
    assert code == 1
    assert f"{path}:26:1: model Customer (customer): no table comment; 3 of 3 columns without a comment" in out
    assert f"{path}:60:1: table audit_log: no table comment; 3 of 3 columns without a comment" in out
    code, _, err = run("document", "--backend", "heuristic", "--write", str(path))
    assert code == 0, err
    assert "alembic revision --autogenerate" in err and "2 comments copied from the doc= or docstring" in err
    text = path.read_text(encoding="utf-8")
    assert '    __table_args__ = {"comment": "People who buy from the shop."}\n' in text  # after __tablename__
    assert '        sa.UniqueConstraint("customer_id", "number"),\n        {"comment": ' in text  # the tuple split
    assert "    nickname: Mapped[Optional[str]] = mapped_column(comment=" in text  # a bare annotation
    assert 'comment="Printed on the invoice.")' in text  # the authors' own, kept
    module = _import(path, "documented_models")
    metadata = module.Base.metadata  # type: ignore[attr-defined]
    comments = {t.name: t.comment for t in metadata.sorted_tables}
    comments |= {f"{t.name}.{c.name}": c.comment for t in metadata.sorted_tables for c in t.columns}
    assert None not in comments.values(), comments
    assert comments["customer"] == "People who buy from the shop."
    assert comments["orders.total"] == "Grand total, tax included."
    assert comments["orders.number"] == "Printed on the invoice."
    assert comments["customer.created_at"] == comments["customer.created_at"].strip()  # the mixin's, inherited
    # what sqlscribe reads back is what SQLAlchemy has
    mapped = _read(path)
    ours = {m.table: m.comment for m in mapped.models if m.kind != "mixin"}
    ours |= {f"{m.table}.{c.column}": c.comment for m in mapped.models if m.kind != "mixin" for c in m.columns}
    assert {k: v for k, v in comments.items() if k != "customer.created_at"} == ours
    formatted = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--diff", "--isolated", str(path)], capture_output=True
    )
    assert formatted.returncode == 0, formatted.stdout.decode()  # laid out as the formatter would
    code, _, err = run("document", "--check", str(path))
    assert code == 0, err


def test_table_args_of_every_form_and_what_cannot_hold_a_comment(tmp_path: Path) -> None:
    path = tmp_path / "models.py"
    text = (
        "from sqlalchemy import Column, Integer, String\n"
        "from sqlalchemy.ext.declarative import declared_attr\n"
        "from sqlalchemy.orm import Mapped, declarative_base\n\n"
        "Base = declarative_base()\n\n\n"
        "class Plan(Base):\n"
        '    __tablename__ = "plans"\n'
        '    __table_args__ = {"schema": "billing"}\n'
        "    id = Column(Integer, primary_key=True)\n"
        "    code: Mapped[str]\n\n\n"
        "class Note(Base):\n"
        '    __tablename__ = "notes"\n\n'
        "    @declared_attr\n"
        "    def __table_args__(cls):\n"
        "        return {}\n\n"
        "    id = Column(Integer, primary_key=True)\n"
        '    body = Column(String, comment="Old.")\n'
    )
    path.write_text(text.replace("\n", "\r\n"), encoding="utf-8")
    code, _, err = run("document", "--backend", "heuristic", "--write", str(path))
    assert code == 0, err
    new = path.read_bytes().decode("utf-8")
    assert "\n" not in new.replace("\r\n", "")  # CRLF kept
    assert '__table_args__ = {"schema": "billing", "comment": ' in new
    assert "code has no mapped_column() to hold a comment; left for you" in err  # not imported
    assert "    code: Mapped[str]\r\n" in new
    assert 'body = Column(String, comment="Old.")' in new  # kept without --overwrite-existing
    mapped = _read(path)
    assert mapped.models[0].schema == "billing" and mapped.models[0].comment
    code, _, err = run("document", "--backend", "heuristic", "--write", "--overwrite-existing", str(path))
    assert code == 0, err
    assert 'comment="Old.")' not in path.read_text(encoding="utf-8")


def test_flask_sqlalchemy_models_and_a_file_of_another_kind(tmp_path: Path) -> None:
    path = tmp_path / "models.py"
    text = (
        "from flask_sqlalchemy import SQLAlchemy\n\n"
        "db = SQLAlchemy()\n\n\n"
        "class OrderItem(db.Model):\n"
        "    id = db.Column(db.Integer, primary_key=True)\n"
        "    sku = db.Column(db.String(32), nullable=False)\n"
        "    placed = db.Column(db.DateTime(timezone=True))\n"
    )
    path.write_text(text, encoding="utf-8")
    found = read_models(path, text)
    assert isinstance(found, MappedFile)
    assert [m.table for m in found.models] == ["order_item"]  # Flask-SQLAlchemy's name for it
    assert "placed timestamp with time zone" in found.ddl() and "sku varchar(32) NOT NULL" in found.ddl()
    code, _, err = run("document", "--backend", "heuristic", "--write", str(tmp_path))  # found in the folder
    assert code == 0, err
    written = path.read_text(encoding="utf-8")
    body = written.split("class OrderItem(db.Model):\n")[1].splitlines()
    assert body[0].startswith('    __table_args__ = {"comment": ') and body[1] == ""  # first, set apart
    assert '    sku = db.Column(db.String(32), nullable=False, comment="' in written
    pydantic = tmp_path / "schemas.py"
    pydantic.write_text("from pydantic import BaseModel\n\n\nclass Item(BaseModel):\n    sku: str\n", encoding="utf-8")
    assert read_models(pydantic, pydantic.read_text(encoding="utf-8")) is None
    broken = tmp_path / "broken.py"
    broken.write_text("import sqlalchemy\nusers = Table(\n", encoding="utf-8")
    code, _, err = run("document", "--check", str(broken))
    assert code == 1 and f"{broken}:2:1: does not parse as Python" in err


def test_which_classes_are_tables_and_which_lend_their_columns(tmp_path: Path) -> None:
    path = tmp_path / "models.py"
    path.write_text(
        "from sqlalchemy import Column, Integer, String\n"
        "from sqlalchemy.orm import DeclarativeBase, declared_attr\n\n"
        "from app.db import Model\n\n\n"
        "class Base(DeclarativeBase):\n"
        "    id = Column(Integer, primary_key=True)\n\n"
        "    @declared_attr.directive\n"
        "    def __tablename__(cls):\n"
        "        return cls.__name__.lower()\n\n\n"
        "class IdMixin:\n"
        "    key = Column(Integer, primary_key=True)\n\n\n"
        "class Invoice(Base):\n"
        "    number = Column(String(20))\n\n\n"
        "class Refund(IdMixin, Model):\n"
        "    reason = Column(String(200))\n",
        encoding="utf-8",
    )
    assert [(m.name, m.kind, m.table) for m in _read(path).models] == [
        ("Base", "mixin", "base"),  # the declarative base: its id is each table's
        ("IdMixin", "mixin", "id"),
        ("Invoice", "class", "invoice"),  # named by the base's declared_attr, which is not read: a guess
        ("Refund", "class", "refund"),  # a base from elsewhere, and a key (its mixin's)
    ]


SQLMODEL = '''import uuid
from decimal import Decimal
from typing import Optional

from sqlmodel import Field, Relationship, SQLModel


class TeamBase(SQLModel):
    name: str = Field(index=True, max_length=80)
    headquarters: str


class Team(TeamBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    heroes: list["Hero"] = Relationship(back_populates="team")


class TeamCreate(TeamBase):
    pass


class Hero(SQLModel, table=True):
    """A hero of the league."""

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(sa_column_kwargs={"unique": True})
    secret_name: str = Field(description="The name the family knows.")
    fee: Decimal = Field(default=0, max_digits=8, decimal_places=2)
    active: bool = True
    token: uuid.UUID
    team_id: int | None = Field(default=None, foreign_key="team.id")
    team: Team | None = Relationship(back_populates="heroes")


class HeroPublic(SQLModel):
    id: int
    name: str
'''


def test_sqlmodel_tables_get_their_comments_through_sa_column_kwargs(tmp_path: Path) -> None:
    path = tmp_path / "models.py"
    path.write_text(SQLMODEL, encoding="utf-8")
    found = read_models(path, SQLMODEL)
    assert isinstance(found, MappedFile)
    # the API's schemas (TeamCreate, HeroPublic) are no tables; a base one table alone extends is
    # part of that table, its fields first
    assert [(m.name, m.table, [c.column for c in m.columns]) for m in found.models] == [
        ("Team", "team", ["name", "headquarters", "id"]),
        ("Hero", "hero", ["id", "name", "secret_name", "fee", "active", "token", "team_id"]),
    ]
    ddl = found.ddl()
    assert '"name" varchar(80) NOT NULL' in ddl and "fee numeric(8, 2) NOT NULL DEFAULT 0" in ddl
    assert "active boolean NOT NULL DEFAULT true" in ddl and "token uuid NOT NULL" in ddl
    assert "team_id integer,\n" in ddl and "FOREIGN KEY (team_id) REFERENCES team (id)" in ddl
    code, _, err = run("document", "--backend", "heuristic", "--write", str(path))
    assert code == 0, err
    text = path.read_text(encoding="utf-8")
    assert 'name: str = Field(sa_column_kwargs={"unique": True, "comment": ' in text  # its dict
    assert 'active: bool = Field(\n        default=True,\n        sa_column_kwargs={"comment": ' in text  # a default
    assert 'token: uuid.UUID = Field(sa_column_kwargs={"comment": ' in text  # a bare annotation
    assert '    """A hero of the league."""\n\n    __table_args__ = {"comment": "A hero of the league."}\n' in text
    assert "class HeroPublic(SQLModel):\n    id: int\n    name: str\n" in text  # no table's: untouched
    # SQLModel itself makes the tables with the comments written
    dump = (
        "import json, models\nfrom sqlmodel import SQLModel\n"
        "tables = SQLModel.metadata.sorted_tables\n"
        "print(json.dumps({t.name: [t.comment, {c.name: c.comment for c in t.columns}] for t in tables}))\n"
    )
    done = subprocess.run([sys.executable, "-c", dump], cwd=tmp_path, capture_output=True, text=True, check=True)
    tables = json.loads(done.stdout)
    assert set(tables) == {"team", "hero"}
    assert tables["hero"][0] == "A hero of the league."
    assert tables["hero"][1]["secret_name"] == "The name the family knows."  # its description
    again = _read(path)
    assert {m.table: [m.comment, {c.column: c.comment for c in m.columns}] for m in again.models} == tables
    code, _, err = run("document", "--check", str(path))
    assert code == 0, err


def test_a_table_args_tuple_that_would_grow_too_long_is_split_as_black_splits_it(tmp_path: Path) -> None:
    path = tmp_path / "models.py"
    path.write_text(
        "from sqlalchemy import Column, Index, Integer\nfrom sqlalchemy.orm import declarative_base\n\n"
        "Base = declarative_base()\n\n\nclass Account(Base):\n"
        '    __tablename__ = "accounts"\n'
        '    __table_args__ = (Index("ix_accounts_owner", "owner_id"), {"schema": "crm"})\n\n'
        "    id = Column(Integer, primary_key=True)\n    owner_id = Column(Integer)\n",
        encoding="utf-8",
    )
    code, _, err = run("document", "--backend", "heuristic", "--write", str(path))
    assert code == 0, err
    text = path.read_text(encoding="utf-8")
    assert (
        '    __table_args__ = (\n        Index("ix_accounts_owner", "owner_id"),\n'
        '        {"schema": "crm", "comment": "Accounts, one row per account."},\n    )\n'
    ) in text
    formatted = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--diff", "--isolated", str(path)], capture_output=True
    )
    assert formatted.returncode == 0, formatted.stdout.decode()
    module = _import(path, "split_table_args")
    (table,) = module.Base.metadata.sorted_tables  # type: ignore[attr-defined]
    assert (table.schema, table.comment) == ("crm", "Accounts, one row per account.")


TABLES = """from sqlalchemy import Column, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import declarative_base

from app.db.mixins import TimestampMixin

Base = declarative_base()


class Plan(TimestampMixin, Base):
    __tablename__ = "plans"

    id = Column(Integer, primary_key=True)
    code = Column(String(20), nullable=False, unique=True)


class Subscription(Base):
    __tablename__ = "subscriptions"

    id = Column(Integer, primary_key=True)
    plan_id = Column(ForeignKey("plans.id"), nullable=False)
    renews_at = Column(DateTime(timezone=True))
"""


def test_a_folder_finds_the_tables_wherever_the_project_keeps_them(tmp_path: Path) -> None:
    """SQLAlchemy's tables are in any module (``app/db/tables.py``), not only ``models.py``: a
    folder's are found, but a test's fixtures, an Alembic revision (its ``sa.Column``s, even a
    data migration's ``sa.Table``) and ``env.py``, and modules that only use the tables are not."""
    files = {
        "app/db/tables.py": TABLES,
        "app/db/mixins.py": (
            "from sqlalchemy import Column, DateTime, func\n\n\n"
            "class TimestampMixin:\n"
            "    created_at = Column(DateTime(timezone=True), server_default=func.now())\n"
        ),
        "app/db/session.py": (
            "from sqlalchemy import create_engine\nfrom sqlalchemy.orm import sessionmaker\n\n"
            'engine = create_engine("postgresql://localhost/app")\nSession = sessionmaker(engine)\n'
        ),
        "app/db/reflected.py": (
            "from sqlalchemy import MetaData, Table\n\nfrom app.db.session import engine\n\n"
            'legacy = Table("legacy_accounts", MetaData(), autoload_with=engine)\n'
        ),
        "alembic/env.py": (
            "from alembic import context\n\nfrom app.db.tables import Base\n\ntarget_metadata = Base.metadata\n"
        ),
        "alembic/versions/1a2b_plans.py": (
            '"""plans"""\nimport sqlalchemy as sa\nfrom alembic import op\n\n'
            'revision = "1a2b"\ndown_revision = None\n\n\n'
            "def upgrade():\n"
            '    op.create_table("plans", sa.Column("id", sa.Integer(), primary_key=True))\n'
            '    plans = sa.Table("plans", sa.MetaData(), sa.Column("code", sa.String(20)))\n'
            '    op.bulk_insert(plans, [{"code": "free"}])\n'
        ),
        "tests/conftest.py": TABLES,
        "tests/fixtures/tables.py": TABLES,
        "app/db/test_tables.py": TABLES,
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    code, out, err = run("document", "--check", str(tmp_path))
    assert code == 1, err
    lacking = sorted(line.split(": ")[0].split(":")[0] for line in out.splitlines())
    assert lacking == [str(tmp_path / "app/db/mixins.py"), *[str(tmp_path / "app/db/tables.py")] * 2], out
    assert "mixin TimestampMixin" in out
    before = {name: (tmp_path / name).read_text(encoding="utf-8") for name in files}
    code, _, err = run("document", "--backend", "heuristic", "--write", str(tmp_path))
    assert code == 0, err
    changed = {name for name in files if (tmp_path / name).read_text(encoding="utf-8") != before[name]}
    assert changed == {"app/db/tables.py", "app/db/mixins.py"}
    assert "wrote 2 of 2 files" in err
    code, _, err = run("document", "--check", str(tmp_path))
    assert code == 0, err
    # named on its own, a test's module is read (the user asked for it); a revision never is
    code, out, _ = run("document", "--check", str(tmp_path / "tests/conftest.py"))
    assert code == 1 and "model Plan (plans)" in out
    revision = tmp_path / "alembic/versions/1a2b_plans.py"
    assert read_models(revision, revision.read_text(encoding="utf-8")) is None


def test_types_of_the_dialects_the_extensions_and_the_projects_own(tmp_path: Path) -> None:
    """What the model is shown of a column's type: a TypeDecorator of the file's as its impl
    (with the decorator's arguments), the dialects' and extensions' own types, a project's
    type from elsewhere by its name, and a ``Literal``'s values."""
    text = (
        "from typing import Literal, Optional\n\n"
        "from geoalchemy2 import Geometry\n"
        "from pgvector.sqlalchemy import Vector\n"
        "from sqlalchemy import CHAR, String, TypeDecorator\n"
        "from sqlalchemy.dialects import mysql, postgresql\n"
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n"
        "from sqlalchemy_utils import EmailType\n\n"
        "from app.types import JSONEncodedDict, UTCDateTime\n\n\n"
        "class GUID(TypeDecorator):\n    impl = CHAR(36)\n    cache_ok = True\n\n\n"
        "class TrimmedString(TypeDecorator):\n    impl = String\n\n\n"
        "class Base(DeclarativeBase):\n    pass\n\n\n"
        "class Place(Base):\n"
        '    __tablename__ = "places"\n\n'
        "    id = mapped_column(GUID(), primary_key=True)\n"
        "    name: Mapped[str] = mapped_column(TrimmedString(80))\n"
        "    email: Mapped[Optional[str]] = mapped_column(EmailType)\n"
        '    location = mapped_column(Geometry("POINT", srid=4326))\n'
        "    embedding = mapped_column(Vector(384))\n"
        "    settings = mapped_column(JSONEncodedDict)\n"
        "    seen_at = mapped_column(UTCDateTime)\n"
        '    kind: Mapped[Literal["cafe", "bar"]]\n'
        "    flags = mapped_column(mysql.TINYINT(1))\n"
        '    mood = mapped_column(postgresql.ENUM("calm", "busy", name="mood"))\n'
        "    tags = mapped_column(postgresql.CITEXT)\n"
    )
    path = tmp_path / "tables.py"
    path.write_text(text, encoding="utf-8")
    (table,) = parse_sql(_read(path).ddl(), "postgres").tables
    assert {c.name: c.data_type for c in table.columns} == {
        "id": "char(36)",
        "name": "varchar(80)",
        "email": "varchar(255)",
        "location": "geometry(POINT, 4326)",
        "embedding": "vector(384)",
        "settings": "json",
        "seen_at": "timestamp",
        "kind": "varchar",
        "flags": "smallint",
        "mood": "varchar",
        "tags": "citext",
    }
    assert "kind IN ('cafe', 'bar')" in _read(path).ddl() and "mood IN ('calm', 'busy')" in _read(path).ddl()
