"""The candidate's view of a case: everything needed to practise, nothing that spoils it.

No rubric points, hints, follow-ups, reference answers, clarification answers or
diagram: those are what the candidate is meant to come up with.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # `mlsd show` builds briefs from a cache without loading the models
    from mlsd.cases.models import Case, Framework


@dataclass(frozen=True)
class StepBrief:
    id: str
    title: str
    goal: str
    minutes: float
    prompts: list[str]  # generic prompts (less those about points the case drops), then its own


@dataclass(frozen=True)
class CaseBrief:
    id: str
    title: str
    summary: str
    difficulty: str
    tags: list[str]
    prompt: str
    total_minutes: float
    steps: list[StepBrief]

    def to_json(self) -> dict[str, Any]:
        return {"format": 1, **asdict(self)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CaseBrief:
        fields = {k: v for k, v in data.items() if k != "format"}
        fields["steps"] = [StepBrief(**step) for step in fields["steps"]]
        return cls(**fields)


def step_budgets(
    framework: Framework, minutes: float | None = None, *, only: str | None = None
) -> dict[str, float]:
    """Minutes per step, scaled from the framework's budgets to ``minutes`` in total.

    ``only``: a drill of that one step, which has the whole ``minutes`` (or its own
    framework budget when untimed).
    """
    if only is not None:
        own = next((s.minutes for s in framework.steps if s.id == only), 0.0)
        return {only: _whole_seconds(minutes if minutes else own)}
    total = framework.total_minutes
    scale = 1.0 if minutes is None or total == 0 else minutes / total
    return {s.id: _whole_seconds(s.minutes * scale) for s in framework.steps}


def _whole_seconds(minutes: float) -> float:
    """Minutes to the second: a 10-minute session's steps get 1:20, not 1.3 (1:18), and
    they add up to its 10 minutes (shown as m:ss, every view agrees with the clock)."""
    return round(minutes * 60) / 60


def make_brief(case: Case, framework: Framework, minutes: float | None = None) -> CaseBrief:
    from mlsd.cases.models import step_prompts

    budgets = step_budgets(framework, minutes)
    steps = [
        StepBrief(
            id=fs.id,
            title=fs.title,
            goal=fs.goal,
            minutes=budgets[fs.id],
            prompts=step_prompts(case, framework, fs.id),
        )
        for fs in framework.steps
    ]
    return CaseBrief(
        id=case.id,
        title=case.title,
        summary=case.summary,
        difficulty=case.difficulty,
        tags=list(case.tags),
        prompt=case.prompt,
        total_minutes=sum(budgets.values()),
        steps=steps,
    )
