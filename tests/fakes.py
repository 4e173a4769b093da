"""Small stand-ins shared by the session, interview and scorecard tests."""

from __future__ import annotations

STEPS = ["requirements", "data", "features", "model", "metrics", "serving", "monitoring"]


class FakeClock:
    """A clock that only moves when a test moves it."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
