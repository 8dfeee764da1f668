"""Which columns a dbt model passes through unchanged (sqlscribe/dbt_lineage.py), read by
sqlglot's column lineage from SQL as dbt compiles it."""

from __future__ import annotations

import pytest

from sqlscribe.dbt_lineage import passthrough

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
