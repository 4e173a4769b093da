"""SQLite persistence of sessions: every answer committed the moment it is given.

One file, ``$MLSD_HOME/mlsd.db``, in WAL mode with a busy timeout so two terminals can
practise at once. Answers go in their own table (every revision kept); everything else
(clarifications, hints, follow-ups, time, interview ticks and ratings) is an append-only
event log. The schema version lives in ``PRAGMA user_version``; migrations are an
ordered list. A database written by a newer mlsd is refused, never modified.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timezone
from pathlib import Path

from mlsd._util import paths
from mlsd._util.levels import Level
from mlsd.errors import SessionNotFoundError, StoreError
from mlsd.log import events as ev
from mlsd.log import rows
from mlsd.log.events import Mode, Status
from mlsd.log.failures import SessionGoneError, gone_message, signals_held, sqlite_errors
from mlsd.log.projection import project
from mlsd.log.records import SessionRecord, SessionSummary
from mlsd.log.schema import MIGRATIONS, SCHEMA_VERSION

DB_NAME = "mlsd.db"
BUSY_TIMEOUT_MS = 5000
# SQLite's LIMIT is a signed 64-bit integer; a bigger one is a "datatype mismatch".
MAX_LIMIT = 2**63 - 1


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def db_path() -> Path:
    return paths.home_dir() / DB_NAME


class Store:
    """A connection to the session database. Use as a context manager."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.parent.exists() and not path.parent.is_dir():
            raise StoreError(
                f"{path.parent} is a file, not a folder. Set MLSD_HOME to a folder mlsd can "
                "write in (it is created if missing)."
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the mlsd folder {path.parent}: {exc.strerror}. Set MLSD_HOME to a writable folder."
            ) from None
        try:
            self.conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as exc:
            raise StoreError(
                f"cannot open {path}: {exc}. Set MLSD_HOME to a writable folder."
            ) from None
        self.conn.row_factory = sqlite3.Row
        self._batching = False
        try:
            self._prepare()
        except BaseException:
            self.conn.close()
            raise

    def _prepare(self) -> None:
        with self._errors("open"):
            # One statement, one snapshot: another mlsd creating the schema at this moment
            # cannot make a fresh database look like someone else's.
            row = self.conn.execute(
                "SELECT (SELECT user_version FROM pragma_user_version),"
                " EXISTS (SELECT 1 FROM sqlite_master)"
            ).fetchone()
            version, has_tables = int(row[0]), bool(row[1])
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} was written by a newer mlsd (schema {version}; this mlsd knows "
                    f"{SCHEMA_VERSION}). Upgrade mlsd to use it; the file was not changed."
                )
            if version == 0 and has_tables:
                # Tables but no schema version: some other program's database. Adding
                # ours to it (or failing half-way) would change a file that is not ours.
                raise StoreError(
                    f"{self.path} is an SQLite database, but not one mlsd wrote. Move it "
                    "aside (or set MLSD_HOME to another folder); it was not changed."
                )
            # mlsd creates tables and indexes only. A view or trigger (a view named
            # "sessions" that recurses for ever) would run code on every read or write.
            odd = self.conn.execute(
                "SELECT type, name FROM sqlite_master WHERE type IN ('view', 'trigger') LIMIT 1"
            ).fetchone()
            if odd is not None:
                raise StoreError(
                    f"{self.path} holds a {odd[0]} ({str(odd[1])[:60]}), which mlsd "
                    "never creates: the file was changed by something else. Move it aside (or "
                    "set MLSD_HOME to another folder); it was not changed."
                )
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.conn.execute("PRAGMA foreign_keys = ON")
            if version < SCHEMA_VERSION:
                self._use_wal()
                self._migrate(version)

    def _use_wal(self) -> None:
        """Switch a new database to WAL, waiting out another mlsd doing the same.

        Two first runs at once (two terminals) both hold a read lock while asking for the
        write lock the switch needs; SQLite answers one of them "locked" at once rather
        than deadlock, without calling the busy handler. Retrying after the statement has
        let go of its lock succeeds as soon as the other is done.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _migrate(self, version: int) -> None:
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            # executescript commits first; the version bump is in the same script.
            try:
                self.conn.executescript(
                    f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
                )
            except sqlite3.OperationalError:
                if self.conn.in_transaction:
                    self.conn.rollback()
                # Two first runs at once (two terminals): the other mlsd applied this
                # migration between our reading the version and taking the write lock.
                if int(self.conn.execute("PRAGMA user_version").fetchone()[0]) >= number:
                    continue
                raise

    def _errors(self, doing: str, session_id: str = "") -> AbstractContextManager[None]:
        return sqlite_errors(self.path, doing, session_id)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """Commit each write on its own, unless inside ``batch()``."""
        if self._batching:
            yield
            return
        with signals_held(), self.conn:
            yield

    @contextmanager
    def batch(self) -> Iterator[None]:
        """One transaction for many writes: an answers-file run is stored all or nothing.

        Interactive sessions never use it: there every answer is committed the moment
        it is given.
        """
        self._batching = True
        try:
            with self._errors("write to"), self.conn:
                yield
        finally:
            self._batching = False

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing: each call is one committed transaction -------------------------------

    def create_session(
        self,
        *,
        case_id: str,
        case_path: str,
        case_title: str,
        mode: Mode,
        level: Level,
        minutes: float,
    ) -> str:
        session_id = uuid.uuid4().hex
        stamp = now()
        with self._errors("write to"), self._transaction():
            self.conn.execute(
                "INSERT INTO sessions (id, case_id, case_path, case_title, mode, level, minutes,"
                " status, started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)",
                (session_id, case_id, case_path, case_title, mode, level, minutes, stamp, stamp),
            )
            self._touch(session_id, stamp)
        return session_id

    def save_answer(self, session_id: str, step_id: str, text: str) -> int:
        """Store a new revision of a step's answer; returns its revision number."""
        stamp = now()
        with self._errors("save an answer in", session_id), self._transaction():
            row = self.conn.execute(
                "SELECT COALESCE(MAX(revision), 0) FROM answers WHERE session_id = ? AND step_id = ?",
                (session_id, step_id),
            ).fetchone()
            revision = int(row[0]) + 1
            self.conn.execute(
                "INSERT INTO answers (session_id, step_id, revision, text, at, after_event)"
                " VALUES (?, ?, ?, ?, ?,"
                " (SELECT COALESCE(MAX(id), 0) FROM events WHERE session_id = ?))",
                (session_id, step_id, revision, text, stamp, session_id),
            )
            self._touch(session_id, stamp)
        return revision

    def add_event(self, session_id: str, payload: ev.Payload, step_id: str | None = None) -> None:
        stamp = now()
        with self._errors("save to", session_id), self._transaction():
            self.conn.execute(
                "INSERT INTO events (session_id, kind, step_id, data, at) VALUES (?, ?, ?, ?, ?)",
                (session_id, payload.kind, step_id, ev.encode(payload), stamp),
            )
            self._touch(session_id, stamp)

    def set_status(self, session_id: str, status: Status) -> None:
        stamp = now()
        with self._errors("update"), self._transaction():
            self.conn.execute("UPDATE sessions SET status = ? WHERE id = ?", (status, session_id))
            self._touch(session_id, stamp)

    def _touch(self, session_id: str, stamp: str) -> None:
        """Mark the session as the most recently used, by a counter rather than the clock.

        No row to mark means the session was deleted elsewhere: the write is refused (and
        rolled back) rather than silently landing nowhere.
        """
        cursor = self.conn.execute(
            "UPDATE sessions SET updated_at = ?,"
            " touched = (SELECT COALESCE(MAX(touched), 0) + 1 FROM sessions) WHERE id = ?",
            (stamp, session_id),
        )
        if cursor.rowcount == 0:
            raise SessionGoneError(gone_message(session_id))

    def delete(self, session_id: str) -> None:
        with self._errors("delete from"), self._transaction():
            self.conn.execute("DELETE FROM events WHERE session_id = ?", (session_id,))
            self.conn.execute("DELETE FROM answers WHERE session_id = ?", (session_id,))
            self.conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    # -- reading ----------------------------------------------------------------------

    def resolve_id(self, ref: str) -> str:
        """A full id, a unique prefix, or ``latest`` (the most recently active session)."""
        with self._errors("read"):
            if ref == "latest":
                row = self.conn.execute(
                    "SELECT id FROM sessions ORDER BY touched DESC, rowid DESC LIMIT 1"
                ).fetchone()
                if row is None:
                    raise SessionNotFoundError("no sessions yet. Start one with: mlsd practice")
                return str(row[0])
            if not ref or any(c not in "0123456789abcdef" for c in ref.lower()):
                raise SessionNotFoundError(f"{ref!r} is not a session id (see `mlsd sessions`)")
            matches = self.conn.execute(
                "SELECT id FROM sessions WHERE id >= ? AND id < ? LIMIT 2",
                (ref.lower(), ref.lower() + "g"),
            ).fetchall()
        if not matches:
            raise SessionNotFoundError(f"no session {ref!r} (see `mlsd sessions`)")
        if len(matches) > 1:
            raise SessionNotFoundError(
                f"{ref!r} matches more than one session; type more of the id"
            )
        return str(matches[0][0])

    def resolve(self, ref: str) -> SessionRecord:
        return self.load(self.resolve_id(ref))

    def load(self, session_id: str) -> SessionRecord:
        with self._errors("read"):
            row = self.conn.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
            if row is None:
                raise SessionGoneError(gone_message(session_id))
            answer_rows = self.conn.execute(
                "SELECT step_id, text, revision, at, after_event FROM answers"
                " WHERE session_id = ? ORDER BY id",
                (session_id,),
            ).fetchall()
            event_rows = self.conn.execute(
                "SELECT id, kind, step_id, data, at FROM events WHERE session_id = ? ORDER BY id",
                (session_id,),
            ).fetchall()
        # Every column goes through ``rows`` (and ``ev.decode``): a hand-edited or
        # damaged value takes a default instead of reaching the rest of mlsd untyped.
        events = [
            ev.Event(r["id"], rows.optional_text(r["step_id"]), rows.text(r["at"]), payload)
            for r in event_rows
            for payload in [ev.decode(rows.text(r["kind"]), r["data"])]
            if payload is not None
        ]
        interviewed = any(isinstance(e.payload, ev.Enter) for e in events)
        return project(rows.session_row(row, interviewed), rows.answers(answer_rows), events)

    def list_sessions(self, limit: int | None = None) -> list[SessionSummary]:
        sql = (
            "SELECT s.*, (SELECT COUNT(DISTINCT step_id) FROM answers a WHERE a.session_id = s.id) "
            # an interview has no answers: its steps are the ones the interviewer reached
            "+ (SELECT COUNT(DISTINCT step_id) FROM events e WHERE e.session_id = s.id "
            f"AND e.kind = '{ev.Enter.kind}') AS answered, "
            f"EXISTS (SELECT 1 FROM events e WHERE e.session_id = s.id AND e.kind = '{ev.Enter.kind}')"
            " AS entered FROM sessions s ORDER BY s.touched DESC, s.rowid DESC LIMIT ?"
        )
        bound = min(limit, MAX_LIMIT) if limit and limit > 0 else -1  # -1: no limit
        with self._errors("read"):
            found = self.conn.execute(sql, (bound,)).fetchall()
        return [rows.summary(r, bool(r["entered"])) for r in found]

    def last_practice(self) -> list[SessionSummary]:
        """Each case's latest practice session with an answer in it, most recent first.

        For the case picker: a session only opened (no answer) or an interview is not
        practice, so it neither orders the picker nor gives it a score to show.
        """
        sql = (
            "SELECT * FROM (SELECT s.*, COUNT(DISTINCT a.step_id) AS answered,"
            " ROW_NUMBER() OVER (PARTITION BY s.case_id ORDER BY s.touched DESC, s.rowid DESC)"
            " AS nth, s.rowid AS row FROM sessions s JOIN answers a ON a.session_id = s.id"
            " WHERE s.mode = 'practice' GROUP BY s.id)"
            " WHERE nth = 1 ORDER BY touched DESC, row DESC"
        )
        with self._errors("read"):
            found = self.conn.execute(sql).fetchall()
        return [rows.summary(r) for r in found]  # mode = 'practice': nothing to infer

    def check_writable(self) -> None:
        """Raise ``StoreError`` now if a write would fail (another mlsd holds the write
        lock, the disk is read-only): before asking the user for anything to save."""
        with self._errors("write to"):
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("ROLLBACK")

    def integrity_ok(self) -> bool:
        with self._errors("check"):
            return str(self.conn.execute("PRAGMA integrity_check").fetchone()[0]) == "ok"


def open_store(path: Path | None = None) -> Store:
    return Store(path or db_path())
