"""``mlsd interview`` and its neighbours in-process: refusals, resume, sessions, the prompts."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from mlsd._util.paths import bundled_cases_dir
from mlsd.cases.catalog import load_case
from mlsd.log import events as ev
from mlsd.log.store import open_store
from mlsd.practice.flow import start
from mlsd.run.lifecycle import Choice
from mlsd.ui.interviewer import ChecklistInterrupted, QuestionaryInterviewer

DOWN = "\x1b[B"


@pytest.fixture
def interview_id():
    path = bundled_cases_dir() / "ctr-prediction.yaml"
    with open_store() as store:
        sid = start(store, load_case(path), str(path), mode="interview", level="senior", minutes=45)
        store.add_event(sid, ev.Enter(), "requirements")
    return sid


def test_no_terminal_means_a_message_not_a_prompt(run):
    result = run("interview", "ctr-prediction")
    assert result.code == 1
    assert "not a terminal" in result.err
    assert "mlsd show CASE" in result.err
    assert "Traceback" not in result.err


def test_an_existing_scorecard_file_is_refused_before_the_interview(run, tmp_path, monkeypatch):
    monkeypatch.setattr("mlsd.cli.interview.require_terminal", lambda *_: None)
    taken = tmp_path / "card.md"
    taken.write_text("keep me")
    result = run("interview", "ctr-prediction", "--scorecard", str(taken))
    assert result.code == 1
    assert "already exists" in result.err
    result = run("interview", "ctr-prediction", "--scorecard", str(tmp_path / "no" / "x.md"))
    assert result.code == 1
    assert "does not exist" in result.err
    with open_store() as store:
        assert store.list_sessions() == []
    assert taken.read_text() == "keep me"


def test_resume_continues_an_interview(run, interview_id, monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr("mlsd.cli.practice.require_terminal", lambda *_: None)
    monkeypatch.setattr(
        "mlsd.cli.interview.drive",
        lambda store, sid, case, framework, scorecard, **_: calls.append((sid, case.id, scorecard)),
    )
    result = run("resume", interview_id[:8], "--export", str(tmp_path / "card.md"))
    assert result.code == 0, result.err
    assert calls == [(interview_id, "ctr-prediction", tmp_path / "card.md")]


def test_sessions_lists_an_interview_with_the_steps_reached(run, interview_id):
    result = run("sessions")
    assert result.code == 0
    row = next(line for line in result.out.splitlines() if line.startswith(interview_id[:8]))
    assert row.split()[2:4] == ["interview", "senior"]
    assert row.split()[-1] == "1"


def test_the_scorecard_target_survives_a_resume(interview_id, tmp_path):
    from mlsd.interview.scorecard import scorecard_target

    with open_store() as store:
        store.add_event(interview_id, ev.ScorecardTarget(path=str(tmp_path / "card.md")))
        record = store.load(interview_id)
    assert scorecard_target(record) == tmp_path / "card.md"


# -- the real prompts, fed keystrokes through a pipe -----------------------------------


def prompter(pipe):
    return QuestionaryInterviewer(Console(width=100), input=pipe, output=DummyOutput())


def test_the_menu_answers_with_the_value_and_reads_the_clock_live():
    reads = []

    def status():
        reads.append(1)
        return "Data 0:01 / 6:00 ·"

    with create_pipe_input() as pipe:
        pipe.send_text("2\r")
        picked = prompter(pipe).select(
            "What now?",
            [Choice("tick", "Tick"), Choice("note", "Add a note")],
            status=status,
            shortcuts=True,
        )
    assert picked == "note"
    assert reads  # the message was built from the live status


def test_the_checklist_returns_the_ticks_and_ctrl_c_keeps_them():
    choices = [Choice("a", "first"), Choice("b", "second"), Choice("c", "third")]
    with create_pipe_input() as pipe:
        pipe.send_text(" " + DOWN + DOWN + " \r")
        assert sorted(prompter(pipe).checklist("Tick", choices, ["b"])) == ["a", "b", "c"]
    with create_pipe_input() as pipe:
        pipe.send_text(DOWN + " \x03")
        with pytest.raises(ChecklistInterrupted) as info:
            prompter(pipe).checklist("Tick", choices, ["a"])
    assert sorted(info.value.checked) == ["a", "b"]


def test_a_half_typed_note_travels_with_ctrl_c():
    with create_pipe_input() as pipe:
        pipe.send_text("half a thought\x03")
        with pytest.raises(KeyboardInterrupt) as info:
            prompter(pipe).line("Note", keep_draft=True)
    assert getattr(info.value, "draft", None) == "half a thought"


def test_esc_then_enter_in_a_menu_chooses_and_in_the_checklist_saves_the_ticks():
    """Esc then Enter submits an answer box. In a menu it returned "" (practice and the
    interview then died with "unexpected error"), then asked again under the old menu;
    in the checklist it unticked all. It now does what Enter does, everywhere."""
    from mlsd.ui.prompts import QuestionaryPrompter

    choices = [Choice("a", "first"), Choice("b", "second"), Choice("c", "third")]

    def chosen(ui: Callable[[Any], Any], message: str) -> str:
        with create_pipe_input() as pipe:
            pipe.send_text(DOWN + "\x1b\r" + "\x03")  # the Ctrl-C is read only if asked again
            try:
                return str(ui(pipe).select(message, choices))
            except KeyboardInterrupt:
                return "asked again"

    assert chosen(prompter, "What now?") == "b"
    practice = partial(QuestionaryPrompter, Console(), output=DummyOutput())
    assert chosen(lambda pipe: practice(input=pipe), "Which step?") == "b"
    with create_pipe_input() as pipe:
        pipe.send_text(DOWN + " \x1b\r")
        assert sorted(prompter(pipe).checklist("Tick", choices, ["a"])) == ["a", "b"]
