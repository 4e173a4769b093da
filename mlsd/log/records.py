"""What a stored session looks like to the rest of mlsd: plain, read-only values.

The store keeps answers and an append-only event log; ``SessionRecord`` is the one view
derived from them (``log.projection``) that practice, interview, scoring and export
read. Nothing writes through it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from mlsd._util.levels import Level
from mlsd._util.verdicts import Verdict
from mlsd.log.events import Event, Mode, Payload, Status

P = TypeVar("P", bound=Payload)


@dataclass(frozen=True)
class AnswerEntry:
    step_id: str
    text: str
    revision: int  # 1 for the first answer to a step; each revision adds one
    at: str
    after_event: int = 0  # the log's last event ``seq`` when it was written: its place in the log


@dataclass(frozen=True)
class ClarificationEntry:
    clarification_id: str | None  # None when the question matched no clarification
    question: str
    answer: str
    at: str
    typed: str | None = None  # the interviewer's lookup words, in an interview


@dataclass(frozen=True)
class FollowUpEntry:
    step_id: str
    question: str
    answer: str | None  # None when skipped, or in an interview (the peer hears it)
    at: str
    index: int | None = None
    draft: bool = False  # half-typed when the session stopped; asked again on resume

    @property
    def generated(self) -> bool:
        """Written by the AI interviewer: it has no place in the case's own list."""
        return self.index is None


@dataclass(frozen=True)
class SessionSummary:
    """One row of ``mlsd sessions``."""

    id: str
    case_id: str
    case_title: str
    mode: Mode
    level: Level
    status: Status
    started_at: str
    updated_at: str
    steps_answered: int

    @property
    def short_id(self) -> str:
        return self.id[:8]


@dataclass(frozen=True)
class NoteEntry:
    step_id: str | None
    text: str
    at: str


@dataclass(frozen=True)
class RatingEntry:
    dimension: str
    score: int  # 1 (very weak) to 5 (very strong)
    justification: str


@dataclass(frozen=True)
class InterviewState:
    """What an interview's events say: ticks, follow-ups, hints, probes, notes, ratings."""

    ticked: dict[str, list[str]] = field(default_factory=dict)  # step -> point keys, in order
    follow_ups: dict[str, list[int]] = field(default_factory=dict)  # step -> indices asked
    hints: dict[str, list[int]] = field(default_factory=dict)  # step -> indices given
    probes: dict[str, list[int]] = field(default_factory=dict)  # step -> indices asked
    notes: list[NoteEntry] = field(default_factory=list)
    ratings: dict[str, RatingEntry] = field(default_factory=dict)
    recommendation: str | None = None
    level_estimate: str | None = None
    current_step: str | None = None  # the step last entered
    visited: frozenset[str] = frozenset()  # every step entered at least once
    wrapping_up: bool = False  # the interviewer has moved on to the ratings
    started: bool = False  # a start or resume event exists
    scorecard_target: str | None = None

    def is_ticked(self, step_id: str, key: str) -> bool:
        return key in self.ticked.get(step_id, [])

    def notes_for(self, step_id: str | None) -> list[NoteEntry]:
        return [n for n in self.notes if n.step_id == step_id]


@dataclass(frozen=True)
class SessionRecord:
    id: str
    case_id: str
    case_path: str
    case_title: str
    mode: Mode
    level: Level
    minutes: float  # the session's total budget; 0 means untimed
    status: Status
    started_at: str
    updated_at: str
    answers: dict[str, str] = field(default_factory=dict)  # step id -> latest text
    history: list[AnswerEntry] = field(default_factory=list)  # every revision, oldest first
    clarifications: list[ClarificationEntry] = field(default_factory=list)
    follow_ups: list[FollowUpEntry] = field(default_factory=list)
    hints: dict[str, int] = field(default_factory=dict)  # step id -> hints revealed
    skipped: list[str] = field(default_factory=list)  # skipped and not answered since
    seconds: dict[str, float] = field(default_factory=dict)  # step id -> time spent
    drafts: dict[str, str] = field(default_factory=dict)  # step id -> live half-typed text
    # "<source>:<id>" -> the candidate's own call on a rubric point
    overrides: dict[str, Verdict] = field(default_factory=dict)
    interview: InterviewState = field(default_factory=InterviewState)
    events: list[Event] = field(default_factory=list)
    diagram: str | None = None  # the candidate's latest ``/diagram`` arrows, as typed

    @property
    def short_id(self) -> str:
        return self.id[:8]

    @property
    def clarification_ids(self) -> list[str]:
        return [c.clarification_id for c in self.clarifications if c.clarification_id]

    @property
    def resumed(self) -> bool:
        """Anything happened before: a new run of it is a resume."""
        return bool(self.history or self.events)

    @property
    def drilled_step(self) -> str | None:
        """The one step a drill is about (the first step its log names); None otherwise.

        A drill commits a zero-time event on its step before anything else, so even a
        drill stopped before its first word knows its step.
        """
        if self.mode != "drill":
            return None
        for event in self.events:
            if event.step_id:
                return event.step_id
        return self.history[0].step_id if self.history else None

    def follow_ups_for(self, step_id: str) -> list[FollowUpEntry]:
        return [f for f in self.follow_ups if f.step_id == step_id]

    def events_of(self, kind: type[P]) -> list[tuple[str | None, P]]:
        """(step id, payload) of every event of one kind, in log order."""
        return [(e.step_id, e.payload) for e in self.events if isinstance(e.payload, kind)]

    def revisions(self, step_id: str) -> int:
        return sum(1 for h in self.history if h.step_id == step_id)
