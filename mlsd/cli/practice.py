"""``mlsd practice`` and ``mlsd resume``: the main job."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mlsd._util.program import command
from mlsd.cli._options import (
    AiOpt,
    AnswersOpt,
    EditorOpt,
    ExportOpt,
    LevelChoice,
    LevelOpt,
    MinutesOpt,
    ModelOpt,
    SessionArg,
)
from mlsd.cli._running import require_terminal, run_saving, session_held
from mlsd.cli.app import FLAG, options, say

if TYPE_CHECKING:
    from mlsd._util.levels import Level
    from mlsd.cases.models import Case, Framework
    from mlsd.log.records import SessionRecord
    from mlsd.log.store import Store

TakeOverOpt = Annotated[
    bool,
    typer.Option(
        "--take-over",
        help="The session is open in another terminal: stop it there (it saves) and continue here.",
        metavar=FLAG,
    ),
]

NO_TERMINAL = (
    "To practise without prompts, write your answers in a YAML file and run: "
    "mlsd practice CASE --answers FILE (see README: Answers files)."
)


def practice(
    ctx: typer.Context,
    case: Annotated[
        str | None, typer.Argument(metavar="CASE", help="Case id (omit to pick from a list).")
    ] = None,
    answers: AnswersOpt = None,
    minutes: MinutesOpt = 45,
    level: LevelOpt = LevelChoice.senior,
    editor: EditorOpt = False,
    export: ExportOpt = None,
    ai: AiOpt = False,
    model: ModelOpt = None,
) -> None:
    """Practise a case step by step, with an interviewer, hints, follow-ups and a clock."""
    from mlsd.cases.catalog import load_case, load_framework
    from mlsd.cases.index import resolve
    from mlsd.log.store import open_store

    dirs = options(ctx).dirs()
    framework = load_framework()
    _check_export_target(export)
    if answers is not None:
        _practice_from_answers(
            answers, case, dirs, framework, level.level, minutes, export, model=model
        )
        return
    require_terminal(NO_TERMINAL)
    with open_store() as store:
        ref = case if case is not None else _pick_case(store, dirs, framework)
        path = resolve(ref, dirs).absolute()
        loaded = load_case(path, framework)
        from mlsd.practice.flow import start

        session_id = start(
            store, loaded, str(path), mode="practice", level=level.level, minutes=minutes
        )
        with session_held(session_id):
            _drive(store, session_id, loaded, framework, dirs, editor, export, model=model, ai=ai)


def resume(
    ctx: typer.Context,
    session: SessionArg = "latest",
    editor: EditorOpt = False,
    export: ExportOpt = None,
    take_over: TakeOverOpt = False,
    ai: AiOpt = False,
    model: ModelOpt = None,
) -> None:
    """Continue a paused practice session or interview where it stopped, clock included.

    ``--ai`` is not remembered by the session: a practice started with it resumes with
    the AI interviewer only when it is given again (the model may be gone, or the
    candidate may not want their text sent this time). ``--model`` picks the judge at
    the end, as in ``practice``, and an interview's draft scorecard.
    """
    from mlsd.cases.catalog import load_framework
    from mlsd.log.store import open_store

    require_terminal(NO_TERMINAL)
    framework = load_framework()
    _check_export_target(export)
    with open_store() as store:
        record = _resolve(store, session)
        dirs = options(ctx).dirs()
        case = _session_case(record, dirs, framework)
        with session_held(record.id, take_over=take_over):
            if record.mode == "interview":
                from mlsd.cli.interview import drive

                _not_for(ai, "an interview")
                drive(store, record.id, case, framework, export, model=model)
                return
            if record.mode == "drill":
                from mlsd.cli import drill

                _not_for(ai, "a drill")
                step = drill.drill_step_of(record, framework)
                drill.drive(store, record.id, case, framework, step, editor, dirs)
                return
            if not ai and any(f.generated for f in record.follow_ups):
                say(
                    "mlsd: the AI interviewer is off in this resumed session (--ai is not "
                    "remembered); resume with --ai --model NAME to have it again."
                )
            _drive(store, record.id, case, framework, dirs, editor, export, model=model, ai=ai)


def _not_for(ai: bool, what: str) -> None:
    """``--ai`` is the practice interviewer: say so rather than ignore it silently."""
    if ai:
        say(f"mlsd: --ai applies to practice sessions; this is {what}.")


def _resolve(store: Store, ref: str) -> SessionRecord:
    """The session to continue (``latest``: the latest not finished), or where the text
    kept from a deleted one is. A finished session has nothing to continue: say what to
    do with it instead of replaying its summary."""
    from mlsd._util.program import command
    from mlsd.errors import MlsdError, SessionNotFoundError
    from mlsd.log.recovery import find

    if ref == "latest":
        rows = store.list_sessions()
        open_ = next((r for r in rows if r.status != "finished"), None)
        if open_ is None:
            last = f" (the latest, {rows[0].short_id}, is finished)" if rows else ""
            raise SessionNotFoundError(
                f"no paused session to resume{last}. Start one with: {command('practice')}"
            )
        return store.load(open_.id)
    try:
        record = store.resolve(ref)
    except SessionNotFoundError as exc:
        kept = find(ref)
        if not kept:
            raise
        raise SessionNotFoundError(
            f"{exc.message}. Text that could not be saved to it is kept in: "
            + ", ".join(str(p) for p in kept)
        ) from None
    if record.status == "finished":
        short = record.short_id
        after = (
            f"write its scorecard with: {command('export', short)}"
            if record.mode == "interview"
            else f"see what you covered with: {command('score', short)}"
        )
        raise MlsdError(
            f"session {short} is finished, so there is nothing to resume; {after}. "
            f"Practise the case again with: {command('practice', record.case_id)}"
        )
    return record


def _session_case(record: SessionRecord, dirs: list[Path], framework: Framework) -> Case:
    from mlsd.documents.export import case_for

    return case_for(record, dirs, framework)


def _drive(
    store: Store,
    session_id: str,
    case: Case,
    framework: Framework,
    dirs: list[Path],
    editor: bool,
    export: Path | None,
    *,
    model: str | None = None,
    ai: bool = False,
) -> None:
    """Run the session through ``run_saving``, then show the summary."""
    from mlsd.practice.flow import Practice
    from mlsd.ui.console import stdout_console
    from mlsd.ui.prompts import QuestionaryPrompter

    console = stdout_console()
    prompter = QuestionaryPrompter(console)
    coach = None
    if ai:
        from mlsd.cli.ai import coach_for

        coach = coach_for(model, case, framework, prompter.note)
    runner: Practice = Practice(
        store, session_id, case, framework, prompter, use_editor=editor, coach=coach
    )

    record = run_saving(
        runner.run,
        lambda exc: runner.interrupted(getattr(exc, "draft", "")),
        saved="Your answers so far are saved.",
    )
    if record is not None:
        _finish(record, case, framework, dirs, export, interactive=True, model=model)


def _finish(
    record: SessionRecord,
    case: Case,
    framework: Framework,
    dirs: list[Path],
    export: Path | None,
    *,
    interactive: bool,
    model: str | None = None,
) -> None:
    from mlsd.ai.model import chosen_model
    from mlsd.documents.export import score_session
    from mlsd.ui.console import stdout_console
    from mlsd.ui.summary import summary_view

    report = score_session(record, case, framework)
    stdout_console().print(summary_view(record, case, framework, report))
    if chosen_model(model) is not None:  # a model is set: its verdict beside the summary
        from mlsd.cli.ai import judge_report
        from mlsd.ui.ai_view import judge_view

        judged = judge_report(model, report, case, framework, record=record)
        if judged is not None:
            stdout_console().print(judge_view(judged))
    from mlsd.cli.progress import after_session

    after_session(record.id, framework, dirs)  # what went on the review schedule, what next
    say(
        f"Session {record.short_id} saved. See what you covered and missed: {command('score', record.short_id)}"
    )
    from mlsd.documents.export import default_filename, export_session

    if export is None and interactive:
        from mlsd.ui.prompts import confirm

        name = default_filename(record)
        say(f"The design doc can go to {name}")  # a long name must not split the question
        if not confirm("Export the design doc there?"):
            say(f"Not exported. Later: {command('export', record.short_id)}")
            return
        export = Path(name)
    if export is not None:
        written = export_session(record, case, framework, export)
        say(f"Wrote {written}")


def _practice_from_answers(
    answers_path: Path,
    case_ref: str | None,
    dirs: list[Path],
    framework: Framework,
    level: Level,
    minutes: float,
    export: Path | None,
    *,
    model: str | None = None,
) -> None:
    from mlsd.cases.catalog import check_answers, load_answers, load_case
    from mlsd.cases.index import resolve
    from mlsd.log.store import open_store
    from mlsd.practice.flow import run_answers

    answers = load_answers(answers_path)
    # Stored absolute, so `mlsd export` finds the case from any folder later.
    path = resolve(case_ref or answers.case, dirs).absolute()
    case = load_case(path, framework)
    check_answers(answers_path, answers, case, framework)
    with open_store() as store:
        record = run_answers(
            store, case, str(path), framework, answers, level=level, minutes=minutes
        )
    _finish(record, case, framework, dirs, export, interactive=False, model=model)


def _check_export_target(export: Path | None) -> None:
    """Refuse a bad --export path before the session starts, not after the last answer."""
    from mlsd.errors import MlsdError

    if export is None:
        return
    if not export.parent.is_dir():
        raise MlsdError(f"--export {export}: the folder {export.parent} does not exist")
    if export.exists():
        raise MlsdError(
            f"--export {export}: the file already exists; choose another name (or use {command('export', '--force')} later)"
        )


def _pick_case(store: Store, dirs: list[Path], framework: Framework) -> str:
    """Ask which case; the order and labels are ``practice.picker``'s."""
    from mlsd.cases.index import listing
    from mlsd.cli.progress import due_by_case
    from mlsd.practice.picker import picks, session_scorer
    from mlsd.run.lifecycle import Choice
    from mlsd.ui.console import stdout_console
    from mlsd.ui.prompts import QuestionaryPrompter

    rows = picks(
        listing(dirs).cases,
        store.last_practice(),
        session_scorer(store, framework),
        due_by_case(store, dirs, framework),
    )
    choices = [Choice(row.case.id, row.label) for row in rows]
    try:
        return QuestionaryPrompter(stdout_console()).select(
            "Which case do you want to practise?", choices, whole_screen=True
        )
    except (KeyboardInterrupt, EOFError):
        say("Cancelled; no session was started.")
        raise typer.Exit(130) from None
