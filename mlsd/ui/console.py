"""Rich consoles configured once: messages to stderr, data to stdout."""

from __future__ import annotations

from functools import lru_cache

from rich.console import Console
from rich.theme import Theme

THEME = Theme(
    {
        "step": "bold cyan",
        "muted": "dim",
        "good": "green",
        "miss": "red",
        "warn": "yellow",
        "interviewer": "bold magenta",
        "key": "bold",
    }
)


@lru_cache(maxsize=1)
def stdout_console() -> Console:
    # Rich honours NO_COLOR and TERM=dumb itself; highlighting would colour the user's
    # numbers and words in ways they did not ask for.
    return Console(theme=THEME, highlight=False)


@lru_cache(maxsize=1)
def stderr_console() -> Console:
    return Console(theme=THEME, highlight=False, stderr=True)
