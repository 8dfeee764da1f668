"""Write a synthetic dataset: splits held out by NAICS sector, a validation report and a card."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlscribe.ddl import parse_sql
from training.evaluate.metrics import is_restatement
from training.synth.generate import GENERATOR_VERSION, PROMPT_STYLE, Example, ddl_digest, generate
from training.synth.taxonomy import Entity, Taxonomy, load_taxonomy, naics_title

DEFAULT_COUNT = 3600
# Whole NAICS sectors held out, so validation and test measure unseen industries:
# utilities, education and arts/recreation for test; mining and other services for validation.
SPLIT_SECTORS = {"test": ("22", "61", "71"), "validation": ("21", "81")}
SPLITS = ("train", "validation", "test")


def split_of(sector: str) -> str:
    for split, sectors in SPLIT_SECTORS.items():
        if sector in sectors:
            return split
    return "train"


@dataclass
class Validation:
    examples: int = 0
    parse_failures: list[str] = field(default_factory=list)
    missing_references: list[str] = field(default_factory=list)
    duplicates: int = 0
    columns_documented: int = 0
    restated: int = 0
    restated_examples: list[tuple[str, str]] = field(default_factory=list)

    @property
    def restatement_rate(self) -> float:
        return self.restated / self.columns_documented if self.columns_documented else 0.0

    @property
    def ok(self) -> bool:
        return not self.parse_failures and not self.missing_references and not self.duplicates


def validate(examples: list[Example]) -> Validation:
    """Every DDL parses in its dialect, every asked column has a reference, no duplicates;
    and how many references merely restate their column's name."""
    report = Validation(examples=len(examples))
    seen: set[str] = set()
    for ex in examples:
        digest = ddl_digest(ex.ddl)
        if digest in seen:
            report.duplicates += 1
        seen.add(digest)
        parsed = parse_sql(ex.ddl, ex.dialect)
        if any(d.severity == "error" for d in parsed.diagnostics) or len(parsed.tables) != 1:
            report.parse_failures.append(ex.id)
            continue
        undocumented = [c.name for c in parsed.tables[0].columns if c.comment is None]
        refs = ex.reference["columns"]
        if sorted(undocumented) != sorted(refs) or any(not str(v).strip() for v in refs.values()):
            report.missing_references.append(ex.id)
        for column, text in refs.items():
            report.columns_documented += 1
            if is_restatement(text, column):
                report.restated += 1
                if len(report.restated_examples) < 20:
                    report.restated_examples.append((column, text))
    return report


def allocate(entities: list[Entity]) -> dict[str, list[Entity]]:
    """Entities per split, by the sector of their industry."""
    by_split: dict[str, list[Entity]] = {s: [] for s in SPLITS}
    for entity in entities:
        by_split[split_of(entity.sector)].append(entity)
    return by_split


def build(count: int = DEFAULT_COUNT, seed: int = 0, taxonomy: Taxonomy | None = None) -> dict[str, list[Example]]:
    taxonomy = taxonomy or load_taxonomy()
    by_split = allocate(list(taxonomy.entities))
    # Each split gets examples in proportion to its entities.
    total = sum(len(v) for v in by_split.values())
    sizes = {s: round(count * len(by_split[s]) / total) for s in SPLITS if s != "train"}
    sizes["train"] = count - sum(sizes.values())
    return {s: list(generate(taxonomy, by_split[s], sizes[s], seed, s)) for s in SPLITS}


def ensure_default(folder: Path) -> bool:
    """Write the default corpus (seed 0) into ``folder`` unless this generator's splits are there;
    True when written."""
    manifest = folder / "manifest.json"
    present = all((folder / f"{split}.jsonl").is_file() for split in SPLITS) and manifest.is_file()
    if present and json.loads(manifest.read_text(encoding="utf-8")).get("generator_version") == GENERATOR_VERSION:
        return False
    write(build(DEFAULT_COUNT, 0), folder, 0)
    return True


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write(splits: dict[str, list[Example]], out: Path, seed: int) -> dict[str, Any]:
    """Write ``<split>.jsonl``, ``manifest.json`` and ``CARD.md``; returns the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    hashes: dict[str, str] = {}
    for split, examples in splits.items():
        path = out / f"{split}.jsonl"
        path.write_text("".join(ex.to_json() + "\n" for ex in examples), encoding="utf-8")
        hashes[split] = sha256_file(path)
    everything = [ex for examples in splits.values() for ex in examples]
    report = validate(everything)
    manifest: dict[str, Any] = {
        "generator_version": GENERATOR_VERSION,
        "prompt_style": PROMPT_STYLE,
        "seed": seed,
        "count": len(everything),
        "splits": {s: {"examples": len(splits[s]), "sha256": hashes[s]} for s in splits},
        "held_out_sectors": SPLIT_SECTORS,
        "validation": {
            "parse_failures": len(report.parse_failures),
            "missing_references": len(report.missing_references),
            "duplicates": report.duplicates,
            "columns_documented": report.columns_documented,
            "restated": report.restated,
            "restatement_rate": round(report.restatement_rate, 4),
        },
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    (out / "CARD.md").write_text(card(splits, manifest, report), encoding="utf-8")
    return manifest


def _bucket(columns: int) -> str:
    for upper, label in ((5, "2-5"), (10, "6-10"), (20, "11-20"), (40, "21-40")):
        if columns <= upper:
            return label
    return "41-60"


def _table(title: str, counts: dict[str, Counter[str]], order: list[str]) -> list[str]:
    lines = [f"| {title} | " + " | ".join(SPLITS) + " |", "|---|" + "---:|" * len(SPLITS)]
    for key in order:
        lines.append(f"| {key} | " + " | ".join(str(counts[s][key]) for s in SPLITS) + " |")
    return lines


def card(splits: dict[str, list[Example]], manifest: dict[str, Any], report: Validation) -> str:
    taxonomy = load_taxonomy()
    by: dict[str, dict[str, Counter[str]]] = {"dialect": {}, "sector": {}, "bucket": {}, "style": {}, "table_style": {}}
    for split, examples in splits.items():
        by["dialect"][split] = Counter(ex.dialect for ex in examples)
        by["sector"][split] = Counter(ex.meta["sector"] for ex in examples)
        by["bucket"][split] = Counter(_bucket(ex.meta["columns"]) for ex in examples)
        by["style"][split] = Counter(ex.meta["column_style"] for ex in examples)
        by["table_style"][split] = Counter(ex.meta["table_style"] for ex in examples)
    v = manifest["validation"]
    lines = [
        "# Synthetic training data: dataset card",
        "",
        "Made by `sqlscribe data synth` (training/synth). Regenerate it byte for byte with",
        f"`sqlscribe data synth --count {manifest['count']} --seed {manifest['seed']} --out DIR`.",
        "",
        f"- Generator version {manifest['generator_version']}; seed {manifest['seed']}; "
        f"prompt style `{manifest['prompt_style']}`.",
        f"- Taxonomy: {len(taxonomy.industries)} industries, {len(taxonomy.entities)} entity types, "
        f"{len(taxonomy.sectors())} NAICS sectors.",
        "- Held out by NAICS sector: "
        + "; ".join(f"{s}: {', '.join(secs)}" for s, secs in manifest["held_out_sectors"].items())
        + "; every other sector is train.",
        "- Each line: `id`, `dialect`, `ddl`, `reference` (`table`, `columns`), `messages` (the chat the",
        "  fine-tuner consumes, rendered by `sqlscribe.prompt`), `meta` (industry, NAICS, conventions).",
        "",
        "## Splits",
        "",
        "| split | examples | sha256 |",
        "|---|---:|---|",
    ]
    for split, info in manifest["splits"].items():
        lines.append(f"| {split} | {info['examples']} | `{info['sha256']}` |")
    lines += [
        "",
        "## Validation",
        "",
        f"- DDL that does not parse in its dialect: {v['parse_failures']}",
        f"- Examples with a column lacking a reference: {v['missing_references']}",
        f"- Duplicate DDL: {v['duplicates']}",
        f"- References that merely restate their column name: {v['restated']} of {v['columns_documented']} "
        f"({100 * v['restatement_rate']:.1f}%), measured with `training.evaluate.metrics.is_restatement`.",
    ]
    if report.restated_examples:
        lines.append(
            "- Examples of what the check flags: "
            + "; ".join(f'`{c}` → "{t}"' for c, t in report.restated_examples[:5])
        )
    buckets = ["2-5", "6-10", "11-20", "21-40", "41-60"]
    lines += ["", "## Dialects", "", *_table("dialect", by["dialect"], _keys(by["dialect"]))]
    lines += ["", "## Columns per table", "", *_table("columns", by["bucket"], buckets)]
    lines += ["", "## Table naming conventions", "", *_table("style", by["table_style"], _keys(by["table_style"]))]
    lines += ["", "## Column naming conventions", "", *_table("style", by["style"], _keys(by["style"]))]
    order = sorted({d for c in by["sector"].values() for d in c})
    lines += ["", "## NAICS sectors", "", *_table("sector", by["sector"], order)]
    lines += ["", "Sector titles: " + "; ".join(f"{s} {naics_title(s)}" for s in order), ""]
    return "\n".join(lines)


def _keys(counts: dict[str, Counter[str]]) -> list[str]:
    return sorted({key for counter in counts.values() for key in counter})
