"""Spaced review of rubric points, scheduled by FSRS (the ``fsrs`` library) at day scale.

A card is one rubric point of one case, keyed ``(case id, "<source>:<point id>")``.
What a session showed about a point is a rating, the same four an Anki user gives:

- **Again**: the point was expected and not made (or the candidate rejected the
  scorer's credit with ``score --reject``);
- **Hard**: made, but only after a hint was shown in the point's own step;
- **Easy**: made unprompted and early: by the scorer (not an override), in the answer to
  the point's own step (not a follow-up, not a later step), with no hint in that step,
  and for a senior or staff point, where a name in a list does not count, so the
  answer had substance;
- **Good**: made in any other way (in another step, in a follow-up answer, a mid-level
  point named, or credited by the candidate's own ``--accept``).

A card's state is the replay of its ratings in the order they happened, so a session
re-scored later (an override, an edited case) changes its rating in place and the card
is rebuilt exactly; ``review_cards`` is that replay kept ready for ``due <= now``.

The scheduler has no learning steps: a missed point comes back the next day, not in ten
minutes, because the candidate practises daily, not in one sitting. No fuzzing either:
the same history gives the same schedule, which makes the schedule testable.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from fsrs import Card, Rating, Scheduler

from mlsd._util.formatting import as_utc
from mlsd.log import reviews
from mlsd.log.reviews import CardRow, LogRow
from mlsd.log.store import Store

if TYPE_CHECKING:
    from mlsd.log.records import SessionRecord
    from mlsd.rubric.scoring import PointResult, Report, StepReport

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATING_NAMES = {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"}

# A card's first rating always comes from a session, where the point had to be recalled
# unprompted in a 45-minute mock; FSRS's defaults for a first rating (a flash card just
# learned: Good 2.3 days, Easy 8.3) brought every point made back within days, and a
# candidate's pile grew faster than a day's review could clear it (a new user's: 94 due on
# the second day, 154 on the ninth). A point made comes back in a week, one made early and
# with substance in three; Again and Hard keep the defaults (the next day).
FIRST_GOOD_DAYS, FIRST_EASY_DAYS = 7.0, 21.0
_DEFAULTS = tuple(Scheduler().parameters)
SCHEDULER = Scheduler(
    parameters=(*_DEFAULTS[:2], FIRST_GOOD_DAYS, FIRST_EASY_DAYS, *_DEFAULTS[4:]),
    learning_steps=(),
    relearning_steps=(),
    enable_fuzzing=False,
)


def stamp(moment: datetime) -> str:
    """A time as the store keeps it: fixed-width UTC text, comparable as text."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def iso(moment: datetime) -> str:
    """A time as every ``--json`` prints it: ISO 8601 in UTC, with its offset."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def parse_time(text: str, fallback: datetime) -> datetime:
    """A stored time back as an aware UTC datetime; anything unreadable is ``fallback``."""
    moment = as_utc(text)
    return fallback if moment is None else moment


def end_of_day(now: datetime) -> datetime:
    """The start of the next day where ``now`` is: "due today" means before this.

    Reviews are day-scale: a point missed yesterday evening is due all of today, not
    only after the hour it was missed.
    """
    local = now if now.tzinfo is not None else now.replace(tzinfo=timezone.utc)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start + timedelta(days=1)


# -- ratings from a session ------------------------------------------------------------


def point_rating(point: PointResult, hints_in_step: int, step_id: str) -> int:
    """The rating one session gives one point (the rules in the module docstring)."""
    if not point.credited:
        return AGAIN
    if point.override == "accept" and not point.covered:
        return HARD if hints_in_step else GOOD
    if hints_in_step:
        return HARD
    ev = point.evidence
    own_step = ev is not None and ev.step_id == step_id and not ev.follow_up
    if own_step and point.level != "mid":
        return EASY
    return GOOD


def tried(step: StepReport, record: SessionRecord) -> bool:
    """The candidate answered the step, or reached it and chose ``/skip``: a skipped step
    is the weakest of all, not one to leave out of progress and review."""
    return step.attempted or step.id in record.skipped


def session_ratings(report: Report, record: SessionRecord) -> dict[str, int]:
    """Point key -> rating, for every expected point of every step the session tried.

    Steps never reached say nothing about the candidate's recall (and a drill tries one
    step), so their points are not rated.
    """
    out: dict[str, int] = {}
    for step in report.steps:
        if not tried(step, record):
            continue
        hints = record.hints.get(step.id, 0)
        for point in step.points:
            if point.expected:
                out[point.key] = point_rating(point, hints, step.id)
    return out


# -- cards -----------------------------------------------------------------------------


def card_id(case_id: str, point_id: str) -> int:
    """A stable id per card (fsrs would otherwise take the clock and sleep 1 ms per card)."""
    digest = hashlib.sha256(f"{case_id}\0{point_id}".encode()).digest()
    return int.from_bytes(digest[:6], "big")


# What the scheduler raises on a card it cannot move: fsrs asserts on missing state,
# converts NaN to int, and adds days past year 9999. A stored card or logged rating
# that makes it raise is broken data, never an error the candidate sees.
_UNSCHEDULABLE = (ValueError, TypeError, OverflowError, AssertionError, ArithmeticError)
RATINGS = (AGAIN, HARD, GOOD, EASY)


def replay(case_id: str, point_id: str, log: Sequence[LogRow], now: datetime) -> Card:
    """The card a point's ratings make, replayed in the order they happened.

    A rating that is not one of the four, or a time after ``now`` (a clock that was wrong,
    a hand-edited row, year 9999), cannot be trusted to place a card: the first is
    skipped and the second counts as ``now``, so the card always comes back.
    """
    card = Card(card_id=card_id(case_id, point_id), due=now)
    for row in log:
        if row.rating not in RATINGS:
            continue
        at = min(parse_time(row.at, now), now.astimezone(timezone.utc))
        if card.last_review is not None and at < card.last_review:
            at = card.last_review  # a clock that stepped back must not break the replay
        try:
            card, _ = SCHEDULER.review_card(card, Rating(row.rating), review_datetime=at)
        except _UNSCHEDULABLE:
            continue
    return card


def load_card(row: CardRow, now: datetime | None = None) -> Card | None:
    """A stored card, or None when it is corrupt (then it is rebuilt from the log).

    Corrupt is JSON that does not parse, and also a card that parses but the scheduler
    cannot move (NaN or zero stability, an unknown state) or that was last reviewed more
    than a day after ``now`` (it would never come due, or overflow the calendar).
    """
    try:
        card = Card.from_json(row.card)
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
        return None
    if not isinstance(card.due, datetime) or card.due.tzinfo is None:
        return None
    if now is None:
        return card
    if card.last_review is not None and (
        not isinstance(card.last_review, datetime)
        or card.last_review.tzinfo is None
        or card.last_review > now + timedelta(days=1)
    ):
        return None
    try:
        next_intervals(card, now)
    except _UNSCHEDULABLE:
        return None
    return card


def card_row(case_id: str, point_id: str, card: Card) -> CardRow:
    return CardRow(case_id, point_id, card.to_json(), stamp(card.due))


def rebuild(store: Store, case_id: str, point_ids: Sequence[str], now: datetime) -> None:
    """Replay the named points' logs into their cards (after a session's ratings changed)."""
    rows = []
    for point_id in point_ids:
        log = reviews.point_log(store, case_id, point_id)
        if log:
            rows.append(card_row(case_id, point_id, replay(case_id, point_id, log, now)))
    if rows:
        reviews.put_cards(store, rows, stamp(now))


def current_card(store: Store, row: CardRow, now: datetime) -> Card:
    """The card as stored, or, when that row is corrupt, rebuilt from its ratings."""
    card = load_card(row, now)
    if card is not None:
        return card
    return replay(
        row.case_id, row.point_id, reviews.point_log(store, row.case_id, row.point_id), now
    )


def rate(store: Store, row: CardRow, rating: int, now: datetime) -> Card:
    """The candidate rated their recall in ``mlsd review``: move the card and log it."""
    card = current_card(store, row, now)
    moment = now.astimezone(timezone.utc)
    if card.last_review is not None and moment < card.last_review:
        moment = card.last_review
    card, _ = SCHEDULER.review_card(card, Rating(rating), review_datetime=moment)
    reviews.review(store, card_row(row.case_id, row.point_id, card), rating, stamp(moment))
    return card


def next_intervals(card: Card, now: datetime) -> dict[int, timedelta]:
    """How far away each rating would put the card: shown beside the four choices."""
    moment = now.astimezone(timezone.utc)
    if card.last_review is not None and moment < card.last_review:
        moment = card.last_review
    out = {}
    for rating in RATINGS:
        moved, _ = SCHEDULER.review_card(card, Rating(rating), review_datetime=moment)
        out[rating] = moved.due - moment
    return out


def days_text(delta: timedelta) -> str:
    days = max(1, round(delta.total_seconds() / 86400))
    return "1 day" if days == 1 else f"{days} days"
