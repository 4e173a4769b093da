"""Corrupt rows in the session database: every command still works.

SQLite keeps any value in any column, and ``mlsd.db`` can be hand-edited, written by a
buggy tool or damaged. A session's row, its answers and its events are read in one place
(``log.rows`` and ``log.events.decode``); a value mlsd could not have written takes a
safe default there, so no command reaches "unexpected error" and the user's other data
(the rest of the session, the other sessions) stays usable.
"""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path
from typing import get_args

import pexpect
import pytest

from mlsd._util.levels import LEVELS
from mlsd.log import events as ev
from mlsd.log.events import Mode, Status
from mlsd.log.store import db_path, open_store
from tests.conftest import Result
from tests.pty_helpers import ANSWER_PROMPT, spawn

REQUIREMENTS = "We predict the probability of a click for each ad, within 50 ms."
DATA = "Impressions joined with clicks, with the label delay and negative sampling."
ANSWERS = f"""\
case: ctr-prediction
level: senior
clarifications: [scale, click-label]
answers:
  requirements: {REQUIREMENTS}
  data: {DATA}
follow_ups:
  data: An attribution window of one day.
"""

DEEP = "[" * 100_000
TIMES = (
    "INSERT INTO events (session_id, kind, step_id, data, at)"
    " SELECT id, 'time', step, data, started_at FROM sessions, (SELECT 'requirements' AS step,"
    " '{\"seconds\": 30}' AS data UNION ALL SELECT 'data', '{\"seconds\": NaN}'"
    " UNION ALL SELECT 'model', '{\"seconds\": Infinity}'"
    " UNION ALL SELECT 'metrics', '{\"seconds\": 1e999}')"
)
CORRUPTIONS = {
    "minutes-text": "UPDATE sessions SET minutes = 'abc'",
    "minutes-infinite": "UPDATE sessions SET minutes = 9e999",
    "minutes-nan": "UPDATE sessions SET minutes = 'NaN'",
    "level-unknown": "UPDATE sessions SET level = 'principal'",
    "mode-unknown": "UPDATE sessions SET mode = 'bogus'",
    "status-unknown": "UPDATE sessions SET status = 'weird'",
    "deep-json": f"UPDATE events SET data = '{DEEP}' WHERE kind = 'follow_up'",
    "time-not-finite": TIMES,
    "answer-blob": "UPDATE answers SET text = CAST(text AS BLOB)",
    "answer-blob-not-utf8": "UPDATE answers SET text = X'ff00fe41' WHERE step_id = 'data'",
}


def practise(run, tmp_path: Path) -> str:
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    result = run("practice", "ctr-prediction", "--answers", str(answers))
    assert result.code == 0, result.err
    with open_store() as store:
        return store.resolve_id("latest")


def corrupt(sql: str) -> None:
    conn = sqlite3.connect(db_path())
    # A cached score would hide the session from `progress`: make it be read again.
    conn.executescript(f"DELETE FROM session_scores; {sql};")
    conn.commit()
    conn.close()


def clean(result: Result) -> None:
    both = result.out + result.err
    assert result.code == 0, both
    assert "Traceback" not in both
    assert "unexpected error" not in both


@pytest.mark.parametrize("sql", CORRUPTIONS.values(), ids=CORRUPTIONS.keys())
def test_every_command_works_on_a_corrupt_session(run, tmp_path, sql):
    sid = practise(run, tmp_path)
    corrupt(sql)
    short = sid[:8]
    for args in (
        ("sessions",),
        ("sessions", "--json"),
        ("sessions", "show", short),
        ("score", short),
        ("score", short, "--json"),
        ("export", short, "-o", str(tmp_path / "doc.md"), "--force"),
        ("export", short, "--format", "json", "-o", str(tmp_path / "doc.json"), "--force"),
        ("progress",),
        ("progress", "--json"),
        ("review", "--due"),
        (),
    ):
        clean(run(*args))
    with open_store() as store:
        record = store.load(sid)  # what `mlsd resume` reads first
        seconds = store.conn.execute("SELECT seconds FROM session_scores").fetchall()
    assert all(0 <= s[0] < 1e9 for s in seconds)
    # typed as the rest of mlsd expects, not a stray value cast to a Literal
    assert record.mode in get_args(Mode)
    assert record.level in LEVELS
    assert record.status in get_args(Status)
    assert math.isfinite(record.minutes)
    assert all(isinstance(text, str) for text in record.answers.values())


def test_a_bad_budget_means_untimed(run, tmp_path):
    sid = practise(run, tmp_path)
    for value in ("'abc'", "9e999", "-9e999", "'NaN'", "X'00'", "-5"):
        corrupt(f"UPDATE sessions SET minutes = {value}")
        with open_store() as store:
            assert store.load(sid).minutes == 0, value


def test_unknown_mode_level_and_status_take_safe_defaults(run, tmp_path):
    """Not cast to their ``Literal`` unchecked: an unknown level (was: ``ValueError``
    from ``score`` and ``progress``) is scored at the default level; an unknown status is
    paused (resumable, not counted as finished); an unknown mode is an interview if the
    interviewer entered a step, otherwise practice."""
    sid = practise(run, tmp_path)
    corrupt("UPDATE sessions SET level = 'principal', mode = 'bogus', status = 'weird'")
    with open_store() as store:
        record = store.load(sid)
        listed = store.list_sessions()[0]
    assert (record.level, record.mode, record.status) == ("senior", "practice", "paused")
    assert (listed.level, listed.mode, listed.status) == ("senior", "practice", "paused")
    listing = json.loads(run("sessions", "--json").out)
    assert (listing[0]["level"], listing[0]["mode"], listing[0]["status"]) == (
        "senior",
        "practice",
        "paused",
    )
    with open_store() as store:
        store.add_event(sid, ev.Enter(), "requirements")
        corrupt("UPDATE sessions SET mode = 42")
        assert store.load(sid).mode == "interview"
        assert store.list_sessions()[0].mode == "interview"


def test_deeply_nested_event_data_reads_as_unreadable_json():
    """``[`` * 100000 (was: ``RecursionError`` from every command that loads the session)."""
    assert ev.decode("follow_up", DEEP) == ev.FollowUp()
    assert ev.decode("time", "{" * 100_000) == ev.Time()
    assert ev.decode("note", '{"text": ' + "[" * 100_000 + "}") == ev.Note()


def test_non_finite_numbers_in_event_data_take_the_fields_default():
    """``NaN``, ``Infinity`` and ``1e999`` (was: ``ValueError`` from ``score`` and
    ``export``, a NOT NULL failure from ``progress``): only that field takes its default."""
    for number in ("NaN", "Infinity", "-Infinity", "1e999", "-1e999"):
        assert ev.decode("time", f'{{"seconds": {number}}}') == ev.Time(), number
        assert ev.decode("rating", f'{{"dimension": "x", "score": {number}}}') == ev.Rating(
            dimension="x"
        )
    assert ev.decode("hint", '{"index": ' + "9" * 5000 + "}") == ev.Hint()
    assert ev.decode("time", '{"seconds": 12.5}') == ev.Time(12.5)


def test_event_data_that_is_not_json_text():
    assert ev.decode("note", b'{"text": "kept"}') == ev.Note("kept")
    assert ev.decode("note", b"\xff\xfe") == ev.Note()
    assert ev.decode("note", 5) == ev.Note()
    assert ev.decode("note", None) == ev.Note()


def test_a_non_finite_or_impossible_time_counts_as_none(run, tmp_path):
    sid = practise(run, tmp_path)
    corrupt(TIMES)
    with open_store() as store:
        store.add_event(sid, ev.Time(-5), "features")
        store.add_event(sid, ev.Time(1e308), "features")
        store.add_event(sid, ev.Time(1e308), "features")
        seconds = store.load(sid).seconds
    assert seconds == {"requirements": 30, "data": 0, "model": 0, "metrics": 0}
    clean(run("score", sid[:8]))
    clean(run("progress"))


def test_an_answer_stored_as_a_blob_is_read_as_text(run, tmp_path):
    """A BLOB in ``answers.text`` (was: ``TypeError`` from ``score``, ``progress``,
    ``export --format json``): decoded as UTF-8, bad bytes replaced, the rest kept."""
    sid = practise(run, tmp_path)
    corrupt(
        "UPDATE answers SET text = CAST(text AS BLOB) WHERE step_id = 'requirements';"
        "UPDATE answers SET text = X'ff00fe41' WHERE step_id = 'data';"
        "UPDATE answers SET step_id = CAST(step_id AS BLOB), revision = 'one'"
        " WHERE step_id = 'requirements'"
    )
    with open_store() as store:
        record = store.load(sid)
    assert record.answers == {"requirements": REQUIREMENTS, "data": "\ufffd\x00\ufffdA"}
    assert record.history[0].revision == 1
    result = run("export", sid[:8], "--format", "json", "-o", str(tmp_path / "s.json"))
    clean(result)
    assert REQUIREMENTS in (tmp_path / "s.json").read_text(encoding="utf-8")
    shown = run("sessions", "show", sid[:8])
    clean(shown)
    assert "50 ms" in shown.out


def test_one_corrupt_session_leaves_the_others_usable(run, tmp_path):
    first = practise(run, tmp_path)
    second = practise(run, tmp_path)
    corrupt(
        f"UPDATE sessions SET minutes = 'abc', level = 'principal' WHERE id = '{first}';"
        f"UPDATE events SET data = '{DEEP}' WHERE session_id = '{first}'"
    )
    listing = run("sessions")
    clean(listing)
    assert first[:8] in listing.out
    assert second[:8] in listing.out
    progress = run("progress", "--json")
    clean(progress)
    assert json.loads(progress.out)["sessions"] == 2


@pytest.mark.slow
def test_resume_of_a_corrupt_session_reaches_the_next_answer(run, tmp_path):
    """`mlsd resume` in a terminal (was: "unexpected error" for a text budget or deeply
    nested event data): the session opens at its next step; Ctrl-C saves as usual."""
    sid = practise(run, tmp_path)
    corrupt(
        "UPDATE sessions SET minutes = 'abc', level = 'principal', mode = 'bogus',"
        " status = 'weird';"
        f"UPDATE events SET data = '{DEEP}' WHERE kind = 'follow_up';"
        f"{TIMES};"
        "UPDATE answers SET text = CAST(text AS BLOB);"
        "DELETE FROM events WHERE kind = 'skip'"  # leave steps to answer
    )
    child = spawn(db_path().parent, "resume", sid[:8])
    child.expect(ANSWER_PROMPT)
    child.sendcontrol("c")
    child.expect("Saved. Resume with")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "unexpected error" not in str(child.before)
