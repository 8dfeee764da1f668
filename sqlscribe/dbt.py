"""The documentation as a dbt ``sources`` file, for projects that keep their docs in dbt.

``sqlscribe document postgresql://… --format dbt > models/staging/sources.yml`` gives dbt the
description of every table and column, as ``dbt docs`` and the warehouse's own persisted docs
read them. Strings are written as JSON strings, which are YAML double-quoted scalars.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import PurePath


def _source_of(table: str, origin: str) -> tuple[str, str | None, str]:
    """(source name, database, table name) for a dotted table name; a name without a schema is
    put in a source named after the file (or database) it came from."""
    parts = table.split(".")
    if len(parts) >= 3:
        return parts[-2], parts[-3], parts[-1]
    if len(parts) == 2:
        return parts[0], None, parts[1]
    stem = PurePath(origin.split("?")[0].rstrip("/")).stem or "default"
    return stem, None, parts[0]


def dbt_sources(records: Iterable[Mapping[str, object]]) -> str:
    """A dbt ``version: 2`` sources file for `sqlscribe document --format json` records."""
    sources: dict[tuple[str, str | None], list[Mapping[str, object]]] = {}
    seen: dict[tuple[str, str | None, str], dict[str, object]] = {}
    for record in records:
        name, database, table = _source_of(str(record["table"]), str(record["file"]))
        earlier = seen.get((name, database, table))
        if earlier is not None:  # the columns an ALTER TABLE adds join their table's entry
            had = earlier["columns"] if isinstance(earlier["columns"], Mapping) else {}
            more = record["columns"] if isinstance(record["columns"], Mapping) else {}
            earlier["columns"] = {**had, **{k: v for k, v in more.items() if v or k not in had}}
            earlier["description"] = earlier.get("description") or record.get("description")
            continue
        seen[name, database, table] = entry = {**record, "table": table}
        sources.setdefault((name, database), []).append(entry)
    lines = ["version: 2", "", "sources:"]
    for (name, database), tables in sources.items():
        lines.append(f"  - name: {json.dumps(name, ensure_ascii=False)}")
        if database is not None:
            lines.append(f"    database: {json.dumps(database, ensure_ascii=False)}")
        lines.append("    tables:")
        for record in tables:
            lines.append(f"      - name: {json.dumps(record['table'], ensure_ascii=False)}")
            if record.get("description"):
                lines.append(f"        description: {json.dumps(record['description'], ensure_ascii=False)}")
            columns = record.get("columns")
            if isinstance(columns, Mapping) and columns:
                lines.append("        columns:")
                for column, text in columns.items():
                    lines.append(f"          - name: {json.dumps(column, ensure_ascii=False)}")
                    if text:
                        lines.append(f"            description: {json.dumps(text, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"
