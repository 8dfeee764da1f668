"""A migrations folder (Flyway's ``V7__add_discount.sql``, golang-migrate's ``000007_…up.sql``):
the tables the files before one create and alter, so that its ``ALTER TABLE``s know their table
whether the file is documented in a folder run, alone (pre-commit passes only the staged files)
or in the editor."""

from __future__ import annotations

import bisect
import contextlib
import functools
import itertools
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlscribe import sqitch
from sqlscribe.ddl import SchemaChange, Table, detect_dialect, parse_sql
from sqlscribe.ddl.dialects import DEFAULT_REASON
from sqlscribe.ddl.model import DROPPED
from sqlscribe.document import FilePlan, plan_file

SQL_SUFFIXES = (".sql", ".ddl")
# A folder whose earlier files are more or hold more than this is not read for one file's ALTERs in
# the editor (about a second of reading, once: bench/migrations.py; later reads come from the cache
# while the files are unchanged); the command line reads up to FOLDER_BYTES_CLI, however many.
MAX_EARLIER_BYTES = 1_000_000
MAX_EARLIER_FILES = 800
FOLDER_BYTES_CLI = 50_000_000
_ALTER_TABLE = re.compile(r"\bALTER\s+TABLE\b", re.IGNORECASE)


@functools.lru_cache(maxsize=1 << 16)
def in_version_order(name: str) -> tuple[str | int, ...]:
    """A file name's sort key with its numbers read as numbers: ``V2__…`` before ``V10__…``, as
    migration tools apply them (remembered: a folder's names are compared again for each file).
    Flyway's repeatable migrations (``R__views.sql``) come after every versioned one, as Flyway
    runs them, and schemachange's always-run scripts (``A__grants.sql``) after those."""
    key = tuple(int(part) if n % 2 else part for n, part in enumerate(re.split(r"(\d+)", name)))
    repeatable = _REPEATABLE.match(name)
    if repeatable is None:
        return key
    return ("\uffff" if repeatable[0][0] in "rR" else "\uffff\uffff", *key)


# A migration's undo in a file of its own: golang-migrate's and sqlx's ``000007_….down.sql``,
# Flyway's ``U7__….sql``. It runs only to roll back, so it is no step of the folder's schema: no
# file's earlier tables or later comments come from it, and a new migration documents nothing of it.
_FLYWAY_UNDO = re.compile(r"[uU]\d+(?:[._]\d+)*__")


def is_undo_name(name: str) -> bool:
    """Whether a file's name is that of a migration's undo (``_FLYWAY_UNDO``, ``.down.sql``, yoyo's
    ``.rollback.sql``, and Diesel's ``down.sql`` in a migration's own folder)."""
    lowered = name.lower()
    return (
        lowered.endswith((".down.sql", ".rollback.sql"))
        or lowered == "down.sql"
        or _FLYWAY_UNDO.match(name) is not None
    )


def is_undo_path(path: Path) -> bool:
    """Whether a file only undoes or checks a migration: an undo file (``is_undo_name``), or a
    Sqitch project's revert or verify script."""
    return is_undo_name(path.name) or (
        path.parent.name in ("revert", "verify") and (path.parent.parent / sqitch.PLAN).is_file()
    )


# Flyway's repeatable migration (``R__views.sql``): run again, after the versioned ones, whenever
# its checksum changes, so it is documented in place even with ``--to``; and schemachange's
# always-run script (``A__grants.sql``), run after those on every deploy.
_REPEATABLE = re.compile(r"[rRaA]__")


def is_repeatable_name(name: str) -> bool:
    return _REPEATABLE.match(name) is not None


# A migration that is a folder of its own, named with its time: Prisma's
# ``20240131120000_init/migration.sql``, Diesel's ``2024-01-31-120000_init/up.sql`` (a folder
# ``2024_reports/`` is no such thing).
_STEP_FOLDER = re.compile(r"(?:\d{8,}|\d{4}-\d\d-\d\d-\d{6})_\w")


def layout(path: Path) -> tuple[Path, str | None]:
    """Where the migrations a file is one of are listed: its folder, or, where each migration is a
    folder of its own (``_STEP_FOLDER``) holding a file of this name, the folder above it, with
    that name (the file each of its migrations holds)."""
    parent = path.parent
    if _STEP_FOLDER.match(parent.name) and not is_migration_name(path.name):
        return parent.parent, path.name
    return parent, None


def step_name(path: Path) -> str:
    """The name a migration's place in its folder is read from: the file's, or its own folder's."""
    return path.parent.name if layout(path)[1] else path.name


def order_key(path: Path, listing: list[_Entry] | None = None) -> tuple[str | int, ...]:
    """A migration's place among its folder's (``_listing``'s order, given or read): its name's
    version, or, in a Sqitch project, its change's place in the plan (after every change there
    when it is in none)."""
    folder, inner = layout(path)
    if inner is None and sqitch.project_of(folder) is not None:
        entries = listing if listing is not None else _listing(folder) or []
        return next((order for order, name, _ in entries if name == path.name), (1 << 62,))
    return in_version_order(step_name(path))


def is_step(path: Path) -> bool:
    """Whether a file is a step of a migrations folder (its name starts with a version, or it is a
    Sqitch change's deploy script): only between steps does a later DROP or RENAME count."""
    return is_migration_name(step_name(path)) or (
        layout(path)[1] is None and sqitch.project_of(path.parent) is not None
    )


def in_folder_order(files: list[Path]) -> list[Path]:
    """``files`` with each folder's migrations in their order (a Sqitch plan's, where that is not
    their names'), the folders where they first come."""
    first: dict[Path, int] = {}
    for n, path in enumerate(files):
        first.setdefault(layout(path)[0], n)
    return sorted(files, key=lambda p: (first[layout(p)[0]], order_key(p)))


_Entry = tuple[tuple[str | int, ...], str, str]  # order, name (the file's, or its folder's), path
_LISTINGS: dict[tuple[str, str | None], tuple[int, list[_Entry]]] = {}
# A folder whose mtime is this recent may change again within the same tick of its clock (git's
# "racy" files): its listing is not kept.
_RACY_NS = 2_000_000_000


def _listing(folder: Path, inner: str | None = None) -> list[_Entry] | None:
    """The SQL files of ``folder`` in version order, undo files left out (``is_undo_name``), kept
    while the folder's mtime holds (each file of a folder asks for it: once per folder rather than
    once per file); None when it cannot be listed. With ``inner``: the file of that name in each of
    its migrations' own folders (``layout``), kept only within a command-line run (a file added to
    a folder there changes no mtime of ``folder``)."""
    known = _LISTINGS.get((str(folder), inner))
    if known is not None and _STEADY is not None:
        return known[1]  # a command-line run: its own writes replace files (a new one: ``forget``)
    try:
        stamp = os.stat(folder).st_mtime_ns
        project = sqitch.project_of(folder) if inner is None else None
        if project is not None:  # the plan's order, which changes with the plan
            stamp += os.stat(project.top / sqitch.PLAN).st_mtime_ns
        if known is not None and known[0] == stamp and inner is None:
            return known[1]
        with os.scandir(folder) as entries:
            listing: list[_Entry]
            if project is not None:
                present = {e.name for e in entries}
                listing = [
                    ((n,), f"{script}.sql", os.path.join(folder, f"{script}.sql"))
                    for n, script in enumerate(project.scripts)
                    if f"{script}.sql" in present
                ]
            elif inner is None:
                listing = [
                    (in_version_order(e.name), e.name, e.path)
                    for e in entries
                    if e.name.lower().endswith(SQL_SUFFIXES) and not is_undo_name(e.name) and e.is_file()
                ]
            else:
                listing = [
                    (in_version_order(e.name), e.name, os.path.join(e.path, inner))
                    for e in entries
                    if _STEP_FOLDER.match(e.name) and os.path.isfile(os.path.join(e.path, inner))
                ]
    except OSError:
        return None
    listing.sort(key=lambda e: e[0])
    if time.time_ns() - stamp > _RACY_NS or _STEADY is not None:
        _LISTINGS[str(folder), inner] = (stamp, listing)
    return listing


def sql_files(folder: Path) -> list[Path]:
    """The migrations of ``folder`` in version order: its SQL files but undo files (its listing,
    kept while it is unchanged), or, where it holds none and its migrations are folders of their
    own, the file they hold (``inner_name``); empty when it cannot be listed."""
    listing = _listing(folder)
    if not listing:
        inner = inner_name(folder)
        listing = _listing(folder, inner) if inner else listing
    return [Path(path) for _, _, path in listing or []]


def inner_name(folder: Path) -> str | None:
    """The name of the SQL file that most of ``folder``'s migration folders hold (Prisma's
    ``migration.sql``, Diesel's ``up.sql``), undo files aside; None when it has no such folders."""
    found: Counter[str] = Counter()
    try:
        with os.scandir(folder) as entries:
            steps = [e.path for e in entries if _STEP_FOLDER.match(e.name) and e.is_dir()]
        for step in steps:
            with os.scandir(step) as inside:
                found.update(
                    e.name
                    for e in inside
                    if e.name.lower().endswith(SQL_SUFFIXES) and not is_undo_name(e.name) and e.is_file()
                )
    except OSError:
        return None
    return found.most_common(1)[0][0] if found else None


_STEADY: dict[str, tuple[int, int]] | None = None


@contextlib.contextmanager
def steady_files() -> Iterator[None]:
    """Within it, each file's mtime and size are read once and kept: a command-line run, in which
    no file changes but those it writes itself (``forget``), where a folder of n migrations would
    otherwise take n² stat calls. The editor never uses it: files change under it."""
    global _STEADY
    previous, _STEADY = _STEADY, {}
    _LISTINGS.clear()  # listings kept within the run are trusted: none from before it, none after
    _SIBLINGS.clear()
    _FOLLOWED.clear()
    try:
        yield
    finally:
        _STEADY = previous
        _LISTINGS.clear()
        _SIBLINGS.clear()
        _FOLLOWED.clear()


def forget(path: Path) -> None:
    """``path`` changed (the command line wrote it): read its mtime and size again, and its
    folder's listing when it is a new file there."""
    if _STEADY is not None:
        _STEADY.pop(os.fspath(path), None)
        folder, inner = layout(path)
        _SIBLINGS.pop((str(folder), inner), None)
        known = _LISTINGS.get((str(folder), inner))
        if known is not None and all(name != step_name(path) for _, name, _ in known[1]):
            del _LISTINGS[str(folder), inner]


def _stamp(name: str) -> tuple[int, int]:
    if _STEADY is not None and name in _STEADY:
        return _STEADY[name]
    stat = os.stat(name)
    stamp = (stat.st_mtime_ns, stat.st_size)
    if _STEADY is not None:
        _STEADY[name] = stamp
    return stamp


_Sibling = tuple[tuple[str | int, ...], str, tuple[int, int] | str, int]  # order, path, stamp (or text), size
# Within a command-line run (``steady_files``): a folder's SQL files with their stamps and the
# running sums of their sizes, for the listing they were made of (each file of the folder asks).
_SIBLINGS: dict[tuple[str, str | None], tuple[list[_Entry], list[_Sibling], list[int]]] = {}


@dataclass
class _Beside:
    """The SQL files beside a file, before it in version order or after it (``_siblings``)."""

    folder: tuple[str, str | None]  # where they are listed (``layout``)
    files: list[_Sibling]
    size: int  # their bytes
    every: list[_Sibling] | None  # within a command-line run: the folder's, of which ``files`` is a slice
    at: int  # where the file's place is in ``every``


def _siblings(path: Path, *, before: bool, buffers: Mapping[str, str]) -> _Beside | None:
    """The SQL files beside ``path`` before it in version order (or after it), in that order;
    None when the folder cannot be listed."""
    folder, inner = layout(path)
    listing = _listing(folder, inner)
    if listing is None:
        return None
    key = order_key(path, listing)
    if _STEADY is not None and not buffers:  # the folder's, once per run: a slice of it per file
        known = _SIBLINGS.get((str(folder), inner))
        if known is None or known[0] is not listing:
            every: list[_Sibling] = []
            for order, _, name in listing:
                try:
                    stamp = _stamp(name)
                except OSError:
                    continue  # gone since the folder was listed
                every.append((order, name, stamp, stamp[1]))
            sums = list(itertools.accumulate((e[3] for e in every), initial=0))
            known = _SIBLINGS[str(folder), inner] = (listing, every, sums)
        _, every, sums = known
        if before:
            at = bisect.bisect_left(every, key, key=lambda e: e[0])
            return _Beside((str(folder), inner), every[:at], sums[at], every, at)
        at = bisect.bisect_right(every, key, key=lambda e: e[0])
        return _Beside((str(folder), inner), every[at:], sums[-1] - sums[at], every, at)
    if before:
        chosen = listing[: bisect.bisect_left(listing, key, key=lambda e: e[0])]
    else:
        chosen = listing[bisect.bisect_right(listing, key, key=lambda e: e[0]) :]
    siblings: list[_Sibling] = []
    for order, _, name in chosen:
        buffer = buffers.get(name)
        if buffer is not None:
            siblings.append((order, name, buffer, len(buffer)))
            continue
        try:
            stamp = _stamp(name)
        except OSError:
            continue  # gone since the folder was listed
        siblings.append((order, name, stamp, stamp[1]))
    return _Beside((str(folder), inner), siblings, sum(size for *_, size in siblings), None, 0)


def _source(sibling: _Sibling) -> str | None:
    """A sibling's text: the editor's, else the file's; None for a binary or unreadable one."""
    _, name, stamp, _ = sibling
    return stamp if isinstance(stamp, str) else read_source(name)


# What a new migration that documents the tables is called, in each tool's scheme of names.
NEW_NAME = "document_comments"


def texts_in(folder: Path, named: Callable[[str], bool], holding: Callable[[str], bool]) -> list[tuple[Path, str]]:
    """The files of ``folder`` whose names ``named`` takes and whose texts (undecodable bytes
    replaced) ``holding`` takes, with those texts, in name order: an Alembic versions folder's
    revisions, a Django app's migrations. Empty when the folder cannot be listed."""
    try:
        paths = sorted(p for p in folder.iterdir() if named(p.name))
    except OSError:
        return []
    out = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if holding(text):
            out.append((path, text))
    return out


def read_source(path: str) -> str | None:
    """A SQL file's text (undecodable bytes replaced); None for a binary or unreadable one."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    if b"\x00" in data[:65536]:
        return None  # binary
    return data.decode("utf-8", errors="replace")


@dataclass
class _Read:
    stamp: tuple[int, int] | str  # the file's mtime and size when read, or the editor's text of it
    tables: list[Table]


_READ: dict[tuple[str, str], _Read] = {}
# (folder, inner file name, dialect) -> the earlier files last read (path, stamp, where its
# tables start in the next), their tables, those by short name, and within a command-line run the
# folder's files they were read from (``_Beside.every``)
_PREFIX: dict[
    tuple[str, str | None, str],
    tuple[
        list[tuple[str, tuple[int, int] | str, int]],
        list[Table],
        dict[str, list[tuple[int, Table]]],
        list[_Sibling] | None,
    ],
] = {}


def earlier_tables(
    path: Path,
    dialect: str,
    text: str,
    limit: int = MAX_EARLIER_BYTES,
    files: int | None = MAX_EARLIER_FILES,
    buffers: Mapping[str, str] | None = None,
    names: Collection[str] | None = None,
) -> list[Table]:
    """The tables and ALTER records of the SQL files beside ``path`` that come before it in version
    order, each file read with those before it; empty when ``text`` alters no table, or when the
    earlier files hold more than ``limit`` bytes, are more than ``files`` or cannot be listed.
    ``buffers``: the editor's texts of open files, by path, read instead of what is on disk (edits
    not yet saved); ``names``: only those of the tables of these short names, lower case
    (``ParsedFile.altered_elsewhere``: what the file's ALTERs need, however long the folder)."""
    if not _ALTER_TABLE.search(text):
        return []
    beside = _siblings(path, before=True, buffers=buffers or {})
    if beside is None or beside.size > limit or (files is not None and len(beside.files) > files):
        return []
    siblings = beside.files
    # The files read for the file before this one, when they are the first of these (a folder
    # read in order): only the rest is added (else a folder of n files costs n² steps).
    done, known, by_name, of = _PREFIX.get((*beside.folder, dialect), ([], [], {}, None))
    if of is not None and of is beside.every:  # read from the same files, unchanged: a prefix of these
        same = min(len(done), len(siblings))
    else:
        changed = (n for n, (d, s) in enumerate(zip(done, siblings, strict=False)) if d[:2] != (s[1], s[2]))
        same = next(changed, min(len(done), len(siblings)))
    if same < len(done):  # a file changed (the command line wrote it) or the folder did: from there on
        cut = done[same][2]
        done, known = done[:same], known[:cut]
        by_name = {name: kept for name, found in by_name.items() if (kept := [f for f in found if f[0] < cut])}
    for entry in siblings[len(done) :]:
        _, sibling, stamp, _size = entry
        done.append((sibling, stamp, len(known)))
        read = _READ.get((sibling, dialect))
        if read is None or read.stamp != stamp:
            source = _source(entry)
            if source is None:
                continue
            parsed = parse_sql(source, dialect, validate=False)
            if parsed.alters_elsewhere:  # again, with the records of the tables it alters
                known_here = _named_in(by_name, parsed.altered_elsewhere)
                parsed = parse_sql(source, dialect, validate=False, known=known_here)
            read = _READ[sibling, dialect] = _Read(stamp, [t for t in parsed.tables if not t.is_view])
        for table in read.tables:
            by_name.setdefault(table.short_name.lower(), []).append((len(known), table))
            known.append(table)
    _PREFIX[(*beside.folder, dialect)] = (done, known, by_name, beside.every)
    return list(known) if names is None else _named_in(by_name, names)


def _named_in(by_name: dict[str, list[tuple[int, Table]]], names: Collection[str]) -> list[Table]:
    """The tables and ALTER records of these short names (lower case), in the order they were read."""
    return [t for _, t in sorted((found for name in names for found in by_name.get(name, ())), key=lambda f: f[0])]


@dataclass
class _Later:
    stamp: tuple[int, int] | str
    said: set[tuple[str, str | None]]  # ParsedFile.comments_elsewhere
    changes: list[SchemaChange]  # its DROPs and RENAMEs


_LATER: dict[tuple[str, str], _Later] = {}
# A statement that may set a comment on its own (COMMENT ON, an ALTER TABLE … COMMENT or OPTIONS,
# SQL Server's extended property), or drop or rename a table or a column: a file without one is
# not parsed for later_comments.
_LATER_STATEMENT = re.compile(
    r"\bCOMMENT\s+ON\b|\bALTER\s+TABLE\b[^;]*\b(?:COMMENT|OPTIONS|DROP|RENAME)\b|\bsp_\w*extendedproperty\b"
    r"|\bDROP\s+(?:TABLE|VIEW|MATERIALIZED|FOREIGN)\b|\bRENAME\s+TABLES?\b|\bALTER\s+VIEW\b[^;]*\bRENAME\b"
    r"|\bsp_rename\b",
    re.IGNORECASE,
)
# A migration's name: a version first (Flyway's V7__…, golang-migrate's 000007_…, a timestamp). Only
# between such files does a later DROP or RENAME count: a folder of scripts may hold a teardown.sql.
_VERSIONED = re.compile(r"[vV]?\d")


def is_migration_name(name: str) -> bool:
    """Whether a file's name starts with a version, as migration tools name their files."""
    return _VERSIONED.match(name) is not None


def later_comments(
    path: Path,
    dialect: str,
    limit: int = MAX_EARLIER_BYTES,
    files: int | None = MAX_EARLIER_FILES,
    buffers: Mapping[str, str] | None = None,
    about: Collection[Table] | None = None,
) -> set[tuple[str, str | None]]:
    """What the SQL files after ``path`` in version order comment of tables they do not create
    (``ParsedFile.comments_elsewhere``: a later migration's COMMENT ON a table created here), of
    the tables ``about`` only when given (so that a caller re-reads its file only when it must);
    empty when they hold more than ``limit`` bytes, are more than ``files`` or cannot be listed.
    ``buffers`` as for :func:`earlier_tables`.

    Between migrations (files whose names start with a version), what a later one drops counts too,
    as ``(table, DROPPED)`` for a table and ``(table, column)`` for a column (nothing is wanted of
    what the schema no longer has), and names are followed through later renames: a comment on
    ``clients.email`` after ``customers`` is renamed ``clients`` documents ``customers.email``."""
    beside = _siblings(path, before=False, buffers=buffers or {})
    if beside is None or beside.size > limit or (files is not None and len(beside.files) > files):
        return set()
    found: set[tuple[str, str | None]] = set()
    tables: dict[str, str] = {}  # a table's short name now -> its name in the file at ``path``
    columns: dict[tuple[str, str], str] = {}  # (that name, a column's name now) -> the column's there
    versioned = is_step(path)
    for sibling, read in _said_or_changed(beside, dialect):
        before = dict(tables), dict(columns)
        if read.changes and versioned and is_step(Path(sibling[1])):
            for change in read.changes:
                _follow(change, tables, columns, found)
        for table, column in read.said:  # said before its renames, or after them
            for named, cols in (before, (tables, columns)):
                here = named.get(table, table)
                found.add((here, None if column is None else cols.get((here, column), column)))
    if about is not None:
        names = {t.short_name.lower() for t in about}
        found = {said for said in found if said[0] in names}
    return found


# Within a command-line run: (folder, inner file name, dialect) -> the folder's files
# (``_Beside.every``), from which place on they were read, and the places among those of the ones
# that comment, drop or rename anything.
_FOLLOWED: dict[tuple[str, str | None, str], tuple[list[_Sibling], int, list[int]]] = {}


def _said_or_changed(beside: _Beside, dialect: str) -> Iterator[tuple[_Sibling, _Later]]:
    """The files of ``beside`` that comment, drop or rename anything, in order, with what they do.
    Within a command-line run the folder's are found once, and each file takes those after it
    (else a folder of n files costs n² steps)."""
    if beside.every is None:
        for sibling in beside.files:
            read = _later_read(sibling, dialect)
            if read.said or read.changes:
                yield sibling, read
        return
    every = beside.every
    known = _FOLLOWED.get((*beside.folder, dialect))
    if known is None or known[0] is not every:
        known = (every, len(every), [])
    _, start, places = known
    if beside.at < start:  # the files from here to those found before (all of them, the first time)
        more = (n for n in range(beside.at, start) if (read := _later_read(every[n], dialect)).said or read.changes)
        places = [*more, *places]
        _FOLLOWED[(*beside.folder, dialect)] = (every, beside.at, places)
    for n in places[bisect.bisect_left(places, beside.at) :]:
        yield every[n], _later_read(every[n], dialect)


def _later_read(sibling: _Sibling, dialect: str) -> _Later:
    """What a file comments of tables it does not create, and its DROPs and RENAMEs (kept while
    the file is unchanged)."""
    read = _LATER.get((sibling[1], dialect))
    if read is None or read.stamp != sibling[2]:
        source = _source(sibling)
        read = _Later(sibling[2], set(), [])
        if source is not None and _LATER_STATEMENT.search(source):
            parsed = parse_sql(source, dialect, validate=False)
            read.said, read.changes = parsed.comments_elsewhere, parsed.schema_changes
        _LATER[sibling[1], dialect] = read
    return read


def _follow(
    change: SchemaChange,
    tables: dict[str, str],
    columns: dict[tuple[str, str], str],
    found: set[tuple[str, str | None]],
) -> None:
    """Carry a later DROP or RENAME into the names of the file read (``later_comments``)."""
    short = change.table[-1].lower()
    here = tables.get(short, short)
    if change.kind == "drop table":
        tables.pop(short, None)
        found.add((here, DROPPED))
    elif change.kind == "rename table" and change.new:
        tables.pop(short, None)
        tables[change.new.rsplit(".", 1)[-1].lower()] = here
    elif change.kind == "drop column" and change.column:
        found.add((here, columns.pop((here, change.column.lower()), change.column.lower())))
    elif change.kind == "rename column" and change.column and change.new:
        columns[here, change.new.lower()] = columns.pop((here, change.column.lower()), change.column.lower())


_DETECTED: dict[str, tuple[tuple[int, int], str | None]] = {}
# How many of a folder's files are asked what dialect they show, for a file that shows none.
MAX_FILES_ASKED = 50


def detect_beside(path: Path, text: str) -> tuple[str, str]:
    """The file's dialect as :func:`detect_dialect` finds it; where its own text shows none (an
    ``ALTER TABLE t MODIFY …`` alone is MySQL's only because the folder is), the dialect most of
    the SQL files beside it show, the nearest before it in version order asked first."""
    name, reason = detect_dialect(text, str(path))
    if reason != DEFAULT_REASON:
        return name, reason
    listing = _listing(*layout(path))
    if listing is None:
        return name, reason
    at = bisect.bisect_left(listing, order_key(path, listing), key=lambda e: e[0])
    ask = MAX_FILES_ASKED + 1  # the file itself among them
    nearest = [*listing[max(0, at - ask) : at][::-1], *listing[at : at + ask]]  # earlier ones nearest first
    own = step_name(path)
    siblings = [e[2] for e in nearest if e[1] != own][:MAX_FILES_ASKED]
    votes: Counter[str] = Counter()
    for sibling in siblings:
        shown = _shown_dialect(sibling)
        if shown is not None:
            votes[shown] += 1
    if not votes:
        return name, reason
    best, count = votes.most_common(1)[0]
    return best, f"as {count} of the SQL files beside it show"


def _shown_dialect(path: str) -> str | None:
    try:
        stamp = _stamp(path)
        known = _DETECTED.get(path)
        if known is not None and known[0] == stamp:
            return known[1]
        with open(path, "rb") as handle:
            head = handle.read(200_000).decode("utf-8", errors="replace")
    except OSError:
        return None
    shown, why = detect_dialect(head, path)
    _DETECTED[path] = (stamp, None if why == DEFAULT_REASON else shown)
    return _DETECTED[path][1]


def plan_in_folder(
    path: Path,
    text: str,
    dialect: str | None,
    *,
    overwrite: bool = False,
    buffers: Mapping[str, str] | None = None,
) -> FilePlan:
    """A file planned as one of a migrations folder: its dialect, where its own text shows none,
    is the one the files beside it show, and its ALTER TABLEs know the tables the files before it
    create; what the files after it comment is asked for by no request. ``buffers`` as for
    :func:`earlier_tables`. (The command line's limits: a folder is read up to FOLDER_BYTES_CLI.)"""
    name, reason = (dialect, "given") if dialect else detect_beside(path, text)
    plan = plan_file(text, path=str(path), dialect=name, overwrite=overwrite, dialect_reason=reason)
    known = (
        earlier_tables(
            path, name, text, FOLDER_BYTES_CLI, files=None, buffers=buffers, names=plan.parsed.altered_elsewhere
        )
        if plan.parsed.alters_elsewhere
        else []
    )
    later = (
        later_comments(path, name, FOLDER_BYTES_CLI, files=None, buffers=buffers, about=plan.parsed.tables)
        if plan.todo
        else set()
    )
    if known or later:  # read again, with what the files before and after it say
        plan = plan_file(
            text,
            path=str(path),
            dialect=name,
            overwrite=overwrite,
            known=known,
            dialect_reason=reason,
            commented_later=later,
        )
    return plan
