"""What the model backends do with an answer before anyone sees it."""

from __future__ import annotations

import json

import pytest

from sqlscribe import prompt
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


def test_a_comment_copied_word_for_word_from_another_column_in_sight_is_the_heuristics() -> None:
    sql = (
        "CREATE TABLE products (id INT PRIMARY KEY, title TEXT);\n"
        "COMMENT ON COLUMN products.title IS 'Name shown to customers.';\n"
        "CREATE TABLE tags (id INT PRIMARY KEY, label TEXT, name TEXT);\n"
        "COMMENT ON COLUMN tags.name IS 'Name of the tag.';\n"
    )
    request = request_for(parse_sql(sql, "postgres"), 1)
    assert request.columns == ("id", "label") and "; title: Name shown to customers." in (prompt.render_table(request))
    answer = {
        "table": "Tags.",
        "columns": {"id": "name of the tag", "label": "Name shown to customers"},  # copied, but for case and stop
    }
    generated = Canned(answer).document(request)
    assert generated.fallback_columns == ["id", "label"]
    assert generated.docs.columns == {k: heuristic_docs(request).columns[k] for k in ("id", "label")}
    # the same words about the column they were written for are its own
    titles = request_for(parse_sql(sql.replace("'Name shown to customers.'", "NULL"), "postgres"), 0)
    copied = {"table": "Products.", "columns": {"id": "Product id.", "title": "Name shown to customers."}}
    assert Canned(copied).document(titles).docs.columns["title"] == "Name shown to customers."


def test_a_text_the_length_limit_cut_off_ends_at_its_last_full_sentence() -> None:
    parsed = parse_sql(SQL, "postgres")
    request = request_for(parsed, 1)
    limit = prompt.MAX_CHARS
    assert prompt.answer_schema(request)["properties"]["table"]["maxLength"] == limit
    # What the grammar leaves when a model is still writing at the limit: the string is closed
    # wherever it stood, here in the middle of a word.
    rambling = (
        "Orders placed by customers, including details like order_id, customer_id, payment_id, "
        "exchange_order_id, note, created_at, updated_at, shipped_at, delivered_at, cancelled_at, "
        "returned_at, refunded_at, archived_at"
    )[:limit]
    two_sentences = (
        "Free-text note on the order (e.g. 'Leave at the door'). Written by the customer at "
        "checkout and shown to the courier on the delivery slip, together with the address, the "
        "phone number and the time window chosen by the"
    )[:limit]
    answer = {
        "table": rambling,
        "columns": {
            "order_id": "Surrogate key that uniquely identifies the order.",
            "customer_id": "Customer who placed the order.",
            "payment_id": "Payment of the order.",
            "exchange_order_id": "Identifier of the order on the exchange.",
            "note": two_sentences,
        },
    }
    docs = Canned(answer).document(request).docs
    assert len(rambling) == len(two_sentences) == limit
    assert docs.description == rambling[: rambling.rindex(" ")].rstrip(",") + "..."
    assert docs.columns["note"] == "Free-text note on the order (e.g. 'Leave at the door')."
    assert docs.columns["order_id"] == answer["columns"]["order_id"]  # type: ignore[index]
    # A text that ends its sentence right at the limit is whole.
    whole = "A" + "b" * (limit - 3) + "."
    assert prompt.end_cut_text(whole) == whole


def test_the_answers_fixed_text_is_drafted_between_values_only() -> None:
    """`AnswerDraft` proposes what the schema fixes: the punctuation and the next column's name,
    never a value's inside, and nothing once an answer leaves `json.dumps`'s spacing."""
    from sqlscribe.generate.sampling import answer_skeleton, skeleton_continuation

    request = request_for(parse_sql(SQL), 1)
    schema = prompt.answer_schema(request)
    parts = answer_skeleton(schema)
    assert parts is not None
    docs = {name: f'The "{name}" \\ value' for name in request.columns}
    answer = json.dumps({"table": "Orders.", "columns": docs}, ensure_ascii=False)
    # The skeleton and the values rebuild the answer exactly.
    values = ["Orders.", *docs.values()]
    rebuilt = parts[0] + "".join(json.dumps(v)[1:-1] + part for v, part in zip(values, parts[1:], strict=True))
    assert rebuilt == answer
    assert skeleton_continuation(parts, "") == '{"table": "'
    assert skeleton_continuation(parts, '{"tab') == 'le": "'
    assert skeleton_continuation(parts, '{"table": "Ord') == ""  # inside a value
    assert skeleton_continuation(parts, '{"table": "Orders."') == ', "columns": {"order_id": "'
    cut = answer.index('"customer_id"') - 2  # just after the closing quote of order_id's value
    assert skeleton_continuation(parts, answer[:cut]) == ', "customer_id": "'
    escaped = answer.index("\\\\")  # an escaped backslash and an escaped quote are not the end
    assert skeleton_continuation(parts, answer[: escaped + 1]) == ""
    assert skeleton_continuation(parts, answer[: answer.index('\\"') + 2]) == ""
    assert skeleton_continuation(parts, answer[:-1]) == "}"
    assert skeleton_continuation(parts, answer) == ""
    assert skeleton_continuation(parts, '{ "table": "') == ""  # another spacing: no draft
    # Schemas it does not know give no skeleton at all.
    assert answer_skeleton({"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}) is None
    assert answer_skeleton({"type": "object", "properties": {"a": {"type": "string"}}, "required": []}) is None


def test_the_shared_prompt_prefix_leaves_every_prompt_a_token_of_its_own() -> None:
    from sqlscribe.generate.batched import _common_prefix

    assert _common_prefix([[1, 2, 3, 4], [1, 2, 3, 5], [1, 2, 9]]) == 2
    assert _common_prefix([[1, 2, 3], [1, 2, 3]]) == 2  # identical prompts: the last token is each one's own
    assert _common_prefix([[7, 1], [8, 1]]) == 0
    assert _common_prefix([[5]]) == 0


LINKS = """CREATE TABLE log_search (
  ls_field VARBINARY(32) NOT NULL,
  ls_value VARCHAR(255) NOT NULL,
  ls_log_id INT UNSIGNED DEFAULT 0 NOT NULL,
  PRIMARY KEY (ls_field, ls_value, ls_log_id)
);
CREATE TABLE devices (
  id INT PRIMARY KEY,
  owner_id INT REFERENCES users(id),
  serial VARCHAR(40) UNIQUE,
  label TEXT
);"""


def test_a_key_of_several_columns_is_shown_once_and_none_of_its_parts_is_called_the_rows_key() -> None:
    parsed = parse_sql(LINKS, "mysql")
    request = request_for(parsed, 0)
    rendered = prompt.render_table(request)
    # Marked on each member, every one of them reads as the table's key.
    assert "- ls_log_id INT UNSIGNED, not null, default 0\n" in rendered
    assert "primary key: (ls_field, ls_value, ls_log_id)\n" in rendered
    assert "- id INT, primary key" in prompt.render_table(request_for(parsed, 1))
    answer = {
        "table": "Search index of the log.",
        "columns": {
            "ls_field": "Field that was searched.",
            "ls_value": "Value of the field that was searched.",
            "ls_log_id": "Surrogate key that uniquely identifies the search log.",
        },
    }
    generated = Canned(answer).document(request)
    fallback = heuristic_docs(request).columns["ls_log_id"]
    assert generated.docs.columns["ls_log_id"] == "Identifier of the log." == fallback
    assert generated.fallback_columns == ["ls_log_id"]
    assert generated.docs.columns["ls_field"] == "Field that was searched."
    # Beside a key of one column: the key itself and a unique column may say so, a reference may not.
    request = request_for(parsed, 1)
    answer = {
        "table": "Devices.",
        "columns": {
            "id": "Surrogate key that uniquely identifies the device.",
            "owner_id": "Primary key of the owner; references users.",
            "serial": "Serial number that uniquely identifies the device.",
            "label": "Label of the device.",
        },
    }
    generated = Canned(answer).document(request)
    assert generated.fallback_columns == ["owner_id"]
    assert generated.docs.columns["owner_id"] == "Reference to the user (users.id)."
    assert generated.docs.columns["id"] == answer["columns"]["id"]  # type: ignore[index]
    assert generated.docs.columns["serial"] == answer["columns"]["serial"]  # type: ignore[index]
    # Unique by a constraint of the table's own: as the inline keyword.
    coded = parse_sql("CREATE TABLE currencies (id INT PRIMARY KEY, code CHAR(3), UNIQUE (code));", "postgres")
    assert not prompt.false_key_claim("Code that uniquely identifies the currency.", "code", coded.tables[0])
    # A table that declares no key: nothing to contradict.
    bare = parse_sql("CREATE TABLE sl_seqlog (seql_seqid INT, seql_origin INT);", "postgres")
    assert not prompt.false_key_claim("Surrogate key that uniquely identifies the log.", "seql_seqid", bare.tables[0])
    # but a reference is no key of the rows, declared key or none (an ORM mixin's tenant_id)
    mixin = parse_sql(
        "CREATE TABLE tenant (tenant_id INT NOT NULL, FOREIGN KEY (tenant_id) REFERENCES tenants (id));\n"
        "CREATE TABLE profile (user_id INT UNIQUE REFERENCES users (id), bio TEXT);",
        "postgres",
    )
    claim = "Surrogate key that uniquely identifies the tenant."
    assert prompt.false_key_claim(claim, "tenant_id", mixin.tables[0])
    assert not prompt.false_key_claim("Tenant the row belongs to; references tenants.", "tenant_id", mixin.tables[0])
    assert not prompt.false_key_claim("Uniquely identifies the user.", "user_id", mixin.tables[1])  # unique: one-to-one


def test_the_heuristic_drops_a_prefix_every_column_shares_and_names_a_keys_parts_as_identifiers() -> None:
    parsed = parse_sql(LINKS + "\nCREATE TABLE flags (is_active BOOL, is_deleted BOOL);", "mysql")
    docs = heuristic_docs(request_for(parsed, 0)).columns
    assert docs == {
        "ls_field": "Field of the log search.",
        "ls_value": "Value of the log search.",
        "ls_log_id": "Identifier of the log.",  # part of the key: not the log search's own identifier
    }
    assert heuristic_docs(request_for(parsed, 1)).columns["id"] == "Unique identifier of the device."
    # "is" is no abbreviation: the flags still read as questions.
    assert heuristic_docs(request_for(parsed, 2)).columns["is_active"] == "Whether the flag is active."
    # A shared prefix that is all a key's name says is the key's subject, not an abbreviation.
    notes = parse_sql("CREATE TABLE customer_notes (customer_id INT, customer_note TEXT);", "postgres")
    assert heuristic_docs(request_for(notes, 0)).columns == {
        "customer_id": "Identifier of the customer.",
        "customer_note": "Note of the customer note.",
    }


@pytest.mark.parametrize(
    ("table", "described"),
    [
        ("people", "People, one row per person."),
        ("children", "Children, one row per child."),
        ("order_statuses", "Order statuses, one row per order status."),
        ("warehouses", "Warehouses, one row per warehouse."),
        ("email_aliases", "Email aliases, one row per email alias."),
        ("schemas", "Schemas, one row per schema."),
        ("people10m", "People, one row per person."),  # a size, not a word
        ("orders_2023", "Orders, one row per order."),
        ("t4", "T 4s, one row per t 4."),  # nothing but the number: kept
        ("tmp_ids", "Temporary ids, one row per temporary ID."),
        ("blocked_urls", "Blocked urls, one row per blocked url."),
    ],
)
def test_the_heuristic_names_a_tables_rows_in_the_singular(table: str, described: str) -> None:
    parsed = parse_sql(f"CREATE TABLE {table} (id INT PRIMARY KEY);", "postgres")
    assert heuristic_docs(request_for(parsed, 0)).description == described


def test_the_heuristic_says_when_a_row_was_last_changed_and_names_a_last_event() -> None:
    parsed = parse_sql(
        "CREATE TABLE film (last_update timestamp, last_modify_date date, last_login timestamp,"
        " last_seen timestamp, sold_at timestamp, LastEdited timestamp);",
        "postgres",
    )
    assert heuristic_docs(request_for(parsed, 0)).columns == {
        "last_update": "Timestamp when the film was last updated.",
        "last_modify_date": "Date when the film was last modified.",
        "last_login": "Timestamp of the last login.",  # was "when the film was last login"
        "last_seen": "Timestamp when the film was last seen.",
        "sold_at": "Timestamp when the film was sold.",
        "LastEdited": "Timestamp when the film was last edited.",
    }


def test_the_heuristic_says_on_what_day_a_row_is_in_a_state() -> None:
    parsed = parse_sql(
        "CREATE TABLE invoices (due_on date, effective_date date, payment_due_dt date, renewal_dt date);", "postgres"
    )
    assert heuristic_docs(request_for(parsed, 0)).columns == {
        "due_on": "Date the invoice is due.",  # was "Date of the due."
        "effective_date": "Date the invoice is effective.",
        "payment_due_dt": "Date of the payment due.",  # two words: no state of the row
        "renewal_dt": "Date of the renewal.",
    }


def test_the_heuristic_splits_run_together_names_into_known_words() -> None:
    """What a case-folding database keeps of UserId or FirstName (pg_dump, Redshift's TICKIT)."""
    parsed = parse_sql(
        "CREATE TABLE venue (venueid int, venuename text, venueseats int);\n"
        "CREATE TABLE sales (custname text, pricepaid numeric, starttime timestamp, forward text, common text,"
        " likesports bool);",
        "postgres",
    )
    assert heuristic_docs(request_for(parsed, 0)).columns == {
        "venueid": "Unique identifier of the venue.",
        "venuename": "Name of the venue.",
        "venueseats": "Seats of the venue.",
    }
    assert heuristic_docs(request_for(parsed, 1)).columns == {
        "custname": "Customer name of the sale.",  # an abbreviation, then a plain last word
        "pricepaid": "Price paid of the sale.",
        "starttime": "Timestamp when the sale was started.",
        "forward": "Forward of the sale.",  # a word, no seam: not "for ward"
        "common": "Common of the sale.",  # nor "comm on"
        "likesports": "Flag indicating whether the sale is likesports.",  # no known split: kept
    }
