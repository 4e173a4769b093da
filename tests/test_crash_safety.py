"""SIGKILL at random moments loses no committed answer; two processes write at once.

The interactive runs wait until the n-th answer is committed (polling the database,
never a sleep standing in for it), then maybe type part of the next answer, then kill.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mlsd.catalog import load_framework
from mlsd.store import open_store
from tests.pty_helpers import answer, pexpect_eof, spawn, start_answering, wait_for_answers

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
ANSWERS = REPO / "tests" / "fixtures" / "answers" / "feed-ranking-strong.yaml"


@pytest.mark.parametrize("iteration", range(40))
def test_sigkill_during_an_interactive_session(tmp_path, iteration):
    rng = random.Random(iteration)
    steps = load_framework().step_ids
    n = rng.randint(1, len(steps))
    moment = rng.choice(["after-commit", "typing-next-answer", "typing-follow-up"])
    home = tmp_path / "home"
    child = spawn(home, "practice", "feed-ranking", "--minutes", rng.choice(["0", "45"]))
    start_answering(child)
    for i in range(n):
        answer(child, f"answer {i} to {steps[i]}", skip_follow_up=i < n - 1)
    wait_for_answers(home, n)
    if moment == "typing-follow-up":
        child.expect("Your answer to the follow-up")
        child.send("half a follow-up")
    elif moment == "typing-next-answer" and n < len(steps):
        child.expect("Your answer to the follow-up")
        child.send("/skip\x1b\r")
        child.expect("Your answer")
        child.send("half of the next answer")
    child.kill(signal.SIGKILL)
    child.close(force=True)

    with open_store(home / "mlsd.db") as store:
        assert store.integrity_ok()
        record = store.resolve("latest")
    assert [record.answers.get(s) for s in steps[:n]] == [
        f"answer {i} to {steps[i]}" for i in range(n)
    ]

    child = spawn(home, "resume")
    where = load_framework().step(steps[n]).title if n < len(steps) else "the summary"
    child.expect(re.escape(f"Continuing at {where}"))
    child.sendintr()
    child.expect(pexpect_eof())
    child.close()


def _mlsd(home: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MLSD_HOME": str(home)}
    return subprocess.Popen(
        [sys.executable, "-m", "mlsd", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.parametrize("iteration", range(20))
def test_sigkill_during_an_answers_file_run(tmp_path, iteration):
    """An answers-file run is one transaction: after a kill it is all there or not at all."""
    home = tmp_path / "home"
    with open_store(home / "mlsd.db"):
        pass  # the database exists before the kill, as it would for a returning user
    proc = _mlsd(home, "practice", "--answers", str(ANSWERS))
    time.sleep(random.Random(iteration).uniform(0.05, 0.6))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with open_store(home / "mlsd.db") as store:
        assert store.integrity_ok()
        sessions = store.list_sessions()
        for row in sessions:
            record = store.load(row.id)
            assert record.status == "finished"
            assert len(record.answers) == 7


def test_two_processes_write_sessions_at_once(tmp_path):
    home = tmp_path / "home"
    procs = [_mlsd(home, "practice", "--answers", str(ANSWERS)) for _ in range(6)]
    errors = [p.communicate(timeout=60)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0] * 6, errors
    with open_store(home / "mlsd.db") as store:
        rows = store.list_sessions()
        assert len(rows) == 6
        assert all(store.load(r.id).status == "finished" for r in rows)
