"""What a scorecard template can read: a public, versioned interface (``"format": 1``).

docs/interview.md lists every field; fields are only ever added. ``session`` is the same
block the design doc has.
"""

from __future__ import annotations

from typing import TypedDict

from mlsd._util.levels import Level
from mlsd.documents.context import DiagramEdge, DiagramNode, SessionBlock


class PointBlock(TypedDict):
    id: str
    source: str
    point: str
    why: str
    level: Level
    weight: int
    expected: bool
    step: str | None  # the step's title, in lists that span steps


class FollowUpBlock(TypedDict):
    number: int
    question: str
    listen_for: list[str]
    asked: bool


class HintBlock(TypedDict):
    number: int
    text: str


class StepBlock(TypedDict):
    number: int
    id: str
    title: str
    goal: str
    budget_minutes: float
    seconds: float
    over_budget: bool
    visited: bool
    ticked: list[PointBlock]
    missed: list[PointBlock]
    not_expected: int
    points: int
    follow_ups: list[FollowUpBlock]
    follow_ups_asked: int
    hints_given: list[HintBlock]
    hints_total: int
    probes_asked: list[str]  # the interviewer-only probes asked, in the order asked
    notes: list[str]


class CaseBlock(TypedDict):
    id: str
    title: str
    summary: str
    difficulty: str
    tags: list[str]


class RatingBlock(TypedDict):
    id: str
    title: str
    score: int | None
    label: str | None
    justification: str
    # Added in issue 14: False when none of the dimension's steps was reached and it was
    # not rated; such a rating is "not assessed" and counts in no figure.
    assessed: bool


class RecommendationBlock(TypedDict):
    value: str
    label: str


class Thresholds(TypedDict):
    meets: float
    partly: float


class LevelRow(TypedDict):
    level: Level
    points: int
    ticked: list[PointBlock]
    coverage: float | None


class LevelBlock(TypedDict):
    level: str | None
    suggested: Level
    signal: str
    thresholds: Thresholds
    by_level: list[LevelRow]


class ClarificationBlock(TypedDict):
    id: str | None
    question: str
    answer: str
    key: bool
    typed: str | None


class NoteBlock(TypedDict):
    step: str | None
    text: str


class StepFeedback(TypedDict):
    title: str
    missed: list[PointBlock]
    over_budget: bool
    seconds: float
    budget_minutes: float
    hints_given: int


class FeedbackBlock(TypedDict):
    focus: list[PointBlock]
    steps: list[StepFeedback]
    strengths: list[PointBlock]
    key_questions_not_asked: list[str]
    not_reached: list[str]
    # the steps not reached were cut by the clock (it ran out, or a step overran), not by
    # the interviewer ending early: only then is pacing the candidate's to work on
    out_of_time: bool
    practise: str


class Totals(TypedDict):
    ticked: int
    points: int  # every step's points, reached or not (as in format 1 from the start)
    missed: int
    seconds: float
    budget_minutes: float
    follow_ups_asked: int
    hints_given: int
    notes: int
    # Added in issue 14: the figures over the steps the interview reached only; steps
    # never reached are not assessed, and the bundled template counts only these.
    steps: int
    steps_reached: int
    points_reached: int
    budget_minutes_reached: float


class ScorecardContext(TypedDict):
    format: int
    session: SessionBlock
    case: CaseBlock
    ratings: list[RatingBlock]
    recommendation: RecommendationBlock | None
    level_estimate: LevelBlock
    steps: list[StepBlock]
    clarifications: list[ClarificationBlock]
    notes: list[NoteBlock]
    feedback: FeedbackBlock
    totals: Totals
    # The candidate's own diagram, by the design doc's rule (``candidate_diagram``).
    candidate_diagram_nodes: list[DiagramNode]
    candidate_diagram_edges: list[DiagramEdge]
    candidate_diagram_source: str | None
