"""The AI judge's cache (table ``judgements``, migration 4): SQL only.

A row is one step's parsed reply, keyed by a hash of everything the verdict depends on
(model, prompt version, the case's rubric, the candidate's text), so re-scoring the
same answers is instant, free and works offline. Rows are never edited; a changed answer
or prompt is a new key. Each write is its own committed transaction, like every other.
"""

from __future__ import annotations

from mlsd.log.store import Store, now


def cached(store: Store, key: str) -> str | None:
    with store._errors("read"):
        row = store.conn.execute("SELECT data FROM judgements WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def remember(store: Store, key: str, model: str, prompt_version: str, data: str) -> None:
    with store._errors("write to"), store._transaction():
        store.conn.execute(
            "INSERT OR REPLACE INTO judgements (key, model, prompt_version, data, at)"
            " VALUES (?, ?, ?, ?, ?)",
            (key, model, prompt_version, data, now()),
        )


def count(store: Store) -> int:
    with store._errors("read"):
        return int(store.conn.execute("SELECT COUNT(*) FROM judgements").fetchone()[0])
