"""A design doc written anywhere else: every heading goes somewhere, and headings never
change what counts."""

from __future__ import annotations

import json
import re
from pathlib import Path

from mlsd.cases.catalog import load_case, load_framework
from mlsd.rubric.docsplit import split_doc
from mlsd.rubric.scoring import score

REPO = Path(__file__).resolve().parent.parent
FEED_DOC = REPO / "tests" / "heldout" / "test" / "feed-ranking" / "doc.md"


def test_a_heading_that_names_no_step_goes_to_the_step_its_text_makes_points_for():
    framework = load_framework()
    case = load_case(REPO / "cases" / "ctr-prediction.yaml", framework)
    text = (
        "## Goals\nWe maximise revenue.\n\n"
        "## Odds and ends\nWe recalibrate with isotonic regression and track log loss "
        "and normalized cross-entropy per day.\n"
    )
    doc = split_doc(text, framework, case)
    odds = doc.sections[1]
    assert odds.how == "content" and odds.step is not None and odds.step != "requirements"
    assert "isotonic" in doc.answers[odds.step]
    # without the case, it stays with the section before, as before
    assert split_doc(text, framework).sections[1].how == "before"


def test_the_same_doc_scores_the_same_with_or_without_its_headings():
    framework = load_framework()
    case = load_case(REPO / "cases" / "feed-ranking.yaml", framework)
    text = FEED_DOC.read_text(encoding="utf-8")
    flat = re.sub(r"^#+\s.*$", "", text, flags=re.MULTILINE)
    headed = score(case, framework, split_doc(text, framework, case).answers).coverage
    plain = score(case, framework, split_doc(flat, framework, case).answers).coverage
    assert abs(headed - plain) <= 0.02


def test_score_case_says_how_the_doc_was_read_and_reports_no_questions(run):
    result = run("score", "--case", "feed-ranking", str(FEED_DOC), "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["clarifications"] is None  # nobody asked the interviewer anything
    assert data["doc"]["sections"][0]["how"] == "title"
    assert {s["how"] for s in data["doc"]["sections"]} <= {"title", "heading", "content", "before"}
    shown = run("score", "--case", "feed-ranking", str(FEED_DOC))
    assert "How your doc was read" in shown.out
    assert "Key clarifying questions" not in shown.out


def test_a_diagram_heading_goes_to_serving_not_to_the_model():
    """The export's 'The candidate's architecture diagram' was read as the model step
    ('architecture'); a diagram is the system's, drawn for serving."""
    from mlsd.rubric.docsplit import heading_step

    framework = load_framework()
    assert heading_step("The candidate's architecture diagram", framework) == "serving"
    assert heading_step("Model architecture", framework) == "model"
