"""``mlsd progress``: how the candidate is doing across sessions, and what to do next.

Computed from cached scores (``progress.cache``) and the review cards, never by scoring
10,000 sessions again. The result is the ``--json`` document itself (typed, ``format:
1``, fields only ever added); the terminal view reads the same document, so the two
cannot disagree. Every "today" and "this week" is relative to an injected ``now``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Literal, TypedDict

from mlsd.cases.models import Framework
from mlsd.log.reviews import CaseTotals
from mlsd.progress.cache import SessionScore
from mlsd.progress.schedule import iso, parse_time

FORMAT = 1
TREND = 20  # sessions shown in a step's trend
RECENT_WINDOW = 200  # latest sessions read for trends, missed points and "next"
RECENT = 3  # attempts of a step that say how strong it is now
WEAK = 0.5  # below this recent coverage, a step is the thing to drill
TOP_MISSED = 5
DIFFICULTY_ORDER = {"easy": 0, "medium": 1, "hard": 2}

NextKind = Literal["start", "weak-step", "new-case", "due-reviews"]


class CaseJson(TypedDict):
    case: str
    title: str
    sessions: int  # whole practice sessions
    drills: int
    best: float | None  # coverage of a whole session, 0-1 (None: drills only)
    latest: float | None
    latest_verdict: str | None
    last_practised: str  # ISO 8601, UTC, with its offset (as every time here)


class StepJson(TypedDict):
    step: str
    title: str
    attempts: int
    trend: list[float]  # coverage of the last attempts, oldest first
    recent: float | None  # mean of the last three attempts


class MissedJson(TypedDict):
    point: str  # "<source>:<id>"
    case: str | None  # None for a framework point (counted across cases)
    step: str
    text: str
    missed: int  # of the latest 200 sessions, how many missed it


class NextJson(TypedDict):
    kind: NextKind
    case: str | None
    step: str | None
    reason: str
    command: str


class ProgressJson(TypedDict):
    format: int
    kind: Literal["mlsd-progress"]
    now: str
    sessions: int
    drills: int
    cases: list[CaseJson]
    steps: list[StepJson]
    missed: list[MissedJson]
    streak_days: int
    week_seconds: int
    week_reviews: int
    due_reviews: int
    due_today: int  # how many of them today's `mlsd review` shows (the daily limit)
    next_review: str | None  # when the soonest card due after today is due
    next: NextJson


class CaseInfo(TypedDict):
    """What "next" needs to know of a case nobody has practised yet."""

    id: str
    title: str
    difficulty: str


PointText = dict[tuple[str | None, str], tuple[str, str]]  # (case|None, key) -> (step, text)


def utc_offset_minutes(now: datetime) -> int:
    """How far the candidate's clock is from UTC: their day starts that much earlier."""
    offset = now.utcoffset()
    return round(offset.total_seconds() / 60) if offset is not None else 0


def streak(days: set[date], today: date) -> int:
    """Consecutive days of practice or review, up to today (or up to yesterday, so a
    streak is not lost in the morning before today's practice)."""
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


def build(
    totals: Sequence[CaseTotals],
    recent: Sequence[SessionScore],
    practised: Sequence[tuple[str, float]],
    framework: Framework,
    cases: Sequence[CaseInfo],
    due: Counter[tuple[str, str]],
    reviewed: Sequence[tuple[str, int]],
    texts: PointText,
    now: datetime,
    next_review: str | None = None,
    due_today: int = 0,
) -> ProgressJson:
    """The whole progress document.

    ``totals`` covers every session (aggregated in SQL); ``recent`` is the latest
    ``RECENT_WINDOW`` scores, which the trends, the missed points and "next" read;
    ``practised`` is (local day, seconds) and ``reviewed`` (local day, cards rated);
    ``due`` counts due cards per (case, step); ``next_review`` is stored UTC text.
    """

    today = now.astimezone(now.tzinfo).date()
    monday = today - timedelta(days=today.weekday())
    days_practised = [(date.fromisoformat(d), sec) for d, sec in practised]
    days_reviewed = [(date.fromisoformat(d), n) for d, n in reviewed]
    days = {d for d, _ in days_practised} | {d for d, _ in days_reviewed}
    steps = step_trends(recent, framework)
    titles = {c["id"]: c["title"] for c in cases} | {s.case_id: s.case_title for s in recent}
    return ProgressJson(
        format=FORMAT,
        kind="mlsd-progress",
        now=iso(now),
        sessions=sum(t.sessions for t in totals),
        drills=sum(t.drills for t in totals),
        cases=[
            CaseJson(
                case=t.case_id,
                title=titles.get(t.case_id, t.case_id),
                sessions=t.sessions,
                drills=t.drills,
                best=_share(t.best),
                latest=_share(t.latest),
                latest_verdict=t.latest_verdict,
                last_practised=iso(parse_time(t.last_practised, now)),
            )
            for t in totals
        ],
        steps=steps,
        missed=most_missed(recent, texts),
        streak_days=streak(days, today),
        week_seconds=round(sum(sec for d, sec in days_practised if d >= monday)),
        week_reviews=sum(n for d, n in days_reviewed if d >= monday),
        due_reviews=sum(due.values()),
        due_today=due_today,
        next_review=None if next_review is None else iso(parse_time(next_review, now)),
        next=advise(recent, framework, steps, cases, due, {t.case_id for t in totals}),
    )


def _share(value: float | None) -> float | None:
    """A coverage as JSON shows it: 0.5031, not 0.5031055900621118 (and 0.503105590062112
    for the same session's best and latest, summed in another order)."""
    return None if value is None else round(value, 4)


def step_trends(scores: Sequence[SessionScore], framework: Framework) -> list[StepJson]:
    out: list[StepJson] = []
    for step in framework.steps:
        values = [s.steps[step.id] for s in scores if step.id in s.steps]
        recent = values[-RECENT:]
        out.append(
            StepJson(
                step=step.id,
                title=step.title,
                attempts=len(values),
                trend=[round(v, 4) for v in values[-TREND:]],
                recent=round(sum(recent) / len(recent), 4) if recent else None,
            )
        )
    return out


def missed_key(case_id: str, point: str) -> tuple[str | None, str]:
    """Framework points are the same skill in every case: counted together."""
    return (None, point) if point.startswith("framework:") else (case_id, point)


def most_missed(scores: Sequence[SessionScore], texts: PointText) -> list[MissedJson]:
    counts = missed_counts(scores)
    out: list[MissedJson] = []
    for (case, point), n in counts.most_common():
        step, text = texts.get((case, point), ("", ""))
        if not text:
            continue  # a point no longer in its case
        out.append(MissedJson(point=point, case=case, step=step, text=text, missed=n))
        if len(out) == TOP_MISSED:
            break
    return out


def missed_counts(scores: Sequence[SessionScore]) -> Counter[tuple[str | None, str]]:
    counts: Counter[tuple[str | None, str]] = Counter()
    for s in scores:
        counts.update(missed_key(s.case_id, p) for p in s.missed)
    return counts


def advise(
    scores: Sequence[SessionScore],
    framework: Framework,
    steps: Sequence[StepJson],
    cases: Sequence[CaseInfo],
    due: Counter[tuple[str, str]],
    practised: set[str] | None = None,
) -> NextJson:
    """What to practise next, and why, in this order:

    1. nothing practised yet: the easiest case, whole;
    2. a step whose last three attempts average under half its points: drill it on the
       case where it went worst most recently;
    3. a case never practised: practise it whole (easiest first);
    4. points due for review: drill the step that has the most of them;
    5. otherwise the weakest step.
    """
    practised = practised if practised is not None else {s.case_id for s in scores}
    fresh = sorted(
        (c for c in cases if c["id"] not in practised),
        key=lambda c: (DIFFICULTY_ORDER.get(c["difficulty"], 9), c["id"]),
    )
    if not scores and not practised:
        first = fresh[0] if fresh else None
        return _practise(first, "start", "you have not practised yet: start with a whole case")
    titles = {s.id: s.title for s in framework.steps}
    tried = [s for s in steps if s["recent"] is not None]
    weakest = min(tried, key=lambda s: s["recent"] or 0.0) if tried else None
    if weakest is not None and (weakest["recent"] or 0.0) < WEAK:
        return _drill(scores, weakest, "weak-step")
    if fresh:
        return _practise(fresh[0], "new-case", "never practised")
    if due:
        (case_id, step_id), n = max(due.items(), key=lambda kv: (kv[1], kv[0]))
        what = "point is" if n == 1 else "points are"
        return NextJson(
            kind="due-reviews",
            case=case_id,
            step=step_id,
            reason=f"{n} of its {what} due for review ({titles.get(step_id, step_id)})",
            command=f"drill {step_id} --case {case_id}",
        )
    if weakest is not None:
        return _drill(scores, weakest, "weak-step")
    return _practise(None, "start", "practise a whole case")


def _practise(case: CaseInfo | None, kind: NextKind, reason: str) -> NextJson:
    if case is None:
        return NextJson(kind=kind, case=None, step=None, reason=reason, command="practice")
    return NextJson(
        kind=kind,
        case=case["id"],
        step=None,
        reason=f"{reason}, {case['difficulty']}",
        command=f"practice {case['id']}",
    )


def _drill(scores: Sequence[SessionScore], step: StepJson, kind: NextKind) -> NextJson:
    """The step on the case where its latest attempt went worst (the newest on a tie)."""
    latest: dict[str, float] = {}
    for s in scores:
        if step["step"] in s.steps:
            latest.pop(s.case_id, None)  # re-insert: dict order is then recency
            latest[s.case_id] = s.steps[step["step"]]
    order = list(latest)
    case_id = min(order, key=lambda c: (latest[c], -order.index(c)))
    recent = step["recent"] or 0.0
    n = min(RECENT, step["attempts"])
    tries = "attempt" if n == 1 else f"{n} attempts"
    return NextJson(
        kind=kind,
        case=case_id,
        step=step["step"],
        reason=f"weakest step: {step['title']}, {recent:.0%} of key points in your last {tries}",
        command=f"drill {step['step']} --case {case_id}",
    )
