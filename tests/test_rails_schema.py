"""A Rails application's db/schema.rb, read as the PostgreSQL tables ActiveRecord made, and
documented by a new migration of Rails' own ``change_table_comment`` / ``change_column_comment``
(schema.rb is dumped, never edited). ActiveRecord itself runs such a migration into PostgreSQL in
tests/test_databases.py."""

from __future__ import annotations

import datetime
import subprocess
from pathlib import Path

import pytest
from in_process import run

from sqlscribe.ddl import parse_sql
from sqlscribe.rails_schema import _singular, _unquote, read_migration, read_schema, ruby_string

SCHEMA = r"""# This file is auto-generated from the current state of the database.

ActiveRecord::Schema[7.1].define(version: 2024_05_02_101500) do
  # These are extensions that must be enabled in order to support this database
  enable_extension "plpgsql"

  # Custom types defined in this database.
  create_enum "article_status", ["draft", "published", "archived"]

  create_table "articles", force: :cascade do |t|
    t.string "title", null: false
    t.text "body"
    t.bigint "author_id", null: false
    t.enum "status", default: "draft", null: false, enum_type: "article_status"
    t.decimal "price", precision: 10, scale: 2
    t.string "slug", limit: 120
    t.string "tags", default: [], array: true
    t.integer "rank", limit: 2
    t.datetime "published_at"
    t.datetime "created_at", null: false
    t.virtual "title_length", type: :integer, as: "length((title)::text)", stored: true
    t.check_constraint "price > 0", name: "price_positive"
    t.index ["author_id"], name: "index_articles_on_author_id"
    t.index ["slug"], name: "index_articles_on_slug", unique: true
  end

  create_table "tags", id: :uuid, default: -> { "gen_random_uuid()" }, comment: "Labels.", force: :cascade do |t|
    t.string "name", limit: 40, null: false, comment: "Label shown to \"readers\" in \#{brackets}."
    t.jsonb "meta", default: {}
  end

  create_table "articles_tags", id: false, force: :cascade do |t|
    t.bigint "article_id", null: false
    t.uuid "tag_id", null: false
  end

  create_table "users", id: { comment: "Account number." }, force: :cascade do |t|
    t.string "email", default: "", null: false
    t.index ["email"], name: "index_users_on_email", unique: true
  end

  create_table "memberships", primary_key: ["team_id", "user_id"], force: :cascade do |t|
    t.bigint "team_id", null: false
    t.bigint "user_id", null: false
    t.string "role", default: "member"
  end

  add_foreign_key "articles", "users", column: "author_id"
  add_foreign_key "articles_tags", "articles"
  add_foreign_key "articles_tags", "tags"
  add_foreign_key "memberships", "users"
end
"""


@pytest.fixture
def app(tmp_path: Path) -> Path:
    (tmp_path / "db" / "migrate").mkdir(parents=True)
    (tmp_path / "db" / "schema.rb").write_text(SCHEMA, encoding="utf-8")
    return tmp_path


def test_the_schema_is_read_as_the_tables_active_record_made(app: Path) -> None:
    path = app / "db" / "schema.rb"
    schema = read_schema(path, SCHEMA)
    assert schema.version == "7.1"
    assert [(m.name, m.line) for m in schema.models] == [
        ("articles", 10),
        ("tags", 27),
        ("articles_tags", 32),
        ("users", 37),
        ("memberships", 42),
    ]
    parsed = parse_sql(schema.ddl(), "postgres")
    articles, tags, links, users, memberships = parsed.tables
    assert {c.name: c.data_type for c in articles.columns} == {
        "id": "bigint",  # the key Rails adds
        "title": "varchar",
        "body": "text",
        "author_id": "bigint",
        "status": "varchar",
        "price": "numeric(10, 2)",
        "slug": "varchar(120)",
        "tags": "varchar[]",
        "rank": "smallint",
        "published_at": "timestamp",
        "created_at": "timestamp",
        "title_length": "integer",  # a generated column's type:
    }
    assert articles.key_columns == ["id"] and articles.column("slug").unique  # type: ignore[union-attr]
    assert "status IN ('draft', 'published', 'archived')" in schema.ddl()  # the enum's values
    assert articles.referenced_tables == ["users"]  # add_foreign_key's column:
    assert tags.column("id").data_type == "uuid" and "gen_random_uuid()" in schema.ddl()  # type: ignore[union-attr]
    assert tags.comment is not None and tags.comment.text == "Labels."
    assert tags.column("name").comment.text == 'Label shown to "readers" in #{brackets}.'  # type: ignore[union-attr]
    assert links.key_columns == [] and links.referenced_tables == ["articles", "tags"]  # by Rails' names
    assert users.column("id").comment.text == "Account number."  # type: ignore[union-attr]
    assert memberships.key_columns == ["team_id", "user_id"] and memberships.referenced_tables == ["users"]


def test_document_writes_a_new_migration_and_check_names_what_lacks(app: Path) -> None:
    schema = app / "db" / "schema.rb"
    (app / "db" / "migrate" / "20240502101500_create_articles.rb").write_text(
        "class CreateArticles < ActiveRecord::Migration[7.1]\nend\n", encoding="utf-8"
    )
    (app / "db" / "migrate" / "20240101000000_document_tables.rb").write_text(
        "class DocumentTables < ActiveRecord::Migration[7.1]\nend\n", encoding="utf-8"
    )
    code, out, _ = run("document", "--check", str(app))  # found in the folder
    assert code == 1
    assert f"{schema}:27:1: table tags: 2 of 3 columns without a comment: id, meta" in out.splitlines()
    code, out, err = run("document", "--backend", "heuristic", str(app))  # the diff of the new file
    assert code == 0, err
    assert "+class DocumentTables2 < ActiveRecord::Migration[7.1]" in out and not list(app.glob("**/*_2.rb"))
    code, _, err = run("document", "--backend", "heuristic", "--write", str(app))
    assert code == 0, err
    (new,) = (app / "db" / "migrate").glob("*_document_tables_2.rb")  # a class name of its own
    assert int(new.name.split("_")[0]) > 20240502101500
    assert f"the comments go into a new migration, {new}" in err and "bin/rails db:migrate" in err
    text = new.read_text(encoding="utf-8")
    assert text.startswith("# Comments on the tables and columns of schema.rb")
    written = read_migration(text)
    assert ("tags", None) not in written and ("tags", "name") not in written  # the authors' own kept
    assert ("tags", "meta") in written and ("users", "id") not in written  # the key's own comment kept
    assert ("memberships", "role") in written and ("articles", None) in written
    assert schema.read_text(encoding="utf-8") == SCHEMA  # generated: never edited
    # again before db:migrate has run it: it would be written twice
    code, _, err = run("document", "--backend", "heuristic", "--write", "--overwrite-existing", str(app))
    assert code == 1 and f"{new} (sqlscribe's) is newer than the schema: run `bin/rails db:migrate`" in err
    migrated = SCHEMA.replace("2024_05_02_101500", new.name.split("_")[0])  # as db:migrate dumps it
    schema.write_text(migrated, encoding="utf-8")
    code, out, err = run("document", "--backend", "heuristic", "--overwrite-existing", str(app))
    assert code == 0, err
    assert '+    change_table_comment :tags, from: "Labels.", to: "' in out  # reversible to the authors' own


def test_what_is_not_a_schema_or_cannot_be_read_is_said(app: Path) -> None:
    other = app / "config" / "routes.rb"
    other.parent.mkdir()
    other.write_text("Rails.application.routes.draw do\nend\n", encoding="utf-8")
    code, _, err = run("document", "--check", str(other))
    assert code == 0 and f"{other}: no Rails schema (ActiveRecord::Schema.define) in it; skipped" in err
    broken = app / "db" / "schema.rb"
    broken.write_text(SCHEMA.replace('t.text "body"', 't.text "body", default: ["x"'), encoding="utf-8")
    code, _, err = run("document", "--check", str(app))
    assert code == 1 and f"{broken}:12:1: cannot read t.text: ] missing" in err


@pytest.mark.parametrize(
    "text", ['say "hi"', "back\\slash", "#{not interpolated} #$x #@y", "two\nlines\tand tab", "café ✓", "\x07bell"]
)
def test_ruby_strings_read_back_as_written(text: str) -> None:
    assert _unquote(ruby_string(text)) == text


def test_the_migrations_timestamp_follows_the_schemas_version(tmp_path: Path) -> None:
    from sqlscribe.rails_schema import _new_migration_path

    schema = read_schema(
        tmp_path / "db" / "animals_schema.rb", SCHEMA.replace("2024_05_02_101500", "2030_01_01_000000")
    )
    path, name = _new_migration_path(schema, tmp_path / "db" / "animals_migrate", datetime.datetime(2026, 1, 1))
    assert path == tmp_path / "db" / "animals_migrate" / "20300101000001_document_tables.rb"
    assert name == "DocumentTables"


PLURALS = [
    "users",
    "people",
    "categories",
    "line_items",
    "order_people",
    "field_mice",
    "analyses",
    "statuses",
    "money",
    "data",
    "media",
    "salespeople",
    "wolves",
    "knives",
    "buses",
    "heroes",
    "quizzes",
    "vertices",
    "matrices",
    "octopi",
    "news",
    "series",
    "mice",
    "oxen",
    "axes",
    "crises",
    "shoes",
    "movies",
    "hives",
    "lives",
    "moves",
    "zombies",
]
SINGULARS = [
    "user",
    "person",
    "category",
    "line_item",
    "order_person",
    "field_mice",
    "analysis",
    "status",
    "money",
    "datum",
    "medium",
    "salesperson",
    "wolf",
    "knife",
    "bus",
    "hero",
    "quiz",
    "vertex",
    "matrix",
    "octopus",
    "news",
    "series",
    "mouse",
    "ox",
    "axis",
    "crisis",
    "shoe",
    "movie",
    "hive",
    "life",
    "move",
    "zombie",
]


def test_a_foreign_key_without_its_column_is_named_as_activesupport_singularizes() -> None:
    """schema.rb leaves out ``column:`` where it is ``<to_table.singularize>_id``: the names are
    ActiveSupport's own (checked against it where Ruby and ActiveSupport are installed)."""
    assert [_singular(p) for p in PLURALS] == SINGULARS
    assert _singular("crm.people") == "person"
    try:
        done = subprocess.run(
            ["ruby", "-ractive_support/all", "-e", "puts ARGV.map(&:singularize)", *PLURALS],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except FileNotFoundError:
        return
    if done.returncode == 0:
        assert done.stdout.split() == SINGULARS
