"""A Prompter that plays a candidate from a script, for in-process session tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mlsd.cases.brief import CaseBrief
from mlsd.practice.flow import StepCard
from mlsd.run.lifecycle import Choice


class ScriptExhausted(AssertionError):
    pass


@dataclass
class ScriptedPrompter:
    """Each reply is a string (typed text or a choice value), a callable returning one,
    or an exception to raise."""

    replies: list[Any]
    shown: list[tuple[str, Any]] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    defaults: list[str] = field(default_factory=list)
    edited: Callable[[str], str] | None = None

    def _next(self, kind: str, detail: Any) -> str:
        self.shown.append((kind, detail))
        if not self.replies:
            raise ScriptExhausted(f"no scripted reply for {kind}: {detail!r}")
        reply = self.replies.pop(0)
        if isinstance(reply, BaseException) or (
            isinstance(reply, type) and issubclass(reply, BaseException)
        ):
            raise reply
        if callable(reply):  # a reply that does something first, e.g. lets time pass
            reply = reply()
        return str(reply)

    def select(self, message: str, choices: Sequence[Choice]) -> str:
        values = [c.value for c in choices]
        reply = self._next("select", (message, values))
        assert reply in values, f"{reply!r} is not one of {values}"
        return reply

    def answer(
        self, message: str, *, default: str = "", status: Callable[[], str] | None = None
    ) -> str:
        if status is not None:
            self.statuses.append(status())
        self.defaults.append(default)
        return self._next("answer", message)

    def line(self, message: str) -> str:
        return self._next("line", message)

    def edit(self, text: str) -> str:
        self.shown.append(("edit", text))
        assert self.edited is not None, "no editor scripted"
        return self.edited(text)

    def opening(
        self, brief: CaseBrief, level: str, minutes: float, resumed: bool, *, drill: bool = False
    ) -> None:
        self.shown.append(("opening", resumed))

    def step(self, card: StepCard) -> None:
        self.shown.append(("step", card))

    def interviewer(self, text: str, *, question: str | None = None) -> None:
        self.shown.append(("interviewer", text))

    def hint(self, index: int, total: int, text: str) -> None:
        self.shown.append(("hint", (index, total, text)))

    def note(self, text: str) -> None:
        self.shown.append(("note", text))

    def kinds(self, kind: str) -> list[Any]:
        return [d for k, d in self.shown if k == kind]
