"""The interviewer's terminal: questionary prompts with a live clock, and rich screens.

Every prompt uses ``unsafe_ask()`` so Ctrl-C reaches the one place in the CLI that saves
and prints how to resume. Two things travel with the interrupt so that nothing is lost:
the half-typed text of a note or justification (``.draft``) and the points ticked in an
open checklist (``.checked``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import questionary

from mlsd.interview.checklist import Evidence
from mlsd.interview.script import Opening, RatingScreen, ReadOut, StepScreen
from mlsd.log.records import RatingEntry
from mlsd.run.lifecycle import Choice
from mlsd.ui import interview_view
from mlsd.ui.prompts import QuestionaryTerminal, _keep_draft_on_ctrl_c, draft_of
from mlsd.ui.signals import Interrupted, ask

REFRESH_SECONDS = 1.0


class ChecklistInterrupted(KeyboardInterrupt):
    """Ctrl-C in the checklist, carrying the values ticked on screen so far."""

    def __init__(self, checked: list[str]) -> None:
        super().__init__()
        self.checked = checked


class _LiveMessage(str):
    """A prompt message whose text is recomputed at every redraw.

    questionary builds the prompt line with ``" {} ".format(message)`` each time it
    draws, and ``refresh_interval`` redraws every second, so the clock in the message
    keeps running while the menu waits. Anything that reads it as a plain ``str`` still
    gets the static text.
    """

    render: Callable[[], str]

    def __new__(cls, text: str, render: Callable[[], str]) -> _LiveMessage:
        live = super().__new__(cls, text)
        live.render = render
        return live

    def __format__(self, spec: str) -> str:
        return format(self.render(), spec)


def _inquirer_control(question: Any) -> Any:
    """The checklist's state object, to read what was ticked when Ctrl-C aborts it."""
    from questionary.prompts.common import InquirerControl

    for window in question.application.layout.find_all_windows():
        if isinstance(window.content, InquirerControl):
            return window.content
    return None


class QuestionaryInterviewer(QuestionaryTerminal):
    def _fit(self, label: str, room: int = 8) -> str:
        """One line per choice: prompt_toolkit cuts long lines off without a sign."""
        width = max(40, self.console.width - room)
        return label if len(label) <= width else label[: width - 1].rstrip() + "…"

    def _message(
        self, message: str, status: Callable[[], str] | None
    ) -> tuple[str, dict[str, Any]]:
        if status is None:
            return message, {}
        live = _LiveMessage(message, lambda: f"{status()} {message}")
        return live, {"refresh_interval": REFRESH_SECONDS}

    def select(
        self,
        message: str,
        choices: Sequence[Choice],
        *,
        default: str | None = None,
        status: Callable[[], str] | None = None,
        shortcuts: bool = False,
    ) -> str:
        text, extra = self._message(message, status)
        options = [questionary.Choice(title=self._fit(c.label), value=c.value) for c in choices]
        if shortcuts:
            extra["instruction"] = f"(1-{len(options)} or arrows, then Enter)"
        question = questionary.select(
            text,
            choices=options,
            default=default,
            use_shortcuts=shortcuts,
            **extra,
            **self._io,
        )
        return str(ask(question))

    def checklist(
        self,
        message: str,
        choices: Sequence[Choice],
        checked: Sequence[str],
        *,
        status: Callable[[], str] | None = None,
    ) -> list[str]:
        text, extra = self._message(message, status)
        ticked = set(checked)
        options = [
            questionary.Choice(
                title=self._fit(c.label, room=10), value=c.value, checked=c.value in ticked
            )
            for c in choices
        ]
        if self.console.is_terminal:
            self.console.clear()  # the list is the whole screen while ticking
        question = questionary.checkbox(
            text,
            choices=options,
            instruction="(Space ticks or unticks, Enter saves)",
            **extra,
            **self._io,
        )
        control = _inquirer_control(question)

        def on_screen() -> KeyboardInterrupt:
            if control is None:
                return Interrupted("")
            return ChecklistInterrupted([str(v) for v in control.selected_options])

        try:
            return [str(v) for v in ask(question, on_screen)]
        except ChecklistInterrupted:
            raise
        except KeyboardInterrupt:
            if control is None:
                raise
            raise ChecklistInterrupted([str(v) for v in control.selected_options]) from None

    def line(self, message: str, *, keep_draft: bool = False) -> str:
        extra: dict[str, Any] = {"key_bindings": _keep_draft_on_ctrl_c()} if keep_draft else {}
        question = questionary.text(message, **extra, **self._io)
        return str(ask(question, draft_of(question) if keep_draft else None))

    def _screen(self, renderable: Any) -> None:
        """Each screen starts at the top, so the checklist and the menu stay in view."""
        if self.console.is_terminal:
            self.console.clear()
        else:
            self.console.print()
        self.console.print(renderable)

    def opening(self, opening: Opening) -> None:
        self._screen(interview_view.opening_view(opening))

    def step(self, screen: StepScreen) -> None:
        self._screen(interview_view.step_view(screen))

    def read_out(self, said: ReadOut) -> None:
        self.console.print(interview_view.read_out_view(said))

    def rating(self, screen: RatingScreen) -> None:
        self._screen(interview_view.rating_view(screen))

    def ratings(self, rows: Sequence[tuple[str, RatingEntry | None]]) -> None:
        self._screen(interview_view.ratings_view(rows))

    def evidence(self, evidence: Evidence, level: str) -> None:
        self._screen(interview_view.evidence_view(evidence, level))

    def note(self, text: str) -> None:
        from rich.text import Text

        self.console.print(Text(text, style="muted"))
