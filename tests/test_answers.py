"""What the model backends do with an answer before anyone sees it."""

from __future__ import annotations

import json

from sqlscribe.ddl import parse_sql
from sqlscribe.generate.chat import ChatBackend
from sqlscribe.generate.heuristic import heuristic_docs
from sqlscribe.suggest import request_for

SQL = """CREATE TABLE payments (payment_id INT PRIMARY KEY, amount NUMERIC(10, 2));
CREATE TABLE orders (
  order_id INT PRIMARY KEY,
  customer_id INT REFERENCES sales.customers(customer_id),
  payment_id INT,
  exchange_order_id VARCHAR(36),
  note TEXT
);"""


class Canned(ChatBackend):
    """A backend whose model always gives the same answer."""

    prompt_style = "drafted"

    def __init__(self, answer: dict[str, object]) -> None:
        super().__init__("canned")
        self.answer = answer

    def complete(
        self, messages: list[dict[str, str]], schema: dict[str, object], max_tokens: int
    ) -> tuple[str, int, int]:
        return json.dumps(self.answer), 10, 10


def test_references_to_tables_the_schema_does_not_show_are_dropped() -> None:
    parsed = parse_sql(SQL, "postgres")
    request = request_for(parsed, 1)
    answer = {
        "table": "Orders placed by customers; references order_archive.",
        "columns": {
            "order_id": "Surrogate key that uniquely identifies the order.",
            "customer_id": "Customer who placed the order; references customers.",  # declared
            "payment_id": "Payment of the order; references public.payments(payment_id).",  # in the file
            "exchange_order_id": "Exchange order of the order; references exchange_orders.",  # a guess
            "note": "References invented_table",  # nothing left: the heuristic's comment instead
        },
    }
    generated = Canned(answer).document(request)
    columns = generated.docs.columns
    assert generated.docs.description == "Orders placed by customers."
    assert columns["customer_id"] == "Customer who placed the order; references customers."
    assert columns["payment_id"] == "Payment of the order; references public.payments(payment_id)."
    assert columns["exchange_order_id"] == "Exchange order of the order."
    assert columns["note"] == heuristic_docs(request).columns["note"] and generated.fallback_columns == ["note"]
    # Prose that uses the verb is not a table name.
    answer["columns"]["order_id"] = "Free text that references the order."  # type: ignore[index]
    assert Canned(answer).document(request).docs.columns["order_id"] == "Free text that references the order."
