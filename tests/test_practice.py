"""Whole practice sessions driven in-process through the Prompter protocol."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlsd._util.formatting import clock as clock_text
from mlsd.cases.catalog import load_framework
from mlsd.practice.flow import Practice, start
from mlsd.run.lifecycle import DEFAULT_REPLY
from tests.fakes import STEPS, FakeClock
from tests.scripted import ScriptedPrompter


def new_session(store, ctr, minutes=45.0, level="senior"):
    case, path = ctr
    return start(store, case, path, mode="practice", level=level, minutes=minutes)


def practice(store, session_id, case, replies, clock=None, **kw):
    ui = ScriptedPrompter(list(replies))
    runner = Practice(
        store, session_id, case, load_framework(), ui, clock=clock or FakeClock(), **kw
    )
    return runner, ui


def test_a_whole_session_with_clarifications_hints_and_follow_ups(store, ctr):
    case, _ = ctr
    sid = new_session(store, ctr)
    first = case.clarifications[0]
    replies = [
        f"c:{first.id}",  # pick a listed question
        "own",
        "How many daily active users do we have?",  # ask in own words
        "own",
        "What colour is the office carpet?",  # matches nothing
        "done",
        "/hint",
        "We need calibrated pCTR for the auction.",  # requirements answer
        "Follow-up answer one.",
    ]
    for step in STEPS[1:]:
        replies += [f"My {step} answer.", "/skip"]  # answer, skip follow-up
    runner, ui = practice(store, sid, case, replies)
    outcome = runner.run()
    assert not outcome.paused
    record = outcome.record
    assert record.status == "finished"
    assert set(record.answers) == set(STEPS)
    assert record.answers["requirements"] == "We need calibrated pCTR for the auction."
    assert record.clarifications[0].clarification_id == first.id
    assert record.clarifications[1].clarification_id is not None
    assert record.clarifications[2].clarification_id is None
    assert record.clarifications[2].answer == DEFAULT_REPLY
    assert record.hints == {"requirements": 1}
    assert ui.kinds("hint")[0][2] == case.steps["requirements"].hints[0]
    assert len(record.follow_ups) == 7
    assert record.follow_ups[0].answer == "Follow-up answer one."
    assert all(f.answer is None for f in record.follow_ups[1:])
    # the interviewer's answers stay visible while writing the requirements
    card = next(c for c in ui.kinds("step") if c.step_id == "requirements")
    assert len(card.clarifications) == 3


def test_skip_and_untimed_status_line(store, ctr):
    case, _ = ctr
    sid = new_session(store, ctr, minutes=0)
    runner, ui = practice(store, sid, case, ["done", "/skip", "/pause"])
    outcome = runner.run()
    assert outcome.paused
    assert outcome.record.skipped == ["requirements"]
    assert "spent" in ui.statuses[0]


def test_pause_then_resume_continues_at_the_first_unanswered_step(store, ctr):
    case, _ = ctr
    sid = new_session(store, ctr)
    runner, _ = practice(
        store, sid, case, ["done", "Requirements text.", "/skip", "Data text.", "/skip", "/pause"]
    )
    assert runner.run().paused
    assert store.load(sid).status == "paused"
    replies = []
    for step in STEPS[2:]:
        replies += [f"{step} text.", "/skip"]
    runner, ui = practice(store, sid, case, replies)
    outcome = runner.run()
    assert ui.shown[0] == ("opening", True)
    assert next(c.step_id for c in ui.kinds("step")) == "features"
    assert outcome.record.status == "finished"
    assert outcome.record.answers["data"] == "Data text."


def test_back_revises_an_earlier_step_and_keeps_the_old_text(store, ctr):
    case, _ = ctr
    sid = new_session(store, ctr)
    replies = [
        "done",
        "First requirements.",
        "/skip",
        "/back",
        "requirements",  # from the data step, go back
        "Revised requirements.",
        "/skip",
        "/pause",  # back at data
    ]
    runner, ui = practice(store, sid, case, replies)
    outcome = runner.run()
    record = outcome.record
    assert record.answers["requirements"] == "Revised requirements."
    assert [h.text for h in record.history if h.step_id == "requirements"] == [
        "First requirements.",
        "Revised requirements.",
    ]
    assert "First requirements." in ui.defaults  # the draft is offered for editing
    assert [c.step_id for c in ui.kinds("step")][-1] == "data"


def test_time_per_step_is_recorded_and_paused_time_does_not_count(store, ctr):
    case, _ = ctr
    sid = new_session(store, ctr)
    clock = FakeClock()

    def after(seconds, text):
        def reply():
            clock.now += seconds
            return text

        return reply

    replies = ["done", after(90, "Requirements."), "/skip", after(30, "/pause")]
    runner, _ = practice(store, sid, case, replies, clock=clock)
    assert runner.run().paused
    clock.now += 10_000  # paused: does not count
    runner, _ = practice(store, sid, case, [after(15, "Data."), "/skip", "/pause"], clock=clock)
    runner.run()
    record = store.load(sid)
    assert record.seconds["requirements"] == pytest.approx(90)
    assert record.seconds["data"] == pytest.approx(45)


def test_status_line_shows_time_left_and_overrun(store, ctr):
    case, _ = ctr
    sid = new_session(store, ctr, minutes=45)
    clock = FakeClock()
    runner, _ = practice(store, sid, case, [], clock=clock)
    runner.start_clock("requirements")
    budget = runner.budgets["requirements"] * 60
    assert "left" in runner.status_line("requirements")
    clock.now += budget + 65
    assert "over by 1:05" in runner.status_line("requirements")


def test_interrupt_keeps_time_and_marks_paused(store, ctr):
    case, _ = ctr
    sid = new_session(store, ctr)
    clock = FakeClock()
    runner, _ = practice(store, sid, case, ["done", KeyboardInterrupt()], clock=clock)
    with pytest.raises(KeyboardInterrupt):
        runner.run()
    clock.now += 42
    record = runner.interrupted()
    assert record.status == "paused"
    assert record.seconds["requirements"] == pytest.approx(42)


def test_empty_answer_is_not_saved(store, ctr):
    case, _ = ctr
    sid = new_session(store, ctr)
    runner, ui = practice(store, sid, case, ["done", "   ", "/pause"])
    runner.run()
    assert "requirements" not in store.load(sid).answers
    assert any("empty answer" in n.lower() for n in ui.kinds("note"))


def test_editor_strips_comment_lines(store, ctr):
    case, _ = ctr
    sid = new_session(store, ctr)
    runner, ui = practice(store, sid, case, ["done", "/skip", "/pause"], use_editor=False)
    ui.replies = ["done", "/editor", "/skip", "/pause"]
    ui.edited = lambda text: "# a comment\nMy answer\n  # indented stays\n" + text
    runner.run()
    answer = store.load(sid).answers["requirements"]
    assert answer.startswith("My answer\n  # indented stays")
    assert "# a comment" not in answer
    assert "Lines starting with '#'" not in answer


def test_follow_up_prefers_one_the_answer_has_not_covered(ctr):
    from mlsd.practice.flow import pick_follow_up

    case, _ = ctr
    follow_ups = case.steps["data"].follow_ups
    covered = " ".join(follow_ups[0].listen_for)
    picked = pick_follow_up(case, "data", covered, [])
    assert picked is not None
    assert picked.question != follow_ups[0].question


def test_user_text_is_stored_exactly(store, ctr):
    case, _ = ctr
    sid = new_session(store, ctr)
    text = "{{ 7*7 }} [bold]x[/bold] | # not a heading\n\n```\n日本語 مرحبا 🚀\x1b[31m"
    runner, _ = practice(store, sid, case, ["done", text, "/skip", "/pause"])
    runner.run()
    assert store.load(sid).answers["requirements"] == text


def test_ctrl_c_keeps_the_half_typed_answer_and_offers_it_on_resume(store, ctr):
    case, _ = ctr
    sid = new_session(store, ctr)
    runner, _ = practice(store, sid, case, ["done", "Requirements.", "/skip", KeyboardInterrupt()])
    with pytest.raises(KeyboardInterrupt):
        runner.run()
    runner.interrupted("Half of my data answer")
    runner, ui = practice(store, sid, case, ["Whole data answer.", "/skip", "/pause"])
    runner.run()
    assert ui.defaults[0] == "Half of my data answer"
    assert store.load(sid).answers["data"] == "Whole data answer."
    assert any("Continuing at Data" in n for n in ui.kinds("note"))
    # once submitted, the draft is no longer offered
    runner, ui = practice(store, sid, case, ["/back", "data", "/pause"])
    runner.run()
    assert ui.defaults[-1] == "Whole data answer."


def test_back_offers_earlier_steps_and_answered_ones_never_steps_not_reached(store, ctr):
    """At Features, /back listed Model development to Monitoring "(not answered)":
    steps never reached are not a way back."""
    case, _ = ctr
    sid = new_session(store, ctr)
    replies = ["done", "Requirements.", "/skip", "Data.", "/skip", "/back", "stay", "/pause"]
    runner, ui = practice(store, sid, case, replies)
    runner.run()
    menus = [d[1] for kind, d in ui.shown if kind == "select" and "revise" in d[0]]
    assert menus == [["requirements", "data", "stay"]]
    # on the first step, with nothing answered, there is nothing to go back to
    runner, ui = practice(store, new_session(store, ctr), case, ["done", "/back", "/pause"])
    runner.run()
    assert not any(kind == "select" and "revise" in detail[0] for kind, detail in ui.shown)
    assert any("Nothing to revise yet" in str(note) for note in ui.kinds("note"))


def test_a_drill_offers_no_way_back(store, ctr):
    """A drill is one step: /back was on its status line and in its /help."""
    case, path = ctr
    sid = start(store, case, path, mode="drill", level="senior", minutes=5)
    runner, ui = practice(store, sid, case, ["/help", "/pause"], only="metrics")
    runner.run()
    assert "/back" not in runner.status_line("metrics")
    notes = [str(note) for note in ui.kinds("note")]
    assert any("/skip" in note for note in notes)  # the help was shown
    assert all("/back" not in note for note in notes)
    whole, _ = practice(store, new_session(store, ctr), case, [])
    assert "/back" in whole.status_line("metrics")


def test_time_spent_on_a_follow_up_counts_for_its_step(store, ctr):
    """The clock stopped when the answer was saved, so the follow-up's minutes (and the
    live 'time left' while typing it) were never counted."""
    case, _ = ctr
    sid = new_session(store, ctr)
    clock = FakeClock()

    def after(seconds: float, text: str):
        def reply() -> str:
            clock.now += seconds
            return text

        return reply

    replies = ["done", after(60, "Requirements answer."), after(45, "Follow-up answer.")]
    replies += ["/pause"]
    runner, ui = practice(store, sid, case, replies, clock=clock)
    runner.run()
    record = store.load(sid)
    assert record.follow_ups[0].answer == "Follow-up answer."
    assert record.seconds["requirements"] == pytest.approx(105)
    # the status line shown while typing the follow-up counted down from the answer's time
    assert ui.statuses[1].startswith(f" {clock_text(runner.budgets['requirements'] * 60 - 60)}")


def test_a_typed_question_that_asks_two_things_gets_both_answers(store, ctr):
    """ "How big is it, and what is the latency budget?" got one answer, and nothing said
    the second half was dropped."""
    case, _ = ctr
    sid = new_session(store, ctr)
    question = "How many daily active users are there, and what is the latency budget per request?"
    runner, _ = practice(store, sid, case, ["own", question, "done", "/pause"])
    runner.run()
    asked = store.load(sid).clarifications
    assert [c.clarification_id for c in asked] == ["scale", "latency-and-candidates"]
    assert asked[0].question == "How many daily active users are there?"
    assert asked[1].question == "What is the latency budget per request?"


def test_one_question_word_over_a_list_asks_each_item():
    """ "How many users, posts per day, and what is the latency budget?" was answered with
    posts and latency: the users, under the same "How many", were never given."""
    from mlsd.cases.catalog import load_case
    from mlsd.rubric.lookup import asked_in

    feed = load_case(Path(__file__).parent.parent / "cases" / "feed-ranking.yaml", load_framework())
    question = "How many users, posts per day, and what is the latency budget?"
    asked = [(q, c.id if c else None) for q, c in asked_in(question, feed.clarifications)]
    assert asked == [
        ("How many users?", "scale"),
        ("How many posts per day?", "content-volume"),
        ("What is the latency budget?", "latency"),
    ]
    # a comma that is not a list keeps the question whole
    [(whole, _)] = asked_in("What is the latency budget, roughly?", feed.clarifications)
    assert whole == "What is the latency budget, roughly?"
