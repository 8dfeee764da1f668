"""Hint-level diagnostics on undocumented tables and columns, and the reader's own findings.

Published after the document has been quiet for a moment, so typing is never slowed
down by a re-parse per keystroke.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path

from lsp_server.documents import DocumentUnavailable, Snapshot
from lsp_server.features import prefetch
from lsp_server.features.dbt_actions import model_findings
from lsp_server.features.models_actions import hints as models_hints
from lsp_server.server import SqlscribeServer
from sqlscribe.ddl import Span
from sqlscribe.python_models import is_models_file

log = logging.getLogger(__name__)

SOURCE = "sqlscribe"
DEBOUNCE_SECONDS = 0.25
# A generated file with 100,000 columns should not flood the editor's problem list.
MAX_DIAGNOSTICS = 1000

UNDOCUMENTED_TABLE = "undocumented-table"
UNDOCUMENTED_COLUMN = "undocumented-column"
UNDOCUMENTED_DBT = "undocumented-dbt-resource"


def register(server: SqlscribeServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: SqlscribeServer, params: types.DidOpenTextDocumentParams) -> None:
        schedule(ls, params.text_document.uri, delay=0.0)
        _changed_beside(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: SqlscribeServer, params: types.DidChangeTextDocumentParams) -> None:
        schedule(ls, params.text_document.uri)
        _changed_beside(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: SqlscribeServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.cancel_later(f"diagnostics {uri}")
        ls.documents.forget(uri)
        _changed_beside(ls, uri)  # its file is read from disk again, unsaved edits gone
        prefetch.forget(ls, uri)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def _changed_beside(ls: SqlscribeServer, uri: str) -> None:
    """The migrations beside a changed one that read it (what it comments of their tables, the
    table it creates for their ALTERs) have their diagnostics published again."""
    for other in ls.documents.changed(uri):
        schedule(ls, other)


def refresh_all(ls: SqlscribeServer) -> None:
    for uri in list(ls.workspace.text_documents):
        schedule(ls, uri, delay=0.0)


def schedule(ls: SqlscribeServer, uri: str, delay: float = DEBOUNCE_SECONDS) -> None:
    ls.later(f"diagnostics {uri}", delay, lambda: publish(ls, uri))


async def publish(ls: SqlscribeServer, uri: str) -> None:
    if uri not in ls.workspace.text_documents:
        return
    version = ls.current_version(uri)
    if is_models_file(uri):  # an ORM's models file: a hint at each model that lacks a comment
        text = ls.workspace.text_documents[uri].source
        found = await asyncio.to_thread(models_hints, uri, text) if ls.settings.diagnostics else []
        if uri in ls.workspace.text_documents and ls.current_version(uri) == version:
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=found)
            )
        return
    try:
        snap = await ls.snapshot(uri)
    except DocumentUnavailable as error:
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri,
                version=version,
                diagnostics=[
                    _diagnostic(
                        types.Range(start=types.Position(0, 0), end=types.Position(0, 0)),
                        str(error),
                        types.DiagnosticSeverity.Information,
                        None,
                    )
                ],
            )
        )
        return
    if uri not in ls.workspace.text_documents or ls.current_version(uri) != version:
        return  # a newer version will publish its own
    found = diagnostics_for(snap, undocumented=ls.settings.diagnostics)
    if ls.settings.diagnostics and not snap.parsed.tables and snap.window is None and uri.startswith("file:"):
        found += await dbt_diagnostics(snap, Path(to_fs_path(uri) or uri))
        if uri not in ls.workspace.text_documents or ls.current_version(uri) != version:
            return
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=uri, version=snap.version, diagnostics=found)
    )
    prefetch.schedule(ls, uri)


def diagnostics_for(snap: Snapshot, *, undocumented: bool = True) -> list[types.Diagnostic]:
    out: list[types.Diagnostic] = []
    for d in snap.parsed.diagnostics:
        severity = types.DiagnosticSeverity.Information if d.severity == "info" else types.DiagnosticSeverity.Warning
        out.append(_diagnostic(snap.lines.range(d.span.start, d.span.end), d.message, severity, None))
    if not undocumented:
        return out[:MAX_DIAGNOSTICS]
    undocumented_objects: list[tuple[Span, str, str]] = []
    for table in snap.parsed.tables:
        if not table.complete or table.bookkeeping:
            continue
        if table.wants_description():
            undocumented_objects.append((table.name_span, f"Table {table.name} has no description", UNDOCUMENTED_TABLE))
        for col in table.columns:
            if col.wants_comment():
                undocumented_objects.append((col.name_span, f"Column {col.name} has no comment", UNDOCUMENTED_COLUMN))
    room = max(0, MAX_DIAGNOSTICS - len(out))
    for span, message, code in undocumented_objects[:room]:
        out.append(_diagnostic(snap.lines.range(span.start, span.end), message, types.DiagnosticSeverity.Hint, code))
    hidden = len(undocumented_objects) - room
    if hidden > 0:
        out.append(
            _diagnostic(
                snap.lines.range(0, 0),
                f"{hidden} more undocumented tables and columns are not marked",
                types.DiagnosticSeverity.Information,
                None,
            )
        )
    return out


async def dbt_diagnostics(snap: Snapshot, file: Path) -> list[types.Diagnostic]:
    """In a dbt model's SQL file (a SELECT: nothing to mark in it), hints on what its entry in the
    project's property files lacks, as dbt last read them: `document --check dbt:FILE`'s lines."""
    try:
        findings = await asyncio.to_thread(model_findings, file)
    except Exception:  # the artifacts are dbt's, and odd ones must not stop the file's diagnostics
        log.exception("reading dbt's artifacts for %s", file)
        return []
    first = snap.text.find("\n")
    top = snap.lines.range(0, len(snap.text) if first < 0 else first)  # the file's first line
    return [
        _diagnostic(top, message, types.DiagnosticSeverity.Hint, UNDOCUMENTED_DBT if lacks else None)
        for message, lacks in findings
    ]


def _diagnostic(
    range_: types.Range, message: str, severity: types.DiagnosticSeverity, code: str | None
) -> types.Diagnostic:
    return types.Diagnostic(range=range_, message=message, severity=severity, source=SOURCE, code=code)
