"""SIGKILL at every moment loses no committed answer; two processes write at once.

Each interactive run waits until the n-th answer is committed (polling the database,
never a sleep standing in for it), then maybe types part of the next answer and waits
for its echo, then kills: every (n, moment) scenario runs exactly once.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from mlsd.cases.catalog import load_framework
from mlsd.log.store import open_store
from tests.pty_helpers import (
    ANSWER_PROMPT,
    SUBMIT,
    answer,
    pexpect_eof,
    spawn,
    start_answering,
    wait_for_answers,
    wait_for_rows,
)

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
ANSWERS = REPO / "tests" / "fixtures" / "answers" / "feed-ranking-strong.yaml"


STEPS = load_framework().step_ids
MOMENTS = ("after-commit", "typing-next-answer", "typing-follow-up")
# Every (answers committed, moment) once: typing the next answer after the last step is
# not a moment that exists.
SCENARIOS = [
    (n, moment)
    for n in range(1, len(STEPS) + 1)
    for moment in MOMENTS
    if not (moment == "typing-next-answer" and n == len(STEPS))
]


@pytest.mark.parametrize(("n", "moment"), SCENARIOS, ids=[f"{n}-{m}" for n, m in SCENARIOS])
def test_sigkill_during_an_interactive_session(tmp_path, n, moment):
    home = tmp_path / "home"
    child = spawn(home, "practice", "feed-ranking", "--minutes", "0" if n % 2 else "45")
    start_answering(child)
    for i in range(n):
        answer(child, f"answer {i} to {STEPS[i]}", skip_follow_up=i < n - 1)
    wait_for_answers(home, n)
    if moment == "typing-follow-up":
        child.expect("Your answer to the follow-up")
        child.send("half a follow-up")
        child.expect_exact("half a follow-up")
    elif moment == "typing-next-answer":
        child.expect("Your answer to the follow-up")
        child.send("/skip")
        child.expect_exact("/skip")
        child.send(SUBMIT)
        child.expect(ANSWER_PROMPT)
        child.send("half of the next answer")
        child.expect_exact("half of the next answer")
    child.kill(signal.SIGKILL)
    child.close(force=True)

    with open_store(home / "mlsd.db") as store:
        assert store.integrity_ok()
        record = store.resolve("latest")
    assert [record.answers.get(s) for s in STEPS[:n]] == [
        f"answer {i} to {STEPS[i]}" for i in range(n)
    ]

    child = spawn(home, "resume")
    where = load_framework().step(STEPS[n]).title if n < len(STEPS) else "the summary"
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


@pytest.mark.parametrize("moment", ["at-once", "after-commit"])
def test_sigkill_during_an_answers_file_run(tmp_path, moment):
    """An answers-file run is one transaction: after a kill it is all there or not at all.

    Killed at once (before or inside the transaction, which lives in memory until it
    commits) nothing may be half there; killed right after the commit, all of it is.
    """
    home = tmp_path / "home"
    with open_store(home / "mlsd.db"):
        pass  # the database exists before the kill, as it would for a returning user
    proc = _mlsd(home, "practice", "--answers", str(ANSWERS))
    if moment == "after-commit":
        wait_for_rows(home, "SELECT COUNT(*) FROM sessions", 1, "sessions")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with open_store(home / "mlsd.db") as store:
        assert store.integrity_ok()
        sessions = store.list_sessions()
        if moment == "after-commit":
            assert len(sessions) == 1
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
