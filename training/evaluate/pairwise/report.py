"""Unblind the votes of every rater and summarise them."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from training.evaluate.pairwise.session import Session, SessionError
from training.evaluate.pairwise.stats import cohen_kappa, fleiss_kappa, percent_agreement, sign_test, wilson

TIE = "tie"


def load_key(path: Path, session: Session) -> dict[str, Any]:
    if not path.is_file():
        raise SessionError(f"the unblinding key {path} does not exist")
    key: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if key.get("session") != session.id:
        raise SessionError(f"{path} is the key of session {key.get('session')}, not of {session.id}")
    return key


def unblind(vote: str, sides: dict[str, str]) -> str:
    return TIE if vote == "tie" else sides[vote]


def _rates(outcomes: list[str], a: str, b: str) -> dict[str, Any]:
    n = len(outcomes)
    wins, losses = outcomes.count(a), outcomes.count(b)
    ties = n - wins - losses

    def rate(k: int) -> dict[str, Any]:
        low, high = wilson(k, n)
        return {"count": k, "rate": round(k / n, 4) if n else 0.0, "ci95": [round(low, 4), round(high, 4)]}

    return {"votes": n, f"{a} wins": rate(wins), "ties": rate(ties), f"{b} wins": rate(losses),
            "sign_test_p": round(sign_test(wins, losses), 6)}  # fmt: skip


def build_report(session: Session, key: dict[str, Any]) -> dict[str, Any]:
    a, b = key["systems"]
    sides = key["items"]
    raters = session.raters()
    if not raters:
        raise SessionError("no votes yet")
    unblinded: dict[str, dict[str, str]] = {}  # rater → item → winner (system name or tie)
    column_outcomes: list[str] = []
    for rater in raters:
        unblinded[rater] = {}
        for item, entry in session.votes(rater).items():
            unblinded[rater][item] = unblind(entry["vote"], sides[item])
            for vote in (entry.get("columns") or {}).values():
                column_outcomes.append(unblind(vote, sides[item]))
    all_outcomes = [w for votes in unblinded.values() for w in votes.values()]
    report: dict[str, Any] = {
        "session": session.id,
        "systems": [a, b],
        "items": len(session.items),
        "raters": raters,
        "tables": _rates(all_outcomes, a, b),
        "per_rater": {r: _rates(list(v.values()), a, b) for r, v in unblinded.items()},
    }
    if column_outcomes:
        report["columns"] = _rates(column_outcomes, a, b)
    pairs = {}
    for r1, r2 in itertools.combinations(raters, 2):
        common = sorted(set(unblinded[r1]) & set(unblinded[r2]))
        if common:
            x = [unblinded[r1][i] for i in common]
            y = [unblinded[r2][i] for i in common]
            pairs[f"{r1} / {r2}"] = {
                "items": len(common),
                "percent_agreement": round(percent_agreement(x, y), 4),
                "cohen_kappa": round(cohen_kappa(x, y), 4),
            }
    agreement: dict[str, Any] = {"pairs": pairs}
    if len(raters) >= 2:
        shared = [i for i in (item["item"] for item in session.items) if all(i in unblinded[r] for r in raters)]
        if shared:
            categories = [a, TIE, b]
            table = [[sum(1 for r in raters if unblinded[r][i] == c) for c in categories] for i in shared]
            agreement["fleiss_kappa"] = round(fleiss_kappa(table), 4)
            agreement["fleiss_items"] = len(shared)
    report["agreement"] = agreement
    return report


def markdown(report: dict[str, Any]) -> str:
    a, b = report["systems"]
    lines = [
        f"# Pairwise rating: {a} vs {b}",
        "",
        f"Session {report['session']}: {report['items']} tables, raters {', '.join(report['raters'])}.",
        "",
        "| scope | votes | " + f"{a} wins | ties | {b} wins | sign test p |",
        "|---|---:|---|---|---|---:|",
    ]

    def row(label: str, r: dict[str, Any]) -> str:
        def cell(k: str) -> str:
            x = r[k]
            return f"{x['rate']:.0%} ({x['ci95'][0]:.0%}–{x['ci95'][1]:.0%})"

        cells = " | ".join(cell(k) for k in (f"{a} wins", "ties", f"{b} wins"))
        return f"| {label} | {r['votes']} | {cells} | {r['sign_test_p']:.4f} |"

    lines.append(row("tables, all raters", report["tables"]))
    if "columns" in report:
        lines.append(row("columns, all raters", report["columns"]))
    for rater, r in report["per_rater"].items():
        lines.append(row(f"rater {rater}", r))
    agreement = report["agreement"]
    lines += ["", "## Agreement between raters", ""]
    if agreement["pairs"]:
        lines += ["| raters | items | agreement | Cohen's κ |", "|---|---:|---:|---:|"]
        for pair, p in agreement["pairs"].items():
            lines.append(f"| {pair} | {p['items']} | {p['percent_agreement']:.0%} | {p['cohen_kappa']:.3f} |")
    else:
        lines.append("One rater only: no agreement to measure.")
    if "fleiss_kappa" in agreement:
        lines += ["", f"Fleiss' κ over the {agreement['fleiss_items']} tables every rater voted on: "
                  f"{agreement['fleiss_kappa']:.3f}."]  # fmt: skip
    return "\n".join(lines) + "\n"
