"""The terminal side of a session: questionary prompts and rich output.

Every prompt uses ``unsafe_ask()`` (through ``signals.ask``, so SIGTERM and SIGHUP take
the same route) so Ctrl-C raises ``KeyboardInterrupt`` (and Ctrl-D ``EOFError``) up to
the one place in the CLI that saves and prints how to resume.
Tests pass a prompt_toolkit pipe input and ``DummyOutput`` through ``input``/``output``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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


# The key that shows the brief from inside an answer, keeping what is typed.
BRIEF_KEY = "f2"
SUBMIT_HINT = "(Esc then Enter to submit, F2 shows {f2})"


@dataclass(frozen=True)
class _BriefPressed:
    """What the answer prompt returns when F2 is pressed: the text in the box then."""

    draft: str


def _answer_keys() -> Any:
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()

    @bindings.add("c-c", eager=True)
    def _interrupt(event: Any) -> None:
        event.app.exit(exception=Interrupted(event.app.current_buffer.text), style="class:aborting")

    @bindings.add(BRIEF_KEY, eager=True)
    def _brief(event: Any) -> None:
        event.app.erase_when_done = True  # the box comes back under the brief, not twice
        event.app.exit(result=_BriefPressed(event.app.current_buffer.text))

    return bindings


def _word_wrap() -> Any:
    """A display-only processor that moves a word crossing the right edge to the next row.

    prompt_toolkit wraps a long line at any character, so "loader" shows as "loa" / "der"
    and an answer is hard to read back while writing it. Padding is inserted before such
    a word on screen only (never in the buffer, so the stored text is exactly what was
    typed), with the position mappings that keep the cursor where the user thinks it is.
    """
    from prompt_toolkit.formatted_text.utils import fragment_list_width
    from prompt_toolkit.layout.processors import Processor, Transformation, TransformationInput
    from prompt_toolkit.layout.utils import explode_text_fragments
    from prompt_toolkit.utils import get_cwidth

    class WordWrap(Processor):
        def apply_transformation(self, ti: TransformationInput) -> Transformation:
            fragments = explode_text_fragments(ti.fragments)
            row = ti.width - _PREFIX_WIDTH  # every row starts with the one-column prefix
            if row < 8 or fragment_list_width(fragments) <= row:
                return Transformation(ti.fragments)
            out: list[Any] = []
            pads: list[tuple[int, int]] = []  # (index in the input, padding before it)
            col = 0
            i = 0
            while i < len(fragments):
                j = i
                while j < len(fragments) and not fragments[j][1].isspace():
                    j += 1
                word = sum(get_cwidth(f[1]) for f in fragments[i:j] if "ZeroWidth" not in f[0])
                at = col % row
                if j > i and at and at + word > row and word <= row:
                    pads.append((i, row - at))
                    out.append(("", " " * (row - at)))
                    col += row - at
                end = max(j, i + 1)
                for style, text, *rest in fragments[i:end]:
                    out.append((style, text, *rest))
                    if "ZeroWidth" not in style:
                        col += get_cwidth(text)
                i = end

            def to_display(pos: int) -> int:
                return pos + sum(n for at, n in pads if at <= pos)

            def to_source(pos: int) -> int:
                shift = 0
                for at, n in pads:
                    start = at + shift  # where this padding begins on screen
                    if pos < start:
                        break
                    if pos < start + n:
                        return at
                    shift += n
                return pos - shift

            return Transformation(out, source_to_display=to_display, display_to_source=to_source)

    return WordWrap()


_PREFIX_WIDTH = 1  # the answer box's rows start after one space (questionary's padding)


def escape_enter_is_enter(application: Any) -> None:
    """Esc then Enter, the answer box's submit, does in a menu what Enter does.

    questionary binds Enter alone, so Esc then Enter ended a menu with nothing chosen:
    the menu was asked again under the old one, its question on screen twice."""
    from prompt_toolkit.keys import Keys

    bindings = application.key_bindings
    for binding in bindings.get_bindings_for_keys((Keys.ControlM,)):
        if binding.keys == (Keys.ControlM,):
            bindings.add(Keys.Escape, Keys.ControlM, eager=True)(binding.handler)
            return


_OPTION_LINES = 3  # the most lines a wrapped option takes at 60 columns (the picker's)


def _wrap_choices(application: Any, *, whole_screen: bool = False) -> None:
    """Long menu options (a clarifying question) are wrapped, not cut at the right edge.

    ``select`` wraps them at words for the width at the time; this catches a terminal
    made narrower while the menu is up. A menu takes half the screen, so the
    interviewer's last answer stays readable above it, or with ``whole_screen`` all of
    it but the question's lines (the case picker has nothing above it to keep)."""
    from prompt_toolkit.filters import to_filter
    from prompt_toolkit.layout.containers import ScrollOffsets, Window
    from prompt_toolkit.layout.dimension import Dimension
    from questionary.prompts.common import InquirerControl

    def half() -> Dimension:
        rows = application.output.get_size().rows
        return Dimension(max=max(5, rows - 3 if whole_screen else rows // 2))

    for window in application.layout.find_all_windows():
        if isinstance(window, Window):
            window.wrap_lines = to_filter(True)
            if isinstance(window.content, InquirerControl):
                window.height = half
                # the pointer is on an option's first line: keep its wrapped lines in view
                window.scroll_offsets = ScrollOffsets(bottom=_OPTION_LINES - 1)


def _cap_box_height(application: Any) -> None:
    """Let the box grow to about two thirds of the terminal, then scroll inside itself.

    Uncapped, a long answer pushes the whole step card off the screen; capped, the end
    of the card (its guiding questions, or the brief just shown) stays above the box,
    and the message and the time left stay on screen, at any terminal size.
    """
    from prompt_toolkit.enums import DEFAULT_BUFFER
    from prompt_toolkit.layout.containers import Window
    from prompt_toolkit.layout.controls import BufferControl
    from prompt_toolkit.layout.dimension import Dimension

    def capped() -> Dimension:
        rows = application.output.get_size().rows
        return Dimension(max=max(4, rows - 4 - rows // 3))

    for window in application.layout.find_all_windows():
        content = window.content if isinstance(window, Window) else None
        if isinstance(content, BufferControl) and content.buffer.name == DEFAULT_BUFFER:
            window.height = capped


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
    """The practice session's terminal.

    An answer box sits below its one-line message and runs the full width of the
    terminal; the step card above it scrolls away into the terminal's history as the
    answer grows, while the message and the live status line stay on screen.
    """

    def __init__(self, console: Console, *, input: Any = None, output: Any = None) -> None:
        super().__init__(console, input=input, output=output)
        # The text in the box when F2 was pressed, put back by the next answer prompt.
        self._carry: str | None = None

    def select(self, message: str, choices: Sequence[Choice], *, whole_screen: bool = False) -> str:
        room = max(20, self.console.width - 4)  # the pointer takes three columns, and a margin
        options = [
            questionary.Choice(title="\n   ".join(textwrap.wrap(c.label, room)), value=c.value)
            for c in choices
        ]
        values = {c.value for c in choices}
        while True:  # a menu that ends with nothing chosen is asked again
            question = questionary.select(message, choices=options, **self._io)
            _wrap_choices(question.application, whole_screen=whole_screen)
            escape_enter_is_enter(question.application)
            picked = ask(question)
            if picked in values:
                return str(picked)

    def answer(
        self,
        message: str,
        *,
        default: str = "",
        status: Callable[[], str] | None = None,
        f2: str = "the brief",
    ) -> str:
        """A full-width box under the message; F2 returns "/brief" and keeps the text typed.

        The message goes on its own line(s), so the box starts at the left edge rather
        than after the message; the text typed before F2 comes back in the next call.
        ``f2`` says what F2 shows where the caller shows something else than the brief.
        """
        if self._carry is not None:
            default, self._carry = self._carry, None
        extra: dict[str, Any] = {
            "key_bindings": _answer_keys(),
            "input_processors": [_word_wrap()],
            "prompt_continuation": " " * _PREFIX_WIDTH,
        }
        if status is not None:
            extra |= {"bottom_toolbar": status, "refresh_interval": 1.0}
        width = self.console.width
        hint = SUBMIT_HINT.format(f2=f2)
        head = f"{message}  {hint}"
        if len(head) + 3 > width:
            head = f"{message}\n  {hint}"
        question = questionary.text(
            f"{head}\n", default=default, multiline=True, instruction="", **extra, **self._io
        )
        _cap_box_height(question.application)
        result = ask(question, draft_of(question))
        if isinstance(result, _BriefPressed):
            self._carry = result.draft
            return "/brief"
        return str(result)

    def line(self, message: str) -> str:
        return str(ask(questionary.text(message, **self._io)))

    def edit(self, text: str) -> str:
        try:
            return edit_text(text)
        except Interrupted as exc:  # a signal while the editor was open
            raise Interrupted(strip_comments(exc.draft)) from None

    def opening(
        self, brief: CaseBrief, level: str, minutes: float, resumed: bool, *, drill: bool = False
    ) -> None:
        self.console.print(session_view.opening_view(brief, level, minutes, resumed, drill=drill))

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
