"""End to end in a real pseudo-terminal: type, Ctrl-C, resume, finish; and SIGKILL safety."""

from __future__ import annotations

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
    type_then_interrupt,
)

pytestmark = pytest.mark.slow


def test_type_two_answers_ctrl_c_resume_and_finish(tmp_path):
    home = tmp_path / "home"
    child = spawn(home, "practice", "ctr-prediction", cwd=tmp_path)
    start_answering(child)
    answer(child, "We predict calibrated pCTR for each ad at auction time.")
    answer(child, "Impressions joined with clicks inside an attribution window.")
    child.expect(ANSWER_PROMPT)
    type_then_interrupt(child, "half a thought about features")
    child.expect(r"Resume with: mlsd resume ([0-9a-f]{8})")
    short = child.match.group(1)
    child.expect(pexpect_eof())
    child.close()
    assert child.exitstatus == 130

    with open_store(home / "mlsd.db") as store:
        record = store.resolve(short)
    assert set(record.answers) == {"requirements", "data"}
    assert record.status == "paused"

    child = spawn(home, "resume", short, cwd=tmp_path)
    child.expect("Continuing at Feature engineering")
    child.expect("half a thought about features")  # the draft is offered again
    child.send(" and more on features.")
    child.send(SUBMIT)
    child.expect("Your answer to the follow-up")
    child.send("/skip")
    child.send(SUBMIT)
    for step in load_framework().step_ids[3:]:
        answer(child, f" and more on {step}.")
    child.expect("Key points covered")
    child.expect(r"The design doc can go to\s+(ctr-prediction-[0-9-]+-[0-9a-f]{8}.md)")
    child.expect("Export the design doc there?")
    child.send("y")
    child.expect("Wrote")
    child.expect(pexpect_eof())
    child.close()
    assert child.exitstatus == 0
    with open_store(home / "mlsd.db") as store:
        record = store.resolve(short)
    assert record.status == "finished"
    assert record.answers["features"] == "half a thought about features and more on features."
    (doc,) = tmp_path.glob("ctr-prediction-*.md")
    assert "half a thought about features and more on features." in doc.read_text()


def test_no_terminal_means_a_clear_message_not_a_hang(tmp_path):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "mlsd", "practice", "ctr-prediction"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
        env={"MLSD_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 1
    assert "--answers" in done.stderr
    assert "Traceback" not in done.stderr
    assert "Warning" not in done.stderr
