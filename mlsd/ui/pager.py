"""Long output through a pager when it goes to a terminal, the way git does it.

``mlsd score`` prints hundreds of lines; in a terminal they scroll past unread. When
standard output is a terminal, the view is rendered as usual (same width, same colours,
same ``SafeConsole`` filtering) and handed to the pager: ``$MLSD_PAGER``, else
``$PAGER``, else ``less``. An empty value or ``cat`` turns paging off, as does
``--no-pager``; output to a pipe or a file is never paged. ``LESS=FRX`` is set when
``LESS`` is unset, as git does, so ``less`` shows colours and quits at once when the
output fits on one screen.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from rich.console import Console
from rich.pager import Pager

DEFAULT_PAGER = "less"


def pager_command(no_pager: bool = False) -> list[str] | None:
    """The pager to run, as an argument list, or None to print directly."""
    if no_pager or not sys.stdout.isatty():
        return None
    configured = os.environ.get("MLSD_PAGER")
    if configured is None:
        configured = os.environ.get("PAGER", DEFAULT_PAGER)
    try:
        argv = shlex.split(configured)
    except ValueError:
        return None  # an unbalanced quote: print rather than guess
    if not argv or argv == ["cat"] or shutil.which(argv[0]) is None:
        return None
    return argv


class CommandPager(Pager):
    """Rich's pager hook, running one command with the rendered text on its stdin."""

    def __init__(self, argv: list[str]) -> None:
        self.argv = argv

    def show(self, content: str) -> None:
        env = dict(os.environ)
        env.setdefault("LESS", "FRX")
        env.setdefault("LV", "-c")
        encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
        data = content.encode(encoding, "replace")
        try:
            proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, env=env)
        except OSError:
            _write(content)  # the pager vanished since it was found: print instead
            return
        assert proc.stdin is not None  # stdin=PIPE
        with suppress(OSError):  # the reader quit early (BrokenPipeError): nothing to do
            proc.stdin.write(data)
        with suppress(OSError):
            proc.stdin.close()
        while True:
            # Ctrl-C reaches the pager too, which handles it; leaving before it exits
            # would hand the terminal back half-drawn.
            try:
                proc.wait()
                return
            except KeyboardInterrupt:
                continue


def _write(content: str) -> None:
    with suppress(OSError):
        sys.stdout.write(content)
        sys.stdout.flush()


@contextmanager
def paged(console: Console, *, no_pager: bool = False) -> Iterator[None]:
    """Everything ``console`` prints inside the block goes through the pager, if any."""
    argv = pager_command(no_pager) if console.is_terminal else None
    if argv is None:
        yield
        return
    with console.pager(CommandPager(argv), styles=True):
        yield
