"""Inputs from strangers that used to take minutes or gigabytes: each is now bounded.

No wall-clock assertions: each test counts something instead (calls to an inner
function, lines printed, searches run) or checks that the cap's message is shown.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from mlsd.cases.catalog import load_case, load_framework
from mlsd.rubric import docsplit, matching
from mlsd.rubric.scoring import score

FRAMEWORK = load_framework()
REPO = Path(__file__).resolve().parent.parent


def _heading_doc(count: int, title: str = "heading") -> str:
    return "".join(f"## {title} {i}\nsome words\n" for i in range(count))


def _count_finds(monkeypatch: pytest.MonkeyPatch, module: object) -> dict[str, int]:
    """Count the calls to ``matching.find`` made through ``module``."""
    calls = {"find": 0}
    real_find = matching.find

    def counting_find(*args: Any, **kwargs: Any) -> Any:
        calls["find"] += 1
        return real_find(*args, **kwargs)

    monkeypatch.setattr(module, "find", counting_find)
    return calls


# -- a design doc made of headings -----------------------------------------------------


def test_a_doc_of_headings_is_read_up_to_the_heading_cap(monkeypatch):
    # 5 MiB of "## heading N" took 13 minutes: every heading's text was matched against
    # every point of the case. Past the cap, headings are read as plain text.
    from mlsd.rubric.docsplit import MAX_HEADINGS

    calls = _count_finds(monkeypatch, matching)
    case = load_case(REPO / "cases" / "feed-ranking.yaml", FRAMEWORK)
    count = MAX_HEADINGS + 500
    doc = docsplit.split_doc(_heading_doc(count), FRAMEWORK, case)
    assert len(doc.sections) == MAX_HEADINGS
    assert doc.headings_stop == 2 * MAX_HEADINGS + 1  # the line of the first unread heading
    # Only the points whose words can occur in a section are looked for (and the few
    # whose phrases have no fixed letters), not the whole rubric for each heading.
    rubric = sum(len(docsplit.step_rubric(case, FRAMEWORK, s.id)) for s in FRAMEWORK.steps)
    assert calls["find"] < rubric * MAX_HEADINGS / 4
    # The text past the cap is still in the doc's answers: its points still count.
    assert any(f"heading {count - 1}" in text for text in doc.answers.values())


def test_a_short_doc_is_still_read_heading_by_heading():
    doc = docsplit.split_doc(_heading_doc(30, "Data"), FRAMEWORK)
    assert doc.headings_stop is None
    assert [s.step for s in doc.sections] == ["data"] * 30


def _old_last_keyword(part: str) -> str | None:
    """The per-keyword search this replaced, to check the one-pattern scan against."""
    best: tuple[int, int, str] | None = None
    for step in FRAMEWORK.steps:
        for word in (step.id, step.title.lower(), *docsplit.SYNONYMS.get(step.id, ())):
            for m in re.finditer(rf"(?<![a-z]){re.escape(word)}", part):
                end = m.end()
                while end < len(part) and part[end].isalpha():
                    end += 1
                if best is None or (end, len(word)) > best[:2]:
                    best = (end, len(word), step.id)
    return best[2] if best else None


def test_the_one_pattern_keyword_scan_agrees_with_the_per_keyword_search():
    words = sorted(
        {w for step in FRAMEWORK.steps for w in docsplit.SYNONYMS.get(step.id, ())}
        | {step.title.lower() for step in FRAMEWORK.steps}
    )
    parts = [f"{a} {b}" for a in words for b in words[::7]]
    parts += ["model serving", "training data", "online test", "a/b test", "datasets"]
    parts += ["modelling approach", "system design", "use cases", "xdata", "labels"]
    for part in parts:
        assert docsplit._last_keyword(part, FRAMEWORK) == _old_last_keyword(part), part


def test_score_case_lists_a_capped_number_of_headings(run, tmp_path):
    path = tmp_path / "doc.md"
    path.write_text(_heading_doc(300, "Data"), encoding="utf-8")
    result = run("score", "--case", "feed-ranking", "--no-pager", str(path))
    assert result.code == 0, result.err
    listed = [line for line in result.out.splitlines() if line.strip().startswith("Data ")]
    assert len(listed) <= 40
    assert "… and 260 more headings (--json lists them all)" in result.out
    json_result = run("score", "--case", "feed-ranking", "--json", str(path))
    assert json_result.out.count('"heading": "Data ') == 300


def test_a_long_doc_is_not_printed_whole_in_every_step(run, tmp_path):
    # The doc scored whole is every step's answer; it was printed once per step (7 times
    # 5 MB through rich tables). Now each step shows its start and how much is left.
    path = tmp_path / "doc.md"
    path.write_text(_heading_doc(1500), encoding="utf-8")
    result = run("score", "--case", "feed-ranking", "--no-pager", str(path))
    assert result.code == 0, result.err
    assert "heading 1499" not in result.out
    assert result.out.count("shown)") == 7  # "… (N more characters not shown)", wrapped
    assert result.out.count("some words") <= 7 * 150


# -- many slow re: phrases in a case pack ------------------------------------------------


def _slow_re_case(case_data: dict[str, Any], phrases: int) -> dict[str, Any]:
    point = case_data["steps"]["requirements"]["rubric"][0]
    point["match"] = [
        *point["match"],
        *(rf"re:(?:\w+\s)*\w*\s{{2,{k}}}" for k in range(2, phrases)),
    ]
    return case_data


def test_re_phrases_share_one_budget_and_the_report_says_when_it_ran_out(
    monkeypatch, write_case, case_data
):
    from mlsd.rubric import regex_budget

    path = write_case(_slow_re_case(case_data, 90))
    case = load_case(path, FRAMEWORK)
    searches = {"n": 0}
    real_compile = regex_budget._compile_re

    def counting_compile(source: str) -> Any:
        searches["n"] += 1
        return real_compile(source)

    monkeypatch.setattr(regex_budget, "_compile_re", counting_compile)
    monkeypatch.setattr(regex_budget, "RE_BUDGET_SECONDS", 0.0)
    answer = " ".join(f"word{i}" for i in range(300))
    report = score(case, FRAMEWORK, {s.id: answer for s in FRAMEWORK.steps})
    assert searches["n"] == 0  # the budget was spent: not one of the 88 phrases ran
    assert report.matching_cut_short >= 88
    from mlsd.rubric.report_json import report_to_json

    assert report_to_json(report)["matching_cut_short"] == report.matching_cut_short


def test_a_point_with_more_phrases_than_any_case_needs_is_a_located_problem(
    run, write_case, case_data
):
    """Each re: phrase may cost 50 ms wherever a point is looked for one at a time (a
    review card, a follow-up), outside a scoring's shared budget."""
    from mlsd.cases.models import MAX_PHRASES

    path = write_case(_slow_re_case(case_data, MAX_PHRASES + 10))
    result = run("cases", "validate", str(path))
    assert result.code == 1
    assert "steps.requirements.rubric[0].match: List should have at most 100 items" in result.err


def test_a_cut_short_match_is_told_to_the_user(monkeypatch, run, write_case, case_data, tmp_path):
    from mlsd.rubric import regex_budget

    path = write_case(_slow_re_case(case_data, 50))
    monkeypatch.setattr(regex_budget, "RE_BUDGET_SECONDS", 0.0)
    doc = tmp_path / "doc.md"
    doc.write_text("## Requirements\n\n" + " ".join(f"w{i}" for i in range(200)) + "\n")
    result = run(
        "--cases-dir", str(path.parent), "score", "--case", "tiny-case", "--no-pager", str(doc)
    )
    assert result.code == 0, result.err
    assert "Matching was cut short" in " ".join(result.out.split())


def test_an_ordinary_scoring_is_not_cut_short():
    case = load_case(REPO / "cases" / "ctr-prediction.yaml", FRAMEWORK)
    answers = yaml.safe_load(
        (REPO / "tests" / "fixtures" / "answers" / "ctr-prediction-strong.yaml").read_text()
    )
    report = score(case, FRAMEWORK, answers["answers"])
    assert report.matching_cut_short == 0
    from mlsd.rubric.report_json import report_to_json

    assert "matching_cut_short" not in report_to_json(report)


def test_a_doc_scored_whole_is_searched_once_per_point(monkeypatch):
    from mlsd.rubric import scoring

    calls = _count_finds(monkeypatch, scoring)
    case = load_case(REPO / "cases" / "feed-ranking.yaml", FRAMEWORK)
    text = "nothing that makes any point"
    report = score(case, FRAMEWORK, {s.id: text for s in FRAMEWORK.steps})
    points = sum(len(s.points) for s in report.steps)
    assert calls["find"] == points  # not once per step's copy of the same text


# -- a 5000-digit integer in a case file ------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        pytest.param(
            "weight: 2", "weight: " + "1" * 5000, "steps.requirements.rubric[1].weight", id="weight"
        ),
        pytest.param("format: 1", "format: " + "9" * 5000, "format", id="format"),
        pytest.param("- ranking", "- " + "7" * 5000, "tags[1]", id="tag"),
    ],
)
def test_a_5000_digit_integer_is_a_located_problem(run, write_case, case_data, old, new, field):
    text = yaml.safe_dump(case_data, sort_keys=False).replace(old, new, 1)
    path = write_case(text)
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if new in ln)
    result = run("--cases-dir", str(path.parent), "show", "tiny-case")
    assert result.code == 1
    assert f"tiny-case.yaml:{line}:" in result.err
    assert f"{field}: a number 5,000 characters long; the limit is 100" in result.err
    assert "set_int_max_str_digits" not in result.err
    assert "Traceback" not in result.err


# -- a broken case with thousands of problems ---------------------------------------------


def test_problems_per_file_are_capped_in_list_and_validate(run, write_case, case_data):
    case_data["tags"] = list(range(500))  # 500 "should be a valid string" problems
    path = write_case(case_data)
    for _ in range(2):  # the second run replays the cached warning
        result = run("--cases-dir", str(path.parent), "list")
        assert result.code == 0
        lines = result.err.splitlines()
        assert len(lines) == 21, result.err[:2000]
        assert lines[-1].endswith("tiny-case.yaml: … and 480 more problems in this file")
    result = run("cases", "validate", str(path))
    assert result.code == 1
    assert len(result.err.splitlines()) == 22  # 20, the count, "1 file with problems"


def test_half_a_million_values_are_refused_at_once(run, write_case, case_data):
    from mlsd.cases.yamlio import MAX_VALUES

    text = yaml.safe_dump(case_data, sort_keys=False)
    text = text.replace("- ranking\n", "- ranking\n" + "- 1\n" * (MAX_VALUES + 10), 1)
    path = write_case(text)
    result = run("--cases-dir", str(path.parent), "list")
    assert result.code == 0
    assert len(result.err.splitlines()) == 1
    assert f"more than {MAX_VALUES:,} values in one file" in result.err


# -- one very long word ------------------------------------------------------------------


def test_a_very_long_word_keeps_a_bounded_set_of_word_starts():
    """Every prefix of a 950,000-letter word (a pasted blob) took 24 GB and killed the
    session's scoring for good; word starts are kept up to KEY_MAX letters."""
    from mlsd.rubric.matching import KEY_MAX, covers, word_starts

    assert len(word_starts("x" * 100_000)) == KEY_MAX
    long_word = "pneumonoultramicroscopicsilicovolcanoconiosis" * 2  # a key past KEY_MAX
    assert len(long_word) > KEY_MAX
    assert covers([long_word], f"we saw {long_word} in the logs")
    assert not covers([long_word], f"we saw {long_word[:KEY_MAX]}x in the logs")


def test_a_huge_repeat_count_in_a_re_phrase_is_refused_at_load(run, write_case, case_data):
    """re:a{4294967294} passed validate and lint, then took 24 GB when matched (the regex
    engine expands a counted repeat when it compiles)."""
    point = case_data["steps"]["requirements"]["rubric"][0]
    point["match"] = ["re:(?:a{4294967294})", *point["match"]]
    path = write_case(case_data)
    result = run("cases", "validate", str(path))
    assert result.code == 1
    said = " ".join(result.err.split())
    assert "steps.requirements.rubric[0].match" in said
    assert "a repeat count over 1,000 in 're:(?:a{4294967294})'" in said


def test_a_long_wrong_value_is_quoted_by_its_start(run, write_case, case_data):
    """A 300,000-character difficulty was quoted whole: three 300 KB lines on stderr."""
    case_data["difficulty"] = "X" * 300_000
    path = write_case(case_data)
    result = run("cases", "validate", str(path))
    assert result.code == 1
    assert len(result.err) < 1000, len(result.err)
    assert "difficulty: Input should be" in result.err and "(300,002 characters)" in result.err
