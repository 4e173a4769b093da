"""What SQLite's failures mean to the user, and writes that a signal cannot cut in half.

Kept apart from the store's SQL: every statement the store runs goes through
``sqlite_errors``, which turns an ``sqlite3`` exception into a message that says what
really happened (locked, full, read-only, deleted elsewhere, damaged), and every
committed write runs inside ``signals_held``.
"""

from __future__ import annotations

import signal
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mlsd.errors import SessionNotFoundError, StoreError

# Signals that stop a run. A write in progress finishes before one of them is handled,
# so an interruption never rolls back the answer being committed.
_STOPPING = frozenset(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class SessionGoneError(SessionNotFoundError):
    """The session was deleted (from another terminal) while this one was using it."""


class StoreBusyError(StoreError):
    """Another mlsd holds the write lock past the busy timeout: a read can still go on."""


def gone_message(session_id: str = "") -> str:
    which = f"session {session_id[:8]}" if session_id else "this session"
    return f"{which} is no longer in the database: it was deleted (from another terminal?)"


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP until the enclosed commit is done.

    Their handlers raise an exception wherever Python happens to be; inside a write that
    would roll back the answer being saved. While the block runs, each of them is only
    noted, and once the transaction has committed (or failed) it is raised again for the
    handler that was there before. Swapping the Python-level handlers, rather than
    masking the signals, works whichever thread the kernel delivers a signal to: Python
    runs signal handlers in the main thread, and only the main thread can swap them.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    noted: list[int] = []

    def note(signum: int, frame: object) -> None:
        noted.append(signum)

    before = {signum: signal.signal(signum, note) for signum in _STOPPING}
    try:
        yield
    finally:
        for signum, handler in before.items():
            # None: a handler installed outside Python; the default is the honest fallback
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        for signum in dict.fromkeys(noted):
            signal.raise_signal(signum)


@contextmanager
def sqlite_errors(path: Path, doing: str, session_id: str = "") -> Iterator[None]:
    """``sqlite3`` errors in the block become ``StoreError`` with an accurate message."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        text = str(exc)
        if "locked" in text or "busy" in text:
            raise StoreBusyError(
                f"{path} is locked by another running mlsd; finish or close it and try again."
            ) from None
        if "readonly" in text or "read-only" in text:
            raise StoreError(f"{path} is read-only; set MLSD_HOME to a writable folder.") from None
        if "full" in text:
            raise StoreError(
                f"cannot {doing} {path}: the disk is full ({text}). Free some space and try again."
            ) from None
        if "unable to open" in text:
            # WAL mode needs to create mlsd.db-wal and -shm beside it: typically the
            # folder (or the whole disk) is read-only.
            raise StoreError(
                f"cannot {doing} {path}: {text}. Set MLSD_HOME to a writable folder."
            ) from None
        raise StoreError(f"cannot {doing} {path}: {text}") from None
    except sqlite3.IntegrityError as exc:
        if "FOREIGN KEY" in str(exc):
            # The only references are to the session: it is no longer there.
            raise SessionGoneError(gone_message(session_id)) from None
        raise StoreError(f"cannot {doing} {path}: {exc}") from None
    except sqlite3.DatabaseError as exc:
        if not _corrupt(exc):
            # A healthy database refusing one statement: say what failed, and do not
            # send the user off to move a good file aside.
            raise StoreError(f"cannot {doing} {path}: {exc}") from None
        raise StoreError(
            f"{path} is not a usable mlsd database ({exc}). Move it aside to start afresh; "
            "it was not changed."
        ) from None


def _corrupt(exc: sqlite3.DatabaseError) -> bool:
    """A file that is not a database, or a damaged one: the cases where moving it helps."""
    text = str(exc)
    return type(exc) is sqlite3.DatabaseError or "malformed" in text or "not a database" in text
