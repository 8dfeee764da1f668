"""Alembic's versions folder as the target of a live database's missing comments
(``sqlscribe document postgresql://… --to migrations/versions``): a new revision after the one
head, as ``alembic revision`` writes one from its default template, whose ``upgrade()`` runs the
statements and whose ``downgrade()`` runs what undoes them.

Each statement goes through ``op.execute(sa.text(…))`` with its colons escaped, so that a comment
such as "opens at 10:30" is no bind parameter, and the revision runs online and in ``--sql`` mode
alike. Alembic itself is not imported: sqlscribe may live in another environment than the
project's. The revisions are read with ``ast``, never run."""

from __future__ import annotations

import ast
import datetime
import re
import uuid
from collections.abc import Sequence
from pathlib import Path

from sqlscribe import __version__
from sqlscribe.migrations import NEW_NAME, texts_in

_REVISION = re.compile(r"^revision\s*(?::[^=\n]+)?=", re.MULTILINE)


class AlembicError(Exception):
    pass


def _revision_files(folder: Path) -> list[tuple[Path, str]]:
    return texts_in(
        folder, lambda name: name.endswith(".py"), lambda text: bool(_REVISION.search(text)) and "down_revision" in text
    )


def is_versions_folder(folder: Path) -> bool:
    """Whether ``folder`` holds Alembic revisions (``revision = …`` and ``down_revision``)."""
    return folder.is_dir() and bool(_revision_files(folder))


def _assigned(tree: ast.Module, name: str) -> object:
    for node in tree.body:
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        if value is not None and any(isinstance(t, ast.Name) and t.id == name for t in targets):
            try:
                return ast.literal_eval(value)
            except ValueError:
                raise AlembicError(f"its {name} is not a plain value") from None
    return None


def head(folder: Path) -> str | None:
    """The one revision no other revises; None in a folder without revisions. Raises AlembicError
    where there are several (merge them first) or a revision cannot be read."""
    revisions: dict[str, Path] = {}
    revised: set[str] = set()
    for path, text in _revision_files(folder):
        try:
            tree = ast.parse(text)
        except SyntaxError:
            raise AlembicError(f"{path.name} does not parse") from None
        revision, down = _assigned(tree, "revision"), _assigned(tree, "down_revision")
        if not isinstance(revision, str):
            raise AlembicError(f"{path.name}: no revision read")
        revisions[revision] = path
        if isinstance(down, str):
            revised.add(down)
        elif isinstance(down, tuple | list):  # a merge revises several
            revised |= {d for d in down if isinstance(d, str)}
    heads = sorted(set(revisions) - revised)
    if len(heads) > 1:
        raise AlembicError(f"the revisions have {len(heads)} heads ({', '.join(heads)}): merge them first")
    return heads[0] if heads else None


def new_name() -> str:
    """A new revision's file name, as Alembic's default ``file_template`` (``%(rev)s_%(slug)s``)."""
    return f"{uuid.uuid4().hex[-12:]}_{NEW_NAME}.py"


def _call(statement: str) -> str:
    escaped = statement.strip().replace(":", "\\:")  # a colon is text(), not a bind parameter
    return f"    op.execute(sa.text({escaped!r}))"


def revision_text(
    target: Path,
    down_revision: str | None,
    message: str,
    upgrade: Sequence[str],
    downgrade: Sequence[str],
    model: str = "",
    now: datetime.datetime | None = None,
) -> str:
    """The revision file ``target`` (named ``<rev>_…py``) holds, after ``down_revision``."""
    revision = target.name.split("_", 1)[0]
    created = (now or datetime.datetime.now()).strftime("%Y-%m-%d %H:%M:%S.%f")
    written = f"Written by sqlscribe {__version__}{f' (model {model})' if model else ''}."
    return "\n".join(
        [
            f'"""{message}',
            "",
            f"Revision ID: {revision}",
            f"Revises: {down_revision or ''}",
            f"Create Date: {created}",
            "",
            written,
            '"""',
            "",
            "from collections.abc import Sequence",
            "",
            "import sqlalchemy as sa",
            "from alembic import op",
            "",
            "# revision identifiers, used by Alembic.",
            f"revision: str = {revision!r}",
            f"down_revision: str | Sequence[str] | None = {down_revision!r}",
            "branch_labels: str | Sequence[str] | None = None",
            "depends_on: str | Sequence[str] | None = None",
            "",
            "",
            "def upgrade() -> None:",
            *([_call(s) for s in upgrade] or ["    pass"]),
            "",
            "",
            "def downgrade() -> None:",
            *([_call(s) for s in downgrade] or ["    pass"]),
            "",
        ]
    )
