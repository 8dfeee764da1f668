"""The one serialisation of a table for the model, and the JSON schema of its answer.

Training renders its examples with these same functions, so a fine-tuned model
sees at training time exactly what it sees at run time.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlscribe.ddl.model import Table
from sqlscribe.docs import TableDocs, clean_text
from sqlscribe.generate.base import Context, DocRequest
from sqlscribe.generate.heuristic import TableShape, describe_column, describe_table, grain_phrase

# Part of every cached answer's key: raised when the prompt or the checks an answer goes
# through change (2: references to tables not in sight are dropped; 3: texts the answer's length
# limit cut off end at their last full sentence; 4: a primary key of several columns is one line
# of its own, and a text that calls a column the rows' key when it is not is the heuristic's;
# 5: a column's text that is word for word another column's comment in sight is the heuristic's).
PROMPT_VERSION = 5

# The longest table description or column comment the answer's JSON schema lets a model write.
MAX_CHARS = 200

# general: instructions and a worked example, for models used zero-shot.
# tuned: the table alone, for a model fine-tuned on the task.
# drafted: the table with the identifier heuristic's draft beside each requested column, for a
#   model fine-tuned to keep what the draft gets right (the column's own words) and to correct
#   and complete it (docs/ARCHITECTURE.md, "Drafts").
PROMPT_STYLES = ("general", "tuned", "drafted")

# The fine-tuned model learned the task; a short system line is all it needs.
TUNED_SYSTEM = "Document the SQL table as JSON."

GENERAL_SYSTEM = (
    "You are a data catalog assistant. You write documentation for SQL tables: a one-sentence "
    "description of the table that says what one row represents and what it is for, and for each "
    "requested column one sentence that says what the value means, its unit or format where it "
    "has one, and its role (identifier, reference to another table, status with its values, flag, "
    "timestamp of an event). Never merely repeat the column name: add meaning. Do not invent "
    "tables or columns. Answer with JSON only: "
    '{"table": "<description>", "columns": {"<column>": "<comment>", ...}}.'
)

# One worked example shown to general models before the real table.
_EXAMPLE_TABLE = """table: crm.cust_accts
columns:
- acct_id BIGINT, primary key
- cust_nm VARCHAR(200), not null
- open_dt DATE
- stat_cd CHAR(1), default 'A'
- credit_lmt_usd DECIMAL(12,2)
- rep_id INT, references sales_reps(rep_id)
other tables: sales_reps, cust_contacts
document: table, acct_id, cust_nm, open_dt, stat_cd, credit_lmt_usd, rep_id"""

_EXAMPLE_ANSWER = {
    "table": "Customer accounts: one row per account a customer holds with the company.",
    "columns": {
        "acct_id": "Surrogate key that uniquely identifies the account.",
        "cust_nm": "Legal or trading name of the customer who owns the account.",
        "open_dt": "Date on which the account was opened.",
        "stat_cd": "One-letter account status code, e.g. 'A' for active; defaults to active.",
        "credit_lmt_usd": "Maximum outstanding balance allowed on the account, in US dollars.",
        "rep_id": "Sales representative who manages the account; references sales_reps.",
    },
}

# The words of the worked example's own domain (a CRM's customer accounts), each with the
# spellings that would put it in another table's DDL. A model that writes one of them about a
# table whose DDL has none of its spellings took it from the example ("Sales representative who
# manages the device" for a user key): the evaluation counts such texts as "borrowed".
EXAMPLE_DOMAIN: dict[str, tuple[str, ...]] = {
    "sale": ("sale",),
    "sales": ("sale",),
    "representative": ("rep",),
    "representatives": ("rep",),
    "customer": ("cust", "client"),
    "customers": ("cust", "client"),
    "company": ("compan",),
    "credit": ("credit",),
    "dollar": ("dollar", "usd"),
    "dollars": ("dollar", "usd"),
}


def render_table(request: DocRequest, drafts: bool = False) -> str:
    """A compact, stable text form of one table and what is asked about it; with ``drafts``,
    each requested column (and the table) also carries the heuristic's draft."""
    table = request.table
    lines = [f"table: {table.name}"]
    if table.derived:  # what its rows are, the tables it reads tell
        reads = ", ".join(table.sources[:12]) or "a query"
        lines.append(f"{table.kind} of: {reads}" if table.is_view else f"created from: {reads}")
        if table.grain:  # its GROUP BY
            lines.append(f"one row per: {', '.join(table.grain)}")
    lines.append("columns:")
    # A key of several columns is one line of its own: marked on each member, every one of them
    # read as the table's key ("Surrogate key that uniquely identifies the log search" for a
    # reference that is only part of it).
    whole = table.base or table  # an ALTER's table's keys are its CREATE's
    key = whole.key_columns
    shape = TableShape.of(table) if drafts else None
    # An ALTER's added columns follow those its table was created with, as the table now has them.
    redefined = {id(c.source[1]) for c in table.columns if c.source is not None}  # MySQL's MODIFY / CHANGE
    earlier = [
        c for c in (table.base.columns if table.base else []) if table.column(c.name) is None and id(c) not in redefined
    ]
    for col in [*earlier, *table.columns]:
        parts = [f"- {col.name} {col.data_type}".rstrip()]
        details = []
        for constraint in col.constraints:
            if constraint == "PRIMARY KEY" and len(key) > 1:
                details.append("not null")
                continue
            details.append(constraint.lower() if constraint in ("PRIMARY KEY", "NOT NULL", "UNIQUE") else constraint)
        if col.source is not None and table.derived:
            details.append(f"from {col.source[0].name}.{col.source[1].name}")
        elif col.expression is not None:
            details.append(f"= {col.expression}")
        if details:
            parts.append(", " + ", ".join(_lower_keywords(d) for d in details))
        if col.comment is not None and col.name not in request.columns:
            parts.append(f" -- {clean_text(col.comment.text)}")
        elif drafts and col.name in request.columns:
            parts.append(f" | draft: {describe_column(col, table, shape)}")
        lines.append("".join(parts))
    if len(key) > 1:
        lines.append(f"primary key: ({', '.join(key)})")
    multi = [fk for fk in whole.foreign_keys if len(fk.columns) > 1]
    for fk in multi:
        lines.append(f"foreign key: ({', '.join(fk.columns)}) references {fk.ref_table}({', '.join(fk.ref_columns)})")
    comment = table.base.comment if table.base is not None else table.comment
    if comment is not None and not request.want_description:
        lines.append(f"table comment: {clean_text(comment.text)}")
    context = request.context
    if context.neighbours:
        lines.append("other tables: " + ", ".join(context.neighbours[:12]))
    if context.style_examples:
        examples = "; ".join(f"{c}: {clean_text(t)}" for c, t in context.style_examples[:3])
        lines.append(f"house style: {examples}")
    if drafts and request.want_description:
        lines.append(f"draft table: {describe_table(table)}")
    wanted = (["table"] if request.want_description else []) + list(request.columns)
    lines.append("document: " + ", ".join(wanted))
    return "\n".join(lines)


def _lower_keywords(text: str) -> str:
    for word in ("PRIMARY KEY", "NOT NULL", "UNIQUE"):
        text = text.replace(word, word.lower())
    for word in ("DEFAULT ", "REFERENCES ", "CHECK "):
        if text.startswith(word):
            return word.lower() + text[len(word) :]
    return text


def messages(request: DocRequest, style: str = "general") -> list[dict[str, str]]:
    """Chat messages for one request in a prompt style (:data:`PROMPT_STYLES`)."""
    if style not in PROMPT_STYLES:
        raise ValueError(f"unknown prompt style {style!r}; expected one of {', '.join(PROMPT_STYLES)}")
    user = render_table(request, drafts=style == "drafted")
    if style != "general":
        return [{"role": "system", "content": TUNED_SYSTEM}, {"role": "user", "content": user}]
    return [
        {"role": "system", "content": GENERAL_SYSTEM},
        {"role": "user", "content": _EXAMPLE_TABLE},
        {"role": "assistant", "content": json.dumps(_EXAMPLE_ANSWER, ensure_ascii=False)},
        {"role": "user", "content": user},
    ]


def answer_schema(request: DocRequest, *, max_chars: int = MAX_CHARS) -> dict[str, Any]:
    """JSON schema of the answer: its required keys are exactly the requested columns."""
    text = {"type": "string", "minLength": 3, "maxLength": max_chars}
    columns = {
        "type": "object",
        "properties": {name: text for name in request.columns},
        "required": list(request.columns),
        "additionalProperties": False,
    }
    properties: dict[str, Any] = {}
    required = []
    if request.want_description:
        properties["table"] = text
        required.append("table")
    properties["columns"] = columns
    required.append("columns")
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


def render_answer(docs: TableDocs, request: DocRequest) -> str:
    """The answer a model should give, as training targets are written."""
    answer: dict[str, Any] = {}
    if request.want_description:
        answer["table"] = docs.description or ""
    answer["columns"] = {name: docs.columns.get(name, "") for name in request.columns}
    return json.dumps(answer, ensure_ascii=False)


class AnswerError(ValueError):
    pass


def parse_answer(text: str, request: DocRequest) -> tuple[TableDocs, list[str | None]]:
    """Read a model's answer; returns the docs and what it failed to give: requested column
    names, and ``None`` first when the requested table description is missing.

    Raises AnswerError when the text is not the JSON object we asked for.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise AnswerError(f"model answer is not JSON ({error.msg} at char {error.pos})") from None
    if not isinstance(data, dict):
        raise AnswerError("model answer is not a JSON object")
    raw_columns = data.get("columns")
    if not isinstance(raw_columns, dict):
        raw_columns = {}
    known = known_tables(request)
    description = data.get("table") if request.want_description else None
    if isinstance(description, str):
        description = drop_unknown_references(end_cut_text(clean_text(description)), known)
    description = description if isinstance(description, str) and description.strip() else None
    if description is not None:
        description = true_grain(description, request.table)
    columns: dict[str, str] = {}
    missing: list[str | None] = []
    key = request.table.key_columns or list(request.table.grain)  # a grouped query's row: one per its GROUP BY
    shown = _shown_comments(request)
    for name in request.columns:
        col = request.table.column(name)
        inherited = col.source_comment if col is not None else None
        value = inherited or raw_columns.get(name)
        if isinstance(value, str) and inherited is None:
            value = drop_unknown_references(end_cut_text(clean_text(value)), known)
        if (
            isinstance(value, str)
            and _meaningful(value)
            and not false_key_claim(value, name, request.table, key)
            and (inherited is not None or shown.get(_plain(value), name) == name)
        ):
            columns[name] = value
        else:
            missing.append(name)
    if request.want_description and description is None:
        missing.insert(0, None)
    return TableDocs(description, columns), missing


def _plain(text: str) -> str:
    return " ".join(text.lower().split()).rstrip(".")


def _shown_comments(request: DocRequest) -> dict[str, str]:
    """The comments the prompt shows (the table's documented columns, the house style's
    examples), each with its column: a small model asked about another column sometimes copies
    one word for word ("Name shown to customers." for a tag's label), which says nothing true of
    that column."""
    shown = {_plain(text): column for column, text in request.context.style_examples}
    for col in request.table.columns:
        if col.comment is not None and col.name not in request.columns:
            shown[_plain(col.comment.text)] = col.name
    return shown


# A full stop that ends a sentence: followed by a capital or by nothing ("e.g. 'A'" is not one).
_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)[.!?](?=\s+[A-Z]|\s*$)")


def end_cut_text(text: str, limit: int = MAX_CHARS) -> str:
    """A text that reached the length limit was cut by the answer's grammar, often mid-word
    ("… publisherIs"): it ends at its last full sentence instead, or, with no sentence to keep,
    at its last whole word followed by "...". Shorter texts are returned unchanged."""
    if len(text) < limit - 1:
        return text
    text = text[:limit]
    ends = [m.end() for m in _SENTENCE_END.finditer(text) if m.end() >= 20]
    if ends:
        return text[: ends[-1]]
    words = text[: limit - 3].rsplit(" ", 1)[0].rstrip(" ,;:-(")
    return words + "..."


# "…; references exchange_orders." A model names the table a key points at; where the schema
# declares no such reference and no such table is in sight, the name is a guess that reads as
# fact, so the clause is dropped ("Names of tables that do not exist" are never written).
_REFERENCE = re.compile(
    r"(?:^|\s*[;,]\s*|\s+)references\s+(?P<name>[A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)*)(?:\s*\([^)]*\))?",
    re.IGNORECASE,
)
_NOT_NAMES = frozenset({"the", "a", "an", "this", "that", "it", "its", "their", "other", "another", "one", "each"})


def _bare(name: str) -> str:
    return name.rsplit(".", 1)[-1].strip('"`[]').lower()


def known_tables(request: DocRequest) -> set[str]:
    """Tables a comment may name: this one, those it declares references to, and those in sight
    (the file's tables the context lists)."""
    table = request.table
    names = [table.name, *table.referenced_tables, *request.context.neighbours]
    return {_bare(n) for n in names if n}


def drop_unknown_references(text: str, known: set[str]) -> str:
    """``text`` without "references <table>" clauses that name a table not in ``known``."""

    def keep(match: re.Match[str]) -> str:
        name = match["name"]
        if name.lower() in _NOT_NAMES or _bare(name) in known:
            return match.group(0)
        return ""

    grounded = _REFERENCE.sub(keep, text).strip()
    if grounded != text.strip() and text.rstrip().endswith(".") and not grounded.endswith("."):
        grounded = grounded.rstrip(" ;,:") + "."
    return grounded


# Words that make a column the key of the table's rows.
_ROW_KEY = re.compile(r"\bsurrogate key\b|\buniquely identif|^(?:the )?primary key\b", re.IGNORECASE)


# "one row per store, product and day", up to a clause that says more ("…, with their totals").
_ONE_ROW_PER = re.compile(
    r"\bone row (?:per|for each) [^.;:(),]+(?:, (?!with\b|including\b|showing\b|where\b|which\b|that\b)[^.;:(),]+)*",
    re.IGNORECASE,
)


def true_grain(description: str, table: Table) -> str:
    """A grouped query's rows are one per what it groups by, whatever the model says they are per
    ("one row per carrier" for a view grouped by carrier and day)."""
    per = grain_phrase(table)
    if per is None:
        return description
    return _ONE_ROW_PER.sub(lambda m: f"one row per {per}", description, count=1)


def false_key_claim(text: str, column: str, table: Table, key: list[str] | None = None) -> bool:
    """True when ``text`` calls ``column`` the key of the table's rows while the table declares
    a primary key that is not this column alone: a part of a key of several columns (a
    reference, as a rule: "Surrogate key that uniquely identifies the search log" for
    ``log_search.ls_log_id``), or a column beside the key that is not declared unique. ``key``:
    the table's primary key columns, when the caller has them. A reference that is neither key
    nor unique never is the key of the rows, declared key or none (a mixin's ``tenant_id``)."""
    key = table.key_columns if key is None else key
    col = table.column(column)
    if col is None or key == [col.name] or (col.unique and not col.primary_key):
        return False  # the key, or a key of its own (the parser marks a table's UNIQUE (col) on col)
    referencing = col.references is not None or any(column in fk.columns for fk in table.foreign_keys)
    if not key and not referencing:
        return False
    return _ROW_KEY.search(text) is not None


def _meaningful(text: str) -> bool:
    stripped = text.strip()
    return len(stripped) >= 3 and any(ch.isalpha() for ch in stripped) and not looks_degenerate(stripped)


def looks_degenerate(text: str) -> bool:
    """Small models sometimes loop ("C=Shipment; C=Shipping; C=…"): a comment whose words
    repeat heavily, or that ends cut off at the length limit, is not worth keeping."""
    words = re.findall(r"[\w']+", text.lower())
    if len(words) >= 8 and len(set(words)) / len(words) < 0.5:
        return True
    trigrams = [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
    return len(trigrams) >= 6 and len(set(trigrams)) / len(trigrams) < 0.7


def default_context(tables: list[Table], index: int) -> Context:
    """Context for ``tables[index]``: tables it references, then its nearest neighbours in the
    file, and a few existing column comments nearby that show the house style."""
    current = tables[index]
    lo = max(0, index - 12)
    window = tables[lo : index + 13]
    nearby = sorted(range(len(window)), key=lambda i: abs(i + lo - index))
    names: list[str] = []
    for name in [*current.referenced_tables, *(window[i].name for i in nearby)]:
        if name and name != current.name and name not in names:
            names.append(name)
    examples: list[tuple[str, str]] = []
    for i in nearby:
        if window[i].derived and not current.derived:
            continue  # a view's comment tells of its query's value (upper(code)), not the table's
        for col in window[i].columns:
            if col.comment is not None and col.comment.text.strip() and len(examples) < 3:
                examples.append((col.name, col.comment.text))
    return Context(tuple(names[:12]), tuple(examples))
