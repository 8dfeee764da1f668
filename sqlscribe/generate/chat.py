"""What the model backends share: prompt, schema, cache, wide-table chunking, answer checks."""

from __future__ import annotations

import time
from abc import abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from sqlscribe import prompt
from sqlscribe.docs import TableDocs
from sqlscribe.generate.base import Backend, DocRequest, Generated, GenerationError, the_one
from sqlscribe.generate.cache import DocCache, cache_key
from sqlscribe.generate.heuristic import heuristic_docs

# Beyond this many columns a table is documented in several requests, so that one answer
# stays well inside the context window and a truncated answer costs little.
MAX_COLUMNS_PER_REQUEST = 32


class ChatBackend(Backend):
    prompt_style = "general"

    def __init__(self, model_id: str, *, cache: DocCache | None = None) -> None:
        self.model_id = model_id
        self.cache = cache

    @abstractmethod
    def complete(
        self, messages: list[dict[str, str]], schema: dict[str, object], max_tokens: int
    ) -> tuple[str, int, int]:
        """Run one chat completion; returns the text, prompt tokens and completion tokens."""

    def complete_many(self, jobs: list[Completion]) -> Iterator[tuple[int, tuple[str, int, int] | Exception]]:
        """Run several completions; yields (index in `jobs`, what `complete` returns or the error it
        raised) in any order. One after the other here; a backend that can decode several at once
        overrides it."""
        for i, job in enumerate(jobs):
            try:
                yield i, self.complete(job.messages, job.schema, job.max_tokens)
            except Exception as error:  # handed to `_finish`, which names the table
                yield i, error

    def document(self, request: DocRequest) -> Generated:
        return the_one(self.document_many([request]))

    def document_many(self, requests: Iterable[DocRequest]) -> Iterator[Generated | GenerationError]:
        """Document tables in order; the model's completions for all of them go to `complete_many`
        together, and each table is yielded as soon as it and every table before it are done."""
        todo = list(requests)
        started = time.perf_counter()
        parts: list[list[DocRequest]] = [[] if r.empty else _chunks(r) for r in todo]
        done: dict[tuple[int, int], Generated | GenerationError] = {}
        jobs: list[Completion] = []
        where: list[tuple[int, int]] = []
        for i, pieces in enumerate(parts):
            for j, part in enumerate(pieces):
                prepared = self._prepare(part)
                if isinstance(prepared, Generated):
                    done[i, j] = prepared
                else:
                    jobs.append(prepared)
                    where.append((i, j))
        results = self.complete_many(jobs) if jobs else iter(())
        for i in range(len(todo)):
            while any((i, j) not in done for j in range(len(parts[i]))):
                k, outcome = next(results)
                done[where[k]] = self._finish(jobs[k], outcome)
            answers = [done.pop((i, j)) for j in range(len(parts[i]))]
            failed = next((a for a in answers if isinstance(a, GenerationError)), None)
            if failed is not None:
                yield failed
                continue
            result = Generated(TableDocs(None, {}), self.model_id, cached=True)
            for part, piece in zip(parts[i], answers, strict=True):
                assert isinstance(piece, Generated)
                result.docs.columns.update(piece.docs.columns)
                if part.want_description:
                    result.docs.description = piece.docs.description
                result.prompt_tokens += piece.prompt_tokens
                result.completion_tokens += piece.completion_tokens
                result.cached = result.cached and piece.cached
                result.fallback_columns.extend(piece.fallback_columns)
            result.seconds = time.perf_counter() - started
            started = time.perf_counter()
            yield result

    def _prepare(self, request: DocRequest) -> Completion | Generated:
        """The completion a request needs, or its cached answer."""
        messages = prompt.messages(request, self.prompt_style)
        schema = prompt.answer_schema(request)
        key = cache_key(self.model_id, messages, schema, prompt.PROMPT_VERSION)
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None and set(hit.columns) >= set(request.columns):
                return Generated(hit, self.model_id, cached=True)
        max_tokens = 80 + 70 * len(request.columns) + (80 if request.want_description else 0)
        return Completion(request, messages, schema, max_tokens, key)

    def _finish(self, job: Completion, outcome: tuple[str, int, int] | Exception) -> Generated | GenerationError:
        """Read a completion's answer; what the model left out or spoilt, the heuristic fills."""
        request = job.request
        if isinstance(outcome, GenerationError):
            return outcome
        if isinstance(outcome, Exception):  # a backend failure names the table, never crashes the caller
            error = GenerationError(f"table {request.table.name}: generation failed: {outcome}")
            error.__cause__ = outcome
            return error
        text, prompt_tokens, completion_tokens = outcome
        missing: list[str | None]
        try:
            docs, missing = prompt.parse_answer(text, request)
        except prompt.AnswerError:
            docs, missing = TableDocs(None, {}), [None, *request.columns]
        fallback: list[str] = []
        if missing:
            backup = heuristic_docs(request)
            for name in missing:
                if name is None:
                    if request.want_description:
                        docs.description = backup.description
                else:
                    docs.columns[name] = backup.columns[name]
                    fallback.append(name)
        elif self.cache is not None:
            self.cache.put(job.key, docs)
        return Generated(docs, self.model_id, prompt_tokens, completion_tokens, False, fallback_columns=fallback)


@dataclass(frozen=True)
class Completion:
    """One chat completion a table (or a part of a wide one) needs."""

    request: DocRequest
    messages: list[dict[str, str]]
    schema: dict[str, object]
    max_tokens: int
    key: str  # its answer's cache key


def _chunks(request: DocRequest) -> list[DocRequest]:
    columns = request.columns
    if len(columns) <= MAX_COLUMNS_PER_REQUEST:
        return [request]
    parts = []
    for i in range(0, len(columns), MAX_COLUMNS_PER_REQUEST):
        parts.append(
            replace(
                request,
                columns=columns[i : i + MAX_COLUMNS_PER_REQUEST],
                want_description=request.want_description and i == 0,
            )
        )
    return parts
