"""Sqitch projects: ``sqitch.plan`` names the changes in the order Sqitch deploys them, each a
script of the same name in ``deploy/`` (undone by ``revert/``, checked by ``verify/``). The plan,
not the scripts' names, is the order of the migrations; a change reworked after a tag has its
earlier script as ``deploy/name@tag.sql``.

A new migration (``document deploy/ --to deploy/``) is a change of its own: its deploy script, a
revert script that undoes it and a verify script, in Sqitch's own form, and a line added to the
plan."""

from __future__ import annotations

import configparser
import datetime
import os
import re
from dataclasses import dataclass
from pathlib import Path

PLAN = "sqitch.plan"
CONFIG = "sqitch.conf"
_NAME = re.compile(r"[+-]?([^\s\[#]+)")


@dataclass
class Project:
    top: Path  # the folder with sqitch.plan
    name: str  # its %project
    engine: str  # sqitch.conf's core.engine ("" where it names none)
    changes: list[str]  # each change's name, in the plan's order (reworked ones more than once)
    scripts: list[str]  # the deploy script of each, without .sql (name@tag for a reworked one's earlier)


_READ: dict[str, tuple[tuple[int, int, int], Project]] = {}  # by plan: its and sqitch.conf's stamps


def project_of(deploy: Path) -> Project | None:
    """The Sqitch project whose deploy scripts are in ``deploy`` (its default layout: ``deploy/``
    beside ``sqitch.plan``); None for any other folder. Read again only once the plan or
    sqitch.conf changes (every file of a folder asks)."""
    if deploy.name != "deploy":
        return None
    plan = deploy.parent / PLAN
    try:
        stat = plan.stat()
        config = (deploy.parent / CONFIG).stat().st_mtime_ns if (deploy.parent / CONFIG).exists() else 0
        stamp = (stat.st_mtime_ns, stat.st_size, config)
        known = _READ.get(str(plan))
        if known is not None and known[0] == stamp:
            return known[1]
        text = plan.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return None
    project = read_plan(text, deploy.parent, _engine(deploy.parent))
    _READ[str(plan)] = (stamp, project)
    return project


def read_plan(text: str, top: Path, engine: str = "") -> Project:
    name = ""
    entries: list[tuple[str, str]] = []  # ("change" | "tag", name)
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("%project="):
            name = stripped.split("=", 1)[1].strip()
        elif not stripped or stripped.startswith(("#", "%")):
            continue
        elif stripped.startswith("@"):
            entries.append(("tag", stripped[1:].split()[0]))
        else:
            found = _NAME.match(stripped)
            if found:
                entries.append(("change", found[1]))
    changes = [n for kind, n in entries if kind == "change"]
    scripts = []
    for i, (kind, change) in enumerate(entries):
        if kind != "change":
            continue
        if any(k == "change" and n == change for k, n in entries[i + 1 :]):  # reworked later
            tag = next((n for k, n in entries[i + 1 :] if k == "tag"), None)
            scripts.append(f"{change}@{tag}" if tag else change)
        else:
            scripts.append(change)
    return Project(top, name, engine, changes, scripts)


def _engine(top: Path) -> str:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    try:
        parser.read(top / CONFIG, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return ""
    return parser.get("core", "engine", fallback="").strip()


def new_change(project: Project, wanted: str) -> str:
    """A change name not yet in the plan, nor a script's: ``wanted``, else ``wanted_2``, …"""
    taken = set(project.changes)
    name, n = wanted, 1
    while name in taken or any((project.top / d / f"{name}.sql").exists() for d in ("deploy", "revert", "verify")):
        n += 1
        name = f"{wanted}_{n}"
    return name


def planner(top: Path) -> str:
    """Who plans the change, as ``sqitch add`` names them: SQITCH_FULLNAME and SQITCH_EMAIL, else
    the user.name and user.email of the project's and the user's sqitch.conf; else sqlscribe."""
    name, email = os.environ.get("SQITCH_FULLNAME", ""), os.environ.get("SQITCH_EMAIL", "")
    user_config = os.environ.get("SQITCH_USER_CONFIG") or str(Path.home() / ".sqitch" / CONFIG)
    for config in (top / CONFIG, Path(user_config)):
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        try:
            parser.read(config, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError):
            continue
        name = name or parser.get("user", "name", fallback="").strip()
        email = email or parser.get("user", "email", fallback="").strip()
    return f"{name or 'sqlscribe'} <{email or 'sqlscribe@localhost'}>"


def plan_line(change: str, top: Path, note: str, now: datetime.datetime | None = None) -> str:
    stamp = (now or datetime.datetime.now(datetime.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{change} {stamp} {planner(top)} # {note}"


def scripts_for(project: Project, change: str, statements: str, undo: str, header: str) -> tuple[str, str, str]:
    """The deploy, revert and verify scripts of a change that runs ``statements`` (undone by
    ``undo``), in the form ``sqitch add`` gives them: a first line that names the change, and a
    transaction."""
    engine = project.engine or "pg"
    title = f"{project.name}:{change}" if project.name else change
    deploy = f"-- Deploy {title} to {engine}\n{header}BEGIN;\n\n{statements.strip()}\n\nCOMMIT;\n"
    revert = f"-- Revert {title} from {engine}\n\nBEGIN;\n\n{undo.strip()}\n\nCOMMIT;\n"
    verify = (
        f"-- Verify {title} on {engine}\n\nBEGIN;\n\n"
        "-- Comments change no table's shape: nothing to verify.\n\nROLLBACK;\n"
    )
    return deploy, revert, verify
