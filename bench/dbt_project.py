"""Speed of `sqlscribe document dbt:…` on a large project, the model left out (heuristic backend).

    .venv/bin/python bench/dbt_project.py [--models 300] [--columns 20] [--repeat 3]

Writes a synthetic dbt project's artifacts as `dbt docs generate` leaves them (manifest.json with
compiled SQL, catalog.json) into a temporary folder: a third of the models staging tables that
rename their source's columns, the rest marts that join two staging models through CTEs and
compute a few columns; half the staging columns described in a property file. Prints medians
over --repeat runs (after one warm-up), as Markdown rows for docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
from pathlib import Path
from typing import Any

from throughput import median_seconds  # bench/, beside this script

from sqlscribe.dbt_project import document_project, lacking, plan_project, read_project
from sqlscribe.document import plan_file
from sqlscribe.generate import HeuristicBackend


def write_project(root: Path, models: int, width: int) -> None:
    """A project whose models are a third staging (one per source table) and the rest marts."""
    staging = max(1, models // 3)
    nodes: dict[str, Any] = {}
    sources: dict[str, Any] = {}
    catalog_nodes: dict[str, Any] = {}
    catalog_sources: dict[str, Any] = {}
    yaml = ["version: 2", "", "models:"]

    def catalog(schema: str, name: str, columns: list[str]) -> dict[str, Any]:
        return {
            "metadata": {"schema": schema, "name": name, "database": "bench"},
            "columns": {c: {"name": c, "type": "VARCHAR", "index": i} for i, c in enumerate(columns, 1)},
        }

    def model(name: str, patch: str | None, columns: dict[str, Any], sql: str) -> dict[str, Any]:
        return {
            "resource_type": "model",
            "name": name,
            "package_name": "bench",
            "schema": "main",
            "original_file_path": f"models/{name}.sql",
            "patch_path": patch,
            "description": "",
            "columns": columns,
            "compiled_code": sql,
        }

    for i in range(staging):
        raw = [f"cust_attr_{k}_cd" for k in range(width)]
        uid = f"source.bench.raw.t{i}"
        sources[uid] = {"resource_type": "source", "name": f"t{i}", "source_name": "raw", "schema": "raw"}
        sources[uid] |= {"package_name": "bench", "original_file_path": "models/sources.yml", "columns": {}}
        catalog_sources[uid] = catalog("raw", f"t{i}", raw)
        renamed = [f"customer_attribute_{k}" for k in range(width)]
        select = ", ".join(f"{r} as {n}" for r, n in zip(raw, renamed, strict=True))
        described = {n: {"name": n, "description": f"Attribute {k}."} for k, n in enumerate(renamed) if k % 2}
        sql = f'select {select} from "bench"."raw"."t{i}"'
        nodes[f"model.bench.stg_{i}"] = model(f"stg_{i}", "bench://models/schema.yml", described, sql)
        catalog_nodes[f"model.bench.stg_{i}"] = catalog("main", f"stg_{i}", renamed)
        yaml += [f"  - name: stg_{i}", "    columns:"]
        yaml += [f"      - name: {n}\n        description: Attribute {k}." for k, n in enumerate(renamed) if k % 2]
    for i in range(models - staging):
        a, b = i % staging, (i + 1) % staging
        left = [f"customer_attribute_{k}" for k in range(width // 2)]
        computed = [f"upper(l.customer_attribute_0) as measure_{k}" for k in range(width - len(left))]
        columns = left + [f"measure_{k}" for k in range(width - len(left))]
        sql = (
            f'with l as (select * from "bench"."main"."stg_{a}"), r as (select * from "bench"."main"."stg_{b}")'
            f" select {', '.join(f'l.{c}' for c in left)}, {', '.join(computed)}"
            " from l join r on r.customer_attribute_1 = l.customer_attribute_1"
        )
        nodes[f"model.bench.mart_{i}"] = model(f"mart_{i}", None, {}, sql)
        catalog_nodes[f"model.bench.mart_{i}"] = catalog("main", f"mart_{i}", columns)
    (root / "models").mkdir(parents=True)
    (root / "target").mkdir()
    (root / "dbt_project.yml").write_text("name: bench\nversion: '1.0'\nprofile: bench\n", encoding="utf-8")
    (root / "models" / "schema.yml").write_text("\n".join(yaml) + "\n", encoding="utf-8")
    tables = "".join(f"      - name: t{i}\n" for i in range(staging))
    (root / "models" / "sources.yml").write_text(f"version: 2\nsources:\n  - name: raw\n    tables:\n{tables}")
    metadata = {"project_name": "bench", "adapter_type": "duckdb"}
    manifest = {"metadata": metadata, "nodes": nodes, "sources": sources}
    (root / "target" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (root / "target" / "catalog.json").write_text(
        json.dumps({"nodes": catalog_nodes, "sources": catalog_sources}), encoding="utf-8"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", type=int, default=300)
    parser.add_argument("--columns", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "bench"
        write_project(root, args.models, args.columns)
        spec = f"dbt:{root}"
        project = read_project(spec)
        resources, columns = len(project.resources), sum(len(r.columns) for r in project.resources)
        plan_project(project)
        carried = sum(len(r.carried) for r in project.resources)
        done = document_project(read_project(spec), HeuristicBackend())
        assert not done.problems, done.problems

        def check() -> None:
            read = read_project(spec)
            plan_file(read.ddl(), path=spec, dialect=read.dialect)

        rows = [
            ("read the artifacts (`read_project`)", median_seconds(lambda: read_project(spec), args.repeat)),
            ("`--check` (read, render and parse the DDL)", median_seconds(check, args.repeat)),
            (
                "the editor's hint in a staging model's file (`lacking`, fresh read; its entry in the property file)",
                median_seconds(lambda: lacking(spec, (root / "models" / "stg_0.sql",)), args.repeat),
            ),
            (
                "the editor's hint in a mart's file (`lacking`, fresh read; no entry)",
                median_seconds(lambda: lacking(spec, (root / "models" / "mart_0.sql",)), args.repeat),
            ),
            (
                "plan with column lineage (`plan_project`, fresh read)",
                median_seconds(lambda: plan_project(read_project(spec)), args.repeat),
            ),
            (
                "document with the heuristic backend and edit the YAML (`document_project`)",
                median_seconds(lambda: document_project(read_project(spec), HeuristicBackend()), args.repeat),
            ),
        ]
    print(f"<!-- {platform.machine()}, {platform.python_version()}, {args.models} models of {args.columns} columns -->")
    print(f"{resources} resources, {columns} columns; {carried} descriptions carried before the model runs")
    print("| step | median |")
    print("|---|---|")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.2f} s |")


if __name__ == "__main__":
    main()
