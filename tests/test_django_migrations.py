"""A Django app's migrations folder read as Django would (with ``ast``, never imported): its label,
its one leaf, the tables its migrations leave, and the migration sqlscribe writes after them.
Django itself runs that migration in tests/test_databases.py."""

from __future__ import annotations

import ast
from pathlib import Path

import duckdb
import pytest
from in_process import run

from sqlscribe.django_migrations import (
    DjangoError,
    app_label,
    app_tables,
    is_migrations_folder,
    leaf,
    migration_text,
    new_name,
    owns,
)
from sqlscribe.new_migration import next_name

INITIAL = """from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Tag",
            fields=[("id", models.BigAutoField(primary_key=True)), ("label", models.CharField(max_length=40))],
        ),
        migrations.CreateModel(
            name="Order",
            fields=[("id", models.BigAutoField(primary_key=True)), ("tags", models.ManyToManyField(to="shop.tag"))],
            options={"db_table": "shop_orders"},
        ),
        migrations.CreateModel("Coupon", [("id", models.BigAutoField(primary_key=True))]),
    ]
"""


def _migration(n: str, dependencies: str, operations: str = "") -> str:
    return (
        "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
        f"    dependencies = [{dependencies}]\n\n    operations = [{operations}]\n"
    )


def _app(tmp_path: Path, files: dict[str, str], apps: str | None = None) -> Path:
    folder = tmp_path / "shop" / "migrations"
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("", encoding="utf-8")
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    if apps is not None:
        (folder.parent / "apps.py").write_text(apps, encoding="utf-8")
    return folder


def test_an_apps_folder_its_label_leaf_tables_and_next_name(tmp_path: Path) -> None:
    folder = _app(
        tmp_path,
        {
            "0001_initial.py": INITIAL,
            "0002_rename.py": _migration(
                "2",
                '("shop", "0001_initial"), migrations.swappable_dependency(settings.AUTH_USER_MODEL)',
                'migrations.RenameModel(old_name="Tag", new_name="Label"),'
                ' migrations.RenameModel("Order", "Purchase"), migrations.DeleteModel(name="Coupon"),'
                ' migrations.AlterModelTable(name="Purchase", table="shop_purchases")',
            ),
            "0003_more.py": _migration("3", '("shop", "0002_rename"), ("auth", "0012_alter_user_first_name")'),
        },
    )
    assert is_migrations_folder(folder) and not is_migrations_folder(tmp_path)
    assert app_label(folder) == "shop"
    assert leaf(folder, "shop") == "0003_more"  # 0001's swappable dependency passed over
    # a renamed model's default table follows it; one with a db_table of its own keeps it until altered
    assert app_tables(folder, "shop") == {"shop_label", "shop_purchases"}
    assert owns({"shop_purchases"}, "public.shop_purchases_tags") and not owns({"shop_label"}, "shopping")
    assert new_name(folder) == "0004_document_comments.py" == next_name(folder)


def test_an_apps_config_names_its_label_and_two_leaves_are_refused(tmp_path: Path) -> None:
    config = (
        "from django.apps import AppConfig\n\n\nclass ShopConfig(AppConfig):\n"
        '    name = "store.shop"\n    label = "store_shop"\n'
    )
    folder = _app(
        tmp_path,
        {
            "0001_initial.py": INITIAL,
            "0002_a.py": _migration("2", '("store_shop", "0001_initial")'),
            "0002_b.py": _migration("2", '("store_shop", "0001_initial")'),
        },
        config,
    )
    assert app_label(folder) == "store_shop"
    assert app_tables(folder, "store_shop") == {"store_shop_tag", "shop_orders", "store_shop_coupon"}
    with pytest.raises(DjangoError, match=r"2 leaves \(0002_a, 0002_b\): merge them first"):
        leaf(folder, "store_shop")


def test_a_squashed_migration_stands_for_those_it_replaces(tmp_path: Path) -> None:
    """A migration made before the squash depends on one the squash replaces: the squash is no leaf."""
    folder = _app(
        tmp_path,
        {
            "0001_initial.py": INITIAL,
            "0002_more.py": _migration("2", '("shop", "0001_initial")'),
            "0001_squashed_0002_more.py": _migration("s", "").replace(
                "    dependencies = []",
                '    replaces = [("shop", "0001_initial"), ("shop", "0002_more")]\n    dependencies = []',
            ),
            "0003_after.py": _migration("3", '("shop", "0002_more")'),
        },
    )
    assert leaf(folder, "shop") == "0003_after"


def test_the_migration_runs_its_statements_after_the_leaf_and_undoes_them_in_reverse_sql() -> None:
    sql = ["COMMENT ON TABLE shop_tag IS 'Labels; \"quoted\", 50% and \\\\ kept';"]
    text = migration_text("shop", "0003_more", "Describes …", sql, ["COMMENT ON TABLE shop_tag IS NULL;"], "m")
    tree = ast.parse(text)
    (cls,) = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    values = {
        t.id: ast.literal_eval(s.value) if not isinstance(s.value, ast.List) or not s.value.elts else s.value
        for s in cls.body
        if isinstance(s, ast.Assign)
        for t in s.targets
        if isinstance(t, ast.Name)
    }
    assert ast.literal_eval(values["dependencies"]) == [("shop", "0003_more")]  # type: ignore[arg-type]
    (run_sql,) = values["operations"].elts  # type: ignore[union-attr]
    keywords = {k.arg: ast.literal_eval(k.value) for k in run_sql.keywords}
    assert keywords == {"sql": sql, "reverse_sql": ["COMMENT ON TABLE shop_tag IS NULL;"]}
    assert text.startswith("# Generated by sqlscribe ") and '("shop", "0003_more"),' in text


def test_files_are_not_documented_into_a_django_migration(tmp_path: Path) -> None:
    folder = _app(tmp_path, {"0001_initial.py": INITIAL})
    sql = tmp_path / "schema.sql"
    sql.write_text("CREATE TABLE t (a int);\n", encoding="utf-8")
    code, _, err = run("document", str(sql), "--backend", "heuristic", "--to", str(folder))
    assert code == 2 and "an Alembic revision or a Django migration holds Python; document a database" in err


def test_a_migration_that_does_not_parse_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    broken = "from django.db import migrations\n\n\nclass Migration(migrations.Migration:\n"
    folder = _app(tmp_path, {"0001_initial.py": INITIAL, "0002_broken.py": broken, "0003_notes.py": "# none\n"})
    assert new_name(folder) == "0004_document_comments.py"  # after every numbered file
    database = tmp_path / "shop.duckdb"
    con = duckdb.connect(str(database))
    con.execute("CREATE TABLE shop_tag (id INTEGER, label VARCHAR)")
    con.close()
    code, _, err = run("document", f"duckdb:{database}", "--backend", "heuristic", "--to", str(folder), "--write")
    assert code == 2 and "0002_broken.py does not parse; the app's tables cannot be told" in err, err
    assert sorted(p.name for p in folder.iterdir()) == [
        "0001_initial.py",
        "0002_broken.py",
        "0003_notes.py",
        "__init__.py",
    ]
