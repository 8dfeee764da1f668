"""The rating page: a small local HTTP server for one rater of one session."""

from __future__ import annotations

import json
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from training.evaluate.pairwise.session import Session, SessionError, check_rater

PAGE = Path(__file__).with_name("page.html")


def make_server(session: Session, rater: str, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    check_rater(rater)
    page = PAGE.read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet, like the rest of the CLI
            pass

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, data: Any) -> None:
            self._send(status, json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json")

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path in ("/", "/index.html"):
                self._send(HTTPStatus.OK, page, "text/html; charset=utf-8")
            elif path == "/api/state":
                items = [{k: v for k, v in item.items() if k != "case"} for item in session.items]
                self._json(HTTPStatus.OK, {"session": session.id, "rater": rater, "items": items,
                                           "votes": session.votes(rater)})  # fmt: skip
            else:
                self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain")

        def do_POST(self) -> None:
            if self.path != "/api/vote":
                self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain")
                return
            try:
                length = int(self.headers.get("Content-Length") or 0)
                if length > 1_000_000:
                    raise SessionError("request too large")
                body = json.loads(self.rfile.read(length) or b"{}")
                columns = body.get("columns") or {}
                if not isinstance(columns, dict):
                    raise SessionError("columns must be an object")
                entry = session.record(rater, str(body.get("item")), str(body.get("vote")), columns)
            except (SessionError, ValueError) as error:
                self._send(HTTPStatus.BAD_REQUEST, str(error).encode("utf-8"), "text/plain; charset=utf-8")
                return
            self._json(HTTPStatus.OK, entry)

    return ThreadingHTTPServer((host, port), Handler)
