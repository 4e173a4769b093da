"""The AI judge end to end: llm -> a scripted OpenAI-compatible server -> mlsd.

Every failure mode ends the same way: one line on stderr, the offline score complete on
stdout, exit 0, nothing lost. Invented quotes are never credited.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml

from mlsd.ai.quotes import Answer, locate, normalise
from tests.openai_stub import Reply, json_reply, prompt_text, verdicts

ANSWERS = {
    "requirements": (
        "We predict the click probability for each candidate ad at auction time.\n"
        "The predicted CTR must be calibrated because it is multiplied by the bid."
    ),
    "data": "Impressions joined with clicks inside a 30 minute attribution window.",
    "metrics": "AUC tells us the model is calibrated, so AUC is the only metric we need.",
}
CALIBRATED = "The predicted CTR must be calibrated because it is multiplied by the bid."


@pytest.fixture
def session(run, tmp_path: Path) -> str:
    """A stored practice session (no model involved in making it)."""
    path = tmp_path / "answers.yaml"
    path.write_text(
        yaml.safe_dump({"case": "ctr-prediction", "answers": ANSWERS}), encoding="utf-8"
    )
    result = run("practice", "ctr-prediction", "--answers", str(path))
    assert result.code == 0, result.err
    return "latest"


def judged_json(run, *extra: str) -> tuple[dict, str]:
    result = run("score", "latest", "--judge", "--model", "stub", "--json", *extra)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err + result.out
    return json.loads(result.out), result.err


def good_verdicts(key: str) -> tuple[str, str]:
    if key == "case:calibrated-pctr":
        # re-typed as models do: curly quotes, other case, a folded line
        return "covered", "the predicted  CTR must be CALIBRATED because it is multiplied"
    if key == "case:pctr-per-candidate":
        return "partial", "We predict the click probability for each candidate ad"
    return "missed", ""


MISTAKE = {
    "quote": "AUC tells us the model is calibrated",
    "correction": "AUC measures ranking only; check calibration with a reliability plot.",
}


def test_verified_verdicts_and_mistakes_beside_the_offline_score(run, stub, session):
    stub.default = verdicts(good_verdicts, [MISTAKE])
    data, err = judged_json(run)
    assert (
        "to the model stub on this machine (http://127.0.0.1:" in err
    )  # said before the first request
    judge = data["judge"]
    assert judge["failure"] is None and judge["unjudged"] == []
    by_key = {p["point"]: p for p in judge["points"]}
    calibrated = by_key["case:calibrated-pctr"]
    assert calibrated["verdict"] == "covered"
    assert calibrated["quote"]["step"] == "requirements"
    assert by_key["case:pctr-per-candidate"]["verdict"] == "partial"
    assert by_key["case:pctr-per-candidate"]["disagree"] is True
    assert [m["quote"]["step"] for m in judge["mistakes"]] == ["metrics"]  # once, not per step
    # one request per attempted step, at temperature 0, with a schema for the reply
    assert len(stub.requests) == 3
    for request in stub.requests:
        assert request["temperature"] == 0
        assert request["response_format"]["type"] == "json_schema"
    first = prompt_text(stub.requests[0])
    assert ANSWERS["metrics"] in first  # the whole session, not just the step's answer
    assert "not enough: " in first and "counts: " in first  # the judging notes
    assert data["coverage"] == data["coverage"]  # the offline figures are untouched


def test_the_view_shows_both_verdicts_and_marks_disagreements(run, stub, session):
    stub.default = verdicts(good_verdicts, [MISTAKE])
    result = run("score", "latest", "--judge", "--model", "stub", "--no-pager")
    assert result.code == 0, result.err
    assert "This report measures coverage" in result.out  # the offline feedback first
    assert "AI judge: stub" in result.out
    assert "(they disagree)" in result.out
    assert "AUC measures ranking only" in result.out


def test_an_invented_quote_is_discarded_and_never_credited(run, stub, session):
    invented = "we will recalibrate with isotonic regression every hour"

    def decide(key: str) -> tuple[str, str]:
        return ("covered", invented) if key == "case:three-sided-marketplace" else ("missed", "")

    fake_mistake = {"quote": "we use a transformer", "correction": "invented"}
    stub.default = verdicts(decide, [fake_mistake])
    data, _ = judged_json(run)
    judge = data["judge"]
    assert "case:three-sided-marketplace" not in {p["point"] for p in judge["points"]}
    assert {(d["point"], d["claimed"]) for d in judge["discarded"]} == {
        ("case:three-sided-marketplace", "covered"),
        ("", "mistake"),
    }
    assert judge["mistakes"] == []
    assert judge["coverage_with_judge"] <= data["coverage"]  # nothing credited for it
    view = run("score", "latest", "--judge", "--model", "stub", "--no-pager").out
    assert "quoting words you did not write" in view


def test_quotes_are_checked_up_to_typography_never_paraphrase():
    text = 'We "calibrate" pCTR -- then we\nplatt-scale it daily, as the auction needs.'
    answers = [Answer("model", False, text)]
    assert locate("we “calibrate” pctr — then we platt-scale it", answers) is not None
    assert locate("We calibrate pCTR ... platt-scale it daily", answers) is not None
    assert locate("platt-scale it daily ... We calibrate", answers) is None  # order kept
    assert locate("we calibrate the CTR with Platt scaling", answers) is None  # paraphrase
    assert locate("pCTR", answers) is None  # too short to be evidence
    assert normalise("A\u00a0 B") == "a b"


def test_overrides_still_win_over_the_judge(run, stub, session):
    stub.default = verdicts(good_verdicts)
    assert run("score", "latest", "--reject", "calibrated-pctr").code == 0
    data, _ = judged_json(run)
    point = next(p for p in data["judge"]["points"] if p["point"] == "case:calibrated-pctr")
    assert point["verdict"] == "covered" and point["your_call"] == "reject"
    view = run("score", "latest", "--judge", "--model", "stub", "--no-pager").out
    assert "your call: not made (it wins)" in view


def test_judgements_are_cached_by_answer_text_and_work_offline(run, stub, session):
    from mlsd.log import judgements
    from mlsd.log.store import open_store

    stub.default = verdicts(good_verdicts)
    first, _ = judged_json(run)
    asked = len(stub.requests)
    stub.stop()  # the network is gone: the cache still answers
    again, err = judged_json(run)
    assert len(stub.requests) == asked
    assert again["judge"] == first["judge"]
    assert "cannot reach" not in err
    with open_store() as store:
        assert judgements.count(store) == asked


def test_a_changed_answer_is_judged_again(run, stub, session, tmp_path):
    stub.default = verdicts(good_verdicts)
    judged_json(run)
    asked = len(stub.requests)
    changed = {**ANSWERS, "data": ANSWERS["data"] + " Duplicate clicks are removed."}
    path = tmp_path / "changed.yaml"
    path.write_text(yaml.safe_dump({"case": "ctr-prediction", "answers": changed}), "utf-8")
    assert run("practice", "ctr-prediction", "--answers", str(path)).code == 0
    judged_json(run)
    assert len(stub.requests) == asked * 2  # every step sees the whole session


# -- every failure: one line, then the offline score ---------------------------------------


def falls_back(run, fragment: str) -> dict:
    data, err = judged_json(run)
    lines = [line for line in err.splitlines() if line.startswith("mlsd: AI judge")]
    assert len(lines) == 1, err
    assert fragment in lines[0], lines[0]
    assert data["judge"]["failure"] is not None
    assert data["judge"]["unjudged"]  # left to the offline scorer
    assert data["coverage"] >= 0 and data["steps"]  # the offline report is complete
    return data


def test_broken_json_falls_back_to_the_offline_score(run, stub, session):
    stub.default = Reply(content='{"points": [ this is not json')
    falls_back(run, "reply was not the JSON asked for")
    assert len(stub.requests) == 1  # no further requests once one failed


def test_a_reply_that_breaks_the_schema_is_a_failure(run, stub, session):
    bad = {
        "points": [{"point": "case:calibrated-pctr", "verdict": "yes", "quote": "", "reason": ""}]
    }
    stub.default = json_reply({**bad, "mistakes": [], "score": 10})
    falls_back(run, "reply was not the JSON asked for")


def test_a_refused_request_falls_back(run, stub, session):
    stub.default = Reply(content=None, refusal="I can't help with that.")
    falls_back(run, "empty reply (a refusal?)")


def test_a_500_is_retried_once_then_falls_back(run, stub, session):
    stub.default = Reply(status=500, content="CUDA out of memory")
    data = falls_back(run, "failed with HTTP 500 (")
    assert "CUDA out of memory" in data["judge"]["failure"]  # the server's own words
    assert "(tried twice)" in data["judge"]["failure"]
    assert len(stub.requests) == 2


def test_a_500_then_a_good_reply_is_judged(run, stub, session):
    stub.reply(Reply(status=500))
    stub.default = verdicts(good_verdicts)
    data, err = judged_json(run)
    assert data["judge"]["failure"] is None and "AI judge:" not in err


def test_a_slow_reply_past_the_timeout_falls_back(run, stub, session, monkeypatch):
    monkeypatch.setenv("MLSD_AI_TIMEOUT", "0.2")
    stub.default = Reply(delay=60, content="{}")  # released when the test ends
    falls_back(run, "did not answer within 0.2 s (tried twice)")


def test_the_server_gone_falls_back(run, stub, session):
    stub.stop()
    falls_back(run, "cannot reach stub at http://127.0.0.1:")


def test_a_missing_key_falls_back(run, stub, session, tmp_path):
    from tests.openai_stub import register

    register(tmp_path / "llm", stub.url, key_name="stubkey")
    falls_back(run, "needs an API key")
    assert stub.requests == []


def test_an_unknown_model_falls_back(run, stub, session):
    result = run("score", "latest", "--judge", "--model", "no-such-model", "--no-pager")
    assert result.code == 0
    assert "llm knows no model called 'no-such-model'" in result.err
    assert "This report measures coverage" in result.out


def test_without_the_ai_extra_a_one_line_hint(run, stub, session, monkeypatch):
    monkeypatch.setitem(sys.modules, "llm", None)  # import llm now raises ImportError
    result = run("score", "latest", "--judge", "--model", "stub", "--no-pager")
    assert result.code == 0 and "Traceback" not in result.err
    assert "pip install 'mlsd[ai]'" in result.err
    assert "This report measures coverage" in result.out


def test_judge_without_a_model_says_how_to_set_one(run, session, monkeypatch):
    monkeypatch.delenv("MLSD_MODEL", raising=False)
    result = run("score", "latest", "--judge", "--no-pager")
    assert result.code == 0
    assert "--judge needs a model: pass --model NAME or set MLSD_MODEL" in result.err
    assert "This report measures coverage" in result.out


def test_model_messages_wrap_between_words(run, session, monkeypatch):
    """AI messages were the only ones not wrapped: at 60 columns the terminal broke them
    mid-word ("local-ll" / "ama")."""
    monkeypatch.delenv("MLSD_MODEL", raising=False)
    monkeypatch.setenv("COLUMNS", "60")
    import sys

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # messages wrap on a terminal
    err = run("score", "latest", "--judge", "--no-pager").err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) > 1 and all(len(line) <= 60 for line in lines)
    assert "MLSD_MODEL" in err and "--judge needs a model" in err


# -- quotes are shown in the candidate's characters, not the model's ----------------------


def fullwidth(text: str) -> str:
    """As some models re-type a quote: fullwidth letters, an ideographic space."""
    return "".join("\u3000" if c == " " else chr(ord(c) + 0xFEE0) for c in text)


def test_a_quote_retyped_in_fullwidth_is_shown_as_the_candidate_wrote_it(run, stub, session):
    retyped = fullwidth("THE PREDICTED CTR MUST BE CALIBRATED")

    def decide(key: str) -> tuple[str, str]:
        return ("covered", retyped) if key == "case:calibrated-pctr" else ("missed", "")

    stub.default = verdicts(decide)
    data, _ = judged_json(run)
    point = next(p for p in data["judge"]["points"] if p["point"] == "case:calibrated-pctr")
    assert point["quote"]["text"] == "The predicted CTR must be calibrated"
    view = run("score", "latest", "--judge", "--model", "stub", "--no-pager").out
    assert "The predicted CTR must be calibrated" in " ".join(view.replace("│", " ").split())
    assert retyped not in view and "ＴＨＥ" not in view


def test_locate_cuts_the_match_out_of_the_candidates_own_text():
    text = "We “calibrate” pCTR -- then we\nplatt-scale it daily; STRASSE ﬁnal."
    answers = [Answer("model", False, text)]
    found = locate(fullwidth('WE "CALIBRATE" PCTR') + " — then WE platt-scale", answers)
    assert found is not None
    assert found.text == "We “calibrate” pCTR -- then we platt-scale"  # the line fold is a space
    assert found.claimed.startswith("ＷＥ")  # what the model sent is kept beside it
    elided = locate("we calibrate pctr ... it daily", answers)
    assert elided is not None and elided.text == "We “calibrate” pCTR … it daily"
    folded = locate("straße final", answers)  # casefold and a ligature: the original span
    assert folded is not None and folded.text == "STRASSE ﬁnal"


# -- which steps are judged, and on what -------------------------------------------------

FOLLOW_UP = "Doubling every pCTR doubles every bid, so the auction overcharges advertisers."
BASELINE = "We start from a logistic regression baseline on hashed features."


def test_every_judged_step_sees_the_whole_session_and_unattempted_steps_keep_offline(
    run, stub, tmp_path
):
    """Each request carries every answer, follow-up answer and clarification; a step with
    no answer of its own is not sent, so its points (made elsewhere) keep the offline
    verdict, in the figures with the judge too."""
    answers = {"requirements": f"{CALIBRATED} {BASELINE}", "data": ANSWERS["data"]}
    path = tmp_path / "answers.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "case": "ctr-prediction",
                "answers": answers,
                "follow_ups": {"requirements": FOLLOW_UP},
                "clarifications": ["scale"],
            }
        ),
        encoding="utf-8",
    )
    assert run("practice", "ctr-prediction", "--answers", str(path)).code == 0
    stub.default = verdicts(lambda key: ("missed", ""))
    data, _ = judged_json(run)
    assert len(stub.requests) == 2  # requirements and data: the steps with an answer
    for request in stub.requests:
        text = prompt_text(request)
        assert CALIBRATED in text and ANSWERS["data"] in text and FOLLOW_UP in text
        assert "About 200 million daily active users" in text  # the clarification's answer
    judged = {p["point"] for p in data["judge"]["points"]}
    model_step = next(s for s in data["steps"] if s["id"] == "model")
    assert not model_step["attempted"]
    baseline = next(p for p in model_step["points"] if p["id"] == "lr-gbdt-baseline")
    assert baseline["covered"] and "case:lr-gbdt-baseline" not in judged
    # The judge missed everything it judged: what is left is the offline credit of the
    # points of steps it was not asked about, the baseline among them.
    unasked = [s for s in data["steps"] if not s["attempted"]]
    kept = sum(p["weight"] for s in unasked for p in s["points"] if p["expected"] and p["covered"])
    whole = sum(s["expected_weight"] for s in data["steps"])
    assert kept > 0
    assert data["judge"]["coverage_with_judge"] == round(kept / whole, 4)
