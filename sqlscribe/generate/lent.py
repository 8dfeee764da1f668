"""A backend that answers from documentation its authors keep elsewhere (a Prisma schema's ``///``
comments, for the new migration of its migrations folder) what that documentation holds, and asks
another backend only for the rest."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping

from sqlscribe.docs import TableDocs
from sqlscribe.generate.base import Backend, DocRequest, Generated, GenerationError, the_one


class LentBackend(Backend):
    """``lent``: by table, the documentation kept for it, keyed as `table_keys` names a table."""

    def __init__(self, inner: Backend, lent: Mapping[str, TableDocs]) -> None:
        self.inner = inner
        self.lent = lent
        self.model_id = inner.model_id
        self.interrupt = inner.interrupt

    def document(self, request: DocRequest) -> Generated:
        return the_one(self.document_many([request]))

    def document_many(self, requests: Iterable[DocRequest]) -> Iterator[Generated | GenerationError]:
        parts = [split(r, self.lent) for r in requests]
        answers = self.inner.document_many([rest for _, rest in parts if not rest.empty])
        for kept, rest in parts:
            if rest.empty:
                yield Generated(kept, self.model_id)
                continue
            answer = next(answers)
            yield answer if isinstance(answer, GenerationError) else merged(kept, answer)

    def close(self) -> None:
        self.inner.close()


def split(request: DocRequest, lent: Mapping[str, TableDocs]) -> tuple[TableDocs, DocRequest]:
    """What ``lent`` holds of what the request asks, and the request for the rest."""
    kept = next((lent[k] for k in table_keys(request.table.name) if k in lent), TableDocs(None, {}))
    columns = {c: kept.columns[c] for c in request.columns if kept.columns.get(c)}
    description = kept.description if request.want_description and kept.description else None
    rest = dataclasses.replace(
        request,
        columns=tuple(c for c in request.columns if c not in columns),
        want_description=request.want_description and description is None,
    )
    return TableDocs(description, columns), rest


def merged(kept: TableDocs, answer: Generated) -> Generated:
    """The answer to the rest of a request, with what was lent for the request."""
    docs = TableDocs(kept.description or answer.docs.description, answer.docs.columns | kept.columns)
    return dataclasses.replace(answer, docs=docs)


def table_keys(name: str) -> list[str]:
    """How a table's documentation is looked up: by its name in full (``sales.orders``), then by
    its own name alone (``orders``), in lower case."""
    full = name.lower()
    own = full.rsplit(".", 1)[-1]
    return [full] if own == full else [full, own]
