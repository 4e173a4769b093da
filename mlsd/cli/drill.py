"""``mlsd drill``: one step of one case in about five minutes, then its feedback."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mlsd._util.program import command
from mlsd.cli._options import MAX_MINUTES, AnswersOpt, EditorOpt, LevelChoice, LevelOpt
from mlsd.cli._running import require_terminal, run_saving, session_held
from mlsd.cli.app import options, say
from mlsd.cli.progress import after_session, now

if TYPE_CHECKING:
    from mlsd.cases.models import Case, Framework
    from mlsd.log.records import SessionRecord
    from mlsd.log.store import Store

NO_TERMINAL = (
    "To drill without prompts, write your answer in a YAML file (one step) and run: "
    "mlsd drill STEP --case CASE --answers FILE (see README: Answers files)."
)


def drill(
    ctx: typer.Context,
    step: Annotated[
        str | None,
        typer.Argument(
            metavar="STEP",  # typer adds the brackets of an optional argument
            help="requirements, data, features, model, metrics, serving or monitoring "
            "(default: what `mlsd progress` says to practise next).",
            show_default=False,
        ),
    ] = None,
    case: Annotated[
        str | None,
        typer.Option("--case", "-c", metavar="CASE", help="The case (default: chosen for you)."),
    ] = None,
    minutes: Annotated[
        float,
        typer.Option(
            "--minutes",
            "-m",
            min=0,
            max=MAX_MINUTES,
            help="Time for the step. 0 = untimed.",
            metavar="MINUTES",
        ),
    ] = 5,
    answers: AnswersOpt = None,
    level: LevelOpt = LevelChoice.senior,
    editor: EditorOpt = False,
) -> None:
    """Drill one step of one case in about five minutes, then see its feedback at once.

    The interviewer's answers to every clarifying question are shown before you start.

    Drills count in `mlsd progress` and schedule their points for `mlsd review`.
    """
    from mlsd.cases.catalog import load_case, load_framework
    from mlsd.cases.index import resolve
    from mlsd.log.store import open_store
    from mlsd.progress.drills import check_step, choose

    dirs = options(ctx).dirs()
    framework = load_framework()
    if answers is not None:
        _from_answers(answers, step, case, dirs, framework, level, minutes)
        return
    # A mistyped step or case is the message, before any word about the terminal.
    if step is not None:
        check_step(step, framework)
    if case is not None:
        resolve(case, dirs)
    require_terminal(NO_TERMINAL)
    with open_store() as store:
        case_id, step_id = choose(store, dirs, framework, now(), step, case)
        path = resolve(case_id, dirs).absolute()
        loaded = load_case(path, framework)
        check_step(step_id, framework)
        from mlsd.practice.flow import start

        session_id = start(
            store, loaded, str(path), mode="drill", level=level.level, minutes=minutes
        )
        with session_held(session_id):
            drive(store, session_id, loaded, framework, step_id, editor, dirs)


def drive(
    store: Store,
    session_id: str,
    case: Case,
    framework: Framework,
    step_id: str,
    editor: bool,
    dirs: list[Path],
) -> None:
    """Run (or resume) a drill, then show its step's feedback."""
    from mlsd.practice.flow import Practice
    from mlsd.ui.console import stdout_console
    from mlsd.ui.prompts import QuestionaryPrompter

    runner = Practice(
        store,
        session_id,
        case,
        framework,
        QuestionaryPrompter(stdout_console()),
        use_editor=editor,
        only=step_id,
    )
    record = run_saving(
        runner.run,
        lambda exc: runner.interrupted(getattr(exc, "draft", "")),
        saved="Your drill so far is saved.",
    )
    if record is not None:
        finish(record, case, framework, step_id, dirs)


def drill_step_of(record: SessionRecord, framework: Framework) -> str:
    """The step of a stored drill (for ``mlsd resume``)."""
    from mlsd.errors import MlsdError

    step = record.drilled_step
    if step is None or step not in framework.step_ids:
        raise MlsdError(
            f"drill {record.short_id} never reached its step; start a new one with: {command('drill')}"
        )
    return step


def finish(
    record: SessionRecord, case: Case, framework: Framework, step_id: str, dirs: list[Path]
) -> None:
    from mlsd.documents.export import score_session
    from mlsd.ui.console import stdout_console
    from mlsd.ui.review_view import drill_view

    report = score_session(record, case, framework)
    stdout_console().print(drill_view(report, step_id))
    after_session(record.id, framework, dirs)
    say(f"Drill {record.short_id} saved. All of it: {command('score', record.short_id)}")


def _from_answers(
    path: Path,
    step: str | None,
    case_ref: str | None,
    dirs: list[Path],
    framework: Framework,
    level: LevelChoice,
    minutes: float,
) -> None:
    from mlsd.cases.catalog import check_answers, load_answers, load_case
    from mlsd.cases.index import resolve
    from mlsd.errors import MlsdError
    from mlsd.log.store import open_store
    from mlsd.practice.answers import run_answers
    from mlsd.progress.drills import check_step

    answers = load_answers(path)
    given = [s for s, text in answers.answers.items() if text.strip()]
    if step is None:
        if len(given) != 1:
            raise MlsdError(
                f"{path}: a drill answers one step, and this file answers "
                f"{len(given)} ({', '.join(given) or 'none'}); name the step: mlsd drill STEP --answers FILE"
            )
        step = given[0]
    check_step(step, framework)
    if step not in given:
        raise MlsdError(f"{path}: answers: no answer for the step {step!r}")
    case_path = resolve(case_ref or answers.case, dirs).absolute()
    case = load_case(case_path, framework)
    check_answers(path, answers, case, framework, drill=step)
    others = [s for s in given if s != step]
    follow_ups = [s for s in answers.follow_ups if s != step]
    left_out = [
        *([f"answers for {', '.join(others)}"] if others else []),
        *([f"follow-ups for {', '.join(follow_ups)}"] if follow_ups else []),
        *(["clarifying questions (a drill shows every answer)"] if answers.clarifications else []),
    ]
    if left_out:
        say(f"{path}: a drill takes one step ({step}); left out: {'; '.join(left_out)}")
    with open_store() as store:
        record = run_answers(
            store,
            case,
            str(case_path),
            framework,
            answers,
            level=level.level,
            minutes=minutes,
            only=step,
        )
    finish(record, case, framework, step, dirs)
