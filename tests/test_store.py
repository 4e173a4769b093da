"""The session store: commits, migrations and the databases it must refuse."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from mlsd.errors import SessionNotFoundError, StoreError
from mlsd.log import events as ev
from mlsd.log.store import SCHEMA_VERSION, db_path, open_store


def make(store, case_id="ctr-prediction"):
    return store.create_session(
        case_id=case_id,
        case_path="x.yaml",
        case_title="T",
        mode="practice",
        level="senior",
        minutes=45,
    )


def test_schema_version_and_wal():
    with open_store() as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_answer_is_committed_before_save_returns():
    with open_store() as store:
        sid = make(store)
        store.save_answer(sid, "requirements", "text")
        # a second, independent connection sees it at once
        other = sqlite3.connect(db_path())
        assert other.execute("SELECT text FROM answers").fetchall() == [("text",)]
        other.close()


def test_revisions_are_kept():
    with open_store() as store:
        sid = make(store)
        assert store.save_answer(sid, "data", "one") == 1
        assert store.save_answer(sid, "data", "two") == 2
        record = store.load(sid)
    assert record.answers == {"data": "two"}
    assert [h.text for h in record.history] == ["one", "two"]


def test_resolve_by_prefix_latest_and_errors():
    with open_store() as store:
        with pytest.raises(SessionNotFoundError, match="no sessions yet"):
            store.resolve_id("latest")
        a = make(store)
        b = make(store)
        assert store.resolve_id("latest") == b
        assert store.resolve_id(a[:10]) == a
        assert store.resolve_id(a.upper()) == a
        with pytest.raises(SessionNotFoundError, match="no session"):
            store.resolve_id("ffffffffffff" if not a.startswith("ffff") else "000000000000")
        with pytest.raises(SessionNotFoundError, match="not a session id"):
            store.resolve_id("nope!")


def test_ambiguous_prefix():
    with open_store() as store:
        ids = [make(store) for _ in range(40)]
        first = ids[0][0]
        if sum(i.startswith(first) for i in ids) > 1:
            with pytest.raises(SessionNotFoundError, match="more than one"):
                store.resolve_id(first)


def test_delete():
    with open_store() as store:
        sid = make(store)
        store.save_answer(sid, "data", "x")
        store.add_event(sid, ev.Hint(index=0), "data")
        store.delete(sid)
        assert store.list_sessions() == []
        assert store.conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 0


def test_newer_database_is_refused_and_not_modified():
    path = db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer mlsd"):
        open_store()
    assert path.read_bytes() == before


def test_corrupt_database_is_refused_and_not_modified():
    path = db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is not sqlite" * 100)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a usable mlsd database"):
        open_store()
    assert path.read_bytes() == before


def test_locked_database_gives_a_clear_message(monkeypatch):
    monkeypatch.setattr("mlsd.log.store.BUSY_TIMEOUT_MS", 100)
    with open_store() as store:
        sid = make(store)
    locker = sqlite3.connect(db_path(), isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        with (
            open_store() as store,
            pytest.raises(StoreError, match="locked by another running mlsd"),
        ):
            store.save_answer(sid, "data", "x")
    finally:
        locker.execute("ROLLBACK")
        locker.close()


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_home(tmp_path: Path, monkeypatch):
    home = tmp_path / "ro"
    home.mkdir()
    home.chmod(0o500)
    monkeypatch.setenv("MLSD_HOME", str(home))
    with pytest.raises(StoreError):
        open_store()


def test_home_that_cannot_be_created(tmp_path: Path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("MLSD_HOME", str(blocker / "home"))
    with pytest.raises(StoreError, match="cannot create the mlsd folder"):
        open_store()


def test_a_migration_another_mlsd_applied_first_is_not_an_error():
    """Two first runs at once: both read version 0, one creates the tables first."""
    with open_store() as store:
        store._migrate(0)  # what the slower of the two does next
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert not store.conn.in_transaction


def test_two_first_runs_at_once_both_open_the_store(tmp_path: Path):
    """Two terminals starting mlsd for the first time: neither sees "locked" or "exists"."""
    import threading

    from mlsd.log.store import Store

    failures: list[str] = []
    for i in range(20):
        path = tmp_path / str(i) / "mlsd.db"
        barrier = threading.Barrier(2)

        def first_run(path: Path = path, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            try:
                Store(path).close()
            except StoreError as exc:
                failures.append(exc.message)

        threads = [threading.Thread(target=first_run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []


def test_a_batch_is_one_transaction():
    with open_store() as store:
        sid = make(store)
        with pytest.raises(RuntimeError), store.batch():
            store.save_answer(sid, "data", "x")
            store.add_event(sid, ev.Hint(index=0), "data")
            raise RuntimeError("crash mid-batch")
        record = store.load(sid)
        assert record.answers == {}
        assert record.hints == {}
        store.save_answer(sid, "data", "y")  # and the store commits singly again
    with open_store() as store:
        assert store.load(sid).answers == {"data": "y"}


@pytest.mark.parametrize(
    "sql",
    [
        # a view in the place of a table that recurses for ever: every command hung
        "ALTER TABLE sessions RENAME TO real_sessions; CREATE VIEW sessions AS "
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
        "SELECT s.* FROM real_sessions s, (SELECT x FROM c WHERE x < 0 LIMIT 1) z",
        "CREATE TRIGGER t BEFORE INSERT ON answers BEGIN SELECT 1; END",
    ],
    ids=["view", "trigger"],
)
def test_a_database_with_a_view_or_trigger_is_refused_unchanged(sql):
    with open_store() as store:
        make(store)
    conn = sqlite3.connect(db_path())
    conn.executescript(sql)
    conn.close()
    before = db_path().read_bytes()
    with pytest.raises(StoreError, match="which mlsd never creates"):
        open_store()
    assert db_path().read_bytes() == before
