"""Score a session's answers against the rubric: which key points are there, which are not.

The result is a tree of frozen dataclasses (feedback objects, not text) that the views,
the exporter and ``--json`` all read. What is measured is *coverage of key points*: an
answer that names the right ideas scores well even if the design built from them is
wrong. It says nothing about the correctness of the design, and the report says so.

The rules, documented for users in docs/scoring.md:

- Every step is scored on the framework's generic points plus the case's own points.
- A point is *expected* when its level is at or below the session's level
  (mid < senior < staff). Points above the level are bonus: shown when covered, never
  counted against the candidate.
- Step coverage is the weight of the expected points covered over the weight of all
  expected points. A step with an empty answer is not attempted and scores 0.
- Overall coverage is the same ratio over every step, attempted or not, so skipping a
  step costs exactly the points it holds.
- Time and hints are reported beside the score and never change it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from mlsd._util.levels import LEVELS, Level, rank
from mlsd.cases.models import Case, Framework, RubricPoint
from mlsd.rubric.levels import LevelSignal, level_signal
from mlsd.rubric.matching import Match, covers, find

MEASURES = "coverage of key points, not the correctness of the design"

Source = Literal["framework", "case"]


@dataclass(frozen=True)
class PointResult:
    """One rubric point judged against one step's answer."""

    id: str
    point: str
    why: str
    source: Source
    level: Level
    weight: int
    expected: bool  # at or below the session's level
    match: Match | None  # where the answer covers it; None when it does not

    @property
    def covered(self) -> bool:
        return self.match is not None

    @property
    def bonus(self) -> bool:
        """Covered although not expected at this level: credit shown, never required."""
        return self.covered and not self.expected


@dataclass(frozen=True)
class FollowUpResult:
    question: str
    listen_for: tuple[str, ...]
    anticipated: bool  # the answer already mentions something the follow-up listens for


@dataclass(frozen=True)
class StepReport:
    id: str
    title: str
    answer: str
    attempted: bool
    points: tuple[PointResult, ...]
    follow_ups: tuple[FollowUpResult, ...]
    reference: str
    covered_weight: int  # of expected points
    expected_weight: int
    hints: int
    seconds: float | None
    budget_seconds: float

    @property
    def coverage(self) -> float:
        return _ratio(self.covered_weight, self.expected_weight, self.attempted)

    @property
    def covered(self) -> tuple[PointResult, ...]:
        return tuple(p for p in self.points if p.covered)

    @property
    def missed(self) -> tuple[PointResult, ...]:
        """Expected points the answer does not cover (bonus points are never missed)."""
        return tuple(p for p in self.points if p.expected and not p.covered)


@dataclass(frozen=True)
class ClarificationReport:
    asked: tuple[str, ...]  # ids, in the order asked, each once
    key_ids: tuple[str, ...]
    key_asked: tuple[str, ...]
    key_missed: tuple[tuple[str, str], ...]  # (id, question)

    @property
    def coverage(self) -> float:
        return _ratio(len(self.key_asked), len(self.key_ids), True)


@dataclass(frozen=True)
class Report:
    case_id: str
    case_title: str
    level: Level
    steps: tuple[StepReport, ...]
    clarifications: ClarificationReport
    level_signal: LevelSignal
    covered_weight: int
    expected_weight: int

    @property
    def coverage(self) -> float:
        """Weighted over every step; a step not attempted counts with nothing covered."""
        return _ratio(self.covered_weight, self.expected_weight, True)

    @property
    def hints(self) -> int:
        return sum(s.hints for s in self.steps)

    @property
    def seconds(self) -> float:
        return sum(s.seconds or 0.0 for s in self.steps)

    @property
    def budget_seconds(self) -> float:
        return sum(s.budget_seconds for s in self.steps)

    def step(self, step_id: str) -> StepReport:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)


def _ratio(part: float, whole: float, attempted: bool) -> float:
    if not attempted:
        return 0.0
    return part / whole if whole else 1.0


def score(
    case: Case,
    framework: Framework,
    answers: Mapping[str, str],
    *,
    level: Level = "senior",
    clarifications_asked: Sequence[str] = (),
    hints: Mapping[str, int] | None = None,
    seconds: Mapping[str, float] | None = None,
) -> Report:
    """Judge every step's answer against its rubric points; pure and deterministic."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; the levels are {', '.join(LEVELS)}")
    hints = hints or {}
    seconds = seconds or {}
    steps: list[StepReport] = []
    for fstep in framework.steps:
        cstep = case.steps.get(fstep.id)
        answer = answers.get(fstep.id, "") or ""
        attempted = bool(answer.strip())
        rubric: list[tuple[Source, RubricPoint]] = [("framework", p) for p in fstep.rubric]
        rubric += [("case", p) for p in (cstep.rubric if cstep else [])]
        points = tuple(_judge(p, source, answer, attempted, level) for source, p in rubric)
        expected = [p for p in points if p.expected]
        follow_ups = tuple(
            FollowUpResult(
                f.question,
                tuple(f.listen_for),
                attempted and bool(f.listen_for) and covers(f.listen_for, answer),
            )
            for f in (cstep.follow_ups if cstep else [])
        )
        steps.append(
            StepReport(
                id=fstep.id,
                title=fstep.title,
                answer=answer,
                attempted=attempted,
                points=points,
                follow_ups=follow_ups,
                reference=cstep.reference if cstep else "",
                covered_weight=sum(p.weight for p in expected if p.covered),
                expected_weight=sum(p.weight for p in expected),
                hints=int(hints.get(fstep.id, 0)),
                seconds=seconds.get(fstep.id),
                budget_seconds=fstep.minutes * 60.0,
            )
        )
    return Report(
        case_id=case.id,
        case_title=case.title,
        level=level,
        steps=tuple(steps),
        clarifications=_clarifications(case, clarifications_asked),
        level_signal=_level_signal(steps),
        covered_weight=sum(s.covered_weight for s in steps),
        expected_weight=sum(s.expected_weight for s in steps),
    )


def _judge(
    point: RubricPoint, source: Source, answer: str, attempted: bool, level: Level
) -> PointResult:
    return PointResult(
        id=point.id,
        point=point.point,
        why=point.why,
        source=source,
        level=point.level,
        weight=point.weight,
        expected=rank(point.level) <= rank(level),
        match=find(point.match, answer) if attempted else None,
    )


def _clarifications(case: Case, asked: Sequence[str]) -> ClarificationReport:
    known = {c.id for c in case.clarifications}
    unique = tuple(dict.fromkeys(a for a in asked if a in known))
    keys = [c for c in case.clarifications if c.key]
    return ClarificationReport(
        asked=unique,
        key_ids=tuple(c.id for c in keys),
        key_asked=tuple(c.id for c in keys if c.id in unique),
        key_missed=tuple((c.id, c.question) for c in keys if c.id not in unique),
    )


def _level_signal(steps: Sequence[StepReport]) -> LevelSignal:
    """Coverage of the points *first expected* at each level, over the whole session."""
    return level_signal(
        [(p.level, p.weight if p.covered else 0, p.weight) for s in steps for p in s.points]
    )
