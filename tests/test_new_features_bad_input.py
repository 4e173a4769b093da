"""Attacks on progress, review and the AI judge (issues 15, 16): broken rows, bad replies.

Every row of the store these features read can be hand-edited, half-written by an older
mlsd or corrupted; a model's reply is untrusted text. None of it may crash a command,
hang a session or turn the candidate's words around.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from mlsd._util.paths import case_dirs
from mlsd.ai.model import MAX_REPLY, AiUnavailable, Connection, Settings
from mlsd.ai.quotes import Answer, locate
from mlsd.ai.replies import CheckReply, schema_of
from mlsd.cases.catalog import load_framework
from mlsd.errors import MlsdError
from mlsd.log.store import open_store
from mlsd.progress.export import export_cards
from mlsd.progress.report import progress_report
from mlsd.progress.review import due_cards, run_review
from tests.openai_stub import register
from tests.test_progress import MONDAY, at, practise
from tests.test_review import TUESDAY, Asker


def _due_now(store) -> None:
    store.conn.execute("UPDATE review_cards SET due = '2000-01-01T00:00:00'")
    store.conn.commit()


def test_corrupt_score_columns_are_scored_again_not_a_crash(monkeypatch):
    """Text, infinity or a blob in a cached score's columns (was: ValueError,
    OverflowError from `mlsd progress`), and NaN in its JSON."""
    at(MONDAY, monkeypatch)
    practise("ctr-prediction-shallow")
    practise("feed-ranking-shallow")
    framework = load_framework()
    with open_store() as store:
        progress_report(store, case_dirs([]), framework, TUESDAY)
        store.conn.execute(
            "UPDATE session_scores SET coverage = 'abc', seconds = 9e999 WHERE case_id = ?",
            ("ctr-prediction",),
        )
        store.conn.execute(
            "UPDATE session_scores SET practised_at = X'ff00', data ="
            ' \'{"v":1,"case_title":"x","steps":{"data":NaN},"missed":[]}\''
            " WHERE case_id = ?",
            ("feed-ranking",),
        )
        store.conn.commit()
        doc = progress_report(store, case_dirs([]), framework, TUESDAY)
        rows = store.conn.execute(
            "SELECT typeof(coverage), seconds < 1e9, typeof(practised_at) FROM session_scores"
        ).fetchall()
    assert doc["sessions"] == 2
    assert [tuple(r) for r in rows] == [("real", 1, "text")] * 2


def test_a_stored_card_the_scheduler_cannot_move_is_rebuilt(monkeypatch):
    """A card with NaN stability or reviewed in year 9999 (was: ValueError or
    OverflowError in `mlsd review`, after the candidate had typed their recall)."""
    at(MONDAY, monkeypatch)
    practise("ctr-prediction-shallow")
    with open_store() as store:
        items, _ = due_cards(store, case_dirs([]), load_framework(), TUESDAY)
        _due_now(store)
        store.conn.execute(
            "UPDATE review_cards SET card = json_set(card, '$.stability', 'NaN')"
            " WHERE rowid % 2 = 0"
        )
        store.conn.execute(
            "UPDATE review_cards SET card ="
            " json_set(card, '$.last_review', '9999-12-31T23:59:59+00:00') WHERE rowid % 2 = 1"
        )
        store.conn.commit()
        items, _ = due_cards(store, case_dirs([]), load_framework(), TUESDAY)
        result = run_review(store, items[:4], Asker(), lambda: TUESDAY)
        dues = [r[0] for r in store.conn.execute("SELECT due FROM review_cards")]
    assert result.reviewed == 4
    assert all(d < "2100" for d in dues)


def test_broken_logged_ratings_are_skipped_when_a_card_is_rebuilt(monkeypatch):
    """A rating that is text or 9, a time in year 9999 (was: ValueError, OverflowError)."""
    at(MONDAY, monkeypatch)
    practise("ctr-prediction-shallow")
    with open_store() as store:
        due_cards(store, case_dirs([]), load_framework(), TUESDAY)
        _due_now(store)
        store.conn.execute("UPDATE review_cards SET card = '{'")
        store.conn.execute("UPDATE review_log SET rating = 'x' WHERE id % 3 = 0")
        store.conn.execute("UPDATE review_log SET rating = 9 WHERE id % 3 = 1")
        store.conn.execute("UPDATE review_log SET at = '9999-12-31T23:59:59' WHERE id % 3 = 2")
        store.conn.commit()
        items, _ = due_cards(store, case_dirs([]), load_framework(), TUESDAY)
        result = run_review(store, items[:3], Asker(), lambda: TUESDAY)
        later, _ = due_cards(store, case_dirs([]), load_framework(), TUESDAY + timedelta(days=400))
    assert result.reviewed == 3
    assert len(later) == len(items)  # every card still comes back


ANSWER = [
    Answer("metrics", False, "AUC is what we report. Log loss is not used for this model."),
    Answer("serving", False, "We do not use a feature store for the ranking service."),
]


@pytest.mark.parametrize(
    "quote",
    [
        "Log loss ... is ... used for this model",  # the elision drops the "not"
        "use a feature store for the ranking service",  # cut just after "do not"
        # a new user's judge joined two sentences into a mistake the candidate never made
        "AUC is what ... Log loss is not used",
        "AUC is what we report ... used for this model",
        "what we rep ... AUC",  # not in order, and half a word
        "UC is what we report",  # half a word
    ],
)
def test_a_quote_that_turns_the_candidates_words_around_is_not_theirs(quote):
    assert locate(quote, ANSWER) is None


def test_quotes_that_keep_the_meaning_still_count():
    assert locate("Log loss is not used", ANSWER) is not None
    assert locate("AUC is what ... we report", ANSWER) is not None
    assert locate("Log loss ... not used for this model", ANSWER) is not None


@pytest.fixture
def endless_server() -> Iterator[str]:
    """An OpenAI-style server whose streamed reply never ends."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    stop = threading.Event()

    def handle(conn: socket.socket) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
        event = b'data: {"choices":[{"index":0,"delta":{"content":"' + b"a" * 8000 + b'"}}]}\n\n'
        try:
            conn.recv(65536)
            conn.sendall(head + b"Transfer-Encoding: chunked\r\n\r\n")
            while not stop.is_set():
                conn.sendall(b"%x\r\n" % len(event) + event + b"\r\n")
        except OSError:
            pass
        finally:
            conn.close()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{srv.getsockname()[1]}/v1"
    stop.set()
    srv.close()


def test_a_reply_that_streams_forever_is_cut_off(endless_server, tmp_path, monkeypatch):
    """Was: the whole endless body buffered (GBs within seconds), and still being read
    by the abandoned request thread after the coach had given up."""
    register(tmp_path / "llm", endless_server)
    monkeypatch.setenv("LLM_USER_PATH", str(tmp_path / "llm"))
    conn = Connection("stub", settings=Settings(timeout=600, retry_delay=0))
    with pytest.raises(AiUnavailable, match=f"longer than {MAX_REPLY:,} characters"):
        conn.ask("system", "prompt", CheckReply, schema_of(CheckReply))


def test_review_export_never_replaces_a_special_file(tmp_path, monkeypatch):
    """`review export --force` over a FIFO (or /dev/null, as root) would swap it for a
    regular file."""
    at(MONDAY, monkeypatch)
    practise("ctr-prediction-shallow")
    fifo = tmp_path / "cards.md"
    os.mkfifo(fifo)
    with open_store() as store, pytest.raises(MlsdError, match="not a regular file"):
        export_cards(store, case_dirs([]), load_framework(), fifo, "md", True, TUESDAY)
    assert not Path(fifo).is_file()


def test_read_only_commands_work_while_another_mlsd_holds_the_write_lock(run, monkeypatch):
    """`progress`, `review --due` and bare `mlsd` exited 1 ("mlsd.db is locked by
    another running mlsd") whenever a score needed caching. They now score in memory,
    show everything, write nothing and say so in one line."""
    import json
    import sqlite3

    from mlsd.log.store import db_path

    monkeypatch.setattr("mlsd.log.store.BUSY_TIMEOUT_MS", 100)
    for module in ("mlsd.cli.progress", "mlsd.cli.review"):
        monkeypatch.setattr(f"{module}.now", lambda: TUESDAY)
    at(MONDAY, monkeypatch)
    practise("ctr-prediction-shallow")  # finished, never scored: progress must cache it
    locker = sqlite3.connect(db_path(), isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")
    try:
        progress = run("progress", "--json")
        due = run("review", "--due", "--json")
        alone = run()
        screen = run("progress", "--no-pager")
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    for result in (progress, due, alone, screen):
        assert result.code == 0, result.err
        assert result.err.count("Scores not cached: another mlsd is writing") == 1
        assert "Traceback" not in result.err
    assert json.loads(progress.out)["sessions"] == 1
    assert json.loads(due.out)["count"] > 0  # the session's missed points, due today
    assert "Reviews due today:" in alone.out and "Next:" in alone.out
    with open_store() as store:  # nothing was written while the lock was held...
        assert store.conn.execute("SELECT COUNT(*) FROM session_scores").fetchone()[0] == 0
    cached = run("progress", "--json")  # ...and the next run caches it, quietly
    assert cached.code == 0 and cached.err == ""
    with open_store() as store:
        assert store.conn.execute("SELECT COUNT(*) FROM session_scores").fetchone()[0] == 1


@pytest.mark.parametrize("due", [12345, "soon", "2025-02-30T00:00:00", "2025-03-04 09:00"])
def test_a_card_whose_due_is_not_a_time_is_rebuilt_from_its_log(due, run, monkeypatch):
    """An integer due was printed as "12345" by `review --due --json` (and compared as
    always due); text that is not a time was never due again."""
    import json

    monkeypatch.setattr("mlsd.cli.review.now", lambda: TUESDAY)
    at(MONDAY, monkeypatch)
    practise("ctr-prediction-shallow")
    with open_store() as store:
        due_cards(store, case_dirs([]), load_framework(), TUESDAY)
        good = dict(store.conn.execute("SELECT point_id, due FROM review_cards").fetchall())
        store.conn.execute("UPDATE review_cards SET due = ?", (due,))
        store.conn.execute(
            "INSERT INTO review_cards VALUES ('ctr-prediction', 'case:no-log', '{}', ?, '')",
            (due,),
        )  # a broken card with no rating to rebuild it from: dropped
        store.conn.commit()
    doc = json.loads(run("review", "--due", "--json").out)
    assert doc["count"] == len(doc["due"]) > 0
    assert all(item["due"].endswith("+00:00") for item in doc["due"])
    with open_store() as store:
        rebuilt = dict(store.conn.execute("SELECT point_id, due FROM review_cards").fetchall())
    assert rebuilt == good


def test_an_interactive_review_with_the_database_locked_asks_nothing(run, monkeypatch):
    """It listed the due cards, asked for a recall, then failed on the first rating: what
    was typed and rated was gone. Now it says so before the first card."""
    import sqlite3

    from mlsd.log.store import db_path

    monkeypatch.setattr("mlsd.log.store.BUSY_TIMEOUT_MS", 100)
    monkeypatch.setattr("mlsd.cli.review.now", lambda: TUESDAY)
    monkeypatch.setattr("mlsd.cli._running.require_terminal", lambda *_: None)
    at(MONDAY, monkeypatch)
    practise("ctr-prediction-shallow")
    run("progress", "--json")  # scores cached: the review itself needs no write to list
    asked: list[str] = []
    monkeypatch.setattr(
        "mlsd.ui.review_view.TerminalReviewAsker.front", lambda *a: asked.append("front")
    )
    locker = sqlite3.connect(db_path(), isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")
    try:
        result = run("review")
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert result.code == 1
    assert "Ratings could not be saved, so the review has not started" in result.err
    assert "locked by another running mlsd" in result.err
    assert "Traceback" not in result.err
    assert asked == []


def test_a_rating_that_cannot_be_stored_stops_the_review_keeping_those_before(monkeypatch):
    """Another mlsd takes the write lock mid-review: the review stops at that rating and
    says why; every rating before it is stored."""
    import sqlite3

    from mlsd.log.store import db_path

    monkeypatch.setattr("mlsd.log.store.BUSY_TIMEOUT_MS", 100)
    at(MONDAY, monkeypatch)
    practise("ctr-prediction-shallow")
    locker = sqlite3.connect(db_path(), isolation_level=None)

    class LockingAsker(Asker):
        def rate(self, intervals):
            if len(self.hits) == 3:
                locker.execute("BEGIN IMMEDIATE")
            return super().rate(intervals)

    with open_store() as store:
        store.conn.execute("PRAGMA busy_timeout = 100")
        items, _ = due_cards(store, case_dirs([]), load_framework(), TUESDAY)
        try:
            result = run_review(store, items[:5], LockingAsker(), lambda: TUESDAY)
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        logged = store.conn.execute("SELECT COUNT(*) FROM review_log WHERE source = 'review'")
        assert logged.fetchone()[0] == 2
    assert (result.reviewed, result.left) == (2, 3)
    assert "locked by another running mlsd" in result.unsaved
