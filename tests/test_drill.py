"""Drills (one step of one case) and the review screens, in-process and in a real terminal."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import yaml

from mlsd.log.store import open_store
from tests.pty_helpers import SUBMIT, pexpect_eof, spawn

ANSWERS = Path(__file__).resolve().parent / "fixtures" / "answers"


def one_step(tmp_path: Path, step: str = "metrics") -> Path:
    data = yaml.safe_load((ANSWERS / "ctr-prediction-strong.yaml").read_text())
    data["answers"] = {step: data["answers"][step]}
    data.pop("follow_ups", None)
    data.pop("clarifications", None)  # a drill shows every answer
    path = tmp_path / "drill.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_a_drill_from_an_answers_file_gives_that_steps_feedback(run, tmp_path):
    result = run("drill", "--answers", str(one_step(tmp_path)))
    assert result.code == 0, result.err
    assert "Evaluation metrics" in result.out and "Reference notes for this step" in result.out
    assert "Scheduled for review" in result.out
    with open_store() as store:
        (row,) = store.list_sessions()
        record = store.load(row.id)
    assert record.mode == "drill" and set(record.answers) == {"metrics"}
    assert not record.skipped  # the other steps are not "skipped": a drill is one step


def test_a_drill_is_scored_and_exported_as_its_one_step(run, tmp_path):
    """`mlsd score` of a drill reported the whole case (14%, "0 of 6 key questions
    asked"), the 45-minute budgets and six unanswered sections in its doc."""
    assert run("drill", "--minutes", "5", "--answers", str(one_step(tmp_path))).code == 0
    scored = run("score", "latest", "--json")
    assert scored.code == 0, scored.err
    report = json.loads(scored.out)
    assert [s["id"] for s in report["steps"]] == ["metrics"]
    assert report["clarifications"] is None
    assert report["steps"][0]["budget_seconds"] == 300
    assert report["coverage"] > 0.5  # the strong answer's own step, not 1/7 of a case
    doc = tmp_path / "drill.md"
    assert run("export", "latest", "-o", str(doc)).code == 0
    text = doc.read_text()
    assert "Evaluation metrics" in text and "Data and labels" not in text
    assert "Not answered" not in text


def test_a_drill_answers_file_must_name_one_step(run, tmp_path):
    whole = run("drill", "--answers", str(ANSWERS / "ctr-prediction-strong.yaml"))
    assert whole.code == 1 and "a drill answers one step" in whole.err
    named = run("drill", "model", "--answers", str(ANSWERS / "ctr-prediction-strong.yaml"))
    assert named.code == 0, named.err
    bad = run("drill", "modle", "--answers", str(one_step(tmp_path)))
    assert bad.code == 1 and "no step 'modle'" in bad.err
    missing = run("drill", "data", "--answers", str(one_step(tmp_path)))
    assert missing.code == 1 and "no answer for the step" in missing.err


def test_a_drill_says_what_of_a_whole_answers_file_it_left_out(run, tmp_path):
    """Naming a step of a whole practice file drills that step; the rest of the file is
    not silently dropped."""
    result = run("drill", "model", "--answers", str(ANSWERS / "ctr-prediction-strong.yaml"))
    assert result.code == 0, result.err
    said = " ".join(result.err.split())
    assert "a drill takes one step (model); left out: answers for requirements, data," in said
    assert "clarifying questions" in said
    quiet = run("drill", "--answers", str(one_step(tmp_path)))
    assert quiet.code == 0 and "left out" not in quiet.err


def test_drill_without_a_terminal_says_to_use_answers(run):
    result = run("drill", "metrics", "--case", "ctr-prediction")
    assert result.code == 1 and "--answers" in result.err


def test_a_mistyped_step_or_case_is_named_before_the_terminal(run):
    """`mlsd drill servng` in a pipe said only "not a terminal": fixing that would lead
    to a second error. The step and case are checked first."""
    step = run("drill", "servng")
    assert step.code == 1 and "no step 'servng'" in step.err
    assert "not a terminal" not in step.err
    case = run("drill", "serving", "--case", "no-such-case")
    assert case.code == 1 and "no case 'no-such-case'" in case.err
    assert "not a terminal" not in case.err


@pytest.mark.slow
def test_drill_in_a_terminal(tmp_path):
    home = tmp_path / "home"
    child = spawn(home, "drill", "metrics", "--case", "ctr-prediction", cwd=tmp_path)
    child.expect("How many users and ad requests")  # the case's answers, given up front
    child.expect("Evaluation metrics")
    child.expect("Your answer")
    text = "Offline log loss and calibration per segment, then an online A/B test on revenue."
    child.send(text)
    child.expect_exact(text[-20:])
    child.send(SUBMIT)
    child.expect("Your answer to the follow-up")
    child.send("/skip")
    child.expect_exact("/skip")
    child.send(SUBMIT)
    child.expect("Reference notes for this step")
    child.expect("Scheduled for review")
    child.expect(r"Drill [0-9a-f]{8} saved")
    child.expect(pexpect_eof())
    child.close()
    assert child.exitstatus == 0
    with open_store(home / "mlsd.db") as store:
        (row,) = store.list_sessions()
        assert row.mode == "drill" and row.status == "finished"


@pytest.mark.slow
def test_review_in_a_terminal(tmp_path):
    home = tmp_path / "home"
    practice = spawn(
        home, "practice", "--answers", str(ANSWERS / "ctr-prediction-shallow.yaml"), cwd=tmp_path
    )
    practice.expect(pexpect_eof())
    practice.close()
    with sqlite3.connect(home / "mlsd.db") as conn:  # as if a day had passed
        conn.execute("UPDATE review_cards SET due = '2000-01-01T00:00:00'")
        due = conn.execute("SELECT COUNT(*) FROM review_cards").fetchone()[0]
    child = spawn(home, "review", cwd=tmp_path, size=(40, 60))
    child.expect(r"Review 1 of \d+")
    child.expect("Fill the gaps")
    child.expect("Your answer")
    child.send("no idea")
    child.expect_exact("no idea")
    child.send(SUBMIT)
    child.expect("why:")
    child.expect("How well did you recall it")
    child.send("\r")  # the first choice: Again
    child.expect(r"Review 2 of \d+")
    child.expect("Your answer")
    child.send(SUBMIT)  # only thought it
    child.expect("How well did you recall it")
    child.send("\x1b[A\r")  # up from Again wraps to "Stop here"
    child.expect(r"Reviewed 1; \d+ still due")
    child.expect(pexpect_eof())
    child.close()
    assert child.exitstatus == 0
    with sqlite3.connect(home / "mlsd.db") as conn:
        rows = conn.execute("SELECT rating FROM review_log WHERE source = 'review'").fetchall()
    assert rows == [(1,)] and due > 1


def test_drill_usage_shows_the_optional_step_once_bracketed(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    result = run("drill", "--help")
    assert "mlsd drill [OPTIONS] [STEP]" in result.out and "[[STEP]]" not in result.out
