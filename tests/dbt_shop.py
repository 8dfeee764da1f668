"""A real dbt project for the tests: dbt-core with the DuckDB adapter, in its own virtual
environment (dbt-core's releases pin versions of packages this project's tools need newer, such
as pathspec for mypy; sqlscribe reads only dbt's artifacts, never dbt itself), made once and kept
in the user's cache (``SQLSCRIBE_DBT_VENV`` moves it), as users often keep dbt (pipx)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

DBT = ("dbt-core==1.11.16", "dbt-duckdb==1.11.1")  # the newest dbt-core that installs offline

SCHEMA_YML = """\
version: 2

models:
  # Orders, one row each, cleaned from the raw feed.
  - name: stg_orders
    description: "One row per order placed in the shop."
    columns:
      - name: order_id
        description: The order's identifier.
        data_tests:
          - unique
          - not_null
      - name: status
        data_tests:
          - accepted_values:
              arguments:
                values: ['placed', 'shipped', 'returned']
      - name: customer_id
        data_tests:
          - relationships:
              arguments:
                to: ref('customers')
                field: customer_id
      - name: amount
        description: "{{ doc('amount') }}"
"""
FILES = {
    "dbt_project.yml": 'name: shop\nversion: "1.0"\nprofile: shop\n',
    "profiles.yml": "shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: shop.duckdb\n"
    "      threads: 1\n",
    "seeds/raw_orders.csv": "id,customer_id,ordered_at,status,amount_cents\n1,10,2024-01-02,shipped,1250\n",
    "models/stg_orders.sql": "select id as order_id, customer_id, ordered_at, status, amount_cents / 100.0 as amount"
    " from {{ ref('raw_orders') }}\n",
    "models/customers.sql": "select customer_id, count(*) as order_count, min(ordered_at) as first_ordered_at"
    " from {{ ref('stg_orders') }} group by 1\n",
    "models/docs.md": "{% docs amount %}The order's total in the shop's currency.{% enddocs %}\n",
    "models/schema.yml": SCHEMA_YML,
}


def dbt_venv() -> Path:
    where = os.environ.get("SQLSCRIBE_DBT_VENV")
    venv = Path(where) if where else Path.home() / ".cache" / "sqlscribe-tests" / ("dbt-" + DBT[0].split("==")[1])
    if not (venv / "bin" / "dbt").exists():
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", *DBT], check=True, timeout=900
        )
    return venv


def dbt(project: Path, *args: str) -> None:
    env = {**os.environ, "DBT_PROFILES_DIR": str(project), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    done = subprocess.run(
        [str(dbt_venv() / "bin" / "dbt"), *args], cwd=project, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr


def build_shop(project: Path) -> Path:
    """The shop project written into ``project``, built, and its docs generated."""
    for name, text in FILES.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")
    dbt(project, "build", "-q")
    dbt(project, "docs", "generate", "-q")
    return project
