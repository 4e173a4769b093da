"""The Typer application and its global options.

Kept import-light: everything ``mlsd --help`` loads starts here. Commands import the
core and the UI inside their bodies.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup
from typer.models import CommandFunctionType

from mlsd import __version__

HELP = (
    "A terminal coach for machine-learning system design interviews.\n\n"
    "Practise a case step by step (requirements, data, features, model, metrics, serving, "
    "monitoring), see which key points you covered and missed, and export the session as a "
    "Markdown design doc."
)

# Typer labels every flag `<bool>` in --help; a blank metavar shows a flag as a flag.
FLAG = " "


class _FlagHelp:
    """``--help`` shown as the flag it is (Typer builds it late, labelled ``<bool>``)."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.metavar = FLAG
        return option


class _Command(_FlagHelp, TyperCommand):
    pass


class _Group(_FlagHelp, TyperGroup):
    pass


class App(typer.Typer):
    """``typer.Typer`` whose commands and groups show ``--help`` as a plain flag."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cls=_Group, **kwargs)

    def command(  # the same, with our command class
        self, *args: Any, **kwargs: Any
    ) -> Callable[[CommandFunctionType], CommandFunctionType]:
        return super().command(*args, cls=_Command, **kwargs)


app = App(
    name="mlsd",
    help=HELP,
    invoke_without_command=True,  # `mlsd` alone: today's reviews and what next (help: --help)
    add_completion=False,
    pretty_exceptions_enable=False,  # they print local variables: here, the user's answers
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass
class Options:
    """Global options, handed to every command through the Typer context."""

    cases_dirs: list[Path] = field(default_factory=list)
    no_pager: bool = False

    def dirs(self) -> list[Path]:
        from mlsd._util.paths import case_dirs

        return case_dirs(self.cases_dirs)


NoPagerOpt = Annotated[
    bool,
    typer.Option(
        "--no-pager",
        help="Print long output straight to the terminal (also: MLSD_PAGER= or PAGER=cat).",
        metavar=FLAG,
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mlsd {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    cases_dir: Annotated[
        list[Path] | None,
        typer.Option(
            "--cases-dir",
            metavar="DIR",
            help="Also load cases from this folder (repeatable; or set MLSD_CASES_PATH).",
            file_okay=False,
        ),
    ] = None,
    no_pager: NoPagerOpt = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Show the version and exit.",
            callback=_version,
            is_eager=True,
            metavar=FLAG,
        ),
    ] = False,
) -> None:
    ctx.obj = Options(cases_dirs=list(cases_dir or []), no_pager=no_pager)
    if ctx.invoked_subcommand is None:
        from mlsd.cli.progress import today

        today(ctx)


def options(ctx: typer.Context) -> Options:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Options) else Options()


def no_pager(ctx: typer.Context, here: bool) -> bool:
    """``--no-pager`` given to this command or to ``mlsd`` itself, as git takes it."""
    return here or options(ctx).no_pager


def fitted(message: str) -> str:
    """On a terminal, the message wrapped at its width between words: the terminal's own
    wrapping cuts words, paths and flags in two."""
    if not sys.stderr.isatty():
        return message
    import shutil
    import textwrap

    width = shutil.get_terminal_size().columns
    return "\n".join(
        textwrap.fill(
            line, width, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
        )
        or line
        for line in message.splitlines()
    )


def say(message: str) -> None:
    """A message for the person at the terminal, on stderr, wrapped to fit (``fitted``).

    Messages name files and sessions the user chose: shown, never obeyed (``echo``).
    """
    from mlsd._util.textsafe import echo

    echo(fitted(message), err=True)
