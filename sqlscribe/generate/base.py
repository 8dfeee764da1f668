"""The one interface every documentation backend implements."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlscribe.ddl.model import Table
from sqlscribe.docs import TableDocs


@dataclass(frozen=True)
class Context:
    """What the model sees beyond the table itself."""

    neighbours: tuple[str, ...] = ()  # other tables in the file or workspace
    style_examples: tuple[tuple[str, str], ...] = ()  # (column, comment) pairs already in the file


@dataclass(frozen=True)
class DocRequest:
    table: Table
    context: Context = Context()
    columns: tuple[str, ...] = ()  # the columns to document
    want_description: bool = True

    @classmethod
    def for_table(cls, table: Table, context: Context = Context(), *, overwrite: bool = False) -> DocRequest:
        """Ask for what the table lacks (or everything when ``overwrite``)."""
        seen: set[str] = set()
        columns = []
        for col in table.columns:
            if col.name in seen or not col.name:
                continue
            seen.add(col.name)
            if col.wants_comment(overwrite):
                columns.append(col.name)
        return cls(table, context, tuple(columns), table.wants_description(overwrite))

    @property
    def empty(self) -> bool:
        return not self.columns and not self.want_description


@dataclass
class Generated:
    docs: TableDocs
    model_id: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached: bool = False
    seconds: float = 0.0
    # Columns the model left empty or invalid, filled by the heuristic instead.
    fallback_columns: list[str] = field(default_factory=list)


class GenerationError(RuntimeError):
    """A backend could not produce documentation for a table."""


class Interrupted(GenerationError):
    """The caller set the backend's `interrupt` event: the work stopped early and left no result."""


class Backend(ABC):
    """Produces documentation for tables. Implementations must be safe to call from one thread at a time."""

    model_id: str
    # Set by a caller that wants the work under way stopped (a language server's background
    # work, when the user asks for something else): a backend that can stop early raises
    # `Interrupted`; one that cannot simply finishes.
    interrupt: threading.Event | None = None

    @abstractmethod
    def document(self, request: DocRequest) -> Generated: ...

    def document_many(self, requests: Iterable[DocRequest]) -> Iterator[Generated | GenerationError]:
        """Document several tables; yields results in order, an error in place of a failed table."""
        for request in requests:
            try:
                yield self.document(request)
            except GenerationError as error:
                yield error

    def close(self) -> None:  # noqa: B027 - optional hook
        pass


def the_one(results: Iterable[Generated | GenerationError]) -> Generated:
    """The one result of a `document_many` of one request (its error raised): `document` for a
    backend that documents tables together."""
    (result,) = results
    if isinstance(result, GenerationError):
        raise result
    return result
