"""Control characters in user text, shown instead of obeyed.

Answers, notes and case files can carry ESC, NUL and friends (typed, pasted, or written
as YAML escapes such as ``"\\e[31m"``). Written to a terminal, ESC starts an escape
sequence that can recolour the screen, retitle the window or worse; in a document it is
noise. The store keeps the text verbatim; everything that *shows* it goes through here.

Kept free of imports: ``mlsd list`` uses it on the start-up path.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL and C1: ESC starts terminal escape sequences and
# the rest have no business in a document. Each becomes a visible stand-in.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _stand_in(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control pictures": ␛ for ESC
    return "\u2421" if code == 0x7F else "\ufffd"


def visible(value: object) -> str:
    """``value`` as text with line endings normalised and control characters made visible."""
    if value is None:
        return ""
    return controls_visible(str(value).replace("\r\n", "\n").replace("\r", "\n"))


def controls_visible(text: str) -> str:
    """``text`` with every control character but tab and newline as a visible stand-in."""
    return CONTROL.sub(_stand_in, text) if CONTROL.search(text) else text
