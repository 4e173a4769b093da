"""Scoring a design doc written elsewhere: headings mapped to steps, or the whole text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlsd.cases.catalog import load_framework
from mlsd.rubric.docsplit import heading_step, split_doc

FRAMEWORK = load_framework()


@pytest.mark.parametrize(
    ("heading", "step"),
    [
        ("Problem framing", "requirements"),
        ("Clarifying requirements", "requirements"),
        ("Goals", "requirements"),
        ("1. Requirements", "requirements"),
        ("Labels", "data"),
        ("Training data", "data"),
        ("Data collection", "data"),
        ("Data and labels", "data"),
        ("Feature engineering", "features"),
        ("Modeling", "model"),
        ("Modelling approach", "model"),
        ("Architecture", "model"),
        ("Step 4: Model", "model"),
        ("Evaluation", "metrics"),
        ("Offline metrics", "metrics"),
        ("Online metrics", "metrics"),
        ("Deployment", "serving"),
        ("Inference", "serving"),
        ("Serving", "serving"),
        ("Model serving", "serving"),
        ("Observability", "monitoring"),
        ("Monitoring and maintenance", "monitoring"),
        ("Data drift", "monitoring"),
        ("Appendix", None),
        ("Open questions", None),
    ],
)
def test_headings_map_to_steps_by_title_and_synonym(heading: str, step: str | None) -> None:
    assert heading_step(heading, FRAMEWORK) == step


DOC = """\
# Feed ranking at scale

We rank posts for 300M DAU.

## Problem framing
Long-term retention is the goal; we combine P(like), P(comment) and P(hide) in a weighted sum.

## Labels
A viewable impression joined with later actions.

### Edge cases
Comments can arrive a day later.

## Offline metrics
NDCG per user.

```text
## Deployment
this heading is inside a code block
```

Deployment
----------
A light ranker, then a heavy ranker.
"""


def test_a_doc_is_split_by_its_headings() -> None:
    doc = split_doc(DOC, FRAMEWORK)
    assert not doc.whole
    assert set(doc.answers) == {"requirements", "data", "metrics", "serving"}
    # the title is not a step, and the intro frames the problem
    assert doc.sections[0].step is None
    assert "300M DAU" in doc.answers["requirements"]
    assert "weighted sum" in doc.answers["requirements"]
    # an unmapped subsection stays with the step before it
    assert "a day later" in doc.answers["data"]
    # a heading inside fenced code is code, not structure
    assert "inside a code block" in doc.answers["metrics"]
    assert "light ranker" in doc.answers["serving"]


def test_a_doc_without_headings_is_scored_as_a_whole() -> None:
    text = "We calibrate pCTR and run an A/B test with guardrail metrics."
    doc = split_doc(text, FRAMEWORK)
    assert doc.whole
    assert doc.answers == {s.id: text for s in FRAMEWORK.steps}


def test_a_doc_whose_headings_name_no_step_is_scored_as_a_whole() -> None:
    doc = split_doc("# Notes\nsome text\n# More\nmore text", FRAMEWORK)
    assert doc.whole
    assert "more text" in doc.answers["serving"]


def test_an_empty_doc_has_no_answers() -> None:
    assert split_doc("  \n", FRAMEWORK).answers == {}


FEED_DOC = """\
# News feed ranking: design notes

## Problem framing
The goal is long-term retention and DAU rather than raw time spent, because clickbait
wins a short-term engagement proxy. Each post gets predicted probabilities for like,
comment, share and hide, combined in a weighted sum with a negative weight on hides.
About 300M DAU, ~100K peak QPS and a 200 ms p99 budget.

## Training data
Labels come from viewable impressions joined with later actions in an attribution
window; we keep every rare positive and downsample the rest, then correct.

## Modeling
A multi-task network with a shared bottom and one head per action, trained with
cross-entropy; the existing GBDT is the baseline.

## Offline metrics
ROC-AUC and log loss per head, NDCG for the list. Online: an A/B test with guardrail
metrics on hide rate and report rate.

## Inference
A light ranker trims candidates before the heavy ranker; if it times out we fall back
to light-ranker order. New rankers ship behind a canary.

## Observability
Dashboards and alerts per country, and data drift checks with PSI.
"""


def test_score_case_doc_with_other_headings(run, tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(FEED_DOC, encoding="utf-8")
    result = run("score", "--case", "feed-ranking", str(doc), "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["format"] == 1
    assert data["case"]["id"] == "feed-ranking"
    steps = {s["id"]: s for s in data["steps"]}
    assert {sid for sid, s in steps.items() if s["attempted"]} == {
        "requirements", "data", "model", "metrics", "serving", "monitoring",
    }  # fmt: skip
    assert not steps["features"]["attempted"]
    covered = {p["id"] for s in data["steps"] for p in s["points"] if p["covered"]}
    assert {
        "engagement-value-objective", "short-term-vs-retention", "multi-task-heads",
        "online-ab-testing", "feed-negative-guardrails", "data-drift",
    } <= covered  # fmt: skip
    assert data["coverage"] > 0.3


def test_score_case_doc_renders_feedback(run, tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(FEED_DOC + "\nA [bold]literal[/bold] bracket.\n", encoding="utf-8")
    result = run("score", "--case", "feed-ranking", str(doc))
    out = result.out
    assert result.code == 0
    assert "coverage of key points, not the correctness of the design" in out
    assert "why:" in out
    assert "Follow-ups to be ready for" in out
    assert "Reference notes" in out
    assert "[bold]literal[/bold]" in out  # user text is never rich markup
    # A doc has no clock and no hints: no "– / 6:00" column, no note about them.
    assert "Time / budget" not in out and "Time and hints" not in out


def test_score_case_missing_file_is_a_clear_error(run, tmp_path: Path) -> None:
    result = run("score", "--case", "feed-ranking", str(tmp_path / "nope.md"))
    assert result.code == 1
    assert "no such file" in result.err
    assert "Traceback" not in result.err


def test_score_case_refuses_huge_and_binary_files(run, tmp_path: Path) -> None:
    huge = tmp_path / "huge.md"
    with huge.open("wb") as handle:
        handle.truncate(5 * 1024 * 1024 + 1)
    result = run("score", "--case", "feed-ranking", str(huge))
    assert result.code == 1
    assert "the limit is 5,242,880 (5 MiB)" in result.err
    binary = tmp_path / "bin.md"
    binary.write_bytes(b"\xff\xfe\x00bad")
    result = run("score", "--case", "feed-ranking", str(binary))
    assert result.code == 1
    assert "bin.md:1:3: binary file (contains a NUL byte)" in result.err


def test_score_case_needs_the_file(run) -> None:
    result = run("score", "--case", "feed-ranking")
    assert result.code == 1
    assert "FILE.md" in result.err


def test_score_case_rejects_a_directory(run, tmp_path: Path) -> None:
    result = run("score", "--case", "feed-ranking", str(tmp_path))
    assert result.code == 1
    assert "not a file" in result.err


@pytest.mark.parametrize("answers", ["ctr-prediction-shallow", "feed-ranking-strong"])
def test_an_exported_doc_scores_the_candidates_words_not_mlsds(run, tmp_path, answers):
    """A new user scored their own export with --case: the interviewer's answers, the
    follow-up questions and the reference appendix earned points (52% -> 60%)."""
    fixture = Path(__file__).parent / "fixtures" / "answers" / f"{answers}.yaml"
    assert run("practice", "--answers", str(fixture)).code == 0
    session = json.loads(run("score", "latest", "--json").out)
    doc = tmp_path / "export.md"
    assert run("export", "latest", "-o", str(doc), "--with-feedback").code == 0
    case = session["case"]["id"]
    scored = run("score", "--case", case, str(doc), "--json", "--level", session["level"])
    from_doc = json.loads(scored.out)
    assert from_doc["doc"]["whole"] is False

    def credited(report: dict) -> set[str]:
        return {p["id"] for s in report["steps"] for p in s["points"] if p["covered"]}

    assert credited(from_doc) <= credited(session)  # nothing from mlsd's own words
    assert abs(from_doc["coverage"] - session["coverage"]) <= 0.02
    shown = run("score", "--case", case, str(doc), "--no-pager").out
    assert "passages that mlsd's export marks as its own words" in " ".join(shown.split())
