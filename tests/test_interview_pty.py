"""An interview end to end in a real pseudo-terminal: tick, Ctrl-C, resume, ticks kept."""

from __future__ import annotations

import re

import pexpect
import pytest

from mlsd.log.store import open_store
from tests.pty_helpers import spawn, wait_for_rows

pytestmark = pytest.mark.slow

DOWN = "\x1b[B"


def wait_for_ticks(home, count: int, timeout: float = 10) -> None:
    wait_for_rows(home, "SELECT COUNT(*) FROM events WHERE kind = 'tick'", count, "ticks", timeout)


def tick(child: pexpect.spawn, *moves: str) -> None:
    """From the step menu, open the checklist and tick the points after each move."""
    child.expect("What now")
    child.send("1")
    child.send("\r")
    child.expect("Tick what you heard")
    for move in moves:
        child.send(move)
        child.send(" ")


def test_tick_two_ctrl_c_resume_and_the_ticks_are_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMPT_TOOLKIT_NO_CPR", "1")
    home = tmp_path / "home"
    child = spawn(home, "interview", "ctr-prediction")
    child.expect("Read the opening out")
    child.send("\r")
    tick(child, "", DOWN)  # the first two points
    child.send("\r")
    wait_for_ticks(home, 2)
    child.expect("What now")
    child.sendintr()
    child.expect(r"Resume with: mlsd resume ([0-9a-f]{8})")
    short = child.match.group(1)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130

    child = spawn(home, "resume", short)
    child.expect(re.escape("Continuing at Clarify requirements; 2 points ticked so far."))
    child.expect("Ready")
    child.send("\r")
    child.expect(re.escape("2 of 13 heard"))
    # Ctrl-C with the checklist open keeps what is ticked on screen
    tick(child, DOWN * 2)
    child.sendintr()
    child.expect("Resume with: mlsd resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130

    with open_store(home / "mlsd.db") as store:
        record = store.resolve(short)
    assert record.status == "paused"
    assert record.interview.ticked["requirements"] == [
        "case:pctr-per-candidate",
        "case:calibrated-pctr",
        "case:auction-scoring-load",
    ]
