"""The data mlsd works with: the framework, cases, and answers files.

These models are the public file formats (docs/architecture.md, "Formats"). They are
strict: unknown keys are errors and strings must be strings, because a typo in a
hand-written case should be reported, not silently ignored.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from mlsd._util.levels import Level
from mlsd.cases.regex_safety import MAX_REPEAT_COUNT, largest_repeat

Slug = Annotated[
    StrictStr,
    Field(
        pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        description="lowercase letters, digits and single hyphens",
    ),
]
Text = Annotated[StrictStr, Field(min_length=1)]
Difficulty = Literal["easy", "medium", "hard"]

DIFFICULTIES: tuple[Difficulty, ...] = ("easy", "medium", "hard")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


def _check_phrases(phrases: list[str]) -> list[str]:
    for phrase in phrases:
        if not phrase.strip():
            raise ValueError("a match phrase is empty")
        if phrase.startswith("re:"):
            try:
                re.compile(phrase[3:])
            except (re.error, OverflowError, RecursionError) as exc:
                # re raises OverflowError for a{99999999999}, RecursionError for deep nesting.
                raise ValueError(f"bad regular expression {phrase!r}: {exc}") from None
            if largest_repeat(phrase[3:]) > MAX_REPEAT_COUNT:
                raise ValueError(
                    f"a repeat count over {MAX_REPEAT_COUNT:,} in {phrase[:60]!r}; "
                    "no phrase needs one, and matching would expand it in memory"
                )
    return phrases


# Phrases per point, question or follow-up: the bundled cases use at most 36. Each re:
# phrase may cost 50 ms on a text, so a stranger's pack must not hold thousands.
MAX_PHRASES = 100


class RubricPoint(_Strict):
    """A key point an interviewer listens for, and how to recognise it in an answer.

    Format 2 adds ``core`` (must-hear at its level; otherwise a signal of depth),
    ``counts`` and ``not_enough`` (judging notes for people, the matcher's tests and an
    AI judge) and ``aliases`` (ids this point replaced when points were merged: history,
    review cards and overrides that name them still find it).
    """

    id: Slug
    aliases: list[Slug] = Field(default_factory=list)
    point: Text
    core: StrictBool | None = None  # None (format 1): every point is core
    match: list[Text] = Field(min_length=1, max_length=MAX_PHRASES)
    weight: Annotated[StrictInt, Field(ge=1, le=3)] = 1
    level: Level
    why: Text
    counts: StrictStr = ""  # what substance earns the point
    not_enough: StrictStr = ""  # what does not: a bare buzzword, a rejection, a near miss

    @property
    def is_core(self) -> bool:
        return self.core is not False

    _phrases = field_validator("match")(_check_phrases)


class FollowUp(_Strict):
    question: Text
    listen_for: list[Text] = Field(default_factory=list, max_length=MAX_PHRASES)

    _phrases = field_validator("listen_for")(_check_phrases)


class Clarification(_Strict):
    """A question the candidate may ask, and the interviewer's answer."""

    id: Slug
    question: Text
    answer: Text
    key: StrictBool = False
    match: list[Text] = Field(default_factory=list, max_length=MAX_PHRASES)

    _phrases = field_validator("match")(_check_phrases)


class CaseStep(_Strict):
    """A case's material for one framework step."""

    prompts: list[Text] = Field(default_factory=list)  # candidate-visible: where to look
    probes: list[Text] = Field(default_factory=list)  # interviewer-only: aimed at points
    hints: list[Text] = Field(default_factory=list)
    rubric: list[RubricPoint] = Field(default_factory=list)
    follow_ups: list[FollowUp] = Field(default_factory=list)
    reference: StrictStr = ""


class FrameworkUse(_Strict):
    """How a case uses the framework's generic points (format 2)."""

    skip: list[Slug] = Field(default_factory=list)  # generic points that do not fit
    levels: dict[Slug, Level] = Field(default_factory=dict)  # a generic point's level here


class Case(_Strict):
    """One case study (``cases/<id>.yaml``)."""

    format: Literal[1, 2]
    id: Slug
    title: Text
    summary: Text
    difficulty: Difficulty
    tags: list[Slug] = Field(default_factory=list)
    prompt: Text
    clarifications: list[Clarification] = Field(default_factory=list)
    framework: FrameworkUse = Field(default_factory=FrameworkUse)
    steps: dict[Slug, CaseStep]
    diagram: list[tuple[Text, Text]] = Field(default_factory=list)

    def rubric_points(self) -> list[tuple[str, RubricPoint]]:
        return [(sid, p) for sid, step in self.steps.items() for p in step.rubric]


class FrameworkStep(_Strict):
    id: Slug
    title: Text
    goal: Text
    minutes: Annotated[StrictInt, Field(ge=1, le=60)]
    prompts: list[Text] = Field(default_factory=list)
    # A guiding prompt that only leads to some generic points: a case that drops all of
    # them (skips them, and no case point takes them over) does not show it.
    prompts_about: dict[Text, list[Slug]] = Field(default_factory=dict)
    rubric: list[RubricPoint] = Field(default_factory=list)
    pitfalls: list[Text] = Field(default_factory=list)

    @model_validator(mode="after")
    def _prompts_about_known(self) -> FrameworkStep:
        ids = {p.id for p in self.rubric}
        for prompt, about in self.prompts_about.items():
            if prompt not in self.prompts:
                raise ValueError(f"prompts_about names a prompt the step does not have: {prompt!r}")
            if unknown := [a for a in about if a not in ids]:
                raise ValueError(f"prompts_about: {prompt!r} is about unknown points {unknown}")
        return self


class Framework(_Strict):
    """The seven steps every case follows, with generic prompts and rubric points."""

    format: Literal[1]
    steps: list[FrameworkStep] = Field(min_length=1)

    @property
    def step_ids(self) -> list[str]:
        return [s.id for s in self.steps]

    @property
    def total_minutes(self) -> int:
        return sum(s.minutes for s in self.steps)

    def step(self, step_id: str) -> FrameworkStep:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)


class AnswersFile(_Strict):
    """Answers written ahead of time, for a session without prompts."""

    format: Literal[1] = 1
    case: Slug
    level: Level | None = None
    clarifications: list[Slug] = Field(default_factory=list)
    answers: dict[Slug, StrictStr] = Field(default_factory=dict)
    follow_ups: dict[Slug, StrictStr] = Field(
        default_factory=dict,
        description="step id -> the answer to that step's follow-up question",
    )
    diagram: StrictStr | None = Field(
        default=None,
        description="the candidate's architecture as arrows, one chain per line (a -> b -> c)",
    )


PointSource = Literal["framework", "case"]


def step_prompts(case: Case, framework: Framework, step_id: str) -> list[str]:
    """The guiding prompts a candidate sees for a step: the framework's, less those that
    only lead to generic points this case drops, then the case's own. The one place."""
    fstep = framework.step(step_id)
    case_step = case.steps.get(step_id)
    absorbed = {a for step in case.steps.values() for p in step.rubric for a in p.aliases}
    dropped = set(case.framework.skip) - absorbed
    generic = [
        p
        for p in fstep.prompts
        if not (about := fstep.prompts_about.get(p)) or not all(a in dropped for a in about)
    ]
    return [*generic, *(case_step.prompts if case_step else [])]


def step_rubric(
    case: Case, framework: Framework, step_id: str
) -> list[tuple[PointSource, RubricPoint]]:
    """The points a step is judged on: the framework's generic ones this case keeps (at
    the level the case sets), then the case's own. The one place that rule lives."""
    use = case.framework
    points: list[tuple[PointSource, RubricPoint]] = [
        (
            "framework",
            p if p.id not in use.levels else p.model_copy(update={"level": use.levels[p.id]}),
        )
        for p in framework.step(step_id).rubric
        if p.id not in use.skip
    ]
    case_step = case.steps.get(step_id)
    points += [("case", p) for p in (case_step.rubric if case_step else [])]
    return points
