"""Whole peer interviews driven in-process through the Interviewer protocol."""

from __future__ import annotations

import pytest

from mlsd.cases.catalog import load_framework
from mlsd.interview.checklist import DIMENSIONS, level_evidence, step_points
from mlsd.interview.flow import Interview
from mlsd.log import events as ev
from mlsd.practice.flow import start
from mlsd.run.lifecycle import DEFAULT_REPLY
from tests.fakes import STEPS, FakeClock
from tests.scripted_interviewer import Interrupt, ScriptedInterviewer


def new_interview(store, ctr, minutes=45.0, level="senior"):
    case, path = ctr
    return start(store, case, path, mode="interview", level=level, minutes=minutes)


def interview(store, sid, case, replies, clock=None):
    ui = ScriptedInterviewer(list(replies))
    runner = Interview(store, sid, case, load_framework(), ui, clock=clock or FakeClock())
    return runner, ui


def advance(clock, seconds, reply):
    """A reply given ``seconds`` after the prompt appeared."""

    def go(_choices):
        clock.now += seconds
        return reply

    return go


def ratings(scores=(4, 3, 4, 2, 3, 5), why="Clear and structured."):
    replies = []
    for score in scores:
        replies += [str(score), why]
    return replies


HOSTILE = "# not a heading\n```\n| a | b |\n{{ 7*7 }} [bold]x[/bold] <script>\x1b[31m"


def test_a_whole_interview_is_recorded_event_by_event(store, ctr):
    case, _ = ctr
    sid = new_interview(store, ctr)
    clock = FakeClock()
    replies = [
        "go",
        # requirements: tick three points, two of them the case's own
        "tick",
        ["case:pctr-per-candidate", "case:calibrated-pctr", "framework:scale-estimation"],
        # a clarification that matches one entry: answered at once
        "clarify",
        "how many DAU",
        # an ambiguous one: the interviewer picks
        "clarify",
        "existing model",
        "current-system",
        # one that matches nothing: the default reply
        "clarify",
        "office carpet colour",
        "default",
        "follow_up",
        "1",
        "hint",
        "0",
        "note",
        HOSTILE.replace("\n", " "),
        advance(clock, 400, "next"),  # 6:40 on a 6-minute step
        # data: tick two, then untick one
        "tick",
        ["case:impression-click-join", "case:negative-downsampling"],
        "tick",
        ["case:impression-click-join"],
        "next",
    ]
    replies += ["next"] * (len(STEPS) - 2)
    replies += ratings()
    replies += ["lean-hire", "senior"]
    runner, ui = interview(store, sid, case, replies, clock)
    outcome = runner.run()
    assert not outcome.paused
    record = outcome.record
    assert record.mode == "interview"
    assert record.status == "finished"

    kinds = [e.kind for e in record.events]
    assert kinds.count("tick") == 5 and kinds.count("untick") == 1
    state = record.interview
    assert state.ticked["requirements"] == [
        "case:pctr-per-candidate",
        "case:calibrated-pctr",
        "framework:scale-estimation",
    ]
    assert state.ticked["data"] == ["case:impression-click-join"]
    step, tick = record.events_of(ev.Tick)[0]
    assert step == "requirements"
    assert tick == ev.Tick(id="pctr-per-candidate", source="case", level="mid")

    # clarifications in the shape practice uses, so scoring's coverage works on them
    assert record.clarification_ids == ["scale", "current-system"]
    assert [c.answer for c in record.clarifications][-1] == DEFAULT_REPLY
    assert record.clarifications[2].question == "office carpet colour"
    scale = next(c for c in case.clarifications if c.id == "scale")
    said = ui.kinds("read_out")
    assert said[0].text == scale.answer.strip()
    ambiguous = next(m for m, _ in ui.kinds("select") if m.startswith("Which of these"))
    assert ambiguous

    asked = record.events_of(ev.FollowUp)
    assert [(step, f.index) for step, f in asked] == [("requirements", 1)]
    assert said[3].listen_for == tuple(case.steps["requirements"].follow_ups[1].listen_for)
    assert record.events_of(ev.Hint)[0] == ("requirements", ev.Hint(index=0))
    assert record.events_of(ev.Note)[0][1].text == HOSTILE.replace("\n", " ")
    assert record.seconds["requirements"] == pytest.approx(400)

    assert [state.ratings[d.id].score for d in DIMENSIONS] == [4, 3, 4, 2, 3, 5]
    assert state.ratings["framing"].justification == "Clear and structured."
    assert state.recommendation == "lean-hire"
    estimate = record.events_of(ev.LevelEstimate)[0][1]
    assert estimate.level == "senior"
    assert estimate.suggested == "mid"


def test_the_step_screen_and_the_clock_nudge(store, ctr):
    case, _ = ctr
    sid = new_interview(store, ctr)
    clock = FakeClock()
    runner, ui = interview(
        store, sid, case, ["go", advance(clock, 30, "note"), "early", "pause"], clock
    )
    assert runner.run().paused
    screen = ui.kinds("step")[0]
    assert screen.title == "Clarify requirements"
    assert screen.minutes == 6
    points = step_points(case, load_framework(), "requirements", "senior")
    assert screen.points == points
    assert points[0].source == "case"  # the case's own points come first
    assert len(screen.follow_ups) == 3 and not any(f.asked for f in screen.follow_ups)
    assert ui.kinds("step")[1].notes == ["early"]
    assert "Clarify requirements 0:00 / 6:00 · total 0:00 / 45:00" in ui.statuses[0]
    assert "over by" not in ui.statuses[0]

    clock.now += 10_000  # paused: not counted
    runner, _ = interview(store, sid, case, [], clock)
    runner.start_clock("requirements")
    clock.now += 6 * 60 - 30 + 65  # 30 seconds were spent before the pause
    # first on the line, so a 60-column window beside a video call still shows it
    assert runner.status_line("requirements").startswith("over by 1:05: move on · ")


def test_menu_is_the_small_set_of_actions(store, ctr):
    case, _ = ctr
    sid = new_interview(store, ctr)
    runner, ui = interview(store, sid, case, ["go", "pause"])
    runner.run()
    labels = [c.label for c in ui.menus[1]]
    assert labels[0].startswith("Tick what the candidate covered (0 of ")
    assert labels[1] == "Ask a follow-up (0 of 3 asked)"
    assert labels[2] == "Give a hint (0 of 3 given)"
    assert labels[3].startswith("Probe: questions if they stall (")
    assert "Next step: Data" in labels[6]
    assert [c.value for c in ui.menus[1]][-2:] == ["goto", "pause"]


def test_back_jump_and_wrap_up_early(store, ctr):
    case, _ = ctr
    sid = new_interview(store, ctr)
    replies = ["go", "next", "goto", "requirements", "goto", "stay", "goto", "wrap"]
    # framing, data (its first step was reached) and communication; the rest not assessed
    replies += [*ratings((4, 3, 5)), "hire", "mid"]
    runner, _ = interview(store, sid, case, replies)
    record = runner.run().record
    assert [step for step, _ in record.events_of(ev.Enter)] == [
        "requirements",
        "data",
        "requirements",
    ]
    assert record.status == "finished"
    assert record.interview.level_estimate == "mid"


def test_ctrl_c_in_the_checklist_keeps_the_ticks_and_resume_continues(store, ctr):
    case, _ = ctr
    sid = new_interview(store, ctr)
    clock = FakeClock()
    runner, _ = interview(
        store,
        sid,
        case,
        ["go", "next", "tick", Interrupt(checked=["case:impression-click-join"])],
        clock,
    )
    with pytest.raises(KeyboardInterrupt) as info:
        runner.run()
    clock.now += 42
    record = runner.interrupted(checked=info.value.checked)
    assert record.status == "paused"
    assert record.interview.ticked["data"] == ["case:impression-click-join"]
    assert record.seconds["data"] == pytest.approx(42)

    runner, ui = interview(store, sid, case, ["go", "pause"], clock)
    runner.run()
    opening = ui.kinds("opening")[0]
    assert opening.resumed
    assert "Continuing at Data" in opening.where and "1 point ticked" in opening.where
    assert ui.kinds("step")[0].step_id == "data"
    assert ui.kinds("step")[0].ticked == {"case:impression-click-join"}


def test_ctrl_c_while_typing_a_note_or_justification_keeps_the_draft(store, ctr):
    case, _ = ctr
    sid = new_interview(store, ctr)
    runner, _ = interview(store, sid, case, ["go", "note", Interrupt(draft="half a note")])
    with pytest.raises(KeyboardInterrupt) as info:
        runner.run()
    record = runner.interrupted(draft=info.value.draft)
    assert record.interview.notes[0].text == "half a note"

    replies = ["go", "goto", "wrap", "4", Interrupt(draft="half a reason")]
    runner, _ = interview(store, sid, case, replies)
    with pytest.raises(KeyboardInterrupt) as info:
        runner.run()
    record = runner.interrupted(draft=info.value.draft)
    framing = record.interview.ratings["framing"]
    assert (framing.score, framing.justification) == (4, "half a reason")

    # resumed in the ratings: framing is kept, the rest is asked
    runner, ui = interview(store, sid, case, ["go", *ratings((5,)), "no-hire", "mid"])
    record = runner.run().record
    assert ui.kinds("opening")[0].where.startswith("Continuing at the ratings")
    assert record.interview.ratings["framing"].justification == "half a reason"
    assert record.status == "finished"


def test_the_level_evidence_comes_from_the_ticks(ctr):
    case, _ = ctr
    framework = load_framework()
    from mlsd.log.records import InterviewState

    state = InterviewState()
    for step in framework.steps:
        state.ticked[step.id] = [
            p.key for p in step_points(case, framework, step.id, "senior") if p.level != "staff"
        ]
    evidence = level_evidence(case, framework, state, "senior")
    assert evidence.suggested == "senior"
    assert evidence.signal.summary == "meets senior"
    staff = evidence.levels[2]
    assert staff.ticked == () and staff.total > 0


def test_a_scorecard_target_does_not_make_a_new_interview_a_resumed_one(store, ctr, tmp_path):
    case, _ = ctr
    sid = new_interview(store, ctr)
    runner, ui = interview(store, sid, case, ["pause"])
    runner.remember_scorecard(tmp_path / "card.md")
    runner.run()
    assert not ui.kinds("opening")[0].resumed
    assert [e.kind for e in store.load(sid).events][-2:] == ["start", "pause"]


def test_an_untimed_interview_shows_time_spent(store, ctr):
    case, _ = ctr
    sid = new_interview(store, ctr, minutes=0)
    runner, ui = interview(store, sid, case, ["go", "pause"])
    runner.run()
    assert ui.kinds("step")[0].minutes == 0
    assert ui.statuses[0] == "Clarify requirements 0:00 · total 0:00 ·"


def test_a_finished_interview_is_not_asked_again(store, ctr):
    case, _ = ctr
    sid = new_interview(store, ctr)
    replies = ["go", "goto", "wrap", *ratings((4, 5)), "hire", "staff"]
    runner, _ = interview(store, sid, case, replies)
    runner.run()
    runner, ui = interview(store, sid, case, [])
    assert not runner.run().paused
    assert ui.kinds("note") == ["This interview is already finished."]


def test_the_interviewer_picks_which_hint_to_give(store, ctr):
    case, _ = ctr
    hints = case.steps["requirements"].hints
    sid = new_interview(store, ctr)
    runner, ui = interview(
        store, sid, case, ["go", "hint", "1", "hint", "1", "hint", "back", "pause"]
    )
    runner.run()
    record = store.load(sid)
    # the second hint, given twice, is recorded once; the first stays available
    assert [h.index for _, h in record.events_of(ev.Hint)] == [1]
    assert [r.text for r in ui.kinds("read_out")] == [hints[1], hints[1]]
    pickers = [m for m in ui.menus if m[-1].value == "back" and len(m) == len(hints) + 1]
    assert pickers[1][1].label.endswith("(given)")
    assert ui.menus[1][2].label == "Give a hint (0 of 3 given)"
    assert ui.menus[-1][2].label == "Give a hint (1 of 3 given)"


def test_rating_shows_the_evidence_and_the_ratings_before_the_recommendation(store, ctr):
    case, _ = ctr
    sid = new_interview(store, ctr)
    replies = ["go", "tick", ["case:calibrated-pctr"], "note", "sharp", "goto", "wrap"]
    replies += [*ratings((4, 5)), "hire", "senior"]
    runner, ui = interview(store, sid, case, replies)
    runner.run()
    framing = ui.kinds("rating")[0]
    assert framing.dimension.id == "framing"
    step = framing.evidence[0]
    assert (step.title, step.ticked, step.reached) == ("Clarify requirements", 1, True)
    expected = [
        p for p in step_points(case, load_framework(), "requirements", "senior") if p.expected
    ]
    assert len(step.missed) == len(expected) - 1  # one heard; staff points not expected
    assert framing.notes == ["sharp"]
    # steps never reached are not assessed: only framing and communication are rated
    assert [(s.dimension.id, s.number, s.count) for s in ui.kinds("rating")] == [
        ("framing", 1, 2),
        ("communication", 2, 2),
    ]
    overview = ui.kinds("ratings")[0]
    assert [r.score if r else None for _, r in overview] == [4, None, None, None, None, 5]


def test_the_interviewer_sees_the_probes_the_candidate_never_does(store):
    from mlsd._util.paths import bundled_cases_dir
    from mlsd.cases.brief import make_brief
    from mlsd.cases.catalog import load_case

    framework = load_framework()
    path = bundled_cases_dir() / "search-ranking.yaml"
    case = load_case(path, framework)
    probes = case.steps["model"].probes
    assert probes  # format 2 keeps point-naming questions for the interviewer
    sid = start(store, case, str(path), mode="interview", level="senior", minutes=45)
    runner, ui = interview(store, sid, case, ["go", "goto", "model", "pause"])
    runner.run()
    screen = next(s for s in ui.kinds("step") if s.step_id == "model")
    assert screen.probes == list(probes)
    brief = make_brief(case, framework)
    shown = " ".join(p for s in brief.steps for p in s.prompts)
    assert not any(probe in shown for probe in probes)


def test_the_level_question_preselects_nothing(store, ctr):
    """Its cursor sat on the level the ticks suggested, so Enter alone recorded it."""
    case, _ = ctr
    sid = new_interview(store, ctr)
    replies = ["go", "next", "goto", "wrap", *ratings((4, 3, 5)), "hire", "", "staff"]
    runner, ui = interview(store, sid, case, replies)
    record = runner.run().record
    assert record.interview.level_estimate == "staff"
    asked = [d for kind, d in ui.shown if kind == "select" and "At which level" in d[0]]
    assert len(asked) == 2 and asked[0][1][0] == ""  # the first line chooses nothing
