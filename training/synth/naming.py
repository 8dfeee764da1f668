"""Naming conventions real schemas use, applied to canonical snake_case words."""

from __future__ import annotations

import random
from collections.abc import Sequence

from sqlscribe.generate.words import ABBREVIATIONS

# Word → abbreviations people use for it, inverted from the heuristic's expansion table so
# that what the generator abbreviates the reader can expand.
# The common abbreviations come first; other words are abbreviated only by a prefix of
# themselves that the table knows ("dept" for "department").
_PREFERRED = {
    "customer": ["cust"], "amount": ["amt"], "quantity": ["qty"], "date": ["dt"], "code": ["cd"], "flag": ["flg"],
    "number": ["nbr", "num", "no"], "percent": ["pct"], "percentage": ["pct"], "description": ["desc", "descr"],
    "address": ["addr"], "account": ["acct"], "transaction": ["txn", "trans"], "identifier": ["id"],
    "category": ["cat"], "status": ["stat", "sts"], "timestamp": ["ts"], "count": ["cnt"], "total": ["tot"],
    "average": ["avg"], "product": ["prod"], "employee": ["emp"], "department": ["dept"], "price": ["prc"],
    "balance": ["bal"], "payment": ["pmt", "pymt"], "invoice": ["inv"], "order": ["ord"], "warehouse": ["whse"],
    "location": ["loc"], "organization": ["org"], "phone": ["ph"], "message": ["msg"], "source": ["src"],
    "destination": ["dest"], "previous": ["prev"], "current": ["curr"], "effective": ["eff"], "expiry": ["exp"],
    "registration": ["reg"], "vendor": ["vnd"], "supplier": ["supp"], "year": ["yr"], "month": ["mth"],
    "weight": ["wt"], "reference": ["ref"], "temperature": ["temp"], "patient": ["pt"], "provider": ["prov"],
    "member": ["mbr"], "policy": ["pol"], "claim": ["clm"], "premium": ["prem"], "service": ["svc"],
    "equipment": ["equip"], "document": ["doc"], "schedule": ["sched"], "estimated": ["est"], "request": ["req"],
    "indicator": ["ind"], "type": ["typ"], "name": ["nm"], "reason": ["rsn"], "value": ["val"], "volume": ["vol"],
    "distance": ["dist"], "latitude": ["lat"], "longitude": ["lon", "lng"], "country": ["ctry", "cntry"],
    "currency": ["ccy", "cur"], "discount": ["disc"], "revenue": ["rev"], "contract": ["contr"], "vehicle": ["veh"],
    "maintenance": ["maint"], "minutes": ["min"], "seconds": ["sec"], "hours": ["hrs"], "created": ["crt"],
    "updated": ["upd"], "deleted": ["del"], "approved": ["appr"], "received": ["rcvd"], "shipment": ["shpmt"],
}  # fmt: skip
_ABBREVIATE: dict[str, list[str]] = {
    word: [a for a in options if ABBREVIATIONS.get(a, word) == word or a == "id"] or options
    for word, options in _PREFERRED.items()
}
for _short, _long in ABBREVIATIONS.items():
    if " " not in _long and _long not in _ABBREVIATE and len(_short) >= 3 and _long.startswith(_short):
        _ABBREVIATE[_long] = [_short]

# Hungarian type prefixes by value kind.
_HUNGARIAN = {
    "id": "int", "int": "int", "count": "int", "year": "int", "qty": "dec", "dec": "dec", "money": "cur",
    "pct": "dec", "rate": "dec", "lat": "dec", "lon": "dec", "date": "dt", "ts": "dt", "time": "tm", "flag": "b",
    "json": "obj",
}  # fmt: skip

COLUMN_STYLES = ("snake", "snake", "snake", "abbrev", "upper", "upper_abbrev", "camel", "pascal", "hungarian", "legacy")
_CLASSIC_STYLES = ("plural", "plural", "singular", "pascal", "pascal_plural", "tbl", "dim", "fct", "stg", "upper", "t_")
# Generator 1.6: names that carry the application's or module's prefix, as ORMs and products
# write them: Django's ``<app label>_<model class, lower case>`` ("billing_claimpayment") and a
# module prefix before plural words ("crm_contacts", "wp_posts"). The references still name the
# entity in its own words ("the claim payment"), so a model learns to read past the prefix and
# to split glued words instead of repeating "billing claimpayment".
APP_STYLES = ("app", "app_plural")
TABLE_STYLES = _CLASSIC_STYLES + APP_STYLES


def app_label(process: str, style: str, rng: random.Random) -> str:
    """An application's or module's label for a business process ("student records"): for a
    Django model its first word or initials ("student", "sr"), for a module prefix before plural
    words its initials ("sr_"), the forms that read as a label rather than as part of the name."""
    words = [w for w in process.lower().replace(",", " ").replace("-", " ").split() if w.isalpha()] or ["app"]
    initials = "".join(w[0] for w in words[:3]) if len(words) > 1 else words[0][:2]
    if style == "app" and rng.random() < 0.5:
        return words[0]
    return initials


def abbreviate(word: str, rng: random.Random, rate: float) -> str:
    options = _ABBREVIATE.get(word)
    if options and rng.random() < rate:
        return options[0] if rng.random() < 0.7 else rng.choice(options)
    return word


_PLURAL_ALREADY = frozenset({"stats", "data", "news", "goods", "sales", "series"})


def plural(word: str) -> str:
    if word in _PLURAL_ALREADY:
        return word
    if word.endswith("sis"):  # diagnosis → diagnoses
        return word[:-2] + "es"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    if word == "person":
        return "people"
    return word + "s"


def legacy_prefix(table_words: Sequence[str]) -> str:
    """Legacy schemas prefix every column with a short code of its table ("CLM_LOSS_DT")."""
    initials = "".join(w[0] for w in table_words) if len(table_words) > 1 else table_words[0]
    return initials[:3].upper() + "_"


class ColumnNamer:
    """One table's column naming convention, applied consistently to every column."""

    def __init__(self, style: str, rng: random.Random, table_words: Sequence[str]) -> None:
        self.style = style
        self.rng = rng
        self.rate = {"abbrev": 0.8, "upper_abbrev": 0.8, "legacy": 1.0, "hungarian": 0.3}.get(style, 0.0)
        self.prefix = legacy_prefix(table_words)
        self.abbreviations: dict[str, str] = {}

    def _abbrev(self, word: str) -> str:
        # The same word is abbreviated the same way throughout one table.
        if word not in self.abbreviations:
            self.abbreviations[word] = abbreviate(word, self.rng, self.rate)
        return self.abbreviations[word]

    def name(self, words: Sequence[str], kind: str) -> str:
        parts = [self._abbrev(w) for w in words] if self.rate else list(words)
        style = self.style
        if style in ("snake", "abbrev"):
            return "_".join(parts)
        if style in ("upper", "upper_abbrev"):
            return "_".join(parts).upper()
        if style == "camel":
            return parts[0] + "".join(_cap(p) for p in parts[1:])
        if style == "pascal":
            return "".join(_cap(p) for p in parts)
        if style == "hungarian":
            prefix = _HUNGARIAN.get(kind, "str")
            if prefix == "b" and parts[0] in ("is", "has"):
                parts = parts[1:] or parts
            return prefix + "".join(_cap(p) for p in parts)
        if style == "legacy":
            return self.prefix + "_".join(parts).upper()
        raise ValueError(f"unknown column style {style!r}")


def _cap(word: str) -> str:
    if word == "id":
        return "ID"
    return word[:1].upper() + word[1:]


def table_name(words: Sequence[str], style: str, app: str = "") -> str:
    words = list(words)
    many = [*words[:-1], plural(words[-1])]
    if style == "plural":
        return "_".join(many)
    if style == "singular":
        return "_".join(words)
    if style == "pascal":
        return "".join(_cap(w) for w in words)
    if style == "pascal_plural":
        return "".join(_cap(w) for w in many)
    if style == "tbl":
        return "tbl" + "".join(_cap(w) for w in many)
    if style in ("dim", "fct", "stg"):
        return f"{style}_" + "_".join(words if style == "dim" else many)
    if style == "upper":
        return "_".join(many).upper()
    if style == "t_":
        return "T_" + "_".join(words).upper()
    if style == "app":  # Django: the model's class name, lower case, after the app label
        return f"{app or 'app'}_" + "".join(words)
    if style == "app_plural":
        return f"{app or 'app'}_" + "_".join(many)
    raise ValueError(f"unknown table style {style!r}")
