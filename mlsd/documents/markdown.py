"""Backslash escapes for Markdown: only what would act, so typed text shows as typed.

The ``md_*`` filters (``mlsd.documents.render``) build on these. CommonMark guarantees
that a backslash before ASCII punctuation shows the character literally, so an escape
never changes the text a reader sees; the work is in adding one only where the character
would otherwise open or close something: a block at the start of a line (heading, list,
quote, fence, table delimiter row, thematic break), a code span, a link, HTML, an entity,
or a delimiter of emphasis, strikethrough or GitHub math. ``~3,000``, ``$0.50``,
``w_i * p_i`` and ``p < 0.05`` stay as typed.
"""

from __future__ import annotations

import re
import string
import unicodedata

_PUNCT = frozenset(string.punctuation)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
_ORDERED_MARKER = re.compile(r"([0-9]{1,9})([.)])(?=[ \t]|$)")
# Delimiters of emphasis (`*`, `_`), strikethrough (`~`) and GitHub math (`$`): each needs
# a closing delimiter, so escaping every one that *could* close is enough to keep them all
# literal; `~3,000` or `w_i * p_i` stay as typed.
_DELIMITERS = frozenset("*_~")
# What may surround a value whose neighbours are unknown (md_inline, md_cell): a space,
# punctuation such as the `**` of template markup, or a letter.
_ANY_NEIGHBOUR = (" ", "!", "a")
# A line that is only a thematic break, a setext underline or a table delimiter row.
_RULE_LINE = re.compile(r"(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,}|=+[ \t]*|-+[ \t]*)")
_TABLE_DELIMITER_ROW = re.compile(r"[|:\- \t]*-[|:\- \t]*")
_ATX_START = re.compile(r"#{1,6}(?:[ \t]|$)")
_TAG_START = frozenset("/!?")
# What can open a block at the start of a line: headings, quotes, list markers, setext
# underlines and thematic breaks, fences, HTML, link definitions, table delimiter rows.
_BLOCK_START = frozenset("#>-+*=_`~<[|:")


def _is_space(ch: str) -> bool:
    return ch in " \t\n" or unicodedata.category(ch) == "Zs"


def _is_punct(ch: str) -> bool:
    return ch in _PUNCT or unicodedata.category(ch).startswith(("P", "S"))


def _flanking(before: str, after: str) -> tuple[bool, bool]:
    """CommonMark's (left-flanking, right-flanking) for a delimiter run between two chars."""
    left = not _is_space(after) and (not _is_punct(after) or _is_space(before) or _is_punct(before))
    right = not _is_space(before) and (
        not _is_punct(before) or _is_space(after) or _is_punct(after)
    )
    return left, right


def escape_inline(
    line: str,
    extra: frozenset[str] = frozenset(),
    *,
    known: bool = False,
    brackets: bool = True,
    spaced: frozenset[str] = frozenset("*_"),
) -> str:
    """Backslash-escape what would start inline Markdown; leave ordinary prose alone.

    Escapes are only inserted before ASCII punctuation, where CommonMark guarantees a
    backslash renders the character literally, so the rendered text is the typed text.
    ``known`` says the line's neighbours are line breaks (a paragraph of ``md_block``);
    otherwise a value may sit inside template markup such as ``**...**``, so a delimiter
    that could open is escaped as well as one that could close. ``brackets`` false says
    the text has no ``]``, so no ``[`` in it can start a link. A run of ``*`` or ``_``
    between spaces acts as nothing, but two of them (``a * b * c``) look like emphasis to
    a linter (MD037), so such runs are escaped for the characters in ``spaced``.
    """
    edges = (" ",) if known else _ANY_NEIGHBOUR
    out: list[str] = []
    n = len(line)
    i = 0
    while i < n:
        ch = line[i]
        nxt = line[i + 1] if i + 1 < n else ""
        if ch == "\\":
            # A user's backslash before punctuation (or at a line end) would escape it or
            # make a hard break; doubled, it shows as the one backslash typed.
            out.append("\\\\" if nxt == "" or nxt in _PUNCT else "\\")
        elif ch in extra or ch == "`" or (ch == "[" and brackets):
            # Code spans always; links (and their definitions) only where a `]` exists.
            out.append("\\" + ch)
        elif ch in _DELIMITERS:
            end = i
            while end < n and line[end] == ch:
                end += 1
            if _delimiter_acts(line, i, end, edges, known) or (
                ch in spaced and _is_spaced(line, i, end)
            ):
                out.append(("\\" + ch) * (end - i))
            else:
                out.append(line[i:end])
            i = end
            continue
        elif ch == "$":
            # GitHub math closes on a `$` right after a non-space: `$5 and $6` stays.
            before = line[i - 1] if i > 0 else ""
            could_close = not _is_space(before) if before else not known
            out.append("\\$" if could_close else "$")
        elif ch == "<":
            # HTML and autolinks start `<` + a letter, `/`, `!` or `?`; `p99 < 50` is text.
            opens = (nxt.isascii() and nxt.isalpha()) or nxt in _TAG_START
            out.append("\\<" if opens or (nxt == "" and not known) else "<")
        elif ch == "&" and _ENTITY.match(line, i):
            out.append("\\&")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _delimiter_acts(line: str, start: int, end: int, edges: tuple[str, ...], known: bool) -> bool:
    """Whether a run of ``*``, ``_`` or ``~`` could close emphasis (or, unless ``known``,
    open it), with every neighbour the value could have at its edges."""
    ch = line[start]
    befores = (line[start - 1],) if start > 0 else edges
    afters = (line[end],) if end < len(line) else edges
    for before in befores:
        for after in afters:
            left, right = _flanking(before, after)
            if ch == "_" and before.isalnum() and after.isalnum():
                continue  # snake_case: an underscore run between letters is inert
            # Only template markup uses `*` and `_`, so only they can pair with an opener
            # the value leaves unescaped; no template writes `~`.
            if right or (left and not known and ch != "~"):
                return True
    return False


def _is_spaced(line: str, start: int, end: int) -> bool:
    return (start == 0 or _is_space(line[start - 1])) and (end == len(line) or _is_space(line[end]))


_SPACED_RUN = {ch: re.compile(rf"(?<!\S){re.escape(ch)}+(?!\S)") for ch in "*_"}


def spaced_pairs(text: str) -> frozenset[str]:
    """The delimiters with more than one run between spaces in ``text`` (see MD037)."""
    return frozenset(ch for ch, run in _SPACED_RUN.items() if len(run.findall(text)) > 1)


def _opens_block(body: str) -> bool:
    """Whether a line (indentation removed) would start a block instead of continuing text."""
    first = body[:1]
    if first in ">`":
        return True
    if first == "#":
        return _ATX_START.match(body) is not None
    if first in "-+*":
        after = body[1:2]
        if after in ("", " ", "\t"):
            return True  # a list item
    if first == "~":
        return body.startswith("~~~")
    if first in "|:-" and _TABLE_DELIMITER_ROW.fullmatch(body):
        return True
    return _RULE_LINE.fullmatch(body) is not None


def escape_line_start(
    line: str,
    extra: frozenset[str] = frozenset(),
    *,
    known: bool = False,
    brackets: bool = True,
    spaced: frozenset[str] = frozenset("*_"),
) -> str:
    """Escape a line so that nothing at its start can open a block (heading, list, ...).

    With ``known`` (a line of ``md_block``), only a start that really opens a block is
    escaped (``-5%`` and ``#hashtag`` stay as typed); otherwise any block character is.
    HTML blocks and link definitions are already kept out by the inline escapes.
    """
    body = line.lstrip(" \t")
    indent = line[: len(line) - len(body)]
    escaped = escape_inline(body, extra, known=known, brackets=brackets, spaced=spaced)
    first = body[:1]
    if escaped.startswith("\\"):
        pass
    elif first.isdigit():
        escaped = _ORDERED_MARKER.sub(r"\1\\\2", escaped, count=1)
    elif first in _DELIMITERS and (not known or _opens_block(body)):
        # The whole run: `\~~~` would leave `~~` free to act as a closing delimiter.
        run = len(body) - len(body.lstrip(first))
        escaped = ("\\" + first) * run + escaped[run:]
    elif first in _BLOCK_START and (not known or first == "#" or _opens_block(body)):
        escaped = "\\" + escaped  # `#hashtag` too: linters read it as a heading (MD018)
    return indent + escaped
