"""``mlsd sessions``: list, show and delete stored sessions."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from mlsd._util.textsafe import controls_visible, echo, json_text
from mlsd.cli.app import FLAG, App, NoPagerOpt, no_pager

sessions_app = App(help="List, show and delete your stored sessions.", invoke_without_command=True)


@sessions_app.callback()
def sessions(
    ctx: typer.Context,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON for tooling.", metavar=FLAG)
    ] = False,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help="Show at most this many.", metavar="N")
    ] = 50,
) -> None:
    """List sessions, most recent first."""
    if ctx.invoked_subcommand is not None:
        return
    from mlsd.log.store import open_store

    with open_store() as store:
        rows = store.list_sessions(None if as_json else limit)
    if as_json:
        echo(json_text([{**asdict(r), "short_id": r.short_id} for r in rows]))
        return
    if not rows:
        from mlsd._util.program import command

        echo(f"No sessions yet. Start one with: {command('practice')}", err=True)
        return
    from mlsd.ui.plain import session_table

    echo(session_table(rows))


@sessions_app.command("show")
def show(
    ctx: typer.Context,
    session: Annotated[
        str, typer.Argument(metavar="SESSION", help="Session id, unique prefix, or 'latest'.")
    ],
    plain: NoPagerOpt = False,
) -> None:
    """Show one session: its answers, questions asked, hints and follow-ups."""
    from mlsd.cases.catalog import load_framework
    from mlsd.log.store import open_store
    from mlsd.ui.console import stdout_console
    from mlsd.ui.pager import paged
    from mlsd.ui.record_view import record_view

    with open_store() as store:
        record = store.resolve(session)
    console = stdout_console()
    with paged(console, no_pager=no_pager(ctx, plain)):
        console.print(record_view(record, load_framework()))


@sessions_app.command("delete")
def delete(
    session: Annotated[str, typer.Argument(metavar="SESSION", help="Session id or unique prefix.")],
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.", metavar=FLAG)
    ] = False,
) -> None:
    """Delete a session and everything recorded in it."""
    import sys

    from mlsd.errors import MlsdError
    from mlsd.log.store import open_store

    with open_store() as store:
        record = store.resolve(session)
        if not yes:
            if not sys.stdin.isatty():
                raise MlsdError("refusing to delete without confirmation; add --yes")
            # The title was copied from a case file into the database: shown, not obeyed.
            title = " ".join(controls_visible(record.case_title).split())
            if not typer.confirm(
                f"Delete session {record.short_id} ({title}, {len(record.answers)} answers)?"
            ):
                echo("Kept.", err=True)
                return
        store.delete(record.id)
    echo(f"Deleted session {record.short_id}.", err=True)
