"""The terminal side of a session: questionary prompts and rich output.

Every prompt uses ``unsafe_ask()`` (through ``signals.ask``, so SIGTERM and SIGHUP take
the same route) so Ctrl-C raises ``KeyboardInterrupt`` (and Ctrl-D ``EOFError``) up to
the one place in the CLI that saves and prints how to resume.
Tests pass a prompt_toolkit pipe input and ``DummyOutput`` through ``input``/``output``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import questionary
from rich.console import Console

from mlsd.cases.brief import CaseBrief
from mlsd.practice.flow import StepCard, strip_comments
from mlsd.run.lifecycle import Choice
from mlsd.ui import session_view
from mlsd.ui.editor import edit_text
from mlsd.ui.signals import Interrupted, Snapshot, ask

__all__ = ["Interrupted", "QuestionaryPrompter", "QuestionaryTerminal", "draft_of"]


def draft_of(question: Any) -> Snapshot:
    """What Ctrl-C raises in a draft-keeping prompt: the text in its buffer now."""
    return lambda: Interrupted(question.application.current_buffer.text)


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
        return str(ask(questionary.select(message, choices=options, **self._io)))

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
        return str(ask(question, draft_of(question)))

    def line(self, message: str) -> str:
        return str(ask(questionary.text(message, **self._io)))

    def edit(self, text: str) -> str:
        try:
            return edit_text(text)
        except Interrupted as exc:  # a signal while the editor was open
            raise Interrupted(strip_comments(exc.draft)) from None

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


def confirm(message: str, *, default: bool = True) -> bool:
    """A yes/no question; Ctrl-C or Ctrl-D answers no (nothing is left to save here)."""
    import questionary

    try:
        return bool(questionary.confirm(message, default=default).unsafe_ask())
    except (KeyboardInterrupt, EOFError):
        return False
