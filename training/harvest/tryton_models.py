"""Print Tryton's tables as JSON: PostgreSQL CREATE TABLE statements for the tables a real
Tryton database holds, each field's ``help`` and the model's docstring when it says more than
the model's name. The same format as ``training/evaluate/realworld/django_models.py``.

Run it with a Python that has trytond and the modules installed, on a database that
``trytond-admin`` built with the modules activated (README.md has the commands)::

    python training/harvest/tryton_models.py CONFIG DATABASE > tryton.json

The columns are the database's own (read from the SQLite catalogue that trytond-admin wrote);
Tryton's PostgreSQL backend gives them the types below, and each Many2One field's foreign key
is declared as that backend declares it.
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from pathlib import Path
from typing import Any

# SQLite column types as trytond-admin writes them -> the type Tryton's PostgreSQL backend uses.
PG_TYPES = {
    "INTEGER": "INTEGER", "VARCHAR": "VARCHAR", "TEXT": "TEXT", "BOOLEAN": "BOOLEAN",
    "TIMESTAMP": "TIMESTAMP(0)", "DATETIME": "TIMESTAMP(0)", "DATE": "DATE", "TIME": "TIME",
    "NUMERIC": "NUMERIC", "FLOAT": "DOUBLE PRECISION", "INTERVAL": "INTERVAL", "BLOB": "BYTEA",
    "JSON": "JSONB",
}  # fmt: skip
_COLUMN = re.compile(r'"?(\w+)"?\s+(\w+)')
# A help shared by many fields is a message id ("ir.msg_active_help") that ir.message translates.
_MESSAGE = re.compile(r"(\w+)\.(msg_\w+)")


def main() -> int:
    config, database = sys.argv[1], sys.argv[2]
    from trytond import config as tryton_config

    tryton_config.update_etc(config)
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    path = Path(tryton_config.get("database", "path")) / f"{database}.sqlite"
    catalogue = sqlite3.connect(path)
    created = dict(catalogue.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall())
    Pool.start()
    pool = Pool(database)
    pool.init()
    out: list[dict[str, Any]] = []
    tables = {name: getattr(model, "_table", None) for name, model in pool.iterobject()}
    with Transaction().start(database, 0, readonly=True, context={"language": "en"}):
        message = pool.get("ir.message")
        for _, model in sorted(pool.iterobject(), key=lambda item: item[0]):
            table = getattr(model, "_table", None)
            if not table or table not in created:
                continue
            query = getattr(model, "table_query", None)
            if callable(query) and query() is not None:
                continue  # a view over other tables
            # The module that defines the model (the pool's class is built from every module's part).
            defined = [c.__module__ for c in model.__mro__ if c.__module__.startswith("trytond.modules.")]
            package = defined[-1].split(".")[2] if defined else "ir"
            sql = created[table]
            body = sql[sql.index("(") + 1 : sql.rindex(")")]
            lines, helps, keys = [], {}, []
            for part in body.split(", "):
                match = _COLUMN.match(part.strip())
                if match is None:
                    continue
                column, kind = match[1], match[2].upper()
                if column == "id":
                    lines.append(f"\"id\" INTEGER DEFAULT nextval('{table}_id_seq') NOT NULL")
                    continue
                field = model._fields.get(column)
                required = field is not None and field.required
                lines.append(f'"{column}" {PG_TYPES.get(kind, kind)}' + (" NOT NULL" if required else ""))
                if field is None:
                    continue
                help_text = " ".join(str(field.help or "").split())
                if shared := _MESSAGE.fullmatch(help_text):
                    help_text = " ".join(message.gettext(shared[1], shared[2], "en").split())
                if help_text:
                    helps[column] = help_text
                target = getattr(field, "model_name", None)
                if field._type == "many2one" and target in tables:
                    target_table = tables[target]
                    if target_table in created:
                        keys.append(f'FOREIGN KEY ("{column}") REFERENCES "{target_table}" ("id")')
            doc = " ".join((model.__doc__ or "").split())
            # Tryton's docstrings are the model's name ("Sale Line"): not documentation.
            if len(doc.split()) < 5:
                doc = ""
            ddl = f'CREATE TABLE "{table}" (' + ", ".join([*lines, 'PRIMARY KEY("id")', *keys]) + ");"
            out.append({"package": f"tryton_{package}", "table": table, "ddl": ddl, "table_doc": doc,
                        "columns": helps})  # fmt: skip
    json.dump(out, sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
