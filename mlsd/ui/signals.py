"""SIGTERM and SIGHUP take Ctrl-C's route: what was typed is kept and the run is paused.

While a question is open, prompt_toolkit owns the terminal and Ctrl-C is a key press
that our binding turns into ``Interrupted(draft)``. A signal is not a key press: left to
Python's default it kills the process (SIGTERM, SIGHUP) and the half-typed answer with
it. So every prompt is asked through ``ask``, which tells the handler which application
is open and how to read what is on screen; the handler captures that at once (when the
terminal has been closed, the next read is an EOF that would win the race), then asks
the application to exit with it, as the Ctrl-C binding would. Outside a prompt it raises
the same exception directly; the store holds signals back while it commits, so that
cannot cut a write in half.

A run stopped by a signal exits with 128 + the signal's number (143 for SIGTERM, 129
for SIGHUP), as a shell reports a process ended by that signal; Ctrl-C exits 130.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)
QUIET_SIGNALS = (signal.SIGINT, *STOP_SIGNALS)


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (or a signal) during an answer, carrying the text typed so far."""

    def __init__(self, draft: str) -> None:
        super().__init__()
        self.draft = draft


Snapshot = Callable[[], KeyboardInterrupt]


@dataclass(frozen=True)
class _Live:
    app: Any  # prompt_toolkit's Application; untyped there for its generic result
    snapshot: Snapshot


_live: list[_Live] = []  # the question open now (a stack: one prompt at a time in practice)


def ask(question: Any, snapshot: Snapshot | None = None) -> Any:
    """``question.unsafe_ask()``, with the question known to the signal handler.

    ``snapshot`` builds what Ctrl-C would raise in this prompt (with the draft or the
    ticks on screen); without one, a signal carries no text, as Ctrl-C would not.
    """
    _live.append(_Live(question.application, snapshot or (lambda: Interrupted(""))))
    try:
        return question.unsafe_ask()
    finally:
        _live.pop()


@dataclass
class Caught:
    """What a signal did during a run: which one, and the interrupt it stood for."""

    signum: int | None = None
    stop: KeyboardInterrupt | None = None
    _saved: dict[int, Any] = field(default_factory=dict)

    def quiet(self) -> None:
        """No second Ctrl-C or signal may cut the save short: ignore them from now on."""
        if threading.current_thread() is not threading.main_thread():
            return
        for signum in QUIET_SIGNALS:
            self._saved.setdefault(signum, signal.getsignal(signum))
            signal.signal(signum, signal.SIG_IGN)


@contextmanager
def signals_interrupt() -> Iterator[Caught]:
    """Within the block, SIGTERM and SIGHUP interrupt like Ctrl-C (see the module doc)."""
    caught = Caught()
    if threading.current_thread() is not threading.main_thread():
        yield caught  # only the main thread can install handlers
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        caught.signum = signum
        caught.quiet()
        live = _live[-1] if _live else None
        stop = live.snapshot() if live is not None else Interrupted("")
        caught.stop = stop
        if live is not None and _exit_soon(live.app, stop):
            return
        raise stop

    for signum in STOP_SIGNALS:
        caught._saved.setdefault(signum, signal.getsignal(signum))
        signal.signal(signum, handler)
    try:
        yield caught
    finally:
        for signum, previous in caught._saved.items():
            signal.signal(signum, previous)


def _exit_soon(app: Any, stop: KeyboardInterrupt) -> bool:
    """Ask a running application to exit with ``stop``, from its own event loop.

    The handler runs between two bytecodes of whatever prompt_toolkit was doing; exiting
    from the loop instead lets it restore the terminal as it does for Ctrl-C.
    """
    loop = getattr(app, "loop", None)
    future = getattr(app, "future", None)
    if loop is None or loop.is_closed() or future is None or future.done():
        return False

    def exit_app() -> None:
        if app.future is not None and not app.future.done():
            app.exit(exception=stop, style="class:aborting")

    loop.call_soon_threadsafe(exit_app)
    return True
