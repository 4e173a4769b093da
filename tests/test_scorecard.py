"""The interview scorecard: what it says, and that nothing an interviewer types can break it."""

from __future__ import annotations

import json

import pytest

from mlsd.cases.catalog import load_framework
from mlsd.documents.render import md_inline
from mlsd.interview.checklist import DIMENSIONS
from mlsd.interview.flow import Interview
from mlsd.interview.scorecard import export_scorecard, render_scorecard, scorecard_context
from mlsd.practice.flow import start
from tests.fakes import STEPS, FakeClock
from tests.mdcheck import PARSER, _inline_text, atx_headings, expected_text, headings, pymarkdown
from tests.scripted_interviewer import ScriptedInterviewer
from tests.test_render_safety import HOSTILE


def interview(store, ctr, notes, why, *, reach=7, level="senior"):
    """An interview that reaches the first ``reach`` steps, with ``notes`` in the first."""
    case, path = ctr
    sid = start(store, case, path, mode="interview", level=level, minutes=45)
    clock = FakeClock()

    def later(seconds, reply):
        def go(_choices):
            clock.now += seconds
            return reply

        return go

    replies = [
        "go",
        "tick",
        ["case:calibrated-pctr", "case:ads-privacy-regulation", "framework:scale-estimation"],
        "clarify",
        "how many DAU",
        "follow_up",
        "0",
        "hint",
        "0",
        "probe",
        "1",
    ]
    for note in notes:
        replies += ["note", note]
    replies.append(later(500, "next"))  # requirements runs over its 6 minutes
    replies += [later(60, "next") for _ in range(reach - 2)]
    if reach < len(STEPS):
        replies += [later(60, "goto"), "wrap"]
    else:
        replies.append(later(60, "next"))  # from the last step, "next" is the wrap-up
    # only the dimensions whose steps were reached are rated; the others are not assessed
    scores = dict(zip([d.id for d in DIMENSIONS], (5, 4, 3, 2, 1, 4), strict=True))
    for dim in DIMENSIONS:
        if not dim.steps or set(dim.steps) & set(STEPS[:reach]):
            replies += [str(scores[dim.id]), why]
    replies += ["lean-hire", "senior"]
    ui = ScriptedInterviewer(replies)
    record = Interview(store, sid, case, load_framework(), ui, clock=clock).run().record
    assert record.status == "finished"
    return record


def inline_texts(doc: str) -> list[str]:
    """What a reader sees of each inline run that is plain text (skips ones with markup)."""
    shown = []
    for token in PARSER.parse(doc):
        if token.type == "inline":
            try:
                shown.append(_inline_text(token))
            except AssertionError:
                continue
    return shown


def folded(text: str) -> str:
    return " ".join(expected_text(text).split())


def test_the_scorecard_has_every_section(store, ctr):
    case, _ = ctr
    record = interview(store, ctr, ["Solid on numbers."], "Clear.")
    doc = render_scorecard(record, case, load_framework())
    titles = [text for _, text in headings(doc)]
    assert titles[:4] == [
        "Scorecard: Ad click-through-rate prediction",
        "Ratings",
        "Level estimate",
        "Step by step",
    ]
    assert "1. Clarify requirements" in titles
    for section in ("Clarifying questions", "Time per step", "Feedback for the candidate"):
        assert section in titles
    assert "- **Recommendation:** **lean hire**" in doc
    assert "| Problem framing and requirements | 5 of 5, very strong | Clear. |" in doc
    assert "| Communication | 4 of 5, strong | Clear. |" in doc
    assert "Time 8:20 of 6:00 (over budget)." in doc
    assert "`calibrated-pctr` (senior)" in doc
    assert "- Solid on numbers." in doc
    assert "- Hint 1: " + md_inline(case.steps["requirements"].hints[0]) in doc
    asked = case.steps["requirements"].follow_ups[0].question
    assert f"- {md_inline(asked)} A good answer mentions:" in doc
    assert "1. How many users and ad requests are there" in doc
    assert "Practise this case on your own with `mlsd practice ctr-prediction`." in doc


def test_feedback_turns_missed_points_into_advice(store, ctr):
    case, _ = ctr
    framework = load_framework()
    record = interview(store, ctr, [], "", reach=2)
    context = scorecard_context(record, case, framework)
    feedback = context["feedback"]
    # the weightiest missed points first, only from steps the interview reached
    assert [p["weight"] for p in feedback["focus"]] == sorted(
        (p["weight"] for p in feedback["focus"]), reverse=True
    )
    assert {p["step"] for p in feedback["focus"]} <= {"Clarify requirements", "Data and labels"}
    assert all(p["why"] for p in feedback["focus"])
    assert [s["title"] for s in feedback["steps"]] == ["Clarify requirements", "Data and labels"]
    assert feedback["steps"][0]["over_budget"] and feedback["steps"][0]["hints_given"] == 1
    assert feedback["not_reached"] == [s.title for s in framework.steps[2:]]
    assert feedback["out_of_time"]  # requirements overran: pacing is the candidate's to fix
    # a staff point heard by a senior candidate is a strength, never a gap
    assert [p["id"] for p in feedback["strengths"]] == ["ads-privacy-regulation"]
    missed = {p["id"] for s in feedback["steps"] for p in s["missed"]}
    missed |= {p["id"] for p in feedback["focus"]}
    assert "calibrated-pctr" not in missed
    assert not any(p["level"] == "staff" for s in context["steps"] for p in s["missed"])
    doc = render_scorecard(record, case, framework)
    assert "Not assessed: the interview did not reach this step." in doc
    assert "Keep each step near its budget" in doc
    assert "### Pacing" in doc
    assert "key_questions_not_asked" in feedback and "Key questions not asked:" in doc


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_notes_and_justifications_come_out_verbatim(store, ctr, name):
    case, _ = ctr
    text = HOSTILE[name]
    benign = render_scorecard(interview(store, ctr, ["plain"], "plain"), case, load_framework())
    record = interview(store, ctr, [f"NOTE {text}"], f"WHY {text}")
    doc = render_scorecard(record, case, load_framework())
    # no heading appeared or vanished, whatever was typed
    assert headings(doc) == headings(benign)
    assert atx_headings(doc) == atx_headings(benign)
    shown = [" ".join(t.split()) for t in inline_texts(doc)]
    assert folded(f"NOTE {text}") in shown
    # the ratings table keeps its six rows of three cells, the text in the third
    tokens = PARSER.parse(doc)
    end = next(i for i, t in enumerate(tokens) if t.type == "table_close")
    assert sum(t.type == "tr_open" for t in tokens[:end]) == 7  # header, six dimensions
    assert sum(t.type == "td_open" for t in tokens[:end]) == 18
    cells = [t for t in tokens if t.type == "inline" and t.content.startswith("WHY")]
    assert len(cells) == 6
    for cell in cells:
        assert all(child.type == "text" for child in cell.children or [])
        shown_cell = "".join(child.content for child in cell.children or [])
        assert " ".join(shown_cell.split()) == folded(f"WHY {text}")


def test_the_scorecard_passes_the_markdown_linter(store, ctr, tmp_path):
    case, _ = ctr
    hostile = "; ".join(HOSTILE[k] for k in ("atx heading", "table", "backtick fence"))
    record = interview(store, ctr, [hostile, "[bold]x[/bold]"], hostile, reach=3)
    path = tmp_path / "scorecard.md"
    path.write_text(render_scorecard(record, case, load_framework()), encoding="utf-8")
    result = pymarkdown(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_export_renders_an_interview_as_its_scorecard(store, ctr, tmp_path, run):
    case, _ = ctr
    record = interview(store, ctr, ["a note"], "why")
    result = run("export", record.short_id, "-o", str(tmp_path / "out.md"))
    assert result.code == 0, result.err
    assert (tmp_path / "out.md").read_text().startswith("# Scorecard: ")

    result = run("export", record.short_id, "-f", "json", "-o", str(tmp_path / "out.json"))
    assert result.code == 0, result.err
    data = json.loads((tmp_path / "out.json").read_text())
    assert data["mode"] == "interview"
    assert data["scorecard"]["recommendation"] == {"value": "lean-hire", "label": "lean hire"}

    own = tmp_path / "mine.md.j2"
    own.write_text(
        '{% extends "scorecard.md.j2" %}{% block feedback %}Bye {{ session.short_id }}.{% endblock %}\n'
    )
    path = export_scorecard(record, case, load_framework(), tmp_path / "own.md", template=own)
    assert path.read_text().rstrip().endswith(f"Bye {record.short_id}.")


def test_the_scorecard_lists_the_probes_asked_under_their_step(store, ctr):
    """A probe the interviewer asked was not recorded: the scorecard could not say which
    points were heard only after a prompt."""
    case, _ = ctr
    record = interview(store, ctr, [], "")
    assert record.interview.probes == {"requirements": [1]}
    context = scorecard_context(record, case, load_framework())
    probe = case.steps["requirements"].probes[1]
    assert context["steps"][0]["probes_asked"] == [probe]
    assert all(s["probes_asked"] == [] for s in context["steps"][1:])
    doc = render_scorecard(record, case, load_framework())
    assert "Probes asked (points heard after one were prompted):" in doc
    assert probe.split()[0] in doc
