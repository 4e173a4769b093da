"""``mlsd review``: spaced review of the rubric points you missed; ``review export``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mlsd.cli.app import FLAG, App, options, say
from mlsd.cli.progress import now

if TYPE_CHECKING:
    from rich.console import Console

    from mlsd.log.store import Store
    from mlsd.progress.review import DueCard

DUE_JSON_HELP = (
    "With --due: print the due cards as JSON (format 1, stable): count, today (how many "
    "today's review shows), limit, next_due and due (in review order), each with case, "
    "case_title, point, step, step_title, level, prompt, probe and due. Every time is "
    "ISO 8601 in UTC, with its offset."
)
LIMIT_HELP = (
    "Show at most N cards a day, like Anki's daily limit: core and senior/staff points "
    "first, the rest on later days."
)

review_app = App(
    invoke_without_command=True,  # its help is the callback's docstring
    no_args_is_help=False,
)


@review_app.callback(invoke_without_command=True)
def review(
    ctx: typer.Context,
    due: Annotated[
        bool, typer.Option("--due", help="List what is due today; never asks.", metavar=FLAG)
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help=DUE_JSON_HELP, metavar=FLAG)] = False,
    limit: Annotated[
        int, typer.Option("--limit", help=LIMIT_HELP, metavar="N", min=1)
    ] = 20,  # DEFAULT_LIMIT
) -> None:
    """Review the points due today: recall each one, see it, rate how well you knew it.

    Every point you were scored on is a card; a session's outcome schedules it (missed: tomorrow; made easily: weeks away), and so do your own --accept/--reject calls.

    A day's review shows at most 20 cards (--limit N): core and senior/staff points first; the rest stay due for the next days. --due lists every due card and says how many today's review shows.
    """
    # One line per paragraph above: --help keeps a docstring's line breaks.
    if ctx.invoked_subcommand is not None:
        return
    from mlsd.cases.catalog import load_framework
    from mlsd.cli.progress import busy_note
    from mlsd.errors import MlsdError
    from mlsd.log.store import open_store
    from mlsd.progress.review import due_cards, due_json, next_due, order, todays_share

    if as_json and not due:
        raise MlsdError("--json lists the due cards: use it with --due (mlsd review --due --json)")
    framework = load_framework()
    moment = now()
    with open_store() as store:
        found, scores = due_cards(store, options(ctx).dirs(), framework, moment)
        items, share = order(found), todays_share(store, found, moment, limit)
        upcoming = None if items else next_due(scores, framework, moment)
        busy_note(scores.busy)
        if as_json:
            from mlsd._util.textsafe import echo, json_text

            echo(json_text(due_json(items, moment, len(share), limit, upcoming)))
            return
        from mlsd.ui.console import stdout_console

        console = stdout_console()
        if due or not share:
            from mlsd.ui.review_view import due_view

            console.print(due_view(items, moment, len(share), limit, upcoming))
            return
        from mlsd.cli._running import require_terminal

        require_terminal("See what is due with: mlsd review --due (or --due --json).")
        if scores.busy:
            raise MlsdError(f"Another mlsd is writing to the session database. {_NOT_STARTED}")
        try:
            store.check_writable()  # before the first card: nothing typed is ever lost
        except MlsdError as exc:
            raise MlsdError(f"{exc.message} {_NOT_STARTED}") from None
        _run(store, share, len(items) - len(share), console)


_NOT_STARTED = (
    "Ratings could not be saved, so the review has not started. "
    "mlsd review --due lists what is due."
)


def _run(store: Store, items: list[DueCard], later: int, console: Console) -> None:
    """The review itself; Ctrl-C or Ctrl-D stops it, every rating given is kept."""
    from mlsd.progress.review import run_review
    from mlsd.ui.review_view import TerminalReviewAsker

    try:
        result = run_review(store, items, TerminalReviewAsker(console), now)
    except (KeyboardInterrupt, EOFError):
        say("\nStopped. Every rating you gave is saved; the rest stay due.")
        raise typer.Exit(130) from None
    left = f"; {result.left} still due (mlsd review)" if result.left else ""
    rest = f"; {later} more wait for another day (daily limit: --limit N)" if later else ""
    if result.unsaved:
        say(
            f"\nStopped: that rating could not be saved. {result.unsaved}\n"
            f"The {result.reviewed} rating{'s' * (result.reviewed != 1)} before it "
            f"{'are' if result.reviewed != 1 else 'is'} saved{left}."
        )
        raise typer.Exit(1)
    say(f"Reviewed {result.reviewed}{left}{rest}.")


@review_app.command("export")
def export(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(metavar="FILE", help="Where to write the cards.", dir_okay=False)
    ],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="md|anki",
            help="md: Markdown cards; anki: an .apkg deck. Default: from FILE's name "
            "(.apkg: anki; anything else: md).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace FILE if it exists.", metavar=FLAG)
    ] = False,
) -> None:
    """Write the points you have missed as flash cards, for study away from the terminal."""
    from mlsd.cases.catalog import load_framework
    from mlsd.log.store import open_store
    from mlsd.progress.export import export_cards

    framework = load_framework()
    with open_store() as store:
        written, count = export_cards(
            store, options(ctx).dirs(), framework, path, fmt, force, now()
        )
    say(f"Wrote {count} card{'s' * (count != 1)} to {written}")
