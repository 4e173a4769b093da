"""Scoring: coverage math, levels as bonus never penalty, clarifications, the JSON shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mlsd.cases.catalog import load_answers, load_case, load_framework
from mlsd.cases.models import Case, Framework
from mlsd.log import events as ev
from mlsd.rubric.levels import MEETS, PARTLY, level_verdict
from mlsd.rubric.report_json import report_to_json
from mlsd.rubric.scoring import score

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "answers"
FLAGSHIPS = ["ctr-prediction", "feed-ranking", "visual-search"]


def point(pid: str, level: str, weight: int) -> dict[str, Any]:
    return {
        "id": pid,
        "point": f"Point {pid}.",
        "match": [f"{pid}word"],
        "weight": weight,
        "level": level,
        "why": f"Because {pid}.",
    }


@pytest.fixture
def framework() -> Framework:
    """Two steps; each has one generic mid point of weight 1."""
    return Framework.model_validate(
        {
            "format": 1,
            "steps": [
                {
                    "id": sid,
                    "title": sid.title(),
                    "goal": "A goal.",
                    "minutes": minutes,
                    "rubric": [point(f"{sid}-generic", "mid", 1)],
                }
                for sid, minutes in (("alpha", 5), ("beta", 10))
            ],
        }
    )


@pytest.fixture
def case() -> Case:
    """alpha: mid w2, senior w3, staff w2.  beta: mid w1, staff w3.  Two key questions."""
    return Case.model_validate(
        {
            "format": 1,
            "id": "tiny",
            "title": "Tiny",
            "summary": "A tiny case.",
            "difficulty": "easy",
            "prompt": "Design it.",
            "clarifications": [
                {"id": "q1", "question": "Q1?", "answer": "A1.", "key": True},
                {"id": "q2", "question": "Q2?", "answer": "A2.", "key": True},
                {"id": "q3", "question": "Q3?", "answer": "A3."},
            ],
            "steps": {
                "alpha": {
                    "rubric": [
                        point("am", "mid", 2),
                        point("as", "senior", 3),
                        point("ast", "staff", 2),
                    ],
                    "follow_ups": [{"question": "Why?", "listen_for": ["becausething"]}],
                    "reference": "Alpha reference.",
                },
                "beta": {"rubric": [point("bm", "mid", 1), point("bst", "staff", 3)]},
            },
        }
    )


def test_step_coverage_is_weighted_over_expected_points(case: Case, framework: Framework) -> None:
    report = score(case, framework, {"alpha": "amword and asword"}, level="senior")
    alpha = report.step("alpha")
    # expected at senior: alpha-generic (1), am (2), as (3) -> 5 of 6
    assert (alpha.covered_weight, alpha.expected_weight) == (5, 6)
    assert alpha.coverage == pytest.approx(5 / 6)
    assert [p.id for p in alpha.missed] == ["alpha-generic"]


def test_points_above_the_level_are_bonus_never_penalty(case: Case, framework: Framework) -> None:
    plain = score(case, framework, {"alpha": "amword asword"}, level="senior")
    with_staff = score(case, framework, {"alpha": "amword asword astword"}, level="senior")
    assert with_staff.step("alpha").coverage == plain.step("alpha").coverage
    bonus = [p for p in with_staff.step("alpha").points if p.bonus]
    assert [p.id for p in bonus] == ["ast"]
    assert "ast" not in [p.id for p in plain.step("alpha").missed]


def test_a_lower_level_expects_less_so_the_same_answer_scores_higher(
    case: Case, framework: Framework
) -> None:
    answers = {"alpha": "amword alpha-genericword", "beta": "bmword beta-genericword"}
    mid = score(case, framework, answers, level="mid")
    staff = score(case, framework, answers, level="staff")
    assert mid.coverage == 1.0
    assert staff.coverage == pytest.approx(5 / 13)


def test_overall_coverage_counts_skipped_steps_as_zero(case: Case, framework: Framework) -> None:
    report = score(case, framework, {"alpha": "alpha-genericword amword asword"}, level="senior")
    beta = report.step("beta")
    assert not beta.attempted
    assert beta.coverage == 0.0
    # alpha 6/6 expected, beta 0/2 expected (beta-generic 1 + bm 1)
    assert (report.covered_weight, report.expected_weight) == (6, 8)
    assert report.coverage == pytest.approx(6 / 8)


def test_whitespace_only_is_not_an_attempt(case: Case, framework: Framework) -> None:
    report = score(case, framework, {"alpha": "  \n "}, level="senior")
    assert not report.step("alpha").attempted


def test_clarification_coverage(case: Case, framework: Framework) -> None:
    report = score(case, framework, {}, clarifications_asked=["q3", "q1", "q1", "nope"])
    clar = report.clarifications
    assert clar.asked == ("q3", "q1")
    assert clar.key_asked == ("q1",)
    assert clar.key_missed == (("q2", "Q2?"),)
    assert clar.coverage == 0.5


def test_time_and_hints_are_reported_but_never_change_the_score(
    case: Case, framework: Framework
) -> None:
    answers = {"alpha": "amword"}
    plain = score(case, framework, answers)
    slow = score(case, framework, answers, hints={"alpha": 3}, seconds={"alpha": 900.0})
    assert slow.coverage == plain.coverage
    assert (slow.hints, slow.seconds, slow.step("alpha").budget_seconds) == (3, 900.0, 300.0)


def test_follow_ups_note_what_the_answer_already_anticipates(
    case: Case, framework: Framework
) -> None:
    report = score(case, framework, {"alpha": "becausething"})
    assert report.step("alpha").follow_ups[0].anticipated
    assert not score(case, framework, {"alpha": "x"}).step("alpha").follow_ups[0].anticipated


def test_level_signal_thresholds(case: Case, framework: Framework) -> None:
    everything_mid = "alpha-genericword amword"
    beta_mid = "beta-genericword bmword"
    report = score(case, framework, {"alpha": everything_mid + " asword", "beta": beta_mid})
    signal = report.level_signal
    assert dict(signal.by_level) == {"mid": 1.0, "senior": 1.0, "staff": 0.0}
    assert (signal.meets, signal.partly, signal.summary) == ("senior", None, "meets senior")
    report = score(
        case, framework, {"alpha": everything_mid + " asword", "beta": beta_mid + " bstword"}
    )
    assert dict(report.level_signal.by_level)["staff"] == pytest.approx(3 / 5)
    assert PARTLY <= 3 / 5 < MEETS
    assert report.level_signal.summary == "meets senior, partly staff"
    nothing = score(case, framework, {})
    assert nothing.level_signal.summary == "below mid"


def test_a_level_with_no_core_point_is_decided_by_its_signals() -> None:
    # (level, core, covered weight, weight). Eight bundled cases had no staff core point:
    # counted as met, every answer that met senior "met staff" with no staff point made.
    made_senior = [("mid", True, 3, 3), ("senior", True, 3, 3)]
    no_staff = level_verdict([*made_senior, ("staff", False, 0, 2), ("staff", False, 0, 3)])
    assert no_staff.summary == "meets senior"
    half = level_verdict([*made_senior, ("staff", False, 2, 2), ("staff", False, 0, 3)])
    assert half.summary == "meets senior, partly staff"
    shown = level_verdict([*made_senior, ("staff", False, 2, 2), ("staff", False, 2, 2)])
    assert shown.summary == "meets staff"
    # with a staff core point, staff signals still only lift the verdict, never sink it
    core = level_verdict([*made_senior, ("staff", True, 2, 2), ("staff", False, 0, 9)])
    assert core.summary == "meets staff"


def test_unknown_level_is_refused(case: Case, framework: Framework) -> None:
    with pytest.raises(ValueError, match="unknown level"):
        score(case, framework, {}, level="principal")


def test_json_shape_is_stable_and_versioned(case: Case, framework: Framework) -> None:
    report = score(
        case,
        framework,
        {"alpha": "We use amword here."},
        clarifications_asked=["q1"],
        hints={"alpha": 1},
        seconds={"alpha": 61.5},
    )
    data = report_to_json(report)
    json.dumps(data)  # plain JSON types only
    assert data["format"] == 1
    assert "not the correctness of the design" in data["measures"]
    assert set(data) >= {
        "case", "level", "coverage", "covered_weight", "expected_weight", "level_signal",
        "clarifications", "time", "hints", "penalties", "steps",
    }  # fmt: skip
    assert data["penalties"] == []
    assert data["level_signal"]["thresholds"] == {"meets": MEETS, "partly": PARTLY}
    assert data["clarifications"]["key_missed"] == [{"id": "q2", "question": "Q2?"}]
    alpha = data["steps"][0]
    assert set(alpha) == {
        "id", "title", "attempted", "coverage", "covered_weight", "expected_weight", "hints",
        "seconds", "budget_seconds", "points", "follow_ups",
    }  # fmt: skip
    covered = next(p for p in alpha["points"] if p["id"] == "am")
    assert covered == {
        "id": "am",
        "source": "case",
        "level": "mid",
        "weight": 2,
        "expected": True,
        "covered": True,
        "bonus": False,
        "match": {"start": 7, "end": 13, "text": "amword", "phrase": "amword"},
        "point": "Point am.",  # added in format 1 for readers of the JSON: fields only grow
        "why": "Because am.",
        "override": None,
        "made_in": "alpha",
        "made_in_follow_up": False,
        "evidence": "We use amword here.",
    }
    assert next(p for p in alpha["points"] if p["id"] == "alpha-generic")["source"] == "framework"
    assert data["steps"][1]["attempted"] is False


@pytest.mark.parametrize("case_id", FLAGSHIPS)
def test_a_strong_answer_set_scores_far_above_a_shallow_one(case_id: str) -> None:
    framework = load_framework()
    case = load_case(REPO / "cases" / f"{case_id}.yaml", framework)
    reports = {}
    for kind in ("strong", "shallow"):
        answers = load_answers(FIXTURES / f"{case_id}-{kind}.yaml")
        assert answers.case == case_id
        reports[kind] = score(
            case,
            framework,
            answers.answers,
            level=answers.level or "senior",
            clarifications_asked=answers.clarifications,
        )
    strong, shallow = reports["strong"], reports["shallow"]
    assert strong.coverage >= 0.6, strong.coverage
    assert shallow.coverage <= 0.15, shallow.coverage
    assert strong.coverage - shallow.coverage >= 0.5
    assert strong.level_signal.meets in {"senior", "staff"}
    assert shallow.level_signal.meets is None
    assert strong.clarifications.coverage > shallow.clarifications.coverage


@pytest.mark.parametrize("case_id", FLAGSHIPS)
def test_strong_answers_are_realistic_length(case_id: str) -> None:
    answers = load_answers(FIXTURES / f"{case_id}-strong.yaml")
    assert len(answers.answers) == 7
    for step, text in answers.answers.items():
        assert 80 <= len(text.split()) <= 200, step


def test_score_a_stored_session(run) -> None:
    from mlsd._util.paths import bundled_cases_dir
    from mlsd.log.store import open_store

    answers = load_answers(FIXTURES / "feed-ranking-strong.yaml")
    path = bundled_cases_dir() / "feed-ranking.yaml"
    with open_store() as store:
        sid = store.create_session(
            case_id="feed-ranking",
            case_path=str(path),
            case_title="Feed",
            mode="practice",
            level="staff",
            minutes=45,
        )
        for step, text in answers.answers.items():
            store.save_answer(sid, step, text)
        store.add_event(
            sid, ev.Clarification(question="DAU?", answer="…", id="scale"), "requirements"
        )
        store.add_event(sid, ev.Hint(index=0), "model")
        store.add_event(sid, ev.Time(seconds=300.0), "model")
    result = run("score", "latest", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["level"] == "staff"
    assert data["clarifications"]["asked"] == ["scale"]
    model = next(s for s in data["steps"] if s["id"] == "model")
    assert (model["hints"], model["seconds"]) == (1, 300.0)
    assert data["coverage"] > 0.5
    by_prefix = run("score", sid[:6])
    assert by_prefix.code == 0
    assert "not the correctness of the design" in by_prefix.out
    missing = run("score", "ffffffff")
    assert missing.code == 1
    assert "no session" in missing.err


def test_a_point_made_in_another_step_counts_and_says_where(
    case: Case, framework: Framework
) -> None:
    report = score(case, framework, {"alpha": "First. We would use bmword here. Then more."})
    bm = next(p for p in report.step("beta").points if p.id == "bm")
    assert bm.covered and bm.evidence is not None
    assert bm.evidence.step_id == "alpha" and not bm.evidence.follow_up
    assert bm.evidence.sentence == "We would use bmword here."
    assert bm.evidence.sentence[bm.evidence.start : bm.evidence.end] == "bmword"


def test_a_follow_up_answer_counts_for_its_step(case: Case, framework: Framework) -> None:
    report = score(case, framework, {"alpha": "x"}, follow_ups={"alpha": "Also asword, surely."})
    found = next(p for p in report.step("alpha").points if p.id == "as")
    assert found.evidence is not None and found.evidence.follow_up
    # the step's own answer is searched first
    report = score(
        case, framework, {"alpha": "amword first"}, follow_ups={"alpha": "and amword again"}
    )
    am = next(p for p in report.step("alpha").points if p.id == "am")
    assert am.evidence is not None and not am.evidence.follow_up


def test_the_candidates_calls_are_kept_apart_from_the_scorers(
    case: Case, framework: Framework
) -> None:
    answers = {"alpha": "We use amword here.", "beta": "bmword too."}
    plain = score(case, framework, answers, level="mid")
    called = score(
        case,
        framework,
        answers,
        level="mid",
        overrides={"case:am": "reject", "case:as": "accept"},
    )
    # the scorer's own figures do not move
    assert called.coverage == plain.coverage and called.calls is not None
    assert plain.calls is None
    am = next(p for p in called.step("alpha").points if p.id == "am")
    assert am.covered and not am.credited and am.override == "reject"
    assert called.calls.accepted == 1 and called.calls.rejected == 1
    assert called.coverage_with_calls is not None
    assert called.coverage_with_calls < called.coverage  # am (weight 2) out, as (senior) bonus
    data = report_to_json(called)
    assert data["with_your_calls"] is not None
    assert data["with_your_calls"]["accepted"] == 1


def test_the_quoted_sentence_runs_past_an_abbreviation():
    """The evidence stopped at "(e.g." and quoted half a sentence."""
    from mlsd.rubric.matching import Match
    from mlsd.rubric.scoring import _evidence

    text = "Intro. A semantic cache for repeated questions (e.g. the same FAQ) cuts cost, i.e. money. Next."
    start = text.index("semantic cache")
    match = Match("semantic cache", start, start + 14, "semantic cache")
    evidence = _evidence("serving", False, text, match)
    assert evidence.sentence == (
        "A semantic cache for repeated questions (e.g. the same FAQ) cuts cost, i.e. money."
    )
    assert evidence.sentence[evidence.start : evidence.end] == "semantic cache"


def test_the_feedback_quotes_a_long_sentence_whole_with_its_numbers():
    """Quotes stopped 80 characters from the match: 'H100 reservations take 8…'."""
    from rich.console import Console

    from mlsd.rubric.matching import Match
    from mlsd.rubric.scoring import Evidence, PointResult
    from mlsd.ui.feedback import quote

    sentence = (
        "Autoscaling follows queue depth and KV-cache utilisation, but H100 reservations "
        "take 8 weeks and loading a 70B replica takes minutes, so we keep 20% warm headroom."
    )
    start = sentence.index("queue depth")
    point = PointResult(
        id="p", point="P", why="W", source="case", level="senior", weight=1, expected=True,
        core=True, match=Match("queue depth", start, start + 11, "queue depth"),
        evidence=Evidence("serving", False, sentence, start, start + 11),
    )  # fmt: skip
    console = Console(width=400, record=True, color_system=None)
    console.print(quote(point))
    shown = console.export_text().strip()
    assert shown == f"“{sentence}”"
