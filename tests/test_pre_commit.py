"""The pre-commit hooks (.pre-commit-hooks.yaml) run as pre-commit runs them: the hook's entry
with the staged files' paths appended, in the project's folder; the commit stops when the
entry fails or changes a file. The folder is laid out as a dbt project's, whose `models/`
once stood in for sqlscribe's own registry package."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parent.parent
STAGED = {
    "models/orders.sql": "CREATE TABLE orders (\n  order_id INT PRIMARY KEY,\n  cust_id INT,\n  placed_at DATE\n);\n",
    "models/done.sql": "CREATE TABLE notes (id INT PRIMARY KEY COMMENT 'The note.') COMMENT 'Notes.';\n",
    "ddl/tags.ddl": "CREATE TABLE tags (tag_id INT PRIMARY KEY, label VARCHAR(40));\n",
    "README.md": "CREATE TABLE not_sql (a INT);\n",  # not the hook's: pre-commit never passes it
    "shop/models.py": "from django.db import models\n\n\nclass Tag(models.Model):\n"
    "    label = models.CharField(max_length=40)\n",
    "api/models.py": "from pydantic import BaseModel\n\n\nclass Tag(BaseModel):\n    label: str\n",  # skipped
    "shop/views.py": "from django.db import models\nx = models.CharField()\n",  # no models in it: passed by
    "app/db/tables.py": "from sqlalchemy import Column, Integer, MetaData, String, Table\n\n"
    'labels = Table("labels", MetaData(), Column("id", Integer, primary_key=True), Column("text", String(40)))\n',
    "tests/conftest.py": "from sqlalchemy import Column, Integer, MetaData, Table\n\n"
    'fixture = Table("fixture", MetaData(), Column("id", Integer, primary_key=True))\n',  # a test's: not the hook's
    "web/src/tag.entity.ts": 'import { Column, Entity } from "typeorm";\n\n@Entity()\nexport class Tag {\n'
    '  @Column({ primary: true, comment: "The tag\'s key." })\n  id: number;\n\n  @Column({ length: 40 })\n'
    "  label: string;\n}\n",
    # no entities in it: passed by
    "web/src/main.ts": 'import { DataSource } from "typeorm";\n\nexport const source = new DataSource({});\n',
    # a test's: not the hook's
    "web/src/tag.entity.spec.ts": 'import { Entity } from "typeorm";\n\n@Entity()\nexport class Fixture {}\n',
}


def hooks() -> dict[str, dict[str, object]]:
    return {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}


def run_hook(hook: dict[str, object], folder: Path) -> subprocess.CompletedProcess[str]:
    """What pre-commit does: the entry, then the paths of the staged files its `files` pattern matches."""
    assert hook["language"] == "python"
    entry = shlex.split(str(hook["entry"]))
    assert entry[0] == "sqlscribe"  # the console script `pip install` of this repository provides
    staged = [
        name
        for name in sorted(STAGED)
        if re.search(str(hook["files"]), name) and not re.search(str(hook.get("exclude", "^$")), name)
    ]
    command = [sys.executable, "-m", "sqlscribe", *entry[1:], *staged]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, env=os.environ.copy(), timeout=600)


@pytest.mark.model
def test_the_check_hook_stops_a_commit_until_the_document_hook_has_written_the_comments(tmp_path: Path) -> None:
    for name, text in STAGED.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    found = hooks()
    assert set(found) == {"sqlscribe-check", "sqlscribe-document"}
    for hook in found.values():  # a Rails schema is the hooks' (documented by a new migration), Ruby else not
        taken = [
            n for n in ("db/schema.rb", "db/animals_schema.rb", "config/routes.rb") if re.search(str(hook["files"]), n)
        ]
        assert taken == ["db/schema.rb", "db/animals_schema.rb"]
        others = (
            "src/tag.entity.ts",
            "src/tag.entity.spec.ts",
            "src/types.d.ts",
            "src/__tests__/tag.ts",
            "src/Entity/Tag.php",
            "tests/Entity/TagTest.php",
            "src/TagTest.php",
            "prisma/schema.prisma",
            "prisma/schema/tags.prisma",
        )
        exclude = str(hook["exclude"])
        assert [n for n in others if re.search(str(hook["files"]), n) and not re.search(exclude, n)] == [
            "src/tag.entity.ts",
            "src/Entity/Tag.php",
            "prisma/schema.prisma",
            "prisma/schema/tags.prisma",
        ]
    assert found["sqlscribe-document"]["require_serial"] is True  # one model load for all the files

    check = run_hook(found["sqlscribe-check"], tmp_path)
    assert check.returncode == 1
    assert check.stdout.splitlines() == [
        "ddl/tags.ddl:1:1: table tags: no description; 2 of 2 columns without a comment: tag_id, label",
        "models/orders.sql:1:1: table orders: no description; 3 of 3 columns without a comment:"
        " order_id, cust_id, placed_at",
        "app/db/tables.py:3:1: table labels: no table comment; 2 of 2 columns without a comment: id, text",
        "shop/models.py:4:1: model Tag (shop_tag): no db_table_comment; 1 of 2 columns without a comment: label",
        "web/src/tag.entity.ts:4:1: entity Tag (tag): no entity comment; 1 of 2 columns without a comment: label",
    ]

    document = run_hook(found["sqlscribe-document"], tmp_path)  # the embedded model
    assert document.returncode == 0, document.stderr
    assert (tmp_path / "models/done.sql").read_text(encoding="utf-8") == STAGED["models/done.sql"]
    assert (tmp_path / "models/orders.sql").read_text(encoding="utf-8") != STAGED["models/orders.sql"]
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == STAGED["README.md"]
    for kept in (
        "api/models.py",
        "shop/views.py",
        "tests/conftest.py",
        "web/src/main.ts",
        "web/src/tag.entity.spec.ts",
    ):
        assert (tmp_path / kept).read_text(encoding="utf-8") == STAGED[kept]
    assert "db_comment=" in (tmp_path / "shop/models.py").read_text(encoding="utf-8")
    assert "comment=" in (tmp_path / "app/db/tables.py").read_text(encoding="utf-8")
    assert '@Column({ length: 40, comment: "' in (tmp_path / "web/src/tag.entity.ts").read_text(encoding="utf-8")

    again = run_hook(found["sqlscribe-check"], tmp_path)
    assert (again.returncode, again.stdout) == (0, "")
