"""Rich consoles configured once: messages to stderr, data to stdout."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.text import Text
from rich.theme import Theme

from mlsd._util.textsafe import controls_visible, encodable

THEME = Theme(
    {
        "step": "bold cyan",
        "muted": "dim",
        "good": "green",
        "miss": "red",
        "warn": "yellow",
        "interviewer": "bold magenta",
        "key": "bold",
    }
)


class SafeConsole(Console):
    """A console that shows unsafe characters in text instead of sending them.

    Rich drops a few controls (BEL, BS, CR...) but passes ESC, NUL, C1, bidi overrides
    and zero-width characters through, so an answer or case file containing
    ``\x1b]0;...`` would retitle the user's window. Filtering here, at the last step
    before output, covers every view at once, with the same rules as the plain-text path
    (``mlsd._util.textsafe``). Views should still pass text through ``visible`` first:
    a stand-in added here is wider than what rich measured, so a table border may shift.
    Segments that rich marks as control codes (cursor moves it makes itself) pass
    untouched. A character the output encoding lacks (``PYTHONIOENCODING=latin-1``)
    becomes ``?`` instead of failing the whole view.
    """

    def render(
        self, renderable: RenderableType, options: ConsoleOptions | None = None
    ) -> Iterable[Segment]:
        file = self.file
        segments = super().render(renderable, options)
        for segment in segments if self.is_terminal else _no_trailing_spaces(segments):
            text = segment.text if segment.control is None else ""
            shown = encodable(controls_visible(text), file)
            yield segment if shown == text else Segment(shown, segment.style)


def _no_trailing_spaces(segments: Iterable[Segment]) -> Iterator[Segment]:
    """Lines without the spaces rich pads them with to the full width: piped into a file,
    a pager or an email, every line of ``progress`` ended in dozens of spaces."""
    pending: list[Segment] = []  # spaces that count only if more text follows on the line
    for segment in segments:
        if segment.control is not None:
            yield from pending
            pending = []
            yield segment
            continue
        for n, part in enumerate(segment.text.split("\n")):
            if n:
                pending = []
                yield Segment("\n", segment.style)
            body = part.rstrip(" ")
            if body:
                yield from pending
                pending = []
                yield Segment(body, segment.style)
            if len(body) < len(part):
                pending.append(Segment(part[len(body) :], segment.style))
    yield from pending


@lru_cache(maxsize=1)
def stdout_console() -> Console:
    # Rich honours NO_COLOR and TERM=dumb itself; highlighting would colour the user's
    # numbers and words in ways they did not ask for.
    return SafeConsole(theme=THEME, highlight=False)


@lru_cache(maxsize=1)
def stderr_console() -> Console:
    return SafeConsole(theme=THEME, highlight=False, stderr=True)


def panel_title(title: str | Text, style: str = "") -> Text:
    """A panel's title that ends in "…" when the panel is too narrow for it: rich cuts a
    long title silently, mid-word, so a candidate cannot tell it was cut."""
    text = Text(title, style=style) if isinstance(title, str) else title
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text
