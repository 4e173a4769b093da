"""An ``Interviewer`` that plays the interviewer from a script, for in-process tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mlsd.interview.checklist import Evidence
from mlsd.interview.script import Opening, RatingScreen, ReadOut, StepScreen
from mlsd.log.records import RatingEntry as Rating
from mlsd.run.lifecycle import Choice
from tests.scripted import ScriptExhausted


class Interrupt(KeyboardInterrupt):
    """Ctrl-C as the real prompts raise it: carrying a draft or the open ticks."""

    def __init__(self, draft: str = "", checked: list[str] | None = None) -> None:
        super().__init__()
        self.draft = draft
        self.checked = checked


@dataclass
class ScriptedInterviewer:
    """Each reply is a choice value, typed text, a list of values left ticked (for a
    checklist), a callable ``(choices) -> reply``, or an exception to raise."""

    replies: list[Any]
    shown: list[tuple[str, Any]] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    menus: list[list[Choice]] = field(default_factory=list)

    def _next(self, kind: str, detail: Any, choices: Sequence[Choice] = ()) -> Any:
        self.shown.append((kind, detail))
        if not self.replies:
            raise ScriptExhausted(f"no scripted reply for {kind}: {detail!r}")
        reply = self.replies.pop(0)
        if callable(reply) and not isinstance(reply, type):
            reply = reply(list(choices))
        if isinstance(reply, BaseException) or (
            isinstance(reply, type) and issubclass(reply, BaseException)
        ):
            raise reply
        return reply

    def select(
        self,
        message: str,
        choices: Sequence[Choice],
        *,
        default: str | None = None,
        status: Callable[[], str] | None = None,
        shortcuts: bool = False,
    ) -> str:
        if status is not None:
            self.statuses.append(status())
        self.menus.append(list(choices))
        values = [c.value for c in choices]
        if default is not None:
            assert default in values, f"default {default!r} is not one of {values}"
        reply = self._next("select", (message, values), choices)
        assert reply in values, f"{reply!r} is not one of {values} ({message})"
        return str(reply)

    def checklist(
        self,
        message: str,
        choices: Sequence[Choice],
        checked: Sequence[str],
        *,
        status: Callable[[], str] | None = None,
    ) -> list[str]:
        values = [c.value for c in choices]
        assert set(checked) <= set(values)
        reply = self._next("checklist", (message, values, list(checked)), choices)
        assert isinstance(reply, list), f"a checklist needs a list, not {reply!r}"
        assert set(reply) <= set(values), f"{reply} not all in {values}"
        return [str(r) for r in reply]

    def line(self, message: str, *, keep_draft: bool = False) -> str:
        return str(self._next("line", message))

    def opening(self, opening: Opening) -> None:
        self.shown.append(("opening", opening))

    def step(self, screen: StepScreen) -> None:
        self.shown.append(("step", screen))

    def read_out(self, said: ReadOut) -> None:
        self.shown.append(("read_out", said))

    def rating(self, screen: RatingScreen) -> None:
        self.shown.append(("rating", screen))

    def ratings(self, rows: Sequence[tuple[str, Rating | None]]) -> None:
        self.shown.append(("ratings", list(rows)))

    def evidence(self, evidence: Evidence, level: str) -> None:
        self.shown.append(("evidence", evidence))

    def note(self, text: str) -> None:
        self.shown.append(("note", text))

    def kinds(self, kind: str) -> list[Any]:
        return [d for k, d in self.shown if k == kind]
