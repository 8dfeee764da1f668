"""A new Liquibase changeset in its changelog: a folder of Liquibase formatted SQL runs only what a
changelog (XML or YAML) includes, so a new migration written there (``document --to``) is added to
the changelog that includes the folder's files, right after the last of them, as that entry is
written (its path style, ``relativeToChangelogFile`` and indentation copied). A changelog whose
``includeAll`` takes the folder needs nothing. The edited changelog is parsed again (an XML or YAML
parser) and must hold what it held, with the one include more, right after the one copied."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

CHANGELOG_SUFFIXES = (".xml", ".yaml", ".yml")
MAX_CHANGELOG_BYTES = 2_000_000
LEVELS_UP = 4  # how far above the folder a changelog is looked for (a Maven project's resources)

_XML_INCLUDE = re.compile(r"<include\b[^>]*?\bfile\s*=\s*(?P<q>[\"'])(?P<file>[^\"']+)(?P=q)[^>]*?/>", re.DOTALL)
_XML_INCLUDE_ALL = re.compile(r"<includeAll\b[^>]*?\bpath\s*=\s*(?P<q>[\"'])(?P<path>[^\"']+)(?P=q)", re.DOTALL)
_YAML_FILE = re.compile(r"\bfile\s*:\s*(?P<q>[\"']?)(?P<file>[^\"'\s,}]+)(?P=q)")
_YAML_INCLUDE_ALL = re.compile(r"\bincludeAll\s*:[^\n]*(?:\n[ \t]+[^\n]*)*?\bpath\s*:\s*[\"']?([^\"'\s,}]+)")
_YAML_ITEM = re.compile(r"^(?P<indent>[ \t]*)-[ \t]+\{?[ \t]*include[ \t]*:", re.MULTILINE)


@dataclass
class ChangelogEdit:
    path: Path
    old: str
    new: str
    entry: str  # the include added, as written


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


def _changelogs(folder: Path) -> list[Path]:
    """The XML and YAML changelogs in ``folder`` and the folders above it (LEVELS_UP of them)."""
    found = []
    for level, place in enumerate([folder, *folder.resolve().parents]):
        if level > LEVELS_UP:
            break
        try:
            entries = sorted(place.iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry.suffix.lower() in CHANGELOG_SUFFIXES and entry.is_file():
                try:
                    if entry.stat().st_size <= MAX_CHANGELOG_BYTES and "databaseChangeLog" in entry.read_text(
                        encoding="utf-8", errors="replace"
                    ):
                        found.append(entry)
                except OSError:
                    continue
        if (place / ".git").exists():
            break
    return found


def include_new_file(
    target: Path, files: Sequence[Path], buffers: Mapping[str, str] | None = None
) -> ChangelogEdit | None:
    """The edit that adds ``target`` (a new changeset of the folder whose SQL files are ``files``)
    to the changelog that includes them; None when a changelog's ``includeAll`` takes the folder
    already. Raises ChangelogError when no changelog includes the folder's files, or the one that
    does cannot be edited here (the caller says to include the file by hand). ``buffers``: the
    editor's texts of open files, by path, read instead of what is on disk."""
    folder = target.parent
    names = {f.name for f in files}
    best: tuple[int, Path, str, list[re.Match[str]]] | None = None
    for changelog in _changelogs(folder):
        held = (buffers or {}).get(str(changelog))
        text = held if held is not None else changelog.read_bytes().decode("utf-8")  # its line ends kept
        xml = changelog.suffix.lower() == ".xml"
        every = _XML_INCLUDE_ALL.finditer(text) if xml else _YAML_INCLUDE_ALL.finditer(text)
        if any(_names_folder(_parts(m.group(m.lastindex or 1)), changelog, folder) for m in every):
            return None
        pattern = _XML_INCLUDE if xml else _YAML_FILE
        matches = [
            m
            for m in pattern.finditer(text)
            if _parts(m["file"])
            and _parts(m["file"])[-1] in names
            and _names_folder(_parts(m["file"])[:-1], changelog, folder)
        ]
        if matches and (best is None or len(matches) > best[0]):
            best = (len(matches), changelog, text, matches)
    if best is None:
        raise ChangelogError("no changelog (XML or YAML) near the folder includes its files")
    _, changelog, text, matches = best
    last = max(matches, key=lambda m: m.start())
    if changelog.suffix.lower() == ".xml":
        start, end = text.rfind("\n", 0, last.start()) + 1, last.end()
    else:
        start, end = _yaml_item(text, last.start())
    line_end = text.find("\n", end)
    end = len(text) if line_end < 0 else line_end
    entry = text[start:end]
    old_name = _parts(last["file"])[-1]
    at = last.start("file") - start
    reference = last["file"]
    new_reference = reference[: len(reference) - len(old_name)] + target.name
    added = entry[:at] + new_reference + entry[at + len(reference) :]
    new = text[:end] + "\n" + added + text[end:]
    _verify(changelog, text, new, reference, new_reference)
    return ChangelogEdit(changelog, text, new, added)


def _yaml_item(text: str, at: int) -> tuple[int, int]:
    """The span of the YAML list item (``- include: …``) that holds offset ``at``: from its dash's
    line to the end of its last line (a line indented deeper than its dash, or blank, goes with it)."""
    item = None
    for found in _YAML_ITEM.finditer(text, 0, at + 1):
        item = found
    if item is None:
        raise ChangelogError("its include is not a `- include:` item")
    indent = len(item["indent"].expandtabs())
    start = item.start()
    end = text.find("\n", at)
    end = len(text) if end < 0 else end
    while end < len(text):
        following = text.find("\n", end + 1)
        line = text[end + 1 : len(text) if following < 0 else following]
        if line.strip() and (len(line) - len(line.lstrip())) <= indent:
            break
        if not line.strip():
            break
        end = len(text) if following < 0 else following
    return start, end


def _includes(path: Path, text: str) -> list[str]:
    """The files a changelog includes, in order, as its parser reads them."""
    try:
        if path.suffix.lower() == ".xml":
            root = ET.fromstring(text)
            return [e.get("file", "") for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "include"]
        data = yaml.safe_load(text)
    except (ET.ParseError, yaml.YAMLError) as error:
        raise ChangelogError(f"{path.name} does not parse ({error})") from None
    items = data.get("databaseChangeLog") if isinstance(data, dict) else None
    return [
        str(item["include"].get("file", ""))
        for item in items or []
        if isinstance(item, dict) and isinstance(item.get("include"), dict)
    ]


def _verify(path: Path, old: str, new: str, reference: str, added: str) -> None:
    """The edited changelog includes what it did, and ``added`` right after ``reference``."""
    before, after = _includes(path, old), _includes(path, new)
    if reference not in before:
        raise ChangelogError(f"{path.name}: its include of {reference} is not where it was read")
    at = max(i for i, f in enumerate(before) if f == reference) + 1
    if after != [*before[:at], added, *before[at:]]:
        raise ChangelogError(f"{path.name}: the include added does not read back as one")


def changelog_for(target: Path, buffers: Mapping[str, str] | None = None) -> tuple[ChangelogEdit | None, str | None]:
    """What a new Liquibase changeset at ``target`` needs of its changelog: the edit that includes
    it (None where an ``includeAll`` takes it already), or else a note saying to include it by hand.
    ``buffers`` as for :func:`include_new_file`."""
    from sqlscribe.migrations import sql_files

    try:
        return include_new_file(target, sql_files(target.parent), buffers), None
    except (ChangelogError, OSError, UnicodeDecodeError) as error:
        return None, f"a Liquibase changeset: include it in the changelog ({error})"
