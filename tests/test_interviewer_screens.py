"""Interviewer mode on a real call (issue 14): a half-width window, every point in full,
questions found from a word or a typo, nothing rated that nobody heard, no preselected
verdict."""

from __future__ import annotations

import io
import re

import pexpect
import pytest
from rich.console import Console

from mlsd._util.paths import bundled_cases_dir
from mlsd.cases.catalog import load_case, load_framework
from mlsd.interview.checklist import DIMENSIONS, step_points
from mlsd.interview.flow import CHOOSE, Interview
from mlsd.interview.guide import interviewer_guide
from mlsd.interview.scorecard import render_scorecard, scorecard_context
from mlsd.interview.script import RatingScreen, ReadOut, StepEvidence, step_menu
from mlsd.practice.flow import start
from mlsd.rubric.lookup import best_clarification
from mlsd.ui.console import THEME
from mlsd.ui.interview_view import read_out_view
from mlsd.ui.interviewer import RATING_ROWS, QuestionaryInterviewer, wrap_label
from tests.fakes import FakeClock
from tests.pty_helpers import spawn
from tests.scripted_interviewer import ScriptedInterviewer


def case_named(name: str):
    return load_case(bundled_cases_dir() / f"{name}.yaml")


def found(case, typed: str) -> list[str]:
    """The interviewer's candidates for what they typed, best first (as the flow lists)."""
    left = list(case.clarifications)
    ids: list[str] = []
    while len(ids) < 3:
        best = best_clarification(typed, left)
        if best is None:
            break
        ids.append(best.id)
        left.remove(best)
    return ids


# -- the clarification lookup ---------------------------------------------------------


@pytest.mark.parametrize(
    ("case_id", "typed", "expected"),
    [
        # one word, as typed on a call: "What is the latency budget for the homepage?"
        ("video-recommendation", "budget", "latency"),
        ("video-recommendation", "how many people", "scale"),
        ("ctr-prediction", "how many people", "scale"),
        # a slip of the keyboard
        ("video-recommendation", "bugdet", "latency"),
        ("video-recommendation", "latncy", "latency"),
        ("ctr-prediction", "how many peple", "scale"),
        ("ctr-prediction", "lables", "click-label"),
    ],
)
def test_a_word_or_a_typo_finds_the_question(case_id, typed, expected):
    assert found(case_named(case_id), typed)[0] == expected


def test_the_latency_budget_is_among_the_candidates_for_budget_in_ctr():
    assert "latency-and-candidates" in found(case_named("ctr-prediction"), "budget")


@pytest.mark.parametrize("typed", ["the weather", "logo", "colour", "office carpet", "why?"])
def test_unrelated_words_still_find_nothing(typed):
    for case_id in ("ctr-prediction", "video-recommendation", "feed-ranking"):
        assert found(case_named(case_id), typed) == [], (case_id, typed)


# -- every point in full, at 60 columns --------------------------------------------------


def test_every_point_wraps_whole_in_the_checklist_at_60_columns(ctr):
    case, _ = ctr
    framework = load_framework()
    for step in framework.steps:
        for n, point in enumerate(step_points(case, framework, step.id, "senior"), start=1):
            label = f"{n:>2}. {'[' + point.level + ']':<8} {point.text}"
            wrapped = wrap_label(label, 60, 5)
            lines = wrapped.split("\n")
            assert all(len(line) + (0 if i else 5) < 60 for i, line in enumerate(lines))
            # nothing cut: the words are all there, in order, and no "…"
            assert " ".join(wrapped.split()) == " ".join(label.split())
            assert "…" not in wrapped
            # continuation lines hang under the text, not under the number
            hang = 5 + len(re.match(r"\s*\d+\.\s+\[\w+\]\s+", label).group(0))
            assert all(line.startswith(" " * hang) for line in lines[1:])


def terminal(width: int, height: int) -> QuestionaryInterviewer:
    console = Console(
        file=io.StringIO(),
        force_terminal=True,
        width=width,
        height=height,
        color_system=None,
        theme=THEME,
    )
    return QuestionaryInterviewer(console)


@pytest.mark.parametrize(("width", "height"), [(60, 20), (60, 24), (80, 24), (160, 50)])
def test_the_step_screen_and_its_menu_fit_the_window(store, ctr, width, height):
    case, path = ctr
    sid = start(store, case, path, mode="interview", level="senior", minutes=45)
    runner = Interview(store, sid, case, load_framework(), ScriptedInterviewer([]))
    screen = runner.screen("requirements")
    ui = terminal(width, height)
    card = ui._fitted_step(screen)
    lines = ui.console.render_lines(card, ui.console.options, pad=False)
    menu = len(step_menu(screen, "Data and labels")) + 2  # the clock, the question
    assert len(lines) + menu <= height
    text = "\n".join("".join(seg.text for seg in line) for line in lines)
    assert "Step 1 of 7: Clarify requirements" in text
    if len(screen.points) > text.count("["):  # compact: says where the rest is
        assert "every point in full: choose Tick (1)" in text


@pytest.mark.slow
def test_a_60_column_checklist_shows_a_long_point_to_its_last_word(tmp_path):
    child = spawn(tmp_path / "home", "interview", "ctr-prediction", size=(24, 60))
    child.expect("Read the opening out")
    child.send("\r")
    child.expect("What now")
    child.send("1")
    child.send("\r")
    child.expect("Tick what you heard")
    # point 3 is over 250 characters; its last words come after several wrapped lines
    child.send("\x1b[B" * 2)
    child.expect(re.compile(r"needs\s+a\s+cheap\s+first\s+stage\."))
    child.sendintr()
    child.expect("Resume with")
    child.expect(pexpect.EOF)
    child.close()


@pytest.mark.parametrize(("width", "height"), [(60, 24), (80, 24)])
def test_a_rating_on_a_short_terminal_still_names_missed_points_of_each_step(width, height):
    # three steps feed one rating: cutting every missed point to a count ("and 3 more")
    # left the interviewer nothing to rate from at 60x24
    missed = [f"Point {n} the candidate should have made about this step." for n in range(5)]
    steps = ("Data and labels", "Feature engineering", "Model development")
    evidence = [
        StepEvidence(title, 2, 7, missed[:n], 1, 0, True)
        for title, n in zip(steps, (3, 5, 2), strict=True)
    ]
    ui = terminal(width, height)
    printed: list[object] = []
    ui._screen = printed.append
    ui.rating(RatingScreen(DIMENSIONS[1], 2, 5, evidence, []))
    lines = ui.console.render_lines(printed[0], ui.console.options, pad=False)
    text = "\n".join("".join(seg.text for seg in line) for line in lines)
    assert len(lines) <= height - RATING_ROWS
    assert "Rating 2 of 5" in text
    for title in steps:
        assert title in text
    # every step shows at least one of its missed points, not only a count
    assert text.count("✗ 1.") == 3
    # "and 1 more" never takes the line the last point would need
    assert "and 1 more" not in text


def test_a_title_too_long_for_its_panel_ends_in_an_ellipsis():
    # rich cuts a long panel title silently, mid-word; the interviewer could not tell
    title = "Follow-up on Model development: how would you handle the cold start of new advertisers"
    ui = terminal(60, 24)
    lines = ui.console.render_lines(read_out_view(ReadOut(title, "Ask it.")), pad=False)
    top = "".join(seg.text for seg in lines[0])
    assert top.startswith("╭─ Follow-up on Model development")
    assert top.endswith("…─╮")


# -- not assessed, and no preselected verdict ------------------------------------------


def wrap_after_requirements(store, ctr, extra):
    case, path = ctr
    sid = start(store, case, path, mode="interview", level="senior", minutes=45)
    replies = ["go", "tick", ["case:calibrated-pctr"], "goto", "wrap", *extra]
    ui = ScriptedInterviewer(replies)
    record = Interview(store, sid, case, load_framework(), ui, clock=FakeClock()).run().record
    return record, ui


def test_steps_never_reached_are_not_rated_and_nothing_is_preselected(store, ctr):
    # Enter on the first line of a rating or of the recommendation records nothing
    replies = [CHOOSE.value, "4", "framed well", "5", "", CHOOSE.value, "hire", "senior"]
    record, ui = wrap_after_requirements(store, ctr, replies)
    assert record.status == "finished"
    state = record.interview
    assert {d: r.score for d, r in state.ratings.items()} == {"framing": 4, "communication": 5}
    assert state.recommendation == "hire"
    judged = [m for m, _ in ui.kinds("select") if m.startswith("Rate") or "recommendation" in m]
    assert judged == [
        "Rate: Problem framing and requirements",
        "Rate: Problem framing and requirements",
        "Rate: Communication",
        "Your overall recommendation",
        "Your overall recommendation",
    ]
    for menu in ui.menus:
        if menu and menu[-1].value in ("5", "strong-hire"):
            assert menu[0] == CHOOSE  # the pointer rests on "choose", not on a verdict
    screen = ui.kinds("rating")[0]
    assert (screen.number, screen.count) == (1, 2)
    assert screen.not_assessed == tuple(
        d.title for d in DIMENSIONS if d.id not in ("framing", "communication")
    )


def test_the_scorecard_has_no_figure_for_what_was_not_reached(store, ctr):
    case, _ = ctr
    framework = load_framework()
    record, _ = wrap_after_requirements(store, ctr, ["3", "", "4", "", "lean-hire", "mid"])
    context = scorecard_context(record, case, framework)
    assessed = {r["id"]: r["assessed"] for r in context["ratings"]}
    assert assessed == {d.id: d.id in ("framing", "communication") for d in DIMENSIONS}
    requirements = len(step_points(case, framework, "requirements", "senior"))
    totals = context["totals"]
    assert (totals["steps"], totals["steps_reached"]) == (7, 1)
    assert totals["points_reached"] == requirements
    assert all(s["missed"] == [] for s in context["steps"][1:])
    # the level figures count the one step reached
    counted = sum(row["points"] for row in context["level_estimate"]["by_level"])
    assert counted == requirements

    doc = render_scorecard(record, case, framework)
    assert doc.count("of 5,") == 2  # mixed for framing (given), strong for communication
    assert "| Modeling | not assessed (not reached) |  |" in doc
    assert f"- **Points heard:** 1 of {requirements} on the 1 steps reached" in doc
    assert "| 4. Model development | not reached | 9:00 | not assessed | | |" in doc
    assert f"| Total | 0:00 | 45:00 | 1 of {requirements} |" in doc
    # wrapped up early with time left: not the candidate's pacing
    assert context["feedback"]["out_of_time"] is False
    assert "ended before them with time left" in doc and "Keep each step near" not in doc


# -- the guide to study before the call ------------------------------------------------


def test_the_guide_has_every_clarification_answer(ctr):
    case, _ = ctr
    guide = interviewer_guide(case, load_framework())
    assert "## Answers to the candidate's questions" in guide
    for clar in case.clarifications:
        assert clar.question.split(",")[0] in guide
        assert " ".join(clar.answer.split())[:40].split("~")[0] in guide.replace("\\", "")


@pytest.mark.parametrize("width", [60, 100])
def test_the_agenda_wraps_between_steps_never_inside_one(width):
    """At 60 columns '2. Data and labels' and its '1:20' landed on two lines."""
    from rich.console import Console

    from mlsd.interview.script import Opening
    from mlsd.ui.console import THEME
    from mlsd.ui.interview_view import opening_view

    framework = load_framework()
    agenda = [(s.title, m) for s, m in zip(framework.steps, [80 / 60] * 7, strict=True)]
    opening = Opening("c", "T", "s", "Prompt.", "senior", 10, agenda, False, "")
    console = Console(width=width, record=True, color_system=None, theme=THEME)
    console.print(opening_view(opening))
    shown = console.export_text()
    for n, step in enumerate(framework.steps, start=1):
        assert f"{n}. {step.title} 1:20" in shown
