"""Progress over time: cached scores, "next" advice, streaks, and the migration (issue 15).

Scheduling is tested in-process with an injected clock: sessions are stored at chosen
times (the store's clock is patched) and every view is asked "as of" a chosen moment.
No test reads the wall clock.
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from mlsd._util.paths import case_dirs
from mlsd.cases.catalog import load_case, load_framework
from mlsd.cases.models import AnswersFile
from mlsd.log import reviews
from mlsd.log import store as store_module
from mlsd.log.schema import MIGRATIONS, SCHEMA_VERSION
from mlsd.log.store import open_store
from mlsd.practice.answers import run_answers
from mlsd.progress import schedule
from mlsd.progress.cache import Scores, decode
from mlsd.progress.report import progress_report, today
from mlsd.progress.review import due_cards

REPO = Path(__file__).resolve().parent.parent
ANSWERS = REPO / "tests" / "fixtures" / "answers"
MONDAY = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)  # a Monday morning


def at(moment: datetime, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the store stamp what it writes with ``moment`` (its clock, not the test's)."""
    monkeypatch.setattr(store_module, "now", lambda: moment.isoformat(timespec="milliseconds"))


def practise(name: str, *, only: str | None = None) -> str:
    """Store a whole session (or a drill of one step) from a fixture answers file."""
    answers = AnswersFile.model_validate(yaml.safe_load((ANSWERS / f"{name}.yaml").read_text()))
    framework = load_framework()
    path = REPO / "cases" / f"{answers.case}.yaml"
    case = load_case(path, framework)
    with open_store() as store:
        record = run_answers(
            store, case, str(path), framework, answers, level="senior", minutes=45, only=only
        )
    return record.id


def report(now: datetime) -> dict[str, object]:
    with open_store() as store:
        return dict(progress_report(store, case_dirs([]), load_framework(), now))


def test_a_fresh_user_who_practised_two_cases_sees_next_and_due_reviews_the_next_day(monkeypatch):
    at(MONDAY, monkeypatch)
    practise("ctr-prediction-shallow")
    at(MONDAY + timedelta(hours=2), monkeypatch)
    practise("feed-ranking-strong")

    same_day = report(MONDAY + timedelta(hours=3))
    assert same_day["due_reviews"] == 0  # day-scale: nothing comes back within the day
    nxt = same_day["next"]
    assert isinstance(nxt, dict)
    # The shallow CTR answers leave steps far below half: drill the weakest, on CTR.
    assert nxt["kind"] == "weak-step" and nxt["case"] == "ctr-prediction"
    assert nxt["command"] == f"drill {nxt['step']} --case ctr-prediction"

    tuesday = MONDAY + timedelta(days=1, hours=1)
    with open_store() as store:
        items, _ = due_cards(store, case_dirs([]), load_framework(), tuesday)
        doc = today(store, case_dirs([]), load_framework(), tuesday)
    assert items, "missed points come back the next day"
    assert {i.face.case_id for i in items} >= {"ctr-prediction"}
    assert doc["due"] == len(items) and doc["sessions"] == 2
    # Points made easily are not due the next day; only missed and hinted ones are.
    missed_ctr = {i.face.point_id for i in items if i.face.case_id == "ctr-prediction"}
    with open_store() as store:
        log = store.conn.execute(
            "SELECT point_id, rating FROM review_log WHERE case_id = 'feed-ranking'"
        ).fetchall()
    easy = {p for p, r in log if r == schedule.EASY}
    assert easy and not easy & {i.face.point_id for i in items if i.face.case_id == "feed-ranking"}
    assert missed_ctr


def test_weeks_of_practice_streak_week_and_trend(monkeypatch):
    days = [MONDAY + timedelta(days=d) for d in (0, 1, 2, 7, 8)]
    for day in days:
        at(day, monkeypatch)
        practise("ctr-prediction-strong")
    doc = report(MONDAY + timedelta(days=8, hours=5))  # Tuesday of the next week
    assert doc["sessions"] == 5
    assert doc["streak_days"] == 2  # Monday and Tuesday of week two; the gap broke it
    steps = doc["steps"]
    assert isinstance(steps, list) and all(len(s["trend"]) == 5 for s in steps)
    # The next morning the streak still stands (it is not lost before today's practice).
    assert report(MONDAY + timedelta(days=9, hours=1))["streak_days"] == 2
    assert report(MONDAY + timedelta(days=11))["streak_days"] == 0


def test_scores_are_cached_and_an_override_is_a_miss(monkeypatch):
    at(MONDAY, monkeypatch)
    sid = practise("ctr-prediction-shallow")
    framework = load_framework()
    with open_store() as store:
        first = Scores(store, case_dirs([]), framework)
        first.refresh(MONDAY)
        assert first.scored == 1
        again = Scores(store, case_dirs([]), framework)
        again.refresh(MONDAY)
        assert again.scored == 0  # cached: never scored twice
        # The candidate's own call is a new event: the session is scored again, and the
        # point's rating in the review log changes in place (not a second rating).
        from mlsd.log import events as ev

        store.add_event(sid, ev.Override(point="framework:business-objective", verdict="accept"))
        third = Scores(store, case_dirs([]), framework)
        third.refresh(MONDAY)
        assert third.scored == 1
        rows = store.conn.execute(
            "SELECT rating FROM review_log WHERE point_id = 'framework:business-objective'"
        ).fetchall()
    assert [tuple(r) for r in rows] == [(schedule.GOOD,)]


def test_a_crash_while_cards_move_leaves_the_session_unscored(monkeypatch):
    """The score, its logged ratings and the cards they move are one transaction: a
    failure while the cards were rebuilt once left a cached score whose cards never moved,
    and a cached score is never looked at again."""
    at(MONDAY, monkeypatch)
    practise("ctr-prediction-shallow")

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(schedule, "rebuild", crash)
        with open_store() as store, pytest.raises(KeyboardInterrupt):
            Scores(store, case_dirs([]), load_framework()).refresh(MONDAY)
    with open_store() as store:
        assert store.conn.execute("SELECT COUNT(*) FROM session_scores").fetchone()[0] == 0
        assert store.conn.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == 0
    with open_store() as store:
        again = Scores(store, case_dirs([]), load_framework())
        again.refresh(MONDAY)
        assert again.scored == 1  # scored, logged and scheduled on the next run
        assert store.conn.execute("SELECT COUNT(*) FROM review_cards").fetchone()[0] > 0


@pytest.mark.parametrize("data", ["{nope", "[1]", '{"v": 1}', '{"v": 99}', "[" * 10000])
def test_a_corrupt_cache_row_is_a_miss_not_an_error(data, monkeypatch):
    at(MONDAY, monkeypatch)
    practise("ctr-prediction-strong")
    with open_store() as store:
        Scores(store, case_dirs([]), load_framework()).refresh(MONDAY)
        store.conn.execute("UPDATE session_scores SET data = ?", (data,))
        store.conn.commit()
        scores = Scores(store, case_dirs([]), load_framework())
        assert scores.refresh(MONDAY) == 0  # its key is still right...
        assert len(scores.recent(10, MONDAY)) == 1  # ...but its data is not: scored again
        assert scores.scored == 1
    row = reviews.ScoreRow("x", "c", "practice", "2025-01-01T00:00:00", 0.0, 0.0, "", data)
    assert decode(row) is None


def test_drills_count_in_progress_and_only_their_step_is_rated(monkeypatch):
    at(MONDAY, monkeypatch)
    sid = practise("ctr-prediction-strong", only="metrics")
    doc = report(MONDAY + timedelta(hours=1))
    assert doc["drills"] == 1 and doc["sessions"] == 0
    steps = {s["step"]: s for s in doc["steps"]}  # type: ignore[union-attr]
    assert steps["metrics"]["attempts"] == 1 and steps["model"]["attempts"] == 0
    with open_store() as store:
        record = store.load(sid)
        points = store.conn.execute("SELECT DISTINCT point_id FROM review_log").fetchall()
    assert record.mode == "drill" and set(record.answers) == {"metrics"}
    framework = load_framework()
    metrics_points = {f"framework:{p.id}" for p in framework.step("metrics").rubric}
    assert {p for (p,) in points} & metrics_points
    assert not {p for (p,) in points} & {
        f"framework:{p.id}" for p in framework.step("model").rubric
    }


def test_ratings_follow_the_rules():
    from mlsd.rubric.matching import Match
    from mlsd.rubric.scoring import Evidence, PointResult

    def point(level="senior", ev_step="model", follow=False, covered=True, override=None):
        return PointResult(
            id="p",
            point="P",
            why="W",
            source="case",
            level=level,
            weight=1,
            expected=True,
            core=True,
            match=Match("x", 0, 1, "x") if covered else None,
            evidence=Evidence(ev_step, follow, "x", 0, 1) if covered else None,
            override=override,
        )

    assert schedule.point_rating(point(covered=False), 0, "model") == schedule.AGAIN
    assert schedule.point_rating(point(), 1, "model") == schedule.HARD
    assert schedule.point_rating(point(), 0, "model") == schedule.EASY
    assert schedule.point_rating(point(level="mid"), 0, "model") == schedule.GOOD
    assert schedule.point_rating(point(ev_step="data"), 0, "model") == schedule.GOOD
    assert schedule.point_rating(point(follow=True), 0, "model") == schedule.GOOD
    assert schedule.point_rating(point(override="reject"), 0, "model") == schedule.AGAIN
    assert (
        schedule.point_rating(point(covered=False, override="accept"), 0, "model") == schedule.GOOD
    )


def test_progress_json_on_the_command_line(run):
    assert run("practice", "--answers", str(ANSWERS / "visual-search-strong.yaml")).code == 0
    result = run("progress", "--json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["format"] == 1 and doc["kind"] == "mlsd-progress"
    assert doc["sessions"] == 1 and doc["cases"][0]["case"] == "visual-search"
    assert set(doc["next"]) == {"kind", "case", "step", "reason", "command"}
    screen = run("progress", "--no-pager")
    assert screen.code == 0 and "Next:" in screen.out and "Visual" in screen.out


def test_mlsd_alone_says_how_to_start_then_what_is_next(run):
    empty = run()
    assert empty.code == 0
    assert "Nothing practised yet" in empty.out and "mlsd practice" in empty.out
    # a command and what it does are set apart ("mlsd practice practise a case" read as one)
    assert re.search(r"mlsd practice {2,}practise", empty.out), empty.out
    run("practice", "--answers", str(ANSWERS / "ctr-prediction-shallow.yaml"))
    after = run()
    assert after.code == 0 and "Next:" in after.out and "Reviews due today" in after.out
    assert "Usage" in run("--help").out


def test_mlsd_alone_points_to_a_paused_session_first(run):
    """Ctrl-C in a practice or drill, then `mlsd`: it said "Nothing practised yet" (or
    advised a new drill of the very step left half done) and never mentioned resume."""

    def pause(mode: str) -> str:
        with open_store() as store:
            sid = store.create_session(
                case_id="short-video-feed", case_path="", case_title="Short video",
                mode=mode, level="senior", minutes=5,
            )  # fmt: skip
            store.save_answer(sid, "model", "two-tower retrieval then a ranker")
            store.set_status(sid, "paused")
        return sid

    drill = pause("drill")
    alone = run()
    assert alone.code == 0, alone.err
    flat = " ".join(alone.out.split())
    assert "Paused: drill of short-video-feed, 1 step in" in flat
    assert f"mlsd resume {drill[:8]}" in flat
    run("practice", "--answers", str(ANSWERS / "ctr-prediction-shallow.yaml"))
    assert f"mlsd resume {drill[:8]}" in " ".join(run().out.split())


def test_the_end_of_a_session_says_what_was_scheduled(run):
    result = run("practice", "--answers", str(ANSWERS / "ctr-prediction-shallow.yaml"))
    assert result.code == 0
    assert "Scheduled for review:" in result.out and "tomorrow" in result.out
    assert "Next:" in result.out


def test_views_fit_sixty_columns(run, monkeypatch):
    from mlsd.ui.console import stdout_console

    monkeypatch.setenv("COLUMNS", "60")
    stdout_console.cache_clear()  # the console reads the width once
    run("practice", "--answers", str(ANSWERS / "feed-ranking-shallow.yaml"))
    for args in (("progress", "--no-pager"), ()):
        out = run(*args).out
        assert all(len(line.rstrip()) <= 60 for line in out.splitlines()), out
        assert "\x1b" not in out
    stdout_console.cache_clear()


def test_a_schema_2_database_upgrades_in_place(tmp_path, monkeypatch):
    path = tmp_path / "mlsd.db"
    conn = sqlite3.connect(path)
    for number, script in enumerate(MIGRATIONS[:2], start=1):
        conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
    conn.execute(
        "INSERT INTO sessions (id, case_id, case_path, case_title, mode, level, minutes, status,"
        " started_at, updated_at, touched) VALUES ('a' || hex(randomblob(15)), 'ctr-prediction',"
        " 'x.yaml', 'T', 'practice', 'senior', 45, 'finished', '2025-01-01', '2025-01-01', 1)"
    )
    conn.commit()
    conn.close()
    with open_store(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
        assert {"session_scores", "review_cards", "review_log"} <= tables
        assert len(store.list_sessions()) == 1  # the old session is still there
        assert reviews.cards(store) == []


@pytest.mark.slow
def test_the_scale_benchmark_runs_on_a_tiny_store():
    """benchmarks/scale.py is not a timed test; this only checks that it still runs."""
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "scale.py"),
            "--progress-only",
            "--big",
            "12",
            "--runs",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "progress, 12 sessions vs 10" in result.stdout and "ratio" in result.stdout


def test_the_steps_note_counts_the_attempts_there_are(run):
    """After one session the note said "the last 3 attempts averaged"."""
    run("practice", "--answers", str(ANSWERS / "ctr-prediction-shallow.yaml"))
    once = " ".join(run("progress", "--no-pager").out.split())
    assert "the last attempt on the right" in once and "3 attempts" not in once
    run("practice", "--answers", str(ANSWERS / "ctr-prediction-strong.yaml"))
    assert "the last 2 attempts averaged" in " ".join(run("progress", "--no-pager").out.split())
    for _ in range(2):
        run("practice", "--answers", str(ANSWERS / "ctr-prediction-strong.yaml"))
    assert "the last 3 attempts averaged" in " ".join(run("progress", "--no-pager").out.split())
    from mlsd.progress.summary import StepJson
    from mlsd.ui.progress_view import attempts_note

    def step(attempts: int) -> StepJson:
        return StepJson(step="s", title="S", attempts=attempts, trend=[], recent=None)

    note = attempts_note([step(1), step(5), step(0)])  # drills gave one step more attempts
    assert note is not None and note.plain == "  up to the last 3 attempts averaged on the right"
    assert attempts_note([step(0)]) is None


def test_mlsd_and_progress_say_how_many_of_the_due_cards_todays_review_shows(run):
    """Bare mlsd said "Reviews due today: 65" while review --due said today's review
    shows 13; progress --json printed 343.45200000000006 seconds and next_review null."""
    import sqlite3

    from mlsd.log.store import db_path

    run("practice", "--answers", str(ANSWERS / "ctr-prediction-shallow.yaml"))
    with sqlite3.connect(db_path()) as conn:
        conn.execute("UPDATE review_cards SET due = '2000-01-01T00:00:00' WHERE rowid % 2 = 0")
        due = conn.execute("SELECT count(*) FROM review_cards WHERE due < '2001'").fetchone()[0]
    assert due > 20
    doc = json.loads(run("progress", "--json").out)
    assert (doc["due_reviews"], doc["due_today"]) == (due, 20)
    assert doc["next_review"] is not None  # the cards not due today have a next time
    assert isinstance(doc["week_seconds"], int)
    assert all(len(repr(c["best"])) <= 6 for c in doc["cases"] if c["best"] is not None)
    assert f"Reviews due today: {due} · today's review shows 20" in run().out


def test_a_skipped_step_counts_in_progress_review_and_next(run, tmp_path):
    """A candidate who skipped Model development was told to drill Features: a skipped
    step was left out of progress, "next" and the review schedule altogether."""
    import yaml

    answers = yaml.safe_load((ANSWERS / "ctr-prediction-strong.yaml").read_text())
    del answers["answers"]["model"]
    answers.get("follow_ups", {}).pop("model", None)
    path = tmp_path / "no-model.yaml"
    path.write_text(yaml.safe_dump(answers))
    result = run("practice", "--answers", str(path))
    assert result.code == 0, result.err
    assert "Next: drill model on ctr-prediction" in " ".join(result.out.split())
    doc = json.loads(run("progress", "--json").out)
    model = next(s for s in doc["steps"] if s["step"] == "model")
    assert model["attempts"] == 1 and model["recent"] < 0.5
    import sqlite3

    from mlsd.log.store import db_path

    with sqlite3.connect(db_path()) as conn:
        carded = {row[0] for row in conn.execute("SELECT point_id FROM review_cards")}
    assert "framework:hyperparameter-and-validation" in carded  # a model-step point
