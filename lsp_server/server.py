"""The server object: state shared by the features, and nothing else.

Features live in :mod:`lsp_server.features`, one module each; they register their
handlers on a :class:`SqlscribeServer` in :func:`create_server`.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from lsp_server.documents import Documents, DocumentUnavailable, Snapshot
from lsp_server.engine import Engine, Status
from lsp_server.settings import Settings
from sqlscribe import __version__
from sqlscribe.acceptance import AcceptanceLog
from sqlscribe.python_models import is_models_file

log = logging.getLogger(__name__)

NAME = "sqlscribe"
STATUS_NOTIFICATION = "sqlscribe/status"


@dataclass
class Accepted:
    """A suggestion the user accepted, watched until the document is saved."""

    suggestion_id: str
    table: str
    column: str | None
    texts: dict[str | None, str]  # column (None: the table) -> the comment we inserted


# Suggestions shown but never taken are forgotten after this many newer ones.
MAX_OFFERED = 1000


@dataclass
class SessionState:
    # suggestion id -> what it will insert, until the client reports it applied
    offered: OrderedDict[str, Accepted] = field(default_factory=OrderedDict)
    # document uri -> accepted suggestions whose fate (kept or edited) is not known yet
    accepted: dict[str, list[Accepted]] = field(default_factory=dict)
    # document uri -> where the cursor was last seen (offset, table there or None), for background work
    focus: dict[str, tuple[int, str | None]] = field(default_factory=dict)

    def offer(self, accepted: Accepted) -> None:
        self.offered[accepted.suggestion_id] = accepted
        while len(self.offered) > MAX_OFFERED:
            self.offered.popitem(last=False)


class SqlscribeServer(LanguageServer):
    def __init__(self, *, acceptance_path: Path | None = None) -> None:
        super().__init__(NAME, __version__)
        self.settings = Settings()
        self.documents = Documents(self.open_texts)
        self.engine = Engine(
            self.settings.backend_config(),
            on_status=self._status_from_worker,
            on_warning=self._warn_from_worker,
            settled=False,  # until the client's settings are in (features/configuration.py)
        )
        self.session = SessionState()
        self._acceptance_path = acceptance_path
        self._acceptance: AcceptanceLog | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.last_status = Status("idle", "(not loaded)")
        self._tasks: set[asyncio.Task[None]] = set()
        self._timers: dict[str, asyncio.TimerHandle] = {}  # `later`'s, by key

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run ``work`` in the background, keeping a reference until it ends."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def later(self, key: str, delay: float, work: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Spawn ``work()`` once ``delay`` seconds pass without another call for the same ``key``
        (a debounce: a storm of changes runs the work once, after the last)."""
        loop = asyncio.get_running_loop()
        self.loop = loop
        self.cancel_later(key)

        def fire() -> None:
            self._timers.pop(key, None)
            self.spawn(work())

        self._timers[key] = loop.call_later(delay, fire)

    def cancel_later(self, key: str) -> None:
        timer = self._timers.pop(key, None)
        if timer is not None:
            timer.cancel()

    # -- documents -----------------------------------------------------------

    async def snapshot(self, uri: str) -> Snapshot:
        """The whole document, parsed (on a thread when it is large)."""
        version, source = self._source(uri)
        return await self.documents.snapshot(uri, version, source, self.settings.dialect_name, self.position_encoding)

    async def snapshot_near(self, uri: str, position: types.Position | int) -> Snapshot:
        """At least the statements around ``position``: instant even in a very large file."""
        version, source = self._source(uri)
        if isinstance(position, int):
            offset = position
        else:
            offset = self.documents.line_index(uri, version, source, self.position_encoding).offset(position)
        return await self.documents.near(
            uri, version, source, self.settings.dialect_name, self.position_encoding, offset
        )

    def _source(self, uri: str) -> tuple[int | None, str]:
        if is_models_file(uri):  # an ORM's models file: its own action and hints alone
            raise DocumentUnavailable(f"{uri} is an ORM's file (Python or a Rails schema), not SQL")
        doc = self.workspace.get_text_document(uri)
        try:
            return doc.version, doc.source  # a document the client never opened is read from disk
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise DocumentUnavailable(f"cannot read {uri}: {error}") from None

    def open_texts(self) -> dict[str, str]:
        """The open documents' texts, by file path (called on a parsing thread too: the list is
        taken at once)."""
        texts = {}
        for uri, doc in list(self.workspace.text_documents.items()):
            path = to_fs_path(uri) if uri.startswith("file:") else None
            if path:
                texts[str(Path(path))] = doc.source
        return texts

    def current_version(self, uri: str) -> int | None:
        return self.workspace.get_text_document(uri).version

    @property
    def position_encoding(self) -> str:
        encoding = self.workspace.position_encoding
        return str(encoding) if encoding else types.PositionEncodingKind.Utf16

    # -- acceptance metrics -----------------------------------------------------

    @property
    def acceptance(self) -> AcceptanceLog | None:
        if not self.settings.telemetry:
            return None
        if self._acceptance is None:
            try:
                self._acceptance = AcceptanceLog(self._acceptance_path)
            except Exception as error:  # a read-only home must not stop the server
                log.warning("acceptance metrics disabled: %s", error)
                self.settings = Settings(**{**self.settings.__dict__, "telemetry": False})
                return None
        return self._acceptance

    # -- messages from the model's worker thread ------------------------------

    def _status_from_worker(self, status: Status) -> None:
        self._call_soon(self._send_status, status)

    def _warn_from_worker(self, message: str) -> None:
        self._call_soon(self.show_message, message, types.MessageType.Warning)

    def _call_soon(self, fn: object, *args: object) -> None:
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        loop.call_soon_threadsafe(fn, *args)  # type: ignore[arg-type]

    def _send_status(self, status: Status) -> None:
        self.last_status = status
        self.protocol.notify(STATUS_NOTIFICATION, status.as_dict())

    def show_message(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))
        self.window_log_message(types.LogMessageParams(type=kind, message=message))


def create_server(*, acceptance_path: Path | None = None) -> SqlscribeServer:
    from lsp_server.features import (
        acceptance,
        actions,
        configuration,
        dbt,
        diagnostics,
        document_file,
        hover,
        inline,
        migrations,
        models,
    )

    server = SqlscribeServer(acceptance_path=acceptance_path)
    features = (configuration, diagnostics, actions, document_file, dbt, models, migrations, hover, inline, acceptance)
    for feature in features:
        feature.register(server)
    return server
