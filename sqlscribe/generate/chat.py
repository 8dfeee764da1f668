"""What the model backends share: prompt, schema, cache, wide-table chunking, answer checks."""

from __future__ import annotations

import time
from abc import abstractmethod
from dataclasses import replace

from sqlscribe import prompt
from sqlscribe.docs import TableDocs
from sqlscribe.generate.base import Backend, DocRequest, Generated, GenerationError
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

    def document(self, request: DocRequest) -> Generated:
        started = time.perf_counter()
        if request.empty:
            return Generated(TableDocs(None, {}), self.model_id, cached=True)
        result = Generated(TableDocs(None, {}), self.model_id, cached=True)
        for part in _chunks(request):
            piece = self._document_part(part)
            result.docs.columns.update(piece.docs.columns)
            if part.want_description:
                result.docs.description = piece.docs.description
            result.prompt_tokens += piece.prompt_tokens
            result.completion_tokens += piece.completion_tokens
            result.cached = result.cached and piece.cached
            result.fallback_columns.extend(piece.fallback_columns)
        result.seconds = time.perf_counter() - started
        return result

    def _document_part(self, request: DocRequest) -> Generated:
        messages = prompt.messages(request, self.prompt_style)
        schema = prompt.answer_schema(request)
        key = cache_key(self.model_id, messages, schema, prompt.PROMPT_VERSION)
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None and set(hit.columns) >= set(request.columns):
                return Generated(hit, self.model_id, cached=True)
        max_tokens = 80 + 70 * len(request.columns) + (80 if request.want_description else 0)
        try:
            text, prompt_tokens, completion_tokens = self.complete(messages, schema, max_tokens)
        except GenerationError:
            raise
        except Exception as error:  # a backend failure names the table, never crashes the caller
            raise GenerationError(f"table {request.table.name}: generation failed: {error}") from error
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
            self.cache.put(key, docs)
        return Generated(docs, self.model_id, prompt_tokens, completion_tokens, False, fallback_columns=fallback)


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
