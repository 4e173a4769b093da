"""The terminal side of a session: questionary prompts and rich output.

Every prompt uses ``unsafe_ask()`` so Ctrl-C raises ``KeyboardInterrupt`` (and Ctrl-D
``EOFError``) up to the one place in the CLI that saves and prints how to resume.
Tests pass a prompt_toolkit pipe input and ``DummyOutput`` through ``input``/``output``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import questionary
from rich.console import Console

from mlsd.cases.brief import CaseBrief
from mlsd.practice.flow import StepCard
from mlsd.run.lifecycle import Choice
from mlsd.ui import session_view
from mlsd.ui.editor import edit_text


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during an answer, carrying the text typed so far so it can be kept."""

    def __init__(self, draft: str) -> None:
        super().__init__()
        self.draft = draft


def _keep_draft_on_ctrl_c() -> Any:
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()

    @bindings.add("c-c", eager=True)
    def _interrupt(event: Any) -> None:
        event.app.exit(exception=Interrupted(event.app.current_buffer.text), style="class:aborting")

    return bindings


class QuestionaryTerminal:
    """A rich console for output plus questionary prompts, with optional test I/O."""

    def __init__(self, console: Console, *, input: Any = None, output: Any = None) -> None:
        self.console = console
        self._io: dict[str, Any] = {}
        if input is not None:
            self._io["input"] = input
        if output is not None:
            self._io["output"] = output


class QuestionaryPrompter(QuestionaryTerminal):
    def select(self, message: str, choices: Sequence[Choice]) -> str:
        options = [questionary.Choice(title=c.label, value=c.value) for c in choices]
        return str(questionary.select(message, choices=options, **self._io).unsafe_ask())

    def answer(
        self, message: str, *, default: str = "", status: Callable[[], str] | None = None
    ) -> str:
        extra: dict[str, Any] = {"key_bindings": _keep_draft_on_ctrl_c()}
        if status is not None:
            extra |= {"bottom_toolbar": status, "refresh_interval": 1.0}
        question = questionary.text(
            message,
            default=default,
            multiline=True,
            instruction="(Esc then Enter to submit)",
            **extra,
            **self._io,
        )
        return str(question.unsafe_ask())

    def line(self, message: str) -> str:
        return str(questionary.text(message, **self._io).unsafe_ask())

    def edit(self, text: str) -> str:
        return edit_text(text)

    def opening(self, brief: CaseBrief, level: str, minutes: float, resumed: bool) -> None:
        self.console.print(session_view.opening_view(brief, level, minutes, resumed))

    def step(self, card: StepCard) -> None:
        self.console.print()
        self.console.print(session_view.step_view(card))

    def interviewer(self, text: str, *, question: str | None = None) -> None:
        self.console.print(session_view.interviewer_view(text, question))

    def hint(self, index: int, total: int, text: str) -> None:
        self.console.print(session_view.hint_view(index, total, text))

    def note(self, text: str) -> None:
        from rich.text import Text

        self.console.print(Text(text, style="muted"))
