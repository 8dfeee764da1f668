"""Add a trained model to the registry (models/registry.toml) with its lineage and model card."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

from quantize.errors import ConversionError

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items() if v is not None) + " }"
    return json.dumps(str(value), ensure_ascii=False)


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key)


def toml_entry(entry: dict[str, Any]) -> str:
    """One ``[[model]]`` block: scalars first, then each table as ``[model.<name>]``."""
    lines = ["", "[[model]]"]
    tables = {k: v for k, v in entry.items() if isinstance(v, dict)}
    for key, value in entry.items():
        if key not in tables and value is not None:
            lines.append(f"{_key(key)} = {_value(value)}")
    for name, table in tables.items():
        lines.append(f"[model.{name}]")
        for key, value in table.items():
            if value is not None:
                lines.append(f"{_key(key)} = {_value(value)}")
    return "\n".join(lines) + "\n"


def record_evaluation(registry: Path, name: str, results: dict[str, Any]) -> None:
    """Write ``results`` as the ``[model.evaluation]`` table of model ``name``, replacing any
    earlier one; the rest of the file is kept as it is."""
    lines = registry.read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == "[[model]]"]
    block = None
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        if any(line.strip() == f"name = {_value(name)}" for line in lines[start:end]):
            block = (start, end)
            break
    if block is None:
        raise ConversionError(f"no model named {name!r} in {registry}")
    start, end = block
    kept: list[str] = []
    skipping = False
    for line in lines[start:end]:
        header = line.strip()
        if header.startswith("["):
            skipping = header == "[model.evaluation]"
        if not skipping:
            kept.append(line)
    while kept and not kept[-1].strip():
        kept.pop()
    table = ["[model.evaluation]", *(f"{_key(k)} = {_value(v)}" for k, v in results.items() if v is not None)]
    tail = [""] if end < len(lines) else []
    text = "\n".join([*lines[:start], *kept, *table, *tail, *lines[end:]]) + "\n"
    parsed = tomllib.loads(text)  # never write a registry that no longer reads
    entry = next(m for m in parsed.get("model", []) if m.get("name") == name)
    if set(entry.get("evaluation", {})) != {k for k, v in results.items() if v is not None}:
        raise ConversionError(f"could not record the evaluation of {name!r} in {registry}")
    registry.write_text(text, encoding="utf-8")


def card_with_evaluation(card: str, results: dict[str, Any]) -> str:
    """``card`` (a MODEL_CARD.md) with its ``## Evaluation`` section, last, replaced by ``results``."""
    head = card.split("\n## Evaluation\n", 1)[0].rstrip("\n")
    lines = [f"- {key}: {value}" for key, value in results.items() if value is not None]
    return head + "\n\n## Evaluation\n" + "\n".join(lines) + "\n"


def register(registry: Path, entry: dict[str, Any], *, make_default: bool = False) -> None:
    """Append ``entry`` to the registry file (and make it the default); refuses a name in use."""
    text = registry.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    if any(m.get("name") == entry["name"] for m in data.get("model", [])):
        raise ConversionError(f"a model named {entry['name']!r} is already registered in {registry}")
    text = text.rstrip("\n") + "\n" + toml_entry(entry)
    if make_default:
        text, count = re.subn(r'(?m)^default = "[^"]*"', f'default = "{entry["name"]}"', text, count=1)
        if count != 1:
            raise ConversionError(f"{registry} has no top-level default to change")
    tomllib.loads(text)  # never write a registry that no longer reads
    registry.write_text(text, encoding="utf-8")


def model_card(entry: dict[str, Any], verification: dict[str, Any]) -> str:
    lineage = entry.get("lineage", {})
    evaluation = entry.get("evaluation", {})
    lines = [
        f"# {entry['name']} (version {entry['version']})",
        "",
        entry.get("description", ""),
        "",
        "## Intended use",
        "Writing table descriptions and column comments for SQL DDL with sqlscribe (editor, CLI), from the",
        f"schema alone, locally. It expects sqlscribe's `{entry.get('prompt_style', 'tuned')}` prompt "
        "(sqlscribe/prompt.py) and answers",
        "JSON that sqlscribe constrains with a grammar and validates.",
        "",
        "## Limits",
        "- Trained only on synthetic tables (training/data/CARD.md); it has not seen your data or your conventions.",
        "- It infers meaning from names and types: opaque or misleading names get plausible but possibly wrong",
        "  comments. Review suggestions before accepting them; sqlscribe never overwrites existing comments.",
        "- English only. A small model: it can repeat phrases or miss units.",
        "",
        "## Licence",
        f"The adapter is released under the project's licence (Apache-2.0); the base model's licence applies to the "
        f"base weights: {entry['licence']}.",
        "",
        "## Lineage",
    ]
    for key, value in lineage.items():
        lines.append(f"- {key}: {value}")
    lines += ["", "## Conversion checks", f"```json\n{json.dumps(verification, indent=2)}\n```"]
    if evaluation:
        lines += ["", "## Evaluation", f"```json\n{json.dumps(evaluation, indent=2)}\n```"]
    return "\n".join(lines) + "\n"
