"""Depth rules for case files: what makes a case worth practising on.

``mlsd cases validate`` checks that a file is a well-formed case; ``mlsd cases lint``
also checks that it is deep enough. The thresholds are the house standard for bundled
cases; each is a named constant so a test can break exactly one.

Each problem is found as a ``Finding``: the located ``Problem`` a real case reports
line by line, plus what ``lint_checklist`` needs to fold a fresh skeleton's hundred-odd
problems into a short list of what to fill in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

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

PLACEHOLDER_MESSAGE = "placeholder text left in (TODO / TBD / <fill in>)"
_PLACEHOLDER = re.compile(r"\bTODO\b|\bTBD\b|\bFIXME\b|<fill[^>]*>", re.IGNORECASE)

# A draft (TODO text still in, and more problems than anyone reads one by one) is shown
# as a checklist; a case nearer done gets every problem at its line.
CHECKLIST_ABOVE = 10

# "invalid": the file is wrong (validation, cross-references, a dangerous regex): always
# reported one by one. "placeholder": TODO text left in. "depth": a depth rule not met.
Kind = Literal["invalid", "placeholder", "depth"]


@dataclass(frozen=True)
class Finding:
    """One lint problem, with what a checklist groups it by."""

    problem: Problem
    kind: Kind
    key: yamlio.PathKey = ()
    brief: str = ""  # a few words for a checklist line, e.g. "prompts 2/3"


def lint_file(path: Path, framework: Framework | None = None) -> list[Problem]:
    """Every problem with the file: validation first, then the depth rules."""
    return [f.problem for f in lint_findings(path, framework)]


def lint_findings(path: Path, framework: Framework | None = None) -> list[Finding]:
    """``lint_file``'s problems, in the same order, as findings."""
    framework = framework or load_framework()
    try:
        located = yamlio.load(path)
        case = validate(Case, located)
    except FileProblemError as exc:
        return [Finding(p, "invalid") for p in exc.problems]
    found = [Finding(p, "invalid") for p in check_case(located, case, framework)]
    found += lint_case(located, case)
    return found + lint_format_2(located, case, framework)


class _Findings:
    """Collects findings against one located file."""

    def __init__(self, located: yamlio.Located) -> None:
        self.located = located
        self.found: list[Finding] = []

    def add(self, key: yamlio.PathKey, message: str, brief: str) -> None:
        self.found.append(Finding(self.located.problem(key, message), "depth", key, brief))

    def need(self, count: int, minimum: int, key: yamlio.PathKey, what: str, short: str) -> None:
        if count < minimum:
            message = f"has {count} {what}; at least {minimum} needed"
            self.add(key, message, f"{short} {count}/{minimum}")


def lint_format_2(located: yamlio.Located, case: Case, framework: Framework) -> list[Finding]:
    """Rubric v2: a bar, not a syllabus. Each step has 3-5 core points (the generic ones
    the case keeps included) and every case point says what earns it and what does not."""
    if case.format < 2:
        return []
    out = _Findings(located)
    low, high = CORE_PER_STEP
    for step in framework.steps:
        core = [p.id for _, p in step_rubric(case, framework, step.id) if p.is_core]
        if not low <= len(core) <= high:
            out.add(
                ("steps", step.id, "rubric"),
                f"has {len(core)} core points (generic ones included: {', '.join(core)}); "
                f"{low} to {high} needed",
                f"core points {len(core)} ({low}-{high})",
            )
    for sid, case_step in case.steps.items():
        for j, point in enumerate(case_step.rubric):
            for note in ("counts", "not_enough"):
                if not getattr(point, note).strip():
                    out.add(
                        ("steps", sid, "rubric", j),
                        f"point {point.id!r} has no {note}: notes",
                        f"no {note} notes",
                    )
    return out.found


def lint_case(located: yamlio.Located, case: Case) -> list[Finding]:
    out = _Findings(located)
    need = out.need
    clarifications = case.clarifications
    need(len(clarifications), MIN_CLARIFICATIONS, ("clarifications",), "clarifications", "count")
    need(
        sum(c.key for c in clarifications),
        MIN_KEY_CLARIFICATIONS,
        ("clarifications",),
        "clarifications marked key: true",
        "key: true",
    )
    need(
        sum(bool(re.search(r"\d", c.answer)) for c in clarifications),
        MIN_ANSWERS_WITH_NUMBERS,
        ("clarifications",),
        "clarification answers with numbers (scale, latency, volumes)",
        "answers with numbers",
    )
    for i, c in enumerate(clarifications):
        if len(c.answer.split()) < MIN_ANSWER_WORDS:
            out.add(
                ("clarifications", i, "answer"),
                f"has {len(c.answer.split())} words in the answer; "
                f"at least {MIN_ANSWER_WORDS} needed",
                f"answers under {MIN_ANSWER_WORDS} words",
            )
        if not c.match:
            out.add(
                ("clarifications", i, "match"),
                "no match phrases: a typed question can never select it",
                "no match phrases",
            )
    for step_id, step in case.steps.items():
        at: yamlio.PathKey = ("steps", step_id)
        need(len(step.prompts), MIN_PROMPTS, (*at, "prompts"), "prompts", "prompts")
        need(len(step.hints), MIN_HINTS, (*at, "hints"), "hints", "hints")
        need(len(step.rubric), MIN_RUBRIC, (*at, "rubric"), "rubric points", "rubric")
        levels = {p.level for p in step.rubric}
        for level in REQUIRED_LEVELS:
            if level not in levels:
                out.add(
                    (*at, "rubric"),
                    f"has no rubric point at level {level!r}",
                    f"no {level} point",
                )
        need(len(step.follow_ups), MIN_FOLLOW_UPS, (*at, "follow_ups"), "follow-ups", "follow-ups")
        for j, follow_up in enumerate(step.follow_ups):
            if not follow_up.listen_for:
                out.add(
                    (*at, "follow_ups", j, "listen_for"),
                    "empty: say what a good answer mentions",
                    "follow-ups without listen_for",
                )
        need(
            len(step.reference.split()),
            MIN_REFERENCE_WORDS,
            (*at, "reference"),
            "words in the reference answer",
            "reference words",
        )
    need(len(case.diagram), MIN_DIAGRAM_EDGES, ("diagram",), "diagram edges", "edges")
    found = out.found + [
        Finding(located.problem(key, PLACEHOLDER_MESSAGE), "placeholder", key)
        for key in _placeholder_keys(located)
    ]
    return found + [Finding(p, "invalid") for p in unsafe_regexes(located)]


_PHRASE_LISTS = ("match", "listen_for")


def _strings(located: yamlio.Located) -> list[tuple[yamlio.PathKey, str]]:
    """Every string in the file with its key path."""
    out: list[tuple[yamlio.PathKey, str]] = []
    stack: list[tuple[yamlio.PathKey, object]] = [((), located.data)]
    while stack:
        key, value = stack.pop()
        if isinstance(value, dict):
            stack += [((*key, k), v) for k, v in value.items()]
        elif isinstance(value, list):
            stack += [((*key, i), v) for i, v in enumerate(value)]
        elif isinstance(value, str):
            out.append((key, value))
    return out


def _by_position(located: yamlio.Located, keys: list[yamlio.PathKey]) -> list[yamlio.PathKey]:
    return sorted(keys, key=lambda k: tuple(n or 0 for n in located.where(k)))


def unsafe_regexes(located: yamlio.Located) -> list[Problem]:
    """Every ``re:`` phrase that can backtrack catastrophically, at its line.

    A shared case pack is untrusted: one ``re:^(\\w+\\s?)*$`` pins a CPU for minutes on
    a 20-word answer, so lint refuses the shape before anyone practises on it.
    """
    problems: list[Problem] = []
    for key, value in _strings(located):
        if value.startswith("re:") and len(key) >= 2 and key[-2] in _PHRASE_LISTS:
            reason = backtracking_risk(value[3:])
            if reason:
                problems.append(located.problem(key, f"regular expression {value!r} {reason}"))
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def _placeholder_keys(located: yamlio.Located) -> list[yamlio.PathKey]:
    keys = [key for key, value in _strings(located) if _PLACEHOLDER.search(value)]
    return _by_position(located, keys)


def is_draft(findings: Sequence[Finding]) -> bool:
    """Placeholders still in and too many problems to read one by one: a skeleton."""
    return len(findings) > CHECKLIST_ABOVE and any(f.kind == "placeholder" for f in findings)


def lint_checklist(findings: Sequence[Finding]) -> list[str]:
    """A draft's problems as a short list of what to fill in, each at its first place.

    ``cases new`` then ``cases lint`` used to print ~140 lines, most of them the same
    rule once per step. Invalid findings are errors, not gaps: they stay one per line,
    first. Then one line per kind of placeholder (the section it is in, counted), then
    one line per part of the file (each step, the clarifications, the diagram) naming
    the depth rules it misses, in file order.
    """
    lines = [str(f.problem) for f in findings if f.kind == "invalid"]
    placeholders = _groups([f for f in findings if f.kind == "placeholder"], _section)
    if placeholders:
        lines.append("  Replace the TODO placeholders:")
        lines += _rows((first, f"{label} ({len(group)})") for label, first, group in placeholders)
    depth = _groups([f for f in findings if f.kind == "depth"], _part)
    if depth:
        lines.append("  Then meet the depth rules:")
        lines += _rows((first, f"{label}: {_briefs(group)}") for label, first, group in depth)
    return lines


def _section(key: yamlio.PathKey) -> str:
    """``steps.model.rubric[2].why`` -> ``steps.*.rubric``; ``clarifications[0].answer`` ->
    ``clarifications``: a placeholder's kind, whichever step or item it is in."""
    if key[:1] == ("steps",) and len(key) >= 3:
        return f"steps.*.{key[2]}"
    return str(key[0]) if key else "(top)"


def _part(key: yamlio.PathKey) -> str:
    """The part of the file a depth rule is about: one step, or a top-level section."""
    if key[:1] == ("steps",) and len(key) >= 2:
        return f"steps.{key[1]}"
    return str(key[0]) if key else "(top)"


def _position(problem: Problem) -> tuple[int, int]:
    return problem.line or 0, problem.column or 0


def _groups(
    findings: Sequence[Finding], label: Callable[[yamlio.PathKey], str]
) -> list[tuple[str, Problem, list[Finding]]]:
    """(label, first problem, findings) for each label, in order of first position."""
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(label(finding.key), []).append(finding)
    out = [
        (name, min((f.problem for f in group), key=_position), group)
        for name, group in grouped.items()
    ]
    return sorted(out, key=lambda row: _position(row[1]))


def _briefs(group: Sequence[Finding]) -> str:
    """The group's briefs in order, a repeated one once with its count."""
    counts: dict[str, int] = {}
    for finding in group:
        counts[finding.brief] = counts.get(finding.brief, 0) + 1
    return ", ".join(brief if n == 1 else f"{brief} ({n})" for brief, n in counts.items())


def _rows(rows: Iterable[tuple[Problem, str]]) -> list[str]:
    """``    file:line:col  text`` with the locations padded to one width."""
    located = [(_location(p), text) for p, text in rows]
    width = max(len(where) for where, _ in located)
    return [f"    {where.ljust(width)}  {text}" for where, text in located]


def _location(problem: Problem) -> str:
    where = str(problem.path)
    if problem.line is not None:
        where += f":{problem.line}"
        if problem.column is not None:
            where += f":{problem.column}"
    return where
