"""Run a documentation system over evaluation cases and score it against the references."""

from __future__ import annotations

import re
import statistics
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlscribe.ddl import UnknownDialectError, get_dialect, parse_sql
from sqlscribe.generate import Backend, DocRequest, GenerationError
from sqlscribe.prompt import default_context
from training.evaluate.cases import Case
from training.evaluate.metrics import Embedder, bootstrap_ci, borrowed_texts, is_restatement, rouge_l

# An identifier-shaped word in a comment (snake_case or a dotted name) that may name a table or column.
# A snake_case name, or a qualified one (schema.table, table.column). Both sides of a dot start
# with a letter and the left has two or more characters, so "e.g." and "E.164" are prose, not names.
_IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b[a-z_]\w+\.[a-z_]\w*\b", re.IGNORECASE)


@dataclass
class CaseResult:
    id: str
    columns: int
    generated: dict[str, str]
    description: str | None
    similarities: list[float] = field(default_factory=list)
    rouge: list[float] = field(default_factory=list)
    restated: int = 0
    restated_by_people: int = 0
    references: int = 0
    invented: int = 0
    borrowed: int = 0
    fallback: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    error: str | None = None

    @property
    def coverage(self) -> float:
        return sum(1 for v in self.generated.values() if v.strip()) / self.columns if self.columns else 1.0


@dataclass
class Report:
    system: str
    cases: list[CaseResult]

    def summary(self) -> dict[str, Any]:
        sims = [s for c in self.cases for s in c.similarities]
        rouge = [r for c in self.cases for r in c.rouge]
        references = sum(c.references for c in self.cases)
        comments = sum(len(c.generated) for c in self.cases)
        seconds = [c.seconds for c in self.cases]
        low, high = bootstrap_ci(sims)
        return {
            "system": self.system,
            "cases": len(self.cases),
            "pairs": len(sims),
            "similarity": round(statistics.fmean(sims), 4) if sims else 0.0,
            "similarity_ci95": [round(low, 4), round(high, 4)],
            "rouge_l": round(statistics.fmean(rouge), 4) if rouge else 0.0,
            "restated": sum(c.restated for c in self.cases),
            "restated_by_people": sum(c.restated_by_people for c in self.cases),
            "referenced_columns": references,
            "restatement_rate": round(sum(c.restated for c in self.cases) / references, 4) if references else 0.0,
            "coverage": round(statistics.fmean(c.coverage for c in self.cases), 4) if self.cases else 0.0,
            "invented_rate": round(sum(c.invented for c in self.cases) / comments, 4) if comments else 0.0,
            # texts, the descriptions among them, that carry the worked example's domain
            "borrowed": sum(c.borrowed for c in self.cases),
            "texts": comments + sum(1 for c in self.cases if c.description),
            "validity": round(1 - sum(c.fallback for c in self.cases) / comments, 4) if comments else 0.0,
            "errors": sum(1 for c in self.cases if c.error),
            "prompt_tokens_per_table": round(statistics.fmean(c.prompt_tokens for c in self.cases), 1),
            "completion_tokens_per_table": round(statistics.fmean(c.completion_tokens for c in self.cases), 1),
            "seconds_per_table_median": round(statistics.median(seconds), 3) if seconds else 0.0,
            "seconds_per_table_mean": round(statistics.fmean(seconds), 3) if seconds else 0.0,
        }

    def as_dict(self) -> dict[str, Any]:
        return {"summary": self.summary(), "cases": [asdict(c) for c in self.cases]}


def evaluate(cases: list[Case], backend: Backend, embedder: Embedder | None, *, system: str | None = None) -> Report:
    results = [_run_case(case, backend) for case in cases]
    pairs: list[tuple[int, tuple[str, str]]] = []
    for i, (case, result) in enumerate(zip(cases, results, strict=True)):
        for name, reference in case.column_references.items():
            pairs.append((i, (result.generated.get(name, ""), reference)))
        if case.table_reference:
            pairs.append((i, (result.description or "", case.table_reference)))
    if embedder is not None:
        for (i, _pair), score in zip(pairs, embedder.similarities([p for _, p in pairs]), strict=True):
            results[i].similarities.append(score)
    for i, (generated, reference) in pairs:
        results[i].rouge.append(rouge_l(generated, reference))
    return Report(system or backend.model_id, results)


def _run_case(case: Case, backend: Backend) -> CaseResult:
    try:
        dialect: str | None = get_dialect(case.dialect).name if case.dialect else None
    except UnknownDialectError:
        dialect = None  # a dialect sqlscribe does not write: read the DDL as its syntax says
    parsed = parse_sql(case.ddl, dialect)
    if not parsed.tables:
        return CaseResult(case.id, 0, {}, None, error="no CREATE TABLE found")
    table = parsed.tables[0]
    request = DocRequest.for_table(table, default_context(parsed.tables, 0))
    started = time.perf_counter()
    try:
        generated = backend.document(request)
    except GenerationError as error:
        return CaseResult(
            case.id, len(request.columns), {}, None, seconds=time.perf_counter() - started, error=str(error)
        )
    seconds = time.perf_counter() - started
    docs = generated.docs
    known = {table.name.lower(), table.short_name.lower()} | {c.name.lower() for c in table.columns}
    known |= {name.lower() for name in table.referenced_tables}
    result = CaseResult(
        case.id,
        len(request.columns),  # the columns asked for: those that already carry a comment are not
        dict(docs.columns),
        docs.description,
        references=len(case.column_references),
        fallback=len(generated.fallback_columns),
        prompt_tokens=generated.prompt_tokens,
        completion_tokens=generated.completion_tokens,
        seconds=seconds,
    )
    for name, reference in case.column_references.items():
        result.restated += is_restatement(docs.columns.get(name, ""), name)
        result.restated_by_people += is_restatement(reference, name)
    texts = [*docs.columns.values(), docs.description or ""]
    for text in texts:
        mentioned = {m.group(0).lower() for m in _IDENTIFIER.finditer(text)}
        if any(m not in known and m.split(".")[-1] not in known for m in mentioned):
            result.invented += 1
    result.borrowed = borrowed_texts(texts, case.ddl)
    return result
