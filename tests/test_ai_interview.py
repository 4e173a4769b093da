"""``interview --model``: a draft scorecard from the interviewer's notes and ticks."""

from __future__ import annotations

from typing import Any

from mlsd.ai.model import Connection, Settings
from mlsd.ai.scorecard import Drafter
from mlsd.cases.catalog import load_framework
from mlsd.interview.flow import Interview
from mlsd.practice.flow import start
from tests.fakes import FakeClock
from tests.openai_stub import Reply, json_reply, prompt_text, schema_of
from tests.scripted_interviewer import ScriptedInterviewer

DRAFT_LINE = "Asked about scale and latency before designing."


def draft(request: dict[str, Any]) -> Reply:
    dims = schema_of(request)["$defs"]["RatingReply"]["properties"]["dimension"]["enum"]
    ratings = [{"dimension": d, "score": 4, "justification": DRAFT_LINE} for d in dims]
    return json_reply({"ratings": ratings, "recommendation": "lean-hire"})


def run_interview(store, ctr, replies: list[str]) -> tuple[Any, ScriptedInterviewer]:
    case, path = ctr
    framework = load_framework()
    sid = start(store, case, path, mode="interview", level="senior", minutes=45)
    ui = ScriptedInterviewer(list(replies))
    conn = Connection("stub", settings=Settings(timeout=10, retry_delay=0))
    drafter = Drafter(conn, case, framework, ui.note)
    runner = Interview(store, sid, case, framework, ui, clock=FakeClock(), drafter=drafter)
    return runner.run().record, ui


# Reach the first step, note something, wrap up: framing and communication are rated.
REPLIES = ["go", "note", "Asked about DAU and p99 latency first.", "goto", "wrap"]


def test_the_draft_is_offered_and_the_interviewer_edits_it(store, ctr, stub):
    stub.default = draft
    replies = [*REPLIES, "4", "", "2", "Mumbled through the trade-offs.", "hire", "senior"]
    record, ui = run_interview(store, ctr, replies)
    ratings = record.interview.ratings
    kept, edited = (ratings[d] for d in ratings)
    # Enter kept the draft's line, marked as the model's words
    assert (kept.score, kept.justification) == (4, f"{DRAFT_LINE} (the model's draft)")
    assert (edited.score, edited.justification) == (2, "Mumbled through the trade-offs.")
    assert any("draft recommendation: lean hire" in n for n in ui.kinds("note"))
    # the draft recommendation is marked where the recommendation is chosen
    [menu] = [m for m in ui.menus if any(c.value == "lean-hire" for c in m)][-1:]
    assert next(c.label for c in menu if c.value == "lean-hire").endswith("← the model's draft")
    sent = prompt_text(stub.requests[0])
    assert "Asked about DAU and p99 latency first." in sent  # the interviewer's notes
    assert len(stub.requests) == 1


def test_no_draft_when_the_model_fails(store, ctr, stub):
    stub.default = Reply(content="not json")
    record, ui = run_interview(store, ctr, [*REPLIES, "3", "", "3", "", "hire", "senior"])
    assert any(n.startswith("No draft scorecard:") for n in ui.kinds("note"))
    assert all(r.justification == "" for r in record.interview.ratings.values())
    assert record.status == "finished"


def test_the_draft_recommendation_is_narrowed_in_the_schema_sent():
    """The schema sent for a draft scorecard left the recommendation a free string: its
    allowed values were looked for under $defs, where the reply itself never is."""
    from mlsd.ai.replies import schema_of
    from mlsd.ai.scorecard import ScorecardReply

    values = ["strong-hire", "hire", "lean-hire", "lean-no-hire", "no-hire"]
    schema = schema_of(
        ScorecardReply,
        (("RatingReply", "dimension", ["framing"]), ("ScorecardReply", "recommendation", values)),
    )
    assert schema["properties"]["recommendation"]["enum"] == values
    rating = schema["$defs"]["RatingReply"]["properties"]["dimension"]
    assert rating["enum"] == ["framing"]


def test_a_draft_line_is_not_kept_for_another_score(store, ctr, stub):
    """Choosing 2 where the draft said 4, then Enter, saved the draft's line (written to
    justify a 4) as the interviewer's own evidence for the 2."""
    stub.default = draft
    record, _ = run_interview(store, ctr, [*REPLIES, "2", "", "3", "", "hire", "senior"])
    assert [(r.score, r.justification) for r in record.interview.ratings.values()] == [
        (2, ""),
        (3, ""),
    ]
