"""Document a dbt project: read its models from dbt's artifacts, write the docs into its YAML.

dbt keeps a project's documentation in property files (``models/schema.yml`` and the like), not
in DDL: ``dbt docs`` shows it, ``persist_docs`` writes it into the warehouse as comments. So
``sqlscribe document dbt:path/to/project`` reads what dbt itself knows after ``dbt docs generate``:
``target/manifest.json`` (every model, seed, snapshot and source, where its properties are and
the descriptions they hold) and ``target/catalog.json`` (the columns and types the warehouse
reports for each). Those become the DDL a file would hold, with the descriptions people wrote
as its comments, and go through the one pipeline every file goes through. What the tables lack
is then written into the property files:

- a resource that a property file already declares gets its description and its columns' there,
  next to what the file holds (tests, meta, config, YAML comments and quoting are kept as
  written; the file's own indentation is reused);
- one that none declares goes into its folder's property file: the one its neighbours are
  declared in, else a new ``schema.yml`` beside it;
- a versioned model's versions are each a table of their own; a column every version has is
  described once in the model's columns, one that a version alone has in that version's own
  list, so that no version gains a column it does not have (dbt's ``include``/``exclude`` read);
- a column a model passes through unchanged from another resource gets that column's
  description (``dbt_lineage``), so the same data reads the same in every model;
- descriptions people wrote, including ``{{ doc('…') }}`` blocks, are kept unless
  ``--overwrite-existing``.

Every edited file is read back before it is written: everything it held must still be there,
and every planned description must read as planned, or the file is left alone and the error
says why. dbt itself is not needed, only its artifacts; the tests run a real dbt project.
"""

from __future__ import annotations

import io
import json
import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from sqlscribe.databases import Column, TableInfo, key_constraints, quote, render_ddl
from sqlscribe.ddl import UnknownDialectError, get_dialect
from sqlscribe.docs import TableDocs
from sqlscribe.document import (
    EditedSources,
    FileChange,
    FileOutcome,
    FilePlan,
    Progress,
    document_plans,
    lacks,
    plan_file,
)

SCHEME = "dbt:"
KINDS = ("model", "seed", "snapshot")  # the nodes whose properties live under `<kind>s:`
GENERATE_FIRST = "run `dbt docs generate` in the project first"


class DbtError(Exception):
    """The project or its artifacts cannot be read (the message says which and why)."""


def is_dbt_project(raw: str) -> bool:
    return raw.startswith(SCHEME)


@dataclass
class Resource:
    """A model, seed, snapshot or source table, as dbt's artifacts describe it."""

    kind: str  # model | seed | snapshot | source
    name: str  # the node's name; a source's table name
    source: str | None  # a source's name
    schema: str  # the schema the warehouse holds it in
    origin: str  # its file (SQL, CSV, or a source's YAML), relative to the project
    yaml: str | None  # the property file that declares it, relative to the project
    description: str  # "" when none
    described: dict[str, str]  # column name (lower case) -> description, as dbt read the YAML
    columns: list[tuple[str, str]]  # (name, type) as the warehouse reports them
    line: int = 1  # its entry's line in ``yaml`` (1 when it has none)
    tests: Tests = field(default_factory=lambda: Tests())
    # A versioned model (dbt 1.5+): each version is a relation of its own (``relation``), declared
    # under the model's entry in ``versions:``, and inherits the model's top-level properties.
    version: str | None = None  # its ``v``, as text
    relation: str | None = None  # the version's relation in the warehouse (dim_customers_v2)
    latest: bool = False  # the model's latest version: its texts win where versions share one
    shared: frozenset[str] = frozenset()  # columns (lower case) every version of the model has
    uid: str = ""  # dbt's unique id
    # columns (lower case) the model passes through unchanged: -> (upstream's unique id, its column)
    upstream: dict[str, tuple[str, str]] = field(default_factory=dict)
    # columns (lower case) the YAML leaves undescribed whose upstream column's description they
    # take (``Project.carry``): -> (text, "upstream.column")
    carried: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        if self.source:
            return f"source {self.source}.{self.name}"
        return f"{self.kind} {self.name}" + (f" v{self.version}" if self.version is not None else "")

    @property
    def qualified(self) -> tuple[str, str]:
        """(schema, name) as the DDL names it: a source's tables under the source's name, a
        model's version under its own relation."""
        return (self.source or self.schema, self.relation or self.name)

    def table(self, dialect: str, names: dict[str, tuple[str, str]], carry: bool = False) -> TableInfo:
        """The resource as a table: the DDL the pipeline reads, with the YAML's descriptions as its
        comments (and, with ``carry``, those its columns take from upstream) and the project's
        data tests as its constraints (``not_null``, ``unique``, ``accepted_values``,
        ``relationships``), which say what the warehouse's types cannot. ``names`` gives every
        resource's (schema, name) by unique id, for references."""
        tests = self.tests
        present = {name.lower(): name for name, _ in self.columns}
        # unique and not null: the key (the first such column); unique alone: a unique column
        key = next((c for c in tests.unique if c in present and c in tests.not_null), None)
        columns = [
            Column(
                name,
                data_type,
                name.lower() in tests.not_null and name.lower() != key,
                None,
                self.described.get(name.lower()) or (self.carried.get(name.lower(), ("",))[0] if carry else "") or None,
                _in_list(quote(name, dialect), tests.accepted.get(name.lower()), dialect),
            )
            for name, data_type in self.columns
        ]
        constraints = key_constraints(
            dialect,
            [present[key]] if key else [],
            [present[c] for c in tests.unique if c in present and c != key],
            [
                (present[column], names[target], field_name)
                for column, (target, field_name) in tests.references.items()
                if column in present and target in names
            ],
        )
        return TableInfo(*self.qualified, self.description or None, columns, constraints)


@dataclass
class Tests:
    """What a resource's generic data tests assert, by column name in lower case."""

    not_null: set[str] = field(default_factory=set)
    unique: list[str] = field(default_factory=list)
    accepted: dict[str, list[object]] = field(default_factory=dict)
    references: dict[str, tuple[str, str]] = field(default_factory=dict)  # -> (unique id, field)

    def add(self, test: dict[str, Any], attached: str) -> None:
        meta = test.get("test_metadata") or {}
        kwargs = meta.get("kwargs") or {}
        column = test.get("column_name") or kwargs.get("column_name")
        if not isinstance(column, str) or not column:
            return
        column = column.strip('"`[]').lower()
        kind = meta.get("name")
        if kind == "not_null":
            self.not_null.add(column)
        elif kind == "unique" and column not in self.unique:
            self.unique.append(column)
        elif kind == "accepted_values" and isinstance(kwargs.get("values"), list):
            self.accepted[column] = list(kwargs["values"])
        elif kind == "relationships" and isinstance(kwargs.get("field"), str):
            targets = [d for d in (test.get("depends_on") or {}).get("nodes") or [] if d != attached]
            if len(targets) == 1:
                self.references[column] = (targets[0], kwargs["field"])


def _in_list(column: str, values: list[object] | None, dialect: str) -> str | None:
    """``column IN ('a', 'b')`` for an ``accepted_values`` test (plain values only)."""
    if not values or not all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in values):
        return None
    literal = get_dialect(dialect).literal
    return f"{column} IN ({', '.join(literal(v) if isinstance(v, str) else str(v) for v in values)})"


@dataclass
class _Lineage:
    """What reading the models' column lineage takes: each model's compiled SQL, and the
    catalog's relations (their columns by database, schema and name, for sqlglot)."""

    compiled: dict[str, str] = field(default_factory=dict)  # unique id -> compiled SQL
    relations: dict[tuple[str, str], str] = field(default_factory=dict)  # (schema, name) lower case -> unique id
    tables: dict[str, Any] = field(default_factory=dict)
    traced: bool = False

    @classmethod
    def of(cls, entries: Sequence[tuple[str, dict[str, Any], dict[str, Any]]]) -> _Lineage:
        lineage = cls()
        tables: dict[str, dict[str, dict[str, dict[str, str]]]] = {}  # database -> schema -> name -> columns
        for uid, node, found in entries:
            if node.get("resource_type") == "model" and isinstance(node.get("compiled_code"), str):
                lineage.compiled[uid] = node["compiled_code"]
            meta = found.get("metadata") or {}
            schema, name = str(meta.get("schema") or ""), str(meta.get("name") or "")
            if schema and name and found.get("columns"):
                lineage.relations[(schema.lower(), name.lower())] = uid
                columns = {str(c.get("name")): "TEXT" for c in found["columns"].values() if isinstance(c, dict)}
                tables.setdefault(str(meta.get("database") or ""), {}).setdefault(schema, {})[name] = columns
        # sqlglot wants every name at one depth: database, schema, table when all have a database
        lineage.tables = tables if "" not in tables else {s: t for d in tables.values() for s, t in d.items()}
        return lineage

    def trace(self, resources: Sequence[Resource], dialect: str) -> None:
        """Give each model the columns it passes through unchanged from another resource of the
        catalog (``dbt_lineage``); once, and only when documenting (``--check`` needs none)."""
        from sqlscribe.dbt_lineage import passthrough, relations

        if self.traced:
            return
        self.traced = True
        schema = relations(self.tables, dialect) if self.compiled else None
        for resource in resources:
            sql = self.compiled.get(resource.uid)
            for column, (relation, upstream) in passthrough(sql, dialect, schema).items() if sql else ():
                if relation in self.relations and self.relations[relation] != resource.uid:
                    resource.upstream[column] = (self.relations[relation], upstream)


@dataclass
class Project:
    root: Path
    label: str  # as the user named it: dbt:path
    dialect: str
    resources: list[Resource]  # those with columns in the catalog, in manifest order
    notes: list[str]  # resources the catalog lacks, files newer than the artifacts (not failures)

    names: dict[str, tuple[str, str]] = field(default_factory=dict)  # unique id -> (schema, name)
    lineage: _Lineage = field(default_factory=_Lineage)
    # what to document: the resources in the file or folder ``dbt:PATH`` names inside the
    # project (all of them for the project itself); the others still give their descriptions
    # to the columns that pass theirs through, and their files as homes for new entries
    chosen: list[Resource] = field(default_factory=list)
    # installed packages' models, seeds and sources (dbt_packages/): never documented here, they
    # lend what their own YAML says to the columns that pass theirs through
    lenders: list[Resource] = field(default_factory=list)
    # read without a catalog (`--check` after `dbt parse`): each resource's columns are those its
    # property file declares; the chosen ones that declare none are here, checked for their
    # description alone
    undeclared: list[Resource] | None = None

    def __post_init__(self) -> None:
        if not self.chosen and not self.undeclared:
            self.chosen = list(self.resources)

    def lacking(self, plan: FilePlan) -> list[tuple[Resource, str]]:
        """What `document --check` finds, given the plan of ``self.ddl()``: each chosen resource
        that lacks a description, with what it lacks; read without a catalog, by the columns its
        property file declares, or by its description alone where it declares none."""
        noun = "column" if self.undeclared is None else "declared column"
        found = [(self.chosen[i], lacks(request, plan.parsed.tables[i], noun)) for i, request in plan.todo]
        return found + [(r, NO_COLUMNS_DECLARED) for r in self.undescribed]

    @property
    def undescribed(self) -> list[Resource]:
        """Read without a catalog: the chosen resources that declare no columns and no description."""
        return [r for r in self.undeclared or () if not r.description]

    def passing(self) -> tuple[dict[str, Resource], dict[str, dict[str, str]], dict[str, int]]:
        """What passing descriptions downstream starts from: every resource that may lend one
        (the project's and the packages') by unique id, their column descriptions as the YAML
        holds them (``_descriptions``), and each one's place in an upstream-first order."""
        lending = self.resources + self.lenders
        return {r.uid: r for r in lending}, _descriptions(lending), _upstream_first(lending)

    def ddl(self, carry: bool = False) -> str:
        """The chosen resources as DDL; with ``carry``, the descriptions columns take from
        upstream (``carry()``) are comments too, so that the model is not asked about them."""
        return render_ddl([r.table(self.dialect, self.names, carry) for r in self.chosen], self.dialect)

    def carry(self) -> None:
        """Give each column that the YAML leaves undescribed and that passes an upstream column
        through unchanged that column's description from the YAML (or carried itself), upstream
        models first."""
        self.lineage.trace(self.resources, self.dialect)
        for resource in self.resources:
            resource.carried.clear()
        by_uid, known, first = self.passing()
        for resource in sorted(self.resources, key=lambda r: first[r.uid]):
            for name, _ in resource.columns:
                passed = (
                    None if known[resource.uid].get(name.lower()) else _passed_through(resource, name, by_uid, known)
                )
                if passed is not None:
                    resource.carried[name.lower()] = passed
                    known[resource.uid][name.lower()] = passed[0]


def _load_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DbtError(f"{path}: not found; {GENERATE_FIRST}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DbtError(f"{path}: cannot be read ({error}); {GENERATE_FIRST}") from None
    if not isinstance(data, dict):
        raise DbtError(f"{path}: not a dbt artifact; {GENERATE_FIRST}")
    return data


def _relative(path: str | None) -> str | None:
    """A manifest's ``patch_path`` ("project://models/schema.yml") as a path in the project."""
    if not path:
        return None
    return path.split("://", 1)[1] if "://" in path else path


def _target_folder(root: Path) -> Path:
    """Where dbt writes its artifacts: ``DBT_TARGET_PATH``, else the project's ``target-path``,
    else ``target``; relative to the project."""
    configured = os.environ.get("DBT_TARGET_PATH")
    if not configured:
        try:
            from ruamel.yaml import YAML

            settings = YAML(typ="safe").load((root / "dbt_project.yml").read_text(encoding="utf-8-sig"))
        except Exception as error:  # dbt reports a broken project file better than this would
            raise DbtError(f"{root / 'dbt_project.yml'}: cannot be read: {str(error).splitlines()[0]}") from None
        configured = settings.get("target-path") if isinstance(settings, dict) else None
    return root / str(configured or "target")


def _dialect(adapter: str) -> str:
    try:
        return get_dialect(adapter).name
    except UnknownDialectError:
        return "duckdb"  # warehouse types read closest to DuckDB's among what sqlscribe parses


def find_project(given: Path) -> Path | None:
    """The dbt project that holds ``given`` (itself, or a file or folder in it): the nearest
    folder up with a ``dbt_project.yml``, as relative as ``given`` is when it can be."""
    for folder in (given, *given.parents):
        if (folder / "dbt_project.yml").is_file():
            return folder
    for folder in given.absolute().parents:  # above the working folder: as ../.. when it holds it
        if (folder / "dbt_project.yml").is_file():
            relative = os.path.relpath(folder)
            return folder if relative.startswith("../../..") else Path(relative)
    return None


# a project's folders whose SQL files are not models or snapshots that dbt documents
NOT_DOCUMENTED = ("target", "dbt_packages", "dbt_modules", "logs", "analyses", "macros", "tests")


def model_project(file: Path, find: Callable[[Path], Path | None] = find_project) -> Path | None:
    """The dbt project whose model or snapshot ``file`` would be: a SQL file of the project
    outside what dbt writes and installs, its macros, analyses and tests. None for any other
    file. (A SQL file there that holds a CREATE TABLE is DDL all the same: callers look.)"""
    if file.suffix.lower() != ".sql":
        return None
    root = find(file.parent)
    if root is None:
        return None
    inside = _inside(root, file)
    parts = PurePosixPath(inside).parts if inside else ()
    return root if len(parts) > 1 and parts[0] not in NOT_DOCUMENTED else None


def _inside(root: Path, path: Path) -> str | None:
    """``path`` relative to the project folder ``root`` ("" for the folder itself), as written:
    a linked folder (``models/`` -> elsewhere) is the project's all the same. None when outside."""
    try:
        inside = Path(os.path.normpath(path.absolute())).relative_to(os.path.normpath(root.absolute()))
    except ValueError:
        return None
    return "" if inside == Path(".") else inside.as_posix()


def artifacts_stamp(root: Path) -> tuple[int, int]:
    """When dbt last wrote the project's manifest and catalog (0 for one that is missing): what
    is read from them changes only with these."""
    target = _target_folder(root)
    stamps = []
    for name in ("manifest.json", "catalog.json"):
        try:
            stamps.append((target / name).stat().st_mtime_ns)
        except OSError:
            stamps.append(0)
    return stamps[0], stamps[1]


def lacking(spec: str, select: Sequence[Path] = ()) -> list[tuple[Resource, str]]:
    """What `document --check` finds in ``read_project(spec, select)``: each chosen resource that
    lacks a description, with what it lacks (by the columns its property file declares when dbt
    has written no catalog)."""
    project = read_project(spec, select, catalog_optional=True)
    return project.lacking(plan_file(project.ddl(), path=spec, dialect=project.dialect))


NO_COLUMNS_DECLARED = "no description; no columns declared (without a catalog their columns are unknown)"


def read_project(spec: str, select: Sequence[Path] = (), *, catalog_optional: bool = False) -> Project:
    """The project named ``dbt:PATH`` from its artifacts: PATH is the project's folder or its
    ``dbt_project.yml``, or a file or folder inside it (a model, ``models/marts``, a property
    file), which then chooses the resources defined or declared there; ``select`` chooses those
    of more files or folders of the project.

    With ``catalog_optional`` (a check, which writes nothing), a project that dbt has parsed but
    not documented (``dbt parse``: a manifest, no catalog, no warehouse needed) is read too: each
    resource's columns are then those its property file declares (``Project.undeclared``)."""
    given = Path(spec[len(SCHEME) :] or ".").expanduser()
    if given.name == "dbt_project.yml":
        given = given.parent
    if not given.exists():
        raise DbtError(f"{spec}: no such file or folder")
    root = find_project(given)
    if root is None:
        raise DbtError(f"{spec}: no dbt_project.yml in {given} or a folder above it")
    inners = []
    for path in (given, *select):
        inner = _inside(root, path)
        if inner is None:
            raise DbtError(f"{spec}: {path} is not inside the project at {root}")
        if inner:
            inners.append(inner)
    target = _target_folder(root)
    manifest = _load_json(target / "manifest.json")
    declared_only = catalog_optional and not (target / "catalog.json").exists()
    catalog = _declared_catalog(manifest) if declared_only else _load_json(target / "catalog.json")
    metadata = manifest.get("metadata") or {}
    project_name = metadata.get("project_name")
    dialect = _dialect(str(metadata.get("adapter_type") or ""))
    entries: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    for uid, node in (manifest.get("nodes") or {}).items():
        if node.get("resource_type") in KINDS:
            entries.append((uid, node, (catalog.get("nodes") or {}).get(uid) or {}))
    for uid, node in (manifest.get("sources") or {}).items():
        entries.append((uid, node, (catalog.get("sources") or {}).get(uid) or {}))
    resources: list[Resource] = []
    lenders: list[Resource] = []
    undeclared: list[Resource] = []
    notes: list[str] = []
    if declared_only:
        notes.append(
            f"{spec}: no catalog.json (dbt parse, not dbt docs generate): the columns the property files"
            " declare are checked, not those they leave out"
        )
    tests: dict[str, Tests] = {}
    for node in (manifest.get("nodes") or {}).values():
        if node.get("resource_type") == "test" and node.get("test_metadata"):
            depends = (node.get("depends_on") or {}).get("nodes") or []
            attached = node.get("attached_node") or (depends[0] if len(depends) == 1 else None)
            if attached:
                tests.setdefault(attached, Tests()).add(node, attached)
    names: dict[str, tuple[str, str]] = {}
    for uid, node, found in entries:
        kind = str(node.get("resource_type"))
        source = node.get("source_name") if kind == "source" else None
        version = None if kind == "source" or node.get("version") is None else str(node["version"])
        relation = str(node.get("alias") or f"{node.get('name')}_v{version}") if version is not None else None
        # a reference's target
        names[uid] = (str(source or node.get("schema") or "main"), relation or str(node.get("name")))
        installed = bool(project_name) and node.get("package_name") not in (None, project_name)
        origin = _relative(node.get("original_file_path")) or ""
        # a source, or a snapshot defined in YAML (dbt 1.9), is declared in the file it comes from
        yaml = _relative(node.get("patch_path")) or (origin if origin.endswith((".yml", ".yaml")) else None)
        columns = sorted(
            (c for c in (found.get("columns") or {}).values() if isinstance(c, dict) and c.get("name")),
            key=lambda c: c.get("index") or 0,
        )
        resource = Resource(
            kind=kind,
            name=str(node.get("name")),
            source=source,
            schema=str(node.get("schema") or "main"),
            origin=origin,
            yaml=yaml,
            description=(node.get("description") or "").strip(),
            described={
                str(c.get("name") or key).lower(): (c.get("description") or "").strip()
                for key, c in (node.get("columns") or {}).items()
                if isinstance(c, dict)
            },
            columns=[(str(c["name"]), str(c.get("type") or "TEXT")) for c in columns],
            tests=tests.get(uid) or Tests(),
            version=version,
            relation=relation,
            latest=version is not None and str(node.get("latest_version")) == version,
            uid=uid,
        )
        if installed:  # documented in its package; lends its descriptions
            if resource.columns:
                lenders.append(resource)
            continue
        if not resource.columns:
            if (not inners or any(_within(resource, inner) for inner in inners)) and (node.get("config") or {}).get(
                "materialized"
            ) != "ephemeral":  # no relation of its own
                if declared_only:
                    undeclared.append(resource)
                else:
                    notes.append(f"{spec}: {resource.label}: not in the catalog (not built yet?); skipped")
            continue
        resources.append(resource)
    _share_columns(resources, [node for _, node, _ in entries])
    chosen = [r for r in resources if not inners or any(_within(r, inner) for inner in inners)]
    for inner in inners:
        if not any(_within(r, inner) for r in (*chosen, *undeclared)):
            raise DbtError(
                f"{spec}: no model, seed, snapshot or source of the project is defined or declared in {inner}"
                " (as dbt last read it: `dbt docs generate` reads new ones)"
            )
    lines = _declared_lines(root, [*chosen, *undeclared])  # each property file loaded once
    for resource in (*chosen, *undeclared):
        resource.line = lines.get(_line_key(resource), 1)
    read_at = (target / "manifest.json").stat().st_mtime
    newer = sorted({f for r in chosen for f in (r.yaml, r.origin) if f and _modified(root / f) > read_at})
    if newer:
        listed = ", ".join(newer[:3]) + (f" and {len(newer) - 3} more" if len(newer) > 3 else "")
        notes.append(f"{spec}: {listed} changed after dbt wrote its artifacts; `dbt docs generate` reads them again")
    return Project(
        root,
        spec,
        dialect,
        resources,
        notes,
        names,
        _Lineage.of(entries),
        chosen,
        lenders,
        undeclared if declared_only else None,
    )


def _declared_catalog(manifest: dict[str, Any]) -> dict[str, Any]:
    """A catalog as dbt would write it if the warehouse held just what the property files declare:
    each resource's declared columns, in their order, typed as declared (``data_type``)."""

    def entry(node: dict[str, Any]) -> dict[str, Any]:
        declared = [c for c in (node.get("columns") or {}).values() if isinstance(c, dict) and c.get("name")]
        columns = {
            str(c["name"]): {"name": str(c["name"]), "type": str(c.get("data_type") or "TEXT"), "index": n}
            for n, c in enumerate(declared, 1)
        }
        return {"columns": columns} if columns else {}

    return {
        "nodes": {uid: entry(node) for uid, node in (manifest.get("nodes") or {}).items() if isinstance(node, dict)},
        "sources": {
            uid: entry(node) for uid, node in (manifest.get("sources") or {}).items() if isinstance(node, dict)
        },
    }


def _within(resource: Resource, inner: str) -> bool:
    """Whether ``dbt:PATH``'s path inside the project chooses the resource: the file that defines
    it or declares it, or a folder above either."""
    return any(
        path and (path == inner or path.startswith(inner.rstrip("/") + "/"))
        for path in (resource.origin, resource.yaml)
    )


def _share_columns(resources: Sequence[Resource], nodes: Sequence[dict[str, Any]]) -> None:
    """Give each version of a model the columns that every one of its versions has; none when a
    version is not in the catalog, whose columns are then unknown."""
    versions = Counter(
        str(n.get("name")) for n in nodes if n.get("resource_type") == "model" and n.get("version") is not None
    )
    for name, count in versions.items():
        found = [r for r in resources if r.kind == "model" and r.name == name and r.version is not None]
        if len(found) == count:
            shared = frozenset.intersection(*(frozenset(c.lower() for c, _ in r.columns) for r in found))
            for resource in found:
                resource.shared = shared


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


# ---------------------------------------------------------------------------------------------
# Property files


def _yaml(indent: tuple[int, int] = (4, 2)) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()  # round-trip: comments, order and quoting are kept
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long description
    sequence, offset = indent
    yaml.indent(mapping=max(2, sequence - offset), sequence=sequence, offset=offset)
    return yaml


def _entry_key(resource: Resource) -> tuple[str, ...]:
    if resource.source:
        return ("sources", resource.source, resource.name)
    return (f"{resource.kind}s", resource.name)


def _named(items: Any, name: str) -> Any:
    """The entry of a YAML list whose ``name`` is ``name`` (as dbt matches it), or None."""
    if not isinstance(items, list):
        return None
    for item in items:
        if isinstance(item, dict) and str(item.get("name", "")).lower() == name.lower():
            return item
    return None


def _find(data: Any, key: tuple[str, ...]) -> Any:
    if not isinstance(data, dict):
        return None
    if key[0] == "sources":
        return _named((_named(data.get("sources"), key[1]) or {}).get("tables"), key[2])
    return _named(data.get(key[0]), key[1])


def _line_key(resource: Resource) -> tuple[str | None, tuple[str, ...], str | None]:
    return (resource.yaml, _entry_key(resource), resource.version)


def _declared_lines(
    root: Path, resources: Sequence[Resource]
) -> dict[tuple[str | None, tuple[str, ...], str | None], int]:
    """The line of each resource's entry in its property file (a version's own, for a model's
    version), for --check's messages."""
    lines: dict[tuple[str | None, tuple[str, ...], str | None], int] = {}
    for path in {r.yaml for r in resources if r.yaml}:
        try:
            data = _yaml().load((root / path).read_text(encoding="utf-8-sig"))
        except Exception:  # a file dbt read but this cannot is reported when it is edited
            continue
        for resource in resources:
            if resource.yaml == path:
                entry = _find(data, _entry_key(resource))
                if entry is not None and resource.version is not None:
                    entry = _version_entry(entry, resource.version) or entry
                if entry is not None and hasattr(entry, "lc"):
                    lines[_line_key(resource)] = entry.lc.line + 1
    return lines


def _home(resource: Resource, resources: Sequence[Resource]) -> str:
    """Where an undeclared resource's properties go: the property file its folder's other
    resources are declared in (the most used one), else ``schema.yml`` in its folder."""
    if resource.yaml:
        return resource.yaml
    folder = PurePosixPath(resource.origin).parent
    used = Counter(r.yaml for r in resources if r.yaml and r.source is None and PurePosixPath(r.yaml).parent == folder)
    return used.most_common(1)[0][0] if used else str(folder / "schema.yml")


def _yaml_name(name: str, dialect: str) -> str:
    """A column's name as a property file lists it: Snowflake reports unquoted names in capitals,
    which dbt projects write in lower case (dbt matches them without regard to case)."""
    return name.lower() if dialect == "snowflake" and name.isupper() else name


def _set_description(entry: Any, text: str, overwrite: bool) -> bool:
    """``description`` right after ``name``, where people put it, or replaced in place when
    ``overwrite``. False when the entry already holds one and keeps it: written after dbt read
    the file, so that the artifacts did not show it."""
    if str(entry.get("description") or "").strip() and not overwrite:
        return False
    if "description" in entry:
        entry["description"] = text
    elif hasattr(entry, "insert"):
        keys = list(entry)
        entry.insert(keys.index("name") + 1 if "name" in keys else 0, "description", text)
    else:
        entry["description"] = text
    return True


def _version_entry(entry: Any, version: str) -> Any:
    """A model version's entry under the model's ``versions:`` (None when there is none)."""
    for item in entry.get("versions") or [] if isinstance(entry, dict) else []:
        if isinstance(item, dict) and str(item.get("v")) == version:
            return item
    return None


def _includes(version: Any, column: str) -> bool:
    """Whether a model version takes the model's top-level entry for ``column``: dbt's
    ``include``/``exclude`` in the version's columns; all of them when it says nothing."""
    for item in version.get("columns") or [] if isinstance(version, dict) else []:
        if isinstance(item, dict) and "include" in item:
            include, exclude = item.get("include"), item.get("exclude")
            if isinstance(exclude, list) and column.lower() in {str(x).lower() for x in exclude}:
                return False
            return include in ("all", "*") or (
                isinstance(include, list) and column.lower() in {str(x).lower() for x in include}
            )
    return True


def _effective(data: Any, resource: Resource) -> tuple[Any, dict[str, Any]] | None:
    """The description and the column descriptions (by lower-case name) that dbt reads for the
    resource from a property file, a version's own entries over the model's; None when the file
    does not declare it."""
    entry = _find(data, _entry_key(resource))
    if entry is None:
        return None
    columns = {str(c["name"]).lower(): c for c in entry.get("columns") or [] if isinstance(c, dict) and "name" in c}
    description = entry.get("description")
    if resource.version is not None:
        version = _version_entry(entry, resource.version)
        if version is None:
            return None
        columns = {name: c for name, c in columns.items() if _includes(version, name)}
        columns.update(
            {str(c["name"]).lower(): c for c in version.get("columns") or [] if isinstance(c, dict) and "name" in c}
        )
        description = version.get("description") or description
    return description, {name: c.get("description") for name, c in columns.items()}


@dataclass
class _Planned:
    resource: Resource
    description: str | None
    columns: dict[str, str]  # catalog column name -> text


def _apply(data: Any, planned: Sequence[_Planned], overwrite: bool) -> tuple[Any, list[_Planned], list[str]]:
    """The planned descriptions written into ``data``; returns it, what was written, and what
    the file already described (kept)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    applied: list[_Planned] = []
    kept: list[str] = []
    written: set[int] = set()  # the entries given a description here (versions share the model's)
    if data is None:
        data = CommentedMap([("version", 2)])
    # a model's latest version first: where its versions share an entry, the latest one's text goes in
    for plan in sorted(planned, key=lambda plan: not plan.resource.latest):
        resource = plan.resource
        key = _entry_key(resource)
        entry = _find(data, key)
        version = None if entry is None or resource.version is None else _version_entry(entry, resource.version)
        if entry is None or (resource.version is not None and version is None):
            if resource.source or resource.version is not None:  # dbt read it from this file: it is there
                raise DbtError(f"{resource.label}: not found in {resource.yaml}")
            if not isinstance(data.get(key[0]), list):
                data[key[0]] = CommentedSeq()
            entry = CommentedMap([("name", resource.name)])
            data[key[0]].append(entry)
        done = _Planned(resource, None, {})

        def describe(holder: Any, text: str, what: str) -> bool:
            if id(holder) in written:  # another version of the model wrote it just now
                return False
            if _set_description(holder, text, overwrite):
                written.add(id(holder))
                return True
            kept.append(what)
            return False

        if plan.description is not None:
            holder = version if version is not None and "description" in version else entry
            if describe(holder, plan.description, resource.label):
                done.description = plan.description
        order = [name for name, _ in resource.columns]
        for name, text in plan.columns.items():
            column = _named(entry.get("columns"), name)
            own = _named(version.get("columns"), name) if version is not None else None
            # the version's own list: where it names the column, or where the model's entry for
            # it does not reach the version (the version does not take it, or not every version has it)
            if version is not None and (
                own is not None
                or (column is None and not _top_level(entry, name, resource))
                or (column is not None and not _includes(version, name))
            ):
                holder, where = version, own
            else:
                holder, where = entry, column
            if where is None:
                if not isinstance(holder.get("columns"), list):
                    holder["columns"] = CommentedSeq()
                where = CommentedMap([("name", name), ("description", text)])
                _insert_column(holder["columns"], where, order)
                written.add(id(where))
                done.columns[name] = text
            elif describe(where, text, f"{resource.label} column {name}"):
                done.columns[name] = text
        if done.description is not None or done.columns:
            applied.append(done)
    return data, applied, kept


def _top_level(entry: Any, column: str, resource: Resource) -> bool:
    """Whether a column that no entry lists yet goes into the model's top-level columns, shared
    by its versions: when every version has it and takes the model's entry for it."""
    return column.lower() in resource.shared and all(
        _includes(version, column) for version in entry.get("versions") or [] if isinstance(version, dict)
    )


def _insert_column(columns: Any, entry: Any, order: list[str]) -> None:
    """A new column entry after the listed column that comes last before it in the warehouse's
    order (first when none does, after a version's ``include``), so that the list keeps the
    model's column order."""
    lowered = [name.lower() for name in order]
    rank = lowered.index(entry["name"].lower())
    at = 0
    for i, item in enumerate(columns):
        name = str(item.get("name", "")).lower() if isinstance(item, dict) else ""
        if (name in lowered and lowered.index(name) < rank) or (isinstance(item, dict) and "include" in item):
            at = i + 1
    columns.insert(at, entry)


def _contains(old: Any, new: Any, overwrite: bool = False) -> bool:
    """Whether ``new`` still holds everything ``old`` did, in its order (entries may have been
    added, descriptions changed)."""
    if isinstance(old, dict):
        if not isinstance(new, dict):
            return False
        return all(
            k in new and ((overwrite and k == "description") or _contains(v, new[k], overwrite)) for k, v in old.items()
        )
    if isinstance(old, list):  # every old item, in its order, among the new ones
        if not isinstance(new, list):
            return False
        rest = iter(new)
        return all(any(_contains(item, candidate, overwrite) for candidate in rest) for item in old)
    return bool(old == new)


def edit_property_file(
    path: str, old: str, planned: Sequence[_Planned], *, overwrite: bool = False
) -> tuple[str, list[str]]:
    """The property file's new text with the planned descriptions, and what it kept because the
    file already describes it; raises DbtError when the file cannot be read as YAML or the edit
    would not read back as planned."""
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.util import load_yaml_guess_indent

    try:
        indent, before = (4, 2), None
        if old.strip():  # ruamel's guess loads the file too: what it held, to compare the edit with
            before, sequence, offset = load_yaml_guess_indent(old)
            indent = (sequence or 4, offset if offset is not None else 2)
        yaml = _yaml(indent)
        yaml.explicit_start = old.lstrip().startswith("---")
        data, applied, kept = _apply(yaml.load(old) if old.strip() else None, planned, overwrite)
        if not applied:
            return old, kept
        out = io.StringIO()
        yaml.dump(data, out)
        new = out.getvalue()
        if not old.strip():  # a new file: dbt's own layout, a blank line after the version
            new = new.replace("version: 2\n", "version: 2\n\n", 1)
        if "\r\n" in old:
            new = new.replace("\r\n", "\n").replace("\n", "\r\n")
        after = _yaml().load(new)
    except YAMLError as error:
        raise DbtError(f"{path}: cannot be read as YAML: {error}".splitlines()[0]) from None
    if before is not None and not _contains(before, after, overwrite):
        raise DbtError(f"{path}: editing would lose what the file holds; left unchanged")
    for plan in applied:
        found = _effective(after, plan.resource)
        ok = found is not None and (plan.description is None or found[0] == plan.description)
        for name, text in plan.columns.items():
            ok = ok and found is not None and found[1].get(name.lower()) == text
        if not ok:
            raise DbtError(f"{path}: {plan.resource.label}: descriptions do not read back as planned; left unchanged")
    return new, kept


# ---------------------------------------------------------------------------------------------
# The whole job


def document_project(
    project: Project, backend: Any, *, overwrite: bool = False, progress: Progress | None = None
) -> EditedSources:
    """Document the project's resources and plan the property files that record it."""
    plan = plan_project(project, overwrite=overwrite)
    (outcome,) = document_plans([plan], backend, [progress])
    return record_project(project, outcome, overwrite=overwrite)


def plan_project(project: Project, *, overwrite: bool = False) -> FilePlan:
    """The project read as a file: its tables and the requests they need; the model is not asked
    about a column that takes its upstream column's description (unless ``overwrite``, which
    replaces those upstream too)."""
    if not overwrite:
        project.carry()
    return plan_file(project.ddl(carry=not overwrite), path=project.label, dialect=project.dialect, overwrite=overwrite)


def _descriptions(resources: Sequence[Resource]) -> dict[str, dict[str, str]]:
    """Each resource's column descriptions (lower-case names) as the YAML will hold them before
    the model writes: what people wrote, then what was carried from upstream."""
    return {
        r.uid: {**{n: t for n, t in r.described.items() if t}, **{n: t for n, (t, _) in r.carried.items()}}
        for r in resources
    }


def _upstream_first(resources: Sequence[Resource]) -> dict[str, int]:
    """Each resource's place in an order where the resources it passes columns through from come
    before it."""
    by_uid = {resource.uid: resource for resource in resources}
    order: dict[str, int] = {}
    for start in resources:
        stack = [(start, False)]
        while stack:
            resource, ready = stack.pop()
            if resource.uid in order:
                continue
            if ready:
                order[resource.uid] = len(order)
                continue
            stack.append((resource, True))
            stack.extend((by_uid[uid], False) for uid, _ in resource.upstream.values() if uid in by_uid)
    return order


def _passed_through(
    resource: Resource, column: str, by_uid: dict[str, Resource], known: dict[str, dict[str, str]]
) -> tuple[str, str] | None:
    """The description of the upstream column that ``column`` passes through unchanged, and that
    column's name. None when there is none; when one of the two is a key (tested unique) and the
    other is not (the same values, not the same meaning); or when this model's tests assert what
    the upstream's do not (a reference, the accepted values): the model is then told more here
    than the upstream text could say."""
    link = resource.upstream.get(column.lower())
    upstream = by_uid.get(link[0]) if link else None
    if link is None or upstream is None:
        return None
    mine, theirs, name = resource.tests, upstream.tests, column.lower()
    if (link[1] in theirs.unique) != (name in mine.unique):
        return None
    if name in mine.references and mine.references[name] != theirs.references.get(link[1]):
        return None
    if name in mine.accepted and mine.accepted[name] != theirs.accepted.get(link[1]):
        return None
    text = known.get(upstream.uid, {}).get(link[1])
    return (text, f"{upstream.qualified[1]}.{link[1]}") if text else None


def read_from_disk(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


def record_project(
    project: Project,
    outcome: FileOutcome,
    *,
    overwrite: bool = False,
    read: Callable[[Path], str | None] = read_from_disk,
) -> EditedSources:
    """The property files' changes that record what ``outcome`` documented. ``read`` gives a
    file's text (None when there is none): the editor's own, for files open in it."""
    problems: list[str] = []
    notes: list[str] = []
    if len(outcome.parsed.tables) != len(project.chosen):
        problems.append(f"{project.label}: the catalog's tables did not all read back as DDL; nothing written")
        return EditedSources(project.label, outcome, [], problems, project.notes)
    position = {id(table): i for i, table in enumerate(outcome.parsed.tables)}
    project.lineage.trace(project.resources, project.dialect)
    # every column's description as it will read, upstream models' first: what passes through
    by_uid, known, first = project.passing()
    # (table in the DDL, its relation, column, the upstream column it is described as)
    carried: list[tuple[str, str, str, str]] = []
    by_file: dict[str, list[_Planned]] = {}
    for done in sorted(outcome.tables, key=lambda done: first[project.chosen[position[id(done.table)]].uid]):
        resource = project.chosen[position[id(done.table)]]
        columns: dict[str, str] = {}
        for name, _ in resource.columns:  # taken from upstream before the model was asked
            if name.lower() in resource.carried:
                text, upstream = resource.carried[name.lower()]
                columns[_yaml_name(name, project.dialect)] = text
                carried.append((done.table.name, resource.qualified[1], name, upstream))
        # what the model wrote and the pipeline took (none when nothing was asked, or it refused it)
        made = done.generated.docs if done.generated is not None and done.edits else TableDocs(None, {})
        description = made.description if made.description and done.docs.description == made.description else None
        for name, text in list(done.docs.columns.items()):
            if made.columns.get(name) != text or resource.described.get(name.lower(), "") == text:
                continue
            passed = _passed_through(resource, name, by_uid, known)
            if passed is not None:  # the same data upstream: the same words
                text, upstream = passed
                done.docs.columns[name] = text
                carried.append((done.table.name, resource.qualified[1], name, upstream))
            columns[_yaml_name(name, project.dialect)] = text
            known[resource.uid][name.lower()] = text
        if description is None and not columns:
            continue
        by_file.setdefault(_home(resource, project.resources), []).append(_Planned(resource, description, columns))
    described_from_upstream: dict[str, list[str]] = {}
    for table, _, name, _ in carried:
        described_from_upstream.setdefault(table, []).append(name)
    if carried:
        said = [f"{relation}.{name} from {upstream}" for _, relation, name, upstream in carried]
        listed = ", ".join(said[:3]) + (f" and {len(said) - 3} more" if len(said) > 3 else "")
        notes.append(
            f"{project.label}: {len(carried)} column description{'s' if len(carried) > 1 else ''} carried from the"
            f" column each passes through unchanged: {listed}"
        )
    changes: list[FileChange] = []
    inside = project.root.resolve()
    for relative, planned in by_file.items():
        path = project.root / relative
        if not path.resolve().is_relative_to(inside):
            problems.append(f"{path}: outside the project; not written")
            continue
        try:
            found = read(path)
            old = found or ""
            new, kept = edit_property_file(str(path), old, planned, overwrite=overwrite)
            notes.extend(f"{path}: {what}: described since dbt read the file; kept" for what in kept)
            if new != old:
                changes.append(FileChange(path, old, new, created=found is None))
        except (OSError, UnicodeDecodeError) as error:
            problems.append(f"{path}: cannot be read: {error}")
        except DbtError as error:
            problems.append(str(error))
    return EditedSources(project.label, outcome, changes, problems, project.notes + notes, described_from_upstream)
