"""Documentation without a model: identifiers expanded into sentences.

It is the fallback when no model loads and the baseline every model must beat.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from sqlscribe.ddl.model import Column, Table
from sqlscribe.docs import TableDocs
from sqlscribe.generate.base import Backend, DocRequest, Generated
from sqlscribe.generate.words import (
    IRREGULAR,
    UNIT_SUFFIXES,
    entity_words,
    expand,
    segment,
    singular,
    split_identifier,
)

_BOOL_TYPES = ("BOOL", "BIT", "TINYINT(1)")
_TIME_TYPES = ("TIMESTAMP", "DATETIME", "TIMESTAMPTZ", "TIME")
_MONEY = {
    "amount",
    "price",
    "cost",
    "fee",
    "total",
    "balance",
    "revenue",
    "salary",
    "payment",
    "tax",
    "discount",
    "charge",
    "budget",
    "spend",
    "income",
    "profit",
    "value",
}
_CODES = {"status", "type", "code", "category", "kind", "class", "level", "tier", "stage", "state", "mode"}
# What a row is from a date on (due_on, effective_date): "Date the invoice is due".
_STATES = {"due", "effective", "expected", "valid", "payable", "eligible", "available", "overdue", "live"}
_PAST = {
    "started",
    "ended",
    "created",
    "updated",
    "modified",
    "deleted",
    "inserted",
    "loaded",
    "processed",
    "shipped",
    "paid",
    "closed",
    "opened",
    "completed",
    "cancelled",
    "canceled",
    "approved",
    "submitted",
    "received",
    "delivered",
    "sent",
    "published",
    "expired",
    "deactivated",
    "activated",
    "verified",
    "registered",
    "confirmed",
    "changed",
    "refreshed",
    "joined",
    "signed",
    "seen",
    "sold",
    "bought",
    "made",
    "written",
    "taken",
    "given",
    "last",
}


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def _phrase(words: list[str]) -> str:
    return " ".join(words)


def _default_note(col: Column) -> str:
    if col.default is None:
        return ""
    value = col.default.strip()
    if re.fullmatch(r"'[^']*'|-?\d+(\.\d+)?|TRUE|FALSE|true|false", value):
        return f" Defaults to {value}."
    return ""


_VERBS = ("is", "has", "can", "should", "was", "allow", "allows")
_KEY_WORDS = ("id", "key", "uuid", "guid")


def name_words(name: str) -> list[str]:
    """A column name's words, run-together ones split (``firstname`` → ``first name``)."""
    return segment(split_identifier(name))


def column_prefix(table: Table) -> str | None:
    """The abbreviation that every column name of ``table`` starts with and that says nothing
    about any one column: MediaWiki's ``rc_id``, ``rc_timestamp``; Slony's ``seql_seqid``."""
    names = [name_words(col.name) for col in table.columns]
    firsts = {words[0] for words in names if words}
    if len(names) < 2 or len(firsts) != 1 or any(len(words) < 2 for words in names):
        return None
    (first,) = firsts
    return first if first not in _VERBS else None


@dataclass(frozen=True)
class TableShape:
    """What describing any column of a table needs to know of the whole table, worked out once
    for all its columns (a table can have thousands)."""

    entity: tuple[str, ...]  # entity_words of its name
    prefix: str | None  # column_prefix
    key_size: int  # columns in its primary key

    @classmethod
    def of(cls, table: Table) -> TableShape:
        return cls(tuple(table_entity(table)), column_prefix(table), len(table.key_columns))


def describe_column(col: Column, table: Table, shape: TableShape | None = None) -> str:
    """One sentence from the column's name, type and constraints. A view's column that copies a
    table's column under its own name says what that column says: its comment, or what it is in
    its own table."""
    if col.source_comment is not None:
        return col.source_comment
    if table.derived and col.source is not None:
        owner, source = col.source
        if source.name.lower() == col.name.lower() and not owner.is_view:
            return _describe(source, owner, None)
    if table.derived and col.expression is not None:
        aggregate = _aggregate(col.expression, table)
        if aggregate is not None:
            return aggregate
    return _describe(col, table, shape)


# An aggregate over one column (or all rows): count(*), count(DISTINCT o.cust_id), sum(total).
_AGGREGATE = re.compile(
    r"(?i)(count|sum|avg|average|min|max)\s*\(\s*(distinct\s+)?(\*|(?:[\w\"`\[\]]+\.)*([\w\"`\[\]]+))\s*\)"
)
_AGGREGATE_WORDS = {"sum": "Sum of the", "avg": "Average", "average": "Average", "min": "Smallest", "max": "Largest"}


def _aggregate(expression: str, table: Table) -> str | None:
    """What an aggregate column of a view or a query's table holds, from its expression."""
    found = _AGGREGATE.fullmatch(expression.strip())
    if found is None:
        return None
    function, distinct, argument, name = found.group(1).lower(), found.group(2), found.group(3), found.group(4)
    if argument == "*":
        if function != "count":
            return None
        words = _source_rows(table, "source")
        return _sentence(f"Number of {_phrase([*words[:-1], _plural(words[-1])])} in the group")
    raw = name_words(name.strip('"`[]'))
    unit = f", in {UNIT_SUFFIXES[raw[-1]].removeprefix('in ')}" if len(raw) > 1 and raw[-1] in UNIT_SUFFIXES else ""
    words = expand(raw[:-1] if unit else raw)
    if not words:
        return None
    if function == "count":
        return _sentence(f"Number of {'distinct ' if distinct else ''}{_phrase([*words[:-1], _plural(words[-1])])}")
    lead = _AGGREGATE_WORDS[function]
    event = [w for w in words if w not in ("at", "on", "date", "time", "timestamp")]
    if function in ("min", "max") and event != words and len(event) == 1 and event[0] in _PAST:
        # max(created_at): when the latest of the rows it reads was created
        rows = _phrase(_source_rows(table, "row"))
        kind = "Date" if words[-1] in ("on", "date") else "Time"
        return _sentence(f"{kind} the {'earliest' if function == 'min' else 'latest'} {rows} was {event[0]}")
    return _sentence(f"{lead} {_phrase(words)}{unit}")


def _source_rows(table: Table, otherwise: str) -> list[str]:
    """What one row of the one table a query reads is, in words; ``otherwise`` when it reads several."""
    return entity_words(table.sources[0]) if len(table.sources) == 1 else [otherwise]


def _describe(col: Column, table: Table, shape: TableShape | None) -> str:
    shape = shape or TableShape.of(table)
    entity = _phrase(list(shape.entity))
    raw = name_words(col.name)
    prefix = shape.prefix
    if prefix is not None and raw[:1] == [prefix] and any(w not in _KEY_WORDS for w in raw[1:]):
        raw = raw[1:]  # not from a key's name: customer_id beside customer_note names the customer
    unit = ""
    if len(raw) > 1 and raw[-1] in UNIT_SUFFIXES:
        unit = " " + UNIT_SUFFIXES[raw[-1]]
        raw = raw[:-1]
    words = expand(raw)
    # Drop a leading repetition of the entity ("customer_name" in customers → "name").
    ent_words = list(shape.entity)
    core = words
    if len(words) > len(ent_words) and words[: len(ent_words)] == ent_words:
        core = words[len(ent_words) :]
    phrase = _phrase(core)
    dtype = col.data_type.upper()
    last = words[-1] if words else ""

    if col.references is not None and col.references.ref_table:
        target = _phrase(entity_words(col.references.ref_table))
        ref_col = col.references.ref_columns[0] if col.references.ref_columns else "its key"
        return _sentence(f"Reference to the {target} ({col.references.ref_table}.{ref_col})")
    if last in _KEY_WORDS or last == "ID" or words[-1:] == ["ID"]:
        rest = [w for w in core if w not in ("ID", *_KEY_WORDS)]
        if (col.primary_key and shape.key_size == 1) or not rest:
            return _sentence(f"Unique identifier of the {entity}")
        return _sentence(f"Identifier of the {_phrase(rest)}")
    if words and words[0] in _VERBS:
        verb = words[0]
        return _sentence(f"Whether the {entity} {verb} {_phrase(words[1:])}".rstrip())
    if last in ("flag", "indicator", "ind") or (any(t in dtype for t in _BOOL_TYPES) and "INT" not in dtype[:3]):
        rest = [w for w in core if w not in ("flag", "indicator", "ind")]
        return _sentence(f"Flag indicating whether the {entity} is {_phrase(rest)}") + _default_note(col)
    if words and words[0] in ("number", "count", "total") and len(words) > 1 and words[0] != "total":
        return _sentence(f"Number of {_phrase([*words[1:-1], _plural(words[-1])])}{unit}")
    if last == "count" and len(words) > 1:
        return _sentence(f"Number of {_phrase([*words[:-2], _plural(words[-2])])}{unit}")
    numeric = any(dtype.startswith(t) for t in ("DEC", "NUM", "FLOAT", "DOUBLE", "REAL", "MONEY"))
    if last == "by" and len(words) > 1:
        return _sentence(f"User who {_phrase(words[:-1])} the {entity}")
    is_time = (last in ("at", "on", "timestamp", "time") and not numeric) or any(
        dtype.startswith(t) for t in _TIME_TYPES
    )
    is_date = last in ("date", "day") or (dtype.startswith("DATE") and not dtype.startswith("DATETIME"))
    if is_time or is_date:
        # The declared type decides; without one, "_on"/"_date" name a day and "_at" a moment.
        declared_date = dtype.startswith("DATE") and not dtype.startswith("DATETIME")
        declared_time = any(dtype.startswith(t) for t in _TIME_TYPES) and not declared_date
        if declared_date or declared_time:
            kind = "Date" if declared_date else "Timestamp"
        else:
            kind = "Date" if last in ("date", "day", "on") else "Timestamp"
        event = [w for w in words if w not in ("at", "on", "timestamp", "time", "date", "day", "and")]
        if event and event[-1] in ("start", "end"):
            event = [*event[:-1], event[-1] + "ed"]
        elif len(event) > 1 and event[0] == "last" and event[-1] not in _PAST:
            done = _participle(event[-1])  # last_update: when it was last updated
            event = [*event[:-1], done] if done else event
        if event and (
            event[-1] in _PAST
            or event[-1].endswith("ed")
            or event[0].endswith("ed")
            or (event[0] != "last" and event[0] in _PAST)
        ):
            return _sentence(f"{kind} when the {entity} was {_phrase(event)}{unit}")
        if len(event) == 1 and event[0] in _STATES:  # due_on: the day it is due, not "of the due"
            return _sentence(f"{kind} the {entity} is {_phrase(event)}{unit}")
        if event:
            return _sentence(f"{kind} of the {_phrase(event)}{unit}")
        return _sentence(f"{kind} of the {entity}{unit}")
    if last in ("pct", "percentage", "percent", "rate", "ratio"):
        return _sentence(f"{_phrase(core)} of the {entity}{unit or ''}")
    if last in _CODES:
        return _sentence(f"{phrase} of the {entity}") + _default_note(col)
    if last in _MONEY or any(w in _MONEY for w in words[-2:]):
        return _sentence(f"{phrase} of the {entity}{unit}")
    if last == "name" and len(core) == 1:
        return _sentence(f"Name of the {entity}")
    if last in ("email", "e-mail"):
        return _sentence(f"Email address of the {entity}")
    if not phrase:
        phrase = _phrase(words)
    return _sentence(f"{phrase} of the {entity}{unit}") + _default_note(col)


def _participle(verb: str) -> str | None:
    """The past participle of a verb whose participle the heuristic knows (update → updated)."""
    for done in (verb + "d", verb + "ed", verb[:-1] + "ied"):
        if done in _PAST:
            return done
    return None


# What marks a view's name as a view's (SSMS's vCustomerLines, vw_orders, orders_v), not its subject.
_VIEW_MARK = re.compile(r"(?i:^(?:vw?|view)_|_(?:vw?|view)$)|^vw?(?=[A-Z][a-z])")


def _view_name(table: Table) -> str:
    return _VIEW_MARK.sub("", table.short_name) or table.short_name


def table_entity(table: Table) -> list[str]:
    """What one row of the table is about, in words: its name's, a view's without its view mark."""
    return entity_words(_view_name(table)) if table.is_view else entity_words(table.name)


def describe_table(table: Table) -> str:
    words = table_entity(table)
    entity = _phrase(words)
    per = grain_phrase(table)
    if table.is_view:  # what a view's row is, its query decides; its name, as written, says what it holds
        written = expand(segment(split_identifier(_view_name(table))))
        last = written[-1] if written and singular(written[-1]) == words[-1] else words[-1]
        over = f" of {', '.join(table.sources[:3])}" if table.sources else ""
        grain = f", one row per {per}" if per else ""
        return _sentence(f"{_phrase([*words[:-1], last]).capitalize()}: a {table.kind}{over}{grain}")
    plural = _phrase([*words[:-1], _plural(words[-1])])
    return _sentence(f"{plural.capitalize()}, one row per {per or entity}")


def grain_phrase(table: Table) -> str | None:
    """What a grouped query's row is per, in words: "carrier and flight date" for a GROUP BY
    carrier_id, flight_date."""
    if not table.grain:
        return None
    parts = []
    for name in table.grain:
        words = name_words(name)
        while len(words) > 1 and words[-1].lower() in _KEY_WORDS:
            words = words[:-1]
        parts.append(_phrase(expand(words)))
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _plural(word: str) -> str:
    if word.lower() in IRREGULAR:
        return IRREGULAR[word.lower()]
    if singular(word) != word or (word[-1:] in "sS" and word[:-1].lower() in (*_KEY_WORDS, "sku", "url")):
        return word  # already plural ("IDs")
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def heuristic_docs(request: DocRequest) -> TableDocs:
    table = request.table
    shape = TableShape.of(table)
    columns = {}
    for name in request.columns:
        col = table.column(name)
        if col is not None:
            columns[name] = describe_column(col, table, shape)
    return TableDocs(describe_table(table) if request.want_description else None, columns)


class HeuristicBackend(Backend):
    model_id = "heuristic-1"

    def document(self, request: DocRequest) -> Generated:
        started = time.perf_counter()
        docs = heuristic_docs(request)
        return Generated(docs, self.model_id, seconds=time.perf_counter() - started)
