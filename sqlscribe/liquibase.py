"""A new migration in a Liquibase changelog: Liquibase runs only what a changelog (XML, YAML or
JSON) names, so a new migration written into a folder of its SQL files (``document --to``) is added to
the changelog that names the folder's files, right after the last of them:

- a folder of Liquibase formatted SQL, whose files the changelog includes (``<include file=…/>``,
  ``- include: file: …``), gets an include like that one (its path style,
  ``relativeToChangelogFile`` and indentation copied; the file holds its own changeset and
  ``--rollback`` lines); a changelog whose ``includeAll`` takes the folder needs nothing;
- a folder of plain SQL that changesets run (``<sqlFile path=…/>``, ``- sqlFile: path: …``) gets a
  changeset of its own (id ``sqlscribe-<file>``, author ``sqlscribe``) that runs the new file as
  the last one's does, with a rollback that holds the statements undoing it.

In a JSON changelog the new entry follows the one copied after a comma and the same spacing; a
new changeset is written by ``json`` with the changelog's indentation.

The edited changelog is parsed again (an XML, YAML or JSON parser) and must name what it named,
with the one file more, right after the one copied."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import yaml

CHANGELOG_SUFFIXES = (".xml", ".yaml", ".yml", ".json")
MAX_CHANGELOG_BYTES = 2_000_000
LEVELS_UP = 4  # how far above the folder a changelog is looked for (a Maven project's resources)
AUTHOR = "sqlscribe"

_QUOTED = r"(?P<q>[\"'])(?P<file>[^\"']+)(?P=q)"
_XML_INCLUDE = re.compile(rf"<include\b[^>]*?\bfile\s*=\s*{_QUOTED}[^>]*?/>", re.DOTALL)
_XML_SQL_FILE = re.compile(rf"<sqlFile\b[^>]*?\bpath\s*=\s*{_QUOTED}[^>]*?/>", re.DOTALL)
_XML_INCLUDE_ALL = re.compile(r"<includeAll\b[^>]*?\bpath\s*=\s*(?P<q>[\"'])(?P<path>[^\"']+)(?P=q)", re.DOTALL)
_YAML_VALUE = r"\s*:\s*(?P<q>[\"']?)(?P<file>[^\"'\s,}]+)(?P=q)"
_YAML_FILE = re.compile(rf"\bfile{_YAML_VALUE}")
_YAML_PATH = re.compile(rf"\bpath{_YAML_VALUE}")
_YAML_INCLUDE_ALL = re.compile(r"\bincludeAll\s*:[^\n]*(?:\n[ \t]+[^\n]*)*?\bpath\s*:\s*[\"']?([^\"'\s,}]+)")
_JSON_FILE = re.compile(r'"file"\s*:\s*"(?P<file>[^"\\]+)"')
_JSON_PATH = re.compile(r'"path"\s*:\s*"(?P<file>[^"\\]+)"')
_JSON_INCLUDE_ALL = re.compile(r'"includeAll"\s*:\s*\{[^{}]*?"path"\s*:\s*"([^"\\]+)"')


# The start of a YAML list item ``- include:``, ``- sqlFile:``, ``- changeSet:``, by its key.
_YAML_ITEMS = {
    key: re.compile(rf"^(?P<indent>[ \t]*)-[ \t]+\{{?[ \t]*{key}[ \t]*:", re.MULTILINE)
    for key in ("include", "sqlFile", "changeSet")
}


@dataclass
class ChangelogEdit:
    path: Path
    old: str
    new: str
    entry: str  # what was added, as written


class ChangelogError(Exception):
    pass


def _parts(reference: str) -> tuple[str, ...]:
    """A path as a changelog writes it, in parts (``classpath:`` and ``./`` dropped)."""
    reference = reference.removeprefix("classpath:").replace("\\", "/")
    return tuple(p for p in reference.split("/") if p not in ("", "."))


def _names_folder(reference: Sequence[str], changelog: Path, folder: Path) -> bool:
    """Whether a path's parts name ``folder``: relative to the changelog's own folder, or as the
    last parts of the folder's path (a classpath or project-relative path)."""
    if not reference:
        return changelog.parent.resolve() == folder.resolve()
    if (changelog.parent / Path(*reference)).resolve() == folder.resolve():
        return True
    parts = folder.resolve().parts
    return len(reference) <= len(parts) and tuple(parts[-len(reference) :]) == tuple(reference)


def _changelogs(folder: Path, buffers: Mapping[str, str] | None = None) -> list[tuple[Path, str]]:
    """The XML and YAML changelogs in ``folder`` and the folders above it (LEVELS_UP of them), each
    with its text (its line ends kept): the editor's, from ``buffers``, for an open one. Raises
    ChangelogError for a changelog that is not UTF-8, which could not be edited as it is."""
    found = []
    for level, place in enumerate([folder, *folder.resolve().parents]):
        if level > LEVELS_UP:
            break
        try:
            entries = sorted(place.iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry.suffix.lower() not in CHANGELOG_SUFFIXES or not entry.is_file():
                continue
            text = (buffers or {}).get(str(entry))
            if text is None:
                try:
                    if entry.stat().st_size > MAX_CHANGELOG_BYTES:
                        continue
                    data = entry.read_bytes()
                except OSError:
                    continue
                if b"databaseChangeLog" not in data:
                    continue
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError:
                    raise ChangelogError(f"{entry.name} is not UTF-8") from None
            if "databaseChangeLog" in text:
                found.append((entry, text))
        if (place / ".git").exists():
            break
    return found


@dataclass
class _Named:
    """Where a changelog names one of the folder's files."""

    match: re.Match[str]
    kind: str  # "include" or "sqlFile"


def _format(changelog: Path) -> str:
    """ "xml", "json" or "yaml", by the changelog's suffix."""
    suffix = changelog.suffix.lower()
    return suffix[1:] if suffix in (".xml", ".json") else "yaml"


_INCLUDE_ALL = {"xml": _XML_INCLUDE_ALL, "yaml": _YAML_INCLUDE_ALL, "json": _JSON_INCLUDE_ALL}
_NAMING = {
    "xml": (("include", _XML_INCLUDE), ("sqlFile", _XML_SQL_FILE)),
    "yaml": (("include", _YAML_FILE), ("sqlFile", _YAML_PATH)),
    "json": (("include", _JSON_FILE), ("sqlFile", _JSON_PATH)),
}


def _named(changelog: Path, text: str, folder: Path, names: set[str]) -> list[_Named]:
    kinds = _NAMING[_format(changelog)]
    return [
        _Named(m, kind)
        for kind, pattern in kinds
        for m in pattern.finditer(text)
        if _parts(m["file"])
        and _parts(m["file"])[-1] in names
        and _names_folder(_parts(m["file"])[:-1], changelog, folder)
    ]


def include_new_file(
    target: Path, files: Sequence[Path], buffers: Mapping[str, str] | None = None, *, undo: str = ""
) -> ChangelogEdit | None:
    """The edit that adds ``target`` (a new migration of the folder whose SQL files are ``files``)
    to the changelog that names them, as it names the last of them (an include, or a changeset
    that runs it, with ``undo``, the statements that undo it, as its rollback); None when a
    changelog's ``includeAll`` takes the folder already. Raises ChangelogError when no changelog
    names the folder's files, or the one that does cannot be edited here (the caller says to add
    the file by hand). ``buffers``: the editor's texts of open files, by path, read instead of
    what is on disk."""
    folder = target.parent
    names = {f.name for f in files}
    best: tuple[Path, str, list[_Named]] | None = None
    for changelog, text in _changelogs(folder, buffers):
        every = _INCLUDE_ALL[_format(changelog)].finditer(text)
        if any(_names_folder(_parts(m.group(m.lastindex or 1)), changelog, folder) for m in every):
            return None
        named = _named(changelog, text, folder, names)
        if named and (best is None or len(named) > len(best[2])):
            best = (changelog, text, named)
    if best is None:
        raise ChangelogError("no changelog (XML, YAML or JSON) near the folder names its files")
    changelog, text, named = best
    last = max(named, key=lambda n: n.match.start())
    reference = last.match["file"]
    new_reference = reference[: len(reference) - len(_parts(reference)[-1])] + target.name
    form = _format(changelog)
    joint = "\n"  # what goes between the entry copied and the one added
    if form == "json":
        end, joint, added = _json_entry(text, last, new_reference, target, undo)
    elif last.kind == "include":
        start, end = _line_start(text, last.match.start()), last.match.end()
        if form == "yaml":
            start, end = _yaml_item(text, last.match.start(), "include")
        end = _line_end(text, end)
        added = _replaced(text[start:end], last.match, start, new_reference)
    elif form == "xml":
        end, added = _xml_changeset(text, last.match, new_reference, target, undo)
    else:
        end, added = _yaml_changeset(text, last.match, new_reference, target, undo)
    new = text[:end] + joint + added + text[end:]
    _verify(changelog, last.kind, text, new, reference, new_reference)
    return ChangelogEdit(changelog, text, new, added)


def _line_start(text: str, at: int) -> int:
    return text.rfind("\n", 0, at) + 1


def _line_end(text: str, at: int) -> int:
    """The end of the line ``at`` is on (before its ``\\n``; a ``\\r`` stays with the line)."""
    end = text.find("\n", at)
    return len(text) if end < 0 else end


def _replaced(entry: str, match: re.Match[str], start: int, new_reference: str) -> str:
    """``entry`` (the text from ``start``) with the path ``match`` read in it replaced."""
    at = match.start("file") - start
    return entry[:at] + new_reference + entry[at + len(match["file"]) :]


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _xml_changeset(text: str, match: re.Match[str], new_reference: str, target: Path, undo: str) -> tuple[int, str]:
    """Where a new ``<changeSet>`` goes (after the one that runs ``match``'s file) and its text: the
    same ``<sqlFile …/>`` for the new file, and ``undo`` as its rollback."""
    opened = text.rfind("<changeSet", 0, match.start())
    closed = text.find("</changeSet>", match.end())
    if opened < 0 or closed < 0:
        raise ChangelogError("its sqlFile is not inside a changeSet")
    indent = text[_line_start(text, opened) : opened]
    inner = text[_line_start(text, match.start()) : match.start()]
    if indent.strip() or inner.strip() or not inner.startswith(indent):
        raise ChangelogError("its changeSet is not laid out a line to an element")
    nl, step = _newline(text), inner[len(indent) :] or "    "
    lines = [
        f'{indent}<changeSet id="{AUTHOR}-{escape(target.stem)}" author="{AUTHOR}">',
        inner + _replaced(match.group(0), match, match.start(), new_reference),
    ]
    if undo.strip():
        lines += [f"{inner}<rollback>", f"{inner}{step}<sql>{escape(undo.strip())}</sql>", f"{inner}</rollback>"]
    lines.append(f"{indent}</changeSet>")
    return _line_end(text, closed), nl.join(lines)


def _yaml_changeset(text: str, match: re.Match[str], new_reference: str, target: Path, undo: str) -> tuple[int, str]:
    """Where a new ``- changeSet:`` item goes (after the one that runs ``match``'s file) and its
    text: its id and author, the same ``- sqlFile:`` item for the new file, and ``undo`` as its
    rollback."""
    start, end = _yaml_item(text, match.start(), "changeSet")
    nl = _newline(text)
    first = text[start : _line_end(text, start)]
    key_line = text[_line_end(text, start) + 1 : _line_end(text, _line_end(text, start) + 1)]
    dash = first[: len(first) - len(first.lstrip())]
    key = key_line[: len(key_line) - len(key_line.lstrip())]
    if len(key) <= len(dash):
        raise ChangelogError("its changeSet's keys are not on lines of their own")
    item_start, item_end = _yaml_item(text, match.start(), "sqlFile")
    if not start < item_start < item_end <= end:
        raise ChangelogError("its sqlFile is not inside a changeSet")
    item = _replaced(text[item_start:item_end], match, item_start, new_reference).replace("\r", "")
    lines = [f"{dash}- changeSet:", f'{key}id: "{AUTHOR}-{target.stem}"', f"{key}author: {AUTHOR}", f"{key}changes:"]
    lines += item.split("\n")
    if undo.strip():
        lines += [f"{key}rollback:", f"{key}  - sql:", f"{key}      sql: |"]
        lines += [f"{key}        {line}" if line.strip() else "" for line in undo.strip().splitlines()]
    return end, nl.join(lines)


def _json_entry(text: str, named: _Named, new_reference: str, target: Path, undo: str) -> tuple[int, str, str]:
    """Where a new entry of a JSON changelog's ``databaseChangeLog`` list goes (after the one that
    names ``named``'s file), what separates it from that one (a comma and the same spacing), and
    its text: a copy of the include, or a changeset that runs the new file with the same
    ``sqlFile`` and ``undo`` as its rollback."""
    entries = _json_entries(text)
    at = named.match.start()
    span = next(((start, end) for start, end in entries if start <= at < end), None)
    if span is None:
        raise ChangelogError("its entry is not in the databaseChangeLog list")
    start, end = span
    n = entries.index(span)
    lead = text[_line_start(text, start) : start]
    if n:  # the spacing between the entry before it and it
        joint = "," + text[entries[n - 1][1] : start].lstrip().removeprefix(",")
    else:
        joint = "," + (_newline(text) + lead if not lead.strip() else " ")
    if named.kind == "include":
        return end, joint, _replaced(text[start:end], named.match, start, new_reference)
    try:
        entry = json.loads(text[start:end])
    except (ValueError, RecursionError):
        raise ChangelogError("its changeSet does not read as JSON") from None
    changes = entry.get("changeSet", {}).get("changes") if isinstance(entry, dict) else None
    runs = [c["sqlFile"] for c in changes or [] if isinstance(c, dict) and isinstance(c.get("sqlFile"), dict)]
    if len(runs) != 1:
        raise ChangelogError("its changeSet does not run one sqlFile")
    changeset: dict[str, object] = {
        "id": f"{AUTHOR}-{target.stem}",
        "author": AUTHOR,
        "changes": [{"sqlFile": {**runs[0], "path": new_reference}}],
    }
    if undo.strip():
        changeset["rollback"] = [{"sql": {"sql": undo.strip()}}]
    indent = lead if not lead.strip() else ""
    inner = re.search(r"\n([ \t]*)\S", text[start:end])
    step = inner[1][len(indent) :] if inner and inner[1].startswith(indent) and inner[1] != indent else "  "
    written = json.dumps({"changeSet": changeset}, indent=step, ensure_ascii=False)
    lines = written.split("\n")
    added = _newline(text).join([lines[0], *(indent + line for line in lines[1:])])
    return end, joint, added


def _json_entries(text: str) -> list[tuple[int, int]]:
    """The spans of the entries of a JSON changelog's top-level ``databaseChangeLog`` list."""
    scanner = _JsonScanner(text)
    try:
        return scanner.changelog()
    except (IndexError, ValueError, RecursionError):  # RecursionError: nested past Python's stack
        raise ChangelogError("it does not read as JSON") from None


class _JsonScanner:
    """Just enough of a JSON reader to tell where a value starts and ends."""

    _STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
    _SCALAR = re.compile(r"[^,\]\}\s]+")

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def _space(self) -> None:
        while self.at < len(self.text) and self.text[self.at] in " \t\r\n\ufeff":
            self.at += 1

    def _expect(self, char: str) -> None:
        self._space()
        if self.text[self.at] != char:
            raise ValueError(f"expected {char!r} at {self.at}")
        self.at += 1

    def _string(self) -> str:
        self._space()
        found = self._STRING.match(self.text, self.at)
        if found is None:
            raise ValueError(f"expected a string at {self.at}")
        self.at = found.end()
        return str(json.loads(found.group(0)))

    def _members(self, close: str, each: Callable[[], None]) -> None:
        self._space()
        if self.text[self.at] == close:
            self.at += 1
            return
        while True:
            each()
            self._space()
            char = self.text[self.at]
            self.at += 1
            if char == close:
                return
            if char != ",":
                raise ValueError(f"expected ',' at {self.at - 1}")

    def value(self) -> None:
        self._space()
        char = self.text[self.at]
        if char == "{":
            self.at += 1
            self._members("}", self._member)
        elif char == "[":
            self.at += 1
            self._members("]", self.value)
        elif char == '"':
            self._string()
        else:
            found = self._SCALAR.match(self.text, self.at)
            if found is None:
                raise ValueError(f"unexpected {char!r} at {self.at}")
            self.at = found.end()

    def _member(self) -> None:
        self._string()
        self._expect(":")
        self.value()

    def changelog(self) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []

        def entry() -> None:
            self._space()
            start = self.at
            self.value()
            spans.append((start, self.at))

        def member() -> None:
            key = self._string()
            self._expect(":")
            self._space()
            if key == "databaseChangeLog" and self.text[self.at] == "[":
                self.at += 1
                self._members("]", entry)
            else:
                self.value()

        self._expect("{")
        self._members("}", member)
        return spans


def _yaml_item(text: str, at: int, key: str) -> tuple[int, int]:
    """The span of the YAML list item ``- <key>: …`` that holds offset ``at``: from its dash's line
    to the end of its last line (the lines indented deeper than its dash; a blank one ends it)."""
    item = None
    for found in _YAML_ITEMS[key].finditer(text, 0, at + 1):
        item = found
    if item is None:
        raise ChangelogError(f"its entry is not in a `- {key}:` item")
    indent = len(item["indent"].expandtabs())
    end = _line_end(text, at)
    while end < len(text):
        following = _line_end(text, end + 1)
        line = text[end + 1 : following].rstrip("\r")
        if not line.strip() or len(line) - len(line.lstrip()) <= indent:
            break
        end = following
    return item.start(), end


def _named_files(path: Path, kind: str, text: str) -> list[str]:
    """The files a changelog includes (``kind`` "include") or its changesets run ("sqlFile"), in
    order, as its parser reads them."""
    try:
        if path.suffix.lower() == ".xml":
            root = ET.fromstring(text)
            attribute = "file" if kind == "include" else "path"
            return [e.get(attribute, "") for e in root.iter() if e.tag.rsplit("}", 1)[-1] == kind]
        data = json.loads(text.removeprefix("\ufeff")) if _format(path) == "json" else yaml.safe_load(text)
    except (ET.ParseError, yaml.YAMLError, ValueError, RecursionError) as error:
        raise ChangelogError(f"{path.name} does not parse ({error})") from None
    items = data.get("databaseChangeLog") if isinstance(data, dict) else None
    out = []
    for item in items or []:
        if kind == "include" and isinstance(item, dict) and isinstance(item.get("include"), dict):
            out.append(str(item["include"].get("file", "")))
        elif kind == "sqlFile" and isinstance(item, dict) and isinstance(item.get("changeSet"), dict):
            for change in item["changeSet"].get("changes") or []:
                if isinstance(change, dict) and isinstance(change.get("sqlFile"), dict):
                    out.append(str(change["sqlFile"].get("path", "")))
    return out


def _verify(path: Path, kind: str, old: str, new: str, reference: str, added: str) -> None:
    """The edited changelog names what it did, and ``added`` right after ``reference``."""
    before, after = _named_files(path, kind, old), _named_files(path, kind, new)
    if reference not in before:
        raise ChangelogError(f"{path.name}: its {kind} of {reference} is not where it was read")
    at = max(i for i, f in enumerate(before) if f == reference) + 1
    if after != [*before[:at], added, *before[at:]]:
        raise ChangelogError(f"{path.name}: the {kind} added does not read back as one")


def changelog_for(
    target: Path, buffers: Mapping[str, str] | None = None, *, undo: str = "", formatted: bool = True
) -> tuple[ChangelogEdit | None, str | None]:
    """What a new migration at ``target`` needs of the Liquibase changelog that names its folder's
    files: the edit that adds it (None where an ``includeAll`` takes it already, or where no
    changelog names them and ``formatted`` is false: no Liquibase folder), or else a note saying
    to add it by hand. ``buffers`` and ``undo`` as for :func:`include_new_file`; ``formatted``:
    the folder holds Liquibase formatted SQL."""
    from sqlscribe.migrations import sql_files

    try:
        return include_new_file(target, sql_files(target.parent), buffers, undo=undo), None
    except (ChangelogError, OSError) as error:
        if not formatted and str(error).startswith("no changelog"):
            return None, None
        return None, f"add it to the Liquibase changelog ({error})"
