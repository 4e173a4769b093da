"""Nothing typed is lost: the store refusing a write, signals, two terminals, a clock stepping back.

In-process: the store's failures are real SQLite errors (a lock held by another
connection, a session deleted through another connection) or the error a full disk
gives, injected at the connection. ``tests/test_never_lose_pty.py`` runs the same
failures end to end in a pseudo-terminal.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import pytest
import typer

from mlsd.cases.catalog import load_framework
from mlsd.cli._running import run_saving
from mlsd.log import events as ev
from mlsd.log import recovery
from mlsd.log.recovery import UnsavedError
from mlsd.log.store import db_path, open_store
from mlsd.practice.flow import Practice, start
from mlsd.run.lifecycle import Run
from tests.fakes import FakeClock
from tests.scripted import ScriptedPrompter

DISK_FULL = sqlite3.OperationalError("database or disk is full")


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fallback recovery folder lives under TMPDIR: keep it inside the test."""
    (tmp_path / "tmp").mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    monkeypatch.setattr(tempfile, "tempdir", None)


class FailingConnection:
    """The store's connection; once ``failing``, every write raises ``error``."""

    def __init__(self, conn: sqlite3.Connection, error: Exception) -> None:
        self._conn = conn
        self.error = error
        self.failing = False

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        if self.failing and sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            raise self.error
        return self._conn.execute(sql, *args)

    def __enter__(self) -> Any:
        return self._conn.__enter__()

    def __exit__(self, *exc: Any) -> Any:
        return self._conn.__exit__(*exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def new_session(store, ctr):
    case, path = ctr
    return start(store, case, path, mode="practice", level="senior", minutes=45)


def practice(store, sid, case, replies, clock=None):
    ui = ScriptedPrompter(list(replies))
    return Practice(store, sid, case, load_framework(), ui, clock=clock or FakeClock()), ui


def saving(runner: Practice) -> Any:
    """The CLI's one save point, as ``mlsd practice`` and ``mlsd resume`` use it."""
    return run_saving(
        runner.run,
        lambda exc: runner.interrupted(getattr(exc, "draft", "")),
        saved="Your answers so far are saved.",
    )


def kept_file(sid: str) -> Path:
    return Path(os.environ["MLSD_HOME"]) / "recovery" / f"{sid}.json"


def resume_offers(store, sid, case, text, first=()):
    """Resume: the kept text is the box's starting text, and the file is gone."""
    runner, ui = practice(store, sid, case, [*first, "/pause"])
    runner.run()
    assert ui.defaults[0] == text
    assert any("Restored what could not be saved" in n for n in ui.kinds("note"))
    assert recovery.load(sid) is None
    return store.load(sid)


# -- H3: the store refuses the answer being submitted ----------------------------------


def test_disk_full_keeps_the_answer_and_its_time_and_resume_offers_it(store, ctr):
    case, _ = ctr
    sid = new_session(store, ctr)
    clock = FakeClock()
    failing = FailingConnection(store.conn, DISK_FULL)
    text = "Impressions joined with clicks, typed as the disk filled up."

    def disk_fills_while_typing() -> str:
        store.conn = failing
        failing.failing = True
        clock.now += 90
        return text

    runner, _ = practice(
        store, sid, case, ["done", "Requirements.", "/skip", disk_fills_while_typing], clock
    )
    with pytest.raises(UnsavedError) as info:
        saving(runner)
    message = info.value.message
    assert "the disk is full" in message
    assert str(kept_file(sid)) in message
    assert f"mlsd resume {sid[:8]}" in message
    kept = json.loads(kept_file(sid).read_text())
    assert kept["entries"][0] == {"type": "answer", "step": "data", "text": text}
    assert kept_file(sid).stat().st_mode & 0o777 == 0o600

    store.conn = failing._conn  # space freed
    record = resume_offers(store, sid, case, text)
    assert record.seconds["data"] == 90  # the step's time was kept too


def test_a_lock_held_past_the_busy_timeout_keeps_the_answer(monkeypatch, ctr):
    monkeypatch.setattr("mlsd.log.store.BUSY_TIMEOUT_MS", 100)
    case, _ = ctr
    locker = sqlite3.connect(db_path(), isolation_level=None)
    with open_store() as store:
        sid = new_session(store, ctr)

        def another_process_locks() -> str:
            locker.execute("BEGIN EXCLUSIVE")
            return "Features from the last 30 days of clicks."

        runner, _ = practice(store, sid, case, ["done", "Reqs.", "/skip", another_process_locks])
        with pytest.raises(UnsavedError, match="locked by another running mlsd"):
            saving(runner)
        locker.execute("ROLLBACK")
        locker.close()
        resume_offers(store, sid, case, "Features from the last 30 days of clicks.")


def test_a_session_deleted_elsewhere_says_so_and_where_the_text_is(store, ctr, run, monkeypatch):
    case, _ = ctr
    sid = new_session(store, ctr)

    def deleted_from_another_terminal() -> str:
        with open_store() as other:
            other.delete(sid)
        return "An answer nobody can store now."

    runner, _ = practice(store, sid, case, ["done", deleted_from_another_terminal])
    with pytest.raises(UnsavedError) as info:
        saving(runner)
    message = info.value.message
    assert "deleted" in message
    assert "not a usable" not in message
    assert "Move it aside" not in message
    assert str(kept_file(sid)) in message
    assert "An answer nobody can store now." in kept_file(sid).read_text()
    # `mlsd resume` of the deleted session points at the file as well
    monkeypatch.setattr("mlsd.cli.practice.require_terminal", lambda what: None)
    result = run("resume", sid[:8])
    assert result.code == 1
    assert str(kept_file(sid)) in result.err
    assert "Traceback" not in result.err


def test_when_no_recovery_file_can_be_written_the_text_is_shown(store, ctr, tmp_path, monkeypatch):
    case, _ = ctr
    sid = new_session(store, ctr)
    (tmp_path / "afile").write_text("")
    monkeypatch.setattr(recovery, "folders", lambda: [tmp_path / "afile" / "recovery"])
    failing = FailingConnection(store.conn, DISK_FULL)
    store.conn = failing

    def full() -> str:
        failing.failing = True
        return "The only copy of my requirements."

    runner, _ = practice(store, sid, case, ["done", full])
    with pytest.raises(UnsavedError) as info:
        saving(runner)
    assert "nor kept in a recovery file" in info.value.message
    assert "The only copy of my requirements." in info.value.message


def test_a_ctrl_c_draft_the_store_refuses_is_kept_too(store, ctr):
    from mlsd.ui.signals import Interrupted

    case, _ = ctr
    sid = new_session(store, ctr)
    failing = FailingConnection(store.conn, DISK_FULL)

    def typed_half_then_ctrl_c() -> str:
        store.conn = failing
        failing.failing = True
        raise Interrupted("Half a requirements answer")

    runner, _ = practice(store, sid, case, ["done", typed_half_then_ctrl_c])
    with pytest.raises(UnsavedError, match="unsubmitted answer to"):
        saving(runner)
    store.conn = failing._conn
    resume_offers(store, sid, case, "Half a requirements answer", first=["done"])


def test_ctrl_c_in_a_follow_up_keeps_the_half_typed_follow_up_answer(store, ctr):
    from mlsd.ui.signals import Interrupted

    case, _ = ctr
    sid = new_session(store, ctr)
    runner, _ = practice(store, sid, case, ["done", "Requirements.", Interrupted("Half a reply")])
    with pytest.raises(typer.Exit):
        saving(runner)
    (follow_up,) = store.load(sid).follow_ups
    assert follow_up.answer == "Half a reply" and follow_up.draft


def test_resume_asks_a_half_answered_follow_up_again_with_what_was_typed(store, ctr):
    """A user stopped mid-follow-up and, on resume, went straight to the next step:
    the half reply had become the answer. Resume now asks it again, prefilled; the
    answer given replaces the draft (one follow-up, not two)."""
    from mlsd.ui.signals import Interrupted

    case, _ = ctr
    sid = new_session(store, ctr)
    runner, _ = practice(store, sid, case, ["done", "Requirements.", Interrupted("Half a reply")])
    with pytest.raises(typer.Exit):
        saving(runner)
    question = store.load(sid).follow_ups[0].question
    runner, ui = practice(store, sid, case, ["Half a reply, finished.", "/pause"])
    runner.run()
    assert ui.defaults[0] == "Half a reply"
    assert ("interviewer", question) in [
        (k, d[0] if isinstance(d, tuple) else d) for k, d in ui.shown
    ]
    (follow_up,) = store.load(sid).follow_ups
    assert follow_up.answer == "Half a reply, finished." and not follow_up.draft


def test_an_interviewers_note_and_justification_are_kept_and_put_back(store, ctr):
    case, path = ctr
    sid = start(store, case, path, mode="interview", level="senior", minutes=45)
    framework = load_framework()
    run = Run(store, sid, case, framework)
    failing = FailingConnection(store.conn, DISK_FULL)
    store.conn = failing
    failing.failing = True
    with pytest.raises(UnsavedError, match="Your note"):
        run.commit(ev.Note(text="Asked about delayed labels unprompted."), "data")
    with pytest.raises(UnsavedError):
        run.commit(ev.Rating(dimension="design", score=4, justification="Clear tradeoffs."))
    store.conn = failing._conn
    again = Run(store, sid, case, framework)
    assert again.begin(resumed=True)
    state = again.record.interview
    assert [n.text for n in state.notes] == ["Asked about delayed labels unprompted."]
    assert state.ratings["design"].justification == "Clear tradeoffs."
    assert recovery.load(sid) is None


def test_signals_wait_for_the_commit_in_progress(store, ctr, monkeypatch):
    """SIGTERM arriving mid-write is handled after the commit, not by rolling it back."""
    sid = new_session(store, ctr)
    real_touch = store._touch

    def touch_then_signal(session_id: str, stamp: str) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        real_touch(session_id, stamp)

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(store, "_touch", touch_then_signal)
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        with pytest.raises(KeyboardInterrupt):
            store.save_answer(sid, "data", "Committed before the signal was handled.")
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert store.load(sid).answers["data"] == "Committed before the signal was handled."


# -- H4: SIGTERM and SIGHUP take Ctrl-C's route ----------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_while_typing_exits_the_prompt_with_the_draft(signum):
    from prompt_toolkit.application import get_app
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput
    from rich.console import Console

    from mlsd.ui.prompts import Interrupted, QuestionaryPrompter
    from mlsd.ui.signals import signals_interrupt

    sent: list[int] = []

    def status() -> str:  # drawn after every key: the signal comes once the text is in
        if get_app().current_buffer.text == "half typed" and not sent:
            sent.append(signum)
            os.kill(os.getpid(), signum)
        return "status"

    before = signal.getsignal(signum)
    with create_pipe_input() as pipe, signals_interrupt() as caught:
        pipe.send_text("half typed")
        prompter = QuestionaryPrompter(Console(), input=pipe, output=DummyOutput())
        with pytest.raises(Interrupted) as info:
            prompter.answer("Your answer", status=status)
    assert info.value.draft == "half typed"
    assert caught.signum == signum
    assert signal.getsignal(signum) is before  # handlers are put back after the run


def _signal_once(monkeypatch, signum: int, ready: Any) -> None:
    """Send ``signum`` to this process once ``ready(app)`` holds after a redraw."""
    from mlsd.ui import signals

    real = signals.ask
    sent: list[int] = []

    def ask(question: Any, snapshot: Any = None) -> Any:
        def check(app: Any) -> None:
            if not sent and ready(app):
                sent.append(signum)
                os.kill(os.getpid(), signum)

        question.application.after_render += check
        return real(question, snapshot)

    monkeypatch.setattr("mlsd.ui.interviewer.ask", ask)


def _interviewer(pipe: Any) -> Any:
    from prompt_toolkit.output import DummyOutput
    from rich.console import Console

    from mlsd.ui.interviewer import QuestionaryInterviewer

    return QuestionaryInterviewer(Console(), input=pipe, output=DummyOutput())


def test_sigterm_keeps_an_interviewers_half_typed_note(monkeypatch):
    from prompt_toolkit.input import create_pipe_input

    from mlsd.ui.signals import signals_interrupt

    _signal_once(
        monkeypatch, signal.SIGTERM, lambda app: app.current_buffer.text == "half a thought"
    )
    with create_pipe_input() as pipe, signals_interrupt():
        pipe.send_text("half a thought")
        with pytest.raises(KeyboardInterrupt) as info:
            _interviewer(pipe).line("Note", keep_draft=True)
    assert getattr(info.value, "draft", None) == "half a thought"


def test_sighup_keeps_the_ticks_on_screen(monkeypatch):
    from prompt_toolkit.input import create_pipe_input
    from questionary.prompts.common import InquirerControl

    from mlsd.run.lifecycle import Choice
    from mlsd.ui.interviewer import ChecklistInterrupted
    from mlsd.ui.signals import signals_interrupt

    def ticked(app: Any) -> list[str]:
        for window in app.layout.find_all_windows():
            if isinstance(window.content, InquirerControl):
                return sorted(window.content.selected_options)
        return []

    _signal_once(monkeypatch, signal.SIGHUP, lambda app: ticked(app) == ["a", "b"])
    choices = [Choice("a", "first"), Choice("b", "second"), Choice("c", "third")]
    with create_pipe_input() as pipe, signals_interrupt():
        pipe.send_text("\x1b[B ")  # down, tick the second
        with pytest.raises(ChecklistInterrupted) as info:
            _interviewer(pipe).checklist("Tick", choices, ["a"])
    assert sorted(info.value.checked) == ["a", "b"]


def test_sigterm_with_the_editor_open_keeps_what_the_editor_saved(tmp_path, monkeypatch):
    from rich.console import Console

    from mlsd.ui.prompts import Interrupted, QuestionaryPrompter
    from mlsd.ui.signals import signals_interrupt

    editor = tmp_path / "editor.sh"
    editor.write_text(
        '#!/bin/sh\nprintf "saved so far\\n# a comment\\n" > "$1"\nkill -TERM $PPID\nsleep 30\n'
    )
    editor.chmod(0o755)
    monkeypatch.setenv("VISUAL", str(editor))
    with signals_interrupt(), pytest.raises(Interrupted) as info:
        QuestionaryPrompter(Console()).edit("the old answer\n# a comment\n")
    assert info.value.draft == "saved so far"


def test_a_signal_outside_a_prompt_interrupts_with_no_draft():
    from mlsd.ui.signals import Interrupted, signals_interrupt

    with signals_interrupt() as caught, pytest.raises(Interrupted) as info:
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(1000):  # the handler runs at the next bytecode boundary
            pass
    assert info.value.draft == ""
    assert caught.signum == signal.SIGTERM


# -- low: healthy databases and files reported accurately ------------------------------


def test_a_huge_limit_lists_sessions_rather_than_calling_the_database_corrupt(store, ctr, run):
    new_session(store, ctr)
    result = run("sessions", "-n", "99999999999999999999")
    assert result.code == 0, result.err
    assert "ctr-prediction" in result.out
    assert "Move it aside" not in result.err


def test_export_force_over_a_private_file_keeps_it_private(tmp_path):
    from mlsd._util.fileio import write_atomic

    target = tmp_path / "doc.md"
    target.write_text("old")
    target.chmod(0o600)
    write_atomic(target, "new", force=True)
    assert target.read_text() == "new"
    assert target.stat().st_mode & 0o777 == 0o600


def test_mlsd_home_with_an_unknown_user_is_a_message(run, monkeypatch):
    monkeypatch.setenv("MLSD_HOME", "~nosuchuser-mlsd/x")
    result = run("sessions")
    assert result.code == 1
    assert "MLSD_HOME='~nosuchuser-mlsd/x': cannot expand '~nosuchuser-mlsd'" in result.err
    assert "bug" not in result.err
