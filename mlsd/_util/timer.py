"""Time spent on the step in progress, shared by practice sessions and interviews.

Only the running stretch lives here; finished stretches are ``time`` events in the
store, so a paused or killed session never counts the time it was away.
"""

from __future__ import annotations

from collections.abc import Callable


class StepTimer:
    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.step: str | None = None
        self._started = 0.0

    def start(self, step_id: str) -> None:
        self.step = step_id
        self._started = self._clock()

    def stop(self) -> tuple[str, float] | None:
        """End the running stretch: (step id, seconds), or None when nothing was running."""
        if self.step is None:
            return None
        spent = max(0.0, self._clock() - self._started)
        step_id, self.step = self.step, None
        return step_id, round(spent, 3)

    def running(self, step_id: str | None = None) -> float:
        """Seconds of the running stretch, if it is on ``step_id`` (any step when None)."""
        if self.step is None or (step_id is not None and step_id != self.step):
            return 0.0
        return self._clock() - self._started
