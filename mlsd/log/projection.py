"""The one projection: a session's answers and event log replayed into its state.

Every reader of a session (practice, interview, scoring, export, the views) sees the
``SessionRecord`` built here, so "what happened" is interpreted in exactly one place.
The log is replayed in insertion order; timestamps are carried, never compared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from mlsd._util.levels import Level
from mlsd._util.verdicts import Verdict
from mlsd.log import events as ev
from mlsd.log.events import Mode, Status
from mlsd.log.records import (
    AnswerEntry,
    ClarificationEntry,
    FollowUpEntry,
    InterviewState,
    NoteEntry,
    RatingEntry,
    SessionRecord,
)

RATING_SCALE = 5  # ratings run from 1 to this
# One stretch of time on a step; past it (a year), a logged time is not one mlsd wrote.
MAX_STEP_SECONDS = 365 * 24 * 3600


@dataclass(frozen=True)
class SessionRow:
    """The session's own row, as stored."""

    id: str
    case_id: str
    case_path: str
    case_title: str
    mode: Mode
    level: Level
    minutes: float
    status: Status
    started_at: str
    updated_at: str


@dataclass
class _Interview:
    ticked: dict[str, list[str]] = field(default_factory=dict)
    follow_ups: dict[str, list[int]] = field(default_factory=dict)
    hints: dict[str, list[int]] = field(default_factory=dict)
    probes: dict[str, list[int]] = field(default_factory=dict)
    notes: list[NoteEntry] = field(default_factory=list)
    ratings: dict[str, RatingEntry] = field(default_factory=dict)
    recommendation: str | None = None
    level_estimate: str | None = None
    current_step: str | None = None
    visited: set[str] = field(default_factory=set)
    wrapping_up: bool = False
    started: bool = False
    scorecard_target: str | None = None

    def apply(self, event: ev.Event) -> None:
        """The interviewer's events: ticks, notes, ratings, steps entered."""
        step, p = event.step_id, event.payload
        if isinstance(p, (ev.Tick, ev.Untick)) and step:
            keys = self.ticked.setdefault(step, [])
            key = f"{p.source}:{p.id}"
            if key in keys:
                keys.remove(key)
            if isinstance(p, ev.Tick):
                keys.append(key)
        elif isinstance(p, ev.Note) and p.text.strip():
            self.notes.append(NoteEntry(step, p.text, event.at))
        elif isinstance(p, ev.Probe) and step:
            asked = self.probes.setdefault(step, [])
            if p.index not in asked:
                asked.append(p.index)
        elif isinstance(p, ev.Rating) and p.dimension and 1 <= p.score <= RATING_SCALE:
            self.ratings[p.dimension] = RatingEntry(p.dimension, p.score, p.justification)
        elif isinstance(p, ev.Recommendation):
            self.recommendation = p.value or None
        elif isinstance(p, ev.LevelEstimate):
            self.level_estimate = p.level or None
        elif isinstance(p, ev.Enter) and step:
            self.current_step, self.wrapping_up = step, False
            self.visited.add(step)
        elif isinstance(p, ev.WrapUp):
            self.wrapping_up = True
        elif isinstance(p, (ev.Start, ev.Resume)):
            self.started = True
        elif isinstance(p, ev.ScorecardTarget):
            self.scorecard_target = p.path

    def frozen(self) -> InterviewState:
        return InterviewState(
            ticked=self.ticked,
            follow_ups=self.follow_ups,
            hints=self.hints,
            probes=self.probes,
            notes=self.notes,
            ratings=self.ratings,
            recommendation=self.recommendation,
            level_estimate=self.level_estimate,
            current_step=self.current_step,
            visited=frozenset(self.visited),
            wrapping_up=self.wrapping_up,
            started=self.started,
            scorecard_target=self.scorecard_target,
        )


def project(
    row: SessionRow, history: Sequence[AnswerEntry], events: Sequence[ev.Event]
) -> SessionRecord:
    answers: dict[str, str] = {}
    revisions: dict[str, int] = {}
    for entry in history:
        answers[entry.step_id] = entry.text
        revisions[entry.step_id] = entry.revision
    clarifications: list[ClarificationEntry] = []
    follow_ups: list[FollowUpEntry] = []
    hints: dict[str, int] = {}
    skipped: dict[str, int] = {}  # step -> revisions it had when skipped
    seconds: dict[str, float] = {}
    drafts: dict[str, tuple[str, int]] = {}
    overrides: dict[str, Verdict] = {}
    diagram: str | None = None
    state = _Interview()
    for event in events:
        step, p = event.step_id, event.payload
        if isinstance(p, ev.Clarification):
            clarifications.append(ClarificationEntry(p.id, p.question, p.answer, event.at, p.typed))
        elif isinstance(p, ev.FollowUp) and step:
            asked = FollowUpEntry(step, p.question, p.answer, event.at, p.index, p.draft)
            last = follow_ups[-1] if follow_ups else None
            if last and last.draft and (last.step_id, last.question) == (step, p.question):
                follow_ups[-1] = asked  # the answer given on resume replaces the draft
            else:
                follow_ups.append(asked)
            if p.index is not None and p.index not in state.follow_ups.setdefault(step, []):
                state.follow_ups[step].append(p.index)
        elif isinstance(p, ev.Hint) and step:
            hints[step] = hints.get(step, 0) + 1
            if p.index not in state.hints.setdefault(step, []):
                state.hints[step].append(p.index)
        elif isinstance(p, ev.Skip) and step:
            skipped[step] = _revisions_before(history, step, event)
        elif isinstance(p, ev.Time) and step:
            if 0 <= p.seconds <= MAX_STEP_SECONDS:  # a hand-edited -5 or 1e308 is no time
                seconds[step] = seconds.get(step, 0.0) + p.seconds
        elif isinstance(p, ev.Draft) and step:
            drafts[step] = (p.text, p.base_revision)
        elif isinstance(p, ev.Override):
            if p.verdict in ("accept", "reject"):
                overrides[p.point] = "accept" if p.verdict == "accept" else "reject"
            else:
                overrides.pop(p.point, None)
        elif isinstance(p, ev.Diagram):
            diagram = p.text if p.text.strip() else None  # an empty one takes it back
        else:
            state.apply(event)
    return SessionRecord(
        id=row.id,
        case_id=row.case_id,
        case_path=row.case_path,
        case_title=row.case_title,
        mode=row.mode,
        level=row.level,
        minutes=row.minutes,
        status=row.status,
        started_at=row.started_at,
        updated_at=row.updated_at,
        answers=answers,
        history=list(history),
        clarifications=clarifications,
        follow_ups=follow_ups,
        hints=hints,
        skipped=[s for s, base in skipped.items() if revisions.get(s, 0) <= base],
        seconds=seconds,
        drafts={s: text for s, (text, base) in drafts.items() if revisions.get(s, 0) <= base},
        overrides=overrides,
        interview=state.frozen(),
        events=list(events),
        diagram=diagram,
    )


def _revisions_before(history: Sequence[AnswerEntry], step: str, event: ev.Event) -> int:
    """How many revisions the step had when it was skipped.

    Answers and events are two tables; each answer row carries the event log's last
    sequence number when it was written, so the comparison never reads a clock.
    """
    return sum(1 for h in history if h.step_id == step and h.after_event < event.seq)
