"""``sqlscribe eval pairwise create|serve|export|import|report``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from training.evaluate.cases import load_cases
from training.evaluate.pairwise.report import build_report, load_key, markdown
from training.evaluate.pairwise.session import Session, SessionError, create, outputs_from_report
from training.evaluate.pairwise.sheet import export_sheet, import_sheet


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sqlscribe eval pairwise", description="double-blind pairwise rating of two systems by people"
    )
    sub = parser.add_subparsers(dest="action", required=True)
    make = sub.add_parser("create", help="make a rating session from two systems' outputs")
    make.add_argument("cases", type=Path, help="the JSONL case file the systems were run on")
    make.add_argument("--report", type=Path, action="append", required=True,
                      help="report.json from `sqlscribe eval` (repeat for systems in separate reports)")  # fmt: skip
    make.add_argument("--systems", required=True, help="the two systems, A,B, as named in the report(s)")
    make.add_argument("-n", "--count", type=int, help="number of tables (default: every case both systems did)")
    make.add_argument("--seed", type=int, default=0)
    make.add_argument("--out", type=Path, required=True, help="session folder for the raters")
    make.add_argument("--key", type=Path, help="where the unblinding key goes (default: <out>.key.json, outside it)")
    serve = sub.add_parser("serve", help="serve the rating page for one rater")
    serve.add_argument("session", type=Path)
    serve.add_argument("--rater", required=True, help="this rater's id (votes go to votes/<rater>.jsonl)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    export = sub.add_parser("export", help="write a CSV sheet to fill in a spreadsheet")
    export.add_argument("session", type=Path)
    export.add_argument("--out", type=Path, required=True)
    load = sub.add_parser("import", help="record the votes of a filled-in CSV sheet")
    load.add_argument("session", type=Path)
    load.add_argument("sheet", type=Path)
    load.add_argument("--rater", required=True)
    report = sub.add_parser("report", help="unblind and summarise every rater's votes")
    report.add_argument("session", type=Path)
    report.add_argument("--key", type=Path, help="the unblinding key (default: <session>.key.json)")
    report.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def default_key(session: Path) -> Path:
    return session.with_name(session.name + ".key.json")


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    try:
        return _run(args)
    except (SessionError, OSError, ValueError) as error:
        print(f"sqlscribe: error: {error}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    if args.action == "create":
        names = [s.strip() for s in args.systems.split(",") if s.strip()]
        if len(names) != 2:
            raise SessionError("--systems takes exactly two systems, A,B")
        reports = [json.loads(p.read_text(encoding="utf-8")) for p in args.report]
        outputs = []
        for name in names:
            found = None
            for report in reports:
                try:
                    found = outputs_from_report(report, name)
                    break
                except SessionError:
                    continue
            if found is None:
                raise SessionError(f"system {name!r} is in none of the reports")
            outputs.append((name, found))
        key = args.key or default_key(args.out)
        made = create(load_cases(args.cases), outputs[0], outputs[1], args.out, key, count=args.count, seed=args.seed)
        print(f"session {made['session']}: {len(made['items'])} tables in {args.out}; key in {key}", file=sys.stderr)
        return 0
    session = Session(args.session)
    if args.action == "serve":
        from training.evaluate.pairwise.server import make_server

        server = make_server(session, args.rater, args.host, args.port)
        host, port = str(server.server_address[0]), int(server.server_address[1])
        print(f"rating page for {args.rater}: http://{host}:{port}/ (Ctrl+C to stop; votes are saved as you go)",
              file=sys.stderr, flush=True)  # fmt: skip
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
        return 0
    if args.action == "export":
        rows = export_sheet(session, args.out)
        print(f"wrote {rows} rows to {args.out}; fill the vote column with left, right or tie", file=sys.stderr)
        return 0
    if args.action == "import":
        count = import_sheet(session, args.sheet, args.rater)
        print(f"recorded {count} table votes for {args.rater}", file=sys.stderr)
        return 0
    if args.action == "report":
        report = build_report(session, load_key(args.key or default_key(args.session), session))
        print(json.dumps(report, indent=2) if args.json else markdown(report), end="\n" if args.json else "")
        return 0
    raise SessionError(f"unknown action {args.action}")
