"""``mlsd ai check``, and the AI steps the other commands share (judge, coach, draft).

Import-light like every command module: ``llm`` and the AI core are imported inside the
functions, so ``mlsd --help`` and a session without a model never load them. Every model
failure is one line on stderr, and the command carries on with the offline result.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING

from mlsd.cli._options import ModelOpt
from mlsd.cli.app import App

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import Console

    from mlsd.ai.compare import JudgedReport, JudgeJson
    from mlsd.ai.interviewer import Coach
    from mlsd.ai.model import Connection
    from mlsd.ai.scorecard import Drafter
    from mlsd.cases.models import Case, Framework
    from mlsd.log.records import SessionRecord
    from mlsd.rubric.docsplit import SplitDoc
    from mlsd.rubric.scoring import Report

ai_app = App(
    # "\\[": a bare [ai] is rich markup in --help, and vanished from it.
    help="The optional AI judge and interviewer, on any model `llm` knows "
    "(pip install 'mlsd\\[ai]').",
    no_args_is_help=True,
)

NO_MODEL = (
    "{what} needs a model: pass --model NAME or set MLSD_MODEL (see `mlsd ai check`); {fallback}"
)


def say(line: str) -> None:
    """A message about the model, on stderr: wrapped between words, like every other
    message (at 60 columns "local-llama" broke as "local-ll" / "ama"), and shown rather
    than obeyed if it holds controls."""
    from mlsd.cli.app import say as say_wrapped

    say_wrapped(f"mlsd: {line}")


@ai_app.command("check")
def check(model: ModelOpt = None) -> None:
    """Say which model would be used, where it runs, whether it answers, and what it is sent."""
    from mlsd.ai.model import chosen_model

    name = chosen_model(model)
    if name is None:
        from mlsd.errors import MlsdError

        raise MlsdError(
            "no model set: mlsd works offline. To use one, pass --model NAME or set "
            "MLSD_MODEL to any model `llm models` lists (docs/ai.md)."
        )
    from mlsd.ai.session import check as run_check
    from mlsd.errors import MlsdError
    from mlsd.ui.ai_view import check_view
    from mlsd.ui.console import stdout_console

    result = run_check(connect(name, announce=False))
    stdout_console().print(check_view(result))
    if not result.answered:
        raise MlsdError(f"{name} is not usable: {result.problem}")


def connect(name: str, *, announce: bool = True) -> Connection:
    from mlsd.ai.model import Connection, Settings

    def waiting() -> AbstractContextManager[object]:
        """A spinner on stderr while the model thinks (a terminal only, never in a pipe)."""
        from mlsd.ui.console import stderr_console

        console = stderr_console()
        if not console.is_terminal:
            return nullcontext()
        return console.status(f"Waiting for {name}… (Ctrl-C cancels this request only)")

    return Connection(
        name, settings=Settings.from_env(), announce=say if announce else None, waiting=waiting
    )


def judge_report(
    model: str | None,
    report: Report,
    case: Case,
    framework: Framework,
    *,
    record: SessionRecord | None = None,
    doc: SplitDoc | None = None,
) -> JudgedReport | None:
    """The judge beside ``report``; None (after one line) when there is no usable model."""
    from mlsd.ai.model import chosen_model
    from mlsd.errors import MlsdError

    name = chosen_model(model)
    if name is None:
        say(NO_MODEL.format(what="--judge", fallback="showing the offline score."))
        return None
    from mlsd.ai.session import judge_doc, judge_session
    from mlsd.log.store import open_store

    try:
        conn = connect(name)
        with open_store() as store:
            if record is not None:
                judged = judge_session(conn, record, case, framework, report, store)
            else:
                answers = dict(doc.answers) if doc is not None else {}
                judged = judge_doc(conn, case, framework, answers, report, store)
    except MlsdError as exc:  # a bad MLSD_AI_TIMEOUT, a store that cannot be opened
        say(f"AI judge unavailable: {exc.message}; showing the offline score.")
        return None
    if judged.judgement.failure is not None:
        say(
            f"AI judge: {judged.judgement.failure}; "
            "the steps it did not judge keep the offline verdict."
        )
    return judged


def coach_for(
    model: str | None, case: Case, framework: Framework, note: Callable[[str], None]
) -> Coach | None:
    """``practice --ai``'s interviewer, announced before the session starts; None offline."""
    from mlsd.ai.interviewer import Coach
    from mlsd.ai.model import chosen_model
    from mlsd.errors import MlsdError

    fallback = "practising with the case's own follow-ups."
    name = chosen_model(model)
    if name is None:
        say(NO_MODEL.format(what="--ai", fallback=fallback))
        return None
    try:
        conn = connect(name)
        conn.announce()
    except MlsdError as exc:  # no [ai] extra, an unknown model, a bad MLSD_AI_TIMEOUT
        say(f"AI interviewer unavailable: {exc.message}; {fallback}")
        return None
    return Coach(conn, case, framework, notify=note)


def judge_json_block(judged: JudgedReport | None) -> JudgeJson | None:
    """``score --judge --json``'s ``judge`` key: null when no model could judge."""
    from mlsd.ai.compare import judge_json

    return None if judged is None else judge_json(judged)


def print_judged(console: Console, judged: JudgedReport | None) -> None:
    if judged is None:
        return
    from mlsd.ui.ai_view import judge_view

    console.print(judge_view(judged))


def drafter_for(
    model: str | None, case: Case, framework: Framework, note: Callable[[str], None]
) -> Drafter | None:
    """``interview``'s draft scorecard when a model is set; None (silently) when not."""
    from mlsd.ai.model import chosen_model
    from mlsd.ai.scorecard import Drafter
    from mlsd.errors import MlsdError

    name = chosen_model(model)
    if name is None:
        return None
    try:
        conn = connect(name, announce=False)
        dest = conn.destination
    except MlsdError as exc:
        say(f"No draft scorecard: {exc.message}; the interview runs as usual.")
        return None
    say(
        f"AI: at the end, your notes, ticks and the case go to the model {dest.model_id} "
        f"({dest.host}) for a draft scorecard; the candidate's words are never sent."
    )
    return Drafter(conn, case, framework, note)
