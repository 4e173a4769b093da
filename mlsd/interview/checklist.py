"""The interviewer's checklist: what to listen for, and what happened, from the event log.

An interview stores no answers, only events (ticks, follow-ups asked, hints given,
notes, ratings). Everything the interviewer's screen, the level estimate and the
scorecard show is derived here from those events, so the log stays the one source of
truth: a resumed interview and an exported scorecard see exactly the same state.
Pure module: no terminal, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlsd._util.levels import LEVELS, Level, rank
from mlsd.cases.models import Case, Framework, step_rubric
from mlsd.log.records import InterviewState
from mlsd.rubric.levels import LevelSignal, level_verdict


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


def assessed(dim: Dimension, framework: Framework, state: InterviewState) -> bool:
    """Whether the interview reached any step that is this dimension's evidence.

    A dimension whose steps were never reached is "not assessed": it is not rated, and
    no figure counts it, since a 1 to 5 for what nobody heard would be made up. A
    dimension fed by no step of the framework (communication) is always assessed.
    """
    steps = [s for s in dim.steps if s in framework.step_ids]
    return not steps or any(s in state.visited for s in steps)


def recommendation_label(value: str) -> str:
    return dict(RECOMMENDATIONS).get(value, value)


@dataclass(frozen=True)
class Point:
    """A rubric point as the interviewer sees it; ``key`` is unique within its step."""

    key: str  # "case:<id>" or "framework:<id>": the two sources may reuse an id
    id: str
    source: str
    text: str
    level: Level
    weight: int
    why: str
    expected: bool  # at or below the level the candidate interviews for
    core: bool = True  # must-hear at its level; otherwise a signal of depth


def step_points(case: Case, framework: Framework, step_id: str, level: str) -> list[Point]:
    """The case's own points first (what a non-expert most needs), then the generic ones."""
    every = step_rubric(case, framework, step_id)
    rubric = [sp for sp in every if sp[0] == "case"] + [sp for sp in every if sp[0] != "case"]
    return [
        Point(
            key=f"{source}:{p.id}",
            id=p.id,
            source=source,
            text=p.point,
            level=p.level,
            weight=p.weight,
            why=p.why,
            core=p.is_core,
            expected=rank(p.level) <= rank(level),
        )
        for source, p in rubric
    ]


# -- the level estimate ---------------------------------------------------------------


@dataclass(frozen=True)
class LevelEvidence:
    """The ticked points at each level, and what they suggest."""

    level: Level
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
    steps_counted: int = 0  # the steps the figures cover: those the interview reached
    steps_total: int = 0

    @property
    def suggested(self) -> Level:
        """The level the ticks support: the highest met, else the lowest."""
        return self.signal.suggested


def level_evidence(case: Case, framework: Framework, state: InterviewState, level: str) -> Evidence:
    """Ticked weight over all points first expected at each level, over every step.

    The same rule as the practice feedback's level signal (``rubric.levels``), so "meets
    senior" means the same thing in both modes. Steps the interview never reached are
    not assessed and left out: nobody listened there, so their points are neither
    heard nor missed (issue 14). Before any step is entered every step counts, with
    nothing heard, so an empty interview never "meets" a level by default.
    """
    reached = [s for s in framework.steps if s.id in state.visited] or framework.steps
    every = [(s.id, p) for s in reached for p in step_points(case, framework, s.id, level)]
    rows: list[LevelEvidence] = []
    for lvl in LEVELS:
        points = [(sid, p) for sid, p in every if p.level == lvl]
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
    signal = level_verdict(
        [
            (p.level, p.core, p.weight if state.is_ticked(sid, p.key) else 0, p.weight)
            for sid, p in every
        ]
    )
    return Evidence(tuple(rows), signal, len(reached), len(framework.steps))
