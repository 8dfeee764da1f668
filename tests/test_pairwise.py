"""Double-blind pairwise rating: statistics against textbook values, blinding, CSV round trip,
the report, and the rating page driven by a real headless Chromium."""

from __future__ import annotations

import csv
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sqlscribe.cli import main
from training.evaluate.pairwise.report import build_report, load_key
from training.evaluate.pairwise.session import Session, SessionError
from training.evaluate.pairwise.stats import cohen_kappa, fleiss_kappa, percent_agreement, sign_test, wilson

A, B = "heuristic", "llama:tuned"


def test_cohen_kappa_textbook_example() -> None:
    # 50 proposals, two readers: yes/yes 20, yes/no 5, no/yes 10, no/no 15 → κ = 0.4.
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert percent_agreement(a, b) == pytest.approx(0.7)
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert cohen_kappa(a, a) == pytest.approx(1.0)


def test_fleiss_kappa_textbook_example() -> None:
    # Fleiss (1971) as tabulated on Wikipedia: 10 subjects, 14 raters, 5 categories → κ ≈ 0.210.
    table = [
        [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
    ]  # fmt: skip
    assert fleiss_kappa(table) == pytest.approx(0.210, abs=0.001)
    with pytest.raises(ValueError):
        fleiss_kappa([[1, 1], [2, 1]])


def test_sign_test_and_wilson() -> None:
    assert sign_test(9, 1) == pytest.approx(2 * 11 / 1024)
    assert sign_test(5, 5) == pytest.approx(1.0)
    assert sign_test(0, 0) == 1.0
    low, high = wilson(50, 100)
    assert low == pytest.approx(0.4038, abs=1e-3) and high == pytest.approx(0.5962, abs=1e-3)


def _cases_and_reports(folder: Path, n: int = 6) -> tuple[Path, Path]:
    cases, outputs_a, outputs_b = [], [], []
    for i in range(n):
        ddl = f"CREATE TABLE t{i} (\n  id INT PRIMARY KEY,\n  cust_nm VARCHAR(100)\n);"
        reference = {"table": f"Table {i}.", "columns": {"id": "Key.", "cust_nm": "Customer name."}}
        cases.append({"id": f"case-{i}", "dialect": "postgres", "ddl": ddl, "reference": reference})
        plain = {"id": "Id.", "cust_nm": "Customer name."}
        rich = {"id": "Surrogate key of the account.", "cust_nm": "Legal name of the customer."}
        outputs_a.append({"id": f"case-{i}", "generated": plain, "description": f"T {i}.", "error": None})
        outputs_b.append({"id": f"case-{i}", "generated": rich, "description": f"Accounts ({i}).", "error": None})
    case_file = folder / "cases.jsonl"
    case_file.write_text("".join(json.dumps(c) + "\n" for c in cases))
    report = {
        "systems": [{"summary": {"system": A}, "cases": outputs_a}, {"summary": {"system": B}, "cases": outputs_b}]
    }
    report_file = folder / "report.json"
    report_file.write_text(json.dumps(report))
    return case_file, report_file


@pytest.fixture
def session_dir(tmp_path: Path) -> Path:
    cases, report = _cases_and_reports(tmp_path)
    out = tmp_path / "session"
    args = ["eval", "pairwise", "create", str(cases), "--report", str(report), "--systems", f"{A},{B}"]
    assert main([*args, "--seed", "3", "--out", str(out)]) == 0
    return out


def _winner_side(session_dir: Path, item: str, system: str) -> str:
    key = json.loads(session_dir.with_name("session.key.json").read_text())
    return "left" if key["items"][item]["left"] == system else "right"


def test_blinding_is_balanced_and_needs_the_key(session_dir: Path, tmp_path: Path) -> None:
    items_text = (session_dir / "items.json").read_text()
    assert A not in items_text and B not in items_text  # identities are not in what raters get
    key = json.loads(session_dir.with_name("session.key.json").read_text())
    lefts = [sides["left"] for sides in key["items"].values()]
    assert lefts.count(A) == lefts.count(B) == 3
    session = Session(session_dir)
    # The left/right text really follows the key.
    for item in session.items:
        a_side = "left" if key["items"][item["item"]]["left"] == A else "right"
        assert item[a_side]["columns"]["id"] == "Id."
    session.record("r1", "item-001", "left")
    with pytest.raises(SessionError, match="does not exist"):
        load_key(tmp_path / "missing.key.json", session)
    other = tmp_path / "other"
    cases, report = tmp_path / "cases.jsonl", tmp_path / "report.json"
    args = ["eval", "pairwise", "create", str(cases), "--report", str(report), "--systems", f"{A},{B}"]
    assert main([*args, "--seed", "4", "--out", str(other)]) == 0
    with pytest.raises(SessionError, match="not of"):
        load_key(other.with_name("other.key.json"), session)
    key_other = json.loads(other.with_name("other.key.json").read_text())
    assert [s["left"] for s in key_other["items"].values()] != lefts  # another seed, another order


def test_csv_round_trip_and_bad_sheet(session_dir: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    assert main(["eval", "pairwise", "export", str(session_dir), "--out", str(sheet)]) == 0
    rows = list(csv.DictReader(sheet.open(encoding="utf-8")))
    assert len(rows) == 6 * 3  # a table row and two column rows per item
    for row in rows:
        if row["scope"] == "table":
            row["vote"] = _winner_side(session_dir, row["item"], B)
        elif row["column"] == "cust_nm":
            row["vote"] = "T"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert main(["eval", "pairwise", "import", str(session_dir), str(sheet), "--rater", "sheet-rater"]) == 0
    votes = Session(session_dir).votes("sheet-rater")
    assert len(votes) == 6 and all(v["columns"] == {"cust_nm": "tie"} for v in votes.values())
    report = build_report(
        Session(session_dir), load_key(session_dir.with_name("session.key.json"), Session(session_dir))
    )
    assert report["tables"][f"{B} wins"]["count"] == 6

    rows[0]["vote"] = "maybe"
    bad = tmp_path / "bad.csv"
    with bad.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert main(["eval", "pairwise", "import", str(session_dir), str(bad), "--rater", "bad-rater"]) == 1
    assert Session(session_dir).votes("bad-rater") == {}  # nothing half-imported


def test_report_unblinds_and_measures_agreement(session_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = Session(session_dir)
    items = [item["item"] for item in session.items]
    # r1 and r2 prefer B on every table; r3 prefers B on four and calls two a tie.
    for item in items:
        session.record("r1", item, _winner_side(session_dir, item, B))
        session.record("r2", item, _winner_side(session_dir, item, B))
    for item in items[:4]:
        session.record("r3", item, _winner_side(session_dir, item, B))
    for item in items[4:]:
        session.record("r3", item, "tie")
    session.record("r1", items[0], _winner_side(session_dir, items[0], A))  # a changed mind: the last vote counts
    report = build_report(session, load_key(session_dir.with_name("session.key.json"), session))
    tables = report["tables"]
    assert tables["votes"] == 18
    assert tables[f"{B} wins"]["count"] == 15 and tables[f"{A} wins"]["count"] == 1 and tables["ties"]["count"] == 2
    assert tables["sign_test_p"] == pytest.approx(sign_test(1, 15), abs=1e-6)
    assert report["per_rater"]["r2"][f"{B} wins"]["count"] == 6
    pairs = report["agreement"]["pairs"]
    assert pairs["r1 / r2"]["percent_agreement"] == pytest.approx(5 / 6, abs=1e-4)
    assert pairs["r2 / r3"]["cohen_kappa"] == pytest.approx(0.0)  # r2 never varies: agreement is all chance
    assert report["agreement"]["fleiss_items"] == 6
    assert main(["eval", "pairwise", "report", str(session_dir)]) == 0
    out = capsys.readouterr().out
    assert "Fleiss" in out and f"{B} wins" in out


def _chromium() -> tuple[str, str] | None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


def _serve(session_dir: Path, rater: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "sqlscribe", "eval", "pairwise", "serve", str(session_dir), "--rater", rater,
         "--port", "0"],
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stderr is not None
    line = proc.stderr.readline()
    url = line.split("rating page for", 1)[1].split(": ", 1)[1].split(" ", 1)[0]
    return proc, url


@pytest.mark.skipif(_chromium() is None, reason="needs Debian's chromium and chromium-driver")
def test_rating_page_in_a_real_browser(session_dir: Path) -> None:
    from selenium import webdriver
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    browser, driver_path = _chromium()  # type: ignore[misc]
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    service = webdriver.ChromeService(executable_path=driver_path)
    driver = webdriver.Chrome(options=options, service=service)
    server, url = _serve(session_dir, "alice")
    try:
        wait = WebDriverWait(driver, 20)

        def load() -> None:
            driver.get(url)
            wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")

        def progress() -> str:
            return str(driver.find_element(By.ID, "progress").text)

        load()
        assert driver.find_element(By.ID, "rater").text == "alice"
        assert progress() == "0 / 6 rated"
        body = driver.find_element(By.TAG_NAME, "body")
        # Three votes by keyboard: B's side each time, then a per-column vote by mouse.
        for n in range(3):
            item = driver.find_element(By.ID, "item-id").text.split("(")[1].split(",")[0]
            body.send_keys(Keys.ARROW_LEFT if _winner_side(session_dir, item, B) == "left" else Keys.ARROW_RIGHT)
            wait.until(lambda d, n=n: progress() == f"{n + 1} / 6 rated")
        body.send_keys("k")  # back to the third table
        driver.find_element(By.CSS_SELECTOR, 'button[data-column="cust_nm"][data-choice="tie"]').click()
        wait.until(lambda d: "saved: cust_nm tie" in d.find_element(By.ID, "status").text)

        # The server dies mid-session: every vote made so far is already on disk.
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
        votes = Session(session_dir).votes("alice")
        assert len(votes) == 3 and list(votes.values())[2]["columns"] == {"cust_nm": "tie"}

        server, url = _serve(session_dir, "alice")
        load()
        assert progress() == "3 / 6 rated"
        assert "Table 4 of 6" in driver.find_element(By.ID, "item-id").text  # resumes at the first open table
        body = driver.find_element(By.TAG_NAME, "body")
        for n in range(3, 6):
            item = driver.find_element(By.ID, "item-id").text.split("(")[1].split(",")[0]
            body.send_keys("t" if n == 5 else ("1" if _winner_side(session_dir, item, B) == "left" else "3"))
            wait.until(lambda d, n=n: progress() == f"{n + 1} / 6 rated")
            time.sleep(0.05)
    finally:
        driver.quit()
        server.kill()
        server.wait(timeout=10)
    session = Session(session_dir)
    report = build_report(session, load_key(session_dir.with_name("session.key.json"), session))
    assert report["tables"][f"{B} wins"]["count"] == 5 and report["tables"]["ties"]["count"] == 1
    assert report["columns"]["ties"]["count"] == 1
