"""Generator 1.3: a domain attribute's meaning said in the column's own words and tied to its
entity (STYLE.md, "Column comments").

The taxonomy writes meanings as short notes ("Date opened", "Kind of visit", "Entrance used");
people who document tables write in the column's words about the thing the row records
("Date the job requisition was opened.", "Door of the check in: entrance used."). A model
trained on the notes learns to paraphrase away from the name and to drop the entity.
"""

from __future__ import annotations

import re

from sqlscribe.generate.words import UNIT_SUFFIXES, expand

# "Date opened", "Time sent", "Day worked": an event the row's entity went through.
_EVENT = re.compile(r"^(Date|Time|Day) ([a-z]+(?:ed|en|t))$")
# Name words that carry no meaning of their own, and units (the meaning spells them out).
_NOT_CONTENT = frozenset({"id", "nbr", "cd", "code", "flag", "at", "on", "ts", "num", "no", "is", "of", "per", "by"})
_NOT_CONTENT |= {"the", "and"}
_UNITS = frozenset(UNIT_SUFFIXES) | {"l", "t", "ft", "mcf", "mg", "bbl", "m3", "kwh", "mwh", "kw", "mw", "c", "f"}
_UNITS |= {"bpm", "mmhg", "min", "abv", "ppm", "oz", "ml", "psi"}
# Irregular participles: "Amount paid for the payment", not "of the payment".
_PARTICIPLES = frozenset(
    {"paid", "left", "sold", "found", "made", "held", "won", "spent", "taken", "given", "done", "built", "bought"}
    | {"sent", "worn", "seen", "known", "lost", "kept", "set", "cut", "put", "run", "drawn", "grown", "shown"}
    | {"owed", "due"}
)
_TIME_KINDS = frozenset({"date", "ts", "time", "year"})
# Where a qualifier starts: a comma, a unit ("in litres"), "as …", a parenthesis.
_QUALIFIER = re.compile(r",| in (?=[a-z])| as | \(")
# "Course code, e.g. 'CS101'": an example value the DDL does not show is a guess to a reader of
# another schema, and a model that learns to give one invents it (STYLE.md, "never written").
_EXAMPLE = re.compile(r",? e\.g\. '[^']*'[^,;]*")


def stem(word: str) -> str:
    """A crude stem: lower case, no plural s, five letters ("Referrals" → "refer")."""
    return word.lower().rstrip("s")[:5]


def _lower_first(text: str) -> str:
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def _preposition(head: str) -> str:
    last = head.split()[-1].lower()
    return "for" if last.endswith("ed") or last in _PARTICIPLES else "of"


def in_own_words(meaning: str, name: str, kind: str, entity: str) -> str:
    """The meaning of attribute ``name`` (canonical snake_case) of ``entity`` (its words)."""
    words = name.split("_")
    meaning = _EXAMPLE.sub("", meaning)
    if meaning.startswith("Kind of "):
        meaning = "Type of " + meaning[len("Kind of ") :]
    if kind == "flag" or meaning.startswith("True "):
        return meaning
    if kind == "name" and words[-1] == "name" and "name" not in meaning.lower():
        return f"Name of the {_lower_first(meaning)}"
    said = {stem(w) for w in re.findall(r"[A-Za-z0-9]+", meaning)}
    content = [w for w in words if w not in _NOT_CONTENT and w not in _UNITS]
    # Plain words only: acronyms and abbreviations ("vin", "po", "spo2") are what the
    # meaning spells out, and a heading made of them would say less than it.
    plain = bool(content) and all(len(w) > 3 and w.isalpha() for w in content) and expand(content) == content
    if plain and kind not in _TIME_KINDS and not any(stem(w) in said for w in content):
        head = " ".join(content)
        return f"{head[:1].upper()}{head[1:]} of the {entity}: {_lower_first(meaning)}"
    # Already about the row's entity: its head noun is there ("Time the ticket was opened").
    if entity.split()[-1] in {w.lower().rstrip("s") for w in re.findall(r"[A-Za-z]+", meaning)}:
        return meaning
    match = _QUALIFIER.search(meaning)
    head, tail = (meaning[: match.start()], meaning[match.start() :]) if match else (meaning, "")
    if len(head.split()) > 3 or " of " in f" {head} ":
        return meaning
    if event := _EVENT.match(head):
        return f"{event[1]} the {entity} was {event[2]}{tail}"
    return f"{head} {_preposition(head)} the {entity}{tail}"
