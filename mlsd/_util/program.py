"""The command to print in a hint, so that the hint works when it is pasted back.

After the README's install, ``mlsd`` lives in ``.venv/bin`` and is often not on PATH: a
hint saying ``mlsd resume 7153f047`` would answer "command not found". Every printed
command starts with ``program()``: ``mlsd`` when that name finds this very program, else
the path the user ran it by (``.venv/bin/mlsd``).
"""

from __future__ import annotations

import shlex
import shutil
import sys
from functools import lru_cache
from pathlib import Path

NAME = "mlsd"


@lru_cache(maxsize=1)
def program() -> str:
    """``mlsd``, or how to run this same mlsd again from the current folder."""
    argv0 = sys.argv[0] if sys.argv else ""
    ran = Path(argv0)
    if ran.name == "__main__.py" or ran.stem != NAME:
        # `python -m mlsd` (a developer's way in), embedded, or under a test runner: the
        # name is all that can be said.
        return NAME
    found = shutil.which(NAME)
    if found is not None and _same_file(found, argv0):
        return NAME
    return shlex.quote(argv0)


def _same_file(a: str, b: str) -> bool:
    try:
        return Path(a).samefile(b)
    except OSError:
        return False


def command(*args: str) -> str:
    """A whole command line to print: ``command("resume", sid)`` -> ``mlsd resume SID``."""
    return " ".join([program(), *args])
