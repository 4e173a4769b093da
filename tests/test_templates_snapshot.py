"""The bundled templates' output for a fixed session, pinned so changes show up as diffs.

When a template (or the framework's wording) changes on purpose, regenerate with

    MLSD_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_templates_snapshot.py

and review the diff of tests/snapshots/ like any other change.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mlsd.cases.brief import make_brief
from mlsd.cases.catalog import load_framework
from mlsd.cases.models import Case
from mlsd.documents.context import design_context
from mlsd.documents.export import feedback_json
from mlsd.documents.render import DESIGN_DOC, render, render_brief
from mlsd.log.records import AnswerEntry, ClarificationEntry, Event, FollowUpEntry, SessionRecord
from mlsd.run.lifecycle import DEFAULT_REPLY
from tests.conftest import deep_case
from tests.mdcheck import pymarkdown

SNAPSHOTS = Path(__file__).parent / "snapshots"
AT = "2025-03-14T09:{:02d}:00.000+00:00"


def _answer(step: str, *extra: str) -> str:
    return "\n".join([f"My {step} answer covers {step}marker0 and {step}marker2.", *extra])


def fixed_session() -> tuple[SessionRecord, Case]:
    """Every situation the design doc shows: revised, skipped and never-reached steps,
    hints, follow-ups answered and passed, a question in the candidate's own words, time
    under and over budget, and answer text that tries to be Markdown."""
    case = Case.model_validate(deep_case())
    answers = {
        "requirements": _answer("requirements", "- 100M DAU, p99 < 50 ms", "# not a heading"),
        "data": _answer("data", "Labels: clicks | skips.\n\nSecond paragraph with `code`."),
        "features": _answer("features", "user_id, item_id and <context> features"),
        "model": _answer("model", "1. baseline\n2. two towers"),
        "serving": _answer("serving"),
    }
    history = [AnswerEntry("requirements", "A first draft.", 1, AT.format(1))]
    history += [
        AnswerEntry(step, text, 2 if step == "requirements" else 1, AT.format(2 + i))
        for i, (step, text) in enumerate(answers.items())
    ]
    record = SessionRecord(
        id="0123456789abcdef0123456789abcdef",
        case_id=case.id,
        case_path="cases/tiny-case.yaml",
        case_title=case.title,
        mode="practice",
        level="senior",
        minutes=45.0,
        status="finished",
        started_at=AT.format(0),
        updated_at=AT.format(40),
        answers=answers,
        history=history,
        clarifications=[
            ClarificationEntry("q0", "Question 0?", case.clarifications[0].answer, AT.format(0)),
            ClarificationEntry(None, "Is it *really* | tiny?", DEFAULT_REPLY, AT.format(1)),
        ],
        follow_ups=[
            FollowUpEntry("requirements", "requirements follow-up 0?", "Yes: ~10%.", AT.format(3)),
            FollowUpEntry("data", "data follow-up 0?", None, AT.format(5)),
        ],
        hints={"features": 2},
        skipped=["metrics"],
        seconds={
            "requirements": 300.0,
            "data": 421.5,
            "features": 200.0,
            "model": 540.0,
            "metrics": 30.0,
            "serving": 100.0,
        },
        events=[Event("start", None, {}, AT.format(0))],
    )
    return record, case


def _check(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("MLSD_UPDATE_SNAPSHOTS"):
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"no snapshot {path}; create it with MLSD_UPDATE_SNAPSHOTS=1")
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} changed; if on purpose, regenerate with MLSD_UPDATE_SNAPSHOTS=1 and review the diff"
    )


def test_design_doc_snapshot():
    record, case = fixed_session()
    framework = load_framework()
    _check("design_doc.md", render(DESIGN_DOC, design_context(record, case, framework)))


def test_design_doc_with_feedback_snapshot():
    record, case = fixed_session()
    framework = load_framework()
    feedback = feedback_json(record, case, framework)
    _check(
        "design_doc_feedback.md",
        render(DESIGN_DOC, design_context(record, case, framework, feedback)),
    )


def test_candidate_brief_snapshot():
    _, case = fixed_session()
    framework = load_framework()
    _check("candidate_brief.md", render_brief(make_brief(case, framework)))


def test_snapshots_pass_pymarkdownlnt():
    names = ("design_doc.md", "design_doc_feedback.md", "candidate_brief.md")
    result = pymarkdown(*(SNAPSHOTS / name for name in names))
    assert result.returncode == 0, result.stdout + result.stderr
