"""What the interviewer's screen shows, as plain data, and the protocol that shows it.

The interview (``mlsd.interview.flow``) decides what happens; these builders decide what the
interviewer sees of it, from the case, the framework and the state derived from the
event log. Pure values and functions: the terminal side (``mlsd.ui``) renders them, and
tests read them directly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from mlsd._util.formatting import clock as format_clock
from mlsd._util.formatting import counted
from mlsd.cases.models import Case, Framework
from mlsd.interview.checklist import (
    DIMENSIONS,
    Dimension,
    Evidence,
    Point,
    step_points,
)
from mlsd.log.records import InterviewState, RatingEntry, SessionRecord
from mlsd.run.lifecycle import Choice


@dataclass(frozen=True)
class Opening:
    case_id: str
    title: str
    summary: str
    prompt: str  # read out to the candidate
    level: str
    minutes: float  # 0 when untimed
    agenda: list[tuple[str, float]]  # (step title, budget in minutes)
    resumed: bool
    where: str  # on resume: where the interview continues, and what is recorded so far


@dataclass(frozen=True)
class FollowUpItem:
    number: int
    question: str
    listen_for: list[str]
    asked: bool


@dataclass(frozen=True)
class StepScreen:
    """Everything the interviewer needs for one step, as of the last committed event."""

    step_id: str
    number: int
    count: int
    title: str
    goal: str
    minutes: float  # budget; 0 when untimed
    level: str  # the level the candidate interviews for
    points: list[Point]
    ticked: frozenset[str]  # point keys
    follow_ups: list[FollowUpItem]
    probes: list[str]  # interviewer-only questions aimed at specific points
    hints_total: int
    hints_given: int
    notes: list[str]
    clarifications: list[str]  # questions answered so far in the interview
    key_clarifications: tuple[int, int]  # (key ones asked, key ones in the case)


@dataclass(frozen=True)
class ReadOut:
    """Something for the interviewer to say aloud, shown under the step screen."""

    title: str
    text: str
    asked: str | None = None  # the candidate's question, for clarifications
    listen_for: tuple[str, ...] = ()


@dataclass(frozen=True)
class StepEvidence:
    """One step's ticks, as evidence while rating the dimension it feeds."""

    title: str
    ticked: int
    points: int
    missed: list[str]  # expected at the candidate's level and not ticked
    follow_ups: int  # asked
    hints: int  # given
    reached: bool  # the interview got to this step at all


@dataclass(frozen=True)
class RatingScreen:
    dimension: Dimension
    number: int
    count: int  # the dimensions to rate: those not assessed are left out
    evidence: list[StepEvidence]
    notes: list[str]
    not_assessed: tuple[str, ...] = ()  # dimensions left unrated: their steps not reached


class Interviewer(Protocol):
    """The interviewer's terminal as the interview sees it."""

    def select(
        self,
        message: str,
        choices: Sequence[Choice],
        *,
        default: str | None = None,
        status: Callable[[], str] | None = None,
        shortcuts: bool = False,
    ) -> str:
        """One choice; ``status`` is a live line (the clock) kept current while waiting."""
        ...

    def checklist(
        self,
        message: str,
        choices: Sequence[Choice],
        checked: Sequence[str],
        *,
        status: Callable[[], str] | None = None,
    ) -> list[str]:
        """The values left checked. Interrupted, it raises with ``.checked`` set."""
        ...

    def line(self, message: str, *, keep_draft: bool = False) -> str:
        """One line of text; with ``keep_draft`` Ctrl-C raises with ``.draft`` set."""
        ...

    def opening(self, opening: Opening) -> None: ...

    def step(self, screen: StepScreen) -> None: ...

    def read_out(self, said: ReadOut) -> None: ...

    def rating(self, screen: RatingScreen) -> None: ...

    def ratings(self, rows: Sequence[tuple[str, RatingEntry | None]]) -> None:
        """All the ratings given, before the overall recommendation."""
        ...

    def evidence(self, evidence: Evidence, level: str) -> None: ...

    def note(self, text: str) -> None: ...


def step_screen(
    case: Case,
    framework: Framework,
    record: SessionRecord,
    state: InterviewState,
    budgets: dict[str, float],
    step_id: str,
) -> StepScreen:
    fs = framework.step(step_id)
    case_step = case.steps.get(step_id)
    asked = state.follow_ups.get(step_id, [])
    key_ids = {c.id for c in case.clarifications if c.key}
    asked_ids = set(record.clarification_ids)
    return StepScreen(
        step_id=step_id,
        number=framework.step_ids.index(step_id) + 1,
        count=len(framework.steps),
        title=fs.title,
        goal=fs.goal,
        minutes=budgets[step_id] if record.minutes else 0,
        level=record.level,
        points=step_points(case, framework, step_id, record.level),
        ticked=frozenset(state.ticked.get(step_id, [])),
        follow_ups=[
            FollowUpItem(i + 1, f.question, list(f.listen_for), i in asked)
            for i, f in enumerate(case_step.follow_ups if case_step else [])
        ],
        probes=list(case_step.probes) if case_step else [],
        hints_total=len(case_step.hints) if case_step else 0,
        hints_given=len(state.hints.get(step_id, [])),
        notes=[n.text for n in state.notes_for(step_id)],
        clarifications=[c.question for c in record.clarifications],
        key_clarifications=(len(key_ids & asked_ids), len(key_ids)),
    )


def rating_screen(
    case: Case,
    framework: Framework,
    record: SessionRecord,
    state: InterviewState,
    dim: Dimension,
    number: int,
    count: int = len(DIMENSIONS),
    not_assessed: Sequence[str] = (),
) -> RatingScreen:
    """The evidence for one dimension: its steps' ticks, misses, follow-ups and hints."""
    evidence = []
    for step_id in dim.steps:
        if step_id not in framework.step_ids:
            continue
        points = step_points(case, framework, step_id, record.level)
        ticked = [p for p in points if state.is_ticked(step_id, p.key)]
        evidence.append(
            StepEvidence(
                title=framework.step(step_id).title,
                ticked=len(ticked),
                points=len(points),
                missed=[p.text for p in points if p.expected and p not in ticked],
                follow_ups=len(state.follow_ups.get(step_id, [])),
                hints=len(state.hints.get(step_id, [])),
                reached=step_id in state.visited,
            )
        )
    notes = [
        n.text
        for n in state.notes
        if n.step_id in dim.steps or (not dim.steps and n.step_id is not None)
    ]
    return RatingScreen(dim, number, count, evidence, notes, tuple(not_assessed))


def opening(
    case: Case,
    framework: Framework,
    record: SessionRecord,
    state: InterviewState,
    budgets: dict[str, float],
    where: str | None,
) -> Opening:
    """The opening; ``where`` (the step to continue at) is given when resuming."""
    ticks = sum(len(keys) for keys in state.ticked.values())
    return Opening(
        case_id=case.id,
        title=case.title,
        summary=case.summary,
        prompt=case.prompt,
        level=record.level,
        minutes=record.minutes,
        agenda=[(s.title, budgets[s.id]) for s in framework.steps],
        resumed=where is not None,
        where=f"Continuing at {where}; {counted(ticks, 'point')} ticked so far." if where else "",
    )


def step_menu(screen: StepScreen, next_title: str | None) -> list[Choice]:
    """The step's actions, with counts so the interviewer sees what is left to use.

    ``next_title`` is None on the last step, where moving on means rating.
    """
    choices = [
        Choice(
            "tick",
            f"Tick what the candidate covered ({len(screen.ticked)} of {len(screen.points)})",
        )
    ]
    if screen.follow_ups:
        asked = sum(f.asked for f in screen.follow_ups)
        choices.append(
            Choice("follow_up", f"Ask a follow-up ({asked} of {len(screen.follow_ups)} asked)")
        )
    if screen.hints_total:
        choices.append(
            Choice("hint", f"Give a hint ({screen.hints_given} of {screen.hints_total} given)")
        )
    if screen.probes:
        choices.append(
            Choice("probe", f"Probe: questions if they stall ({len(screen.probes)}, yours)")
        )
    return [
        *choices,
        Choice("clarify", "Answer a question the candidate asked"),
        Choice("note", "Add a note"),
        Choice("next", f"Next step: {next_title}" if next_title else "Finish: rate the candidate"),
        Choice("goto", "Go back or jump to another step…"),
        Choice("pause", "Pause (saved; continue with mlsd resume)"),
    ]


def clock_line(
    title: str, spent: float, total: float, budget: float | None, total_budget: float
) -> str:
    """The live clock, in seconds; a gentle nudge once the step runs over its budget."""
    if budget is None:
        return f"{title} {format_clock(spent)} · total {format_clock(total)} ·"
    line = (
        f"{title} {format_clock(spent)} / {format_clock(budget)} · total "
        f"{format_clock(total)} / {format_clock(total_budget)} ·"
    )
    if spent > budget:
        # First, so that a half-width window beside a video call still shows it.
        line = f"over by {format_clock(spent - budget)}: move on · " + line
    return line
