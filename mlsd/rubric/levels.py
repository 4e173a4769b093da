"""The levels, and the one rule that turns coverage per level into a verdict.

Practice feedback, document scoring and the interviewer's level estimate all call
``level_signal``, so "meets senior" means the same thing everywhere it is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mlsd._util.levels import LEVELS, Level

# A level is met when at least this share (by weight) of the points first expected at it,
# and at every level below it, is covered.
MEETS = 0.65
# The next level up is "partly" met when this share of its own points is covered.
PARTLY = 0.35


@dataclass(frozen=True)
class LevelSignal:
    """Which level's expectations are met, e.g. "meets senior, partly staff"."""

    by_level: tuple[tuple[Level, float | None], ...]  # coverage of the points at each level
    meets: Level | None
    partly: Level | None

    @property
    def summary(self) -> str:
        if self.meets and self.partly:
            return f"meets {self.meets}, partly {self.partly}"
        if self.meets:
            return f"meets {self.meets}"
        if self.partly:
            return f"partly {self.partly}"
        return f"below {LEVELS[0]}"

    @property
    def suggested(self) -> Level:
        """The level the evidence supports: the highest met, else the lowest."""
        return self.meets or LEVELS[0]


def level_signal(weights: Sequence[tuple[Level, int, int]]) -> LevelSignal:
    """The verdict from (level, covered weight, total weight) of each point.

    A level is met when it and every level below it reach ``MEETS``; the level above the
    highest one met is "partly" met when it reaches ``PARTLY``. Levels with no points
    count as met.
    """
    by_level: list[tuple[Level, float | None]] = []
    for lvl in LEVELS:
        total = sum(t for level, _, t in weights if level == lvl)
        got = sum(c for level, c, _ in weights if level == lvl)
        by_level.append((lvl, got / total if total else None))
    meets: Level | None = None
    for lvl, cov in by_level:
        if cov is not None and cov < MEETS:
            break
        meets = lvl
    partly: Level | None = None
    nxt = 0 if meets is None else LEVELS.index(meets) + 1
    if nxt < len(LEVELS):
        cov = by_level[nxt][1]
        if cov is not None and cov >= PARTLY:
            partly = LEVELS[nxt]
    return LevelSignal(tuple(by_level), meets, partly)


def _strength(signal: LevelSignal) -> tuple[int, int]:
    met = LEVELS.index(signal.meets) if signal.meets else -1
    part = LEVELS.index(signal.partly) if signal.partly else -1
    return met, part


def level_verdict(points: Sequence[tuple[Level, bool, int, int]]) -> LevelSignal:
    """The verdict from (level, core, covered weight, weight) of every point.

    Core points decide it; signals (points that are not core) can lift it, never sink
    it: the verdict is the better of the core points' signal and every point's. A level
    with no core point is decided by its signals: counted as met, it made every senior
    answer "meets staff" in a case with no staff core point. A case in format 1 marks no
    point as a signal, so there the two are the same.
    """
    has_core = {lvl for lvl, is_core, _, _ in points if is_core}
    core = level_signal(
        [(lvl, got, total) for lvl, is_core, got, total in points if is_core or lvl not in has_core]
    )
    every = level_signal([(lvl, got, total) for lvl, _, got, total in points])
    return every if _strength(every) > _strength(core) else core
