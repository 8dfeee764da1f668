"""Atlas's migration directory checksum (``atlas.sum``): Atlas refuses to run a directory whose
files do not match it, so a new migration written there (``document --to``) is added to it.

The file holds ``h1:<sum>`` and then a line ``<file> h1:<hash>`` per migration, in order: each
hash is base64 of a SHA-256 that runs on over the files so far (each file's name, then its
bytes), and the sum is base64 of a SHA-256 over every line's name and hash. Before a line is
added, every hash of the file as it is must come out the same here; where one does not (a
directive this does not read, an Atlas that hashes otherwise, a file edited since), nothing is
changed and the user is asked to run ``atlas migrate hash``."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

SUM_FILE = "atlas.sum"
HASH_COMMAND = "atlas migrate hash"


class AtlasSumError(Exception):
    pass


@dataclass
class SumEdit:
    path: Path
    old: str
    new: str


def _b64(digest: bytes) -> str:
    return base64.standard_b64encode(digest).decode("ascii")


def hashes(files: Sequence[tuple[str, bytes]]) -> list[tuple[str, str]]:
    """Each file's line: its name, and the hash of every file's name and bytes up to it."""
    running = hashlib.sha256()
    out = []
    for name, data in files:
        running.update(name.encode("utf-8"))
        running.update(data)
        out.append((name, _b64(running.copy().digest())))
    return out


def render(lines: Sequence[tuple[str, str]]) -> str:
    total = hashlib.sha256()
    for name, digest in lines:
        total.update(name.encode("utf-8"))
        total.update(digest.encode("ascii"))
    return f"h1:{_b64(total.digest())}\n" + "".join(f"{name} h1:{digest}\n" for name, digest in lines)


def read(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The sum and each line of an ``atlas.sum``."""
    rows = text.splitlines()
    if not rows or not rows[0].startswith("h1:"):
        raise AtlasSumError(f"{SUM_FILE} does not start with its sum")
    lines = []
    for row in rows[1:]:
        name, sep, digest = row.rpartition(" h1:")
        if not sep:
            raise AtlasSumError(f"{SUM_FILE}: cannot read the line {row!r}")
        lines.append((name, digest))
    return rows[0][3:], lines


def _listed(folder: Path) -> tuple[str, list[tuple[str, bytes]]]:
    """The sum's text, and the files it lists with their bytes now."""
    old = (folder / SUM_FILE).read_bytes().decode("utf-8")
    files = []
    for name, _ in read(old)[1]:
        try:
            files.append((name, (folder / name).read_bytes()))
        except OSError:
            raise AtlasSumError(f"{SUM_FILE} lists {name}, which is not there") from None
    return old, files


def check(folder: Path) -> None:
    """Raises AtlasSumError unless ``folder``'s ``atlas.sum`` is what its files hash to here."""
    old, files = _listed(folder)
    total, lines = read(old)
    if hashes(files) != lines or read(render(lines))[0] != total:
        raise AtlasSumError(f"{SUM_FILE} does not match the files as hashed here")


def add_files(folder: Path, new: Sequence[tuple[str, str]]) -> SumEdit | None:
    """The edit that adds the files ``new`` (name, text, in order, after every file the sum lists)
    to ``folder``'s ``atlas.sum``; None where the folder has none. Raises AtlasSumError where the
    sum as it is cannot be reproduced here (``check``), or a new file would not come last."""
    if not (folder / SUM_FILE).is_file():
        return None
    check(folder)
    old, files = _listed(folder)
    if files and any(name <= files[-1][0] for name, _ in new):
        raise AtlasSumError(f"the new file does not sort after {files[-1][0]}")
    files += [(name, text.encode("utf-8")) for name, text in new]
    return SumEdit(folder / SUM_FILE, old, render(hashes(files)))


def rehash(folder: Path) -> SumEdit:
    """The edit that makes ``atlas.sum`` the sum of the files it lists as they are now (after
    sqlscribe documented some of them in place: ``check`` them before)."""
    old, files = _listed(folder)
    return SumEdit(folder / SUM_FILE, old, render(hashes(files)))
