"""Depth rules for case files: what makes a case worth practising on.

``mlsd cases validate`` checks that a file is a well-formed case; ``mlsd cases lint``
also checks that it is deep enough. The thresholds are the house standard for bundled
cases; each is a named constant so a test can break exactly one.
"""

from __future__ import annotations

import re
from pathlib import Path

from mlsd.cases import yamlio
from mlsd.cases.catalog import check_case, load_framework, validate
from mlsd.cases.models import Case, Framework, step_rubric
from mlsd.cases.regex_safety import backtracking_risk
from mlsd.errors import FileProblemError, Problem

MIN_CLARIFICATIONS = 8
MIN_KEY_CLARIFICATIONS = 4
MIN_ANSWERS_WITH_NUMBERS = 4
MIN_ANSWER_WORDS = 6
MIN_PROMPTS = 3
MIN_HINTS = 2
MIN_RUBRIC = 6
MIN_FOLLOW_UPS = 2
MIN_REFERENCE_WORDS = 120
MIN_DIAGRAM_EDGES = 4
REQUIRED_LEVELS = ("senior", "staff")
# Format 2: per step, this many core points (generic ones the case keeps included).
CORE_PER_STEP = (3, 5)

_PLACEHOLDER = re.compile(r"\bTODO\b|\bTBD\b|\bFIXME\b|<fill[^>]*>", re.IGNORECASE)


def lint_file(path: Path, framework: Framework | None = None) -> list[Problem]:
    """Every problem with the file: validation first, then the depth rules."""
    framework = framework or load_framework()
    try:
        located = yamlio.load(path)
        case = validate(Case, located)
    except FileProblemError as exc:
        return exc.problems
    problems = check_case(located, case, framework) + lint_case(located, case)
    return problems + lint_format_2(located, case, framework)


def lint_format_2(located: yamlio.Located, case: Case, framework: Framework) -> list[Problem]:
    """Rubric v2: a bar, not a syllabus. Each step has 3-5 core points (the generic ones
    the case keeps included) and every case point says what earns it and what does not."""
    if case.format < 2:
        return []
    problems: list[Problem] = []
    low, high = CORE_PER_STEP
    for step in framework.steps:
        core = [p.id for _, p in step_rubric(case, framework, step.id) if p.is_core]
        if not low <= len(core) <= high:
            problems.append(
                located.problem(
                    ("steps", step.id, "rubric"),
                    f"has {len(core)} core points (generic ones included: {', '.join(core)}); "
                    f"{low} to {high} needed",
                )
            )
    for sid, case_step in case.steps.items():
        for j, point in enumerate(case_step.rubric):
            for note in ("counts", "not_enough"):
                if not getattr(point, note).strip():
                    problems.append(
                        located.problem(
                            ("steps", sid, "rubric", j), f"point {point.id!r} has no {note}: notes"
                        )
                    )
    return problems


def lint_case(located: yamlio.Located, case: Case) -> list[Problem]:
    problems: list[Problem] = []

    def need(count: int, minimum: int, key: yamlio.PathKey, what: str) -> None:
        if count < minimum:
            problems.append(located.problem(key, f"has {count} {what}; at least {minimum} needed"))

    need(len(case.clarifications), MIN_CLARIFICATIONS, ("clarifications",), "clarifications")
    need(
        sum(c.key for c in case.clarifications),
        MIN_KEY_CLARIFICATIONS,
        ("clarifications",),
        "clarifications marked key: true",
    )
    need(
        sum(bool(re.search(r"\d", c.answer)) for c in case.clarifications),
        MIN_ANSWERS_WITH_NUMBERS,
        ("clarifications",),
        "clarification answers with numbers (scale, latency, volumes)",
    )
    for i, c in enumerate(case.clarifications):
        need(
            len(c.answer.split()),
            MIN_ANSWER_WORDS,
            ("clarifications", i, "answer"),
            "words in the answer",
        )
        if not c.match:
            problems.append(
                located.problem(
                    ("clarifications", i, "match"),
                    "no match phrases: a typed question can never select it",
                )
            )
    for step_id, step in case.steps.items():
        at: yamlio.PathKey = ("steps", step_id)
        need(len(step.prompts), MIN_PROMPTS, (*at, "prompts"), "prompts")
        need(len(step.hints), MIN_HINTS, (*at, "hints"), "hints")
        need(len(step.rubric), MIN_RUBRIC, (*at, "rubric"), "rubric points")
        levels = {p.level for p in step.rubric}
        for level in REQUIRED_LEVELS:
            if level not in levels:
                problems.append(
                    located.problem((*at, "rubric"), f"has no rubric point at level {level!r}")
                )
        need(len(step.follow_ups), MIN_FOLLOW_UPS, (*at, "follow_ups"), "follow-ups")
        for j, follow_up in enumerate(step.follow_ups):
            if not follow_up.listen_for:
                problems.append(
                    located.problem(
                        (*at, "follow_ups", j, "listen_for"),
                        "empty: say what a good answer mentions",
                    )
                )
        need(
            len(step.reference.split()),
            MIN_REFERENCE_WORDS,
            (*at, "reference"),
            "words in the reference answer",
        )
    need(len(case.diagram), MIN_DIAGRAM_EDGES, ("diagram",), "diagram edges")
    problems += _placeholders(located)
    problems += unsafe_regexes(located)
    return problems


_PHRASE_LISTS = ("match", "listen_for")


def unsafe_regexes(located: yamlio.Located) -> list[Problem]:
    """Every ``re:`` phrase that can backtrack catastrophically, at its line.

    A shared case pack is untrusted: one ``re:^(\\w+\\s?)*$`` pins a CPU for minutes on
    a 20-word answer, so lint refuses the shape before anyone practises on it.
    """
    problems: list[Problem] = []
    stack: list[tuple[yamlio.PathKey, object]] = [((), located.data)]
    while stack:
        key, value = stack.pop()
        if isinstance(value, dict):
            stack += [((*key, k), v) for k, v in value.items()]
        elif isinstance(value, list):
            stack += [((*key, i), v) for i, v in enumerate(value)]
        elif (
            isinstance(value, str)
            and value.startswith("re:")
            and len(key) >= 2
            and key[-2] in _PHRASE_LISTS
        ):
            reason = backtracking_risk(value[3:])
            if reason:
                problems.append(located.problem(key, f"regular expression {value!r} {reason}"))
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def _placeholders(located: yamlio.Located) -> list[Problem]:
    problems: list[Problem] = []
    stack: list[tuple[yamlio.PathKey, object]] = [((), located.data)]
    while stack:
        key, value = stack.pop()
        if isinstance(value, dict):
            stack += [((*key, k), v) for k, v in value.items()]
        elif isinstance(value, list):
            stack += [((*key, i), v) for i, v in enumerate(value)]
        elif isinstance(value, str) and _PLACEHOLDER.search(value):
            problems.append(
                located.problem(key, "placeholder text left in (TODO / TBD / <fill in>)")
            )
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))
