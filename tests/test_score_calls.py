"""The candidate corrects the scorer, and `mlsd score` never spoils a step not practised."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from mlsd.log.store import open_store

REQUIREMENTS = (
    "The business goal is auction revenue that lasts, so the model predicts calibrated "
    "pCTR per candidate ad, which the auction multiplies by the bid."
)


def _practise(run, tmp_path: Path) -> str:
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        yaml.safe_dump({"case": "ctr-prediction", "answers": {"requirements": REQUIREMENTS}}),
        encoding="utf-8",
    )
    result = run("practice", "--answers", str(answers))
    assert result.code == 0, result.err
    with open_store() as store:
        return store.resolve_id("latest")


def _point(data, point_id):
    return next(p for s in data["steps"] for p in s["points"] if p["id"] == point_id)


def test_accept_and_reject_are_stored_shown_apart_and_exported(run, tmp_path):
    sid = _practise(run, tmp_path)
    before = json.loads(run("score", sid, "--json").out)
    assert before["with_your_calls"] is None
    credited = next(p["id"] for s in before["steps"] for p in s["points"] if p["covered"])
    missed = next(p["id"] for s in before["steps"][1:] for p in s["points"] if not p["covered"])

    result = run("score", sid, "--json", "--reject", credited, "--accept", missed)
    assert result.code == 0, result.err
    assert f"Saved your calls: accepted {missed}; rejected {credited}." in result.err
    after = json.loads(result.out)
    assert after["coverage"] == before["coverage"]  # the scorer's own figure is untouched
    assert after["with_your_calls"]["accepted"] == 1
    assert after["with_your_calls"]["rejected"] == 1
    assert _point(after, credited)["covered"] and _point(after, credited)["override"] == "reject"

    # stored: a later run without flags still shows them, and undo takes one back
    again = json.loads(run("score", sid, "--json").out)
    assert _point(again, missed)["override"] == "accept"
    undone = json.loads(run("score", sid, "--json", "--undo", missed).out)
    assert _point(undone, missed)["override"] is None

    out = tmp_path / "doc.md"
    assert run("export", sid, "-o", str(out), "--with-feedback").code == 0
    doc = out.read_text(encoding="utf-8")
    assert "the candidate's call: not made" in doc
    # the count says what the list holds: the disputed point is not one of the missed
    assert "1 more credited by the scorer that the candidate says was not made" in doc
    assert "**Monitoring and maintenance:** not attempted; its " in doc  # nothing spoiled


def test_an_unknown_point_is_a_clear_error(run, tmp_path):
    sid = _practise(run, tmp_path)
    result = run("score", sid, "--accept", "calibrated-pctx")
    assert result.code == 1
    assert "no rubric point 'calibrated-pctx'; did you mean case:calibrated-pctr" in result.err
    # the wrong source still names the one point: the id is what the candidate means
    named = run("score", sid, "--accept", "framework:calibrated-pctr")
    assert named.code == 0 and "case:calibrated-pctr" in named.out


def test_a_call_shows_the_point_and_the_figures_not_the_whole_report_again(run, tmp_path):
    sid = _practise(run, tmp_path)
    whole = run("score", sid).out
    data = json.loads(run("score", sid, "--json").out)
    missed = next(p for s in data["steps"][1:] for p in s["points"] if not p["covered"])
    called = run("score", sid, "--accept", missed["id"])
    assert called.code == 0, called.err
    out = " ".join(called.out.split())
    assert len(called.out.splitlines()) < len(whole.splitlines()) / 5
    assert f"{missed['source']}:{missed['id']}" in out and "your call: made" in out
    assert "Your own calls: 1 accepted, 0 rejected. With them, coverage is" in out
    assert "The whole report:" in out and f"score {sid[:8]}" in out


def test_missed_points_of_steps_not_attempted_stay_hidden_unless_revealed(run, tmp_path):
    _practise(run, tmp_path)
    shown = run("score").out  # no argument: the latest session with answers
    assert "They stay hidden so you can still practise it" in shown
    assert "why:" not in shown.split("Data and labels")[-1]
    revealed = run("score", "--reveal").out
    assert revealed.count("why:") > shown.count("why:")


def test_score_with_no_argument_skips_interviews(run, tmp_path):
    sid = _practise(run, tmp_path)
    from mlsd.cases.catalog import load_case, load_framework
    from mlsd.practice.flow import start

    framework = load_framework()
    case = load_case(Path("cases/ctr-prediction.yaml").resolve(), framework)
    with open_store() as store:
        start(
            store, case, "cases/ctr-prediction.yaml", mode="interview", level="senior", minutes=45
        )
    result = run("score", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["case"]["id"] == "ctr-prediction"
    assert sid  # the practice session was the one scored


def test_the_feedback_says_how_often_the_scorer_is_wrong_and_how_to_correct_it(run, tmp_path):
    sid = _practise(run, tmp_path)
    out = " ".join(run("score", sid, "--no-pager").out.split())
    assert "the scorer misses about 1 in 4 of the points people made" in out
    assert "wrongly credits about 1 in 5 (docs/scoring.md)" in out
    assert "--accept ID or --reject ID" in out


def test_latest_means_the_latest_with_answers_and_resume_never_replays_a_finished_one(
    run, tmp_path, monkeypatch
):
    """After an interview, `score latest` refused ("it has a scorecard"); `resume` with
    nothing paused replayed the finished session's summary and scheduled its reviews again."""
    from mlsd.cli.practice import _resolve

    sid = _practise(run, tmp_path)
    with open_store() as store:
        paused, interview = (
            store.create_session(
                case_id="ctr-prediction",
                case_path="",
                case_title="Ad click-through-rate prediction",
                mode=mode,
                level="senior",
                minutes=45,
            )
            for mode in ("practice", "interview")
        )
        store.set_status(paused, "paused")
        store.set_status(interview, "finished")
        assert _resolve(store, "latest").id == paused  # not the newer, finished interview
    scored = json.loads(run("score", "latest", "--json").out)  # the one with answers
    assert [s["attempted"] for s in scored["steps"]][:2] == [True, False]
    monkeypatch.setattr("mlsd.cli.practice.require_terminal", lambda *_: None)
    again = run("resume", sid[:8])
    assert again.code == 1
    assert f"session {sid[:8]} is finished, so there is nothing to resume" in again.err
    assert f"mlsd score {sid[:8]}" in again.err and "Scheduled" not in again.out
    with open_store() as store:
        store.set_status(paused, "finished")
    nothing = run("resume")
    assert nothing.code == 1 and "no paused session to resume" in nothing.err
