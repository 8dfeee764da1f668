"""Run the command line in this process, capturing what it prints."""

from __future__ import annotations

import contextlib
import io

from sqlscribe.cli import main


def run(*args: str) -> tuple[int, str, str]:
    """``sqlscribe <args>``: its exit code, standard output and standard error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()
