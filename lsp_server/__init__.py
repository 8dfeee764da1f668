"""The sqlscribe language server: a thin LSP layer (pygls 2) over the ``sqlscribe`` core."""

from __future__ import annotations

import logging
import os
import sys
from typing import BinaryIO

from lsp_server.server import SqlscribeServer, create_server

__all__ = ["SqlscribeServer", "create_server", "main"]


def main() -> None:
    """Serve LSP over stdio until the client exits."""
    logging.basicConfig(
        level=os.environ.get("SQLSCRIBE_LOG_LEVEL", "WARNING"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        filename=os.environ.get("SQLSCRIBE_LOG_FILE") or None,  # default: stderr, which editors show in their log
    )
    create_server().start_io(stdin=sys.stdin.buffer, stdout=private_stdout())


def private_stdout() -> BinaryIO:
    """Keep the protocol stream to ourselves.

    llama-cpp-python silences model loading by pointing file descriptor 1 at /dev/null for
    a moment (``suppress_stdout_stderr``), and native code may print to it at any time.
    Either would swallow or corrupt a JSON-RPC message written meanwhile from the event
    loop. So the protocol gets its own duplicate of the real stdout, and descriptor 1 (and
    ``sys.stdout``) point at stderr, where stray output lands in the editor's log.
    """
    protocol = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return protocol
