"""Stored rows back as typed values, whatever a hand edit or a damaged file left in them.

SQLite keeps any value in any column: a ``minutes`` of ``'abc'`` or infinity, a
``level`` of ``'principal'``, an answer stored as a BLOB. This is the one place the
store's session and answer rows are read, so the rest of mlsd can trust the types it is
given. A value that cannot be what mlsd wrote takes a safe default (an untimed budget,
the default level, a paused session, the text decoded as far as it goes) rather than
hiding the user's other sessions and answers behind an error.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Sequence
from typing import TypeVar, get_args

from mlsd._util.levels import LEVELS, Level
from mlsd.log.events import Mode, Status
from mlsd.log.projection import SessionRow
from mlsd.log.records import AnswerEntry, SessionSummary

T = TypeVar("T", bound=str)

MODES: tuple[Mode, ...] = get_args(Mode)  # the Literals' own values: one list of each
STATUSES: tuple[Status, ...] = get_args(Status)
DEFAULT_LEVEL: Level = "senior"  # what a session is scored at when its level is unreadable
# Paused: neither counted as finished by progress nor refused by `mlsd resume`.
DEFAULT_STATUS: Status = "paused"
MAX_MINUTES = 1_000_000.0  # far past any budget `--minutes` accepts (600)


def text(value: object) -> str:
    """A TEXT column's value as text: a BLOB decoded (bad bytes replaced), NULL as ""."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return "" if value is None else str(value)


def optional_text(value: object) -> str | None:
    return None if value is None else text(value)


def count(value: object, default: int = 0) -> int:
    """An INTEGER column's value; anything else (text, a blob, a real) is ``default``."""
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def choice(value: object, allowed: Sequence[T], default: T) -> T:
    """One of ``allowed`` (a ``Literal``'s values), or ``default`` for anything else."""
    for known in allowed:
        if value == known:
            return known
    return default


def minutes(value: object) -> float:
    """A session's budget; text, NaN, infinity or a negative number mean untimed (0)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        if math.isfinite(number) and 0 <= number <= MAX_MINUTES:
            return number
    return 0.0


def mode(value: object, interviewed: bool) -> Mode:
    """A session's mode; an unknown one is an interview if the interviewer entered a
    step (only interviews log that), otherwise practice."""
    return choice(value, MODES, "interview" if interviewed else "practice")


def session_row(row: sqlite3.Row, interviewed: bool) -> SessionRow:
    return SessionRow(
        id=text(row["id"]),
        case_id=text(row["case_id"]),
        case_path=text(row["case_path"]),
        case_title=text(row["case_title"]),
        mode=mode(row["mode"], interviewed),
        level=choice(row["level"], LEVELS, DEFAULT_LEVEL),
        minutes=minutes(row["minutes"]),
        status=choice(row["status"], STATUSES, DEFAULT_STATUS),
        started_at=text(row["started_at"]),
        updated_at=text(row["updated_at"]),
    )


def summary(row: sqlite3.Row, interviewed: bool = False) -> SessionSummary:
    """A row of ``mlsd sessions``: a session's columns and how many steps it has reached."""
    return SessionSummary(
        text(row["id"]),
        text(row["case_id"]),
        text(row["case_title"]),
        mode(row["mode"], interviewed),
        choice(row["level"], LEVELS, DEFAULT_LEVEL),
        choice(row["status"], STATUSES, DEFAULT_STATUS),
        text(row["started_at"]),
        text(row["updated_at"]),
        count(row["answered"]),
    )


def answers(rows: Sequence[sqlite3.Row]) -> list[AnswerEntry]:
    """Every revision, oldest first; a revision number that is not one counts on."""
    seen: dict[str, int] = {}
    out: list[AnswerEntry] = []
    for r in rows:
        step = text(r["step_id"])
        revision = count(r["revision"], seen.get(step, 0) + 1)
        seen[step] = revision
        out.append(
            AnswerEntry(step, text(r["text"]), revision, text(r["at"]), count(r["after_event"]))
        )
    return out
