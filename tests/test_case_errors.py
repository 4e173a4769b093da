"""Every malformed case file names the file, the line and the field, and never crashes."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from mlsd.cases.catalog import load_case
from mlsd.errors import FileProblemError


def problems_of(path: Path) -> list[str]:
    with pytest.raises(FileProblemError) as info:
        load_case(path)
    return [str(p) for p in info.value.problems]


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def test_valid_case_loads(write_case, case_data):
    case = load_case(write_case(case_data))
    assert case.id == "tiny-case"
    assert len(case.rubric_points()) == 42


def test_yaml_syntax_error_names_file_line_and_column(write_case):
    path = write_case("format: 1\nid: tiny-case\ntitle: [unclosed\nsummary: x\n")
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:4:")
    assert "invalid YAML" in message


def test_unknown_key_points_at_the_key(write_case, case_data):
    case_data["steps"]["model"]["rubric"][1]["wieght"] = 2
    path = write_case(case_data)
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:{line_of(path, 'wieght')}:")
    assert "steps.model.rubric[1].wieght" in message
    assert "unknown field" in message


def test_wrong_type_is_located(write_case, case_data):
    path = write_case(
        yaml.safe_dump(case_data, sort_keys=False).replace("weight: 2", "weight: lots", 1)
    )
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:{line_of(path, 'weight: lots')}:")
    assert "weight" in message


def test_missing_required_field_points_at_its_parent(write_case, case_data):
    del case_data["steps"]["data"]["rubric"][0]["why"]
    path = write_case(case_data)
    (message,) = problems_of(path)
    assert f"{path}:" in message
    assert "steps.data.rubric[0].why" in message
    assert "'why' is missing" in message
    assert message.split(":")[1] == str(line_of(path, "id: data-point-0"))


def test_missing_step(write_case, case_data):
    del case_data["steps"]["monitoring"]
    path = write_case(case_data)
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:{line_of(path, 'steps:')}:")
    assert "missing 1 step: monitoring" in message


def test_unknown_step(write_case, case_data):
    case_data["steps"]["deployment"] = copy.deepcopy(case_data["steps"]["serving"])
    for point in case_data["steps"]["deployment"]["rubric"]:
        point["id"] = "deploy-" + point["id"]
    path = write_case(case_data)
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:{line_of(path, 'deployment:')}:")
    assert "unknown step 'deployment'" in message


def test_duplicate_rubric_point_id(write_case, case_data):
    case_data["steps"]["metrics"]["rubric"][0]["id"] = "model-point-1"
    path = write_case(case_data)
    (message,) = problems_of(path)
    lines = [n for n, t in enumerate(path.read_text().splitlines(), 1) if "id: model-point-1" in t]
    assert message.startswith(f"{path}:{lines[1]}:")
    assert f"first defined on line {lines[0]}" in message


def test_duplicate_clarification_id(write_case, case_data):
    case_data["clarifications"][3]["id"] = "q1"
    path = write_case(case_data)
    (message,) = problems_of(path)
    assert "duplicate clarification id 'q1'" in message
    assert message.startswith(f"{path}:")


def test_id_must_equal_file_stem(write_case, case_data):
    path = write_case(case_data, name="other-name")
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:{line_of(path, 'id: tiny-case')}:")
    assert "differs from the file name 'other-name'" in message


@pytest.mark.parametrize(
    "snippet",
    ["anchor: &a x\n", "tags: &t [a]\nother: *t\n"],
    ids=["anchor", "alias"],
)
def test_anchors_and_aliases_are_refused(write_case, snippet):
    path = write_case("format: 1\n" + snippet)
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:2:")
    assert "anchors and aliases" in message


def test_billion_laughs_is_refused_fast(write_case):
    bomb = 'a: &a ["lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n'
    (message,) = problems_of(write_case(bomb))
    assert "anchors and aliases" in message


def test_file_over_one_mib_is_refused(write_case, case_data):
    case_data["prompt"] = "x" * (1024 * 1024 + 10)
    path = write_case(case_data)
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:")
    assert "limit is 1,048,576" in message


def test_non_utf8_file_names_the_line(write_case):
    path = write_case(b"format: 1\nid: tiny-case\ntitle: caf\xe9\n")
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:3:")
    assert "not valid UTF-8" in message


def test_binary_file_is_refused(write_case):
    path = write_case(b"format: 1\n\x00\x01\x02")
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:2:")
    assert "binary" in message


def test_yaml11_booleans_stay_strings(write_case, case_data):
    # "no" and "on" are strings in YAML 1.2 and must not become False/True.
    text = yaml.safe_dump(case_data, sort_keys=False).replace("title: A tiny case", "title: no")
    case = load_case(write_case(text))
    assert case.title == "no"


def test_true_boolean_in_a_string_field_is_a_type_error(write_case, case_data):
    text = yaml.safe_dump(case_data, sort_keys=False).replace("title: A tiny case", "title: true")
    (message,) = problems_of(write_case(text))
    assert "title" in message
    assert "valid string" in message


def test_bad_regex_in_match_is_reported(write_case, case_data):
    case_data["steps"]["model"]["rubric"][0]["match"] = ["re:(unclosed"]
    (message,) = problems_of(write_case(case_data))
    assert "steps.model.rubric[0].match" in message
    assert "bad regular expression" in message


def test_top_level_must_be_a_mapping(write_case):
    (message,) = problems_of(write_case("- just\n- a list\n"))
    assert "expected a mapping" in message


def test_every_problem_is_reported_at_once(write_case, case_data: dict[str, Any]):
    case_data["difficulty"] = "brutal"
    case_data["steps"]["model"]["rubric"][0]["level"] = "principal"
    assert len(problems_of(write_case(case_data))) == 2


def test_cli_validate_reports_to_stderr_and_exits_1(run, write_case, case_data):
    case_data["tags"] = "ranking"
    path = write_case(case_data)
    result = run("cases", "validate", str(path))
    assert result.code == 1
    assert f"{path}:{line_of(path, 'tags: ranking')}:" in result.err
    assert "Traceback" not in result.err + result.out


def test_cli_validate_ok(run, write_case, case_data):
    result = run("cases", "validate", str(write_case(case_data)))
    assert result.code == 0, result.err
    assert "ok" in result.out
