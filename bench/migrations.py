"""How long a migration's ALTER TABLEs take to learn their tables from the files before it.

A folder of Flyway-style migrations (``V1__…sql`` … ``VN__…sql``): every tenth creates a table of
eight columns, the others add a column to one of them. For the last file, ``earlier_tables`` reads
every file before it (uncached: the first time the editor or the command line meets the folder)
and then again from its cache (what every later request costs while no file changes).

    .venv/bin/python bench/migrations.py --files 300 --repeat 5

With ``--folder-runs``, the whole folder through the command line instead, each run a fresh
process: ``document --check`` (no model), ``document`` (the heuristic backend, a diff) and
``document --to FOLDER`` (a new migration's diff), every file planned with the files beside it.

    .venv/bin/python bench/migrations.py --files 3000 --repeat 3 --folder-runs
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from throughput import median_seconds

from sqlscribe import migrations
from sqlscribe.migrations import FOLDER_BYTES_CLI, MAX_EARLIER_BYTES, MAX_EARLIER_FILES, earlier_tables


def write_folder(folder: Path, files: int) -> Path:
    """The migrations; returns the last one."""
    last = folder
    for n in range(1, files + 1):
        table = f"tbl_{(n - 1) // 10}"
        if n % 10 == 1:
            columns = ",\n".join(f"  col_{c}_amt DECIMAL(10,2) COMMENT 'Amount {c}'" for c in range(7))
            body = f"CREATE TABLE {table} (\n  id INT PRIMARY KEY,\n{columns}\n) ENGINE=InnoDB;\n"
        else:
            body = f"ALTER TABLE {table} ADD COLUMN added_{n}_dt DATE NULL AFTER id;\n"
        last = folder / f"V{n}__step_{n}.sql"
        last.write_text(body, encoding="utf-8")
    return last


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--folder-runs", action="store_true", help="time whole command-line runs on the folder")
    args = parser.parse_args()
    if args.folder_runs:
        return folder_runs(args.files, args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        last = write_folder(Path(tmp), args.files)
        text = last.read_text(encoding="utf-8")
        size = sum(p.stat().st_size for p in Path(tmp).iterdir()) - last.stat().st_size

        def read() -> list[object]:  # as the command line reads (the editor: MAX_EARLIER_FILES at most)
            return list(earlier_tables(last, "mysql", text, FOLDER_BYTES_CLI, files=None))

        def uncached() -> None:
            migrations._READ.clear()
            read()

        first = median_seconds(uncached, args.repeat)
        known = read()
        cached = median_seconds(read, args.repeat)
        editor = args.files - 1 <= MAX_EARLIER_FILES and size <= MAX_EARLIER_BYTES
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}\n")
    print("| measurement | result |\n|---|---|")
    print(f"| earlier files read for the last of {args.files} ({size / 1000:.0f} kB, {len(known)} records) | |")
    print(f"| first read (uncached) | {first * 1000:.0f} ms |")
    print(f"| again, from the cache (files unchanged) | {cached * 1000:.1f} ms |")
    print(f"| read by the editor too (at most {MAX_EARLIER_FILES} files, {MAX_EARLIER_BYTES:,} bytes) | {editor} |")
    return 0


def folder_runs(files: int, repeat: int) -> int:
    root = Path(__file__).resolve().parents[1]  # the checkout whose code runs (python -m from its root)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_folder(folder, files)
        old = time.time() - 3600
        os.utime(folder, (old, old))  # as a folder not changed this second is read
        runs = {
            "document --check": ["--check"],
            "document --backend heuristic (diff)": ["--backend", "heuristic"],
            "document --backend heuristic --to FOLDER": ["--backend", "heuristic", "--to", str(folder)],
        }
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}\n")
        print(f"| {files} files, command | median of {repeat} |\n|---|---|")
        for label, extra in runs.items():
            command = [sys.executable, "-m", "sqlscribe", "document", str(folder), "--no-cache", "-q", *extra]
            if "--check" in extra:
                command.remove("--no-cache")

            def run(command: list[str] = command) -> None:
                subprocess.run(command, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)

            print(f"| {label} | {median_seconds(run, repeat):.1f} s |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
