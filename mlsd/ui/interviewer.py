"""The interviewer's terminal: questionary prompts with a live clock, and rich screens.

Every prompt uses ``unsafe_ask()`` so Ctrl-C reaches the one place in the CLI that saves
and prints how to resume. Two things travel with the interrupt so that nothing is lost:
the half-typed text of a note or justification (``.draft``) and the points ticked in an
open checklist (``.checked``).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

import questionary

from mlsd.interview.checklist import Evidence
from mlsd.interview.script import Opening, RatingScreen, ReadOut, StepScreen
from mlsd.log.records import RatingEntry
from mlsd.run.lifecycle import Choice
from mlsd.ui import interview_view
from mlsd.ui.prompts import QuestionaryTerminal, draft_of, escape_enter_is_enter
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


def _keep_draft_on_ctrl_c() -> Any:
    """Ctrl-C in a note or a justification raises with the half-typed text as ``.draft``."""
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()

    @bindings.add("c-c", eager=True)
    def _interrupt(event: Any) -> None:
        text = event.app.current_buffer.text
        event.app.exit(exception=Interrupted(text), style="class:aborting")

    return bindings


def _inquirer_window(question: Any) -> Any:
    """The window that draws a select's or checklist's choices."""
    from questionary.prompts.common import InquirerControl

    for window in question.application.layout.find_all_windows():
        if isinstance(window.content, InquirerControl):
            return window
    return None


def _inquirer_control(question: Any) -> Any:
    """The checklist's state object, to read what was ticked when Ctrl-C aborts it."""
    window = _inquirer_window(question)
    return None if window is None else window.content


def _show_whole_choice(question: Any, titles: Sequence[str]) -> None:
    """Scroll so the pointed choice is seen whole, not only its first line.

    prompt_toolkit keeps the cursor line in view, and questionary puts the cursor on a
    choice's first line: a wrapped point at the bottom of the screen would show one line
    of its text. Keeping as many lines below the cursor as the longest choice has fixes it.
    """
    from prompt_toolkit.layout import ScrollOffsets

    window = _inquirer_window(question)
    if window is not None:
        below = max((t.count("\n") for t in titles), default=0)
        window.scroll_offsets = ScrollOffsets(top=0, bottom=below)


# Columns before a choice's title: questionary's pointer (" » "), then the shortcut
# ("1) ") in a select or the indicator ("○ ") in a checklist.
_POINTER = 3
_SHORTCUT = 3
_INDICATOR = 2
# A numbered label ("12. [senior]  ") wraps under its text, not under its number.
_HANGING = re.compile(r"\s*\d+\.\s+(?:\[\w+\]\s+)?")
# Rows the step menu takes below the step screen: the prompt (two lines when the clock
# is on a line of its own), up to nine choices, and a spare row.
MENU_ROWS = 12
# Rows the rating menu takes: the question, "choose", five ratings, a spare row.
RATING_ROWS = 9
# Below this width the live clock gets a line of its own above the question.
WIDE = 100


def wrap_label(label: str, width: int, lead: int) -> str:
    """A choice's label wrapped to ``width`` columns, continuation lines hung under its text.

    prompt_toolkit cuts a long line at the edge without a sign, so a point to listen for
    would lose its end; wrapped, every word is on screen at any width (issue 14). ``lead``
    is what questionary draws before the label on its first line.
    """
    room = max(16, width - lead - 1)
    hang = _HANGING.match(label)
    indent = " " * (len(hang.group(0)) if hang else 0)
    lines = textwrap.wrap(
        " ".join(label.split()) if not hang else label,
        room,
        subsequent_indent=indent,
        break_on_hyphens=False,
    )
    return ("\n" + " " * lead).join(lines) if lines else label


class QuestionaryInterviewer(QuestionaryTerminal):
    def _fit(self, label: str, lead: int) -> str:
        return wrap_label(label, self.console.width, lead)

    def _message(
        self, message: str, status: Callable[[], str] | None
    ) -> tuple[str, dict[str, Any]]:
        if status is None:
            return message, {}
        # Narrow, the clock and the question each get a line, so neither is cut mid-word.
        gap = " " if self.console.width >= WIDE else "\n  "
        live = _LiveMessage(message, lambda: f"{status()}{gap}{message}")
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
        lead = _POINTER + (_SHORTCUT if shortcuts else 0)
        options = [
            questionary.Choice(title=self._fit(c.label, lead), value=c.value) for c in choices
        ]
        if shortcuts:
            extra["instruction"] = f"(1-{len(options)} or arrows, then Enter)"
        elif self.console.width < WIDE:
            extra["instruction"] = "(arrows, Enter)"  # questionary's own wraps at 60
        values = {c.value for c in choices}
        while True:  # a menu that ends with nothing chosen is asked again
            question = questionary.select(
                text,
                choices=options,
                default=default,
                use_shortcuts=shortcuts,
                **extra,
                **self._io,
            )
            _show_whole_choice(question, [str(o.title) for o in options])
            escape_enter_is_enter(question.application)
            picked = ask(question)
            if picked in values:
                return str(picked)

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
                title=self._fit(c.label, _POINTER + _INDICATOR),
                value=c.value,
                checked=c.value in ticked,
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
        _show_whole_choice(question, [str(o.title) for o in options])
        escape_enter_is_enter(question.application)

        def on_screen() -> KeyboardInterrupt:
            if control is None:
                return Interrupted("")
            return ChecklistInterrupted([str(v) for v in control.selected_options])

        try:
            picked = ask(question, on_screen)
            if not isinstance(picked, list):  # ended with nothing: save what is ticked on screen
                picked = list(control.selected_options) if control is not None else list(checked)
            return [str(v) for v in picked]
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
        self._screen(self._fitted_step(screen))

    def _fitted_step(self, screen: StepScreen) -> Any:
        """The whole step screen when it fits above the menu; else the compact one, with
        as many points (one line each) as fit. The full text of every point is in the
        checklist, of every probe and follow-up in their pickers."""
        full = interview_view.step_view(screen)
        if not self.console.is_terminal:
            return full
        room = self.console.height - MENU_ROWS
        if self._height(full) <= room:
            return full
        shown = len(screen.points)
        while True:
            compact = interview_view.step_view(screen, points_shown=shown)
            if shown <= 1 or self._height(compact) <= room:
                return compact
            shown -= 1

    def _height(self, renderable: Any) -> int:
        return len(self.console.render_lines(renderable, self.console.options, pad=False))

    def read_out(self, said: ReadOut) -> None:
        self.console.print(interview_view.read_out_view(said))

    def rating(self, screen: RatingScreen) -> None:
        view = interview_view.rating_view(screen)
        if self.console.is_terminal:
            room = self.console.height - RATING_ROWS
            shown = interview_view.MISSED_SHOWN
            while shown > 0 and self._height(view) > room:
                view = interview_view.rating_view(screen, missed_shown=shown, compact=True)
                shown -= 1
        self._screen(view)

    def ratings(self, rows: Sequence[tuple[str, RatingEntry | None]]) -> None:
        self._screen(interview_view.ratings_view(rows))

    def evidence(self, evidence: Evidence, level: str) -> None:
        self._screen(interview_view.evidence_view(evidence, level))

    def note(self, text: str) -> None:
        from rich.text import Text

        self.console.print(Text(text, style="muted"))
