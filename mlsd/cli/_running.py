"""Running a session in this terminal: the checks before, and the one save point."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
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
    an MlsdError mid-run (a locked store, a failing editor) saves too and says so.
    Returns the finished record, or None when the user paused.
    """
    from mlsd.errors import MlsdError

    try:
        outcome = run()
    except (KeyboardInterrupt, EOFError) as exc:
        record = interrupted(exc)
        typer.echo(f"\nSaved. Resume with: mlsd resume {record.short_id}", err=True)
        raise typer.Exit(130) from None
    except MlsdError as exc:
        try:
            record = interrupted(None)
        except MlsdError:
            raise exc from None
        raise MlsdError(
            f"{exc.message}\n{saved} Resume with: mlsd resume {record.short_id}"
        ) from None
    if outcome.paused:
        typer.echo(
            f"Paused and saved. Resume with: mlsd resume {outcome.record.short_id}", err=True
        )
        return None
    return outcome.record
