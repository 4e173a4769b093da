"""``mlsd interview``: run a case as the interviewer, with a checklist and a scorecard."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mlsd.cli.app import app, options
from mlsd.cli.practice import Level, MinutesOpt, run_saving

if TYPE_CHECKING:
    from mlsd.models import Case, Framework
    from mlsd.records import SessionRecord
    from mlsd.store import Store


@app.command(rich_help_panel="Practise")
def interview(
    ctx: typer.Context,
    case: Annotated[str, typer.Argument(help="Case id (see mlsd list).")],
    minutes: MinutesOpt = 45,
    level: Annotated[
        Level, typer.Option("--level", "-l", help="The level the candidate interviews for.")
    ] = Level.senior,
    scorecard: Annotated[
        Path | None,
        typer.Option(
            "--scorecard",
            "-s",
            help="Write the scorecard (Markdown) here at the end.",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Interview a candidate: what to read out, what to listen for, and a scorecard.

    The candidate reads their own brief with `mlsd show CASE`; this screen is yours.
    """
    from mlsd.caseindex import resolve
    from mlsd.catalog import load_case, load_framework
    from mlsd.scorecard import remember_scorecard
    from mlsd.session import start
    from mlsd.store import open_store

    require_terminal()
    if scorecard is not None:
        check_target(scorecard)
    framework = load_framework()
    with open_store() as store:
        path = resolve(case, options(ctx).dirs()).absolute()
        loaded = load_case(path, framework)
        session_id = start(
            store, loaded, str(path), mode="interview", level=level.value, minutes=minutes
        )
        if scorecard is not None:
            remember_scorecard(store, session_id, scorecard)
        drive(store, session_id, loaded, framework, scorecard)


def drive(
    store: Store, session_id: str, case: Case, framework: Framework, scorecard: Path | None
) -> None:
    """Run the interview; Ctrl-C or Ctrl-D anywhere saves, says how to resume, exits 130.

    Without ``scorecard``, a file named by ``--scorecard`` when the interview began is
    written at the end, so resuming does not lose it.
    """
    from mlsd.interview import Interview
    from mlsd.scorecard import scorecard_target
    from mlsd.ui.console import stdout_console
    from mlsd.ui.interviewer import QuestionaryInterviewer

    runner = Interview(store, session_id, case, framework, QuestionaryInterviewer(stdout_console()))
    scorecard = scorecard or scorecard_target(runner.record)
    record = run_saving(
        runner.run,
        lambda exc: runner.interrupted(getattr(exc, "draft", ""), getattr(exc, "checked", None)),
        saved="The interview so far is saved.",
    )
    if record is not None:
        _finish(record, case, framework, scorecard)


def _finish(
    record: SessionRecord, case: Case, framework: Framework, scorecard: Path | None
) -> None:
    from mlsd.errors import MlsdError
    from mlsd.export import export_session
    from mlsd.scorecard import scorecard_context
    from mlsd.ui.console import stdout_console
    from mlsd.ui.interview_view import summary_view

    stdout_console().print(summary_view(scorecard_context(record, case, framework)))
    if scorecard is None:
        typer.echo(
            f"Interview {record.short_id} saved. Write its scorecard with: mlsd export {record.short_id}",
            err=True,
        )
        return
    try:
        written = export_session(record, case, framework, scorecard)
    except MlsdError as exc:
        raise MlsdError(
            f"{exc.message}\nThe interview is saved; write the scorecard with: "
            f"mlsd export {record.short_id} -o FILE"
        ) from None
    typer.echo(f"Scorecard written to {written}", err=True)


def check_target(path: Path) -> None:
    """Refuse a scorecard file that could not be written before the interview, not after."""
    from mlsd.errors import MlsdError

    if path.exists():
        raise MlsdError(f"{path} already exists; choose another --scorecard file or remove it")
    if not path.parent.is_dir():
        raise MlsdError(f"{path}: the folder {path.parent} does not exist")


def require_terminal() -> None:
    """The interviewer's screen needs a real terminal, as practice does."""
    from mlsd.cli.practice import require_terminal as practice_terminal
    from mlsd.errors import NotInteractiveError

    try:
        practice_terminal()
    except NotInteractiveError:
        raise NotInteractiveError(
            "mlsd interview needs a terminal that can show menus, and this one cannot "
            "(standard input or output is not a terminal, or TERM is dumb). Run it in a "
            "terminal. To read a case without prompts use mlsd show CASE; to render a "
            "stored interview use mlsd export SESSION."
        ) from None
