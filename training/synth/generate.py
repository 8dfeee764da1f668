"""Make synthetic training examples: a CREATE TABLE in one of six dialects and the reference
documentation a careful data steward would write for it (house style: STYLE.md).

Every example is read back with :mod:`sqlscribe.ddl` and rendered with :mod:`sqlscribe.prompt`
exactly as the editor and the CLI would at run time, so training input and run-time input
are the same text.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlscribe.ddl import apply_edits, parse_sql, plan_table_edits
from sqlscribe.docs import TableDocs
from sqlscribe.generate.words import expand, split_identifier
from sqlscribe.prompt import messages, render_answer
from sqlscribe.suggest import request_for
from training.evaluate.metrics import is_restatement
from training.synth import naming
from training.synth.render import (
    CHECK_DIALECTS,
    DIALECTS,
    ColumnDef,
    TableDef,
    render_table,
    sql_list,
    sql_type,
    vendor_options,
)
from training.synth.taxonomy import ArchetypeColumn, Attribute, Entity, Taxonomy
from training.synth.wording import in_own_words, stem

GENERATOR_VERSION = "1.6.0"
# The fine-tuned model is trained on the prompt it is run with: the table with the heuristic's
# draft beside each requested column (sqlscribe.prompt.PROMPT_STYLES).
PROMPT_STYLE = "drafted"

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]
_MONTHS += ["November", "December"]


class SynthError(ValueError):
    """A generated example failed validation (it is discarded and drawn again)."""


@dataclass
class PlannedColumn:
    words: tuple[str, ...]
    kind: str
    meaning: str  # the reference sentence, final
    name: str = ""
    not_null: bool = False
    default: str | None = None
    primary_key: bool = False
    references: tuple[str, str] | None = None  # (table, column)
    table_fk: bool = False  # written as a table-level FOREIGN KEY
    lookup: str | None = None  # a lookup table whose key of the same name the code references
    values: tuple[str, ...] = ()  # allowed values the DDL shows (CHECK … IN, or a MySQL ENUM)


@dataclass
class Example:
    id: str
    dialect: str
    ddl: str
    reference: dict[str, Any]
    messages: list[dict[str, str]]
    meta: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        data = {
            "id": self.id,
            "dialect": self.dialect,
            "ddl": self.ddl,
            "reference": self.reference,
            "messages": self.messages,
            "meta": self.meta,
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=False)


def sentence(text: str) -> str:
    text = " ".join(text.split())
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def entity_phrase(entity: Entity) -> str:
    return " ".join(entity.words)


def table_description(entity: Entity, shown: frozenset[str]) -> str:
    """``<Plural title>: one row per <grain>.`` Given ``shown`` (stems of the words the table's
    DDL shows), a grain that says more than them becomes the entity's own words: a model cannot see
    "referral to a specialist" in a table named referrals (generator 1.5). No purpose is
    written: a schema never shows one, and models trained on them invented them (STYLE.md)."""
    words = list(entity.words)
    title = " ".join([*words[:-1], naming.plural(words[-1])])
    grain = entity.grain
    if not shows(grain, shown | {stem(w) for w in entity.words}):
        grain = entity_phrase(entity)
    return sentence(f"{title}: one row per {grain}")


# Words any description may use whatever the schema shows.
_PLAIN_TEXT = (
    "a an the of for to in on at by with and or as is are was were be been one each per its it from that which "
    "who whose when while this any record row entry item"
)
_PLAIN = frozenset(_PLAIN_TEXT.split())


def shows(text: str, shown: frozenset[str] | set[str]) -> bool:
    """True when every word of ``text`` is a plain word or one the schema shows (by stem)."""
    return all(w.lower() in _PLAIN or stem(w) in shown for w in re.findall(r"[A-Za-z]+", text))


def _fill(meaning: str, entity: Entity) -> str:
    return meaning.replace("{entity}", entity_phrase(entity))


def _join_values(values: tuple[str, ...]) -> str:
    shown = [f"'{v}'" for v in values]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]


def enrich(meaning: str, column: str, kind: str, entity: Entity) -> str:
    """When a taxonomy meaning says no more than the column's own name ("Invoice number."), the
    house style adds the entity, and a key says that it identifies it (STYLE.md)."""
    if not is_restatement(meaning, column):
        return meaning
    body = meaning.rstrip(".")
    if kind == "name" and len(body.split()) <= 2:
        body = f"Name of the {body[:1].lower() + body[1:]}"
    if kind == "key" and " of the " not in body:
        return f"{body} that identifies the {entity_phrase(entity)}"
    if " of the " not in body and entity.words[-1] not in body.lower().split():
        body = f"{body} of the {entity_phrase(entity)}"
    return body


class TableBuilder:
    """Draws one table for an entity: conventions, columns, keys, options and existing comments."""

    def __init__(self, taxonomy: Taxonomy, entity: Entity, dialect: str, rng: random.Random) -> None:
        self.taxonomy = taxonomy
        self.entity = entity
        self.dialect = dialect
        self.rng = rng
        self.table_style = rng.choice(naming.TABLE_STYLES)
        self.column_style = rng.choice(naming.COLUMN_STYLES)
        self.namer = naming.ColumnNamer(self.column_style, rng, entity.words)
        self.app = (
            naming.app_label(entity.process, self.table_style, rng) if self.table_style in naming.APP_STYLES else ""
        )
        self.schema = self._schema()
        self.table_name = self._qualify(self._name(entity.words))
        self.pk_words = self._pk_words()
        self.columns: list[PlannedColumn] = []

    # --- names -----------------------------------------------------------------------------
    def _schema(self) -> str | None:
        rng = self.rng
        if rng.random() < 0.55:
            return None
        slug = self.entity.process.split()[0].lower().strip(",")
        if self.dialect == "bigquery" and rng.random() < 0.5:
            return f"acme-data.{slug}"
        if self.dialect == "databricks" and rng.random() < 0.5:
            return f"main.{slug}"
        if self.table_style in ("upper", "t_"):
            return slug.upper()
        return slug

    def _name(self, words: Sequence[str]) -> str:
        return naming.table_name(words, self.table_style, self.app)

    def _qualify(self, name: str) -> str:
        return f"{self.schema}.{name}" if self.schema else name

    def _pk_words(self) -> tuple[str, ...]:
        draw = self.rng.random()
        if self.table_style == "dim" and draw < 0.6:
            return (*self.entity.words, "key")
        if draw < 0.3:
            return ("id",)
        return (*self.entity.words, "id")

    def target_table(self, target: Entity) -> str:
        return self._qualify(self._name(target.words))

    def _lookup(self, attr: Attribute) -> str | None:
        """The lookup table a code column could reference: ``state_code`` → ``states``."""
        words = attr.words
        if attr.kind != "code" or attr.values or words[-1] not in ("code", "cd") or len(words) < 2:
            return None
        if self.column_style == "legacy":  # its key would carry the lookup table's own prefix
            return None
        if any(len(w) < 3 for w in words[:-1]):
            return None
        return self._qualify(self._name(words[:-1]))

    def target_pk(self, target: Entity) -> str:
        words = ("id",) if self.pk_words == ("id",) else (*target.words, self.pk_words[-1])
        name = self.namer.name(words, "id")
        if self.column_style == "legacy":  # the referenced table prefixes its columns with its own code
            name = naming.legacy_prefix(target.words) + name[len(self.namer.prefix) :]
        return name

    # --- columns ---------------------------------------------------------------------------
    def add(self, column: PlannedColumn) -> None:
        column.name = self.namer.name(column.words, column.kind)
        if column.lookup:  # the lookup table's key has the same name as the code
            column.references = (column.lookup, column.name)
        if any(c.name.lower() == column.name.lower() for c in self.columns):
            return
        self.columns.append(column)

    def build(self) -> None:
        rng, entity = self.rng, self.entity
        if rng.random() < 0.9:
            uuid = rng.random() < 0.12
            meaning = (
                f"UUID that uniquely identifies the {entity_phrase(entity)}, generated by the application"
                if uuid
                else f"Surrogate key that uniquely identifies the {entity_phrase(entity)}"
            )
            if self.pk_words[-1] == "key":
                meaning = f"Warehouse surrogate key of the {entity_phrase(entity)} dimension; fact tables join on it"
            self.add(PlannedColumn(self.pk_words, "uuid" if uuid else "id", sentence(meaning), primary_key=True))
        attributes = list(entity.attributes)
        if rng.random() < 0.35 and len(attributes) > 2:
            keep = sorted(rng.sample(range(len(attributes)), rng.randint(1, len(attributes) - 1)))
            attributes = [attributes[i] for i in keep]
        money = [a for a in attributes if a.kind == "money"]
        currency = next((a for a in attributes if a.name == "currency_code"), None)
        if money and currency is None and rng.random() < 0.3:
            currency = self.taxonomy.shared["currency_code"]
            attributes.append(currency)
        usd = bool(money) and currency is None and rng.random() < 0.35
        for attr in attributes:
            self.add(self._domain_column(attr, currency, usd))
        self._archetypes()
        if rng.random() < 0.07:
            self._monthly_buckets(attributes)
        self.columns = self.columns[:60]

    def _domain_column(self, attr: Attribute, currency: Attribute | None, usd: bool) -> PlannedColumn:
        entity, rng = self.entity, self.rng
        words = tuple(attr.words)
        meaning = _fill(attr.meaning, entity)
        column = PlannedColumn(words, attr.kind, "")
        if attr.target is None and self.taxonomy.shared.get(attr.name) is not attr:
            meaning = in_own_words(meaning, attr.name, attr.kind, entity_phrase(entity))
        declares = self.dialect not in ("bigquery", "databricks")
        if attr.target is not None:
            target = self.taxonomy.entity(self.entity.industry, attr.target)
            ref_table = self.target_table(target)
            meaning = meaning or f"{' '.join(target.words).capitalize()} of the {entity_phrase(entity)}"
            draw = rng.random()
            # The referenced table is named only where the DDL declares the reference: a model
            # that learns to name one for an undeclared key guesses it (generator 1.5).
            if declares and draw < 0.75:
                column.references = (ref_table, self.target_pk(target))
                column.table_fk = draw >= 0.45
                meaning = f"{meaning}; references {ref_table.rsplit('.', 1)[-1]}"
            column.not_null = rng.random() < 0.6
        elif (lookup := self._lookup(attr)) is not None and declares and rng.random() < 0.3:
            # A code that is the natural key of a lookup table ("state_code REFERENCES states").
            column.lookup = lookup
            column.table_fk = rng.random() < 0.4
            meaning = f"{enrich(meaning, attr.name, attr.kind, entity)}; references {lookup.rsplit('.', 1)[-1]}"
        elif attr.values:
            # The values are named only where the DDL shows them: a model must not learn to
            # guess a code list that the schema does not give.
            if self.dialect in CHECK_DIALECTS and rng.random() < 0.5:
                column.values = attr.values
                meaning += f"{'; one of ' if ':' in meaning else ': '}{_join_values(attr.values)}"
            if rng.random() < 0.25:
                column.default = f"'{attr.values[0]}'"
                meaning += f"; defaults to '{attr.values[0]}'"
        elif attr.kind == "money":
            if currency is not None and attr.name != "currency_code":
                meaning += f", in the currency given by {self.namer.name(tuple(currency.words), 'code')}"
            elif usd:
                column.words = (*words, "usd")
                meaning += ", in US dollars"
        elif attr.kind == "flag" and rng.random() < 0.3:
            column.not_null = True
            column.default = "false"
            meaning += "; defaults to false"
        column.meaning = sentence(enrich(meaning, "_".join(column.words), attr.kind, entity))
        if attr.kind in ("key",) and rng.random() < 0.4:
            column.not_null = True
        return column

    def _archetype(self, column: ArchetypeColumn) -> PlannedColumn:
        default = column.default
        if default is not None and self.rng.random() < 0.4:
            default = None
        meaning = _fill(column.meaning, self.entity)
        if default == "false":
            meaning += "; defaults to false"
        return PlannedColumn(column.words, column.kind, sentence(meaning), not_null=column.not_null, default=default)

    def _archetypes(self) -> None:
        rng, groups = self.rng, self.taxonomy.groups
        wanted = {
            "tenant": 0.08,
            "audit": 0.5,
            "soft_delete": 0.1,
            "version": 0.06,
            "scd2": 0.7 if self.table_style == "dim" else 0.08,
            "lineage": 0.8 if self.table_style == "stg" else 0.12,
            "payload": 0.08,
            "partition": 0.35 if self.dialect in ("databricks", "bigquery") else 0.04,
        }
        if rng.random() < 0.35:
            for member in rng.sample(list(groups["plain"]), rng.randint(1, 3)):
                self.add(self._archetype(member))
        for group, chance in wanted.items():
            if rng.random() >= chance:
                continue
            members = list(groups[group])
            if group in ("audit", "lineage") and rng.random() < 0.5:
                members = members[: rng.randint(1, len(members))]
            for member in members:
                self.add(self._archetype(member))
        if rng.random() < 0.12:
            for member in rng.sample(list(self.taxonomy.noise), rng.randint(1, 2)):
                self.add(self._archetype(member))
        if rng.random() < 0.1:
            for name in ("address_line1", "address_line2", "city", "state_code", "postal_code", "country_code"):
                attr = self.taxonomy.shared[name]
                self.add(PlannedColumn(tuple(attr.words), attr.kind, sentence(_fill(attr.meaning, self.entity))))

    def _monthly_buckets(self, attributes: list[Attribute]) -> None:
        numeric = [a for a in attributes if a.kind in ("money", "qty", "dec", "count") and a.target is None]
        if not numeric:
            return
        attr = self.rng.choice(numeric)
        base = _fill(attr.meaning, self.entity).rstrip(".")
        for month in range(1, 13):
            words = (*attr.words, f"m{month:02d}")
            meaning = f"{base}, for {_MONTHS[month - 1]} (month {month}) of the fiscal year"
            self.add(PlannedColumn(words, attr.kind, sentence(meaning)))

    def shown_words(self) -> frozenset[str]:
        """Stems of the words the DDL shows: the table's and its columns' names as written, and
        their expansions ("cust" → customer)."""
        shown = set(split_identifier(self.table_name))
        for column in self.columns:
            shown |= set(split_identifier(column.name))
            if column.references:
                shown |= set(split_identifier(column.references[0]))
        return frozenset(stem(w) for w in [*shown, *expand(sorted(shown))])

    # --- rendering -------------------------------------------------------------------------
    def table_def(self) -> TableDef:
        rng, d = self.rng, self.dialect
        pk = [c for c in self.columns if c.primary_key]
        inline_pk = d not in ("bigquery", "databricks") and rng.random() < 0.55
        defs = []
        for col in self.columns:
            is_pk = col.primary_key and inline_pk
            type_sql = sql_type(col.kind, d, rng)
            check: tuple[str, ...] = col.values
            if check and d == "mysql" and rng.random() < 0.5:
                type_sql, check = f"ENUM({sql_list(col.values)})", ()
            defs.append(
                ColumnDef(
                    col.name,
                    type_sql,
                    not_null=col.not_null or (col.primary_key and not inline_pk),
                    primary_key=is_pk,
                    default=col.default,
                    references=col.references if col.references and not col.table_fk else None,
                    check_values=check,
                )
            )
        table_pk: tuple[str, ...] = ()
        if pk and not inline_pk and d not in ("bigquery", "databricks"):
            table_pk = (pk[0].name,)
        fks = [(c.name, c.references[0], c.references[1]) for c in self.columns if c.references and c.table_fk]
        partition = cluster = None
        dates = [c.name for c in self.columns if c.kind in ("date", "ts")]
        codes = [c.name for c in self.columns if c.kind in ("code", "key")]
        if d == "bigquery" and dates:
            first = next(c for c in self.columns if c.name == dates[0])
            partition = first.name if first.kind == "date" else f"DATE({first.name})"
        elif d == "databricks":
            partition = next((c.name for c in self.columns if c.words == ("ds",)), None) or (
                dates[0] if dates and rng.random() < 0.3 else None
            )
        if codes:
            cluster = codes[0]
        options = vendor_options(d, rng, partition, cluster)
        return TableDef(self.table_name, d, defs, table_pk, fks, partition, options)


def build_example(taxonomy: Taxonomy, entity: Entity, dialect: str, rng: random.Random, example_id: str) -> Example:
    builder = TableBuilder(taxonomy, entity, dialect, rng)
    builder.build()
    if len(builder.columns) < 2:
        raise SynthError("fewer than two columns")
    ddl = render_table(builder.table_def(), rng)
    parsed = parse_sql(ddl, dialect)
    check_parsed(parsed, [c.name for c in builder.columns])
    description = table_description(entity, builder.shown_words())
    meanings = {c.name: c.meaning for c in builder.columns}
    # Some columns (and sometimes the table) already carry a human comment in the house style.
    existing: dict[str, str] = {}
    if rng.random() < 0.2:
        count = rng.randint(1, max(1, len(builder.columns) // 3))
        existing = {c.name: c.meaning for c in rng.sample(builder.columns, count)}
    table_commented = rng.random() < 0.08
    if existing or table_commented:
        docs = TableDocs(description if table_commented else None, existing)
        ddl = apply_edits(ddl, plan_table_edits(parsed.tables[0], docs))
        parsed = parse_sql(ddl, dialect)
        check_parsed(parsed, [c.name for c in builder.columns])
        found = {c.name: c.comment.text for c in parsed.tables[0].columns if c.comment is not None}
        if found != existing:
            raise SynthError("existing comments did not read back")
    request = request_for(parsed, 0)
    if request.empty:
        raise SynthError("nothing left to document")
    wanted = TableDocs(description if request.want_description else None, {c: meanings[c] for c in request.columns})
    reference = {"table": wanted.description, "columns": dict(wanted.columns)}
    chat = [*messages(request, PROMPT_STYLE), {"role": "assistant", "content": render_answer(wanted, request)}]
    meta = {
        "industry": entity.industry,
        "naics": entity.naics,
        "sector": entity.sector,
        "process": entity.process,
        "entity": entity.name,
        "table_style": builder.table_style,
        "column_style": builder.column_style,
        "columns": len(builder.columns),
        "existing_comments": len(existing) + (1 if table_commented else 0),
    }
    return Example(example_id, dialect, ddl, reference, chat, meta)


def check_parsed(parsed: Any, names: list[str]) -> None:
    errors = [d.message for d in parsed.diagnostics if d.severity == "error"]
    if errors:
        raise SynthError(f"does not parse: {errors[0]}")
    if len(parsed.tables) != 1 or not parsed.tables[0].complete:
        raise SynthError("not exactly one complete table")
    found = [c.name for c in parsed.tables[0].columns]
    if found != names:
        raise SynthError(f"columns read back as {found}, expected {names}")


def ddl_digest(ddl: str) -> str:
    return hashlib.sha256(" ".join(ddl.split()).lower().encode()).hexdigest()


def generate(taxonomy: Taxonomy, entities: list[Entity], count: int, seed: int, prefix: str) -> Iterator[Example]:
    """``count`` distinct examples over ``entities`` (each used in turn), deterministic for ``seed``."""
    rng = random.Random(f"sqlscribe-synth:{seed}:{prefix}")
    order = list(entities)
    seen: set[str] = set()
    made = 0
    attempts = 0
    while made < count:
        if made % len(order) == 0:
            rng.shuffle(order)
        entity = order[made % len(order)]
        dialect = DIALECTS[(made + rng.randrange(len(DIALECTS))) % len(DIALECTS)]
        attempts += 1
        if attempts > count * 20 + 100:
            raise SynthError(f"could not make {count} distinct valid examples (made {made})")
        try:
            example = build_example(taxonomy, entity, dialect, rng, f"{prefix}-{made:05d}")
        except SynthError:
            continue
        digest = ddl_digest(example.ddl)
        if digest in seen:
            continue
        seen.add(digest)
        made += 1
        yield example
