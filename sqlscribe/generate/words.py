"""Identifier words: splitting, abbreviation expansion and singular forms.

The abbreviation dictionary is data, kept here so the heuristic backend and the
restatement check of the evaluation share one notion of what a name "says".
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

ABBREVIATIONS: dict[str, str] = {
    "acct": "account",
    "accnt": "account",
    "acc": "account",
    "addr": "address",
    "adj": "adjustment",
    "admin": "administrator",
    "agg": "aggregate",
    "alt": "alternate",
    "amt": "amount",
    "app": "application",
    "approx": "approximate",
    "arr": "arrival",
    "attr": "attribute",
    "auth": "authorization",
    "avg": "average",
    "bal": "balance",
    "bday": "birthday",
    "bldg": "building",
    "bus": "business",
    "calc": "calculated",
    "cat": "category",
    "cd": "code",
    "cfg": "configuration",
    "chg": "change",
    "cnt": "count",
    "co": "company",
    "col": "column",
    "comm": "commission",
    "conf": "configuration",
    "config": "configuration",
    "cnty": "county",
    "corp": "corporate",
    "cpn": "coupon",
    "cr": "credit",
    "ctry": "country",
    "cntry": "country",
    "curr": "currency",
    "ccy": "currency",
    "cur": "current",
    "cust": "customer",
    "cstmr": "customer",
    "cx": "customer",
    "db": "database",
    "dbt": "debit",
    "dt": "date",
    "dte": "date",
    "dtm": "date and time",
    "dttm": "date and time",
    "del": "deleted",
    "dept": "department",
    "dep": "departure",
    "desc": "description",
    "descr": "description",
    "dest": "destination",
    "dev": "device",
    "diff": "difference",
    "dim": "dimension",
    "disc": "discount",
    "dist": "distance",
    "div": "division",
    "dob": "date of birth",
    "doc": "document",
    "dr": "debit",
    "dur": "duration",
    "emp": "employee",
    "empl": "employee",
    "eff": "effective",
    "env": "environment",
    "err": "error",
    "est": "estimated",
    "evt": "event",
    "exp": "expiration",
    "ext": "external",
    "fk": "foreign key",
    "flg": "flag",
    "fname": "first name",
    "freq": "frequency",
    "fx": "foreign exchange",
    "geo": "geographic",
    "grp": "group",
    "hdr": "header",
    "hh": "household",
    "hr": "hour",
    "hrs": "hours",
    "hq": "headquarters",
    "img": "image",
    "info": "information",
    "init": "initial",
    "inv": "invoice",
    "invt": "inventory",
    "ip": "IP",
    "itm": "item",
    "lang": "language",
    "lat": "latitude",
    "lng": "longitude",
    "lon": "longitude",
    "long": "longitude",
    "lname": "last name",
    "loc": "location",
    "lvl": "level",
    "max": "maximum",
    "mbr": "member",
    "mgr": "manager",
    "mfr": "manufacturer",
    "min": "minimum",
    "misc": "miscellaneous",
    "mkt": "market",
    "mob": "mobile",
    "mod": "modified",
    "msg": "message",
    "mth": "month",
    "mo": "month",
    "nbr": "number",
    "no": "number",
    "num": "number",
    "nm": "name",
    "obj": "object",
    "ord": "order",
    "org": "organization",
    "orig": "original",
    "pct": "percentage",
    "perc": "percentage",
    "pmt": "payment",
    "pymt": "payment",
    "pos": "position",
    "pk": "primary key",
    "pref": "preference",
    "prev": "previous",
    "prc": "price",
    "prd": "product",
    "prod": "product",
    "proj": "project",
    "prov": "province",
    "pwd": "password",
    "qty": "quantity",
    "qtr": "quarter",
    "rcpt": "receipt",
    "rec": "record",
    "ref": "reference",
    "reg": "region",
    "rel": "related",
    "rev": "revenue",
    "rm": "room",
    "rqst": "request",
    "req": "request",
    "resp": "response",
    "sched": "scheduled",
    "sec": "seconds",
    "secs": "seconds",
    "seq": "sequence",
    "shp": "shipment",
    "ship": "shipping",
    "sku": "SKU",
    "src": "source",
    "st": "state",
    "stat": "status",
    "sts": "status",
    "std": "standard",
    "stg": "staging",
    "str": "street",
    "sub": "subscription",
    "subj": "subject",
    "sup": "supplier",
    "supp": "supplier",
    "svc": "service",
    "sz": "size",
    "tbl": "table",
    "tel": "telephone",
    "temp": "temperature",
    "tgt": "target",
    "tkt": "ticket",
    "tm": "time",
    "tmp": "temporary",
    "ts": "timestamp",
    "tstamp": "timestamp",
    "tot": "total",
    "trx": "transaction",
    "txn": "transaction",
    "tx": "transaction",
    "trans": "transaction",
    "typ": "type",
    "tz": "time zone",
    "uom": "unit of measure",
    "upd": "updated",
    "usr": "user",
    "uid": "user ID",
    "val": "value",
    "vnd": "vendor",
    "vndr": "vendor",
    "ver": "version",
    "vol": "volume",
    "whse": "warehouse",
    "wh": "warehouse",
    "wk": "week",
    "wt": "weight",
    "yr": "year",
    "yrs": "years",
    "zip": "ZIP",
    "zipcode": "ZIP code",
    "url": "URL",
    "uri": "URI",
    "uuid": "UUID",
    "id": "ID",
    "ids": "IDs",
    "api": "API",
    "sms": "SMS",
    "vat": "VAT",
    "gst": "GST",
    "iso": "ISO",
    "utc": "UTC",
    "ssn": "social security number",
    "dob_dt": "date of birth",
    "kpi": "KPI",
    "etl": "ETL",
    "json": "JSON",
    "html": "HTML",
    "sql": "SQL",
    "os": "operating system",
    "gps": "GPS",
    "mrr": "monthly recurring revenue",
    "arr_amt": "annual recurring revenue",
    "ltv": "lifetime value",
    "eta": "estimated time of arrival",
    "sla": "service level agreement",
    "crm": "CRM",
    "erp": "ERP",
    "po": "purchase order",
    "gl": "general ledger",
}

# Units that a trailing name part implies.
UNIT_SUFFIXES: dict[str, str] = {
    "kg": "in kilograms",
    "kgs": "in kilograms",
    "g": "in grams",
    "lb": "in pounds",
    "lbs": "in pounds",
    "km": "in kilometres",
    "m": "in metres",
    "cm": "in centimetres",
    "mm": "in millimetres",
    "mi": "in miles",
    "ms": "in milliseconds",
    "sec": "in seconds",
    "secs": "in seconds",
    "seconds": "in seconds",
    "mins": "in minutes",
    "minutes": "in minutes",
    "hrs": "in hours",
    "hours": "in hours",
    "days": "in days",
    "usd": "in US dollars",
    "eur": "in euros",
    "gbp": "in pounds sterling",
    "cents": "in cents",
    "bytes": "in bytes",
    "kb": "in kilobytes",
    "mb": "in megabytes",
    "gb": "in gigabytes",
    "pct": "as a percentage",
    "percent": "as a percentage",
    "bps": "in basis points",
    "utc": "in UTC",
}

_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def split_identifier(name: str) -> list[str]:
    """``custEmailAddr`` / ``CUST_EMAIL_ADDR`` / ``cust-email addr`` → ``['cust', 'email', 'addr']``."""
    words: list[str] = []
    for chunk in re.split(r"[\W_]+", name):
        if not chunk:
            continue
        if chunk.isupper() or chunk.islower():
            words.extend(_split_digits(chunk.lower()))
        else:
            words.extend(w.lower() for w in _CAMEL.findall(chunk))
    return words


def _split_digits(chunk: str) -> list[str]:
    return [p for p in re.split(r"(\d+)", chunk) if p]


@functools.cache
def _vocabulary() -> dict[str, str]:
    """Words a run-together name may be made of (``vocabulary.txt``, from the synthesis taxonomy's
    names and prose), each with its roles in a split: "h" a name's first words, "t" its last word;
    none for a word that is only known, and so never split itself."""
    known: dict[str, str] = {}
    for line in Path(__file__).with_name("vocabulary.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, _, roles = line.partition("\t")
            known[word] = roles
    return known


_TAILS = {"id", "no", "nr", "cd", "dt", "ts"}  # the short words a name may end in: userid, orderno
# What an abbreviation's name ends in when it is one (custname, amtpaid), not a word's end (common).
_PLAIN_TAILS = _TAILS | {"name", "date", "time", "code", "type", "amount", "price", "paid", "number", "count", "total"}


def segment(words: list[str]) -> list[str]:
    """Each run-together word split where its parts are words that schemas name things with:
    ``userid`` → ``user id``, ``firstname`` → ``first name`` (what a case-folding database keeps
    of ``UserId``). A word that is known itself, or has no such split, is kept: ``forward``."""
    return [part for word in words for part in _split(word, 2)]


def _known(word: str) -> bool:
    vocabulary = _vocabulary()
    return word in vocabulary or singular(word) in vocabulary or word in ABBREVIATIONS


def _role(word: str, role: str) -> bool:
    vocabulary = _vocabulary()
    return role in vocabulary.get(word, "") or role in vocabulary.get(singular(word), "")


@functools.lru_cache(maxsize=4096)  # a schema repeats its names' words in every table
def _split(word: str, parts: int) -> tuple[str, ...]:
    """``word`` in at most ``parts + 1`` known parts, or whole."""
    if not 5 <= len(word) <= 40 or not word.isalpha() or _known(word):
        return (word,)
    best: list[str] | None = None
    for cut in range(3, len(word) - 1):
        head, tail = word[:cut], word[cut:]
        abbreviated = head in ABBREVIATIONS and not _role(head, "h")  # cust, cat: with a plain tail only
        if not (_role(head, "h") or (abbreviated and tail in _PLAIN_TAILS)):
            continue
        if (tail in _TAILS and parts == 2) or (len(tail) >= 2 and _role(tail, "t")):
            split = [head, tail]  # a short tail ends a word of two parts only: shipmen+ts is no split
        elif parts > 1 and len(tail) >= 6:
            split = [head, *_split(tail, parts - 1)]
            if len(split) < 3:
                continue
        else:
            continue
        # fewest parts, then the shortest part longest: venue+seats, not venues+eats
        if best is None or (len(split), -min(map(len, split))) < (len(best), -min(map(len, best))):
            best = split
    return tuple(best or [word])


def expand(words: list[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        out.extend(ABBREVIATIONS.get(word, word).split())
    return out


# Plurals that no suffix rule reads, by their singular.
IRREGULAR = {"person": "people", "child": "children", "man": "men", "woman": "women", "mouse": "mice"}
_SINGULAR = {plural: one for one, plural in IRREGULAR.items()}


def singular(word: str) -> str:
    lower = word.lower()
    if lower in _SINGULAR:
        return word[0] + _SINGULAR[lower][1:] if word[:1].isupper() else _SINGULAR[lower]
    if lower == "ids":  # too short for the rule below ("tmp_ids")
        return word[:-1]
    if len(lower) <= 3 or lower.endswith(("ss", "us", "is", "sis", "data", "news", "status", "alias", "bias")):
        return word
    if lower.endswith(("statuses", "bonuses", "campuses", "viruses", "censuses", "aliases", "biases")):
        return word[:-2]  # not houses, causes, purchases
    if lower.endswith("ies"):
        return word[:-3] + "y"
    if lower.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if lower.endswith("s"):
        return word[:-1]
    return word


_TABLE_PREFIXES = ("dim", "fct", "fact", "stg", "tbl", "int", "raw", "src", "ref", "lkp", "lu", "t", "vw", "agg")


def entity_words(table_name: str) -> list[str]:
    """Words naming what one row of a table is: ``dim_customer_addresses`` → ``['customer', 'address']``."""
    words = segment(split_identifier(table_name.rsplit(".", 1)[-1]))
    if len(words) > 2 and words[-2] == "v" and words[-1].isdigit():  # a version's relation: orders_v2
        words = words[:-2]
    while len(words) > 1 and words[0] in _TABLE_PREFIXES and not words[1].isdigit():  # t4 names no "4"
        words = words[1:]
    named = words
    while len(named) > 1 and (named[-1].isdigit() or (len(named) > 2 and len(named[-1]) == 1 and named[-2].isdigit())):
        named = named[:-1]  # a copy's or a size's number: orders_2023, people10m (not t4: all it says)
    words = named if any(len(w) > 2 for w in named) else words
    words = expand(words)
    if words:
        words[-1] = singular(words[-1])
    return words or ["record"]
