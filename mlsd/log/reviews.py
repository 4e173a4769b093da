"""The SQL behind progress and spaced review: cached scores, review cards, the review log.

Kept out of ``log.store`` (which owns sessions, answers and events) but on the same
connection and the same rules: every write is one committed transaction under
``signals_held`` (``Store._transaction``), every ``sqlite3`` error becomes a
``StoreError`` that says what happened. No scheduling happens here: ``mlsd.progress``
decides what a card is; this module only keeps it.

Times are stored as fixed-width UTC text (``YYYY-MM-DDTHH:MM:SS``) so that ``due <= ?``
compares correctly as text and uses the index.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mlsd.log.store import Store

SESSION_SOURCE = "session"  # a rating that came from a scored session
REVIEW_SOURCE = "review"  # a rating the candidate gave in `mlsd review`


@dataclass(frozen=True)
class SessionState:
    """A finished practice or drill session whose cached score is missing or stale."""

    session_id: str
    case_id: str
    case_path: str
    key: str  # what its cache row's key must be


@dataclass(frozen=True)
class ScoreRow:
    """One cached score: the figures as columns, the rest as JSON (``data``)."""

    session_id: str
    case_id: str
    mode: str
    practised_at: str
    seconds: float
    coverage: float
    verdict: str
    data: str


@dataclass(frozen=True)
class CaseTotals:
    case_id: str
    sessions: int  # whole practice sessions
    drills: int
    best: float | None
    latest: float | None
    latest_verdict: str | None
    last_practised: str


_FINISHED = "s.mode IN ('practice', 'drill') AND s.status = 'finished'"

# A cached row whose figures are not what ``save_score`` writes (text, a blob, NaN or
# infinity, a coverage outside 0..1, a time that is not the fixed-width stamp) is stale,
# whatever its key says: progress aggregates these columns in SQL and must never meet
# one it cannot add up or print. A broken row is scored again, never an error.
_SANE = (
    "typeof(c.coverage) IN ('real', 'integer') AND c.coverage BETWEEN 0 AND 1"
    " AND typeof(c.seconds) IN ('real', 'integer') AND c.seconds BETWEEN 0 AND 1e9"
    " AND typeof(c.practised_at) = 'text' AND c.practised_at GLOB"
    " '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'"
    " AND typeof(c.verdict) = 'text' AND typeof(c.data) = 'text' AND c.mode = s.mode"
)


def case_paths(store: Store) -> list[tuple[str, str]]:
    """(case file, case id) of every finished practice or drill: a handful of files."""
    with store._errors("read"):
        rows = store.conn.execute(
            f"SELECT DISTINCT s.case_path, s.case_id FROM sessions s WHERE {_FINISHED}"
        ).fetchall()
    return [(str(r[0]), str(r[1])) for r in rows]


def stale_sessions(store: Store, prefixes: dict[str, str]) -> list[SessionState]:
    """Sessions whose cache row is missing, keyed otherwise or broken (``_SANE``), in order.

    A key is the prefix of its case file (scorer, case and framework hashes) and the
    session's ``touched`` counter, which every answer, event and status change moves on
    (``Store._touch``): an override or a new answer is a new key. The comparison runs in
    SQL, so 10,000 fresh rows cost one scan, not 10,000 Python objects. A case file with
    no prefix (gone, unreadable) leaves its sessions out.
    """
    if not prefixes:
        return []
    cases = " ".join("WHEN ? THEN ?" for _ in prefixes)
    expected = f"(CASE s.case_path {cases} END) || ':' || s.touched"
    args = [v for pair in prefixes.items() for v in pair]
    sql = (
        f"SELECT s.id, s.case_id, s.case_path, {expected} AS want FROM sessions s"
        f" LEFT JOIN session_scores c ON c.session_id = s.id WHERE {_FINISHED}"
        f" AND want IS NOT NULL AND (c.key IS NULL OR c.key != want OR NOT ({_SANE}))"
        " ORDER BY s.rowid"
    )
    with store._errors("read"):
        rows = store.conn.execute(sql, args).fetchall()
    return [SessionState(str(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]


def case_totals(store: Store) -> list[CaseTotals]:
    """Per case: sessions, drills, best and latest coverage; aggregated in SQL."""
    sql = (
        "SELECT c.case_id, SUM(c.mode != 'drill'), SUM(c.mode = 'drill'),"
        " MAX(CASE WHEN c.mode != 'drill' THEN c.coverage END), MAX(c.practised_at),"
        " (SELECT l.coverage || ' ' || l.verdict FROM session_scores l JOIN sessions t"
        "  ON t.id = l.session_id WHERE l.case_id = c.case_id AND l.mode != 'drill'"
        "  AND typeof(l.coverage) IN ('real', 'integer') AND l.coverage BETWEEN 0 AND 1"
        "  ORDER BY t.rowid DESC LIMIT 1)"
        " FROM session_scores c JOIN sessions s ON s.id = c.session_id"
        f" WHERE {_FINISHED} AND {_SANE} GROUP BY c.case_id ORDER BY c.case_id"
    )
    with store._errors("read"):
        rows = store.conn.execute(sql).fetchall()
    split = [(r, *str(r[5] or "").partition(" ")[::2]) for r in rows]
    return [
        CaseTotals(
            str(r[0]), int(r[1]), int(r[2]), None if r[3] is None else float(r[3]),
            float(latest) if latest else None, verdict or None, str(r[4]),
        )
        for r, latest, verdict in split
    ]  # fmt: skip


def recent_scores(store: Store, limit: int) -> list[ScoreRow]:
    """The latest ``limit`` scored sessions, oldest first (trends, missed points, next)."""
    sql = (
        "SELECT * FROM (SELECT c.session_id, c.case_id, c.mode, c.practised_at, c.seconds,"
        " c.coverage, c.verdict, c.data, s.rowid AS n FROM session_scores c"
        f" JOIN sessions s ON s.id = c.session_id WHERE {_FINISHED} AND {_SANE}"
        " ORDER BY s.rowid DESC LIMIT ?) ORDER BY n"
    )
    with store._errors("read"):
        rows = store.conn.execute(sql, (limit,)).fetchall()
    return [
        ScoreRow(str(r[0]), str(r[1]), str(r[2]), str(r[3]), float(r[4]), float(r[5]),
                 str(r[6]), str(r[7]))
        for r in rows
    ]  # fmt: skip


def practice_days(store: Store, since: str, offset_minutes: int) -> list[tuple[str, float]]:
    """(local day, seconds practised) since ``since``: streaks and this week.

    Grouped in SQL by the candidate's day (UTC shifted by their offset from UTC), so
    10,000 sessions come back as at most one row a day.
    """
    shift = f"{offset_minutes:+d} minutes"
    with store._errors("read"):
        rows = store.conn.execute(
            "SELECT date(practised_at, ?), SUM(seconds) FROM session_scores"
            " WHERE practised_at >= ? AND typeof(seconds) IN ('real', 'integer')"
            " AND seconds BETWEEN 0 AND 1e9 GROUP BY 1",
            (shift, since),
        ).fetchall()
    return [(str(r[0]), float(r[1])) for r in rows if r[0] is not None]


@dataclass(frozen=True)
class CardRow:
    case_id: str
    point_id: str
    card: str  # the scheduler's card as JSON; may be corrupt (then rebuilt from the log)
    due: str


@dataclass(frozen=True)
class LogRow:
    rating: int
    source: str
    session_id: str | None
    at: str


@dataclass(frozen=True)
class Rated:
    """One point's rating from one session, to be kept in the review log."""

    point_id: str
    rating: int


def save_score(
    store: Store,
    row: ScoreRow,
    key: str,
    at: str,
    ratings: Sequence[Rated],
    rated_at: str,
) -> list[str]:
    """Cache a session's score and keep its ratings in the review log, in one transaction.

    Returns the points whose log changed (their cards must be rebuilt). A rating the
    session already gave is left alone, a changed one (an override, an edited case) is
    updated in place, so re-scoring a session never counts it twice.
    """
    session_id, case_id = row.session_id, row.case_id
    changed: list[str] = []
    with store._errors("write to", session_id), store._transaction():
        store.conn.execute(
            "INSERT OR REPLACE INTO session_scores (session_id, key, case_id, mode, practised_at,"
            " seconds, coverage, verdict, data, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                session_id, key, case_id, row.mode, row.practised_at, row.seconds,
                row.coverage, row.verdict, row.data, at,
            ),
        )  # fmt: skip
        known = {
            str(r[0]): (int(r[1]), rating_of(r[2]))
            for r in store.conn.execute(
                "SELECT point_id, id, rating FROM review_log WHERE case_id = ? AND session_id = ?"
                " AND source = ?",
                (case_id, session_id, SESSION_SOURCE),
            )
        }
        for rated in ratings:
            old = known.pop(rated.point_id, None)
            if old is None:
                store.conn.execute(
                    "INSERT INTO review_log (case_id, point_id, rating, source, session_id, at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (case_id, rated.point_id, rated.rating, SESSION_SOURCE, session_id, rated_at),
                )
            elif old[1] != rated.rating:
                store.conn.execute(
                    "UPDATE review_log SET rating = ? WHERE id = ?", (rated.rating, old[0])
                )
            else:
                continue
            changed.append(rated.point_id)
        for point_id, (row_id, _) in known.items():  # no longer rated by this session
            store.conn.execute("DELETE FROM review_log WHERE id = ?", (row_id,))
            changed.append(point_id)
    return changed


def rating_of(value: object) -> int:
    """A stored rating as an int; anything else (text, a blob, a float) is 0, which no
    rating is, so the scheduler skips it and ``save_score`` rewrites it."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def point_log(store: Store, case_id: str, point_id: str) -> list[LogRow]:
    """A point's ratings in the order they happened (ties: in the order they were kept)."""
    with store._errors("read"):
        rows = store.conn.execute(
            "SELECT rating, source, session_id, at FROM review_log"
            " WHERE case_id = ? AND point_id = ? ORDER BY at, id",
            (case_id, point_id),
        ).fetchall()
    return [
        LogRow(rating_of(r[0]), str(r[1]), r[2] if isinstance(r[2], str) else None, str(r[3]))
        for r in rows
    ]


def put_cards(store: Store, cards: Iterable[CardRow], updated_at: str) -> None:
    with store._errors("write to"), store._transaction():
        store.conn.executemany(
            "INSERT OR REPLACE INTO review_cards (case_id, point_id, card, due, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [(c.case_id, c.point_id, c.card, c.due, updated_at) for c in cards],
        )


def review(store: Store, card: CardRow, rating: int, at: str) -> None:
    """One rating given in ``mlsd review``: logged and the card moved, in one transaction."""
    with store._errors("write to"), store._transaction():
        store.conn.execute(
            "INSERT INTO review_log (case_id, point_id, rating, source, session_id, at)"
            " VALUES (?, ?, ?, ?, NULL, ?)",
            (card.case_id, card.point_id, rating, REVIEW_SOURCE, at),
        )
        store.conn.execute(
            "INSERT OR REPLACE INTO review_cards (case_id, point_id, card, due, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (card.case_id, card.point_id, card.card, card.due, at),
        )


def rename_point(store: Store, case_id: str, old: str, new: str) -> None:
    """A point merged into another (``aliases``): its history becomes the survivor's."""
    with store._errors("write to"), store._transaction():
        store.conn.execute(
            "UPDATE review_log SET point_id = ? WHERE case_id = ? AND point_id = ?",
            (new, case_id, old),
        )
        store.conn.execute(
            "DELETE FROM review_cards WHERE case_id = ? AND point_id = ?", (case_id, old)
        )


def cards(store: Store, due_before: str | None = None) -> list[CardRow]:
    """Every card, or those due before a time, soonest first."""
    sql = "SELECT case_id, point_id, card, due FROM review_cards"
    args: tuple[str, ...] = ()
    if due_before is not None:
        sql += " WHERE due < ?"
        args = (due_before,)
    with store._errors("read"):
        rows = store.conn.execute(sql + " ORDER BY due, case_id, point_id", args).fetchall()
    return [CardRow(str(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]


def card_points(store: Store) -> dict[str, set[str]]:
    """Case id -> the point ids that have a card or a logged rating."""
    out: dict[str, set[str]] = {}
    with store._errors("read"):
        for r in store.conn.execute(
            "SELECT case_id, point_id FROM review_cards"
            " UNION SELECT case_id, point_id FROM review_log"
        ):
            out.setdefault(str(r[0]), set()).add(str(r[1]))
    return out


def lapses(store: Store) -> dict[tuple[str, str], int]:
    """(case, point) -> how many times it was missed (rated Again), sessions and reviews."""
    with store._errors("read"):
        rows = store.conn.execute(
            "SELECT case_id, point_id, COUNT(*) FROM review_log WHERE rating = 1"
            " GROUP BY case_id, point_id"
        ).fetchall()
    return {(str(r[0]), str(r[1])): int(r[2]) for r in rows}


# A ``due`` that is not a real fixed-width UTC time (an integer, "soon", 2025-02-30):
# such a card would compare as always due or never due, and cannot be printed as a time.
_BAD_DUE = (
    "typeof(due) != 'text' OR due < '0001'"
    " OR strftime('%Y-%m-%dT%H:%M:%S', due, '+0 days') IS NOT due"
)


def malformed_cards(store: Store) -> list[tuple[str, str]]:
    """(case, point) of every card whose ``due`` is broken: corrupt, rebuilt from its log
    (``rename_point`` to itself drops one that has no log)."""
    with store._errors("read"):
        rows = store.conn.execute(f"SELECT case_id, point_id FROM review_cards WHERE {_BAD_DUE}")
        return [(str(r[0]), str(r[1])) for r in rows]


# The cache's tables as ``overlay`` copies them: the same columns, types and keys.
_OVERLAY = {
    "session_scores": (
        "session_id TEXT, key TEXT, case_id TEXT, mode TEXT, practised_at TEXT, seconds REAL,"
        " coverage REAL, verdict TEXT, data TEXT, at TEXT",
        "session_id",
    ),
    "review_cards": (
        "case_id TEXT, point_id TEXT, card TEXT, due TEXT, updated_at TEXT",
        "case_id, point_id",
    ),
    "review_log": (
        "id INTEGER, case_id TEXT, point_id TEXT, rating INTEGER, source TEXT,"
        " session_id TEXT, at TEXT",
        "id",
    ),
}


def overlay(store: Store) -> None:
    """Keep this connection's cache writes in memory: another mlsd holds the write lock.

    TEMP tables of the same names shadow the stored ones on this connection (SQLite looks
    in ``temp`` first), start as copies of them (a read: WAL allows it beside a writer)
    and need no lock: every query here runs unchanged and sees the scores just worked
    out, and nothing reaches the file. They go with the connection or ``drop_overlay``.
    """
    with store._errors("read"), store.conn:
        store.conn.execute("PRAGMA temp_store = MEMORY")
        for table, (columns, key) in _OVERLAY.items():
            names = ", ".join(c.split()[0] for c in columns.split(", "))
            store.conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
            store.conn.execute(f"CREATE TEMP TABLE {table} ({columns}, PRIMARY KEY ({key}))")
            store.conn.execute(f"INSERT INTO temp.{table} SELECT {names} FROM main.{table}")


def overlaid(store: Store) -> bool:
    """Whether this connection's cache writes are being kept in memory (``overlay``)."""
    sql = "SELECT COUNT(*) FROM temp.sqlite_master WHERE name = 'session_scores'"
    with store._errors("read"):
        return bool(store.conn.execute(sql).fetchone()[0])


def drop_overlay(store: Store) -> None:
    """Write to the stored tables again (a review's ratings must be kept)."""
    with store._errors("read"):
        for table in _OVERLAY:
            store.conn.execute(f"DROP TABLE IF EXISTS temp.{table}")


def review_days(store: Store, since: str, offset_minutes: int) -> list[tuple[str, int]]:
    """(local day, cards rated) in ``mlsd review`` since ``since`` (streaks, this week)."""
    with store._errors("read"):
        rows = store.conn.execute(
            "SELECT date(at, ?), COUNT(*) FROM review_log WHERE source = ? AND at >= ? GROUP BY 1",
            (f"{offset_minutes:+d} minutes", REVIEW_SOURCE, since),
        ).fetchall()
    return [(str(r[0]), int(r[1])) for r in rows if r[0] is not None]


def session_cards(store: Store, session_id: str) -> list[tuple[int, str]]:
    """(the session's rating, the card's due time) for every point the session rated."""
    with store._errors("read"):
        rows = store.conn.execute(
            "SELECT l.rating, c.due FROM review_log l JOIN review_cards c"
            " ON c.case_id = l.case_id AND c.point_id = l.point_id"
            " WHERE l.session_id = ? AND l.source = ?",
            (session_id, SESSION_SOURCE),
        ).fetchall()
    return [(rating_of(r[0]), str(r[1])) for r in rows]
