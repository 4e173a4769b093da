"""What every run of a session shares, practice, drill and interview alike.

A run owns a session in the store: it commits each event the moment it happens,
re-reads the one projection after every write, times the step in progress, and on an
interruption keeps the time spent and marks the session paused. The flows in
``practice`` and ``interview`` add their own steps on top; the lifecycle is here once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from mlsd._util.timer import StepTimer
from mlsd.cases.brief import step_budgets
from mlsd.cases.models import Case, Framework
from mlsd.log import events as ev
from mlsd.log.records import SessionRecord
from mlsd.log.store import Store

DEFAULT_REPLY = (
    "That's not something I have a specific answer for. Make a reasonable assumption, "
    "state it, and move on."
)


@dataclass(frozen=True)
class Choice:
    """One option of a menu: the value returned, the label shown."""

    value: str
    label: str


@dataclass
class Outcome:
    record: SessionRecord
    paused: bool


class Run:
    """One session being run in this terminal, new or resumed."""

    def __init__(
        self,
        store: Store,
        session_id: str,
        case: Case,
        framework: Framework,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.session_id = session_id
        self.case = case
        self.framework = framework
        self.record = store.load(session_id)
        self.budgets = step_budgets(framework, self.record.minutes or None)
        self.timer = StepTimer(clock)

    def commit(self, payload: ev.Payload, step_id: str | None = None) -> None:
        """Append one event, committed on its own, and re-read the session."""
        self.store.add_event(self.session_id, payload, step_id)
        self.refresh()

    def refresh(self) -> None:
        self.record = self.store.load(self.session_id)

    def begin(self, resumed: bool) -> None:
        """Mark the run started (or resumed) and the session active."""
        if self.record.status == "paused":
            self.store.set_status(self.session_id, "active")
        self.commit(ev.Resume() if resumed else ev.Start())

    def pause(self) -> Outcome:
        self.stop_clock()
        self.store.set_status(self.session_id, "paused")
        self.commit(ev.Pause())
        return Outcome(self.record, paused=True)

    def finish(self) -> Outcome:
        self.stop_clock()
        self.commit(ev.Finish())
        self.store.set_status(self.session_id, "finished")
        self.refresh()
        return Outcome(self.record, paused=False)

    def interrupted(self) -> SessionRecord:
        """Ctrl-C, Ctrl-D, SIGTERM or SIGHUP: keep the time spent; mark the session paused."""
        self.stop_clock()
        self.store.set_status(self.session_id, "paused")
        return self.store.load(self.session_id)

    # -- the clock ----------------------------------------------------------------------

    def start_clock(self, step_id: str) -> None:
        self.timer.start(step_id)

    def stop_clock(self) -> None:
        stopped = self.timer.stop()
        if stopped is not None:
            step_id, seconds = stopped
            self.commit(ev.Time(seconds=seconds), step_id)

    def elapsed(self, step_id: str | None = None) -> float:
        """Seconds on one step (or, with None, on all of them), the running one included."""
        if step_id is None:
            return sum(self.record.seconds.values()) + self.timer.running()
        return self.record.seconds.get(step_id, 0.0) + self.timer.running(step_id)
