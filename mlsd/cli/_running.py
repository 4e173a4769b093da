"""Running a session in this terminal: the checks before, and the one save point."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, NoReturn

import typer

from mlsd._util.program import command
from mlsd.cli.app import say

if TYPE_CHECKING:
    from mlsd.errors import MlsdError
    from mlsd.log.records import SessionRecord
    from mlsd.run.lifecycle import Outcome

# What prompt_toolkit itself treats as a terminal without cursor movement.
DUMB_TERMINALS = ("dumb", "unknown")


def require_terminal(what: str) -> None:
    """Refuse to prompt where nobody can answer; ``what`` says what to do instead."""
    from mlsd.errors import NotInteractiveError

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise NotInteractiveError(
            "this command asks questions, but standard input or output is not a terminal. " + what
        )
    term = os.environ.get("TERM", "")
    if term in DUMB_TERMINALS:
        # The menus and the multi-line editor move the cursor; a dumb terminal (Emacs
        # shell-mode, some IDE consoles) would show escape codes and could not submit.
        raise NotInteractiveError(
            f"this command needs a terminal that can move the cursor, and TERM={term} cannot. "
            "Run it in a full terminal (e.g. TERM=xterm-256color). " + what
        )


def run_saving(
    run: Callable[[], Outcome],
    interrupted: Callable[[BaseException | None], SessionRecord],
    *,
    saved: str,
) -> SessionRecord | None:
    """The one place a practice or interview run is stopped and saved.

    Ctrl-C or Ctrl-D anywhere saves what was typed, says how to resume and exits 130;
    SIGTERM and SIGHUP do the same (``ui.signals``) and exit 128 + the signal number.
    An MlsdError mid-run (a failing editor) saves too and says so; when the store itself
    refused the text, the message says where it was kept instead (``UnsavedError``).
    Returns the finished record, or None when the user paused.
    """
    from mlsd.errors import MlsdError
    from mlsd.log.recovery import UnsavedError
    from mlsd.ui.signals import signals_interrupt

    with signals_interrupt() as caught:
        try:
            outcome = run()
        except BaseException as exc:
            stop = caught.stop  # set by a signal, with what was on screen when it came
            if stop is None and not isinstance(exc, (KeyboardInterrupt, EOFError, MlsdError)):
                raise
            caught.quiet()  # a second Ctrl-C or signal must not cut the save short
            if stop is None and isinstance(exc, MlsdError):
                _stop_on_error(exc, interrupted, saved, isinstance(exc, UnsavedError))
            record = interrupted(stop if stop is not None else exc)
            code = 128 + caught.signum if caught.signum is not None else 130
            _say(_resume_hint("\nSaved.", command("resume", record.short_id)))
            raise typer.Exit(code) from None
    if outcome.paused:
        _say(_resume_hint("Paused and saved.", command("resume", outcome.record.short_id)))
        return None
    return outcome.record


def _stop_on_error(
    exc: MlsdError,
    interrupted: Callable[[BaseException | None], SessionRecord],
    saved: str,
    kept: bool,
) -> NoReturn:
    from mlsd.errors import MlsdError

    try:
        record = interrupted(None)
    except MlsdError:
        raise exc from None
    if kept:  # the message already says where the text is and how to resume
        raise exc from None
    resume = command("resume", record.short_id)
    raise MlsdError(f"{exc.message}\n{saved} Resume with: {resume}") from None


def _resume_hint(said: str, resume: str) -> str:
    """ "Saved. Resume with: CMD", with CMD on a line of its own when the line would wrap:
    a session id split by the terminal's wrap gets copied wrong."""
    import shutil

    line = f"{said} Resume with: {resume}"
    if len(line.strip()) <= shutil.get_terminal_size((80, 24)).columns:
        return line
    return f"{said} Resume with:\n  {resume}"


def _say(text: str) -> None:
    """A line on stderr; a closed terminal (SIGHUP) must not turn it into a traceback."""
    with suppress(OSError):
        say(text)


@contextmanager
def session_held(session_id: str, *, take_over: bool = False) -> Iterator[None]:
    """Hold the session for this terminal while the block runs (``log.lock``)."""
    from mlsd.log.lock import acquire

    with acquire(session_id, take_over=take_over):
        yield
