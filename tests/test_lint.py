"""Each depth rule of `mlsd cases lint` fails when it is violated, and only then."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mlsd.cases import lint
from mlsd.cases.lint import lint_file

Mutation = Callable[[dict[str, Any]], None]


def _drop(key: str, keep: int) -> Mutation:
    def mutate(case: dict[str, Any]) -> None:
        case["steps"]["features"][key] = case["steps"]["features"][key][:keep]

    return mutate


def _unkey(case: dict[str, Any]) -> None:
    for c in case["clarifications"][3:]:
        c["key"] = False


def _no_numbers(case: dict[str, Any]) -> None:
    for c in case["clarifications"]:
        c["answer"] = "Make a reasonable assumption and state it clearly."


def _short_answer(case: dict[str, Any]) -> None:
    case["clarifications"][0]["answer"] = "Ten million."


def _no_staff(case: dict[str, Any]) -> None:
    for p in case["steps"]["serving"]["rubric"]:
        if p["level"] == "staff":
            p["level"] = "senior"


def _no_senior(case: dict[str, Any]) -> None:
    for p in case["steps"]["serving"]["rubric"]:
        if p["level"] == "senior":
            p["level"] = "mid"


def _empty_listen_for(case: dict[str, Any]) -> None:
    case["steps"]["model"]["follow_ups"][0]["listen_for"] = []


def _short_reference(case: dict[str, Any]) -> None:
    case["steps"]["metrics"]["reference"] = " ".join(["word"] * (lint.MIN_REFERENCE_WORDS - 1))


def _small_diagram(case: dict[str, Any]) -> None:
    case["diagram"] = case["diagram"][:3]


def _few_clarifications(case: dict[str, Any]) -> None:
    case["clarifications"] = case["clarifications"][:7]


def _placeholder(case: dict[str, Any]) -> None:
    case["steps"]["data"]["hints"][0] = "TODO write a hint"


RULES: dict[str, tuple[Mutation, str]] = {
    "clarifications >= 8": (_few_clarifications, "7 clarifications; at least 8"),
    "key clarifications >= 4": (_unkey, "3 clarifications marked key"),
    "answers give numbers": (_no_numbers, "clarification answers with numbers"),
    "answers are concrete": (_short_answer, "words in the answer"),
    "prompts >= 3": (_drop("prompts", 2), "2 prompts; at least 3"),
    "hints >= 2": (_drop("hints", 1), "1 hints; at least 2"),
    "rubric >= 6": (_drop("rubric", 5), "5 rubric points; at least 6"),
    "a staff point per step": (_no_staff, "no rubric point at level 'staff'"),
    "a senior point per step": (_no_senior, "no rubric point at level 'senior'"),
    "follow-ups >= 2": (_drop("follow_ups", 1), "1 follow-ups; at least 2"),
    "follow-ups say what to listen for": (
        _empty_listen_for,
        "empty: say what a good answer mentions",
    ),
    "reference >= 120 words": (_short_reference, "119 words in the reference"),
    "diagram >= 4 edges": (_small_diagram, "3 diagram edges"),
    "no placeholders": (_placeholder, "placeholder text"),
}


def test_a_deep_case_passes(write_case, case_data):
    assert lint_file(write_case(case_data)) == []


@pytest.mark.parametrize("rule", list(RULES))
def test_each_rule_fails_when_violated(rule, write_case, case_data):
    mutate, expected = RULES[rule]
    mutate(case_data)
    path = write_case(case_data)
    problems = [str(p) for p in lint_file(path)]
    assert len(problems) == 1, problems
    assert expected in problems[0]
    assert problems[0].startswith(f"{path}:")


def test_lint_also_reports_validation_problems(write_case, case_data):
    case_data["difficulty"] = "impossible"
    problems = lint_file(write_case(case_data))
    assert any("difficulty" in str(p) for p in problems)


def test_cli_lint_fails_with_exit_1(run, write_case, case_data):
    _small_diagram(case_data)
    result = run("cases", "lint", str(write_case(case_data)))
    assert result.code == 1
    assert "diagram edges" in result.err
    assert "needs work" in result.err


# -- rubric format 2 -------------------------------------------------------------------


@pytest.fixture
def v2_case() -> dict[str, Any]:
    import yaml

    from mlsd._util.paths import bundled_cases_dir

    text = (bundled_cases_dir() / "video-recommendation.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    data["id"] = "tiny-case"
    return data


def _lint(write_case, data: dict[str, Any]) -> list[str]:
    return [p.message for p in lint_file(write_case(data))]


def test_a_bundled_format_2_case_lints_clean(write_case, v2_case):
    assert _lint(write_case, v2_case) == []


def test_a_step_needs_three_to_five_core_points(write_case, v2_case):
    for point in v2_case["steps"]["data"]["rubric"]:
        point["core"] = True
    messages = _lint(write_case, v2_case)
    assert any("core points" in m and "3 to 5 needed" in m for m in messages), messages


def test_every_point_says_what_earns_it_and_what_does_not(write_case, v2_case):
    del v2_case["steps"]["model"]["rubric"][0]["not_enough"]
    messages = _lint(write_case, v2_case)
    assert any("has no not_enough: notes" in m for m in messages), messages


def test_skips_levels_and_aliases_must_name_real_points(write_case, v2_case):
    v2_case["framework"] = {"skip": ["no-such-point"], "levels": {"nor-this": "mid"}}
    first, second = v2_case["steps"]["model"]["rubric"][:2]
    first["aliases"] = [second["id"]]
    messages = _lint(write_case, v2_case)
    assert sum("is not a generic point of the framework" in m for m in messages) == 2, messages
    assert any("is the id of a live point" in m for m in messages), messages


def test_every_bundled_yaml_file_reads_the_same_with_or_without_libyaml():
    """mlsd reads YAML with libyaml's C loader when PyYAML has it, else the pure-Python
    one. They disagree on some plain scalars ("a question?, next" in a flow list parses in
    C, not in Python): a bundled file must read, and read the same, on every machine."""
    import yaml

    from mlsd._util.paths import bundled_cases_dir, framework_path

    c_loader = getattr(yaml, "CSafeLoader", None)
    for path in [*sorted(bundled_cases_dir().glob("*.yaml")), framework_path()]:
        text = path.read_text(encoding="utf-8")
        pure = yaml.load(text, Loader=yaml.SafeLoader)
        if c_loader is not None:
            assert yaml.load(text, Loader=c_loader) == pure, path.name
