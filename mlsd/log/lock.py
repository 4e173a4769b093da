"""One session open in one terminal at a time.

Two terminals running one session would both count its time and interleave answers.
``practice``, ``resume`` and ``interview`` hold an exclusive ``flock`` on
``$MLSD_HOME/locks/<session>.lock`` while they run; the file says who holds it (pid,
host, since when) so that a second terminal can be told. The kernel drops the lock when
its process dies, however it dies, so a crashed run never blocks a resume. Taking over
asks the holder to stop with SIGTERM, which it handles like Ctrl-C (saving what was
typed), then waits for the lock.

The lock lives in a file, not in the database, because it has to work exactly when the
database cannot take a write (full, or locked by someone else).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType

from mlsd._util import paths
from mlsd._util.program import command
from mlsd.errors import MlsdError

try:
    import fcntl
except ImportError:  # Windows: no flock; runs there are not locked
    fcntl = None  # type: ignore[assignment]  # checked before every use

TAKE_OVER_SECONDS = 20.0  # the holder may need the store's 5 s busy timeout to save
POLL_SECONDS = 0.05


class SessionBusyError(MlsdError):
    """The session is open in another terminal."""


@dataclass(frozen=True)
class Holder:
    pid: int
    host: str
    since: str

    def describe(self) -> str:
        if not self.pid:
            return "another mlsd"
        where = "" if self.host == socket.gethostname() else f" on {self.host}"
        return f"mlsd (pid {self.pid}{where}, since {self.since})"


class SessionLock:
    """A held lock; ``release`` (or leaving the ``with``) lets go of it."""

    def __init__(self, path: Path, fd: int | None) -> None:
        self.path = path
        self._fd = fd

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is None:
            return
        # Unlink while still holding it: a waiter that then gets the lock on the old
        # file notices the file is gone and starts again on a fresh one.
        with contextlib.suppress(OSError):
            if self.path.stat().st_ino == os.fstat(self._fd).st_ino:
                self.path.unlink()
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> SessionLock:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


def lock_path(session_id: str) -> Path:
    return paths.home_dir() / "locks" / f"{session_id}.lock"


def acquire(
    session_id: str,
    *,
    take_over: bool = False,
    resume_hint: str = "",
    stop: Callable[[int, int], None] = os.kill,
    wait: float = TAKE_OVER_SECONDS,
) -> SessionLock:
    """Hold the session, or say who does.

    Without ``take_over`` a held session is refused at once, naming the holder; with it,
    a holder on this machine is sent SIGTERM and waited for. When no lock file can be
    made at all (a full or read-only disk), the run goes ahead unlocked: losing the
    user's typing to a courtesy would be the worse failure.
    """
    path = lock_path(session_id)
    short = session_id[:8]
    if fcntl is None:
        return SessionLock(path, None)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return SessionLock(path, None)
    deadline: float | None = None
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return SessionLock(path, None)
        if _try_lock(fd):
            if _same_file(fd, path):
                _write_holder(fd)
                return SessionLock(path, fd)
            os.close(fd)  # released and unlinked meanwhile: lock the new file
            continue
        holder = _read_holder(fd)
        os.close(fd)
        if not take_over:
            raise SessionBusyError(
                f"session {short} is open in another terminal: {holder.describe()}. "
                "Finish or pause it there, or take it over here with: "
                f"{resume_hint or command('resume', short)} --take-over "
                "(the other terminal saves what it has and stops)."
            )
        if deadline is None:
            _ask_to_stop(holder, short, stop)
            deadline = time.monotonic() + wait
        elif time.monotonic() > deadline:
            raise SessionBusyError(
                f"{holder.describe()} did not let go of session {short} within {wait:.0f} s. "
                f"Stop it yourself (kill {holder.pid}) and try again."
                if holder.pid
                else f"session {short} is still held by another mlsd; stop it and try again."
            )
        time.sleep(POLL_SECONDS)


def _ask_to_stop(holder: Holder, short: str, stop: Callable[[int, int], None]) -> None:
    if holder.host and holder.host != socket.gethostname():
        raise SessionBusyError(
            f"session {short} is open on another machine: {holder.describe()}. "
            "--take-over can only stop an mlsd on this machine; finish or pause it there."
        )
    if holder.pid and holder.pid != os.getpid():
        with contextlib.suppress(ProcessLookupError, PermissionError):
            stop(holder.pid, signal.SIGTERM)


def _try_lock(fd: int) -> bool:
    assert fcntl is not None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _same_file(fd: int, path: Path) -> bool:
    try:
        return path.stat().st_ino == os.fstat(fd).st_ino
    except OSError:
        return False


def _write_holder(fd: int) -> None:
    info = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "since": datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    with contextlib.suppress(OSError):  # a full disk: the lock holds, unnamed
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)


def _read_holder(fd: int) -> Holder:
    try:
        data = json.loads(os.pread(fd, 4096, 0).decode("utf-8"))
    except (OSError, ValueError):
        return Holder(0, "", "")
    if not isinstance(data, dict):
        return Holder(0, "", "")
    pid, host, since = data.get("pid"), data.get("host"), data.get("since")
    return Holder(
        pid if isinstance(pid, int) else 0,
        host if isinstance(host, str) else "",
        since if isinstance(since, str) else "",
    )
