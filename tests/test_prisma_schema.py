"""A Prisma schema, read as the tables Prisma makes of its models in the datasource's provider,
and documented in Prisma's own ``///`` comments. Prisma's schema engine itself (its formatter and
its DMMF) reads such a documented file in tests/test_databases.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from in_process import run

from sqlscribe.ddl import parse_sql
from sqlscribe.prisma_schema import read_schema
from sqlscribe.python_models import found_models
from sqlscribe.python_source import ModelsError

SCHEMA = """datasource db {
  provider = "postgresql"
  schemas  = ["auth", "public"]
}

generator client {
  provider = "prisma-client"
  output   = "../src/generated/prisma"
}

enum Role {
  MEMBER @map("member")
  ADMIN  @map("admin")

  @@schema("public")
}

/// Someone who signs in.
model User {
  id        Int      @id @default(autoincrement())
  publicId  String   @unique @default(uuid()) @map("public_id") @db.Uuid
  email     String   @unique @db.VarChar(320) /// Where the receipts go.
  name      String?
  role      Role     @default(MEMBER)
  tags      String[]
  balance   Decimal  @default(0) @db.Decimal(12, 2)
  // a plain comment is no documentation
  createdAt DateTime @default(now()) @map("created_at") @db.Timestamptz(6)
  updatedAt DateTime @updatedAt @map("updated_at")
  search    Unsupported("tsvector")?
  posts     Post[]

  @@map("users")
  @@schema("auth")
}

model Post {
  id       BigInt  @id @default(autoincrement())
  author   User    @relation(fields: [authorId], references: [id], onDelete: Cascade)
  authorId Int     @map("author_id")
  slug     String
  body     Json?
  score    Float   @default(dbgenerated("random()"))

  @@unique([slug])
  @@index([authorId, slug(sort: Desc)])
  @@schema("public")
}

model PostTag {
  postId BigInt
  tag    String

  @@id([postId, tag])
  @@map("post_tags")
  @@schema("public")
}
"""


def test_the_models_are_read_as_the_tables_prisma_makes_of_them() -> None:
    schema = read_schema(Path("prisma/schema.prisma"), SCHEMA)
    assert schema.dialect == "postgres" and "postgresql" in schema.reason
    user, post, tag = schema.models
    assert [(m.schema, m.table, m.comment, m.first_line) for m in schema.models] == [
        ("auth", "users", "Someone who signs in.", 18),
        ("public", "Post", None, 37),
        ("public", "post_tags", None, 50),
    ]
    columns = {c.column: c for c in user.columns}
    assert {name: c.data_type for name, c in columns.items()} == {
        "id": "serial",
        "public_id": "uuid",
        "email": "varchar(320)",
        "name": "text",
        "role": "text",
        "tags": "text[]",
        "balance": "decimal(12, 2)",
        "created_at": "timestamp(6) with time zone",
        "updated_at": "timestamp(3)",
        "search": "tsvector",
    }  # a relation field holds no column
    assert columns["id"].primary and columns["public_id"].unique and columns["email"].unique
    assert not columns["name"].not_null and columns["role"].not_null and not columns["search"].not_null
    assert columns["role"].check == "role IN ('member', 'admin')" and columns["role"].default == "'member'"
    assert columns["public_id"].default is None  # uuid() is the client's, not the database's
    assert columns["created_at"].default == "CURRENT_TIMESTAMP" and columns["balance"].default == "0"
    assert columns["email"].comment == "Where the receipts go." and columns["name"].comment is None
    assert [(c.column, c.data_type, c.references, c.unique) for c in post.columns] == [
        ("id", "bigserial", None, False),
        ("author_id", "integer", ("users", "id"), False),
        ("slug", "text", None, True),
        ("body", "jsonb", None, False),
        ("score", "double precision", None, False),
    ]
    assert post.columns[-1].default == "random()"
    assert [(c.column, c.primary) for c in tag.columns] == [("postId", True), ("tag", True)]
    parsed = parse_sql(schema.ddl(), "postgres")
    assert [t.name for t in parsed.tables] == ["auth.users", "public.Post", "public.post_tags"]
    assert not parsed.diagnostics


def test_the_provider_chooses_the_types() -> None:
    text = SCHEMA.replace('"postgresql"', '"mysql"').replace('  schemas  = ["auth", "public"]\n', "")
    text = text.replace('  @@schema("auth")\n', "").replace('  @@schema("public")\n', "")
    text = text.replace("  tags      String[]\n", "").replace('  search    Unsupported("tsvector")?\n', "")
    text = text.replace("@db.Uuid", "@db.Char(36)").replace("@db.Timestamptz(6)", "@db.DateTime(6)")
    text = text.replace("  slug     String\n", "  slug     String @db.VarChar(80)\n  views    Int @db.UnsignedInt\n")
    schema = read_schema(Path("schema.prisma"), text)
    assert schema.dialect == "mysql"
    user, post, _ = schema.models
    assert [c.data_type for c in user.columns] == [
        "int",
        "char(36)",
        "varchar(320)",
        "varchar(191)",
        "varchar(191)",
        "decimal(12, 2)",
        "datetime(6)",
        "datetime(3)",
    ]
    assert [c.data_type for c in post.columns][2:4] == ["varchar(80)", "int unsigned"]
    parsed = parse_sql(schema.ddl(), "mysql")
    assert len(parsed.tables) == 3 and not parsed.diagnostics
    mongo = read_schema(
        Path("schema.prisma"),
        'datasource db {\n  provider = "mongodb"\n}\n\nmodel Note {\n'
        '  id   String @id @default(auto()) @map("_id") @db.ObjectId\n  text String\n}\n',
    )
    assert [(c.column, c.data_type) for c in mongo.models[0].columns] == [("_id", "text"), ("text", "text")]


def test_a_schema_split_in_files_names_what_the_others_declare(tmp_path: Path) -> None:
    """Prisma's multi-file schema: the datasource, the enum and the model a relation refers to are
    in other files of the folder; a file that holds only those is documented by none."""
    folder = tmp_path / "prisma" / "schema"
    folder.mkdir(parents=True)
    (folder / "schema.prisma").write_text('datasource db {\n  provider = "mysql"\n}\n', encoding="utf-8")
    (folder / "user.prisma").write_text(
        'enum Role {\n  MEMBER\n  ADMIN\n}\n\nmodel User {\n  uid  String @id @map("user_id")\n'
        '  role Role\n  posts Post[]\n  @@map("users")\n}\n',
        encoding="utf-8",
    )
    text = (
        "model Post {\n  id     Int    @id\n  author User   @relation(fields: [userId], references: [uid])\n"
        '  userId String @map("user_id")\n}\n'
    )
    path = folder / "post.prisma"
    path.write_text(text, encoding="utf-8")
    found = found_models(path, text, tmp_path)
    assert found is not None and found.dialect == "mysql"
    assert [(c.column, c.references) for c in found.models[0].columns] == [
        ("id", None),
        ("user_id", ("users", "user_id")),
    ]
    assert found_models(folder / "schema.prisma", 'datasource db {\n  provider = "mysql"\n}\n', tmp_path) is None
    code, out, _ = run("document", "--check", str(tmp_path))
    assert code == 1
    assert "post.prisma:1:1: model Post (Post): no /// comment; 2 of 2 columns without a comment" in out
    assert "user.prisma:6:1: model User (users): no /// comment; 2 of 2 columns without a comment: user_id, role" in out


def test_a_schema_is_documented_in_its_doc_comments(tmp_path: Path) -> None:
    """``///`` lines above each model and field, in the field's indentation; a trailing ``///``
    kept; what Prisma ignores (relation fields) left alone; documenting again finds nothing."""
    path = tmp_path / "prisma" / "schema.prisma"
    path.parent.mkdir()
    path.write_text(SCHEMA, encoding="utf-8")
    code, _, err = run("document", "--backend", "heuristic", "--write", str(tmp_path))
    assert code == 0, err
    assert "prisma generate" in err
    new = path.read_text(encoding="utf-8")
    assert "/// Someone who signs in.\nmodel User {\n  /// Unique identifier of the user.\n  id        Int" in new
    assert "  email     String   @unique @db.VarChar(320) /// Where the receipts go.\n" in new
    assert "\n/// Posts, one row per post.\nmodel Post {\n" in new
    assert "  /// Reference to the user (users.id).\n  authorId Int     @map" in new
    assert "  // a plain comment is no documentation\n  /// " in new  # the doc goes next to its field
    assert "author   User    @relation" in new and "/// Author" not in new
    untouched = [line for line in new.splitlines() if "///" not in line]
    assert untouched == [line for line in SCHEMA.splitlines() if "///" not in line]
    code, _, err = run("document", "--check", str(path))
    assert code == 0, err


def test_overwrite_replaces_each_comment_in_its_place(tmp_path: Path) -> None:
    path = tmp_path / "schema.prisma"
    text = (
        "/// Old.\n/// Older.\nmodel Tag {\n    /// Old too.\n    label String @id\n    note  String /// Trailing.\n}\n"
    )
    path.write_text(text, encoding="utf-8")
    code, _, err = run("document", "--backend", "heuristic", "--write", "--overwrite-existing", str(path))
    assert code == 0, err
    new = path.read_text(encoding="utf-8")
    assert new == (
        "/// Tags, one row per tag.\nmodel Tag {\n    /// Label of the tag.\n    label String @id\n"
        "    note  String /// Note of the tag.\n}\n"
    )


def test_files_that_hold_no_models_or_do_not_read_are_said_and_left_alone(tmp_path: Path) -> None:
    broken = tmp_path / "schema.prisma"
    text = 'model A {\n  id Int @id\n  name String @default("unclosed)\n}\n'
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(ModelsError, match=r"schema.prisma: line 3: unexpected"):
        read_schema(broken, text)
    code, _, err = run("document", "--backend", "heuristic", "--write", str(broken))
    assert code != 0 and "line 3" in err
    assert broken.read_text(encoding="utf-8") == text
    unclosed = "model A {\n  id Int @id\n"
    with pytest.raises(ModelsError, match="line 1: model A is not closed"):
        read_schema(broken, unclosed)
    generators = tmp_path / "other.prisma"
    generators.write_text('generator client {\n  provider = "prisma-client-js"\n}\n', encoding="utf-8")
    code, _, err = run("document", "--backend", "heuristic", str(generators))
    assert code == 0 and "no Prisma models in it; skipped" in err
    vendored = tmp_path / "node_modules" / ".prisma" / "client" / "schema.prisma"
    vendored.parent.mkdir(parents=True)
    vendored.write_text("model B {\n  id Int @id\n}\n", encoding="utf-8")
    broken.write_text("model A {\n  id Int @id\n}\n", encoding="utf-8")
    code, out, _ = run("document", "--check", str(tmp_path))
    assert code == 1 and "schema.prisma:1:1: model A (A)" in out and "node_modules" not in out


def test_views_named_arguments_and_a_model_on_one_line() -> None:
    """A ``view`` is documented as a model is; ``@@id(fields: […])`` and ``@@unique(fields: […])``
    name their fields as the plain forms do; arguments may run over several lines."""
    text = (
        'view ActiveUser {\n  id   Int    @unique\n  name String\n\n  @@map("active_users")\n}\n\n'
        'model Grant {\n  role   String\n  action String\n  scope  String   @default("all")\n'
        "  tags   String[] @default([])\n\n  @@id(fields: [role, action])\n"
        '  @@unique(\n    fields: [scope],\n    name: "one_scope"\n  )\n}\n'
    )
    schema = read_schema(Path("schema.prisma"), text)
    view, grant = schema.models
    assert (view.label, view.table, [c.unique for c in view.columns]) == (
        "view ActiveUser (active_users)",
        "active_users",
        [True, False],
    )
    assert [(c.column, c.primary, c.unique, c.default) for c in grant.columns] == [
        ("role", True, False, None),
        ("action", True, False, None),
        ("scope", False, True, "'all'"),
        ("tags", False, False, None),
    ]


def test_a_new_migration_takes_the_schemas_comments_and_asks_only_for_the_rest(tmp_path: Path) -> None:
    """Beside a Prisma migrations folder (its `migration_lock.toml`), the schema's `///` comments
    answer what they hold; the backend is asked only for what they lack, a table they document
    whole never reaches it, and an error of the backend's stays that table's."""
    from sqlscribe.docs import TableDocs
    from sqlscribe.generate import DocRequest, GenerationError, HeuristicBackend
    from sqlscribe.generate.lent import LentBackend
    from sqlscribe.prisma_schema import beside_migrations, kept_docs

    folder = tmp_path / "prisma" / "migrations"
    folder.mkdir(parents=True)
    (tmp_path / "prisma" / "schema.prisma").write_text(SCHEMA, encoding="utf-8")
    assert beside_migrations(folder) == []  # no Prisma migrations folder without its lock file
    (folder / "migration_lock.toml").write_text('provider = "postgresql"\n', encoding="utf-8")
    kept = kept_docs(beside_migrations(folder))
    assert kept["auth.users"] == TableDocs("Someone who signs in.", {"email": "Where the receipts go."})
    assert "users" not in kept and "post" not in kept  # not the default schema's; nothing kept

    asked: list[DocRequest] = []

    class Recorded(HeuristicBackend):
        def document(self, request: DocRequest) -> object:  # type: ignore[override]
            asked.append(request)
            if request.table.name == "broken":
                raise GenerationError("no answer")
            return super().document(request)

    tables = parse_sql(
        "CREATE TABLE auth.users (id INT PRIMARY KEY, email TEXT, name TEXT);\n"
        "CREATE TABLE broken (id INT);\nCREATE TABLE tags (label TEXT);\n",
        "postgres",
    ).tables
    lent = LentBackend(Recorded(), kept | {"tags": TableDocs("Tags.", {"label": "A tag's text."})})
    users, broken, tags = lent.document_many([DocRequest.for_table(t) for t in tables])
    assert not isinstance(users, GenerationError) and not isinstance(tags, GenerationError)
    assert users.docs.description == "Someone who signs in." and users.docs.columns["email"] == "Where the receipts go."
    assert set(users.docs.columns) == {"id", "email", "name"}
    assert isinstance(broken, GenerationError)
    assert tags.docs == TableDocs("Tags.", {"label": "A tag's text."})
    assert [(r.table.name, r.columns, r.want_description) for r in asked] == [
        ("auth.users", ("id", "name"), False),
        ("broken", ("id",), True),
    ]
