"""The ``mlsd`` command line, and its one error boundary."""

from __future__ import annotations

import contextlib
import os
import sys

from mlsd.cli import (
    ai,
    cases,
    drill,
    export,
    interview,
    practice,
    progress,
    review,
    score,
    sessions,
)
from mlsd.cli.app import app, fitted
from mlsd.errors import MlsdError

# Every command, in the order `mlsd --help` lists them in each panel. Registered here, in
# one place, rather than by importing modules for their side effects.
app.command(rich_help_panel="Practise")(practice.practice)
app.command(rich_help_panel="Practise")(practice.resume)
app.command(rich_help_panel="Practise")(drill.drill)
app.command(rich_help_panel="Practise")(interview.interview)
app.add_typer(sessions.sessions_app, name="sessions", rich_help_panel="Review")
app.command("score", rich_help_panel="Review")(score.score)
app.command(rich_help_panel="Review")(export.export)
app.command(rich_help_panel="Review")(progress.progress)
app.add_typer(review.review_app, name="review", rich_help_panel="Review")
app.command("list", rich_help_panel="Cases")(cases.list_cases)
app.command("show", rich_help_panel="Cases")(cases.show)
app.add_typer(cases.cases_app, name="cases", rich_help_panel="Cases")
app.add_typer(ai.ai_app, name="ai", rich_help_panel="Review")

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; every ``MlsdError`` becomes a message on stderr and exit 1.

    Typer itself turns usage errors into exit 2 and Ctrl-C into exit 130. Anything else
    is a bug in mlsd: one line, never a traceback. Every message goes through
    ``textsafe.echo`` because messages quote user input (paths, ids, YAML keys, file
    content), none of which may drive the terminal.
    """
    from mlsd._util.textsafe import echo

    _tolerant_streams()
    try:
        app(args=argv, prog_name="mlsd")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except MlsdError as exc:
        echo(fitted(f"mlsd: {exc.message}"), err=True)
        return exc.exit_code
    except Exception as exc:
        if os.environ.get("MLSD_DEBUG"):
            raise
        if isinstance(exc, OSError):
            # A path the system refuses (too long, a loop of links, no permission) where
            # mlsd first touches it, or output it cannot take (a full disk): the system's
            # word, not a bug in mlsd.
            reason = exc.strerror or str(exc)
            if exc.filename is not None:
                said = f"{_shortened(os.fsdecode(exc.filename))}: {reason}"
            else:
                said = f"could not write the output: {reason}"
            with contextlib.suppress(OSError):
                echo(fitted(f"mlsd: {said}"), err=True)
            return 1
        echo(
            f"mlsd: unexpected error: {type(exc).__name__}: {exc}\n"
            "This is a bug in mlsd. Run again with MLSD_DEBUG=1 to see the details.",
            err=True,
        )
        return 1
    return 0


def _shortened(path: str, keep: int = 100) -> str:
    """A path of any length as one readable line: its start and its end."""
    if len(path) <= keep:
        return path
    return f"{path[: keep // 2]}…{path[-keep // 2 :]}"


def _tolerant_streams() -> None:
    """Output an encoding cannot hold becomes ``?`` rather than a UnicodeEncodeError.

    ``PYTHONIOENCODING=latin-1`` or a C locale used to crash every rich view (box lines,
    bullets) and with it whatever came after the view, such as ``practice --export``.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            # A closed or detached stream has nothing to reconfigure.
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")
