"""``sqlscribe models list`` and ``sqlscribe models verify``."""

from __future__ import annotations

import argparse
import json
import sys

from sqlscribe.models import FileSource, ModelError, ModelSpec, load_registry, locate


def _entry(spec: ModelSpec, default: bool) -> dict[str, object]:
    def source(src: FileSource | None) -> dict[str, object] | None:
        if src is None:
            return None
        return {"source": src.source, "location": src.describe(), "sha256": src.sha256, "package": src.package or None}

    return {
        "name": spec.name,
        "version": spec.version,
        "default": default,
        "description": spec.description,
        "prompt_style": spec.prompt_style,
        "licence": spec.licence,
        "base": source(spec.base),
        "adapter": source(spec.adapter),
        "adapter_scale": spec.adapter_scale if spec.adapter else None,
        "lineage": spec.lineage,
        "evaluation": spec.evaluation,
    }


def model_entries() -> list[dict[str, object]]:
    """Every registered model with its lineage and whether it is the default (``models list --json``)."""
    registry = load_registry()
    return [_entry(m, m.name == registry.default) for m in registry.models]


def cmd_models(args: argparse.Namespace) -> int:
    registry = load_registry()
    if args.models_command == "list":
        entries = model_entries()
        if args.json:
            json.dump(entries, sys.stdout, indent=2, ensure_ascii=False)
            sys.stdout.write("\n")
            return 0
        for spec in registry.models:
            mark = "*" if spec.name == registry.default else " "
            adapter = f" + adapter {spec.adapter.describe()}" if spec.adapter else ""
            if spec.scale_tag:
                adapter += f" at scale {spec.adapter_scale:g}"
            print(f"{mark} {spec.name} (v{spec.version}, {spec.prompt_style} prompt): {spec.base.describe()}{adapter}")
            if spec.description:
                print(f"    {spec.description}")
            for key, value in spec.lineage.items():
                print(f"    {key}: {value}")
            for key, value in spec.evaluation.items():
                print(f"    evaluation.{key}: {value}")
        print("(* = default)")
        return 0
    # verify
    bad = 0
    for spec in registry.models:
        for label, src in (("base", spec.base), ("adapter", spec.adapter)):
            if src is None:
                continue
            try:
                path = locate(src, spec, verify=True)
            except ModelError as error:
                message = str(error)
                if "not installed" in message or "not in the hub cache" in message:
                    print(f"skip  {spec.name} {label}: {message}")
                    continue
                print(f"FAIL  {spec.name} {label}: {message}")
                bad += 1
                continue
            print(f"ok    {spec.name} {label}: {path}")
    return 1 if bad else 0
