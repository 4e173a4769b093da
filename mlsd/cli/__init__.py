"""The ``mlsd`` command line, and its one error boundary."""

from __future__ import annotations

import os
import sys

from mlsd.cli.app import app
from mlsd.errors import MlsdError

# isort: off
# Registration order is the order `mlsd --help` lists the commands in each panel.
from mlsd.cli import practice, interview, sessions, score, export, cases  # noqa: F401
# isort: on

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; every ``MlsdError`` becomes a message on stderr and exit 1.

    Typer itself turns usage errors into exit 2 and Ctrl-C into exit 130.
    """
    try:
        app(args=argv, prog_name="mlsd")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except MlsdError as exc:
        from mlsd._util.textsafe import controls_visible

        # Messages quote user input (paths, ids, file content); none of it may drive the
        # terminal.
        print(f"mlsd: {controls_visible(exc.message)}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:
        if os.environ.get("MLSD_DEBUG"):
            raise
        print(
            f"mlsd: unexpected error: {type(exc).__name__}: {exc}\n"
            "This is a bug in mlsd. Run again with MLSD_DEBUG=1 to see the details.",
            file=sys.stderr,
        )
        return 1
    return 0
