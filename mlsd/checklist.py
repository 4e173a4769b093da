"""The interviewer's checklist: what to listen for, and what happened, from the event log.

An interview stores no answers, only events (ticks, follow-ups asked, hints given,
notes, ratings). Everything the interviewer's screen, the level estimate and the
scorecard show is derived here from those events, so the log stays the one source of
truth: a resumed interview and an exported scorecard see exactly the same state.
Pure module: no terminal, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from mlsd.models import Case, Framework, RubricPoint
from mlsd.records import SessionRecord
from mlsd.scoring import LEVEL_ORDER, MEETS, PARTLY, LevelSignal


@dataclass(frozen=True)
class Dimension:
    id: str
    title: str
    steps: tuple[str, ...]  # framework step ids whose ticks are its evidence


# The rating dimensions of a hiring scorecard. The step ids tie each dimension to its
# evidence; a framework without one of them simply shows no evidence for it.
DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("framing", "Problem framing and requirements", ("requirements",)),
    Dimension("data", "Data and features", ("data", "features")),
    Dimension("modeling", "Modeling", ("model",)),
    Dimension("evaluation", "Evaluation", ("metrics",)),
    Dimension("serving", "Serving and operations", ("serving", "monitoring")),
    Dimension("communication", "Communication", ()),
)
SCALE: tuple[str, ...] = ("very weak", "weak", "mixed", "strong", "very strong")
RECOMMENDATIONS: tuple[tuple[str, str], ...] = (
    ("strong-no-hire", "strong no hire"),
    ("no-hire", "no hire"),
    ("lean-no-hire", "lean no hire"),
    ("lean-hire", "lean hire"),
    ("hire", "hire"),
    ("strong-hire", "strong hire"),
)


def dimension(dimension_id: str) -> Dimension:
    return next(d for d in DIMENSIONS if d.id == dimension_id)


def recommendation_label(value: str) -> str:
    return dict(RECOMMENDATIONS).get(value, value)


@dataclass(frozen=True)
class Point:
    """A rubric point as the interviewer sees it; ``key`` is unique within its step."""

    key: str  # "case:<id>" or "framework:<id>": the two sources may reuse an id
    id: str
    source: str
    text: str
    level: str
    weight: int
    why: str
    expected: bool  # at or below the level the candidate interviews for


def step_points(case: Case, framework: Framework, step_id: str, level: str) -> list[Point]:
    """The case's own points first (what a non-expert most needs), then the generic ones."""
    case_step = case.steps.get(step_id)
    rubric: list[tuple[str, RubricPoint]] = [
        ("case", p) for p in (case_step.rubric if case_step else [])
    ]
    rubric += [("framework", p) for p in framework.step(step_id).rubric]
    rank = LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)
    return [
        Point(
            key=f"{source}:{p.id}",
            id=p.id,
            source=source,
            text=p.point,
            level=p.level,
            weight=p.weight,
            why=p.why,
            expected=LEVEL_ORDER.index(p.level) <= rank,
        )
        for source, p in rubric
    ]


@dataclass(frozen=True)
class Note:
    step_id: str | None
    text: str
    at: str


@dataclass(frozen=True)
class Rating:
    dimension: str
    score: int  # 1 (very weak) to 5 (very strong)
    justification: str

    @property
    def label(self) -> str:
        return SCALE[self.score - 1]


@dataclass
class InterviewState:
    """What the event log says so far; rebuilt after every committed event."""

    ticked: dict[str, list[str]] = field(default_factory=dict)  # step -> point keys, in order
    follow_ups: dict[str, list[int]] = field(default_factory=dict)  # step -> indices asked
    hints: dict[str, list[int]] = field(default_factory=dict)  # step -> indices given
    notes: list[Note] = field(default_factory=list)
    ratings: dict[str, Rating] = field(default_factory=dict)
    recommendation: str | None = None
    level_estimate: str | None = None
    current_step: str | None = None  # the step last entered
    visited: set[str] = field(default_factory=set)  # every step entered at least once
    wrapping_up: bool = False  # the interviewer has moved on to the ratings

    def is_ticked(self, step_id: str, key: str) -> bool:
        return key in self.ticked.get(step_id, [])

    def notes_for(self, step_id: str | None) -> list[Note]:
        return [n for n in self.notes if n.step_id == step_id]


def derive(record: SessionRecord) -> InterviewState:
    """Replay the event log; the latest tick/untick, rating and choice win."""
    state = InterviewState()
    for event in record.events:
        step, data = event.step_id, event.data
        if event.kind in ("tick", "untick") and step:
            keys = state.ticked.setdefault(step, [])
            key = f"{data.get('source', 'case')}:{data.get('id')}"
            if key in keys:
                keys.remove(key)
            if event.kind == "tick":
                keys.append(key)
        elif event.kind == "follow_up_asked" and step:
            asked = state.follow_ups.setdefault(step, [])
            if int(data.get("index", -1)) not in asked:
                asked.append(int(data.get("index", -1)))
        elif event.kind == "hint_given" and step:
            given = state.hints.setdefault(step, [])
            if int(data.get("index", -1)) not in given:
                given.append(int(data.get("index", -1)))
        elif event.kind == "note" and str(data.get("text", "")).strip():
            state.notes.append(Note(step, str(data["text"]), event.at))
        elif event.kind == "rating" and data.get("dimension"):
            score = int(data.get("score", 0))
            if 1 <= score <= len(SCALE):
                state.ratings[str(data["dimension"])] = Rating(
                    str(data["dimension"]), score, str(data.get("justification", ""))
                )
        elif event.kind == "recommendation":
            state.recommendation = str(data.get("value")) if data.get("value") else None
        elif event.kind == "level_estimate":
            state.level_estimate = str(data.get("level")) if data.get("level") else None
        elif event.kind == "enter" and step:
            state.current_step, state.wrapping_up = step, False
            state.visited.add(step)
        elif event.kind == "wrap_up":
            state.wrapping_up = True
    return state


# -- the level estimate ---------------------------------------------------------------


@dataclass(frozen=True)
class LevelEvidence:
    """The ticked points at each level, and what they suggest."""

    level: str
    ticked: tuple[tuple[str, Point], ...]  # (step id, point), in framework order
    total: int
    ticked_weight: int
    total_weight: int

    @property
    def coverage(self) -> float | None:
        return self.ticked_weight / self.total_weight if self.total_weight else None


@dataclass(frozen=True)
class Evidence:
    levels: tuple[LevelEvidence, ...]
    signal: LevelSignal

    @property
    def suggested(self) -> str:
        """The level the ticks support: the highest met, else the lowest."""
        return self.signal.meets or LEVEL_ORDER[0]


def level_evidence(case: Case, framework: Framework, state: InterviewState, level: str) -> Evidence:
    """Ticked weight over all points first expected at each level, over every step.

    The same rule as the practice feedback's level signal (``scoring.MEETS`` and
    ``scoring.PARTLY``), so "meets senior" means the same thing in both modes. Steps the
    interview never reached count with nothing ticked, as an unanswered step does.
    """
    rows: list[LevelEvidence] = []
    for lvl in LEVEL_ORDER:
        points = [
            (s.id, p)
            for s in framework.steps
            for p in step_points(case, framework, s.id, level)
            if p.level == lvl
        ]
        ticked = tuple((sid, p) for sid, p in points if state.is_ticked(sid, p.key))
        rows.append(
            LevelEvidence(
                level=lvl,
                ticked=ticked,
                total=len(points),
                ticked_weight=sum(p.weight for _, p in ticked),
                total_weight=sum(p.weight for _, p in points),
            )
        )
    return Evidence(tuple(rows), _signal(rows))


def _signal(rows: Sequence[LevelEvidence]) -> LevelSignal:
    meets: str | None = None
    for row in rows:
        if row.coverage is not None and row.coverage < MEETS:
            break
        meets = row.level
    partly: str | None = None
    nxt = 0 if meets is None else LEVEL_ORDER.index(meets) + 1
    if nxt < len(rows):
        coverage = rows[nxt].coverage
        if coverage is not None and coverage >= PARTLY:
            partly = rows[nxt].level
    return LevelSignal(tuple((r.level, r.coverage) for r in rows), meets, partly)
