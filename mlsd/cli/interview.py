"""``mlsd interview``: run a case as the interviewer, with a checklist and a scorecard."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mlsd._util.program import command
from mlsd.cli._options import CandidateLevelOpt, LevelChoice, MinutesOpt, ModelOpt
from mlsd.cli._running import require_terminal, run_saving, session_held
from mlsd.cli.app import options, say

NO_TERMINAL = (
    "mlsd interview shows menus to the interviewer. To read a case without prompts use "
    "mlsd show CASE; to render a stored interview use mlsd export SESSION."
)

if TYPE_CHECKING:
    from mlsd.cases.models import Case, Framework
    from mlsd.log.records import SessionRecord
    from mlsd.log.store import Store


def interview(
    ctx: typer.Context,
    case: Annotated[str, typer.Argument(metavar="CASE", help="Case id (see mlsd list).")],
    minutes: MinutesOpt = 45,
    level: CandidateLevelOpt = LevelChoice.senior,
    scorecard: Annotated[
        Path | None,
        typer.Option(
            "--scorecard",
            "-s",
            help="Write the scorecard (Markdown) here at the end.",
            dir_okay=False,
        ),
    ] = None,
    model: ModelOpt = None,
) -> None:
    """Interview a candidate: what to read out, what to listen for, and a scorecard.

    The candidate reads their own brief with `mlsd show CASE`; this screen is yours.
    """
    from mlsd.cases.catalog import load_case, load_framework
    from mlsd.cases.index import resolve
    from mlsd.log.store import open_store
    from mlsd.practice.flow import start

    require_terminal(NO_TERMINAL)
    if scorecard is not None:
        check_target(scorecard)
    framework = load_framework()
    with open_store() as store:
        path = resolve(case, options(ctx).dirs()).absolute()
        loaded = load_case(path, framework)
        session_id = start(
            store, loaded, str(path), mode="interview", level=level.level, minutes=minutes
        )
        with session_held(session_id):
            drive(
                store,
                session_id,
                loaded,
                framework,
                scorecard,
                remember=scorecard is not None,
                model=model,
            )


def drive(
    store: Store,
    session_id: str,
    case: Case,
    framework: Framework,
    scorecard: Path | None,
    *,
    remember: bool = False,
    model: str | None = None,
) -> None:
    """Run the interview; Ctrl-C or Ctrl-D anywhere saves, says how to resume, exits 130.

    Without ``scorecard``, a file named by ``--scorecard`` when the interview began is
    written at the end, so resuming does not lose it.
    """
    from mlsd.interview.flow import Interview
    from mlsd.interview.scorecard import scorecard_target
    from mlsd.ui.console import stdout_console
    from mlsd.ui.interviewer import QuestionaryInterviewer

    ui = QuestionaryInterviewer(stdout_console())
    from mlsd.cli.ai import drafter_for

    runner = Interview(
        store, session_id, case, framework, ui, drafter=drafter_for(model, case, framework, ui.note)
    )
    if remember and scorecard is not None:
        runner.remember_scorecard(scorecard)
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
    from mlsd.interview.scorecard import export_scorecard, scorecard_context
    from mlsd.ui.console import stdout_console
    from mlsd.ui.interview_view import summary_view

    stdout_console().print(summary_view(scorecard_context(record, case, framework)))
    if scorecard is None:
        say(
            f"Interview {record.short_id} saved. Write its scorecard with: {command('export', record.short_id)}"
        )
        return
    try:
        written = export_scorecard(record, case, framework, scorecard)
    except MlsdError as exc:
        raise MlsdError(
            f"{exc.message}\nThe interview is saved; write the scorecard with: "
            f"{command('export', record.short_id)} -o FILE"
        ) from None
    say(f"Scorecard written to {written}")


def check_target(path: Path) -> None:
    """Refuse a scorecard file that could not be written before the interview, not after."""
    from mlsd.errors import MlsdError

    if path.exists():
        raise MlsdError(f"{path} already exists; choose another --scorecard file or remove it")
    if not path.parent.is_dir():
        raise MlsdError(f"{path}: the folder {path.parent} does not exist")
