"""``mlsd resume --ai --model NAME``: the AI interviewer and the judge come back on resume.

The session does not remember ``--ai`` (the model may be gone, or the candidate may not
want their text sent this time): given again, it brings the AI interviewer back for the
steps still to come, and ``--model`` picks the judge at the end, exactly as ``practice``.
"""

from __future__ import annotations

from typing import Any

import pytest

from mlsd.cases.catalog import load_framework
from mlsd.log.store import open_store
from mlsd.practice.flow import Practice, start
from tests.fakes import STEPS, FakeClock
from tests.openai_stub import Reply, json_reply, schema_of, verdicts
from tests.scripted import ScriptedPrompter

GENERATED = "Your pCTR drifts after a holiday; what would you notice first, and where?"


def scripted_model(request: dict[str, Any]) -> Reply:
    """A follow-up for a follow-up request, a verdict list for a judge request."""
    props = schema_of(request)["properties"]
    if "question" in props:
        keys = [k for k in props["point"]["enum"] if k]
        return json_reply({"question": GENERATED, "target": "point", "point": keys[0], "quote": ""})
    return verdicts(lambda key: ("missed", ""))(request)


def kind(request: dict[str, Any]) -> str:
    return "follow-up" if "question" in schema_of(request)["properties"] else "judge"


@pytest.fixture
def paused(ctr) -> str:
    """A practice paused at the data step, after the requirements and their follow-up."""
    case, path = ctr
    with open_store() as store:
        sid = start(store, case, path, mode="practice", level="senior", minutes=45)
        ui = ScriptedPrompter(["done", "We predict pCTR per candidate ad.", "/skip", "/pause"])
        Practice(store, sid, case, load_framework(), ui, clock=FakeClock()).run()
    return sid


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> ScriptedPrompter:
    """``resume`` in-process: a scripted candidate for the remaining steps, no export."""
    ui = ScriptedPrompter([])
    for step in STEPS[1:]:
        ui.replies += [f"My {step} answer.", "/skip"]
    monkeypatch.setattr("mlsd.cli.practice.require_terminal", lambda *_: None)
    monkeypatch.setattr("mlsd.ui.prompts.QuestionaryPrompter", lambda console: ui)
    monkeypatch.setattr("mlsd.ui.prompts.confirm", lambda *_, **__: False)
    return ui


def test_resume_with_ai_brings_the_interviewer_and_the_judge_back(run, stub, paused, terminal):
    stub.default = scripted_model
    result = run("resume", paused[:8], "--ai", "--model", "stub")
    assert result.code == 0, result.err
    assert "to the model stub on this machine" in result.err  # said before the first request
    with open_store() as store:
        record = store.load(paused)
    assert record.status == "finished"
    first = record.follow_ups_for("requirements")[0]
    assert first.index is not None  # asked before the pause, without --ai: the case's own
    for step in STEPS[1:]:
        asked = record.follow_ups_for(step)
        assert [(f.question, f.index) for f in asked] == [(GENERATED, None)], step
    kinds = [kind(r) for r in stub.requests]
    assert kinds.count("follow-up") == len(STEPS) - 1
    # --model picked the judge at the end too (MLSD_MODEL is unset): one per attempted step
    assert kinds.count("judge") == len(STEPS)
    assert "AI judge: stub" in result.out


def test_resume_without_ai_asks_the_cases_follow_ups_and_judges_with_model(
    run, stub, paused, terminal
):
    stub.default = scripted_model
    result = run("resume", paused[:8], "--model", "stub")
    assert result.code == 0, result.err
    assert {kind(r) for r in stub.requests} == {"judge"}
    with open_store() as store:
        record = store.load(paused)
    assert all(f.index is not None for f in record.follow_ups)


def test_resume_without_a_model_sends_nothing(run, stub, paused, terminal):
    result = run("resume", paused[:8])
    assert result.code == 0, result.err
    assert stub.requests == []
    assert "AI interviewer" not in result.err  # it never had one: nothing to say


def test_resuming_an_ai_session_without_ai_says_the_interviewer_is_off(run, paused, terminal):
    """`mlsd resume ID`, as printed at Ctrl-C, quietly dropped the AI interviewer."""
    from mlsd.log import events as ev

    with open_store() as store:
        store.add_event(paused, ev.FollowUp(question=GENERATED, answer="We'd see it."), "data")
    result = run("resume", paused[:8])
    assert result.code == 0, result.err
    assert "AI interviewer is off in this resumed session" in " ".join(result.err.split())


def test_ai_on_a_resumed_interview_is_said_not_ignored(run, monkeypatch, ctr):
    calls: list[str | None] = []
    monkeypatch.setattr("mlsd.cli.practice.require_terminal", lambda *_: None)
    monkeypatch.setattr(
        "mlsd.cli.interview.drive", lambda *args, model=None, **_: calls.append(model)
    )
    case, path = ctr
    with open_store() as store:
        sid = start(store, case, path, mode="interview", level="senior", minutes=45)
    result = run("resume", sid[:8], "--ai", "--model", "stub")
    assert result.code == 0, result.err
    assert "--ai applies to practice sessions; this is an interview" in result.err
    assert calls == ["stub"]  # the draft scorecard uses --model
