"""Build ``training/data/real``: training examples from tables whose authors documented them.

The synthetic corpus teaches our house style, and the tuned models learned it too well: they
write "Surrogate key that uniquely identifies the claim." where people write what a column does
and how it is used ("When the shipping of goods should start."). This corpus is the authors' own
words, from ORM applications on PyPI that no evaluation set draws on (README.md names them):

- Tryton's modules: each field's ``help``, with the DDL of the database trytond-admin builds
  (``tryton_models.py`` prints it);
- Django applications: each field's ``help_text`` and the model's docstring
  (``training/evaluate/realworld/django_models.py --apps`` prints it).

Authors document some columns, not all, and an answer must cover every column. The model that
is being tuned fills the rest: what the product's default model writes (``--model``, on the
general prompt), so a column without the author's words teaches nothing the product does not
already write, and the loss on the documented ones teaches how people write. A filled text
that borrows from the prompt's worked example ("Sales representative who ran the production."
for an employee key) is a wrong fact the fill would teach; the identifier heuristic's text
stands in for it.

    python -m training.harvest.build --tryton tryton.json --django django.json \
        --exclude training/evaluate/realworld/heldout.jsonl --exclude training/evaluate/realworld/final.jsonl \
        --exclude ../shared/eval/dev.jsonl --out training/data/real
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlscribe.ddl import parse_sql
from sqlscribe.docs import TableDocs
from sqlscribe.generate import DocRequest
from sqlscribe.generate.heuristic import heuristic_docs
from sqlscribe.prompt import messages, render_answer
from sqlscribe.suggest import request_for
from training.evaluate.metrics import borrowed_texts
from training.evaluate.realworld.build import MIN_COLUMNS, case
from training.finetune.data import read_split

PROMPT_STYLE = "general"
MAX_COLUMNS = 30  # longer tables do not fit the training length (max_length 1280 tokens)
VALIDATION_SHARE = 0.1
# One text the framework gives many columns ("Uncheck to exclude from future use." on each of
# Tryton's ``active`` flags) is kept for its first few tables only: the model fills the others.
REPEATS = 3


def harvest(dumps: list[Path], exclude: list[Path]) -> list[dict[str, Any]]:
    """Cases (the shape of shared/eval) from ORM dumps: tables with at least ``MIN_COLUMNS``
    documented columns and at most ``MAX_COLUMNS`` columns, none from an evaluation set's
    sources or tables."""
    taken_ids, taken_sources = set(), set()
    for path in exclude:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                taken_ids.add(row["id"])
                taken_sources.add(row["source"])
    out: list[dict[str, Any]] = []
    used: Counter[str] = Counter()
    models = [m for path in dumps for m in json.loads(path.read_text(encoding="utf-8"))]
    for model in sorted(models, key=lambda m: (m["package"], m["table"])):
        if model["package"] in taken_sources or f"{model['package']}/{model['table']}" in taken_ids:
            continue
        if len(parse_sql(model["ddl"], "postgres").tables[0].columns) > MAX_COLUMNS:
            continue
        columns = {}
        for name, text in model["columns"].items():
            used[text] += 1
            if used[text] <= REPEATS:
                columns[name] = text
        if len(columns) < MIN_COLUMNS:
            continue
        item = case(model["package"], "postgres", model["table"], model["ddl"], model["table_doc"], columns)
        out.append(item)
    return sorted(out, key=lambda c: c["id"])


def example(item: dict[str, Any], fill: Callable[[DocRequest], TableDocs]) -> dict[str, Any]:
    """A training row: the general prompt for the table and, as the answer, the author's words
    where there are some and what ``fill`` writes for the same request elsewhere."""
    request = request_for(parse_sql(item["ddl"], item["dialect"]), 0)
    filled = unborrowed(fill(request), request, item["ddl"])
    human = item["reference"]
    docs = TableDocs(
        human["table"] or filled.description,
        {name: human["columns"].get(name) or filled.columns.get(name, "") for name in request.columns},
    )
    chat = [*messages(request, PROMPT_STYLE), {"role": "assistant", "content": render_answer(docs, request)}]
    return {
        "id": item["id"],
        "dialect": item["dialect"],
        "ddl": item["ddl"],
        "reference": docs.to_json(),
        "authors": human,
        "messages": chat,
    }


def unborrowed(filled: TableDocs, request: DocRequest, ddl: str) -> TableDocs:
    """``filled`` with each text that borrows from the worked example (training/evaluate's
    ``borrowed_texts``) replaced by the identifier heuristic's for the same column or table."""
    plain = heuristic_docs(request)

    def clean(text: str | None, fallback: str | None) -> str | None:
        return fallback if text and fallback and borrowed_texts([text], ddl) else text

    return TableDocs(
        clean(filled.description, plain.description),
        {name: clean(text, plain.columns.get(name)) or "" for name, text in filled.columns.items()},
    )


def previous_fills(folder: Path) -> dict[str, TableDocs]:
    """The answers of an earlier build of this corpus, by the prompt they answer: a table whose
    prompt has not changed since (same DDL, same prompt) needs no second fill."""
    rows = read_split(folder, "train") + read_split(folder, "validation")
    return {
        _prompt_key(row["messages"][:-1]): TableDocs(row["reference"]["table"], row["reference"]["columns"])
        for row in rows
    }


def _prompt_key(chat: list[dict[str, str]]) -> str:
    return json.dumps(chat, ensure_ascii=False, sort_keys=True)


def write(rows: list[dict[str, Any]], cases: list[dict[str, Any]], out: Path, model: str) -> None:
    """The splits (a seeded tenth of the tables for validation) and their manifest."""
    rows = sorted(rows, key=lambda r: r["id"])
    random.Random(0).shuffle(rows)
    cut = max(1, round(len(rows) * VALIDATION_SHARE))
    out.mkdir(parents=True, exist_ok=True)
    splits = {}
    for split, part in (("validation", rows[:cut]), ("train", rows[cut:])):
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in sorted(part, key=lambda r: r["id"]))
        (out / f"{split}.jsonl").write_text(text, encoding="utf-8")
        splits[split] = {"examples": len(part), "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}
    manifest = {
        "prompt_style": PROMPT_STYLE,
        "filled_by": model,
        "authors_references": sum(len(c["reference"]["columns"]) + bool(c["reference"]["table"]) for c in cases),
        "sources": dict(sorted(Counter(c["source"] for c in cases).items())),
        "splits": splits,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tryton", type=Path, action="append", default=[], help="JSON tryton_models.py printed")
    parser.add_argument("--django", type=Path, action="append", default=[], help="JSON django_models.py printed")
    parser.add_argument("--exclude", type=Path, action="append", default=[],
                        help="an evaluation case file: its sources and tables are left out (repeatable)")  # fmt: skip
    parser.add_argument("--model", help="the model that fills the rest (default: the default model)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--reuse", type=Path, help="an earlier build: unchanged prompts keep its answers")
    args = parser.parse_args(argv)
    from sqlscribe.models import load_registry
    from training.evaluate.cli import backend_for

    model = args.model or load_registry().default
    cases = harvest([*args.tryton, *args.django], args.exclude)
    if not cases:
        parser.error("no documented tables: name at least one dump")
    backend = backend_for(f"llama:{model}")
    earlier = previous_fills(args.reuse) if args.reuse else {}

    def fill(request: DocRequest) -> TableDocs:
        known = earlier.get(_prompt_key(messages(request, PROMPT_STYLE)))
        return known if known is not None else backend.document(request).docs

    rows = []
    for n, item in enumerate(cases, 1):
        rows.append(example(item, fill))
        print(f"[{n}/{len(cases)}] {item['id']}", flush=True)
    write(rows, cases, args.out, model)
    print(f"{len(cases)} tables from {len({c['source'] for c in cases})} sources -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
