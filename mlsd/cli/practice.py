"""``mlsd practice`` and ``mlsd resume``: the main job."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mlsd.cli.app import app, options

if TYPE_CHECKING:
    from collections.abc import Callable

    from mlsd.models import Case, Framework
    from mlsd.records import SessionRecord
    from mlsd.session import Outcome, Practice
    from mlsd.store import Store


# What prompt_toolkit itself treats as a terminal without cursor movement.
DUMB_TERMINALS = ("dumb", "unknown")


class Level(str, Enum):
    mid = "mid"
    senior = "senior"
    staff = "staff"


# Ten hours: far past any interview, and it keeps inf (which JSON cannot carry) out.
MAX_MINUTES = 600

MinutesOpt = Annotated[
    float,
    typer.Option(
        "--minutes",
        "-m",
        min=0,
        max=MAX_MINUTES,
        help="Interview length; step budgets scale to it. 0 = untimed.",
    ),
]
LevelOpt = Annotated[
    Level, typer.Option("--level", "-l", help="The level you are interviewing for.")
]
ExportOpt = Annotated[
    Path | None,
    typer.Option("--export", "-e", help="Write the design doc here at the end.", dir_okay=False),
]


@app.command(rich_help_panel="Practise")
def practice(
    ctx: typer.Context,
    case: Annotated[str | None, typer.Argument(help="Case id (omit to pick from a list).")] = None,
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            "-a",
            help="Run without prompts from an answers file (YAML).",
            dir_okay=False,
        ),
    ] = None,
    minutes: MinutesOpt = 45,
    level: LevelOpt = Level.senior,
    editor: Annotated[
        bool, typer.Option("--editor", help="Write every answer in $VISUAL / $EDITOR.")
    ] = False,
    export: ExportOpt = None,
) -> None:
    """Practise a case step by step, with an interviewer, hints, follow-ups and a clock."""
    from mlsd.caseindex import resolve
    from mlsd.catalog import load_case, load_framework
    from mlsd.store import open_store

    dirs = options(ctx).dirs()
    framework = load_framework()
    _check_export_target(export)
    if answers is not None:
        _practice_from_answers(answers, case, dirs, framework, level.value, minutes, export)
        return
    require_terminal()
    with open_store() as store:
        ref = case if case is not None else _pick_case(store, dirs)
        path = resolve(ref, dirs).absolute()
        loaded = load_case(path, framework)
        from mlsd.session import start

        session_id = start(
            store, loaded, str(path), mode="practice", level=level.value, minutes=minutes
        )
        _drive(store, session_id, loaded, framework, editor, export)


@app.command(rich_help_panel="Practise")
def resume(
    ctx: typer.Context,
    session: Annotated[
        str, typer.Argument(help="Session id, unique prefix, or 'latest'.")
    ] = "latest",
    editor: Annotated[
        bool, typer.Option("--editor", help="Write every answer in $VISUAL / $EDITOR.")
    ] = False,
    export: ExportOpt = None,
) -> None:
    """Continue a paused practice session or interview where it stopped, clock included."""
    from mlsd.catalog import load_framework
    from mlsd.store import open_store

    require_terminal()
    framework = load_framework()
    _check_export_target(export)
    with open_store() as store:
        record = store.resolve(session)
        case = _session_case(record, options(ctx).dirs(), framework)
        if record.mode == "interview":
            from mlsd.cli.interview import drive

            drive(store, record.id, case, framework, export)
            return
        _drive(store, record.id, case, framework, editor, export)


def _session_case(record: SessionRecord, dirs: list[Path], framework: Framework) -> Case:
    from mlsd.export import case_for

    return case_for(record, dirs, framework)


def _drive(
    store: Store,
    session_id: str,
    case: Case,
    framework: Framework,
    editor: bool,
    export: Path | None,
) -> None:
    """Run the session through ``run_saving``, then show the summary."""
    from mlsd.session import Practice
    from mlsd.ui.console import stdout_console
    from mlsd.ui.prompts import QuestionaryPrompter

    console = stdout_console()
    runner: Practice = Practice(
        store, session_id, case, framework, QuestionaryPrompter(console), use_editor=editor
    )
    record = run_saving(
        runner.run,
        lambda exc: runner.interrupted(getattr(exc, "draft", "")),
        saved="Your answers so far are saved.",
    )
    if record is not None:
        _finish(record, case, framework, export, interactive=True)


def run_saving(
    run: Callable[[], Outcome],
    interrupted: Callable[[BaseException | None], SessionRecord],
    *,
    saved: str,
) -> SessionRecord | None:
    """The one place a practice or interview run is stopped and saved.

    Ctrl-C or Ctrl-D anywhere saves what was typed, says how to resume and exits 130;
    an MlsdError mid-run (a locked store, a failing editor) saves too and says so.
    Returns the finished record, or None when the user paused.
    """
    from mlsd.errors import MlsdError

    try:
        outcome = run()
    except (KeyboardInterrupt, EOFError) as exc:
        record = interrupted(exc)
        typer.echo(f"\nSaved. Resume with: mlsd resume {record.short_id}", err=True)
        raise typer.Exit(130) from None
    except MlsdError as exc:
        try:
            record = interrupted(None)
        except MlsdError:
            raise exc from None
        raise MlsdError(
            f"{exc.message}\n{saved} Resume with: mlsd resume {record.short_id}"
        ) from None
    if outcome.paused:
        typer.echo(
            f"Paused and saved. Resume with: mlsd resume {outcome.record.short_id}", err=True
        )
        return None
    return outcome.record


def _finish(
    record: SessionRecord,
    case: Case,
    framework: Framework,
    export: Path | None,
    *,
    interactive: bool,
) -> None:
    from mlsd.scoring import score_record
    from mlsd.ui.console import stdout_console
    from mlsd.ui.summary import summary_view

    report = score_record(record, case, framework)
    stdout_console().print(summary_view(record, case, framework, report))
    typer.echo(
        f"Session {record.short_id} saved. See what you covered and missed: mlsd score {record.short_id}",
        err=True,
    )
    from mlsd.export import default_filename, export_session

    if export is None and interactive:
        import questionary

        name = default_filename(record)
        try:
            wanted = questionary.confirm(
                f"Export the design doc to {name}?", default=True
            ).unsafe_ask()
        except (KeyboardInterrupt, EOFError):
            wanted = False
        if not wanted:
            typer.echo(f"Not exported. Later: mlsd export {record.short_id}", err=True)
            return
        export = Path(name)
    if export is not None:
        written = export_session(record, case, framework, export)
        typer.echo(f"Wrote {written}", err=True)


def _practice_from_answers(
    answers_path: Path,
    case_ref: str | None,
    dirs: list[Path],
    framework: Framework,
    level: str,
    minutes: float,
    export: Path | None,
) -> None:
    from mlsd.caseindex import resolve
    from mlsd.catalog import check_answers, load_answers, load_case
    from mlsd.session import run_answers
    from mlsd.store import open_store

    answers = load_answers(answers_path)
    # Stored absolute, so `mlsd export` finds the case from any folder later.
    path = resolve(case_ref or answers.case, dirs).absolute()
    case = load_case(path, framework)
    check_answers(answers_path, answers, case, framework)
    with open_store() as store:
        record = run_answers(
            store, case, str(path), framework, answers, level=level, minutes=minutes
        )
    _finish(record, case, framework, export, interactive=False)


def _check_export_target(export: Path | None) -> None:
    """Refuse a bad --export path before the session starts, not after the last answer."""
    from mlsd.errors import MlsdError

    if export is None:
        return
    if not export.parent.is_dir():
        raise MlsdError(f"--export {export}: the folder {export.parent} does not exist")
    if export.exists():
        raise MlsdError(
            f"--export {export}: the file already exists; choose another name (or use mlsd export --force later)"
        )


def require_terminal() -> None:
    import os

    from mlsd.errors import NotInteractiveError

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise NotInteractiveError(
            "this command asks questions, but standard input or output is not a terminal. "
            "To practise without prompts, write your answers in a YAML file and run: "
            "mlsd practice CASE --answers FILE (see README: Answers files)."
        )
    term = os.environ.get("TERM", "")
    if term in DUMB_TERMINALS:
        # The menus and the multi-line editor move the cursor; a dumb terminal (Emacs
        # shell-mode, some IDE consoles) would show escape codes and could not submit.
        raise NotInteractiveError(
            f"this command needs a terminal that can move the cursor, and TERM={term} cannot. "
            "Run it in a full terminal (e.g. TERM=xterm-256color), or practise without "
            "prompts: mlsd practice CASE --answers FILE (see README: Answers files)."
        )


def _pick_case(store: Store, dirs: list[Path]) -> str:
    """Cases never practised first, then the least recently practised."""
    from mlsd.caseindex import listing
    from mlsd.session import Choice
    from mlsd.ui.console import stdout_console
    from mlsd.ui.prompts import QuestionaryPrompter

    last = store.last_practised()
    cases = sorted(listing(dirs).cases, key=lambda c: (last.get(c.id, ""), c.id))
    choices = [
        Choice(
            c.id,
            f"{c.title} ({c.difficulty}; {', '.join(c.tags[:3])})"
            + (f" · last practised {last[c.id][:10]}" if c.id in last else " · new"),
        )
        for c in cases
    ]
    try:
        return QuestionaryPrompter(stdout_console()).select(
            "Which case do you want to practise?", choices
        )
    except (KeyboardInterrupt, EOFError):
        typer.echo("Cancelled; no session was started.", err=True)
        raise typer.Exit(130) from None
