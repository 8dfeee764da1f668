"""The synthetic training corpus: deterministic, valid, held out by sector, and rendered
exactly as the product renders tables at run time."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from sqlscribe.cli import main
from sqlscribe.ddl import parse_sql
from sqlscribe.docs import TableDocs
from sqlscribe.prompt import messages, render_answer
from sqlscribe.suggest import request_for
from training.evaluate.cases import load_cases
from training.evaluate.metrics import is_restatement
from training.synth.dataset import SPLIT_SECTORS, SPLITS, build, validate
from training.synth.generate import PROMPT_STYLE
from training.synth.render import DIALECTS
from training.synth.taxonomy import TaxonomyError, load_taxonomy, parse_attribute


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    assert main(["data", "synth", "--count", "400", "--seed", "7", "--out", str(out)]) == 0
    return out


def examples(folder: Path, split: str) -> list[dict]:
    return [json.loads(line) for line in (folder / f"{split}.jsonl").read_text().splitlines()]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_taxonomy_covers_what_the_issue_asks() -> None:
    taxonomy = load_taxonomy()
    assert len(taxonomy.industries) >= 60
    assert len(taxonomy.entities) >= 400
    assert len(taxonomy.sectors()) == 20  # every NAICS sector
    assert {"audit", "scd2", "lineage", "partition", "tenant", "payload"} <= set(taxonomy.groups)


def test_attribute_syntax_and_its_errors() -> None:
    shared = load_taxonomy().shared
    fk = parse_attribute("holder>party:Person who holds the policy", shared, "t")
    assert (fk.name, fk.target, fk.kind) == ("holder_id", "party", "id")
    code = parse_attribute("status{open|closed}:Claim status", shared, "t")
    assert code.values == ("open", "closed") and code.kind == "code"
    assert parse_attribute("email", shared, "t").kind == "email"
    with pytest.raises(TaxonomyError, match="not a shared attribute"):
        parse_attribute("no_such_thing", shared, "t")
    with pytest.raises(TaxonomyError, match="unknown kind"):
        parse_attribute("x:weird:Meaning", shared, "t")


def test_same_seed_same_bytes_other_seed_other_bytes(corpus: Path, tmp_path: Path) -> None:
    again, other = tmp_path / "again", tmp_path / "other"
    assert main(["data", "synth", "--count", "400", "--seed", "7", "--out", str(again)]) == 0
    assert main(["data", "synth", "--count", "400", "--seed", "8", "--out", str(other)]) == 0
    for split in SPLITS:
        assert digest(corpus / f"{split}.jsonl") == digest(again / f"{split}.jsonl")
        assert digest(corpus / f"{split}.jsonl") != digest(other / f"{split}.jsonl")
    manifest = json.loads((corpus / "manifest.json").read_text())
    assert manifest["splits"]["train"]["sha256"] == digest(corpus / "train.jsonl")
    assert manifest["count"] == 400


def test_splits_are_disjoint_by_sector(corpus: Path) -> None:
    sectors = {split: {ex["meta"]["sector"] for ex in examples(corpus, split)} for split in SPLITS}
    assert sectors["test"] <= set(SPLIT_SECTORS["test"]) and sectors["test"]
    assert sectors["validation"] <= set(SPLIT_SECTORS["validation"]) and sectors["validation"]
    held_out = set(SPLIT_SECTORS["test"]) | set(SPLIT_SECTORS["validation"])
    assert not sectors["train"] & held_out
    industries = {split: {ex["meta"]["industry"] for ex in examples(corpus, split)} for split in SPLITS}
    assert not industries["train"] & industries["test"]


def test_every_dialect_is_present_and_parses(corpus: Path) -> None:
    train = examples(corpus, "train")
    assert {ex["dialect"] for ex in train} == set(DIALECTS)
    for ex in train:
        parsed = parse_sql(ex["ddl"], ex["dialect"])
        assert not [d for d in parsed.diagnostics if d.severity == "error"], ex["id"]
        assert len(parsed.tables) == 1 and parsed.tables[0].complete


def test_realism_conventions_and_existing_comments(corpus: Path) -> None:
    train = examples(corpus, "train")
    assert len({ex["meta"]["column_style"] for ex in train}) >= 8
    assert len({ex["meta"]["table_style"] for ex in train}) >= 8
    counts = [ex["meta"]["columns"] for ex in train]
    assert min(counts) >= 2 and max(counts) <= 60 and max(counts) > 20
    assert any(ex["meta"]["existing_comments"] for ex in train)
    assert any("FOREIGN KEY" in ex["ddl"].upper() or "REFERENCES" in ex["ddl"].upper() for ex in train)


def test_messages_are_what_the_product_renders(corpus: Path) -> None:
    """Round trip: parse the DDL, build the request as the editor does, render it."""
    for ex in examples(corpus, "validation") + examples(corpus, "train")[:60]:
        parsed = parse_sql(ex["ddl"], ex["dialect"])
        request = request_for(parsed, 0)
        reference = ex["reference"]
        docs = TableDocs(reference["table"], reference["columns"])
        expected = [*messages(request, PROMPT_STYLE), {"role": "assistant", "content": render_answer(docs, request)}]
        assert ex["messages"] == expected
        assert list(reference["columns"]) == list(request.columns)
        assert (reference["table"] is not None) == request.want_description


def test_splits_load_as_evaluation_cases(corpus: Path) -> None:
    cases = load_cases(corpus / "test.jsonl")
    assert cases and all(case.column_references for case in cases)


def test_validation_and_restatement_rate(corpus: Path) -> None:
    everything = [ex for split in SPLITS for ex in build(120, seed=3)[split]]
    report = validate(everything)
    assert report.ok
    assert report.restatement_rate < 0.04  # codes named in their own words ("Category of the ticket.")
    manifest = json.loads((corpus / "manifest.json").read_text())
    assert manifest["validation"]["restatement_rate"] < 0.04
    assert "restate" in (corpus / "CARD.md").read_text()
    # The check itself flags a bare restatement, so a low rate means something.
    assert is_restatement("Invoice number.", "invoice_nbr")


def test_code_values_are_named_only_when_the_ddl_shows_them(corpus: Path) -> None:
    """A model must not learn to guess code lists: a reference lists values ('a', 'b' or 'c')
    only for a column whose DDL carries them, as CHECK (col IN (...)) or a MySQL ENUM."""
    import re

    listed = re.compile(r"(?:: |; one of )'[^']+'(?:, '[^']+')* or '[^']+'")
    named = shown_by_check = 0
    for split in SPLITS:
        for example in examples(corpus, split):
            (table,) = parse_sql(example["ddl"], example["dialect"]).tables
            for name, comment in example["reference"]["columns"].items():
                if not listed.search(comment):
                    continue
                column = table.column(name)
                assert column is not None
                values = re.findall(r"'([^']+)'", listed.search(comment).group(0))  # type: ignore[union-attr]
                shown = (column.check or "") + column.data_type
                assert all(f"'{v}'" in shown for v in values), (example["id"], name, comment, shown)
                named += 1
                shown_by_check += column.check is not None
    assert named > 20 and shown_by_check > 10


def test_legacy_foreign_keys_use_the_referenced_tables_prefix(tmp_path: Path) -> None:
    import re

    # "ENR_STUDENT_ID REFERENCES T_STUDENT(STU_STUDENT_ID)": the referenced column carries its
    # own table's code, not the referencing table's (two tables share a code only by chance).
    # Legacy tables with a declared reference are rare, so this draws a larger corpus.
    corpus = tmp_path / "legacy"
    assert main(["data", "synth", "--count", "1200", "--seed", "7", "--out", str(corpus)]) == 0
    pairs = []
    for split in SPLITS:
        for example in examples(corpus, split):
            if example["meta"]["column_style"] == "legacy":
                ddl = example["ddl"]
                pairs += re.findall(r'\b([A-Z]{1,3})_\w+"? \w+(?: NOT NULL)? REFERENCES [\w."]+\("?([A-Z]{1,3})_', ddl)
                pairs += re.findall(r"FOREIGN KEY \(([A-Z]{1,3})_\w+\) REFERENCES [\w.]+\(([A-Z]{1,3})_", ddl)
    assert len(pairs) >= 5
    assert sum(own != ref for own, ref in pairs) >= 0.8 * len(pairs)


def test_stale_default_corpus_is_rebuilt(tmp_path: Path) -> None:
    from training.synth import dataset

    folder = tmp_path / "synth"
    folder.mkdir()
    for split in SPLITS:
        (folder / f"{split}.jsonl").write_text("")
    (folder / "manifest.json").write_text(json.dumps({"generator_version": "0.0.1"}))
    assert dataset.ensure_default(folder) is True  # made by an older generator: rebuilt
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["generator_version"] == dataset.GENERATOR_VERSION and (folder / "train.jsonl").stat().st_size > 0
    assert dataset.ensure_default(folder) is False


def test_validation_catches_broken_examples() -> None:
    split = build(30, seed=1)["train"]
    broken = split[0]
    broken.ddl = broken.ddl.replace("(", "", 1)
    duplicate = split[1]
    split.append(duplicate)
    report = validate(split)
    assert broken.id in report.parse_failures or broken.id in report.missing_references
    assert report.duplicates == 1 and not report.ok


def test_bad_count_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "synth", "--count", "1", "--out", str(tmp_path)]) == 2
    assert "--count" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("meaning", "name", "kind", "entity", "expected"),
    [
        # an event the entity went through, said about the entity
        ("Date opened", "opened_on", "date", "job requisition", "Date the job requisition was opened"),
        # a note that drops the column's words gets them back, with the entity
        ("Entrance used", "door", "code", "check in", "Door of the check in: entrance used"),
        ("Seats on the bus", "capacity", "int", "bus route", "Capacity of the bus route: seats on the bus"),
        # names say "name"; "kind of" is "type of", as people write it
        ("Carrier that delivered", "carrier_name", "name", "parcel", "Name of the carrier that delivered"),
        ("Kind of visit", "visit_type", "code", "encounter", "Type of visit"),
        # the entity goes before a qualifier; a participle takes "for"
        ("Volume in litres", "volume_l", "dec", "wine lot", "Volume of the wine lot in litres"),
        ("Unit weight, in grams", "unit_weight_g", "dec", "parcel", "Unit weight of the parcel, in grams"),
        # an example value the DDL does not show is dropped
        ("Season, e.g. 'SS27'", "season_cd", "code", "style", "Season of the style"),
        ("Amount requested", "loan_amount", "money", "application", "Amount requested for the application"),
        # an acronym is not made a heading: the meaning spells it out
        ("Vehicle identification number", "vin", "code", "truck", "Vehicle identification number of the truck"),
        # left alone: flags and meanings already about the entity
        ("True when a patient is in it", "occupied_flag", "flag", "bed", "True when a patient is in it"),
        ("Time the ticket was opened", "opened_at", "ts", "support ticket", "Time the ticket was opened"),
    ],
)
def test_meanings_are_said_in_the_columns_own_words(
    meaning: str, name: str, kind: str, entity: str, expected: str
) -> None:
    from training.synth.wording import in_own_words

    assert in_own_words(meaning, name, kind, entity) == expected


def test_references_are_tied_to_their_table(corpus: Path) -> None:
    """Generator 1.3: bare notes ("Time.", "Date completed.") are gone from the references."""
    short = total = 0
    for split in SPLITS:
        for example in examples(corpus, split):
            for comment in example["reference"]["columns"].values():
                total += 1
                short += len(comment.split()) <= 2
    assert total > 1000 and short / total < 0.01


def _declared_keys(example: dict) -> dict:
    """Column name → the foreign key its DDL declares for it (inline or table-level)."""
    from sqlscribe.ddl import parse_sql

    table = parse_sql(example["ddl"], example["dialect"]).tables[0]
    keys = {c.name: c.references for c in table.columns if c.references is not None}
    return keys | {fk.columns[0]: fk for fk in table.foreign_keys}


def test_a_reference_names_a_table_only_where_the_ddl_declares_it(corpus: Path) -> None:
    """Generator 1.5: "; references <table>" is said of a declared foreign key and of no other
    column, so a model does not learn to guess the table an undeclared key points at."""
    import re

    declared = undeclared_keys = 0
    for split in SPLITS:
        for example in examples(corpus, split):
            refs = {name: fk.ref_table.rsplit(".", 1)[-1].strip('"`') for name, fk in _declared_keys(example).items()}
            for name, comment in example["reference"]["columns"].items():
                named = re.search(r"; references ([\w\"`]+)\.$", comment)
                if name in refs:
                    declared += 1
                    assert named is not None and named[1].strip('"`') == refs[name], (name, comment)
                else:
                    assert named is None, (example["id"], name, comment)
                    undeclared_keys += bool(re.search(r"(_id|ID|Id)$", name)) and "surrogate" not in comment.lower()
    assert declared > 100 and undeclared_keys > 50


def test_codes_reference_lookup_tables_by_their_natural_key(corpus: Path) -> None:
    """A code column may be the key of a lookup table ("state_code REFERENCES states(state_code)"),
    as real schemas often do; its reference says so."""
    lookups = 0
    for split in SPLITS:
        for example in examples(corpus, split):
            for name, fk in _declared_keys(example).items():
                if fk.ref_columns == (name,) and name.lower().endswith(("code", "cd")):
                    lookups += 1
                    assert "; references " in example["reference"]["columns"].get(name, "; references ")
    assert lookups >= 10


def test_table_descriptions_say_what_a_row_is_in_words_the_schema_shows(corpus: Path) -> None:
    """Generator 1.5: no purpose ("used to bill members") and no grain the DDL cannot show."""
    from sqlscribe.generate.words import expand, split_identifier
    from training.synth.generate import shows
    from training.synth.wording import stem

    described = 0
    for split in SPLITS:
        for example in examples(corpus, split):
            description = example["reference"]["table"]
            if description is None:
                continue
            described += 1
            assert " used to " not in description and " used for " not in description
            written = split_identifier(example["ddl"])
            # A glued name (Django's "eventmenuitem", generator 1.6) shows its words too.
            written += [w for w in example["meta"]["entity"].split("_") if w in example["ddl"].lower()]
            shown = {stem(w) for w in [*written, *expand(written)]}
            grain = description.split(": one row per ", 1)[1].rstrip(".")
            assert shows(grain, shown), (example["id"], description)
    assert described > 200


def test_short_generic_names_are_documented_in_their_own_words(corpus: Path) -> None:
    """Generator 1.5: real schemas are full of "date", "type", "username"; the corpus has them,
    documented in the name's words about the table's entity ("Date of the shipment.")."""
    from training.synth.taxonomy import load_taxonomy

    plain = {" ".join(c.words) for c in load_taxonomy().groups["plain"]}
    seen = 0
    for split in SPLITS:
        for example in examples(corpus, split):
            for name, comment in example["reference"]["columns"].items():
                if name.lower() in {"date", "type", "amount", "username", "symbol", "active"} & plain:
                    seen += 1
                    assert name.lower() in comment.lower() and comment.count(" ") >= 2, (name, comment)
    assert seen >= 10


def test_prefixed_table_names_are_documented_by_their_entity(corpus: Path) -> None:
    """Generator 1.6: some tables carry an application's prefix, as ORMs write them (Django's
    ``billing_claimpayment``, a module's ``hr_salary_changes``). The references name the entity in
    its own words, never the prefix or the glued name, so a model learns to read past both."""
    import re

    from training.synth import naming

    prefixed = glued = 0
    for split in SPLITS:
        for example in examples(corpus, split):
            style = example["meta"]["table_style"]
            if style not in naming.APP_STYLES:
                continue
            prefixed += 1
            name = re.search(r"table (?:if not exists )?(\S+)", example["ddl"], re.IGNORECASE)
            assert name is not None
            app, _, rest = name[1].strip('`"').rsplit(".", 1)[-1].partition("_")
            entity = example["meta"]["entity"].split("_")
            if style == "app":
                assert rest == "".join(entity), name[1]
                glued += len(entity) > 1
            else:
                assert rest.rsplit("_", 1)[0] == "_".join(entity[:-1]) or len(entity) == 1, name[1]
            words = " ".join(entity)
            glue = rest if style == "app" and len(entity) > 1 else f"the {app} "
            for comment in example["reference"]["columns"].values():  # not "… of the billing claimpayment"
                assert f"the {app} " not in comment.lower() and glue not in comment.lower(), (name[1], comment)
            description = example["reference"]["table"]
            if description is not None:  # "Claim payments: …", not "Billing claimpayments: …"
                title = description.split(":")[0].lower()
                assert title.startswith(words.rsplit(" ", 1)[0]) and glue not in title, (name[1], description)
    assert prefixed >= 20 and glued >= 5


def test_app_labels_read_as_labels() -> None:
    import random

    from training.synth.naming import app_label, table_name

    rng = random.Random(0)
    labels = {app_label("student records", "app_plural", rng) for _ in range(5)}
    assert labels == {"sr"}
    django = {app_label("student records", "app", rng) for _ in range(40)}
    assert django == {"student", "sr"}
    assert table_name(["claim", "payment"], "app", "billing") == "billing_claimpayment"
    assert table_name(["salary", "change"], "app_plural", "hr") == "hr_salary_changes"


def test_the_heuristics_vocabulary_is_what_the_taxonomy_gives() -> None:
    """`python -m training.synth.vocabulary` writes it; edit the taxonomy, then run that."""
    from training.synth import vocabulary

    assert vocabulary.TARGET.read_text(encoding="utf-8") == vocabulary.text()
    roles = vocabulary.vocabulary()
    assert "h" in roles["first"] and "t" in roles["name"] and "t" in roles["id"]
    assert not {"the", "for", "and"} & set(roles)  # for+ward is no seam
