"""Find, load and validate the framework and case files.

Every problem found in a file is reported as ``path:line:col: field: message``, using
the positions that ``yamlio`` records while parsing.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from mlsd._util.formatting import counted
from mlsd._util import paths
from mlsd._util.arrows import parse_arrows
from mlsd.cases import yamlio
from mlsd.cases.models import AnswersFile, Case, Framework
from mlsd.errors import FileProblemError, Problem

M = TypeVar("M", bound=BaseModel)

_MESSAGES = {
    "extra_forbidden": "unknown field (check the spelling; see `mlsd cases schema`)",
    "missing": "required field is missing",
}


def validate(model: type[M], located: yamlio.Located) -> M:
    """Build ``model`` from located YAML data, or raise with every problem located."""
    if not isinstance(located.data, dict):
        kind = "empty" if located.data is None else type(located.data).__name__
        raise FileProblemError(
            [located.problem((), f"expected a mapping of fields at the top level, got {kind}")]
        )
    try:
        return model.model_validate(located.data)
    except ValidationError as exc:
        raise FileProblemError(yamlio.capped(located.path, _problems(located, exc))) from None


def _problems(located: yamlio.Located, exc: ValidationError) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[Any, ...]] = set()
    for err in exc.errors(include_url=False):
        loc = _clean_loc(err["loc"])
        # pydantic prefixes our own validators' messages with "Value error, ".
        message = _MESSAGES.get(err["type"], str(err["msg"]).removeprefix("Value error, "))
        if err["type"] == "missing":
            message = f"required field {loc[-1]!r} is missing" if loc else message
        if err["type"].startswith("literal_error") or err["type"] == "string_pattern_mismatch":
            message = f"{err['msg']} (got {_shown(err.get('input'))})"
        elif err["type"] in {"string_type", "int_type", "bool_type", "list_type", "dict_type"}:
            message = (
                f"{err['msg']} (got {type(err.get('input')).__name__} {_shown(err.get('input'))})"
            )
        key = (loc, message)
        if key in seen:
            continue
        seen.add(key)
        # For a missing field, point at the mapping that lacks it.
        where = loc[:-1] if err["type"] == "missing" else loc
        line, column = located.where(where)
        problems.append(Problem(located.path, message, line, column, yamlio.dotted(loc)))
    return problems


def _shown(value: object) -> str:
    """A wrong value as the message quotes it: its start, when it is long (300,000 Xs)."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:60]}… ({len(text):,} characters)"


def _clean_loc(loc: tuple[int | str, ...]) -> yamlio.PathKey:
    # pydantic marks an error in a dict key with a "[key]" part; the key itself locates it.
    return tuple(p for p in loc if p != "[key]")


@lru_cache(maxsize=1)
def load_framework(path: Path | None = None) -> Framework:
    path = path or paths.framework_path()
    located = yamlio.load(path)
    framework = validate(Framework, located)
    problems: list[Problem] = []
    problems += _duplicates(
        located, [(("steps", i, "id"), s.id) for i, s in enumerate(framework.steps)], "step id"
    )
    problems += _duplicates(
        located,
        [
            (("steps", i, "rubric", j, "id"), p.id)
            for i, s in enumerate(framework.steps)
            for j, p in enumerate(s.rubric)
        ],
        "rubric point id",
    )
    if problems:
        raise FileProblemError(yamlio.capped(located.path, problems))
    return framework


def load_case(path: Path, framework: Framework | None = None, text: str | None = None) -> Case:
    """Load and check one case file; every problem found is reported at once."""
    framework = framework or load_framework()
    located = yamlio.load(path, text)
    case = validate(Case, located)
    problems = check_case(located, case, framework)
    if problems:
        raise FileProblemError(yamlio.capped(located.path, problems))
    return case


def check_case(located: yamlio.Located, case: Case, framework: Framework) -> list[Problem]:
    """The rules the schema alone cannot express."""
    problems: list[Problem] = []
    stem = Path(located.path).stem
    if case.id != stem:
        problems.append(
            located.problem(
                ("id",), f"id {case.id!r} differs from the file name {stem!r}; they must be equal"
            )
        )
    expected = framework.step_ids
    for step_id in case.steps:
        if step_id not in expected:
            problems.append(
                located.problem(
                    ("steps", step_id),
                    f"unknown step {step_id!r}; the steps are: {', '.join(expected)}",
                )
            )
    missing = [s for s in expected if s not in case.steps]
    if missing:
        problems.append(
            located.problem(("steps",), f"missing {counted(len(missing), 'step')}: {', '.join(missing)}")
        )
    problems += _duplicates(
        located,
        [(("clarifications", i, "id"), c.id) for i, c in enumerate(case.clarifications)],
        "clarification id",
    )
    rubric = [
        (("steps", sid, "rubric", j, "id"), p.id)
        for sid, step in case.steps.items()
        for j, p in enumerate(step.rubric)
    ]
    problems += _duplicates(located, rubric, "rubric point id")
    generic = {p.id for s in framework.steps for p in s.rubric}
    for key, point_id in rubric:
        if point_id in generic:
            problems.append(
                located.problem(
                    key,
                    f"rubric point id {point_id!r} is already a generic point of the framework; rename it",
                )
            )
    problems += _format_2(located, case, generic, [pid for _, pid in rubric])
    return problems


def _format_2(
    located: yamlio.Located, case: Case, generic: set[str], own: list[str]
) -> list[Problem]:
    """Aliases name no live point twice; skips and level overrides name generic points."""
    problems: list[Problem] = []
    aliases = [
        (("steps", sid, "rubric", j, "aliases", k), alias)
        for sid, step in case.steps.items()
        for j, p in enumerate(step.rubric)
        for k, alias in enumerate(p.aliases)
    ]
    problems += _duplicates(located, aliases, "alias")
    for key, alias in aliases:
        if alias in own:
            problems.append(located.problem(key, f"alias {alias!r} is the id of a live point"))
    for i, point_id in enumerate(case.framework.skip):
        if point_id not in generic:
            problems.append(
                located.problem(
                    ("framework", "skip", i),
                    f"{point_id!r} is not a generic point of the framework",
                )
            )
    for point_id in case.framework.levels:
        if point_id not in generic:
            problems.append(
                located.problem(
                    ("framework", "levels", point_id),
                    f"{point_id!r} is not a generic point of the framework",
                )
            )
    return problems


def _duplicates(
    located: yamlio.Located, keyed: Sequence[tuple[yamlio.PathKey, str]], what: str
) -> list[Problem]:
    first: dict[str, yamlio.PathKey] = {}
    problems: list[Problem] = []
    for key, value in keyed:
        if value in first:
            line, _ = located.where(first[value])
            problems.append(
                located.problem(key, f"duplicate {what} {value!r} (first defined on line {line})")
            )
        else:
            first[value] = key
    return problems


def load_answers(path: Path) -> AnswersFile:
    """Load an answers file (``practice --answers``)."""
    return validate(AnswersFile, yamlio.load(path))


def check_answers(
    path: Path, answers: AnswersFile, case: Case, framework: Framework, *, drill: str | None = None
) -> None:
    """An answers file must be for this case and name only real steps and questions, and
    hold nothing the session would drop: no one is at a prompt to be told what was."""
    located = yamlio.load(path)
    problems: list[Problem] = []
    if answers.case != case.id:
        problems.append(
            located.problem(
                ("case",), f"this answers file is for case {answers.case!r}, not {case.id!r}"
            )
        )
    steps = framework.step_ids
    for section in ("answers", "follow_ups"):
        for step_id in getattr(answers, section):
            if step_id not in steps:
                problems.append(
                    located.problem(
                        (section, step_id),
                        f"unknown step {step_id!r}; the steps are: {', '.join(steps)}",
                    )
                )
    for step_id in answers.follow_ups:
        # A drill takes one step of the file; the caller says what it left out.
        if step_id in steps and drill in (None, step_id):
            unused = _unused_follow_up(answers, case, step_id)
            if unused:
                problems.append(located.problem(("follow_ups", step_id), unused))
    known = {c.id for c in case.clarifications}
    for i, cid in enumerate(answers.clarifications):
        if cid not in known:
            problems.append(
                located.problem(
                    ("clarifications", i),
                    f"case {case.id!r} has no clarification {cid!r}; it has: {', '.join(sorted(known))}",
                )
            )
    if answers.diagram is not None:
        # A diagram line that would not be drawn is an error here: no one is at a prompt
        # to be told, and the file is easy to fix.
        arrows = parse_arrows(answers.diagram)
        drawn = [] if arrows.edges else ["no arrows; write one chain per line, like a -> b"]
        for problem in [*arrows.problems, *drawn]:
            problems.append(located.problem(("diagram",), f"in the diagram, {problem}"))
    if problems:
        raise FileProblemError(yamlio.capped(path, problems))


def _unused_follow_up(answers: AnswersFile, case: Case, step_id: str) -> str:
    """Why a follow-up answer for ``step_id`` would never be asked for, or ``""``."""
    if not answers.answers.get(step_id, "").strip():
        return f"no answer for {step_id!r}: its follow-up is asked only after the step's answer"
    step = case.steps.get(step_id)
    if step is None or not step.follow_ups:
        return f"case {case.id!r} asks no follow-up question in {step_id!r}"
    return ""


def case_schema() -> dict[str, Any]:
    """JSON Schema of the case format, for editors' YAML language servers."""
    schema = Case.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "mlsd case (format 1)"
    return schema
