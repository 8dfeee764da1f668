"""The corpus of tables their authors documented (training/harvest): the committed examples are
what the product would be asked and what the authors wrote, filled where they wrote nothing;
no evaluation set's source is in it; the Tryton reader reads a real Tryton database."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlscribe.ddl import parse_sql
from sqlscribe.docs import TableDocs
from sqlscribe.generate.heuristic import heuristic_docs
from sqlscribe.suggest import request_for
from training.evaluate.metrics import borrowed_texts
from training.evaluate.realworld.build import MIN_COLUMNS
from training.finetune.data import read_split, restyle
from training.harvest import build

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "training" / "data" / "real"
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"  # next to the checkout, where there is one
EVAL_SETS = [
    ROOT / "training" / "evaluate" / "realworld" / "heldout.jsonl",
    ROOT / "training" / "evaluate" / "realworld" / "final.jsonl",
    *([DEV] if DEV.exists() else []),
]


def rows() -> list[dict[str, Any]]:
    return read_split(REAL, "train") + read_split(REAL, "validation")


def test_every_example_answers_for_every_column_in_the_authors_words_where_they_wrote() -> None:
    examples = rows()
    assert len(examples) >= 80 and len({r["id"] for r in examples}) == len(examples)
    for row in examples:
        parsed = parse_sql(str(row["ddl"]), "postgres")
        assert len(parsed.tables) == 1 and parsed.tables[0].complete, row["id"]
        request = request_for(parsed, 0)
        answer = json.loads(row["messages"][-1]["content"])
        assert list(answer["columns"]) == list(request.columns), row["id"]
        assert all(text.strip() for text in answer["columns"].values()), row["id"]
        authors = row["authors"]
        assert len(authors["columns"]) >= MIN_COLUMNS
        for name, text in authors["columns"].items():
            assert answer["columns"][name] == text, (row["id"], name)
        if authors["table"]:
            assert answer["table"] == authors["table"]
        # Tryton's shared help texts are read in English, not as their message ids.
        assert ".msg_" not in row["messages"][-1]["content"], row["id"]
    # The prompts are the general prompt the product renders for each table.
    assert restyle(examples, "general") == examples


def test_no_evaluation_source_or_table_is_trained_on() -> None:
    taken = [json.loads(line) for path in EVAL_SETS for line in path.read_text(encoding="utf-8").splitlines()]
    sources = {case["source"] for case in taken}
    tables = {case["id"] for case in taken}
    for row in rows():
        assert str(row["id"]).split("/")[0] not in sources, row["id"]
        assert row["id"] not in tables


def test_the_manifest_fingerprints_the_splits() -> None:
    manifest = json.loads((REAL / "manifest.json").read_text(encoding="utf-8"))
    for split, entry in manifest["splits"].items():
        data = (REAL / f"{split}.jsonl").read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert data.count(b"\n") == entry["examples"]
    assert sum(manifest["sources"].values()) == len(rows())
    assert manifest["prompt_style"] == "general"


def _dump(path: Path, models: list[dict[str, object]]) -> Path:
    path.write_text(json.dumps(models), encoding="utf-8")
    return path


def _model(package: str, table: str, columns: list[str], docs: dict[str, str]) -> dict[str, object]:
    ddl = f'CREATE TABLE "{table}" (' + ", ".join(f'"{c}" VARCHAR' for c in columns) + ");"
    return {"package": package, "table": table, "ddl": ddl, "table_doc": "", "columns": docs}


def test_harvest_keeps_documented_tables_of_other_sources_and_caps_a_repeated_text(tmp_path: Path) -> None:
    excluded = tmp_path / "eval.jsonl"
    excluded.write_text(
        json.dumps({"id": "shop/shop_order", "source": "blog", "dialect": "postgres", "ddl": "", "reference": {}})
        + "\n",
        encoding="utf-8",
    )
    active = "Uncheck to exclude from future use."
    models = [
        _model("blog", "blog_post", ["title", "body"], {"title": "Shown above the post.", "body": "Markdown."}),
        _model("shop", "shop_order", ["ref", "note"], {"ref": "The customer's reference.", "note": "Free text."}),
        _model("shop", "shop_item", ["sku", "name"], {"sku": "Stock keeping unit."}),
        _model("shop", "shop_wide", [f"c{i}" for i in range(build.MAX_COLUMNS + 1)], {"c0": "A.", "c1": "B."}),
        *[_model("shop", f"shop_t{i}", ["active", "x"], {"active": active, "x": f"X {i}."}) for i in range(5)],
    ]
    cases = build.harvest([_dump(tmp_path / "d.json", models)], [excluded])
    ids = [c["id"] for c in cases]
    # blog is an evaluation source; shop_order is an evaluation table; shop_item has one
    # documented column; shop_wide is too wide; the repeated text counts for three tables.
    assert ids == ["shop/shop_t0", "shop/shop_t1", "shop/shop_t2"]
    assert all(c["reference"]["columns"]["active"] == active for c in cases)


def test_an_example_takes_the_authors_words_and_fills_the_rest() -> None:
    item = {
        "id": "shop/shop_t0",
        "dialect": "postgres",
        "ddl": 'CREATE TABLE "shop_t0" ("id" INTEGER NOT NULL, "active" BOOLEAN, "label" VARCHAR, PRIMARY KEY("id"));',
        "reference": {"table": None, "columns": {"active": "Uncheck to exclude from future use.", "label": "Shown."}},
    }
    filled = TableDocs("Items of the shop.", {"id": "Identifier.", "active": "Whether active.", "label": "Label."})
    row = build.example(item, lambda request: filled)
    answer = json.loads(row["messages"][-1]["content"])
    assert answer == {
        "table": "Items of the shop.",
        "columns": {"id": "Identifier.", "active": "Uncheck to exclude from future use.", "label": "Shown."},
    }
    assert row["authors"] == item["reference"] and row["reference"] == answer


def test_a_fill_that_borrows_from_the_worked_example_gives_way_to_the_heuristic() -> None:
    """The prompt's worked example is a CRM's; a fill that carries its sales representative into a
    production table is a wrong fact, so the identifier heuristic's text takes its place. The
    authors' own words are theirs, customers included."""
    item = {
        "id": "stock/production",
        "dialect": "postgres",
        "ddl": 'CREATE TABLE "production" ("id" INTEGER NOT NULL, "run_by" INTEGER REFERENCES "company_employee" '
        '("id"), "cost" NUMERIC, "note" VARCHAR, PRIMARY KEY("id"));',
        "reference": {"table": None, "columns": {"note": "Shown to the customer.", "cost": "In company currency."}},
    }
    filled = TableDocs(
        "Productions a customer ordered from the company.",
        {"id": "Identifier.", "run_by": "Sales representative who ran the production.", "cost": "Cost.",
         "note": "Note."},
    )  # fmt: skip
    answer = json.loads(build.example(item, lambda request: filled)["messages"][-1]["content"])
    plain = heuristic_docs(request_for(parse_sql(item["ddl"], "postgres"), 0))
    assert answer["table"] == plain.description and "customer" not in answer["table"].lower()
    assert answer["columns"]["run_by"] == plain.columns["run_by"]
    assert "company_employee" in answer["columns"]["run_by"] and "sales" not in answer["columns"]["run_by"].lower()
    assert answer["columns"]["id"] == "Identifier."
    assert answer["columns"]["note"] == "Shown to the customer." and answer["columns"]["cost"] == "In company currency."


def test_no_filled_text_of_the_corpus_borrows_from_the_worked_example() -> None:
    for row in rows():
        answer, authors = row["reference"], row["authors"]
        filled = [text for name, text in answer["columns"].items() if name not in authors["columns"]]
        if not authors["table"] and answer["table"]:
            filled.append(answer["table"])
        assert borrowed_texts(filled, row["ddl"]) == 0, row["id"]


def test_the_tryton_reader_reads_a_real_tryton_database(tmp_path: Path) -> None:
    """trytond-admin builds a database with the party module on SQLite; the reader prints its
    tables as PostgreSQL DDL with the foreign keys, and the fields' help in English, shared
    messages (ir.msg_*) included."""
    conf = tmp_path / "trytond.conf"
    conf.write_text(f"[database]\nuri = sqlite://\npath = {tmp_path}\n", encoding="utf-8")
    (tmp_path / "party.sqlite").touch()
    (tmp_path / "pass").write_text("admin\n", encoding="utf-8")
    admin = Path(sys.executable).with_name("trytond-admin")
    env = {**os.environ, "TRYTONPASSFILE": str(tmp_path / "pass")}
    command = [str(admin), "-c", str(conf), "-d", "party", "--all", "--email", "a@localhost", "-u", "party"]
    subprocess.run([*command, "--activate-dependencies"], check=True, env=env, capture_output=True, timeout=300)
    reader = ROOT / "training" / "harvest" / "tryton_models.py"
    out = subprocess.run(
        [sys.executable, str(reader), str(conf), "party"], check=True, capture_output=True, text=True, timeout=300
    )
    tables = {m["table"]: m for m in json.loads(out.stdout)}
    address = tables["party_address"]
    assert address["package"] == "tryton_party"
    assert address["columns"]["active"] == "Uncheck to exclude from future use."
    assert not any(text.startswith(("ir.msg", "party.msg")) for m in tables.values() for text in m["columns"].values())
    parsed = parse_sql(address["ddl"], "postgres").tables[0]
    assert parsed.complete and {"party", "postal_code", "active"} <= {c.name for c in parsed.columns}
    keys = {fk.columns: fk.ref_table for fk in parsed.foreign_keys}
    assert keys[("party",)] == "party_party" and keys[("country",)] == "country_country"


def test_a_rebuild_reuses_the_answers_of_unchanged_prompts(tmp_path: Path, monkeypatch: Any) -> None:
    """``build --reuse`` keeps an earlier build's answers where a table's prompt has not changed:
    rebuilt from the committed dumps it writes the committed corpus again without running a
    model, and a table whose prompt changed is filled afresh."""
    import training.evaluate.cli

    asked: list[str] = []

    class Filler:
        def document(self, request: Any) -> Any:
            asked.append(request.table.name)
            return type("Result", (), {"docs": TableDocs("Filled.", dict.fromkeys(request.columns, "Filled."))})()

    monkeypatch.setattr(training.evaluate.cli, "backend_for", lambda system: Filler())
    dumps = REAL / "dumps"
    exclude = [arg for path in EVAL_SETS for arg in ("--exclude", str(path))]
    out = tmp_path / "real"
    argv = ["--tryton", str(dumps / "tryton.json"), "--django", str(dumps / "django.json"), *exclude]
    assert build.main([*argv, "--reuse", str(REAL), "--out", str(out)]) == 0
    assert asked == []
    for name in ("train.jsonl", "validation.jsonl", "manifest.json"):
        assert (out / name).read_bytes() == (REAL / name).read_bytes(), name
    # One table gains a column: its prompt changed, so it alone is filled again.
    models = json.loads((dumps / "tryton.json").read_text(encoding="utf-8"))
    tryton_ids = {r["id"] for r in rows() if r["id"].startswith("tryton_")}
    target = next(m for m in models if f"{m['package']}/{m['table']}" in tryton_ids)
    target["ddl"] = target["ddl"].replace("(", '("added_flag" BOOLEAN, ', 1)
    changed = _dump(tmp_path / "tryton.json", models)
    argv[1] = str(changed)
    assert build.main([*argv, "--reuse", str(REAL), "--out", str(tmp_path / "again")]) == 0
    assert asked == [target["table"]]
