"""Which columns a dbt model passes through unchanged (sqlscribe/dbt_lineage.py), read by
sqlglot's column lineage from SQL as dbt compiles it."""

from __future__ import annotations

from pathlib import Path

import bench_scripts
import pytest

from sqlscribe.dbt_lineage import passthrough
from sqlscribe.dbt_project import plan_project, read_project

SCHEMA = {
    "shop": {
        "main": {
            "raw_orders": {"id": "TEXT", "customer_id": "TEXT", "status": "TEXT", "amount_cents": "TEXT"},
            "raw_customers": {"id": "TEXT", "name": "TEXT"},
        }
    }
}
ORDERS = '"shop"."main"."raw_orders"'


def test_plain_and_renamed_columns_pass_through_ctes_subqueries_stars_and_joins() -> None:
    sql = f"""
        with o as (select * from {ORDERS} where status <> 'test'),
             c as (select id as customer_key, name from "shop"."main"."raw_customers")
        select o.id as order_id, sub.status, c.name as customer_name, o.amount_cents / 100.0 as amount,
               upper(sub.status) as status_code, 'EUR' as currency, row_number() over (order by o.id) as n
        from o
        join c on c.customer_key = o.customer_id
        join (select id, status from {ORDERS}) as sub on sub.id = o.id
    """
    assert passthrough(sql, "duckdb", SCHEMA) == {
        "order_id": (("main", "raw_orders"), "id"),
        "status": (("main", "raw_orders"), "status"),
        "customer_name": (("main", "raw_customers"), "name"),
    }


@pytest.mark.parametrize(
    "sql",
    [
        f"select customer_id, count(*) as orders from {ORDERS} group by 1",  # a row is now a customer
        f"select distinct customer_id from {ORDERS}",
        f"with c as (select customer_id from {ORDERS} group by 1) select customer_id from c",
        f'select customer_id from {ORDERS} union all select id as customer_id from "shop"."main"."raw_customers"',
        f"select coalesce(customer_id, 0) as customer_id from {ORDERS}",
    ],
)
def test_what_changes_a_row_or_a_value_passes_nothing_through(sql: str) -> None:
    assert passthrough(sql, "duckdb", SCHEMA) == {}


@pytest.mark.parametrize("sql", ["", "select from where (", "select * from nowhere.unknown", "\x00\xff" * 10])
def test_sql_that_cannot_be_read_gives_nothing_and_no_error(sql: str) -> None:
    assert passthrough(sql, "duckdb", SCHEMA) == {}


def test_marts_take_their_staging_columns_descriptions_in_a_synthetic_project(tmp_path: Path) -> None:
    """bench/dbt_project.py's project: staging models rename their sources' columns, marts join
    two staging models through `select *` CTEs; a mart column takes the description its staging
    column has in the YAML, a computed one nothing."""
    bench_scripts.load("dbt_project").write_project(tmp_path, 6, 6)
    project = read_project(f"dbt:{tmp_path}")
    plan = plan_project(project)
    carried = {r.name: r.carried for r in project.resources if r.carried}
    assert carried == {
        f"mart_{i}": {"customer_attribute_1": ("Attribute 1.", f"stg_{i % 2}.customer_attribute_1")} for i in range(4)
    }
    assert {r.name: r.upstream.get("customer_attribute_0") for r in project.resources if r.kind == "source"} == {
        "t0": None,
        "t1": None,
    }
    staged = next(r for r in project.resources if r.name == "stg_0")
    assert staged.upstream["customer_attribute_2"] == ("source.bench.raw.t0", "cust_attr_2_cd")
    asked = {plan.parsed.tables[i].name.rsplit(".", 1)[-1]: list(r.columns) for i, r in plan.todo}
    assert asked["mart_0"] == ["customer_attribute_0", "customer_attribute_2", "measure_0", "measure_1", "measure_2"]
