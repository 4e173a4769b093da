"""Which typed line breaks are only wrapping, and which the writer meant.

Answers typed in an editor, and case prose in YAML block scalars, arrive wrapped at 70
to 100 columns. Shown again at another width (a design doc, a half-width table column),
those breaks turn into ragged lines; dropped everywhere, they would run a line-per-item
list together. The export (``md_block``) and the terminal views share these rules so a
text flows, or keeps its lines, the same way in both.
"""

from __future__ import annotations

import itertools
import re

# Editors wrap prose at 72 to 100 columns; a longer line was typed as one line, and a
# text whose lines are all short is a list of lines.
MAX_WRAP = 120
MIN_WRAP = 40
# A line that starts like an item (a bullet, a number, a letter and a bracket, a quote,
# a heading): the break before it is the writer's.
ITEM_START = re.compile(r"(?:[-*+•·–—>|#]|[0-9]{1,9}[.)]|\(?[a-zA-Z0-9][.)])(?:[ \t]|$)")


def paragraphs(text: str) -> list[list[str]]:
    """The text's paragraphs (split at blank lines), each a list of lines, right-stripped."""
    found: list[list[str]] = [[]]
    for raw in text.split("\n"):
        line = raw.rstrip(" \t")
        if not line:
            if found[-1]:
                found.append([])
            continue
        found[-1].append(line)
    return [p for p in found if p]


def wrap_width(paras: list[list[str]]) -> int:
    """The width the text looks wrapped at, or 0 when it does not look wrapped.

    That is its widest line, when at least two lines near that width run on into the next
    line of their paragraph: one long line before a short one is as likely a line per item.
    """
    width = max((len(line.strip()) for p in paras for line in p), default=0)
    if not MIN_WRAP <= width <= MAX_WRAP:
        return 0
    long_lines = sum(len(line.strip()) >= 0.7 * width for p in paras for line in p[:-1])
    return width if long_lines >= 2 else 0


def wrapped(line: str, following: str, width: int) -> bool:
    """Whether the break after ``line`` is only wrapping, so the text flows on.

    Prose wrapped by an editor or by hand has lines close to the widest line of the text
    (``width``, from ``wrap_width``), or breaks where the next word would not have fitted.
    Anything else is a break the writer chose: a short line, a line per item, a next line
    that starts with a bullet or a number, lines too long to have been wrapped at all.
    """
    line, following = line.strip(), following.strip()
    if not width or ITEM_START.match(following):
        return False
    words = following.split()
    overflows = len(line) + 1 + len(words[0] if words else "") > width
    return len(line) >= 0.7 * width or (overflows and len(line) >= 0.5 * width)


def unwrap(text: str) -> str:
    """The text with wrapping breaks joined into spaces, for a view that wraps it again.

    Breaks the writer meant and blank lines stay. (A case's reference notes are Markdown,
    rendered as such by the views, which join their wrapped lines themselves.)
    """
    paras = paragraphs(text)
    width = wrap_width(paras)
    out: list[str] = []
    for lines in paras:
        joined = lines[0]
        for prev, line in itertools.pairwise(lines):
            soft = wrapped(prev, line, width)
            joined += " " + line.strip() if soft else "\n" + line
        out.append(joined)
    return "\n\n".join(out)
