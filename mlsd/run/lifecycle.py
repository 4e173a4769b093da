"""What every run of a session shares, practice, drill and interview alike.

A run owns a session in the store: it commits each event the moment it happens,
re-reads the one projection after every write, times the step in progress, and on an
interruption keeps the time spent and marks the session paused. The flows in
``practice`` and ``interview`` add their own steps on top; the lifecycle is here once.

When the store refuses a write (full disk, a lock held past the busy timeout, the
session deleted elsewhere), what the user typed and the time on the running step go to
a recovery file (``log.recovery``) instead of being lost with the exception; the run
stops trying the store, and the next resume puts the text back.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from mlsd._util.program import command
from mlsd._util.timer import StepTimer
from mlsd.cases.brief import step_budgets
from mlsd.cases.models import Case, Framework
from mlsd.errors import MlsdError
from mlsd.log import events as ev
from mlsd.log import recovery
from mlsd.log.failures import SessionGoneError
from mlsd.log.records import SessionRecord
from mlsd.log.recovery import Kept, KeptAnswer, KeptEvent, UnsavedError
from mlsd.log.store import Store

DEFAULT_REPLY = (
    "That's not something I have a specific answer for. Make a reasonable assumption, "
    "state it, and move on."
)

# Events worth keeping when the store refuses them: typed text, the interviewer's
# ticks, and time spent. The rest (a hint shown, a step entered) is redone on resume.
RECOVERABLE = (
    ev.Draft,
    ev.FollowUp,
    ev.Note,
    ev.Rating,
    ev.Clarification,
    ev.Tick,
    ev.Untick,
    ev.Time,
    ev.Diagram,
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
        self._failed: MlsdError | None = None  # the store's first refusal in this run

    def commit(self, payload: ev.Payload, step_id: str | None = None) -> None:
        """Append one event, committed on its own, and re-read the session."""
        kept = KeptEvent(payload, step_id) if isinstance(payload, RECOVERABLE) else None
        self._write(lambda: self.store.add_event(self.session_id, payload, step_id), kept)
        self.refresh()

    def save_answer(self, step_id: str, text: str) -> None:
        """Commit a new revision of a step's answer (kept for recovery if refused)."""
        self._write(
            lambda: self.store.save_answer(self.session_id, step_id, text),
            KeptAnswer(step_id, text),
        )

    def set_status(self, status: ev.Status) -> None:
        self._write(lambda: self.store.set_status(self.session_id, status), None)

    def refresh(self) -> None:
        self.record = self.store.load(self.session_id)

    def begin(self, resumed: bool) -> str | None:
        """Mark the run started (or resumed) and the session active.

        Returns a line for the user when text kept from an earlier failed save was put
        back into the session.
        """
        restored = self._restore()
        if self.record.status == "paused":
            self.set_status("active")
        self.commit(ev.Resume() if resumed else ev.Start())
        return restored

    def pause(self) -> Outcome:
        self.stop_clock()
        self.set_status("paused")
        self.commit(ev.Pause())
        return Outcome(self.record, paused=True)

    def finish(self) -> Outcome:
        self.stop_clock()
        self.commit(ev.Finish())
        self.set_status("finished")
        self.refresh()
        return Outcome(self.record, paused=False)

    def interrupted(self) -> SessionRecord:
        """Ctrl-C, Ctrl-D, SIGTERM or SIGHUP: keep the time spent; mark the session paused.

        After the store has refused a write, the time goes to the recovery file and the
        store is not tried again (a locked one would make the user wait once more).
        """
        self.stop_clock()
        if self._failed is None:
            self.set_status("paused")
            self.refresh()
        return self.record

    # -- when the store refuses -----------------------------------------------------------

    def _write(self, write: Callable[[], object], kept: Kept | None) -> None:
        if self._failed is None:
            try:
                write()
                return
            except MlsdError as exc:  # StoreError, SessionGoneError
                self._failed = exc
        entries = [kept] if kept is not None else []
        running = self.timer.stop()
        if running is not None:
            entries.append(KeptEvent(ev.Time(seconds=running[1]), running[0]))
        if not entries:
            raise self._failed
        raise self._keep(self._failed, entries)

    def _keep(self, reason: MlsdError, entries: list[Kept]) -> UnsavedError:
        """Put ``entries`` in the recovery file and say where; the screen is the last resort."""
        what = self._describe(entries)
        typed = [t for t in (recovery.text_of(e) for e in entries) if t.strip()]
        try:
            path = recovery.keep(self.session_id, entries)
        except OSError as exc:
            if not typed:
                return UnsavedError(f"{reason.message}\n{what} could not be kept.")
            shown = "\n\n".join(typed)
            return UnsavedError(
                f"{reason.message}\n{what} could not be saved, nor kept in a recovery file "
                f"({exc.strerror or exc}). Here it is; copy it somewhere safe now:\n\n{shown}\n"
            )
        if isinstance(reason, SessionGoneError):
            return UnsavedError(
                f"{reason.message}\n{what} is kept in {path}; open it to copy the text out."
            )
        return UnsavedError(
            f"{reason.message}\n{what} was not saved, but it is kept in {path}. It comes back "
            f"when you run: {command('resume', self.session_id[:8])}"
        )

    def _describe(self, entries: list[Kept]) -> str:
        for entry in entries:
            said = self._what(entry)
            if said:
                return said[0].upper() + said[1:]
        return "The time spent on this step"

    def _what(self, entry: Kept) -> str:
        """What an entry is, in the user's words ("" for time spent)."""
        title = self._title(entry.step_id)
        if isinstance(entry, KeptAnswer):
            return f"your answer to {title}"
        p = entry.payload
        if isinstance(p, ev.Draft):
            return f"your unsubmitted answer to {title}"
        if isinstance(p, ev.FollowUp) and p.answer:
            return f"your follow-up answer in {title}"
        if isinstance(p, ev.Note):
            return "your note"
        if isinstance(p, ev.Rating):
            return "your rating" + (" and its reason" if p.justification else "")
        if isinstance(p, ev.Clarification):
            return "a clarifying question"
        if isinstance(p, (ev.Tick, ev.Untick)):
            return f"your ticks in {title}"
        return ""

    def _title(self, step_id: str | None) -> str:
        if step_id in self.framework.step_ids:
            return self.framework.step(step_id).title
        return step_id or "the session"

    def _restore(self) -> str | None:
        """Put text kept by an earlier failed save back into the session, in one transaction."""
        found = recovery.load(self.session_id)
        if found is None:
            return None
        try:
            with self.store.batch():
                for entry in found.entries:
                    if isinstance(entry, KeptAnswer):
                        base = self.record.revisions(entry.step_id)
                        draft = ev.Draft(text=entry.text, base_revision=base)
                        self.store.add_event(self.session_id, draft, entry.step_id)
                    else:
                        self.store.add_event(self.session_id, entry.payload, entry.step_id)
        except MlsdError as exc:
            raise MlsdError(
                f"{exc.message}\nThe text kept from last time is still in {found.files[0]}."
            ) from None
        recovery.clear(found)
        self.refresh()
        said = [w for w in (self._what(e) for e in found.entries) if w]
        if any(isinstance(e, KeptAnswer) or isinstance(e.payload, ev.Draft) for e in found.entries):
            said.append("the answer is back in its box")
        return f"Restored what could not be saved last time ({', '.join(said) or 'time spent'})."

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
