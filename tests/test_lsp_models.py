"""An ORM's models file in the editor, over LSP (Django's models, SQLAlchemy's tables): a hint at
each model that lacks a comment, the source action "Document the Django models in this file",
and its one edit of the file as the editor holds it (unsaved text included), which leaves the file
as `sqlscribe document --write` would and reads back as documented. The file is never read as
SQL."""

from __future__ import annotations

from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from sqlscribe.django_models import plan_models, read_models
from sqlscribe.python_models import plan_models as plan_any
from sqlscribe.python_models import read_models as read_any
from sqlscribe.rails_schema import read_migration

from lsp_editor import scratch_dir, server_config, start_editor, stop, wait_for

TMP = scratch_dir("sqlscribe-lsp-models-")

MODELS = '''from django.db import models


class Author(models.Model):
    """Someone who writes for the magazine."""

    name = models.CharField(max_length=120)


class Article(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    headline = models.CharField(
        max_length=200,
        help_text="Shown above the article.",
    )
    published_on = models.DateField(null=True)

    def __str__(self):
        return self.headline
'''


@pytest_lsp.fixture(config=server_config(TMP))
async def client(lsp_client: LanguageClient):
    yield
    await stop(lsp_client)


async def test_the_models_file_gets_hints_and_one_edit_that_keeps_unsaved_text(client: LanguageClient, tmp_path: Path):
    editor = await start_editor(client, {"backend": "heuristic"})
    app = tmp_path / "magazine"
    app.mkdir()
    path = app / "models.py"
    path.write_text(MODELS, encoding="utf-8")
    unsaved = MODELS.replace(
        "    published_on = models.DateField(null=True)\n",
        "    published_on = models.DateField(null=True)\n    word_count = models.IntegerField(default=0)\n",
    )
    uri = path.as_uri()
    editor.open(uri, unsaved, language="python")

    await wait_for(lambda: uri in client.diagnostics)
    hints = client.diagnostics[uri]
    assert [(d.range.start.line, d.range.start.character, d.range.end.character) for d in hints] == [
        (3, 6, 12),
        (9, 6, 13),
    ]
    assert hints[1].message == (
        "Model Article (magazine_article): no db_table_comment;"
        " 4 of 5 columns without a comment: author_id, headline, published_on, word_count"
    )
    assert {d.severity for d in hints} == {types.DiagnosticSeverity.Hint}  # nothing read as SQL: no warnings
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=6, character=6)
        )
    )
    assert hover is None

    actions = await editor.code_actions(uri, unsaved.index("headline"))
    assert [a.title for a in actions] == [
        "Document model Article (magazine_article)",  # the model at the cursor
        "Document the Django models in this file (2 models)",
    ]
    actions = actions[1:]
    resolved = await client.code_action_resolve_async(actions[0])
    assert resolved.command is not None
    result = await editor.execute(resolved.command)
    assert result == {"documented": 2, "total": 2, "cancelled": False, "problems": []}
    assert len(editor.applied) == 1
    text = editor.texts[uri]
    assert "word_count = models.IntegerField(default=0, db_comment=" in text  # the unsaved field, documented
    assert '        help_text="Shown above the article.",\n        db_comment="Shown above the article.",\n' in text
    assert '    class Meta:\n        db_table_comment = "Someone who writes for the magazine."\n' in text
    assert path.read_text(encoding="utf-8") == MODELS  # the editor holds the change, unsaved
    assert plan_models(read_models(path, text), check=True).todo == []  # nothing left to document
    await wait_for(lambda: len(client.diagnostics[uri]) == 0)  # every model documented: no hint left

    assert await editor.code_actions(uri, 0) == []  # nothing left to do
    editor.replace(uri, MODELS)
    await wait_for(lambda: len(client.diagnostics[uri]) == 2)
    assert await editor.code_actions(uri, 0, only=["refactor"]) == []
    assert [a.title for a in await editor.code_actions(uri, 0, only=["source"])] == [actions[0].title]
    broken = MODELS.replace("class Article(models.Model):", "class Article(models.Model)")
    editor.replace(uri, broken)  # half-typed: no action, no hint, nothing read as SQL
    await wait_for(lambda: len(client.diagnostics[uri]) == 0)
    assert await editor.code_actions(uri, 0) == []
    other = app / "views.py"
    editor.open(other.as_uri(), "from django.shortcuts import render\n", language="python")
    assert await editor.code_actions(other.as_uri(), 0) == []


SQLALCHEMY = """from sqlalchemy import Column, Integer, MetaData, String, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "authors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))


tags = Table("tags", MetaData(), Column("id", Integer, primary_key=True), Column("label", String(40)))
"""


async def test_sqlalchemy_tables_get_hints_and_their_comments_in_one_edit(client: LanguageClient, tmp_path: Path):
    editor = await start_editor(client, {"backend": "heuristic"})
    path = tmp_path / "app" / "db" / "tables.py"  # SQLAlchemy's tables are wherever a project keeps them
    path.parent.mkdir(parents=True)
    path.write_text(SQLALCHEMY, encoding="utf-8")
    fixture = tmp_path / "conftest.py"  # a test's tables: none of the schema's
    fixture.write_text(SQLALCHEMY, encoding="utf-8")
    editor.open(fixture.as_uri(), SQLALCHEMY, language="python")
    assert await editor.code_actions(fixture.as_uri(), SQLALCHEMY.index("name")) == []
    uri = path.as_uri()
    editor.open(uri, SQLALCHEMY, language="python")
    await wait_for(lambda: uri in client.diagnostics)
    hints = client.diagnostics[uri]
    assert [(d.range.start.line, d.range.start.character, d.range.end.character) for d in hints] == [
        (8, 6, 12),
        (15, 0, 4),
    ]
    assert hints[1].message == "Table tags: no table comment; 2 of 2 columns without a comment: id, label"
    actions = await editor.code_actions(uri, SQLALCHEMY.index("name"))
    assert [a.title for a in actions][1:] == ["Document the SQLAlchemy tables in this file (2 tables)"]
    actions = actions[1:]
    resolved = await client.code_action_resolve_async(actions[0])
    assert resolved.command is not None and resolved.command.command == "sqlscribe.documentModels"
    result = await editor.execute(resolved.command)
    assert result == {"documented": 2, "total": 2, "cancelled": False, "problems": []}
    text = editor.texts[uri]
    assert '    __tablename__ = "authors"\n    __table_args__ = {"comment": ' in text
    assert "    name: Mapped[str] = mapped_column(String(120), comment=" in text
    found = read_any(path, text)
    assert found is not None and plan_any(found, check=True).todo == []
    await wait_for(lambda: len(client.diagnostics[uri]) == 0)
    assert await editor.code_actions(uri, 0) == []


RAILS = """ActiveRecord::Schema[7.1].define(version: 2024_05_02_101500) do
  create_table "articles", force: :cascade do |t|
    t.string "title", null: false
    t.bigint "author_id", null: false
  end

  create_table "users", comment: "People who sign in.", force: :cascade do |t|
    t.string "email", null: false, comment: "Where mail goes."
  end

  add_foreign_key "articles", "users", column: "author_id"
end
"""


async def test_a_rails_schema_gets_hints_and_a_new_migration(client: LanguageClient, tmp_path: Path):
    editor = await start_editor(client, {"backend": "heuristic"})
    schema = tmp_path / "db" / "schema.rb"
    (tmp_path / "db" / "migrate").mkdir(parents=True)
    schema.write_text(RAILS, encoding="utf-8")
    uri = schema.as_uri()
    editor.open(uri, RAILS, language="ruby")
    await wait_for(lambda: uri in client.diagnostics)
    hints = client.diagnostics[uri]
    assert [(d.range.start.line, d.range.start.character, d.message) for d in hints] == [  # at the name, in its quotes
        (1, 16, "Table articles: no table comment; 3 of 3 columns without a comment: id, title, author_id"),
        (6, 16, "Table users: 1 of 2 columns without a comment: id"),
    ]
    actions = await editor.code_actions(uri, RAILS.index("title"))
    assert [a.title for a in actions] == [
        "Document table articles in a new migration",
        "Document the Rails tables in a new migration (2 tables)",
    ]
    actions = actions[1:]
    resolved = await client.code_action_resolve_async(actions[0])
    assert resolved.command is not None
    result = await editor.execute(resolved.command)
    assert result == {"documented": 2, "total": 2, "cancelled": False, "problems": []}
    (migration,) = (tmp_path / "db" / "migrate").glob("*_document_tables.rb")  # created by the editor's edit
    text = editor.texts.get(migration.as_uri()) or migration.read_text(encoding="utf-8")
    written = read_migration(text)
    assert set(written) == {
        ("articles", None),
        ("articles", "id"),
        ("articles", "title"),
        ("articles", "author_id"),
        ("users", "id"),
    }
    assert editor.texts[uri] == RAILS and schema.read_text(encoding="utf-8") == RAILS  # the dumped schema: never edited


TYPEORM = """import { Column, Entity, ManyToOne, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "authors" })
export class Author {
  @PrimaryGeneratedColumn()
  id: number;

  /** The name printed under the articles. */
  @Column({ length: 120 })
  name: string;
}

@Entity()
export class Article {
  @PrimaryGeneratedColumn()
  id: number;

  @ManyToOne(() => Author)
  author: Author;
}
"""


async def test_typeorm_entities_get_hints_and_their_comments_in_one_edit(client: LanguageClient, tmp_path: Path):
    """An entity file as the editor holds it (unsaved): hints at the classes' names, and one
    edit that writes the comments into the decorators; a test's entities get nothing."""
    editor = await start_editor(client, {"backend": "heuristic"})
    path = tmp_path / "src" / "blog.entity.ts"
    path.parent.mkdir(parents=True)
    path.write_text("// not saved yet\n", encoding="utf-8")
    spec = tmp_path / "src" / "blog.entity.spec.ts"
    editor.open(spec.as_uri(), TYPEORM, language="typescript")
    assert await editor.code_actions(spec.as_uri(), TYPEORM.index("name")) == []
    uri = path.as_uri()
    editor.open(uri, TYPEORM, language="typescript")
    await wait_for(lambda: uri in client.diagnostics)
    hints = client.diagnostics[uri]
    assert [(d.range.start.line, d.range.start.character, d.range.end.character) for d in hints] == [
        (3, 13, 19),
        (13, 13, 20),
    ]
    assert hints[0].message == "Entity Author (authors): no entity comment; 2 of 2 columns without a comment: id, name"
    assert hints[1].message.endswith("1 of 2 columns without a comment: id")  # authorId: a join column, never asked
    actions = await editor.code_actions(uri, TYPEORM.index("author: Author"))
    assert [a.title for a in actions] == [
        "Document entity Article (article)",
        "Document the TypeORM tables in this file (2 tables)",
    ]
    resolved = await client.code_action_resolve_async(actions[0])  # the entity at the cursor alone
    assert resolved.command is not None
    result = await editor.execute(resolved.command)
    assert result == {"documented": 1, "total": 1, "cancelled": False, "problems": []}
    text = editor.texts[uri]
    assert text.count("comment:") == 2 and '@Entity({ comment: "' in text  # not even the JSDoc's for Author
    await wait_for(lambda: len(client.diagnostics[uri]) == 1)
    actions = await editor.code_actions(uri, TYPEORM.index('name: "authors"'))  # on its decorator
    assert [a.title for a in actions] == [
        "Document entity Author (authors)",
        "Document the TypeORM tables in this file (1 table)",
    ]
    resolved = await client.code_action_resolve_async(actions[1])
    assert resolved.command is not None
    result = await editor.execute(resolved.command)
    assert result == {"documented": 1, "total": 1, "cancelled": False, "problems": []}
    text = editor.texts[uri]
    assert '@Column({ length: 120, comment: "The name printed under the articles." })' in text  # the JSDoc's
    assert '@Entity({ name: "authors", comment: ' in text and "@Entity({ comment: " in text
    found = read_any(path, text)
    assert found is not None and plan_any(found, check=True).todo == []
    await wait_for(lambda: len(client.diagnostics[uri]) == 0)
    assert path.read_text(encoding="utf-8") == "// not saved yet\n"  # the edit is the editor's to apply and save
    editor.replace(uri, TYPEORM)
    await wait_for(lambda: len(client.diagnostics[uri]) == 2)
    editor.replace(uri, TYPEORM.replace("@Entity()\nexport class Article {", "@Entity(\nexport class Article {"))
    await wait_for(lambda: len(client.diagnostics[uri]) == 0)  # half-typed: no hint, no action, no crash
    assert await editor.code_actions(uri, TYPEORM.index("author: Author")) == []


DOCTRINE = """<?php

namespace App\\Entity;

use Doctrine\\ORM\\Mapping as ORM;

#[ORM\\Entity]
class Author
{
    #[ORM\\Id, ORM\\GeneratedValue, ORM\\Column]
    private ?int $id = null;

    /** The name printed under the articles. */
    #[ORM\\Column(length: 120)]
    private string $name = '';
}
"""


async def test_doctrine_entities_get_hints_and_their_comments_in_one_edit(client: LanguageClient, tmp_path: Path):
    editor = await start_editor(client, {"backend": "heuristic"})
    path = tmp_path / "src" / "Entity" / "Author.php"
    path.parent.mkdir(parents=True)
    path.write_text(DOCTRINE, encoding="utf-8")
    uri = path.as_uri()
    editor.open(uri, DOCTRINE, language="php")
    await wait_for(lambda: uri in client.diagnostics)
    (hint,) = client.diagnostics[uri]
    assert (hint.range.start.line, hint.range.start.character) == (7, 6)
    assert hint.message == "Entity Author (author): no table comment; 2 of 2 columns without a comment: id, name"
    actions = await editor.code_actions(uri, DOCTRINE.index("private string"))
    assert [a.title for a in actions] == [
        "Document entity Author (author)",
        "Document the Doctrine tables in this file (1 table)",
    ]
    resolved = await client.code_action_resolve_async(actions[1])
    assert resolved.command is not None
    result = await editor.execute(resolved.command)
    assert result == {"documented": 1, "total": 1, "cancelled": False, "problems": []}
    text = editor.texts[uri]
    assert "#[ORM\\Entity]\n#[ORM\\Table(options: ['comment' => " in text
    assert "#[ORM\\Column(length: 120, options: ['comment' => 'The name printed under the articles.'])]" in text
    found = read_any(path, text)
    assert found is not None and plan_any(found, check=True).todo == []
    await wait_for(lambda: len(client.diagnostics[uri]) == 0)


PRISMA = """datasource db {
  provider = "postgresql"
}

/// Someone who writes for the magazine.
model Author {
  id       Int       @id @default(autoincrement())
  name     String    @db.VarChar(120)
  articles Article[]

  @@map("authors")
}

model Article {
  id       Int    @id @default(autoincrement())
  author   Author @relation(fields: [authorId], references: [id])
  authorId Int    @map("author_id")
  headline String /// Shown above the article.
}
"""


async def test_a_prisma_schema_gets_hints_and_doc_comments_in_one_edit(client: LanguageClient, tmp_path: Path):
    """A `.prisma` file, whatever language the editor gives it: a hint at each model that lacks
    a `///` comment, the action for the model at the cursor (which edits that model alone) and
    for the file; a half-typed schema gets neither, and no crash."""
    editor = await start_editor(client, {"backend": "heuristic"})
    path = tmp_path / "prisma" / "schema.prisma"
    path.parent.mkdir()
    path.write_text(PRISMA, encoding="utf-8")
    uri = path.as_uri()
    editor.open(uri, PRISMA, language="prisma")
    await wait_for(lambda: uri in client.diagnostics and len(client.diagnostics[uri]) == 2)
    first, second = client.diagnostics[uri]
    assert (first.range.start.line, first.range.start.character) == (5, 6)
    assert first.message == "Model Author (authors): 2 of 2 columns without a comment: id, name"
    assert second.message == "Model Article (Article): no /// comment; 2 of 3 columns without a comment: id, author_id"
    actions = await editor.code_actions(uri, PRISMA.index("authorId Int"))
    assert [a.title for a in actions] == [
        "Document model Article (Article)",
        "Document the Prisma tables in this file (2 tables)",
    ]
    resolved = await client.code_action_resolve_async(actions[0])
    assert resolved.command is not None
    result = await editor.execute(resolved.command)
    assert result["documented"] == 1 and result["problems"] == []
    text = editor.texts[uri]
    assert "\n/// Articles, one row per article.\nmodel Article {\n  /// " in text
    before = PRISMA[: PRISMA.index("model Article")]
    assert text.startswith(before + "/// Articles")  # the other model is left alone
    await wait_for(lambda: len(client.diagnostics[uri]) == 1)
    actions = await editor.code_actions(uri, text.index("model Author"))
    resolved = await client.code_action_resolve_async(actions[-1])
    assert resolved.command is not None and actions[-1].title.startswith("Document the Prisma tables")
    await editor.execute(resolved.command)
    text = editor.texts[uri]
    assert "  /// Shown above the article.\n" not in text and "headline String /// Shown above the article.\n" in text
    found = read_any(path, text)
    assert found is not None and plan_any(found, check=True).todo == []
    await wait_for(lambda: len(client.diagnostics[uri]) == 0)
    assert path.read_text(encoding="utf-8") == PRISMA  # the edit is the editor's to apply and save
    editor.replace(uri, PRISMA.replace("model Article {", 'model Article {\n  title String @default("unclosed'))
    await wait_for(lambda: len(client.diagnostics[uri]) == 0)
    assert await editor.code_actions(uri, PRISMA.index("authorId Int")) == []
