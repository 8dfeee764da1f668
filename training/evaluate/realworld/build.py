"""Build ``heldout.jsonl``: tables from public schemas whose authors documented them, with the
documentation taken out of the DDL and kept as the reference (the format of shared/eval).

It is a second real-world set next to the shared dev set, never used for training or tuning:
nine tables from two projects decide nothing by themselves (see docs/EVALUATION.md). The
sources are Debian and PyPI packages (README.md names versions and the commands):

- MediaWiki's abstract schema (``maintenance/tables.json``: a comment on most tables and many
  columns) with the MySQL DDL MediaWiki generates from it (``tables-generated.sql``);
- Slony-I's replication catalogue (``slony1_base.sql``: PostgreSQL DDL with COMMENT ON);
- Cacti's schema (``cacti.sql``: MySQL DDL with inline COMMENT clauses);
- Django applications (``help_text`` on fields, the model's own docstring), as the PostgreSQL
  DDL Django writes for them (``django_models.py`` dumps it).

Each source keeps the tables with at least two documented columns, at most ``CAP`` of them
(a seeded sample), so that no one project's style decides the average.

    python -m training.evaluate.realworld.build --mediawiki DIR --slony FILE --cacti FILE \
        --django FILE --out training/evaluate/realworld/heldout.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path
from typing import Any

from sqlscribe.ddl import parse_sql
from sqlscribe.ddl.model import Table

CAP = 12
MIN_COLUMNS = 2


def clean(text: str) -> str:
    """The author's words, with whitespace collapsed and Sphinx roles (``:class:`~a.B```) read as names."""
    text = re.sub(r":\w+:`~?(?:[\w.]*\.)?([^`]+)`", r"\1", text)
    return " ".join(text.split())


def strip_comments(text: str, table: Table) -> str:
    """The table's CREATE statement with its inline comment clauses (and the space before them) removed."""
    clauses = [c.comment.clause for c in table.columns if c.comment is not None]
    if table.comment is not None and table.span.start <= table.comment.clause.start < table.span.end:
        clauses.append(table.comment.clause)
    out, at = [], table.span.start
    for span in sorted(clauses, key=lambda s: s.start):
        if not table.span.start <= span.start < table.span.end:
            continue  # a COMMENT ON statement after the table
        start = span.start
        while start > at and text[start - 1] in " \t":
            start -= 1
        out.append(text[at:start])
        at = span.end
    out.append(text[at : table.span.end])
    return "".join(out).strip() + ";"


def case(
    source: str, dialect: str, name: str, ddl: str, table_doc: str | None, columns: dict[str, str]
) -> dict[str, Any]:
    """A case for table ``name`` of ``source``, once its bare ``ddl`` reads back as one table."""
    check = parse_sql(ddl, dialect)
    if len(check.tables) != 1 or not check.tables[0].complete:
        raise ValueError(f"{source}/{name}: the stripped DDL does not parse as one table")
    parsed = check.tables[0]
    if parsed.comment is not None or any(c.comment is not None for c in parsed.columns):
        raise ValueError(f"{source}/{name}: a comment is left in the DDL")
    names = {c.name for c in parsed.columns}
    kept = {name: clean(text) for name, text in columns.items() if name in names and clean(text)}
    return {
        "id": f"{source}/{parsed.short_name}",
        "source": source,
        "dialect": dialect,
        "ddl": ddl,
        "reference": {"table": clean(table_doc) if table_doc and clean(table_doc) else None, "columns": kept},
    }


def from_commented_sql(source: str, text: str, dialect: str) -> list[dict[str, Any]]:
    """Cases from DDL whose comments are in the SQL itself (inline clauses or COMMENT ON)."""
    out = []
    for table in parse_sql(text, dialect).tables:
        columns = {c.name: c.comment.text for c in table.columns if c.comment is not None}
        if len(columns) < MIN_COLUMNS:
            continue
        ddl = strip_comments(text, table)
        out.append(case(source, dialect, table.name, ddl, table.comment.text if table.comment else None, columns))
    return out


def slony(path: Path) -> list[dict[str, Any]]:
    # The install script's schema placeholder, and WITHOUT OIDS (refused since PostgreSQL 12).
    text = path.read_text(encoding="utf-8").replace("@NAMESPACE@.", "")
    text = re.sub(r"\)\s*without\s+oids\s*;", ");", text, flags=re.IGNORECASE)
    return from_commented_sql("slony1", text, "postgres")


def cacti(path: Path) -> list[dict[str, Any]]:
    return from_commented_sql("cacti", path.read_text(encoding="utf-8"), "mysql")


def mediawiki(root: Path) -> list[dict[str, Any]]:
    maintenance = root / "usr" / "share" / "mediawiki" / "maintenance"
    abstract = {t["name"]: t for t in json.loads((maintenance / "tables.json").read_text(encoding="utf-8"))}
    text = (maintenance / "tables-generated.sql").read_text(encoding="utf-8")
    text = text.replace("/*_*/", "").replace("/*$wgDBTableOptions*/", "")
    out = []
    for table in parse_sql(text, "mysql").tables:
        spec = abstract.get(table.short_name)
        if spec is None:
            continue
        columns = {c["name"]: c["comment"] for c in spec["columns"] if c.get("comment")}
        if len(columns) < MIN_COLUMNS:
            continue
        ddl = text[table.span.start : table.span.end].strip() + ";"
        out.append(case("mediawiki", "mysql", table.name, ddl, spec.get("comment"), columns))
    return out


def django(path: Path) -> list[dict[str, Any]]:
    out = []
    for model in json.loads(path.read_text(encoding="utf-8")):
        if len(model["columns"]) < MIN_COLUMNS:
            continue
        out.append(
            case(model["package"], "postgres", model["table"], model["ddl"], model["table_doc"], model["columns"])
        )
    return out


def select(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per source: drop copies of a table (same description, same columns but for their digits,
    like Slony's ``sl_log_1`` and ``sl_log_2``), then sample ``CAP``."""
    by_source: dict[str, list[dict[str, Any]]] = {}
    seen: set[tuple[str, ...]] = set()
    for item in cases:
        columns = sorted(re.sub(r"\d", "", name) for name in item["reference"]["columns"])
        key = (item["source"], item["reference"]["table"] or "", *columns)
        if key in seen:
            continue
        seen.add(key)
        by_source.setdefault(item["source"], []).append(item)
    out = []
    for source in sorted(by_source):
        items = sorted(by_source[source], key=lambda c: c["id"])
        if len(items) > CAP:
            items = sorted(random.Random(0).sample(items, CAP), key=lambda c: c["id"])
        out.extend(items)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mediawiki", type=Path, help="the mediawiki .deb, extracted (dpkg-deb -x)")
    parser.add_argument("--slony", type=Path, help="slony1_base.<version>.sql from slony1-2-bin")
    parser.add_argument("--cacti", type=Path, help="conf_templates/cacti.sql from cacti")
    parser.add_argument("--django", type=Path, help="the JSON django_models.py printed")
    parser.add_argument("--exclude", type=Path, action="append", default=[],
                        help="a case file whose tables this set must not repeat (repeatable)")  # fmt: skip
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    found = []
    for path, read in ((args.mediawiki, mediawiki), (args.slony, slony), (args.cacti, cacti), (args.django, django)):
        if path is not None:
            found += read(path)
    taken = {json.loads(line)["id"] for path in args.exclude for line in path.read_text(encoding="utf-8").splitlines()}
    cases = select([c for c in found if c["id"] not in taken])
    if not cases:
        parser.error("no tables: name at least one source")
    args.out.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
    sources = sorted({c["source"] for c in cases})
    refs = sum(len(c["reference"]["columns"]) + bool(c["reference"]["table"]) for c in cases)
    print(f"{len(cases)} tables from {len(sources)} sources ({', '.join(sources)}), {refs} references -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
