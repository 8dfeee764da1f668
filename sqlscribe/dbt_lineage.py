"""The columns a dbt model passes through unchanged from the relations it reads.

``select id as order_id, status, amount_cents / 100.0 as amount from raw_orders`` passes
``raw_orders.id`` (renamed) and ``raw_orders.status`` through; ``amount`` is computed. A column
that is the same data as an upstream column can carry the description that column has, so that
a project's docs say the same thing of the same data in every model (what dbt users otherwise
copy by hand, or by ``{{ doc() }}`` blocks). Read with sqlglot's column lineage from the SQL
dbt compiled (``compiled_code`` in ``manifest.json``), the relations' columns from the catalog.

Only a chain of plain column references counts, through every CTE and subquery, each a single
SELECT without GROUP BY or DISTINCT: aggregating or de-duplicating changes what a row is, so a
column's meaning (and whether it is a key) can change with it. Anything sqlglot cannot read
gives no pass-through at all, never an error: this only adds to what the model is asked.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

MAX_SQL = 200_000  # characters of compiled SQL read; a longer model is left to the model
Relation = tuple[str, str]  # (schema, name), lower case


def relations(tables: dict[str, Any], dialect: str) -> Any:
    """The relations' columns, by name (database, schema, table; or schema, table), as sqlglot
    reads them: made once for a project, not once per model (a large project's take ~0.2 s)."""
    from sqlglot.schema import MappingSchema

    try:
        return MappingSchema(tables, dialect=dialect)
    except Exception as error:  # names sqlglot cannot take: no lineage
        log.debug("no column lineage: %s", error)
        return MappingSchema()


def passthrough(sql: str, dialect: str, schema: Any) -> dict[str, tuple[Relation, str]]:
    """Each output column (lower case) that is an upstream relation's column unchanged: the
    relation and that column's name (lower case). ``schema``: ``relations()``, or the dict it
    takes."""
    if not sql.strip() or len(sql) > MAX_SQL:
        return {}
    try:
        from sqlglot import exp
        from sqlglot.lineage import lineage

        # each step's whole SELECT, not a copy trimmed to the column: 30 times faster on wide models
        nodes = lineage(None, sql, schema=schema, dialect=dialect, trim_selects=False, copy=False)
    except Exception as error:  # sqlglot cannot read it: no pass-through, not a failure
        log.debug("no column lineage: %s", error)
        return {}
    found: dict[str, tuple[Relation, str]] = {}
    for name, node in nodes.items() if isinstance(nodes, dict) else []:
        while node.downstream:
            source, expression = node.source, node.expression
            if isinstance(expression, exp.Alias):
                expression = expression.this
            if (
                len(node.downstream) != 1
                or not isinstance(expression, exp.Column)
                or not isinstance(source, exp.Select)
                or source.args.get("group")
                or source.args.get("distinct")
            ):
                break
            node = node.downstream[0]
        else:
            table = node.expression
            if isinstance(table, exp.Table) and table.name and node.name:
                found[str(name).lower()] = (
                    (table.db.lower(), table.name.lower()),
                    node.name.rsplit(".", 1)[-1].lower(),
                )
    return found
