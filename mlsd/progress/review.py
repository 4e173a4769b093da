"""``mlsd review``: the due cards, and a review run over them (pure, over an asker).

The run shows a card's front, takes the candidate's recall (typed, or only thought),
shows the back, and asks for a rating; each rating is committed the moment it is given,
so stopping half-way loses nothing. It never touches the terminal: the view implements
``ReviewAsker`` and tests drive it with a scripted one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal, Protocol, TypedDict

from mlsd.cases.models import Framework, RubricPoint
from mlsd.log import reviews
from mlsd.log.reviews import CardRow
from mlsd.log.store import Store
from mlsd.progress import schedule
from mlsd.progress.cache import Scores
from mlsd.progress.cards import CardFace, face, locate

FORMAT = 1


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
    due: str  # UTC, YYYY-MM-DDTHH:MM:SS


class DueJson(TypedDict):
    format: int
    kind: Literal["mlsd-review-due"]
    now: str
    count: int
    due: list[DueItemJson]


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


def due_json(items: list[DueCard], now: datetime) -> DueJson:
    return DueJson(
        format=FORMAT,
        kind="mlsd-review-due",
        now=now.isoformat(timespec="seconds"),
        count=len(items),
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
                due=i.row.due,
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


def run_review(
    store: Store, items: list[DueCard], asker: ReviewAsker, clock: Callable[[], datetime]
) -> ReviewResult:
    """Review each due card once; every rating is committed as it is given."""
    from mlsd.rubric.matching import find

    done: Counter[int] = Counter()
    for n, item in enumerate(items, start=1):
        asker.front(item.face, n, len(items))
        typed = asker.recall()
        hit = (
            find(item.face.match, typed, listing_counts=item.face.level == "mid") is not None
            if typed.strip()
            else None
        )
        asker.back(item.face, hit)
        now = clock()
        card = schedule.current_card(store, item.row, now)
        rating = asker.rate(schedule.next_intervals(card, now))
        if rating is None:
            break
        schedule.rate(store, item.row, rating, now)
        done[rating] += 1
    reviewed = sum(done.values())
    return ReviewResult(reviewed, len(items) - reviewed, dict(done))
