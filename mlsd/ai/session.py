"""What the commands call: judge a stored session or a design doc, check a model.

Each returns data for a view and never raises for the model's sake: a failure is a
field (one line) beside the offline result, which is always complete.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from mlsd.ai.compare import JudgedReport, compare
from mlsd.ai.judge import judge
from mlsd.ai.model import AiUnavailable, Connection, Destination
from mlsd.ai.replies import CheckReply, schema_of
from mlsd.cases.models import Case, Framework
from mlsd.log.records import SessionRecord
from mlsd.log.store import Store
from mlsd.rubric.scoring import Report


def judge_session(
    conn: Connection,
    record: SessionRecord,
    case: Case,
    framework: Framework,
    report: Report,
    store: Store | None,
) -> JudgedReport:
    """The judge on a stored session: its latest answers, follow-up answers and questions."""
    from mlsd.documents.export import follow_up_answers

    judgement = judge(
        conn,
        case,
        framework,
        answers=record.answers,
        follow_ups=follow_up_answers(record),
        level=report.level,
        clarifications=[(c.question, c.answer) for c in record.clarifications],
        store=store,
    )
    return compare(report, judgement)


def judge_doc(
    conn: Connection,
    case: Case,
    framework: Framework,
    answers: Mapping[str, str],
    report: Report,
    store: Store | None,
) -> JudgedReport:
    """The judge on a design doc already split into steps."""
    judgement = judge(
        conn, case, framework, answers=answers, follow_ups={}, level=report.level, store=store
    )
    return compare(report, judgement)


@dataclass(frozen=True)
class CheckResult:
    model: str
    destination: Destination | None  # None when the model could not even be loaded
    answered: bool
    problem: str | None
    seconds: float | None


CHECK_SYSTEM = "You are a health check. Reply with the JSON object asked for."
CHECK_PROMPT = 'Reply with {"ok": true}.'


def check(conn: Connection, clock: Callable[[], float] = time.monotonic) -> CheckResult:
    """Which model would be used, where it lives, and whether it answers a tiny request."""
    try:
        dest = conn.destination
    except AiUnavailable as exc:
        return CheckResult(conn.name, None, False, exc.message, None)
    start = clock()
    try:
        reply = conn.ask(CHECK_SYSTEM, CHECK_PROMPT, CheckReply, schema_of(CheckReply))
    except AiUnavailable as exc:
        return CheckResult(conn.name, dest, False, exc.message, None)
    problem = None if reply.ok else f'{dest.model_id} answered, but not {{"ok": true}}'
    return CheckResult(conn.name, dest, reply.ok, problem, clock() - start)
