"""What a stored session looks like to the rest of mlsd: plain, read-only values.

The store keeps answers and an append-only event log; ``SessionRecord`` is the view
derived from them that scoring, export and the views read. Nothing writes through it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MODES = ("practice", "interview")
STATUSES = ("active", "paused", "finished")


@dataclass(frozen=True)
class AnswerEntry:
    step_id: str
    text: str
    revision: int  # 1 for the first answer to a step; each revision adds one
    at: str


@dataclass(frozen=True)
class ClarificationEntry:
    clarification_id: str | None  # None when the question matched no clarification
    question: str
    answer: str
    at: str


@dataclass(frozen=True)
class FollowUpEntry:
    step_id: str
    question: str
    answer: str | None  # None when the candidate skipped it
    at: str


@dataclass(frozen=True)
class Event:
    kind: str
    step_id: str | None
    data: dict[str, Any]
    at: str


@dataclass(frozen=True)
class SessionSummary:
    """One row of ``mlsd sessions``."""

    id: str
    case_id: str
    case_title: str
    mode: str
    level: str
    status: str
    started_at: str
    updated_at: str
    steps_answered: int

    @property
    def short_id(self) -> str:
        return self.id[:8]


@dataclass(frozen=True)
class SessionRecord:
    id: str
    case_id: str
    case_path: str
    case_title: str
    mode: str
    level: str
    minutes: float  # the session's total budget; 0 means untimed
    status: str
    started_at: str
    updated_at: str
    answers: dict[str, str] = field(default_factory=dict)  # step id -> latest text
    history: list[AnswerEntry] = field(default_factory=list)  # every revision, oldest first
    clarifications: list[ClarificationEntry] = field(default_factory=list)
    follow_ups: list[FollowUpEntry] = field(default_factory=list)
    hints: dict[str, int] = field(default_factory=dict)  # step id -> hints revealed
    skipped: list[str] = field(default_factory=list)  # skipped and not answered since
    seconds: dict[str, float] = field(default_factory=dict)  # step id -> time spent
    events: list[Event] = field(default_factory=list)

    @property
    def short_id(self) -> str:
        return self.id[:8]

    @property
    def clarification_ids(self) -> list[str]:
        return [c.clarification_id for c in self.clarifications if c.clarification_id]

    def follow_ups_for(self, step_id: str) -> list[FollowUpEntry]:
        return [f for f in self.follow_ups if f.step_id == step_id]

    def events_of(self, kind: str) -> list[Event]:
        return [e for e in self.events if e.kind == kind]
