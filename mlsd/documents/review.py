"""Scoring a stored session for the candidate: which session, their own calls, the report."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from mlsd._util.levels import Level
from mlsd._util.program import command
from mlsd.cases.models import Case, Framework
from mlsd.documents.export import case_for, score_session
from mlsd.errors import MlsdError, SessionNotFoundError
from mlsd.log import events as ev
from mlsd.log.records import SessionRecord
from mlsd.log.store import Store
from mlsd.rubric.points import resolve_point
from mlsd.rubric.scoring import Report


def latest_with_answers(store: Store) -> str:
    """The most recently used practice session or drill that has answers (an interview
    stores a scorecard, not answers)."""
    rows = store.list_sessions()
    for row in rows:
        if row.mode != "interview" and row.steps_answered:
            return row.id
    what = "no sessions yet" if not rows else "no practice session or drill with answers yet"
    raise SessionNotFoundError(f"{what}. Start one with: {command('practice')}")


class Reviewed(NamedTuple):
    """A stored session scored, and the keys of the points the candidate just called."""

    record: SessionRecord
    case: Case
    report: Report
    called: list[str]


def review_session(
    store: Store,
    ref: str | None,
    dirs: list[Path],
    framework: Framework,
    *,
    level: Level | None = None,
    accept: Sequence[str] = (),
    reject: Sequence[str] = (),
    undo: Sequence[str] = (),
) -> Reviewed:
    """Score a session, first storing the candidate's calls on points the scorer got wrong.

    Each call is an event in the session's log, shown as the candidate's own and kept
    apart from the scorer's verdict in every figure; ``undo`` takes a call back.
    """
    # To score, "latest" means the latest with answers: an interview has none.
    if ref is None or ref == "latest":
        record = store.load(latest_with_answers(store))
    else:
        record = store.load(store.resolve_id(ref))
    if record.mode == "interview":
        raise MlsdError(
            f"session {record.short_id} is an interview: it has a scorecard, not answers to "
            f"score. Write it with: {command('export', record.short_id)}"
        )
    case = case_for(record, dirs, framework)
    calls = [
        *((p, "accept") for p in accept),
        *((p, "reject") for p in reject),
        *((p, "clear") for p in undo),
    ]
    keys = [(resolve_point(case, framework, ref_), verdict) for ref_, verdict in calls]
    for key, verdict in keys:
        store.add_event(record.id, ev.Override(point=key, verdict=verdict))
    if keys:
        record = store.load(record.id)
    report = score_session(record, case, framework, level=level)
    return Reviewed(record, case, report, [key for key, _ in keys])
