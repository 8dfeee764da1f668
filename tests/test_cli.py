"""The command line, run as a user runs it (heuristic backend unless a test needs the model)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from sqlscribe.cli import main
from sqlscribe.ddl import parse_sql

MYSQL = (
    "CREATE TABLE orders (\n  order_id INT PRIMARY KEY,\n"
    "  cust_email_addr VARCHAR(200) COMMENT 'Buyer''s e-mail'\n) ENGINE=InnoDB;\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "a.sql").write_text(MYSQL, encoding="utf-8")
    sub = tmp_path / "nested" / "deeper"
    sub.mkdir(parents=True)
    (sub / "b.sql").write_text("CREATE TABLE t (a int);\n", encoding="utf-8")
    (sub / "notes.txt").write_text("CREATE TABLE ignored (a int);", encoding="utf-8")
    hidden = tmp_path / ".git"
    hidden.mkdir()
    (hidden / "c.sql").write_text("CREATE TABLE hidden (a int);", encoding="utf-8")
    return tmp_path


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    base = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}  # as outside GitHub's CI
    proc = subprocess.run(
        [sys.executable, "-m", "sqlscribe", *args], capture_output=True, text=True, env=base | (env or {}), timeout=600
    )
    return proc.returncode, proc.stdout, proc.stderr


def test_diff_is_the_default_and_files_stay_untouched(project: Path) -> None:
    code, out, err = run("document", "--backend", "heuristic", str(project))
    assert code == 0, err
    assert out.count("--- a/") == 2  # a.sql and nested/deeper/b.sql; not notes.txt, not .git/
    assert "+) COMMENT='Orders, one row per order.' ENGINE=InnoDB;" in out
    assert "dialect mysql (detected from syntax (ENGINE=))" in err
    assert (project / "a.sql").read_text() == MYSQL


def test_write_edits_in_place_keeps_permissions_and_is_idempotent(project: Path) -> None:
    target = project / "a.sql"
    target.chmod(0o640)
    code, _, err = run("document", "--backend", "heuristic", "--write", str(target))
    assert code == 0, err
    written = target.read_text()
    assert "COMMENT 'Unique identifier of the order.'" in written
    assert "COMMENT 'Buyer''s e-mail'" in written  # the human comment is kept
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert not [p for p in project.iterdir() if p.name.startswith(".a.sql")]  # no temp file left behind
    code, _out, _ = run("document", "--backend", "heuristic", "--write", str(target))
    assert code == 0 and target.read_text() == written


def test_overwrite_existing(project: Path) -> None:
    target = project / "a.sql"
    assert main(["document", "--backend", "heuristic", "--write", "--overwrite-existing", "-q", str(target)]) == 0
    (table,) = parse_sql(target.read_text()).tables
    assert table.columns[1].comment is not None
    assert table.columns[1].comment.text == "Customer email address of the order."


def test_json_format(project: Path) -> None:
    code, out, _ = run(
        "document", "--backend", "heuristic", "--format", "json", "--dialect", "mysql", str(project / "a.sql")
    )
    assert code == 0
    (record,) = json.loads(out)
    assert record["file"] == str(project / "a.sql")
    assert record["dialect"] == "mysql"
    assert record["table"] == "orders"
    assert record["description"] == "Orders, one row per order."
    assert record["columns"] == {"order_id": "Unique identifier of the order.", "cust_email_addr": "Buyer's e-mail"}
    assert record["source"] == {
        "table": "generated",
        "columns": {"order_id": "generated", "cust_email_addr": "existing"},
    }


def test_bad_files_are_reported_and_the_rest_is_done(tmp_path: Path) -> None:
    (tmp_path / "bin.sql").write_bytes(b"\x00\x01binary\x00")
    (tmp_path / "latin1.sql").write_bytes("CREATE TABLE t (a int COMMENT 'caf\xe9');".encode("latin-1"))
    (tmp_path / "empty.sql").write_text("")
    (tmp_path / "broken.sql").write_text("CREATE TABLE ok (a int);\nCREATE TABLE bad (a int,, b);\n")
    (tmp_path / "good.sql").write_text("CREATE TABLE good (a int);\n")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    code, _, err = run("document", "--backend", "heuristic", "--write", str(tmp_path))
    assert code == 1
    assert f"{tmp_path / 'bin.sql'}:1:1: binary file, skipped" in err
    assert f"{tmp_path / 'latin1.sql'}:1:1: not UTF-8 text (byte 0xe9), skipped" in err
    assert f"{tmp_path / 'broken.sql'}:2:1: table bad: empty column definition" in err
    assert "defaulting to postgres), 1 table\n" in err  # good.sql, one table: the noun agrees
    assert "sqlscribe: documented 2 tables; wrote 2 of 5 files" in err
    for name in ("bin.sql", "latin1.sql", "empty.sql"):
        assert (tmp_path / name).read_bytes() == before[name]
    assert "COMMENT ON TABLE ok" in (tmp_path / "broken.sql").read_text()
    assert "CREATE TABLE bad (a int,, b);" in (tmp_path / "broken.sql").read_text()
    assert "COMMENT ON COLUMN good.a" in (tmp_path / "good.sql").read_text()


def test_bom_and_unicode_survive(tmp_path: Path) -> None:
    target = tmp_path / "u.sql"
    target.write_bytes(b"\xef\xbb\xbf" + 'CREATE TABLE "Stra\u00dfe" ("gr\u00f6\u00dfe" int, "order" text);'.encode())
    assert main(["document", "--backend", "heuristic", "--write", "-q", str(target)]) == 0
    data = target.read_bytes()
    assert data.startswith(b'\xef\xbb\xbfCREATE TABLE "Stra\xc3\x9fe"')
    assert 'COMMENT ON COLUMN "Straße"."größe"' in data.decode("utf-8-sig")


def test_utf16_scripts_as_ssms_saves_them_are_written_back_in_utf16(tmp_path: Path) -> None:
    script = "CREATE TABLE [dbo].[Straße] ([Größe] [int] NOT NULL)\r\nGO\r\n"
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        target = tmp_path / f"{codec}.sql"
        target.write_bytes(bom + script.encode(codec))
        assert main(["document", "--backend", "heuristic", "--write", "-q", str(target)]) == 0
        data = target.read_bytes()
        assert data.startswith(bom)
        text = data[2:].decode(codec)
        assert text.startswith(
            "CREATE TABLE [dbo].[Straße] ([Größe] [int] NOT NULL);\r\nEXEC sys.sp_addextendedproperty"
        )
        assert "@level1name = N'Straße', @level2type = N'COLUMN', @level2name = N'Größe';\r\nGO\r\n" in text
    broken = tmp_path / "odd.sql"
    broken.write_bytes(b"\xff\xfe" + "CREATE TABLE t (a int)".encode("utf-16-le")[:-1])
    code, _, err = run("document", "--backend", "heuristic", "--write", str(broken))
    assert code == 1 and "not UTF-16 text" in err


def test_standard_input_is_documented_to_standard_output() -> None:
    """A filter, as in ``pg_dump --schema-only shop | sqlscribe document - > documented.sql``."""
    sql = "CREATE TABLE `orders` (\n  `id` int NOT NULL,\n  `total` decimal(10,2)\n) ENGINE=InnoDB;\n-- end\n"
    proc = subprocess.run(
        [sys.executable, "-m", "sqlscribe", "document", "-", "--backend", "heuristic", "-q"],
        input=sql.encode(),
        capture_output=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode()
    assert out.startswith("CREATE TABLE `orders` (\n  `id` int NOT NULL COMMENT '") and out.endswith(
        " ENGINE=InnoDB;\n-- end\n"
    )
    (table,) = parse_sql(out, "mysql").tables
    assert table.comment is not None and all(c.comment is not None for c in table.columns)
    code, _, err = run("document", "-", "--write", "--backend", "heuristic")
    assert code == 2 and "standard input" in err


def test_dbt_sources_file(tmp_path: Path) -> None:
    """--format dbt writes what `dbt docs` reads: a version 2 sources file, one source per schema."""
    yaml = pytest.importorskip("yaml")
    (tmp_path / "wh.sql").write_text(
        "CREATE TABLE raw.orders (id INT PRIMARY KEY, note TEXT);\n"
        "COMMENT ON COLUMN raw.orders.note IS 'Free text: \"quoted\", it''s kept.';\n"
        "CREATE TABLE lonely (x INT);\n"
    )
    code, out, err = run("document", "--backend", "heuristic", "--format", "dbt", "-q", str(tmp_path / "wh.sql"))
    assert code == 0, err
    doc = yaml.safe_load(out)
    assert doc["version"] == 2
    sources = {s["name"]: s for s in doc["sources"]}
    assert set(sources) == {"raw", "wh"}  # a table without a schema goes in a source named after its file
    (orders,) = sources["raw"]["tables"]
    assert orders["name"] == "orders" and orders["description"]
    columns = {c["name"]: c["description"] for c in orders["columns"]}
    assert columns["note"] == 'Free text: "quoted", it\'s kept.' and columns["id"]
    assert sources["wh"]["tables"][0]["name"] == "lonely"


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("document", "--backend", "heuristic", str(tmp_path / "missing.sql"))[0] == 2
    code, _, err = run("document", "--backend", "heuristic", "--dialect", "cobol", str(tmp_path))
    assert code == 2 and "unknown dialect 'cobol'" in err
    assert run("document", "--backend", "openai", str(tmp_path))[0] == 2  # needs --base-url
    assert run("frobnicate")[0] == 2


def test_missing_model_is_one_line_that_says_how_to_fix_it(project: Path) -> None:
    code, _, err = run("document", "--model", str(project / "nope.gguf"), str(project / "a.sql"))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "does not exist" in lines[0] and "--backend heuristic" in lines[0]


def test_ten_thousand_tables_with_heuristic(tmp_path: Path) -> None:
    target = tmp_path / "big.sql"
    target.write_text("".join(f"CREATE TABLE t{i} (id int PRIMARY KEY, amt_{i} numeric);\n" for i in range(10_000)))
    assert main(["document", "--backend", "heuristic", "--dialect", "postgres", "--write", "-q", str(target)]) == 0
    parsed = parse_sql(target.read_text(), "postgres", validate=False)
    assert len(parsed.tables) == 10_000
    assert all(t.comment is not None and all(c.comment for c in t.columns) for t in parsed.tables)


def test_the_cli_module_runs_every_command_as_a_script(tmp_path: Path) -> None:
    """`python -m sqlscribe.cli` must know every command, not only those defined above its main guard."""
    proc = subprocess.run(
        [sys.executable, "-m", "sqlscribe.cli", "stats", "--db", str(tmp_path / "none.db")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "no suggestions recorded yet" in proc.stdout


def test_check_lists_what_lacks_comments_without_a_model_and_fails(project: Path) -> None:
    """`document --check` is a gate for CI and pre-commit: one `path:line:1:` line per table that
    `document` would document, exit 1 while any is left, 0 once none is; it loads no model (one
    that does not exist is never looked for) and changes nothing."""
    before = (project / "a.sql").read_text(encoding="utf-8")
    code, out, err = run("document", "--check", "--model", str(project / "nope.gguf"), str(project))
    assert code == 1
    b = project / "nested" / "deeper" / "b.sql"
    assert out.splitlines() == [
        f"{project / 'a.sql'}:1:1: table orders: no description; 1 of 2 columns without a comment: order_id",
        f"{b}:1:1: table t: no description; 1 of 1 column without a comment: a",
    ]
    assert err.strip() == "sqlscribe: 2 of 2 tables lack comments; 1 of 3 columns (33%) and 0 of 2 tables described"
    assert (project / "a.sql").read_text(encoding="utf-8") == before
    # Documented (here by the heuristic), the same check passes.
    assert run("document", "--backend", "heuristic", "--write", "-q", str(project))[0] == 0
    code, out, err = run("document", "--check", str(project))
    assert (code, out) == (0, "")
    assert err.strip() == "sqlscribe: 2 tables checked, every table and column documented"


def test_a_schema_dumps_migration_bookkeeping_is_neither_documented_nor_checked(tmp_path: Path) -> None:
    """A Rails structure.sql (pg_dump's output) holds the tables Rails keeps its own records in.
    They are no part of the application's schema: `document` says so and leaves them alone, and
    `--check` passes once the application's tables are documented."""
    structure = tmp_path / "db" / "structure.sql"
    structure.parent.mkdir()
    structure.write_text(
        "CREATE TABLE public.ar_internal_metadata (key character varying NOT NULL, value character varying);\n"
        "CREATE TABLE public.schema_migrations (version character varying NOT NULL);\n"
        "CREATE TABLE public.users (id bigint NOT NULL, email character varying NOT NULL);\n"
        "INSERT INTO \"schema_migrations\" (version) VALUES ('20240101000000');\n",
        encoding="utf-8",
    )
    code, out, err = run("document", "--check", "--dialect", "postgres", str(structure))
    assert code == 1 and out.splitlines() == [
        f"{structure}:3:1: table public.users: no description; 2 of 2 columns without a comment: id, email"
    ]
    code, out, err = run("document", "--backend", "heuristic", "--dialect", "postgres", "--write", str(structure))
    assert code == 0, err
    assert (
        f"{structure}:2:14: table public.schema_migrations: a migration tool's own bookkeeping, no part of the"
        " application's schema (not documented)" in err
    )
    text = structure.read_text(encoding="utf-8")
    assert "COMMENT ON TABLE public.users IS" in text and "schema_migrations IS" not in text
    assert "ar_internal_metadata IS" not in text and "ar_internal_metadata.key IS" not in text
    code, out, err = run("document", "--check", "--dialect", "postgres", str(structure))
    assert (code, out) == (0, ""), out + err
    assert err.strip() == "sqlscribe: 1 table checked, every table and column documented"


def test_check_annotates_the_pull_request_in_github_actions(project: Path, tmp_path: Path) -> None:
    """Under GitHub Actions each finding is also a workflow command, so the pull request's diff
    shows it on the table's line: the path relative to the workspace, the text escaped."""
    import sqlite3

    (project / "odd, name.sql").write_text("CREATE TABLE t (a int, b ;\n", encoding="utf-8")
    db = tmp_path / "app.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    github = {"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(project)}
    code, out, _ = run("document", "--check", str(project), f"sqlite:{db}", env=github)
    assert code == 1
    annotations = [line for line in out.splitlines() if line.startswith("::")]
    assert annotations == [
        "::error file=a.sql,line=1,title=sqlscribe::table orders: no description; 1 of 2 columns without a comment:"
        " order_id",
        "::error file=odd%2C name.sql,line=1,title=sqlscribe::table t: the column list is never closed (a ')' is"
        " missing)",
        "::error file=nested/deeper/b.sql,line=1,title=sqlscribe::table t: no description; 1 of 1 column without a"
        " comment: a",
        # A database has no file in the repository: the annotation is the run's.
        "::error title=sqlscribe::table notes: no description; 1 of 1 column without a comment: body",
    ]
    assert f"{project / 'a.sql'}:1:1: table orders: no description" in out  # the plain lines stay
    assert "::" not in run("document", "--check", str(project))[1]  # elsewhere, none


def test_check_of_files_without_tables_says_there_was_nothing_to_check(tmp_path: Path) -> None:
    (tmp_path / "queries.sql").write_text("SELECT 1;\n", encoding="utf-8")
    code, out, err = run("document", "--check", str(tmp_path))
    assert (code, out) == (0, "")
    assert err.strip() == "sqlscribe: no tables to check"  # not "every table and column documented"


def test_check_fails_on_a_file_it_cannot_parse_and_reads_databases(tmp_path: Path) -> None:
    import sqlite3

    (tmp_path / "broken.sql").write_text("CREATE TABLE t (a int, b ;\n", encoding="utf-8")
    code, out, err = run("document", "--check", "-q", str(tmp_path / "broken.sql"))
    assert (code, out) == (1, "")
    assert err.strip() == f"{tmp_path / 'broken.sql'}:1:1: table t: the column list is never closed (a ')' is missing)"
    db = tmp_path / "app.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, -- The note's key.\n body TEXT)")
    code, out, _ = run("document", "--check", f"sqlite:{db}")
    assert code == 1
    assert out.splitlines() == [f"sqlite:{db}:1:1: table notes: no description; 1 of 2 columns without a comment: body"]
    assert run("document", "--check", "--write", str(tmp_path))[0] == 2


def test_a_projects_own_models_module_does_not_stand_in_for_the_registry(tmp_path: Path) -> None:
    """Under `python -m` (how editors start the language server) the working directory comes first
    on sys.path: a Django app's models.py, or a dbt project's models/, there must not hide the
    registry."""
    (tmp_path / "models.py").write_text("from django.db import models  # a Django app\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "sqlscribe", "models", "list", "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert any(entry["default"] for entry in json.loads(proc.stdout))


def test_python_m_never_imports_the_working_directorys_own_packages(tmp_path: Path) -> None:
    """An ML project's training/ package (whose import may start a run) or a quantize.py in the
    working directory is never imported in place of sqlscribe's own, under `python -m`."""
    marker = tmp_path / "imported"
    for module in ("training/__init__.py", "quantize.py"):
        (tmp_path / module).parent.mkdir(exist_ok=True)
        (tmp_path / module).write_text(f"open({str(marker)!r}, 'a').write({module!r})\n", encoding="utf-8")
    (tmp_path / "t.sql").write_text("CREATE TABLE t (a INT);\n", encoding="utf-8")
    for command in (["document", "--backend", "heuristic", "-q", "t.sql"], ["eval", "--help"], ["quantize", "--help"]):
        proc = subprocess.run(
            [sys.executable, "-m", "sqlscribe", *command], cwd=tmp_path, capture_output=True, text=True, timeout=120
        )
        assert proc.returncode == 0, (command, proc.stderr)
    assert not marker.exists(), marker.read_text()
