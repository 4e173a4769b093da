"""The progress document, today's screen and the lines after a session, put together.

Each entry point brings the cached scores and the review schedule up to date first
(``Scores.refresh``), so a session finished, overridden or re-scored since the last
look is counted, and then reads: nothing here is slower with 10,000 sessions than a
cache read of each.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypedDict

from mlsd.cases.models import Framework, step_rubric
from mlsd.log import reviews
from mlsd.log.store import Store
from mlsd.progress import schedule
from mlsd.progress.cache import Scores
from mlsd.progress.review import (
    DEFAULT_LIMIT,
    DueCard,
    due_by_step,
    due_cards,
    next_due,
    todays_share,
)
from mlsd.progress.summary import (
    RECENT_WINDOW,
    TOP_MISSED,
    CaseInfo,
    NextJson,
    PointText,
    ProgressJson,
    advise,
    build,
    missed_counts,
    step_trends,
    utc_offset_minutes,
)

STREAK_DAYS = 400  # how far back reviews are read for a streak


def case_infos(dirs: list[Path]) -> list[CaseInfo]:
    """Every case that can be practised (for "next"); a folder that fails lists nothing."""
    from mlsd.cases.index import listing
    from mlsd.errors import MlsdError

    try:
        found = listing(dirs).cases
    except MlsdError:
        return []
    return [CaseInfo(id=c.id, title=c.title, difficulty=c.difficulty) for c in found]


def point_texts(
    scores: Scores, framework: Framework, wanted: list[tuple[str | None, str]]
) -> PointText:
    """The step and wording of the points to show, loading only the cases they name."""
    out: PointText = {}
    generic = {f"framework:{p.id}": (s.id, p.point) for s in framework.steps for p in s.rubric}
    for case_id, key in wanted:
        if case_id is None:
            if key in generic:
                out[(None, key)] = generic[key]
            continue
        case = scores.case_by_id(case_id)
        if case is None:
            continue
        for step in framework.steps:
            for source, p in step_rubric(case, framework, step.id):
                if f"{source}:{p.id}" == key:
                    out[(case_id, key)] = (step.id, p.point)
    return out


def progress_report(
    store: Store, dirs: list[Path], framework: Framework, now: datetime
) -> ProgressJson:
    scores = Scores(store, dirs, framework)
    scores.refresh(now)
    recent = scores.recent(RECENT_WINDOW, now)
    items, _ = due_cards(store, dirs, framework, now, scores)
    top = [k for k, _ in missed_counts(recent).most_common(TOP_MISSED * 2)]
    since = schedule.stamp(now - timedelta(days=STREAK_DAYS))
    offset = utc_offset_minutes(now)
    return build(
        reviews.case_totals(store),
        recent,
        reviews.practice_days(store, since, offset),
        framework,
        case_infos(dirs),
        due_by_step(items),
        reviews.review_days(store, since, offset),
        point_texts(scores, framework, top),
        now,
        next_due(scores, framework, now),
        len(todays_share(store, items, now, DEFAULT_LIMIT)),
    )


class TodayJson(TypedDict):
    due: int
    today: int  # how many of them today's `mlsd review` shows (the daily limit)
    due_by_case: dict[str, int]
    next_due: str | None  # with nothing due: when the next card is (stored UTC text)
    sessions: int
    next: NextJson


def _advice(
    store: Store, scores: Scores, framework: Framework, dirs: list[Path], now: datetime
) -> tuple[NextJson, list[DueCard], int]:
    """ "Next", the cards due, and how many sessions there are (``scores`` refreshed)."""
    recent = scores.recent(RECENT_WINDOW, now)
    items, _ = due_cards(store, dirs, framework, now, scores)
    totals = reviews.case_totals(store)
    nxt = advise(
        recent,
        framework,
        step_trends(recent, framework),
        case_infos(dirs),
        due_by_step(items),
        {t.case_id for t in totals},
    )
    return nxt, items, sum(t.sessions + t.drills for t in totals)


def today(store: Store, dirs: list[Path], framework: Framework, now: datetime) -> TodayJson:
    """What ``mlsd`` with no command shows: today's due reviews and what to do next."""
    scores = Scores(store, dirs, framework)
    scores.refresh(now)
    nxt, items, sessions = _advice(store, scores, framework, dirs, now)
    by_case = Counter(i.face.case_id for i in items)
    upcoming = None if items else next_due(scores, framework, now)
    return TodayJson(
        due=len(items),
        today=len(todays_share(store, items, now, DEFAULT_LIMIT)),
        due_by_case=dict(by_case),
        next_due=upcoming,
        sessions=sessions,
        next=nxt,
    )


@dataclass(frozen=True)
class Scheduled:
    """What a session just put on the review schedule."""

    missed: int  # rated Again
    hard: int
    made: int  # Good or Easy
    first_due: str | None  # the soonest of them, UTC text
    next: NextJson


def after_session(
    store: Store, dirs: list[Path], framework: Framework, session_id: str, now: datetime
) -> Scheduled:
    """Score and schedule the session just finished; say what is due when, and what next."""
    scores = Scores(store, dirs, framework)
    scores.refresh(now)
    cards = reviews.session_cards(store, session_id)
    nxt, _, _ = _advice(store, scores, framework, dirs, now)
    return Scheduled(
        missed=sum(1 for r, _ in cards if r == schedule.AGAIN),
        hard=sum(1 for r, _ in cards if r == schedule.HARD),
        made=sum(1 for r, _ in cards if r >= schedule.GOOD),
        first_due=min((d for _, d in cards), default=None),
        next=nxt,
    )
