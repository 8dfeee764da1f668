"""A new changeset in a folder of Liquibase formatted SQL (`document --to`) is included in the
changelog that includes the folder's files, as that changelog writes its includes; the XML or
YAML parser then reads the changelog with the one include more, right after the last of the
folder's. A changelog whose includeAll takes the folder is left alone."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import duckdb
import pytest
import yaml
from in_process import run

from sqlscribe.liquibase import ChangelogError, include_new_file

CHANGESET = "--liquibase formatted sql\n\n--changeset ana:{n}\nCREATE TABLE t{n} (id INTEGER, label VARCHAR);\n"

XML = """<?xml version="1.0" encoding="UTF-8"?>
<databaseChangeLog
    xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog
        http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-4.20.xsd">
    <include file="changes/V1__init.sql" relativeToChangelogFile="true"/>
    <include file="db/changelog/changes/V2__more.sql"/>
    <include file="other/V9__elsewhere.sql" relativeToChangelogFile="true"/>
</databaseChangeLog>
"""

YAML = """databaseChangeLog:
  # the shop's schema
  - include:
      file: changes/V1__init.sql
      relativeToChangelogFile: true
  - include:
      file: changes/V2__more.sql
      relativeToChangelogFile: true
  - changeSet:
      id: tag-1
      author: ana
      changes:
        - tagDatabase:
            tag: v1
"""


def _project(tmp_path: Path, changelog: str, name: str) -> tuple[Path, Path]:
    """A Maven layout: src/main/resources/db/changelog/{name} and its changes/ folder."""
    root = tmp_path / "src" / "main" / "resources" / "db" / "changelog"
    changes = root / "changes"
    changes.mkdir(parents=True)
    for n, file in ((1, "V1__init.sql"), (2, "V2__more.sql")):
        (changes / file).write_text(CHANGESET.format(n=n), encoding="utf-8")
    (root / name).write_bytes(changelog.encode("utf-8"))
    return changes, root / name


def _xml_includes(path: Path) -> list[str]:
    return [e.get("file", "") for e in ET.parse(path).getroot() if e.tag.endswith("}include")]


def test_an_xml_changelog_includes_the_new_changeset_after_the_folders_last(tmp_path: Path) -> None:
    changes, changelog = _project(tmp_path, XML, "db.changelog-master.xml")
    argv = ["document", str(changes), "--backend", "heuristic", "--dialect", "postgres", "--to", str(changes)]
    code, out, err = run(*argv)
    assert code == 0, err
    assert changelog.read_text(encoding="utf-8") == XML  # a diff only
    assert '+    <include file="db/changelog/changes/V3__document_comments.sql"/>' in out
    assert f"would write {changelog}, which runs it" in err
    code, _, err = run(*argv, "--write")
    assert code == 0, err
    assert _xml_includes(changelog) == [
        "changes/V1__init.sql",
        "db/changelog/changes/V2__more.sql",
        "db/changelog/changes/V3__document_comments.sql",  # the way V2's include names it
        "other/V9__elsewhere.sql",
    ]
    assert (changes / "V3__document_comments.sql").read_text(encoding="utf-8").startswith("--liquibase formatted sql")
    assert "add it to the Liquibase changelog" not in err


def test_a_yaml_changelog_gets_an_item_like_the_last_one_and_keeps_its_line_ends(tmp_path: Path) -> None:
    changes, changelog = _project(tmp_path, YAML.replace("\n", "\r\n"), "db.changelog-master.yaml")
    code, _, err = run(
        "document", str(changes), "--backend", "heuristic", "--dialect", "postgres", "--to", str(changes), "--write"
    )
    assert code == 0, err
    data = changelog.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF throughout, as it was
    items = yaml.safe_load(data)["databaseChangeLog"]
    assert [list(item) for item in items] == [["include"], ["include"], ["include"], ["changeSet"]]
    assert items[2]["include"] == {"file": "changes/V3__document_comments.sql", "relativeToChangelogFile": True}
    assert "  - include:\r\n      file: changes/V3__document_comments.sql\r\n" in data.decode()


def test_include_all_needs_nothing_and_no_changelog_is_said(tmp_path: Path) -> None:
    included = (
        YAML.split("  - include:")[0] + "  - includeAll:\n      path: changes/\n      relativeToChangelogFile: true\n"
    )
    changes, changelog = _project(tmp_path / "a", included, "db.changelog-master.yaml")
    assert include_new_file(changes / "V3__x.sql", sorted(changes.iterdir())) is None
    code, _, err = run(
        "document", str(changes), "--backend", "heuristic", "--dialect", "postgres", "--to", str(changes), "--write"
    )
    assert code == 0 and "add it to" not in err and "which runs it" not in err, err
    assert changelog.read_text(encoding="utf-8") == included
    alone = tmp_path / "b" / "changes"
    alone.mkdir(parents=True)
    (alone / "V1__init.sql").write_text(CHANGESET.format(n=1), encoding="utf-8")
    (alone.parent / ".git").mkdir()  # a repository's root: no changelog is looked for above it
    with pytest.raises(ChangelogError, match="no changelog"):
        include_new_file(alone / "V2__x.sql", [alone / "V1__init.sql"])
    code, _, err = run(
        "document", str(alone), "--backend", "heuristic", "--dialect", "postgres", "--to", str(alone), "--write"
    )
    assert (
        code == 0
        and "add it to the Liquibase changelog (no changelog (XML, YAML or JSON) near the folder names its files)"
        in err
    ), err


XML_CHANGESETS = """<?xml version="1.0" encoding="UTF-8"?>
<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">
    <changeSet id="1" author="ana">
        <sqlFile path="changes/V1__init.sql" relativeToChangelogFile="true" splitStatements="true"/>
    </changeSet>
    <changeSet id="2" author="ana" context="prod">
        <sqlFile path="changes/V2__more.sql" relativeToChangelogFile="true" splitStatements="true"/>
        <rollback>DROP TABLE t2;</rollback>
    </changeSet>
</databaseChangeLog>
"""

YAML_CHANGESETS = """databaseChangeLog:
  - changeSet:
      id: 1
      author: ana
      changes:
        - sqlFile:
            path: changes/V1__init.sql
            relativeToChangelogFile: true
  - changeSet:
      id: 2
      author: ana
      changes:
        - sqlFile:
            path: changes/V2__more.sql
            relativeToChangelogFile: true
"""

JSON_CHANGESETS = """{"databaseChangeLog": [
    {"changeSet": {"id": "1", "author": "ana",
        "changes": [{"sqlFile": {"path": "changes/V1__init.sql", "relativeToChangelogFile": true}}]}},
    {"changeSet": {
        "id": "2",
        "author": "ana",
        "changes": [{"sqlFile": {"path": "changes/V2__more.sql", "relativeToChangelogFile": true}}],
        "rollback": [{"sql": {"sql": "DROP TABLE t2;"}}]
    }}
]}
"""

CHANGESETS = {".xml": XML_CHANGESETS, ".yaml": YAML_CHANGESETS, ".json": JSON_CHANGESETS}

PLAIN = "CREATE TABLE t{n} (id INTEGER, label VARCHAR);\n"


def _plain_project(tmp_path: Path, changelog: str, name: str) -> tuple[Path, Path]:
    changes, path = _project(tmp_path, changelog, name)
    for n, file in ((1, "V1__init.sql"), (2, "V2__more.sql")):
        (changes / file).write_text(PLAIN.format(n=n), encoding="utf-8")
    return changes, path


def _sql_files_and_rollbacks(path: Path) -> list[tuple[str, str, str]]:
    """Each changeSet's id, the file its sqlFile runs, and its rollback SQL."""
    if path.suffix == ".xml":
        out = []
        for change in ET.parse(path).getroot():
            (sql_file,) = [e for e in change if e.tag.endswith("}sqlFile")]
            rollback = "".join(e.text or "" for e in change.iter() if e.tag.endswith(("}rollback", "}sql")))
            out.append((change.get("id", ""), sql_file.get("path", ""), rollback.strip()))
        return out
    text = path.read_text(encoding="utf-8")
    items = (json.loads(text) if path.suffix == ".json" else yaml.safe_load(text))["databaseChangeLog"]
    return [
        (
            str(item["changeSet"]["id"]),
            item["changeSet"]["changes"][0]["sqlFile"]["path"],
            "".join(r["sql"]["sql"] for r in item["changeSet"].get("rollback", [])).strip(),
        )
        for item in items
    ]


@pytest.mark.parametrize("name", ["db.changelog-master.xml", "db.changelog-master.yaml", "db.changelog-master.json"])
def test_plain_sql_run_by_changesets_gets_a_changeset_with_its_rollback(tmp_path: Path, name: str) -> None:
    """A changelog whose changesets run plain SQL files (sqlFile) gets a changeset that runs the
    new file as the last one does, whose rollback, run in DuckDB, takes the comments away."""
    changes, changelog = _plain_project(tmp_path, CHANGESETS[Path(name).suffix], name)
    code, _, err = run(
        "document", str(changes), "--backend", "heuristic", "--dialect", "duckdb", "--to", str(changes), "--write"
    )
    assert code == 0, err
    assert f"wrote {changelog}, which runs it" in err and "add it to" not in err
    new = changes / "V3__document_comments.sql"
    assert not new.read_text(encoding="utf-8").startswith("--liquibase")  # plain SQL, as the others
    found = _sql_files_and_rollbacks(changelog)
    assert [(i, p) for i, p, _ in found] == [
        ("1", "changes/V1__init.sql"),
        ("2", "changes/V2__more.sql"),
        ("sqlscribe-V3__document_comments", "changes/V3__document_comments.sql"),
    ]
    if name.endswith(".xml"):  # the copied sqlFile keeps its attributes; the rollback is the new one's
        assert '<sqlFile path="changes/V3__document_comments.sql" relativeToChangelogFile="true"' in (
            changelog.read_text(encoding="utf-8")
        )
    con = duckdb.connect()
    for file in ("V1__init.sql", "V2__more.sql", "V3__document_comments.sql"):
        con.execute((changes / file).read_text(encoding="utf-8"))
    query = "SELECT count(*) FROM duckdb_columns() WHERE NOT internal AND comment IS NOT NULL"
    assert con.execute(query).fetchone() == (4,)
    con.execute(found[-1][2])  # Liquibase's rollback of the new changeset
    assert con.execute(query).fetchone() == (0,)


def test_an_open_changelog_is_read_as_the_editor_holds_it_and_one_not_in_utf8_is_left_to_the_user(
    tmp_path: Path,
) -> None:
    changes, changelog = _project(tmp_path, XML, "db.changelog-master.xml")
    held = XML.replace('    <include file="other/V9__elsewhere.sql" relativeToChangelogFile="true"/>\n', "")
    edit = include_new_file(changes / "V3__x.sql", sorted(changes.iterdir()), {str(changelog): held})
    assert edit is not None and edit.old == held and "V9__elsewhere" not in edit.new
    assert '<include file="db/changelog/changes/V3__x.sql"/>' in edit.new
    # the editor's text is what counts: a changelog emptied there (not yet saved) names nothing
    with pytest.raises(ChangelogError, match="no changelog"):
        include_new_file(changes / "V3__x.sql", sorted(changes.iterdir()), {str(changelog): ""})
    changelog.write_bytes(
        XML.replace("\n</databaseChangeLog>", "<!-- caf\xe9 -->\n</databaseChangeLog>").encode("latin-1")
    )
    before = changelog.read_bytes()
    with pytest.raises(ChangelogError, match="is not UTF-8"):
        include_new_file(changes / "V3__x.sql", sorted(changes.iterdir()))
    code, _, err = run(
        "document", str(changes), "--backend", "heuristic", "--dialect", "postgres", "--to", str(changes), "--write"
    )
    assert code == 0 and "add it to the Liquibase changelog (db.changelog-master.xml is not UTF-8)" in err, err
    assert changelog.read_bytes() == before
    assert (changes / "V3__document_comments.sql").exists()


JSON = """{
  "databaseChangeLog": [
    {
      "include": {
        "file": "changes/V1__init.sql",
        "relativeToChangelogFile": true
      }
    },
    {
      "include": { "file": "changes/V2__more.sql", "relativeToChangelogFile": true }
    },
    {
      "changeSet": {
        "id": "tag-1",
        "author": "ana",
        "changes": [{ "tagDatabase": { "tag": "v1, \\"quoted\\" ]}" } }]
      }
    }
  ]
}
"""


def test_a_json_changelog_gets_an_entry_like_the_last_one_after_a_comma(tmp_path: Path) -> None:
    changes, changelog = _project(tmp_path, JSON.replace("\n", "\r\n"), "db.changelog-master.json")
    code, _, err = run(
        "document", str(changes), "--backend", "heuristic", "--dialect", "postgres", "--to", str(changes), "--write"
    )
    assert code == 0 and f"wrote {changelog}, which runs it" in err, err
    data = changelog.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF throughout, as it was
    items = json.loads(data)["databaseChangeLog"]
    assert [list(item) for item in items] == [["include"], ["include"], ["include"], ["changeSet"]]
    assert items[2]["include"] == {"file": "changes/V3__document_comments.sql", "relativeToChangelogFile": True}
    assert items[3]["changeSet"]["changes"][0]["tagDatabase"]["tag"] == 'v1, "quoted" ]}'  # untouched
    added = '{ "file": "changes/V3__document_comments.sql", "relativeToChangelogFile": true }'
    assert f'    }},\r\n    {{\r\n      "include": {added}\r\n    }},\r\n' in data.decode()
    # A list of one entry on the line of its bracket: the new one follows on that line.
    alone = tmp_path / "alone"
    (alone / "changes").mkdir(parents=True)
    (alone / "changes" / "V1__init.sql").write_text(CHANGESET.format(n=1), encoding="utf-8")
    one = '{"databaseChangeLog": [{"include": {"file": "changes/V1__init.sql", "relativeToChangelogFile": true}}]}'
    (alone / "changelog.json").write_text(one, encoding="utf-8")
    edit = include_new_file(alone / "changes" / "V2__x.sql", [alone / "changes" / "V1__init.sql"])
    assert edit is not None
    assert edit.new == one.replace(
        "}}]}", '}}, {"include": {"file": "changes/V2__x.sql", "relativeToChangelogFile": true}}]}'
    )
    every = '{"databaseChangeLog": [{"includeAll": {"path": "changes/", "relativeToChangelogFile": true}}]}'
    (alone / "changelog.json").write_text(every, encoding="utf-8")
    assert include_new_file(alone / "changes" / "V2__x.sql", [alone / "changes" / "V1__init.sql"]) is None
    # One nested deeper than Python's stack, or no JSON at all, is left to the user, unchanged.
    deep = JSON.replace('"author": "ana",', '"author": "ana", "x": ' + "[" * 100_000 + "]" * 100_000 + ",")
    changelog.write_text(deep, encoding="utf-8")
    with pytest.raises(ChangelogError, match="does not read as JSON"):
        include_new_file(changes / "V4__x.sql", sorted(changes.iterdir()))
    broken = JSON.replace('"author": "ana",', '"author": "ana"')
    changelog.write_text(broken, encoding="utf-8")
    with pytest.raises(ChangelogError, match="does not read as JSON"):
        include_new_file(changes / "V4__x.sql", sorted(changes.iterdir()))
