"""``practice --ai``: follow-ups from what was written, answers chosen from the case only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mlsd.ai.interviewer import Coach
from mlsd.ai.model import Connection, Settings
from mlsd.cases.catalog import load_framework
from mlsd.log.store import open_store
from mlsd.practice.flow import Practice, start
from mlsd.run.lifecycle import DEFAULT_REPLY
from tests.fakes import STEPS, FakeClock
from tests.openai_stub import Reply, json_reply, prompt_text, schema_of
from tests.pty_helpers import SUBMIT, pexpect_eof, spawn
from tests.scripted import ScriptedPrompter

GENERATED = "Two ads have the same AUC; how do you decide which one the auction trusts?"


def interviewer(
    choice: str = "scale", target: str = "point", quote: str = ""
) -> Callable[[dict[str, Any]], Reply]:
    """The scripted model: picks a clarification, or writes the follow-up."""

    def reply(request: dict[str, Any]) -> Reply:
        props = schema_of(request)["properties"]
        if "choice" in props:
            return json_reply({"choice": choice})
        keys = [k for k in props["point"]["enum"] if k]
        point = keys[0] if target == "point" else ""
        return json_reply({"question": GENERATED, "target": target, "point": point, "quote": quote})

    return reply


def run_practice(store, ctr, replies: list[str]) -> tuple[Any, ScriptedPrompter]:
    case, path = ctr
    framework = load_framework()
    sid = start(store, case, path, mode="practice", level="senior", minutes=45)
    ui = ScriptedPrompter(list(replies))
    conn = Connection("stub", settings=Settings(timeout=10, retry_delay=0), announce=ui.note)
    coach = Coach(conn, case, framework, notify=ui.note)
    runner = Practice(store, sid, case, framework, ui, clock=FakeClock(), coach=coach)
    return runner.run().record, ui


def whole_session(question: str) -> list[str]:
    replies = ["own", question, "done", "We predict pCTR per ad.", "We keep it calibrated."]
    for step in STEPS[1:]:
        replies += [f"My {step} answer.", "/skip"]
    return replies


def test_follow_ups_are_generated_and_questions_answered_from_the_case(store, ctr, stub):
    stub.default = interviewer()
    record, ui = run_practice(store, ctr, whole_session("how many people use this per day?"))
    case, _ = ctr
    scale = next(c for c in case.clarifications if c.id == "scale")
    assert [(c.clarification_id, c.answer) for c in record.clarifications] == [
        ("scale", scale.answer.strip())
    ]
    first = record.follow_ups_for("requirements")[0]
    assert (first.question, first.index, first.answer) == (
        GENERATED,
        None,
        "We keep it calibrated.",
    )
    assert "to the model stub on this machine" in ui.kinds("note")[0]  # before the first request
    follow_up_requests = [r for r in stub.requests if "question" in schema_of(r)["properties"]]
    assert "We predict pCTR per ad." in prompt_text(follow_up_requests[0])
    assert len(follow_up_requests) == len(STEPS)  # one generated follow-up per step


def test_the_model_can_only_choose_no_more_information(store, ctr, stub):
    stub.default = interviewer(choice="none")
    record, _ = run_practice(store, ctr, whole_session("what colour is the office carpet?"))
    asked = record.clarifications[0]
    assert (asked.clarification_id, asked.answer) == (None, DEFAULT_REPLY)


def test_a_follow_up_challenging_words_never_written_is_replaced(store, ctr, stub):
    stub.default = interviewer(target="claim", quote="we train a ten-layer transformer")
    record, ui = run_practice(store, ctr, whole_session("how many daily users?"))
    first = record.follow_ups_for("requirements")[0]
    assert first.question != GENERATED and first.index is not None  # the case's own
    assert any("words you did not write" in n for n in ui.kinds("note"))


def test_a_dead_server_turns_the_coach_off_once(store, ctr, stub):
    stub.stop()
    record, ui = run_practice(store, ctr, whole_session("how many daily users?"))
    off = [n for n in ui.kinds("note") if "AI interviewer off for this session" in n]
    assert len(off) == 1 and "cannot reach stub" in off[0]
    assert record.clarifications[0].clarification_id == "scale"  # the offline lookup
    assert all(f.index is not None for f in record.follow_ups)  # the case's follow-ups
    assert record.status == "finished"


def test_ai_without_a_model_or_extra_says_so_and_practises_offline(ctr, capsys, monkeypatch):
    from mlsd.cli.ai import coach_for

    case, _ = ctr
    monkeypatch.delenv("MLSD_MODEL", raising=False)
    assert coach_for(None, case, load_framework(), print) is None
    assert "--ai needs a model: pass --model NAME" in capsys.readouterr().err
    monkeypatch.setitem(__import__("sys").modules, "llm", None)
    assert coach_for("stub", case, load_framework(), print) is None
    err = capsys.readouterr().err
    assert "AI interviewer unavailable" in err and "pip install 'mlsd[ai]'" in err


@pytest.mark.slow
def test_practice_ai_in_a_terminal_asks_the_generated_follow_up(tmp_path, stub):
    stub.default = interviewer()
    home = tmp_path / "home"
    child = spawn(home, "practice", "ctr-prediction", "--ai", "--model", "stub", cwd=tmp_path)
    child.expect("to the model stub on this machine")
    child.expect("Ask the interviewer a clarifying question")
    child.send("\x1b[A")  # the last choice: start answering
    child.send("\r")
    child.expect("Your answer")
    child.send("We predict pCTR for every candidate ad.")
    child.expect_exact("candidate ad.")
    child.send(SUBMIT)
    child.expect_exact("Two ads have the same AUC")
    child.expect("Your answer to the follow-up")
    child.send("Calibration: bid times pCTR needs the probability itself.")
    child.expect_exact("probability itself.")
    child.send(SUBMIT)
    child.expect("Your answer")
    child.send("/pause")
    child.send(SUBMIT)
    child.expect(pexpect_eof())
    child.close()
    with open_store(home / "mlsd.db") as store:
        record = store.resolve("latest")
    asked = record.follow_ups_for("requirements")[0]
    assert asked.question == GENERATED and asked.answer is not None
