"""Editor latency of the real language server over stdio, as an editor sees it.

    .venv/bin/python bench/lsp_latency.py [--model NAME] [--runs 30] [--resolves 5] [--settle 20]
    .venv/bin/python bench/lsp_latency.py --ahead [--dwell 0,1,2,4,6] [--repeats 3] [--settle 20]
    .venv/bin/python bench/lsp_latency.py --file 8 [--repeats 3] [--settle 20]

Measures: listing code actions (p50/p95 over --runs requests at different places), resolving a
10-column table action (uncached, each run on a fresh table; then a cache hit), and hover while a
table is being generated; background work (setting ``prefetch``) is off for these. Prints
Markdown rows for docs/BENCHMARKS.md.

``--ahead`` measures what background work changes, with ``prefetch`` on: in a file of many
fresh tables, the cursor moves to a table far from the last one (a code-action request, as
editors send when the cursor moves), rests there ``--dwell`` seconds, and the table's action is
resolved; ``--repeats`` tables per dwell.

``--file N`` times "Document this file" (the ``sqlscribe.documentFile`` command, background work
off) on a file of N fresh tables of 5 to 10 columns, from the command to its answer, once per
``--repeats`` on a fresh server and cache. The client accepts every edit without applying it:
what is timed is the model and the server, not an editor.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any

COLUMNS = [
    "cust_id BIGINT NOT NULL",
    "acct_nbr VARCHAR(20)",
    "first_nm VARCHAR(60)",
    "last_nm VARCHAR(60)",
    "email_addr VARCHAR(255)",
    "dob DATE",
    "signup_ts TIMESTAMP",
    "loyalty_tier_cd CHAR(2)",
    "lifetime_val_amt DECIMAL(12,2)",
    "is_active_flg BOOLEAN",
]


def table(i: int, varied: bool = False) -> str:
    columns = COLUMNS
    if varied:  # another selection of the columns for each table, the key first
        rest = COLUMNS[1:]
        columns = [COLUMNS[0], *(rest[(i + k) % len(rest)] for k in range(4 + i % 6))]
    body = ",\n".join(f"  {c}" for c in columns)
    return f"CREATE TABLE customer_{i} (\n{body},\n  PRIMARY KEY (cust_id)\n) COMMENT='';\n"


class Client:
    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "lsp_server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
        )
        self.next_id = 0
        self.arrived: dict[int, tuple[float, dict[str, Any]]] = {}
        self.lock = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.process.stdout
        assert out is not None
        while True:
            length = 0
            while True:
                line = out.readline()
                if not line:
                    return
                if line.strip() == b"":
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            message = json.loads(out.read(length))
            now = time.perf_counter()
            if "id" in message and "method" in message:  # a request from the server: accept it
                applied = {"applied": True} if message["method"] == "workspace/applyEdit" else None
                self.send({"id": message["id"], "result": applied})
            elif "id" in message:
                with self.lock:
                    self.arrived[message["id"]] = (now, message)
                    self.lock.notify_all()

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def start(self, method: str, params: Any) -> tuple[int, float]:
        self.next_id += 1
        started = time.perf_counter()
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.next_id, started

    def wait(self, request: tuple[int, float]) -> tuple[float, Any]:
        with self.lock:
            while request[0] not in self.arrived:
                self.lock.wait()
            at, message = self.arrived.pop(request[0])
        return at - request[1], message.get("result")

    def call(self, method: str, params: Any) -> tuple[float, Any]:
        return self.wait(self.start(method, params))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--resolves", type=int, default=5)
    parser.add_argument(
        "--settle", type=float, default=20.0, help="seconds between opening the file and the first resolve"
    )
    parser.add_argument("--ahead", action="store_true", help="measure resolves with background work on")
    parser.add_argument("--dwell", default="0,1,2,4,6", help="--ahead: seconds the cursor rests on a table")
    parser.add_argument("--repeats", type=int, default=3, help="--ahead: tables per dwell; --file: runs")
    parser.add_argument("--file", type=int, default=0, metavar="N", help="time Document this file on N tables")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sqlscribe-bench-") as tmp:
        if args.file:
            return measure_file(args, tmp)
        return measure_ahead(args, tmp) if args.ahead else measure(args, tmp)


def measure_file(args: argparse.Namespace, tmp: str) -> int:
    text = "-- dialect: mysql\n" + "\n".join(table(i, varied=True) for i in range(args.file))
    took: list[float] = []
    model = ""
    for run in range(args.repeats):
        client, uri, _ = open_server(f"{tmp}/{run}", args.model, text, prefetch=False)
        time.sleep(args.settle)  # the model loads and reads the prompt's fixed part
        seconds, result = client.call(
            "workspace/executeCommand", {"command": "sqlscribe.documentFile", "arguments": [uri]}
        )
        assert result["documented"] == args.file, result
        took.append(seconds)
        model = close_server(client)
    print(f"model: {model}; {os.cpu_count()} cores; background work off\n")
    runs = ", ".join(f"{t:.1f}" for t in took)
    print(f"| Document this file, {args.file} tables | median {statistics.median(took):.1f} s ({runs}) |")
    return 0


def open_server(tmp: str, model: str, text: str, *, prefetch: bool) -> tuple[Client, str, Any]:
    """A server with ``text`` open; returns the client, the URI and a function listing the code
    actions at a line (which tells the server where the cursor is)."""
    env = {**os.environ, "SQLSCRIBE_CACHE_DIR": f"{tmp}/cache", "SQLSCRIBE_DATA_DIR": f"{tmp}/data"}
    client = Client(env)
    uri = "file:///bench/customers.sql"
    client.call(
        "initialize",
        {
            "processId": None,
            "rootUri": None,
            "capabilities": {
                "textDocument": {"codeAction": {"dataSupport": True, "resolveSupport": {"properties": ["edit"]}}}
            },
            "initializationOptions": {"sqlscribe": {"model": model, "prefetch": prefetch}},
        },
    )
    client.send({"method": "initialized", "params": {}})
    client.send(
        {
            "method": "textDocument/didOpen",
            "params": {"textDocument": {"uri": uri, "languageId": "sql", "version": 1, "text": text}},
        }
    )

    def actions_at(line: int) -> tuple[float, Any]:
        pos = {"line": line, "character": 4}
        return client.call(
            "textDocument/codeAction",
            {"textDocument": {"uri": uri}, "range": {"start": pos, "end": pos}, "context": {"diagnostics": []}},
        )

    return client, uri, actions_at


def close_server(client: Client) -> str:
    """Shut the server down; returns the model it ran."""
    _, models = client.call("workspace/executeCommand", {"command": "sqlscribe.listModels"})
    client.call("shutdown", None)
    client.send({"method": "exit"})
    return str(models["active"])


def table_line(lines: list[str], i: int) -> int:
    return next(n for n, t in enumerate(lines) if t.startswith(f"CREATE TABLE customer_{i} ")) + 3


def measure_ahead(args: argparse.Namespace, tmp: str) -> int:
    dwells = [float(d) for d in args.dwell.split(",")]
    results = {prefetch: ahead_run(args, f"{tmp}/{prefetch}", dwells, prefetch=prefetch) for prefetch in (False, True)}
    print(f"model: {results[True][0]}; {os.cpu_count()} cores\n")
    print("| cursor rested on the table | background work off | background work on |\n|---|---|---|")
    for dwell in dwells:
        cells = [results[p][1][dwell] for p in (False, True)]
        row = " | ".join(f"p50 {statistics.median(c):.2f} s, max {max(c):.2f} s" for c in cells)
        print(f"| {dwell:g} s | {row} |")
    listing = [results[p][2] for p in (False, True)]
    row = " | ".join(
        f"p50 {statistics.median(c) * 1000:.1f} ms, p95 {percentile(c, 0.95) * 1000:.1f} ms" for c in listing
    )
    print(f"| list code actions, 30 requests after --settle (background work under way when on) | {row} |")
    return 0


def ahead_run(
    args: argparse.Namespace, tmp: str, dwells: list[float], *, prefetch: bool
) -> tuple[str, dict[float, list[float]], list[float]]:
    """One server: for each dwell in turn, --repeats times, the cursor moves to a fresh table far
    from the last one, rests, and the table's action is resolved."""
    spacing = 10  # more than the tables a plan takes (lsp_server/features/prefetch.py), so none was done ahead
    count = spacing * len(dwells) * args.repeats + 1
    text = "-- dialect: mysql\n" + "\n".join(table(i) for i in range(count))
    lines = text.split("\n")
    client, _, actions_at = open_server(tmp, args.model, text, prefetch=prefetch)
    time.sleep(args.settle)  # the model loads (and, with background work, the first tables are done)
    # The cursor stays in the first table: with background work on, the tables after it are under way.
    listing = [actions_at(1 + i % 3)[0] for i in range(30)]
    waited: dict[float, list[float]] = {d: [] for d in dwells}
    pick = spacing
    for _ in range(args.repeats):
        for dwell in dwells:
            _, actions = actions_at(table_line(lines, pick))
            time.sleep(dwell)
            action = next(a for a in actions if a["title"].startswith("Document table"))
            waited[dwell].append(client.call("codeAction/resolve", action)[0])
            pick += spacing
    return close_server(client), waited, listing


def measure(args: argparse.Namespace, tmp: str) -> int:
    text = "-- dialect: mysql\n" + "\n".join(table(i) for i in range(args.resolves + 2))
    client, uri, actions_at = open_server(tmp, args.model, text, prefetch=False)
    lines = text.split("\n")

    listing = [actions_at(1 + (i * 7) % (len(lines) - 2))[0] for i in range(args.runs)]

    def table_action(i: int) -> Any:
        return next(a for a in actions_at(table_line(lines, i))[1] if a["title"].startswith("Document table"))

    # The first suggestion, once the server has had --settle seconds to warm up (load the model,
    # read the prompt's fixed part), as when a user opens a file and then asks.
    time.sleep(args.settle)
    first, _ = client.call("codeAction/resolve", table_action(args.resolves + 1))
    resolves = [client.call("codeAction/resolve", table_action(i))[0] for i in range(args.resolves)]
    hits = [client.call("codeAction/resolve", table_action(0))[0] for _ in range(args.runs)]

    # Hover while a generation runs: start a fresh table's resolve, then hover elsewhere meanwhile.
    fresh_line = next(n for n, t in enumerate(lines) if t.startswith(f"CREATE TABLE customer_{args.resolves} ")) + 2
    pending = client.start("codeAction/resolve", table_action(args.resolves))
    hovers = []
    for i in range(10):
        pos = {"line": fresh_line + (i % 5), "character": 4}
        hovers.append(client.call("textDocument/hover", {"textDocument": {"uri": uri}, "position": pos})[0])
    during_listing = [actions_at(2 + i)[0] for i in range(10)]
    client.wait(pending)

    model = close_server(client)

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:.1f} ms"

    print(f"model: {model}; {os.cpu_count()} cores; background work off\n")
    rows = [
        (
            f"list code actions ({args.runs} requests)",
            f"p50 {ms(statistics.median(listing))}, p95 {ms(percentile(listing, 0.95))}",
        ),
        (f"first resolve, {args.settle:g} s after the file opened", f"{first:.2f} s"),
        (
            f"resolve a 10-column table action, uncached ({args.resolves} tables)",
            f"p50 {statistics.median(resolves):.2f} s, max {max(resolves):.2f} s",
        ),
        (
            f"resolve, cache hit ({args.runs} requests)",
            f"p50 {ms(statistics.median(hits))}, p95 {ms(percentile(hits, 0.95))}",
        ),
        ("hover while a table is generated (10)", f"p50 {ms(statistics.median(hovers))}, max {ms(max(hovers))}"),
        (
            "list code actions while a table is generated (10)",
            f"p50 {ms(statistics.median(during_listing))}, max {ms(max(during_listing))}",
        ),
    ]
    print("| measurement | result |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
