"""The store's schema, as an ordered list of migrations (``PRAGMA user_version`` counts them).

Never edit a migration that has shipped: add the next one. A database with a higher
version than ``SCHEMA_VERSION`` was written by a newer mlsd and is refused unchanged.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: sessions, answers (every revision) and the event log.
    """
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL,
        case_path TEXT NOT NULL,
        case_title TEXT NOT NULL,
        mode TEXT NOT NULL,
        level TEXT NOT NULL,
        minutes REAL NOT NULL,
        status TEXT NOT NULL,
        started_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE answers (
        id INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        step_id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        text TEXT NOT NULL,
        at TEXT NOT NULL,
        UNIQUE (session_id, step_id, revision)
    );
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        step_id TEXT,
        data TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX answers_by_session ON answers(session_id);
    CREATE INDEX events_by_session ON events(session_id);
    CREATE INDEX sessions_by_update ON sessions(updated_at);
    """,
    # 2: one event vocabulary for both modes; answers and sessions ordered by insertion,
    # never by timestamps (a clock that steps back must not reorder a session).
    """
    UPDATE events SET kind = 'hint' WHERE kind = 'hint_given';
    UPDATE events SET kind = 'follow_up' WHERE kind = 'follow_up_asked';
    ALTER TABLE answers ADD COLUMN after_event INTEGER NOT NULL DEFAULT 0;
    UPDATE answers SET after_event = (
        SELECT COALESCE(MAX(e.id), 0) FROM events e
        WHERE e.session_id = answers.session_id AND e.at <= answers.at
    );
    UPDATE events SET data = json_set(data, '$.base_revision', (
        SELECT COUNT(*) FROM answers a
        WHERE a.session_id = events.session_id AND a.step_id = events.step_id AND a.at <= events.at
    )) WHERE kind = 'draft';
    ALTER TABLE sessions ADD COLUMN touched INTEGER NOT NULL DEFAULT 0;
    UPDATE sessions SET touched = (
        SELECT COUNT(*) FROM sessions s2 WHERE s2.updated_at <= sessions.updated_at
    );
    CREATE INDEX sessions_by_touch ON sessions(touched);
    """,
    # 3: progress over time and spaced review. A session's score is cached per rubric
    # (``key`` names the case file, framework and scorer it was computed with, and the
    # session's write counter), so ``progress`` over thousands of sessions never
    # rescores; the figures progress aggregates are columns, the rest (steps, missed
    # points) JSON. Review cards hold the scheduler's state per (case, point), and every
    # rating that moved one is logged.
    """
    CREATE TABLE session_scores (
        session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        case_id TEXT NOT NULL,
        mode TEXT NOT NULL,
        practised_at TEXT NOT NULL,
        seconds REAL NOT NULL,
        coverage REAL NOT NULL,
        verdict TEXT NOT NULL,
        data TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX session_scores_by_time ON session_scores(practised_at);
    CREATE TABLE review_cards (
        case_id TEXT NOT NULL,
        point_id TEXT NOT NULL,
        card TEXT NOT NULL,
        due TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (case_id, point_id)
    );
    CREATE INDEX review_cards_by_due ON review_cards(due);
    CREATE TABLE review_log (
        id INTEGER PRIMARY KEY,
        case_id TEXT NOT NULL,
        point_id TEXT NOT NULL,
        rating INTEGER NOT NULL,
        source TEXT NOT NULL,
        session_id TEXT,
        at TEXT NOT NULL
    );
    CREATE INDEX review_log_by_point ON review_log(case_id, point_id);
    """,
    # 4: an AI judge's verdicts, cached by what they depend on (model, prompt version,
    # the case's rubric and the candidate's text), so re-scoring is free and offline.
    """
    CREATE TABLE judgements (
        key TEXT PRIMARY KEY,
        model TEXT NOT NULL,
        prompt_version TEXT NOT NULL,
        data TEXT NOT NULL,
        at TEXT NOT NULL
    );
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)
