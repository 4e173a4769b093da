"""End to end in a pseudo-terminal: nothing typed is lost, and resume gives it back.

The store refusing an answer (a real 1 MB tmpfs filling up, a lock held past the busy
timeout, the session deleted from another terminal), SIGTERM, SIGHUP and a closed
terminal while typing, and a second terminal opening the same session. Each waits for
the echo of what was typed before acting, and checks the text is in the box on resume.
"""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from mlsd.log.store import open_store
from tests.pty_helpers import (
    ANSWER_PROMPT,
    SUBMIT,
    answer,
    loose,
    spawn,
    start_answering,
    wait_for_answers,
)

pytestmark = pytest.mark.slow

FIRST = "We predict calibrated pCTR for each ad at auction time."
HALF = "half a thought about the click logs"


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fallback recovery folder lives under TMPDIR: keep it inside the test."""
    (tmp_path / "tmp").mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    monkeypatch.setattr(tempfile, "tempdir", None)


def at_data_step(home: Path) -> tuple[pexpect.spawn, str]:
    """A practice run that has committed its first answer and shows the next prompt."""
    child = spawn(home, "practice", "ctr-prediction")
    child.logfile_read = io.StringIO()
    start_answering(child)
    answer(child, FIRST)
    child.expect(ANSWER_PROMPT)
    wait_for_answers(home, 1)
    with open_store(home / "mlsd.db") as store:
        return child, store.resolve("latest").id


def typed(child: pexpect.spawn, text: str) -> None:
    child.send(text)
    child.expect_exact(text)


def finished(child: pexpect.spawn) -> str:
    child.expect(pexpect.EOF)
    child.close()
    out = child.logfile_read.getvalue() if isinstance(child.logfile_read, io.StringIO) else ""
    assert "Traceback" not in out
    assert "bug in mlsd" not in out
    return out


def resume_shows(home: Path, short: str, text: str) -> None:
    """``mlsd resume`` continues at the data step with ``text`` in the box."""
    child = spawn(home, "resume", short)
    child.expect("Continuing at Data")
    child.expect_exact(text)
    child.sendintr()
    child.expect(r"Saved\. Resume with")
    finished(child)
    assert child.exitstatus == 130


# -- H4: signals while typing ----------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_while_typing_keeps_the_half_typed_answer(tmp_path, signum):
    home = tmp_path / "home"
    child, sid = at_data_step(home)
    typed(child, HALF)
    child.kill(signum)
    child.expect(rf"Saved\. Resume with: mlsd resume {sid[:8]}")
    finished(child)
    assert child.exitstatus == 128 + signum
    with open_store(home / "mlsd.db") as store:
        record = store.load(sid)
    assert record.status == "paused"
    assert record.drafts == {"data": HALF}
    resume_shows(home, sid[:8], HALF)


def test_closing_the_terminal_keeps_the_half_typed_answer(tmp_path):
    home = tmp_path / "home"
    child, sid = at_data_step(home)
    typed(child, HALF)
    child.ptyproc.fileobj.close()  # the terminal window goes: the kernel sends SIGHUP
    deadline = time.monotonic() + 30  # a guard against a hang, not a speed test
    while child.ptyproc.isalive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not child.ptyproc.isalive()
    child.ptyproc.closed = child.closed = True
    with open_store(home / "mlsd.db") as store:
        record = store.load(sid)
    assert record.drafts == {"data": HALF}
    assert record.status == "paused"
    resume_shows(home, sid[:8], HALF)


# -- H3: the store refuses the answer --------------------------------------------------


def test_a_locked_database_keeps_the_submitted_answer(tmp_path):
    """Another process holds the write lock past the 5 s busy timeout."""
    home = tmp_path / "home"
    child, sid = at_data_step(home)
    typed(child, HALF)
    locker = sqlite3.connect(home / "mlsd.db", isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        child.send(SUBMIT)
        child.expect(loose("locked by another running mlsd"), timeout=60)
        child.expect(loose(f"It comes back when you run: mlsd resume {sid[:8]}"))
        finished(child)
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert child.exitstatus == 1
    assert (home / "recovery" / f"{sid}.json").exists()
    resume_shows(home, sid[:8], HALF)
    assert not (home / "recovery" / f"{sid}.json").exists()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("needs permission to mount a 1 MB tmpfs (run as root)")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass  # full
    finally:
        os.close(fd)
    return filler


def test_a_full_disk_keeps_the_submitted_answer(small_disk, tmp_path):
    home = small_disk / "home"
    child, sid = at_data_step(home)
    typed(child, HALF)
    filler = fill(small_disk)
    child.send(SUBMIT)
    child.expect(loose("the disk is full"))
    child.expect(loose(f"It comes back when you run: mlsd resume {sid[:8]}"))
    finished(child)
    assert child.exitstatus == 1
    # the home disk could not take the recovery file either: it went to TMPDIR
    kept = Path(tempfile.gettempdir()) / f"mlsd-recovery-{os.getuid()}"
    assert HALF in (kept / f"{sid}.json").read_text()
    filler.unlink()
    resume_shows(home, sid[:8], HALF)


def test_a_session_deleted_elsewhere_keeps_the_answer_and_says_where(tmp_path):
    home = tmp_path / "home"
    child, sid = at_data_step(home)
    typed(child, HALF)
    deleted = subprocess.run(
        [sys.executable, "-m", "mlsd", "sessions", "delete", sid[:8], "--yes"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "MLSD_HOME": str(home)},
    )
    assert deleted.returncode == 0, deleted.stderr
    child.send(SUBMIT)
    child.expect("deleted")
    path = home / "recovery" / f"{sid}.json"
    child.expect(loose("kept in"))
    finished(child)
    assert child.exitstatus == 1
    assert HALF in path.read_text()
    again = spawn(home, "resume", sid[:8])
    again.logfile_read = io.StringIO()
    again.expect(loose("kept in"))
    out = finished(again)
    assert again.exitstatus == 1
    assert str(path) in out.replace("\r\n", "")


# -- one session, one terminal ---------------------------------------------------------


def test_a_second_terminal_is_refused_then_takes_over(tmp_path):
    home = tmp_path / "home"
    first, sid = at_data_step(home)
    typed(first, HALF)
    second = spawn(home, "resume", sid[:8])
    second.logfile_read = io.StringIO()
    second.expect(loose(f"is open in another terminal: mlsd (pid {first.pid}"))
    second.expect("--take-over")
    finished(second)
    assert second.exitstatus == 1

    third = spawn(home, "resume", sid[:8], "--take-over")
    first.expect(r"Saved\. Resume with")  # the first terminal saves its draft and stops
    finished(first)
    assert first.exitstatus == 128 + signal.SIGTERM
    third.expect("Continuing at Data")
    third.expect_exact(HALF)
    third.sendintr()
    third.expect(pexpect.EOF)
    third.close()
    assert third.exitstatus == 130
