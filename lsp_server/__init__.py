"""The sqlscribe language server: a thin LSP layer (pygls 2) over the ``sqlscribe`` core."""

from lsp_server.server import SqlscribeServer, create_server

__all__ = ["SqlscribeServer", "create_server", "main"]


def main() -> None:
    """Serve LSP over stdio until the client exits."""
    import logging
    import os

    logging.basicConfig(
        level=os.environ.get("SQLSCRIBE_LOG_LEVEL", "WARNING"), format="%(levelname)s %(name)s: %(message)s"
    )
    create_server().start_io()
