"""``mlsd progress``, ``mlsd`` with no command, and the lines after a session."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Annotated

import typer

from mlsd.cli.app import FLAG, NoPagerOpt, no_pager, options, say

if TYPE_CHECKING:
    from pathlib import Path

    from mlsd.cases.models import Framework
    from mlsd.log.store import Store

PROGRESS_JSON_HELP = (
    "Print progress as JSON (format 1, stable): sessions, drills, cases (best, latest, "
    "latest_verdict), steps (trend, recent), missed, streak_days, week_seconds, "
    "week_reviews, due_reviews, due_today (what today's review shows), next_review and next "
    "(kind, case, step, reason, command). "
    "Every time is ISO 8601 in UTC, with its offset."
)


def now() -> datetime:
    """The one clock of these commands: local, so "today" is the candidate's day."""
    return datetime.now(timezone.utc).astimezone()


BUSY_NOTE = (
    "Scores not cached: another mlsd is writing to the database. "
    "Shown from a fresh count; the next run saves them."
)


def busy_note(busy: bool) -> None:
    """One muted line on stderr when a read had to keep its cache writes in memory."""
    if busy:
        from mlsd.ui.console import stderr_console

        stderr_console().print(BUSY_NOTE, style="muted", markup=False)


def progress(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help=PROGRESS_JSON_HELP, metavar=FLAG)] = False,
    plain: NoPagerOpt = False,
) -> None:
    """How you are doing across sessions: per case, per step, what you miss, what next."""
    from mlsd.cases.catalog import load_framework
    from mlsd.log.reviews import overlaid
    from mlsd.log.store import open_store
    from mlsd.progress.report import progress_report

    framework = load_framework()
    moment = now()
    with open_store() as store:
        doc = progress_report(store, options(ctx).dirs(), framework, moment)
        busy_note(overlaid(store))
    if as_json:
        from mlsd._util.textsafe import echo, json_text

        echo(json_text(doc))
        return
    from mlsd.ui.console import stdout_console
    from mlsd.ui.pager import paged
    from mlsd.ui.progress_view import progress_view

    console = stdout_console()
    with paged(console, no_pager=no_pager(ctx, plain)):
        console.print(progress_view(doc, moment))


def today(ctx: typer.Context) -> None:
    """``mlsd`` alone: today's due reviews and what to practise next; never a prompt."""
    from mlsd.cases.catalog import load_framework
    from mlsd.log.reviews import overlaid
    from mlsd.log.store import open_store
    from mlsd.progress.report import today as today_doc
    from mlsd.ui.console import stdout_console
    from mlsd.ui.progress_view import today_view

    framework = load_framework()
    moment = now()
    with open_store() as store:
        doc = today_doc(store, options(ctx).dirs(), framework, moment)
        busy_note(overlaid(store))
        # The latest few sessions are enough: a pause is usually the last thing done.
        recent = store.list_sessions(limit=20)
    paused = next((s for s in recent if s.status == "paused"), None)
    stdout_console().print(today_view(doc, paused, moment))


def after_session(session_id: str, framework: Framework, dirs: list[Path]) -> None:
    """After a session's summary: what went on the review schedule, and what next.

    The session is already saved; a store that cannot take the schedule now only costs
    this message (the next ``progress`` or ``review`` schedules it). ``dirs`` are the
    running command's case folders.
    """
    from mlsd.errors import MlsdError
    from mlsd.log.reviews import overlaid
    from mlsd.log.store import open_store
    from mlsd.progress.report import after_session as schedule_session
    from mlsd.ui.console import stdout_console
    from mlsd.ui.progress_view import scheduled_view

    moment = now()
    try:
        with open_store() as store:
            done = schedule_session(store, dirs, framework, session_id, moment)
            busy_note(overlaid(store))
    except MlsdError as exc:
        say(f"Review schedule not updated now ({exc.message}); `mlsd review` will.")
        return
    stdout_console().print(scheduled_view(done, moment))


def due_by_case(store: Store, dirs: list[Path], framework: Framework) -> dict[str, int]:
    """Case id -> reviews due today, for the case picker; a failing schedule shows none."""
    from mlsd.errors import MlsdError
    from mlsd.log.reviews import drop_overlay, overlaid
    from mlsd.progress.review import due_by_case as count
    from mlsd.progress.review import due_cards

    try:
        items, _ = due_cards(store, dirs, framework, now())
        if overlaid(store):
            drop_overlay(store)  # the session about to start must write to the file
    except MlsdError:
        return {}
    return dict(count(items))
