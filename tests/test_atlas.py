"""`document --to` in an Atlas migration directory: the new file is added to `atlas.sum`, which
Atlas checks before it runs anything; a sum that does not match the files as they are is left
alone, and the user is told to run `atlas migrate hash`.

(Atlas itself cannot be installed here: its npm package downloads the binary from atlasgo.sh. The
format is written from Atlas's source, `sql/migrate/dir.go`, and spelled out below with hashlib.)"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from in_process import run

from sqlscribe import atlas

V1 = "CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR);\n"
V2 = "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers (id));\n"


def _b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def test_the_sum_is_a_running_hash_of_names_and_bytes_then_a_hash_of_the_lines() -> None:
    one, two = ("20240101000000_a.sql", b"CREATE TABLE a (x int);\n"), ("20240102000000_b.sql", b"SELECT 1;\n")
    lines = atlas.hashes([one, two])
    first = _b64(one[0].encode() + one[1])
    second = _b64(one[0].encode() + one[1] + two[0].encode() + two[1])  # runs on over the files so far
    assert lines == [(one[0], first), (two[0], second)]
    text = atlas.render(lines)
    total = _b64(f"{one[0]}{first}{two[0]}{second}".encode())
    assert text == f"h1:{total}\n{one[0]} h1:{first}\n{two[0]} h1:{second}\n"
    assert atlas.read(text) == (total, lines)


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "migrations"
    folder.mkdir()
    files = [("20240101000000_customers.sql", V1), ("20240102000000_orders.sql", V2)]
    for name, text in files:
        (folder / name).write_text(text, encoding="utf-8")
    (folder / atlas.SUM_FILE).write_text(
        atlas.render(atlas.hashes([(n, t.encode()) for n, t in files])), encoding="utf-8"
    )
    return folder


def test_the_new_migration_is_added_to_atlas_sum(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    before = (folder / atlas.SUM_FILE).read_text(encoding="utf-8")
    argv = ["document", str(folder), "--backend", "heuristic", "--dialect", "postgres", "--to", str(folder)]
    code, out, err = run(*argv)
    assert code == 0, err
    assert (folder / atlas.SUM_FILE).read_text(encoding="utf-8") == before  # a diff only
    assert (
        f"+++ b/{folder / atlas.SUM_FILE}" in out and f"would write {folder / atlas.SUM_FILE}, with its checksum" in err
    )
    code, _, err = run(*argv, "--write")
    assert code == 0, err
    (new,) = [p for p in folder.glob("*.sql") if "document_comments" in p.name]
    _, lines = atlas.read((folder / atlas.SUM_FILE).read_text(encoding="utf-8"))
    assert [name for name, _ in lines] == ["20240101000000_customers.sql", "20240102000000_orders.sql", new.name]
    assert lines[:2] == atlas.read(before)[1]  # the files before it hash as they did
    files = [(name, (folder / name).read_bytes()) for name, _ in lines]
    assert atlas.render(atlas.hashes(files)) == (folder / atlas.SUM_FILE).read_text(encoding="utf-8")
    assert "atlas migrate hash" not in err


def test_a_sum_that_does_not_match_the_files_is_left_alone(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "20240102000000_orders.sql").write_text(V2 + "-- edited since\n", encoding="utf-8")
    before = (folder / atlas.SUM_FILE).read_text(encoding="utf-8")
    code, _, err = run(
        "document", str(folder), "--backend", "heuristic", "--dialect", "postgres", "--to", str(folder), "--write"
    )
    assert code == 0, err
    assert "atlas.sum does not match the files as hashed here: run `atlas migrate hash` once it is written" in err
    assert (folder / atlas.SUM_FILE).read_text(encoding="utf-8") == before
    assert [p for p in folder.glob("*.sql") if "document_comments" in p.name]  # the migration itself is written


def test_documenting_in_place_keeps_atlas_sum_matching_the_files(tmp_path: Path) -> None:
    """A migration not applied yet, documented in place (as pre-commit does): the sum is made
    anew over the files as written, where it matched them before; else it is left, with a note."""
    folder = _folder(tmp_path)
    code, _, err = run("document", str(folder), "--backend", "heuristic", "--dialect", "postgres", "--write")
    assert code == 0, err
    assert f"wrote {folder / atlas.SUM_FILE}, with the checksums of the files documented" in err
    assert "COMMENT ON TABLE orders" in (folder / "20240102000000_orders.sql").read_text(encoding="utf-8")
    atlas.check(folder)  # matches the files as they are now
    (folder / "20240101000000_customers.sql").write_text(V1 + "-- edited by hand\n", encoding="utf-8")
    stale = (folder / atlas.SUM_FILE).read_text(encoding="utf-8")
    (folder / "20240102000000_orders.sql").write_text(V2, encoding="utf-8")
    code, _, err = run("document", str(folder), "--backend", "heuristic", "--dialect", "postgres", "--write")
    assert code == 0, err
    assert "atlas.sum does not match the files as hashed here: run `atlas migrate hash`" in err
    assert (folder / atlas.SUM_FILE).read_text(encoding="utf-8") == stale
