"""The evaluation metrics and runner (training/evaluate)."""

from __future__ import annotations

import json
from pathlib import Path

import bench_scripts
import pytest

from sqlscribe.generate import HeuristicBackend
from training.evaluate import Embedder, evaluate, is_restatement, load_cases, rouge_l
from training.evaluate.metrics import bootstrap_ci


def case_file(folder: Path, *cases: dict) -> Path:
    """``cases`` written as a JSONL case file."""
    path = folder / "cases.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in cases))
    return path


@pytest.mark.parametrize(
    ("comment", "column", "restated"),
    [
        ("Customer email address.", "cust_email_addr", True),
        ("The customer's email", "customer_email", True),
        ("Order ID", "orderId", True),
        ("Email address used to send the customer invoices and receipts.", "cust_email_addr", False),
        ("The date the buy order took place - as timestamp", "date", False),
        ("Amount in US cents, tax included.", "amount", False),
        ("", "anything", True),
    ],
)
def test_restatement(comment: str, column: str, restated: bool):
    assert is_restatement(comment, column) is restated


def test_rouge_l():
    assert rouge_l("the cat sat", "the cat sat") == pytest.approx(1.0)
    assert rouge_l("a b c d", "a x c y") == pytest.approx(0.5)
    assert rouge_l("", "anything") == 0.0
    assert rouge_l("completely different", "nothing shared") == 0.0


def test_bootstrap_interval_brackets_the_mean():
    values = [0.2, 0.4, 0.6, 0.8, 1.0] * 4
    low, high = bootstrap_ci(values)
    assert low < sum(values) / len(values) < high
    assert bootstrap_ci([0.5] * 10) == (0.5, 0.5)


def test_case_file_errors_name_the_line(tmp_path: Path):
    path = tmp_path / "cases.jsonl"
    path.write_text('{"id": "a", "dialect": "mysql", "ddl": "CREATE TABLE t (a INT);", "reference": {}}\n{"oops": 1}\n')
    with pytest.raises(ValueError, match=r"cases.jsonl:2: not an evaluation case"):
        load_cases(path)


def test_evaluate_scores_a_system_against_references(tmp_path: Path):
    cases = [
        {
            "id": "shop/customers",
            "dialect": "mysql",
            "ddl": "CREATE TABLE customers (cust_id INT PRIMARY KEY, cust_email_addr VARCHAR(255), signup_dt DATE);",
            "reference": {
                "table": "One row per customer who has signed up.",
                "columns": {"cust_email_addr": "Customer email address.", "signup_dt": "Date the customer signed up."},
            },
        },
        {
            "id": "shop/orders",
            "dialect": "postgres",
            "ddl": "CREATE TABLE orders (order_id BIGINT PRIMARY KEY, total_amt NUMERIC(10,2));",
            "reference": {"table": None, "columns": {"total_amt": "Order total in euros, VAT included."}},
        },
    ]
    report = evaluate(load_cases(case_file(tmp_path, *cases)), HeuristicBackend(), Embedder(), system="heuristic")
    summary = report.summary()
    assert summary["cases"] == 2 and summary["pairs"] == 4 and summary["referenced_columns"] == 3
    assert summary["coverage"] == 1.0 and summary["validity"] == 1.0
    assert 0.3 < summary["similarity"] <= 1.0
    low, high = summary["similarity_ci95"]
    assert low <= summary["similarity"] <= high
    # The reference for cust_email_addr itself restates the name; the heuristic's does too.
    assert summary["restated_by_people"] == 1
    assert report.cases[0].generated.keys() == {"cust_id", "cust_email_addr", "signup_dt"}


def test_coverage_counts_only_the_columns_asked_for(tmp_path: Path):
    """A column that already carries a comment is not asked for, so it does not lower coverage."""
    case = {
        "id": "shop/items",
        "dialect": "mysql",
        "ddl": "CREATE TABLE items (item_id INT PRIMARY KEY COMMENT 'Item key.', item_nm VARCHAR(80), qty INT);",
        "reference": {"table": None, "columns": {"item_nm": "Name of the item."}},
    }
    report = evaluate(load_cases(case_file(tmp_path, case)), HeuristicBackend(), Embedder(), system="heuristic")
    assert report.cases[0].columns == 2 and report.cases[0].generated.keys() == {"item_nm", "qty"}
    assert report.summary()["coverage"] == 1.0


def test_embedder_similarity_orders_meaning():
    same, related, unrelated = Embedder().similarities(
        [
            ("Date the order was shipped.", "Date the order was shipped."),
            ("Date the order was shipped.", "When the parcel left the warehouse."),
            ("Date the order was shipped.", "Hashed password of the user."),
        ]
    )
    assert same == pytest.approx(1.0, abs=1e-4)
    assert same > related > unrelated


def test_eval_command_writes_reports_and_compares_them(tmp_path: Path):
    from sqlscribe.cli import main

    case = {
        "id": "s/t",
        "dialect": "mysql",
        "ddl": "CREATE TABLE t (cust_email_addr VARCHAR(255), qty INT);",
        "reference": {"table": None, "columns": {"qty": "Number of units ordered."}},
    }
    cases = case_file(tmp_path, case)
    assert main(["eval", str(cases), "--systems", "heuristic", "--no-similarity", "--out", str(tmp_path / "a")]) == 0
    report = json.loads((tmp_path / "a" / "report.json").read_text())
    summary = report["systems"][0]["summary"]
    assert summary["system"] == "heuristic" and summary["cases"] == 1 and summary["coverage"] == 1.0
    assert "| heuristic |" in (tmp_path / "a" / "summary.md").read_text()
    chart = (tmp_path / "a" / "chart.png").read_bytes()
    assert chart.startswith(b"\x89PNG") and len(chart) > 5000
    assert main(["eval", str(cases), "--systems", "heuristic", "--no-similarity", "--out", str(tmp_path / "b")]) == 0
    assert main(["eval", "--compare", str(tmp_path / "a" / "report.json"), str(tmp_path / "b" / "report.json")]) == 0


def test_invented_references_are_flagged():
    from sqlscribe.docs import TableDocs
    from sqlscribe.generate import Backend, DocRequest, Generated
    from training.evaluate.cases import Case

    class Inventor(Backend):
        model_id = "inventor"

        def document(self, request: DocRequest) -> Generated:
            return Generated(
                TableDocs(
                    "Orders.",
                    {
                        "cust_id": "Refers to customer_accounts.account_id.",
                        "qty": "Units ordered, e.g. 3.",
                        "phone": "Phone number in E.164 format, i.e. with its country code.",
                    },
                ),
                self.model_id,
            )

    ddl = "CREATE TABLE orders (cust_id INT REFERENCES customers(id), qty INT, phone TEXT);"
    case = Case("x", "postgres", ddl, None, {})
    report = evaluate([case], Inventor(), None)
    # customer_accounts.account_id does not exist; "e.g.", "i.e." and "E.164" are prose, not names
    assert report.cases[0].invented == 1


def test_texts_that_carry_the_worked_examples_domain_are_counted_as_borrowed():
    """The general prompt's worked example documents a CRM's customer accounts; a small model
    copies its words into tables that have nothing of them."""
    from sqlscribe.docs import TableDocs
    from sqlscribe.generate import Backend, DocRequest, Generated
    from training.evaluate.cases import Case
    from training.evaluate.cli import summary_markdown

    class Copier(Backend):
        model_id = "copier"

        def document(self, request: DocRequest) -> Generated:
            texts = {
                "user_id": "Sales representative who manages the device; references auth_user.",
                "name": "Name of the device.",
                "cust_id": "Customer who bought the licence.",  # the DDL says cust: grounded
                "price_usd": "Price of the licence in US dollars.",  # usd: grounded
            }
            return (
                Generated(
                    TableDocs("Devices: one row per device a customer holds with the company.", {}),
                    self.model_id,
                )
                if request.table.name == "otp_device"
                else Generated(TableDocs("Licences sold.", texts), self.model_id)
            )

    cases = [
        Case("a", "postgres", "CREATE TABLE otp_device (id INT);", None, {}),
        Case(
            "b", "postgres", "CREATE TABLE licence (user_id INT, name TEXT, cust_id INT, price_usd NUMERIC);", None, {}
        ),
    ]
    report = evaluate(cases, Copier(), None)
    assert [c.borrowed for c in report.cases] == [1, 1]
    summary = report.summary()
    assert summary["borrowed"] == 2 and summary["texts"] == 6
    assert "| 2/6 |" in summary_markdown([summary], "x.jsonl")
    assert "not measured" in summary_markdown([{k: v for k, v in summary.items() if k != "borrowed"}], "x")


def test_compare_reports_a_paired_difference_with_its_interval():
    """`sqlscribe eval --compare` pairs the two systems' scores reference by reference and says
    whether the difference is clear (its 95% bootstrap interval excludes zero)."""
    from training.evaluate.cli import compare_markdown

    def report(system: str, scores: list[list[float]]) -> dict:
        cases = [{"id": f"s/t{i}", "similarities": s, "restated": 0} for i, s in enumerate(scores)]
        return {"systems": [{"summary": {"system": system}, "cases": cases}]}

    base = [[0.5, 0.6, 0.7], [0.4, 0.5], [0.6, 0.6, 0.6, 0.6]]
    better = report("b", [[s + 0.1 for s in case] for case in base])
    text = compare_markdown(report("a", base), better)
    expected = "b − a, paired over 9 references in 3 tables: +0.100 (95% CI +0.100 to +0.100, tables resampled; better)"
    assert expected in text
    mixed = report("c", [[s + d for s in case] for case, d in zip(base, (0.05, -0.08, 0.02), strict=True)])
    assert "no clear difference" in compare_markdown(report("a", base), mixed)
    assert "; worse)." in compare_markdown(better, report("a", base))


def test_resampling_tables_widens_the_interval_of_correlated_scores():
    """Comments of one table rise and fall together; resampling tables, not references, shows
    how little a few tables decide."""
    from training.evaluate.metrics import paired_difference

    a = [0.5] * 40
    b = [0.5 + (0.1 if table % 2 else -0.06) for table in range(4) for _ in range(10)]
    groups = [f"t{table}" for table in range(4) for _ in range(10)]
    _, low, high = paired_difference(a, b)
    _, cluster_low, cluster_high = paired_difference(a, b, groups)
    assert cluster_low < low and cluster_high > high
    assert paired_difference(a, a, groups) == (0.0, 0.0, 0.0)


def _model_selection():
    """bench/model_selection.py, a script rather than a package module."""
    return bench_scripts.load("model_selection")


def test_model_selection_reuses_results_only_for_the_same_weights_and_cases(tmp_path, monkeypatch):
    """bench/model_selection.py --reuse: a registered model keeps its name across versions, so a
    saved result stands only while the model's version and files and the case file are the same."""
    import shutil

    selection = _model_selection()
    registry = tmp_path / "registry.toml"
    shutil.copy(Path(__file__).parents[1] / "models" / "registry.toml", registry)
    monkeypatch.setenv("SQLSCRIBE_REGISTRY", str(registry))
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"id": "a"}\n')
    names = ["heuristic", "llama:qwen2.5-coder-0.5b-instruct", "llama:qwen2.5-coder-0.5b-sqlscribe"]
    before = selection.fingerprint(names, cases)
    assert selection.fingerprint(names, cases) == before
    text = registry.read_text()
    at = text.index('name = "qwen2.5-coder-0.5b-sqlscribe"')
    version = text.index("version = ", at)
    registry.write_text(text[:version] + 'version = "99"' + text[text.index("\n", version) :])
    after = selection.fingerprint(names, cases)
    assert after[:3] == before[:3] and after[3] != before[3]
    # The same adapter file at another strength is another model.
    text = registry.read_text()
    registry.write_text(text.replace('version = "99"', 'version = "99"\nadapter_scale = 0.5', 1))
    assert selection.fingerprint(names, cases)[3] not in (before[3], after[3])
    cases.write_text('{"id": "b"}\n')
    assert selection.fingerprint(names, cases)[0] != before[0]


def test_model_selection_reruns_only_the_systems_whose_weights_changed():
    """--reuse keeps each system's saved results on a set while that system's weights and the
    set are the same: a new or changed model costs its own runs, not every system's again."""
    selection = _model_selection()
    saved = {
        "dev": [{"system": n, "cases": 9} for n in ("heuristic", "llama:base", "llama:tuned")],
        "fingerprints": {"dev": ["cases-sha", "heuristic", "llama:base:1:b:", "llama:tuned:4:b:a"]},
    }
    now = ["cases-sha", "heuristic", "llama:base:1:b:", "llama:tuned:5:b:a", "llama:blend:1:b:a:x0.5"]
    assert set(selection.reusable(saved, "dev", now, 9)) == {"heuristic", "llama:base"}
    assert selection.reusable(saved, "dev", ["other-sha", *now[1:]], 9) == {}
    assert selection.reusable(saved, "dev", now, 10) == {}
    assert selection.reusable(saved, "heldout", now, 9) == {}


def test_a_blend_records_its_results_in_the_registry_but_not_in_its_adapters_card(tmp_path, monkeypatch):
    """A blend (an adapter at another scale) shares the adapter's folder and card: the card keeps
    the results of the model it was written for."""
    import shutil
    import tomllib

    selection = _model_selection()
    models = Path(__file__).parents[1] / "models"
    registry = tmp_path / "registry.toml"
    shutil.copy(models / "registry.toml", registry)
    folder = tmp_path / "adapters" / "qwen2.5-coder-0.5b-sqlscribe"
    folder.mkdir(parents=True)
    shutil.copy(models / "adapters" / "qwen2.5-coder-0.5b-sqlscribe" / "MODEL_CARD.md", folder)
    monkeypatch.setenv("SQLSCRIBE_REGISTRY", str(registry))

    def summary(name: str, similarity: float) -> dict:
        return {"system": f"llama:{name}", "cases": 9, "similarity": similarity, "similarity_ci95": [0.1, 0.9],
                "restated": 1, "referenced_columns": 52, "coverage": 1.0, "seconds_per_table_median": 1.0}  # fmt: skip

    dev = [summary("qwen2.5-coder-0.5b-sqlscribe", 0.1234), summary("qwen2.5-coder-0.5b-sqlscribe-blend", 0.5678)]
    selection.record(dev, [], [], [], "2026-01-01")
    entries = {m["name"]: m for m in tomllib.loads(registry.read_text())["model"]}
    assert entries["qwen2.5-coder-0.5b-sqlscribe-blend"]["evaluation"]["dev_similarity"] == 0.5678
    card = (folder / "MODEL_CARD.md").read_text()
    assert "dev_similarity: 0.1234" in card and "0.5678" not in card


def test_model_selection_makes_a_tuned_model_default_only_when_it_clearly_wins():
    """bench/model_selection.py: a higher mean is not enough. Over both real-world sets the
    paired 95% interval (whole tables resampled) of the tuned model's lead over the heuristic and
    over the best zero-shot base must be above zero, and on the shared dev set alone it must be
    clearly behind neither."""
    selection = _model_selection()

    def system(name: str, scores: list[float], where: str) -> dict:
        return {"system": name, "scores": scores, "tables": [f"{where}:t{i // 4}" for i in range(len(scores))],
                "similarity": sum(scores) / len(scores), "restatement_rate": 0.1, "coverage": 1.0, "restated": 1,
                "referenced_columns": 10}  # fmt: skip

    def sets(tuned_dev: list[float], tuned_heldout: list[float]) -> tuple[list[dict], list[dict]]:
        dev = [system("heuristic", dev_scores, "dev"), system(base, [s - 0.01 for s in dev_scores], "dev"),
               system("llama:tuned", tuned_dev, "dev")]  # fmt: skip
        heldout = [system("heuristic", held_scores, "held"), system(base, [s + 0.01 for s in held_scores], "held"),
                   system("llama:tuned", tuned_heldout, "held")]  # fmt: skip
        return dev, heldout

    base = "llama:qwen2.5-coder-0.5b-instruct"
    dev_scores = [0.5, 0.6, 0.7, 0.4] * 3
    held_scores = [0.4, 0.3, 0.5, 0.45] * 12
    clear = sets([s + 0.03 for s in dev_scores], [s + 0.05 for s in held_scores])
    assert selection.decide(*clear)[0] == "tuned"
    # A tie on the small dev set does not veto a clear lead over both sets together.
    tied = sets([s + (0.05 if (i // 4) % 2 else -0.04) for i, s in enumerate(dev_scores)],
                [s + 0.05 for s in held_scores])  # fmt: skip
    assert selection.decide(*tied)[0] == "tuned"
    # Clearly behind on the dev set: vetoed, however far ahead on the other set.
    behind = sets([s - 0.05 for s in dev_scores], [s + 0.08 for s in held_scores])
    default, why = selection.decide(*behind)
    assert default == "qwen2.5-coder-0.5b-instruct" and "On the shared dev set alone, -0.050" in why
    # Table by table the lead comes and goes: a higher mean, and still no clear win.
    noisy = sets(dev_scores, [s + (0.1 if (i // 4) % 2 else -0.08) for i, s in enumerate(held_scores)])
    default, why = selection.decide(*noisy)
    assert default == "qwen2.5-coder-0.5b-instruct" and "95% CI -" in why
    # Every real-world set counts: a clear lead on two is undone by a larger loss on a third.
    final_scores = [0.45, 0.35, 0.55, 0.5] * 20
    final = [system("heuristic", final_scores, "final"), system(base, final_scores, "final"),
             system("llama:tuned", [s - 0.06 for s in final_scores], "final")]  # fmt: skip
    assert selection.decide(*clear, final)[0] == "qwen2.5-coder-0.5b-instruct"
    even = [*final[:2], system("llama:tuned", [s + 0.04 for s in final_scores], "final")]
    assert selection.decide(*clear, even)[0] == "tuned"


def test_model_selection_prefers_a_tuned_model_level_on_similarity_that_borrows_clearly_less():
    """Level with the best zero-shot base on similarity (or ahead), a tuned model still wins when
    it clearly writes fewer texts borrowed from the worked example; behind the base, or borrowing
    as often, it does not."""
    selection = _model_selection()
    base = "llama:qwen2.5-coder-0.5b-instruct"

    def system(name: str, scores: list[float], where: str, borrowed: list[int]) -> dict:
        tables = [f"{where}:t{i // 4}" for i in range(len(scores))]
        return {"system": name, "scores": scores, "tables": tables, "similarity": sum(scores) / len(scores),
                "restatement_rate": 0.1, "coverage": 1.0, "restated": 1, "referenced_columns": 10,
                "borrowed_tables": [[f"{where}:t{i}", n] for i, n in enumerate(borrowed)],
                "borrowed": sum(borrowed), "texts": len(scores)}  # fmt: skip

    dev_scores = [0.5, 0.6, 0.7, 0.4] * 3
    held_scores = [0.4, 0.3, 0.5, 0.45] * 12
    base_held = [s + 0.01 for s in held_scores]

    def decide(tuned_held: list[float], tuned_borrows: list[int], base_borrows: list[int]) -> tuple[str, str]:
        dev = [system("heuristic", dev_scores, "dev", [0] * 3),
               system(base, [s - 0.01 for s in dev_scores], "dev", [0] * 3),
               system("llama:tuned", dev_scores, "dev", [0] * 3)]  # fmt: skip
        held = [system("heuristic", held_scores, "held", [0] * 12), system(base, base_held, "held", base_borrows),
                system("llama:tuned", tuned_held, "held", tuned_borrows)]  # fmt: skip
        return selection.decide(dev, held)

    default, why = decide(base_held, [0] * 12, [1] * 12)
    assert default == "tuned" and "borrows from the worked example in 0 of its 60 texts" in why
    # As often as the base: a level score alone is no reason to change.
    assert decide(base_held, [1] * 12, [1] * 12)[0] == "qwen2.5-coder-0.5b-instruct"
    # Once in a while: not clearly fewer.
    assert decide(base_held, [0] * 12, [1] + [0] * 11)[0] == "qwen2.5-coder-0.5b-instruct"
    # Behind the base on similarity: fewer borrowed texts do not make up for it.
    assert decide([s - 0.005 for s in base_held], [0] * 12, [1] * 12)[0] == "qwen2.5-coder-0.5b-instruct"
    # Of two that are level with the base, the one that borrows least, not the one a hair closer.
    dev = [system("heuristic", dev_scores, "dev", [0] * 3),
           system(base, [s - 0.01 for s in dev_scores], "dev", [0] * 3),
           system("llama:tuned", dev_scores, "dev", [0] * 3),
           system("llama:blend", dev_scores, "dev", [0] * 3)]  # fmt: skip
    held = [system("heuristic", held_scores, "held", [0] * 12), system(base, base_held, "held", [1] * 12),
            system("llama:tuned", base_held, "held", [0] * 12),
            system("llama:blend", [s + (0.012 if (i // 4) % 2 else -0.008) for i, s in enumerate(base_held)], "held",
                   [0] * 6 + [1] * 6)]  # fmt: skip
    assert selection.decide(dev, held)[0] == "tuned"


def test_model_selection_takes_a_systems_results_from_an_eval_report(tmp_path: Path):
    """--reports: a `sqlscribe eval` report on a set stands in for running its systems again, and
    texts borrowed from the worked example are counted from its outputs (older reports lack it)."""
    from sqlscribe.cli import main

    selection = _model_selection()
    cases = case_file(
        tmp_path,
        {"id": "s/a", "dialect": "postgres", "ddl": "CREATE TABLE a (rep_id INT, qty INT);",
         "reference": {"table": None, "columns": {"qty": "Units."}}},
        {"id": "s/b", "dialect": "postgres", "ddl": "CREATE TABLE b (user_id INT);",
         "reference": {"table": None, "columns": {"user_id": "Who."}}},
    )  # fmt: skip
    assert main(["eval", str(cases), "--systems", "heuristic", "--no-similarity", "--out", str(tmp_path / "r")]) == 0
    report_file = tmp_path / "r" / "report.json"
    report = json.loads(report_file.read_text())
    # As a model that copies the example would write them: grounded in a (rep_id), not in b.
    for case in report["systems"][0]["cases"]:
        case["generated"] = {name: "Representative in charge." for name in case["generated"]}
        case.pop("borrowed")
    report_file.write_text(json.dumps(report))
    loaded = load_cases(cases)
    summary = selection.imported([report_file], cases, loaded)["heuristic"]
    assert summary["borrowed_tables"] == [[f"{cases.stem}:s/a", 0], [f"{cases.stem}:s/b", 1]]
    assert summary["borrowed"] == 1 and summary["texts"] == 5 and summary["cases"] == 2
    assert selection.imported([report_file], tmp_path / "other.jsonl", loaded) == {}
    with pytest.raises(SystemExit):
        selection.imported([report_file], cases, loaded[:1])


def test_a_case_in_a_dialect_sqlscribe_does_not_write_is_still_read() -> None:
    """Cases come from anywhere: Vertica DDL is read as its syntax says, not refused."""
    from training.evaluate.cases import Case

    ddl = "CREATE TABLE hits (hit_id INT, url VARCHAR(80)) ORDER BY hit_id SEGMENTED BY HASH(hit_id) ALL NODES;"
    report = evaluate([Case("v", "vertica", ddl, None, {})], HeuristicBackend(), None)
    (case,) = report.cases
    assert case.error is None and set(case.generated) == {"hit_id", "url"}
