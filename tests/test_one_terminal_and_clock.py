"""One session open in one terminal at a time, and a clock that steps back.

The lock is a ``flock`` on a file per session, so the tests use real processes where a
real holder matters (one that is stopped by --take-over, one killed with SIGKILL). The
clock tests make ``mlsd.log.store.now`` run backwards: order must come from the log's
insertion order and the sessions' use counter, never from timestamps.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from mlsd.cases.catalog import load_framework
from mlsd.log import events as ev
from mlsd.log.lock import SessionBusyError, acquire, lock_path
from mlsd.practice.flow import Practice, start
from tests.fakes import FakeClock
from tests.scripted import ScriptedPrompter


def new_session(store, ctr):
    case, path = ctr
    return start(store, case, path, mode="practice", level="senior", minutes=45)


def practice(store, sid, case, replies):
    ui = ScriptedPrompter(list(replies))
    return Practice(store, sid, case, load_framework(), ui, clock=FakeClock()), ui


# -- one session, one terminal ---------------------------------------------------------


def test_a_second_terminal_is_refused_naming_the_first():
    with acquire("ab" * 16):
        with pytest.raises(SessionBusyError) as info:
            acquire("ab" * 16)
        message = info.value.message
        assert f"pid {os.getpid()}" in message
        assert "mlsd resume abababab --take-over" in message
    with acquire("ab" * 16) as again:  # released: free again
        assert again.held
    assert not lock_path("ab" * 16).exists()


def _holder(session_id: str) -> subprocess.Popen[str]:
    """Another mlsd process holding the session (SIGTERM ends it, as it would a run)."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from mlsd.log.lock import acquire; "
            f"lock = acquire({session_id!r}); print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_take_over_stops_the_holder_and_waits_for_it():
    holder = _holder("cd" * 16)
    try:
        with acquire("cd" * 16, take_over=True) as lock:
            assert lock.held
        assert holder.wait(timeout=10) == -signal.SIGTERM
    finally:
        holder.kill()
        holder.wait()


def test_a_holder_that_died_does_not_block():
    """A run killed with SIGKILL leaves its lock file; the kernel has dropped the lock."""
    holder = _holder("ef" * 16)
    with pytest.raises(SessionBusyError, match=f"pid {holder.pid}"):
        acquire("ef" * 16)
    holder.kill()
    holder.wait()
    assert lock_path("ef" * 16).exists()
    with acquire("ef" * 16) as lock:
        assert lock.held


# -- M6: the clock steps back ----------------------------------------------------------


def _clock_going_back(monkeypatch: pytest.MonkeyPatch) -> None:
    stamps = iter(
        f"2030-01-01T00:{59 - i // 60:02d}:{59 - i % 60:02d}.000+00:00" for i in range(3600)
    )
    monkeypatch.setattr("mlsd.log.store.now", lambda: next(stamps))


def test_latest_follows_use_not_the_clock(store, ctr, monkeypatch):
    _clock_going_back(monkeypatch)
    first = new_session(store, ctr)
    second = new_session(store, ctr)  # stamped earlier than the first
    assert store.resolve_id("latest") == second
    store.add_event(first, ev.Hint(index=0), "requirements")  # used again, stamped earlier still
    assert store.resolve_id("latest") == first
    assert [s.id for s in store.list_sessions()] == [first, second]


def test_a_stale_draft_is_not_offered_after_the_answer_was_submitted(store, ctr, monkeypatch):
    _clock_going_back(monkeypatch)
    case, _ = ctr
    sid = new_session(store, ctr)
    runner, _ = practice(store, sid, case, ["done", KeyboardInterrupt()])
    with pytest.raises(KeyboardInterrupt):
        runner.run()
    runner.interrupted("Stale half answer")
    replies = ["done", "Submitted answer.", "/skip", "/back", "requirements", "/pause"]
    runner, ui = practice(store, sid, case, replies)
    runner.run()
    assert ui.defaults[0] == "Stale half answer"  # offered once, on resume
    assert ui.defaults[-1] == "Submitted answer."  # on /back: the answer, not the draft
    assert store.load(sid).drafts == {}
