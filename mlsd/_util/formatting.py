"""How mlsd writes a duration, a share, a number and a stored time, everywhere it writes one."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime


def clock(seconds: float) -> str:
    """Seconds as ``m:ss`` (minutes keep counting past 60, as a stopwatch does)."""
    whole = int(abs(float(seconds)))
    return f"{whole // 60}:{whole % 60:02d}"


def percent(ratio: float | None) -> str:
    """A 0-1 ratio as a whole percentage; ``None`` (nothing to measure) as "n/a"."""
    return "n/a" if ratio is None else f"{float(ratio) * 100:.0f}%"


def number(value: float) -> str:
    """A number without a pointless ``.0``: 6.0 as "6", 4.5 as "4.5"."""
    return f"{float(value):g}"


def budget(minutes: float) -> str:
    """A time budget: "6 min" when whole, else as the clock shows it ("1:20")."""
    whole = round(float(minutes))
    return f"{whole} min" if abs(minutes - whole) < 1 / 120 else clock(float(minutes) * 60)


def counted(n: int, word: str) -> str:
    """ "1 point", "3 points": a count with its noun, never "point(s)"."""
    return f"{n} {word if n == 1 else word + 's'}"


def as_utc(stamp: str) -> datetime | None:
    """A stored time ("2026-12-03T06:43:10", UTC unless it says otherwise) as an aware
    UTC datetime; None when it is not a time."""
    from datetime import datetime, timezone

    try:
        moment = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def local_time(stamp: str, length: int = 16) -> str:
    """A stored UTC time ("2026-12-03T06:43:10") as the candidate's own clock shows it,
    "2026-12-03 15:43" in Tokyo; ``length`` 10 keeps the date. Unreadable text is shown
    as stored."""
    from contextlib import suppress

    moment = as_utc(stamp)
    if moment is None:
        return stamp[:length].replace("T", " ")
    with suppress(OverflowError, OSError, ValueError):  # year 1 or 9999 at the zone's edge
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")[:length]
