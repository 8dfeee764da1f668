"""`sqlscribe document dbt:PROJECT`: a real dbt project (dbt-core with the DuckDB adapter, built
and `dbt docs generate`d; tests/dbt_shop.py), documented into its own property files, which dbt
then parses again."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from sqlscribe.dbt_project import DbtError, Resource, _Planned, edit_property_file, plan_project, read_project

from dbt_shop import FILES, SCHEMA_YML, build_shop, dbt


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shop project, built and its docs generated (target/manifest.json, target/catalog.json)."""
    return build_shop(tmp_path_factory.mktemp("dbt") / "shop")


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "shop"
    shutil.copytree(built, copy)
    return copy


def sqlscribe(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "sqlscribe", "document", *args]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, env=os.environ.copy(), timeout=600)


def manifest(project: Path) -> dict[str, dict[str, object]]:
    """What dbt itself now reads from the project's property files: each resource's descriptions."""
    dbt(project, "parse", "-q")
    data = json.loads((project / "target" / "manifest.json").read_text(encoding="utf-8"))
    out: dict[str, dict[str, object]] = {}
    for node in data["nodes"].values():
        if node["resource_type"] in ("model", "seed"):
            out[node["name"]] = {
                "description": node["description"],
                "columns": {name: c["description"] for name, c in node["columns"].items()},
            }
    out["tests"] = {"count": sum(1 for n in data["nodes"].values() if n["resource_type"] == "test")}
    return out


def test_the_data_tests_become_the_tables_constraints(built: Path) -> None:
    ddl = read_project(f"dbt:{built}").ddl()
    assert "status VARCHAR CHECK (status IN ('placed', 'shipped', 'returned'))" in ddl
    assert "PRIMARY KEY (order_id)" in ddl  # unique and not null
    assert "FOREIGN KEY (customer_id) REFERENCES main.customers (customer_id)" in ddl
    assert "COMMENT ON COLUMN main.stg_orders.order_id IS 'The order''s identifier.';" in ddl
    # the doc block, as dbt rendered it, counts as written by people
    assert "COMMENT ON COLUMN main.stg_orders.amount IS 'The order''s total in the shop''s currency.';" in ddl


def test_check_names_each_resource_where_it_is_declared(project: Path) -> None:
    check = sqlscribe(project, "--check", "dbt:.")
    assert check.returncode == 1, check.stderr
    assert sorted(check.stdout.splitlines()) == [
        "models/customers.sql:1:1: model customers: no description; 3 of 3 columns without a comment:"
        " customer_id, order_count, first_ordered_at",
        "models/schema.yml:5:1: model stg_orders: 3 of 5 columns without a comment: customer_id, ordered_at, status",
        "seeds/raw_orders.csv:1:1: seed raw_orders: no description; 5 of 5 columns without a comment:"
        " id, customer_id, ordered_at, status, amount_cents",
    ]


def test_the_docs_go_into_the_property_files_that_dbt_reads_back(project: Path) -> None:
    before = manifest(project)
    written = sqlscribe(project, "dbt:.", "--write", "--backend", "heuristic")
    assert written.returncode == 0, written.stderr
    assert written.stdout == ""

    text = (project / "models" / "schema.yml").read_text(encoding="utf-8")
    for kept in SCHEMA_YML.splitlines():  # every line people wrote is still there, comments and quotes too
        assert kept in text.splitlines()
    after = manifest(project)
    assert after["tests"] == before["tests"] == {"count": 4}
    for name in ("stg_orders", "customers", "raw_orders"):  # every resource and column described
        assert after[name]["description"]
        assert all(after[name]["columns"].values()) and after[name]["columns"]
    assert set(after["customers"]["columns"]) == {"customer_id", "order_count", "first_ordered_at"}
    assert after["stg_orders"]["description"] == "One row per order placed in the shop."
    assert after["stg_orders"]["columns"]["order_id"] == "The order's identifier."
    assert after["stg_orders"]["columns"]["amount"] == "The order's total in the shop's currency."
    # stg_orders' new columns keep the model's column order among those listed
    names = [line.strip()[8:] for line in text.splitlines() if line.strip().startswith("- name: ")]
    assert names[:6] == ["stg_orders", "order_id", "status", "customer_id", "ordered_at", "amount"]
    assert "customers" in names  # declared beside its neighbour, not in a file of its own
    seeds = (project / "seeds" / "schema.yml").read_text(encoding="utf-8")
    assert seeds.startswith("version: 2\n\nseeds:\n  - name: raw_orders\n    description: ")

    dbt(project, "docs", "generate", "-q")
    check = sqlscribe(project, "--check", "dbt:.")
    assert check.returncode == 0, check.stdout + check.stderr
    again = sqlscribe(project, "dbt:.", "--backend", "heuristic")  # nothing left to do
    assert again.returncode == 0 and again.stdout == "", again.stderr


def test_a_diff_by_default_and_overwrite_replaces_what_people_wrote(project: Path) -> None:
    original = (project / "models" / "schema.yml").read_text(encoding="utf-8")
    diff = sqlscribe(project, "dbt:.", "--backend", "heuristic")
    assert diff.returncode == 0, diff.stderr
    assert "--- a/models/schema.yml\n+++ b/models/schema.yml\n" in diff.stdout
    assert "--- /dev/null\n+++ b/seeds/schema.yml\n" in diff.stdout
    assert (project / "models" / "schema.yml").read_text(encoding="utf-8") == original
    assert not (project / "seeds" / "schema.yml").exists()

    written = sqlscribe(project, "dbt:.", "--write", "--overwrite-existing", "--backend", "heuristic")
    assert written.returncode == 0, written.stderr
    after = manifest(project)
    assert after["stg_orders"]["description"] != "One row per order placed in the shop."
    assert after["stg_orders"]["columns"]["amount"] != "The order's total in the shop's currency."


def test_missing_artifacts_and_folders_are_named(tmp_path: Path, project: Path) -> None:
    (tmp_path / "plain").mkdir()
    outside = sqlscribe(tmp_path, "dbt:plain", "--backend", "heuristic")
    assert outside.returncode == 1
    assert "dbt:plain: no dbt_project.yml in plain" in outside.stderr
    (project / "target" / "catalog.json").unlink()
    unbuilt = sqlscribe(project, "dbt:dbt_project.yml", "--backend", "heuristic")  # documenting needs it
    assert unbuilt.returncode == 1
    assert "catalog.json: not found; run `dbt docs generate` in the project first" in unbuilt.stderr
    (project / "target" / "manifest.json").unlink()
    unparsed = sqlscribe(project, "--check", "dbt:dbt_project.yml")  # a check needs the manifest at least
    assert unparsed.returncode == 1
    assert "manifest.json: not found; run `dbt docs generate` in the project first" in unparsed.stderr
    assert sqlscribe(project, "dbt:.", "--format", "dbt").returncode == 2


def test_a_check_after_dbt_parse_alone_reads_the_columns_the_property_files_declare(project: Path) -> None:
    """What a pre-commit gate has without a warehouse: `dbt parse` writes the manifest, not the
    catalog. The check then goes by the declared columns, and a resource that declares none by
    its description alone; it says so."""
    shutil.rmtree(project / "target")
    dbt(project, "parse", "-q")
    assert not (project / "target" / "catalog.json").exists()
    done = sqlscribe(project, "--check", "dbt:.")
    assert done.returncode == 1, done.stderr
    assert "no catalog.json (dbt parse, not dbt docs generate): the columns the property files declare" in done.stderr
    assert done.stdout.splitlines() == [
        "models/schema.yml:5:1: model stg_orders: 2 of 4 declared columns without a comment: status, customer_id",
        "models/customers.sql:1:1: model customers: no description; no columns declared (without a catalog"
        " their columns are unknown)",
        "seeds/raw_orders.csv:1:1: seed raw_orders: no description; no columns declared (without a catalog"
        " their columns are unknown)",
    ]
    # A model named as a file (the pre-commit hook) is checked the same way.
    named = sqlscribe(project, "--check", "models/customers.sql")
    assert named.returncode == 1, named.stderr
    assert named.stdout.startswith("models/customers.sql:1:1: model customers: no description; no columns declared")
    # Described, with its two columns declared: the model passes, by what its entry declares.
    (project / "models" / "schema.yml").write_text(
        SCHEMA_YML
        + "  - name: customers\n    description: One row per customer.\n    columns:\n"
        + "      - name: customer_id\n        description: The customer.\n      - name: order_count\n"
        + "        description: Orders placed.\n",
        encoding="utf-8",
    )
    dbt(project, "parse", "-q")
    again = sqlscribe(project, "--check", "models/customers.sql")
    assert (again.returncode, again.stdout) == (0, ""), again.stdout + again.stderr


def test_a_property_file_that_does_not_read_as_yaml_is_left_alone(project: Path) -> None:
    resource = read_project(f"dbt:{project}").resources[0]
    with pytest.raises(DbtError, match="cannot be read as YAML"):
        edit_property_file("bad.yml", "models: [unclosed\n", [_Planned(resource, "A text.", {})])
    broken = "version: 2\nmodels:\n  - name: customers\n    columns: {oops\n"
    (project / "models" / "schema.yml").write_text(broken, encoding="utf-8")  # after dbt read it
    done = sqlscribe(project, "dbt:.", "--write", "--backend", "heuristic")
    assert done.returncode == 1
    assert "models/schema.yml: cannot be read as YAML" in done.stderr
    assert (project / "models" / "schema.yml").read_text(encoding="utf-8") == broken
    assert (project / "seeds" / "schema.yml").exists()  # the other file is written


def test_the_files_layout_is_kept() -> None:
    """Line ends, the document marker and a flush-left list style survive an edit."""
    resource = Resource("model", "orders", None, "main", "models/orders.sql", "models/x.yml", "", {}, [("id", "INT")])
    old = "---\r\nversion: 2\r\nmodels:\r\n- name: orders  # the orders\r\n  columns:\r\n  - name: id\r\n"
    new, kept = edit_property_file("x.yml", old, [_Planned(resource, "Orders.", {"id": "The order."})])
    assert kept == []
    assert new == (
        "---\r\nversion: 2\r\nmodels:\r\n- name: orders  # the orders\r\n  description: Orders.\r\n  columns:\r\n"
        "  - name: id\r\n    description: The order.\r\n"
    )


@pytest.mark.model
def test_the_embedded_model_documents_a_dbt_project(project: Path) -> None:
    written = sqlscribe(project, "dbt:.", "--write")
    assert written.returncode == 0, written.stderr
    after = manifest(project)
    for name in ("stg_orders", "customers", "raw_orders"):
        assert after[name]["description"]
        assert all(after[name]["columns"].values())
    assert after["stg_orders"]["columns"]["order_id"] == "The order's identifier."


def edit_artifact(project: Path, name: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = project / "target" / name
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_the_artifacts_are_read_where_the_project_says_dbt_writes_them(project: Path) -> None:
    (project / "target").rename(project / "build")
    (project / "dbt_project.yml").write_text(FILES["dbt_project.yml"] + "target-path: build\n", encoding="utf-8")
    check = sqlscribe(project, "--check", "dbt:.")
    assert check.returncode == 1 and len(check.stdout.splitlines()) == 3, check.stderr
    (project / "build").rename(project / "elsewhere")
    moved = subprocess.run(
        [sys.executable, "-m", "sqlscribe", "document", "--check", "dbt:."],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "DBT_TARGET_PATH": "elsewhere"},
        timeout=600,
    )
    assert moved.returncode == 1 and len(moved.stdout.splitlines()) == 3, moved.stderr


def test_a_property_file_outside_the_project_is_never_written(project: Path) -> None:
    def outside(manifest: dict[str, Any]) -> None:
        manifest["nodes"]["model.shop.stg_orders"]["patch_path"] = "shop://../outside.yml"

    edit_artifact(project, "manifest.json", outside)
    done = sqlscribe(project, "dbt:.", "--write", "--backend", "heuristic")
    assert done.returncode == 1
    assert "outside.yml: outside the project; not written" in done.stderr
    assert not (project.parent / "outside.yml").exists()
    assert "customers" in (project / "models" / "schema.yml").read_text(encoding="utf-8")  # the rest is written


def test_snowflakes_capital_names_are_listed_in_lower_case(project: Path) -> None:
    def snowflake(manifest: dict[str, Any]) -> None:
        manifest["metadata"]["adapter_type"] = "snowflake"

    def capitals(catalog: dict[str, Any]) -> None:
        for node in catalog["nodes"].values():
            node["columns"] = {k.upper(): {**c, "name": c["name"].upper()} for k, c in node["columns"].items()}

    edit_artifact(project, "manifest.json", snowflake)
    edit_artifact(project, "catalog.json", capitals)
    done = sqlscribe(project, "dbt:.", "--write", "--backend", "heuristic")
    assert done.returncode == 0, done.stderr
    text = (project / "models" / "schema.yml").read_text(encoding="utf-8")
    assert "      - name: ordered_at\n" in text and "ORDERED_AT" not in text
    assert text.count("- name: status\n") == 1  # matched to the listed column, not listed again


def test_a_clickhouse_projects_types_are_read_as_clickhouse_writes_them(project: Path) -> None:
    """dbt-clickhouse's catalog reports Nullable(…), LowCardinality(…) and DateTime64(3, 'UTC')."""

    def clickhouse(manifest: dict[str, Any]) -> None:
        manifest["metadata"]["adapter_type"] = "clickhouse"

    def types(catalog: dict[str, Any]) -> None:
        wrap = ["Nullable({})", "LowCardinality({})", "DateTime64(3, 'UTC')"]
        for node in catalog["nodes"].values():
            for n, column in enumerate(node["columns"].values()):
                column["type"] = wrap[n % 3].format("String")

    edit_artifact(project, "manifest.json", clickhouse)
    edit_artifact(project, "catalog.json", types)
    done = sqlscribe(project, "dbt:.", "--write", "--backend", "heuristic")
    assert done.returncode == 0, done.stderr
    assert manifest(project)["stg_orders"]["columns"]["status"]  # written, and dbt parses it back


def test_a_description_written_after_dbt_read_the_file_is_kept(project: Path) -> None:
    path = project / "models" / "schema.yml"
    mine = "Where the order stands, from placed to returned."
    described = f"      - name: status\n        description: {mine}\n"
    path.write_text(SCHEMA_YML.replace("      - name: status\n", described), encoding="utf-8")
    done = sqlscribe(project, "dbt:.", "--write", "--backend", "heuristic")
    assert done.returncode == 0, done.stderr
    assert "models/schema.yml changed after dbt wrote its artifacts" in done.stderr
    assert "model stg_orders column status: described since dbt read the file; kept" in done.stderr
    assert manifest(project)["stg_orders"]["columns"]["status"] == mine


def test_a_dbt_projects_folder_given_as_files_points_to_dbt_and_skips_what_dbt_wrote(project: Path) -> None:
    (project / "analyses").mkdir()
    (project / "analyses" / "audit.sql").write_text("CREATE TABLE audit (id INT);\n", encoding="utf-8")
    done = sqlscribe(project, ".", "--check")
    assert done.returncode == 1
    assert ".: a dbt project; `sqlscribe document dbt:.` documents its models" in done.stderr
    assert done.stdout == "analyses/audit.sql:1:1: table audit: no description; 1 of 1 column without a comment: id\n"
    assert "target/" not in done.stderr  # dbt's compiled copies of the models are not read


def test_model_files_named_as_files_are_checked_and_documented_through_the_project(project: Path) -> None:
    """What pre-commit passes in a dbt project: the staged models' SQL files. Each is a SELECT
    with nothing to comment; it is checked and documented as `dbt:FILE` is, in the property files.
    A SQL file there that holds a CREATE TABLE is DDL all the same."""
    hooks = YAML(typ="safe").load((Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text())
    (check,) = [hook for hook in hooks if hook["id"] == "sqlscribe-check"]
    (project / "models" / "ddl.sql").write_text("CREATE TABLE audit (id INT);\n", encoding="utf-8")
    staged = ["models/customers.sql", "models/ddl.sql", "models/stg_orders.sql"]
    assert all(re.search(check["files"], name) for name in staged)
    done = sqlscribe(project, *shlex.split(check["entry"])[2:], *staged)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == [
        "models/ddl.sql:1:1: table audit: no description; 1 of 1 column without a comment: id",
        "models/customers.sql:1:1: model customers: no description; 3 of 3 columns without a comment:"
        " customer_id, order_count, first_ordered_at",
        "models/schema.yml:5:1: model stg_orders: 3 of 5 columns without a comment: customer_id, ordered_at, status",
    ]
    folder = sqlscribe(project, "--check", "models")  # a folder is walked for DDL; dbt:models is pointed to
    assert "models: in a dbt project; `sqlscribe document dbt:models` documents" in folder.stderr
    assert folder.stdout.splitlines() == [
        "models/ddl.sql:1:1: table audit: no description; 1 of 1 column without a comment: id"
    ]
    # one that dbt has not read yet cannot be checked: said, and the check fails
    (project / "models" / "returns.sql").write_text("select 1 as return_id\n", encoding="utf-8")
    new = sqlscribe(project, "--check", "models/returns.sql")
    assert new.returncode == 1 and "declared in models/returns.sql" in new.stderr and "dbt docs generate" in new.stderr

    done = sqlscribe(project, "models/customers.sql", "--write", "--backend", "heuristic")
    assert done.returncode == 0, done.stderr
    assert "models/customers.sql: a dbt model; documented in its project's property files" in done.stderr
    after = manifest(project)
    customers, staged_orders = after["customers"], after["stg_orders"]
    assert isinstance(customers, dict) and isinstance(staged_orders, dict)
    assert customers["description"] and all(customers["columns"].values())
    assert staged_orders["columns"] == {  # not chosen: as people left it
        "order_id": "The order's identifier.",
        "status": "",
        "customer_id": "",
        "amount": "The order's total in the shop's currency.",
    }


def test_a_linked_models_folder_is_the_projects_all_the_same(project: Path) -> None:
    """`models/` a symbolic link to a folder elsewhere (a shared checkout): its files are still
    the project's, named as files or with dbt:PATH."""
    elsewhere = project.parent / "shared-models"
    (project / "models").rename(elsewhere)
    (project / "models").symlink_to(elsewhere, target_is_directory=True)
    line = "models/schema.yml:5:1: model stg_orders: 3 of 5 columns without a comment: customer_id, ordered_at, status"
    for spec in ("models/stg_orders.sql", "dbt:models/stg_orders.sql"):
        done = sqlscribe(project, "--check", "-q", spec)
        assert done.returncode == 1 and done.stdout.splitlines() == [line], done.stderr


def test_a_snapshot_defined_in_yaml_is_documented_in_its_own_entry(project: Path) -> None:
    """dbt 1.9 defines snapshots in YAML: their properties go into the entry that defines them."""
    snaps = "snapshots:\n  - name: orders_snapshot\n    relation: ref('stg_orders')\n    config:\n" + (
        "      unique_key: order_id\n      strategy: check\n      check_cols: all\n"
    )
    (project / "snapshots").mkdir()
    (project / "snapshots" / "orders.yml").write_text(snaps, encoding="utf-8")
    uid = "snapshot.shop.orders_snapshot"

    def declared(manifest: dict[str, Any]) -> None:  # as `dbt parse` records it
        manifest["nodes"][uid] = {
            "resource_type": "snapshot",
            "name": "orders_snapshot",
            "package_name": "shop",
            "schema": "snapshots",
            "original_file_path": "snapshots/orders.yml",
            "patch_path": None,
            "description": "",
            "columns": {},
        }

    def built(catalog: dict[str, Any]) -> None:  # as `dbt snapshot` then `dbt docs generate` see it
        columns = ["order_id", "status", "dbt_valid_from", "dbt_valid_to"]
        catalog["nodes"][uid] = {
            "metadata": {"schema": "snapshots", "name": "orders_snapshot"},
            "columns": {c: {"name": c, "type": "VARCHAR", "index": i} for i, c in enumerate(columns, start=1)},
        }

    edit_artifact(project, "manifest.json", declared)
    edit_artifact(project, "catalog.json", built)
    done = sqlscribe(project, "dbt:.", "--write", "--backend", "heuristic")
    assert done.returncode == 0, done.stderr
    text = (project / "snapshots" / "orders.yml").read_text(encoding="utf-8")
    assert text.startswith("snapshots:\n  - name: orders_snapshot\n    description: ")
    assert "    relation: ref('stg_orders')\n" in text and "      check_cols: all\n" in text
    assert not (project / "snapshots" / "schema.yml").exists()
    dbt(project, "parse", "-q")
    parsed = json.loads((project / "target" / "manifest.json").read_text(encoding="utf-8"))["nodes"][uid]
    assert parsed["description"]
    assert set(parsed["columns"]) == {"order_id", "status", "dbt_valid_from", "dbt_valid_to"}


DIMS_YML = """\
version: 2
models:
  - name: dim_customers
    latest_version: 2
    description: One row per customer, with what the shop knows of them.
    columns:
      - name: customer_id
        description: The customer.
    versions:
      - v: 1
        columns:
          - include: all
          - name: country
      - v: 2
"""


def test_a_versioned_models_columns_go_where_each_version_reads_them(project: Path) -> None:
    """A model's versions (dbt 1.5+) are relations of their own that share the model's entry: a
    column every version has is described once for all of them, one that a version alone has in
    that version's own list, so that no version gains a column it does not have."""
    (project / "models" / "dims.yml").write_text(DIMS_YML, encoding="utf-8")
    (project / "models" / "dim_customers_v1.sql").write_text(
        "select customer_id, order_count, 'NL' as country from {{ ref('customers') }}\n", encoding="utf-8"
    )
    (project / "models" / "dim_customers_v2.sql").write_text(
        "select customer_id, order_count, first_ordered_at from {{ ref('customers') }}\n", encoding="utf-8"
    )
    dbt(project, "build", "-q", "-s", "dim_customers")
    dbt(project, "docs", "generate", "-q")
    assert "CREATE TABLE main.dim_customers_v1 (" in read_project(f"dbt:{project}").ddl()
    check = sqlscribe(project, "--check", "dbt:.")
    assert check.returncode == 1
    assert [line for line in check.stdout.splitlines() if "dim_customers" in line] == [
        "models/dims.yml:10:1: model dim_customers v1: 2 of 3 columns without a comment: order_count, country",
        "models/dims.yml:14:1: model dim_customers v2: 2 of 3 columns without a comment: order_count, first_ordered_at",
    ]

    done = sqlscribe(project, "dbt:.", "--write", "--backend", "heuristic")
    assert done.returncode == 0, done.stderr
    assert "kept" not in done.stderr  # the versions' shared entry is written once, not "kept" for the second
    text = (project / "models" / "dims.yml").read_text(encoding="utf-8").split("  - name: customers\n")[0]
    assert text.count("- name: order_count\n") == 1  # once, for both versions
    assert "          - name: country\n            description: Country of the customer.\n" in text
    assert "      - v: 2\n        columns:\n          - name: first_ordered_at\n" in text
    dbt(project, "parse", "-q")
    nodes = json.loads((project / "target" / "manifest.json").read_text(encoding="utf-8"))["nodes"]
    for version, columns in (
        (1, {"customer_id", "order_count", "country"}),
        (2, {"customer_id", "order_count", "first_ordered_at"}),
    ):
        node = nodes[f"model.shop.dim_customers.v{version}"]
        assert set(node["columns"]) == columns  # no version gained another's column
        assert all(c["description"] for c in node["columns"].values())
        assert node["description"] == "One row per customer, with what the shop knows of them."


def test_a_version_that_takes_only_some_of_the_models_columns_gets_its_own_entries() -> None:
    def version(v: str, columns: list[tuple[str, str]]) -> Resource:
        resource = Resource("model", "dim", None, "main", f"models/dim_v{v}.sql", "models/x.yml", "", {}, columns)
        resource.version, resource.relation, resource.latest = v, f"dim_v{v}", v == "2"
        resource.shared = frozenset({"id", "total"})
        return resource

    old = (
        "models:\n  - name: dim\n    columns:\n      - name: id\n    versions:\n      - v: 1\n        columns:\n"
        "          - include: [id]\n      - v: 2\n        columns:\n          - include: all\n"
        "            exclude: [id]\n"
    )
    v1, v2 = version("1", [("id", "INT"), ("total", "INT")]), version("2", [("id", "INT"), ("total", "INT")])
    planned = [
        _Planned(v1, None, {"id": "The key.", "total": "Total one."}),
        _Planned(v2, None, {"id": "Key two.", "total": "Total two."}),
    ]
    new, kept = edit_property_file("x.yml", old, planned)
    assert kept == []
    assert new == (
        "models:\n  - name: dim\n    columns:\n      - name: id\n        description: The key.\n    versions:\n"
        "      - v: 1\n        columns:\n          - include: [id]\n          - name: total\n"
        "            description: Total one.\n      - v: 2\n        columns:\n          - include: all\n"
        "            exclude: [id]\n          - name: id\n            description: Key two.\n"
        "          - name: total\n            description: Total two.\n"
    )


def test_a_column_passed_through_unchanged_carries_its_upstream_description(project: Path) -> None:
    """A column that is an upstream column's data, unchanged (renamed, through CTEs), is described
    as that column is; not one that is a key on one side only, or computed."""
    (project / "models" / "orders.sql").write_text(
        "with o as (select * from {{ ref('stg_orders') }})\n"
        "select order_id, o.ordered_at as placed_at, amount, amount * 100 as amount_cents from o\n",
        encoding="utf-8",
    )
    dbt(project, "build", "-q", "-s", "orders")
    dbt(project, "docs", "generate", "-q")
    check = sqlscribe(project, "--check", "dbt:.")  # what the YAML lacks, carried or not
    assert "model orders: no description; 4 of 4 columns without a comment:" in check.stdout
    plan = plan_project(read_project(f"dbt:{project}"))
    (asked,) = [r.columns for i, r in plan.todo if plan.parsed.tables[i].name.endswith(".orders")]
    assert list(asked) == ["order_id", "placed_at", "amount_cents"]  # amount's words are known: not asked
    records = json.loads(sqlscribe(project, "dbt:.", "--format", "json", "--backend", "heuristic").stdout)
    (orders,) = [r for r in records if r["table"].endswith(".orders")]
    assert orders["source"]["columns"] == {
        "order_id": "generated",
        "placed_at": "carried",  # stg_orders.ordered_at's text, written in this run
        "amount": "carried",  # stg_orders.amount's, in the YAML
        "amount_cents": "generated",
    }
    done = sqlscribe(project, "dbt:.", "--write", "--backend", "heuristic")
    assert done.returncode == 0, done.stderr
    assert "column descriptions carried from the column each passes through unchanged" in done.stderr
    after = manifest(project)
    orders, staged = after["orders"]["columns"], after["stg_orders"]["columns"]
    assert isinstance(orders, dict) and isinstance(staged, dict)
    assert orders["amount"] == "The order's total in the shop's currency."  # what people wrote upstream
    assert orders["placed_at"] == staged["ordered_at"]  # what this run wrote upstream
    assert orders["order_id"] != staged["order_id"]  # tested unique upstream only: a key there, not known here
    assert orders["amount_cents"] and orders["amount_cents"] != orders["amount"]


def test_a_column_passed_through_from_an_installed_packages_model_takes_its_description(project: Path) -> None:
    """A package's models (dbt_packages/) are documented in the package and never written here;
    what their YAML says is what a column that passes theirs through says."""
    ledger = project.parent / "ledger"
    (ledger / "models").mkdir(parents=True)
    (ledger / "dbt_project.yml").write_text('name: ledger\nversion: "1.0"\nprofile: shop\n', encoding="utf-8")
    entries = "select 10 as customer_id, 12.5 as balance\n"
    (ledger / "models" / "ledger_entries.sql").write_text(entries, encoding="utf-8")
    package_yml = (
        "version: 2\nmodels:\n  - name: ledger_entries\n    columns:\n      - name: balance\n"
        "        description: The customer's balance after the entry, in the shop's currency.\n"
    )
    (ledger / "models" / "ledger.yml").write_text(package_yml, encoding="utf-8")
    (project / "packages.yml").write_text("packages:\n  - local: ../ledger\n", encoding="utf-8")
    (project / "models" / "balances.sql").write_text(
        "select customer_id, balance, balance * 100 as balance_cents from {{ ref('ledger_entries') }}\n",
        encoding="utf-8",
    )
    dbt(project, "deps")
    dbt(project, "build", "-q", "-s", "ledger_entries", "balances")
    dbt(project, "docs", "generate", "-q")
    read = read_project(f"dbt:{project}")
    assert [r.name for r in read.lenders] == ["ledger_entries"]
    assert "ledger_entries" not in read.ddl()  # never documented here
    plan = plan_project(read)
    (asked,) = [r.columns for i, r in plan.todo if plan.parsed.tables[i].name.endswith(".balances")]
    assert list(asked) == ["customer_id", "balance_cents"]  # balance's words are the package's: not asked
    done = sqlscribe(project, "dbt:.", "--write", "--backend", "heuristic")
    assert done.returncode == 0, done.stderr
    assert "balances.balance from ledger_entries.balance" in done.stderr
    balances = manifest(project)["balances"]["columns"]
    assert isinstance(balances, dict)
    assert balances["balance"] == "The customer's balance after the entry, in the shop's currency."
    assert balances["balance_cents"] and balances["balance_cents"] != balances["balance"]
    for package in (ledger, project / "dbt_packages" / "ledger"):
        assert (package / "models" / "ledger.yml").read_text(encoding="utf-8") == package_yml
    assert not (project / "dbt_packages" / "ledger" / "models" / "schema.yml").exists()


def test_a_path_inside_the_project_chooses_what_is_documented(project: Path) -> None:
    """`dbt:models/stg_orders.sql`, `dbt:seeds`, `dbt:models/schema.yml`: the resources defined or
    declared there, found from any folder of the project."""
    lines = {
        spec: sqlscribe(project, "--check", spec).stdout.splitlines()
        for spec in ("dbt:models/stg_orders.sql", "dbt:models/schema.yml", "dbt:seeds")
    }
    stg_orders = (
        "models/schema.yml:5:1: model stg_orders: 3 of 5 columns without a comment: customer_id, ordered_at, status"
    )
    assert lines["dbt:models/stg_orders.sql"] == lines["dbt:models/schema.yml"] == [stg_orders]
    assert [line.split(":")[0] for line in lines["dbt:seeds"]] == ["seeds/raw_orders.csv"]
    inside = sqlscribe(project / "models", "--check", "dbt:stg_orders.sql")  # the project is above
    assert inside.stdout.splitlines() == ["../" + stg_orders], inside.stderr

    original = (project / "models" / "schema.yml").read_text(encoding="utf-8")
    done = sqlscribe(project, "dbt:seeds", "--write", "--backend", "heuristic")
    assert done.returncode == 0, done.stderr
    assert (project / "models" / "schema.yml").read_text(encoding="utf-8") == original
    seeds = manifest(project)["raw_orders"]  # as dbt reads it now
    assert isinstance(seeds, dict) and seeds["description"] and all(seeds["columns"].values())

    (project / "analyses").mkdir()
    for spec, message in (
        (
            "dbt:analyses",
            "dbt:analyses: no model, seed, snapshot or source of the project is defined or declared in analyses",
        ),
        ("dbt:nowhere.sql", "dbt:nowhere.sql: no such file or folder"),
    ):
        failed = sqlscribe(project, "--check", spec)
        assert failed.returncode == 1 and message in failed.stderr, failed.stderr
