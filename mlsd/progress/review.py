"""``mlsd review``: the due cards, and a review run over them (pure, over an asker).

The run shows a card's front, takes the candidate's recall (typed, or only thought),
shows the back, and asks for a rating; each rating is committed the moment it is given,
so stopping half-way loses nothing. It never touches the terminal: the view implements
``ReviewAsker`` and tests drive it with a scripted one.

Like Anki's daily limit, a day's review shows at most ``DEFAULT_LIMIT`` cards (``--limit``),
most important first (``order``): a long session that misses 40 points must not turn the
next morning into 40 cards. The rest stay due and come first on the following days.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal, Protocol, TypedDict

from mlsd.cases.models import Framework, RubricPoint
from mlsd.errors import StoreError
from mlsd.log import reviews
from mlsd.log.reviews import CardRow
from mlsd.log.store import Store
from mlsd.progress import schedule
from mlsd.progress.cache import Scores
from mlsd.progress.cards import CardFace, face, locate, recalled
from mlsd.progress.summary import utc_offset_minutes

FORMAT = 1
DEFAULT_LIMIT = 20  # cards a day's review shows


@dataclass(frozen=True)
class DueCard:
    row: CardRow
    face: CardFace


class DueItemJson(TypedDict):
    case: str
    case_title: str
    point: str  # "<source>:<id>", as `score --accept` takes it
    step: str
    step_title: str
    level: str
    prompt: str  # the front: the point with its key words blanked
    probe: str | None
    due: str  # ISO 8601, UTC, with its offset


class DueJson(TypedDict):
    format: int
    kind: Literal["mlsd-review-due"]
    now: str  # ISO 8601, UTC, with its offset (every time here is)
    count: int
    today: int  # how many of them today's `mlsd review` shows (the daily limit)
    limit: int
    next_due: str | None  # the soonest card due after today (None: no card at all)
    due: list[DueItemJson]  # in the order the review shows them


def describe(scores: Scores, framework: Framework, rows: list[CardRow]) -> list[DueCard]:
    """Cards with their faces; a card whose case or point is gone is left out."""
    located: dict[str, dict[str, tuple[str, RubricPoint]]] = {}
    out: list[DueCard] = []
    for row in rows:
        case = scores.case_by_id(row.case_id)
        if case is None:
            continue
        if case.id not in located:
            located[case.id] = locate(case, framework)
        found = located[case.id].get(row.point_id)
        if found is None:
            continue
        out.append(DueCard(row, face(case, framework, row.point_id, found)))
    return out


def due_cards(
    store: Store,
    dirs: list[Path],
    framework: Framework,
    now: datetime,
    scores: Scores | None = None,
) -> tuple[list[DueCard], Scores]:
    """Cards due today (before the end of ``now``'s day).

    Without ``scores`` (already refreshed by the caller), the schedule is first brought
    up to date: sessions finished or overridden since the last look are counted.
    """
    if scores is None:
        scores = Scores(store, dirs, framework)
        scores.refresh(now)
    rows = reviews.cards(store, due_before=schedule.stamp(schedule.end_of_day(now)))
    return describe(scores, framework, rows), scores


def order(items: list[DueCard]) -> list[DueCard]:
    """The order a review shows cards in: core points at senior or staff level, other core
    points, other senior and staff points, then the rest; the longest due first in each."""

    def rank(item: DueCard) -> tuple[int, str]:
        face, deep = item.face, item.face.level != "mid"
        tier = 0 if face.core and deep else 1 if face.core else 2 if deep else 3
        return tier, item.row.due

    return sorted(items, key=rank)


def reviewed_today(store: Store, now: datetime) -> int:
    """Cards rated in ``mlsd review`` since the start of the candidate's day."""
    start = schedule.stamp(schedule.end_of_day(now) - timedelta(days=1))
    return sum(n for _, n in reviews.review_days(store, start, utc_offset_minutes(now)))


def todays_share(store: Store, items: list[DueCard], now: datetime, limit: int) -> list[DueCard]:
    """What today's review shows: the first of ``order(items)``, up to what is left of
    the daily ``limit`` after the cards already reviewed today."""
    left = max(0, limit - reviewed_today(store, now))
    return order(items)[:left]


def next_due(scores: Scores, framework: Framework, now: datetime) -> str | None:
    """When the soonest card due after today is due (stored UTC text), or None."""
    after = schedule.stamp(schedule.end_of_day(now))
    for row in reviews.cards(scores.store):
        if row.due >= after and describe(scores, framework, [row]):
            return row.due
    return None


def due_json(
    items: list[DueCard], now: datetime, today: int, limit: int, upcoming: str | None
) -> DueJson:
    """``items`` in review order (``order``); ``today`` of them are today's review."""
    return DueJson(
        format=FORMAT,
        kind="mlsd-review-due",
        now=schedule.iso(now),
        count=len(items),
        today=today,
        limit=limit,
        next_due=None if upcoming is None else schedule.iso(schedule.parse_time(upcoming, now)),
        due=[
            DueItemJson(
                case=i.face.case_id,
                case_title=i.face.case_title,
                point=i.face.point_id,
                step=i.face.step_id,
                step_title=i.face.step_title,
                level=i.face.level,
                prompt=i.face.cloze,
                probe=i.face.probe,
                due=schedule.iso(schedule.parse_time(i.row.due, now)),
            )
            for i in items
        ],
    )


def due_by_step(items: list[DueCard]) -> Counter[tuple[str, str]]:
    return Counter((i.face.case_id, i.face.step_id) for i in items)


def due_by_case(items: list[DueCard]) -> Counter[str]:
    return Counter(i.face.case_id for i in items)


class ReviewAsker(Protocol):
    """The terminal as a review run sees it."""

    def front(self, card: CardFace, position: int, total: int) -> None: ...

    def recall(self) -> str:
        """What the candidate remembers (may be empty: they only thought it)."""
        ...

    def back(self, card: CardFace, hit: bool | None) -> None:
        """The answer; ``hit`` says whether the recall made the point (None: not typed)."""
        ...

    def rate(self, intervals: dict[int, timedelta]) -> int | None:
        """1 Again, 2 Hard, 3 Good, 4 Easy; None stops the review."""
        ...


@dataclass(frozen=True)
class ReviewResult:
    reviewed: int
    left: int
    ratings: dict[int, int]  # rating -> how many
    unsaved: str = ""  # why the review stopped at a rating it could not store


def run_review(
    store: Store, items: list[DueCard], asker: ReviewAsker, clock: Callable[[], datetime]
) -> ReviewResult:
    """Review each due card once; every rating is committed as it is given."""
    done: Counter[int] = Counter()
    for n, item in enumerate(items, start=1):
        asker.front(item.face, n, len(items))
        typed = asker.recall()
        hit = recalled(item.face, typed) if typed.strip() else None
        asker.back(item.face, hit)
        now = clock()
        card = schedule.current_card(store, item.row, now)
        rating = asker.rate(schedule.next_intervals(card, now))
        if rating is None:
            break
        try:
            schedule.rate(store, item.row, rating, now)
        except StoreError as exc:  # the ratings before this one are stored
            reviewed = sum(done.values())
            return ReviewResult(reviewed, len(items) - reviewed, dict(done), exc.message)
        done[rating] += 1
    reviewed = sum(done.values())
    return ReviewResult(reviewed, len(items) - reviewed, dict(done))
