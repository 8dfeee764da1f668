"""The second and third real-world evaluation sets: every case is a bare table the product can read, with
references only to columns it has; the builder takes comments out of the DDL without touching
anything else and keeps the authors' words."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from sqlscribe.ddl import parse_sql
from training.evaluate.cases import load_cases
from training.evaluate.realworld import build

REALWORLD = Path(__file__).resolve().parents[1] / "training" / "evaluate" / "realworld"
HELDOUT = REALWORLD / "heldout.jsonl"
FINAL = REALWORLD / "final.jsonl"
DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"


@pytest.mark.parametrize("path", [HELDOUT, FINAL], ids=["heldout", "final"])
def test_every_case_is_a_bare_table_with_references_to_its_own_columns(path: Path) -> None:
    cases = load_cases(path)
    assert len(cases) >= 40 and len({c.id for c in cases}) == len(cases)
    sources = Counter(c.id.split("/")[0] for c in cases)
    assert len(sources) >= 5 and max(sources.values()) <= build.CAP
    for case in cases:
        parsed = parse_sql(case.ddl, case.dialect)
        assert len(parsed.tables) == 1 and parsed.tables[0].complete, case.id
        table = parsed.tables[0]
        assert table.comment is None and all(c.comment is None for c in table.columns), case.id
        assert not re.search(r"\bcomment\s*(=\s*)?'|\bcomment\s+on\b", case.ddl, re.IGNORECASE), case.id
        names = {c.name for c in table.columns}
        assert len(case.column_references) >= build.MIN_COLUMNS
        assert set(case.column_references) <= names, case.id


MYSQL = """CREATE TABLE nets (
  `id` int NOT NULL AUTO_INCREMENT,
  `name` varchar(128) NOT NULL DEFAULT '' COMMENT 'The name for this network',
  `dns` varchar(128) NOT NULL DEFAULT '' COMMENT 'DNS servers, e.g. ''8.8.8.8''',
  `ping` int(10) unsigned NOT NULL DEFAULT '0',
  PRIMARY KEY (`id`)
) ENGINE=InnoDB COMMENT='Stores   scanning subnets';
CREATE TABLE other (a int COMMENT 'only one');"""

POSTGRES = """create table sl_set (
\tset_id int4,
\tset_origin int4,
\tCONSTRAINT "sl_set-pkey" PRIMARY KEY (set_id)
);
comment on table sl_set is 'Holds definitions of replication sets.';
comment on column sl_set.set_id is 'A unique ID number for the set.';
comment on column sl_set.set_origin is
\t'The ID number of the source node for the replication set.';
"""


def test_inline_comments_are_taken_out_and_kept_as_the_reference() -> None:
    [case] = build.from_commented_sql("cacti", MYSQL, "mysql")  # "other" has one documented column
    assert case["id"] == "cacti/nets"
    assert case["reference"] == {
        "table": "Stores scanning subnets",
        "columns": {"name": "The name for this network", "dns": "DNS servers, e.g. '8.8.8.8'"},
    }
    assert (
        case["ddl"]
        == MYSQL.split(";")[0]
        .replace(" COMMENT 'The name for this network'", "")
        .replace(" COMMENT 'DNS servers, e.g. ''8.8.8.8'''", "")
        .replace(" COMMENT='Stores   scanning subnets'", "")
        + ";"
    )


def test_comment_on_statements_become_the_reference() -> None:
    [case] = build.from_commented_sql("slony1", POSTGRES, "postgres")
    assert case["ddl"] == POSTGRES.split(";")[0] + ";"
    assert case["reference"]["table"] == "Holds definitions of replication sets."
    assert case["reference"]["columns"]["set_origin"] == "The ID number of the source node for the replication set."


def test_mediawiki_comments_come_from_its_abstract_schema(tmp_path: Path) -> None:
    folder = tmp_path / "usr" / "share" / "mediawiki" / "maintenance"
    folder.mkdir(parents=True)
    abstract = [{"name": "interwiki", "comment": "Recognized interwiki link prefixes", "columns": [
        {"name": "iw_prefix", "comment": "The interwiki prefix, (e.g. \"Meatball\")"},
        {"name": "iw_url", "comment": "The URL of the wiki,\n with \"$1\" as a placeholder"},
        {"name": "iw_local"}]}]  # fmt: skip
    (folder / "tables.json").write_text(json.dumps(abstract))
    (folder / "tables-generated.sql").write_text(
        "CREATE TABLE /*_*/interwiki (\n  iw_prefix VARCHAR(32) NOT NULL,\n  iw_url BLOB NOT NULL,\n"
        "  iw_local TINYINT(1) NOT NULL,\n  PRIMARY KEY(iw_prefix)\n) /*$wgDBTableOptions*/;\n"
    )
    [case] = build.mediawiki(tmp_path)
    assert case["ddl"].startswith("CREATE TABLE interwiki (") and "/*" not in case["ddl"]
    assert case["reference"]["columns"] == {
        "iw_prefix": 'The interwiki prefix, (e.g. "Meatball")',
        "iw_url": 'The URL of the wiki, with "$1" as a placeholder',
    }


def test_selection_drops_copies_and_caps_each_source() -> None:
    def item(source: str, name: str, table: str | None, columns: dict[str, str]) -> dict:
        return {"id": f"{source}/{name}", "source": source, "reference": {"table": table, "columns": columns}}

    copies = [item("slony1", f"sl_log_{n}", "Stores each change", {f"log_origin{n}": "x", "log_txid": "y"})
              for n in (1, 2)]  # fmt: skip
    many = [item("mediawiki", f"t{n:02}", None, {f"col_{chr(97 + n)}": "a", "d": "b"}) for n in range(20)]
    chosen = build.select(copies + many)
    assert [c["id"] for c in chosen if c["source"] == "slony1"] == ["slony1/sl_log_1"]
    picked = [c["id"] for c in chosen if c["source"] == "mediawiki"]
    assert len(picked) == build.CAP and picked == sorted(picked)
    assert build.select(copies + many) == chosen  # seeded: the same tables every time


def test_sphinx_roles_read_as_names() -> None:
    assert (
        build.clean("A generic TOTP :class:`~django_otp.models.Device`.\n  Fields") == "A generic TOTP Device. Fields"
    )


def test_the_sets_share_no_table() -> None:
    ids = [{c.id for c in load_cases(path)} for path in (HELDOUT, FINAL)]
    assert not ids[0] & ids[1]
    if DEV.exists():
        assert not {c.id for c in load_cases(DEV)} & (ids[0] | ids[1])


def test_a_new_set_leaves_out_the_tables_of_the_sets_it_excludes(tmp_path: Path) -> None:
    def model(table: str, column: str) -> dict[str, object]:
        ddl = f'CREATE TABLE "{table}" ("id" bigint NOT NULL PRIMARY KEY, "a" text NOT NULL, "{column}" text);'
        return {"package": "app", "table": table, "ddl": ddl, "table_doc": "", "columns": {"a": "A.", column: "B."}}

    models = tmp_path / "django.json"
    models.write_text(json.dumps([model("app_one", "b"), model("app_two", "c")]))
    first = tmp_path / "first.jsonl"
    assert build.main(["--django", str(models), "--out", str(first)]) == 0
    assert [c.id for c in load_cases(first)] == ["app/app_one", "app/app_two"]
    (tmp_path / "old.jsonl").write_text(first.read_text().splitlines()[0] + "\n")
    second = tmp_path / "second.jsonl"
    assert build.main(["--django", str(models), "--exclude", str(tmp_path / "old.jsonl"), "--out", str(second)]) == 0
    assert [c.id for c in load_cases(second)] == ["app/app_two"]
    with pytest.raises(SystemExit):  # everything excluded: refused, not an empty set
        build.main(["--django", str(models), "--exclude", str(first), "--out", str(tmp_path / "none.jsonl")])
