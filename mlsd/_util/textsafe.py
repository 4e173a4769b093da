"""The one output path for text that came from a file or the database.

Answers, notes, case files, YAML key names, file names and templates can all carry
characters that a terminal *obeys* instead of showing: ESC starts an escape sequence that
can retitle the window, clear the screen, fake a hyperlink or write the clipboard (OSC 52);
C1 controls do the same on some terminals; bidi overrides and isolates reorder what is
shown ("Trojan Source"); zero-width characters hide text. The store keeps text verbatim;
everything that *shows* it goes through here:

- ``visible`` / ``controls_visible``: each such character as a visible stand-in;
- ``echo``: the plain-text writer (messages, warnings, tables, Markdown on stdout), safe
  for any output encoding;
- ``json_text``: JSON with those characters escaped (``\\u009b``), which ``json.dumps``
  with ``ensure_ascii=False`` does not do.

Kept free of heavy imports: ``mlsd list`` uses it on the start-up path.
"""

from __future__ import annotations

import json
import re
import sys
from typing import IO

# Format characters that change what is shown without being shown: Arabic letter mark,
# Mongolian vowel separator, zero-width space/joiners and LRM/RLM, the line and paragraph
# separators, the bidi embeddings/overrides (LRE..RLO) and isolates (LRI..PDI) with the
# deprecated format controls after them, word joiner and invisible operators, the BOM as
# a zero-width no-break space, interlinear annotation marks, musical format controls and
# the tag characters (invisible text that some tools read). All are Unicode category Cf
# (or Zl/Zp); the tests check every Cf character but the visible ones (U+00AD soft
# hyphen, the Arabic and Kaithi number signs, Egyptian hieroglyph joiners...) is here.
_INVISIBLE = (
    "\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e007f"
)
# C0 controls except tab and newline, DEL, C1, and the invisible format characters.
UNSAFE = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_INVISIBLE}]")
# Kept for callers that predate the wider set; it is the same pattern.
CONTROL = UNSAFE
# What JSON must escape beyond what ``json.dumps`` already does (C0, quote, backslash).
_JSON_UNSAFE = re.compile(f"[\\x7f-\\x9f{_INVISIBLE}]")


def _stand_in(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control pictures": ␛ for ESC
    if code == 0x7F:
        return "\u2421"  # ␡
    if code <= 0x9F:
        return "\ufffd"  # C1: no picture exists; the replacement character shows it
    return f"<U+{code:04X}>"  # bidi / zero-width: named, so an author can find it


def visible(value: object) -> str:
    """``value`` as text with line endings normalised and unsafe characters made visible."""
    if value is None:
        return ""
    return controls_visible(str(value).replace("\r\n", "\n").replace("\r", "\n"))


def controls_visible(text: str) -> str:
    """``text`` with every control, bidi and zero-width character as a visible stand-in.

    Tab and newline are kept. Idempotent: a stand-in contains nothing it would replace.
    """
    return UNSAFE.sub(_stand_in, text) if UNSAFE.search(text) else text


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # JSON escapes astral characters as a UTF-16 surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def json_text(data: object, *, indent: int | None = 2) -> str:
    """``data`` as JSON that is readable (non-ASCII kept) but carries no raw control.

    Escaping inside JSON strings is lossless: a tool reading the JSON gets the exact text.
    """
    text = json.dumps(data, indent=indent, ensure_ascii=False)
    return _JSON_UNSAFE.sub(_json_escape, text)


def encodable(text: str, stream: IO[str]) -> str:
    """``text`` as ``stream`` can encode it: what its encoding lacks becomes ``?``.

    ``PYTHONIOENCODING=latin-1`` or a C locale must cost a few characters, not the command.
    """
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode(encoding, "replace").decode(encoding)
    except LookupError:
        return text
    return text


def echo(text: object = "", *, err: bool = False, nl: bool = True) -> None:
    """Print plain text that may hold file or database content, shown and never obeyed.

    Every plain message, warning, table and Markdown text mlsd prints goes through here
    (rich views go through ``mlsd.ui.console.SafeConsole``, which uses the same rules).
    """
    stream = sys.stderr if err else sys.stdout
    shown = controls_visible(str(text)) + ("\n" if nl else "")
    stream.write(encodable(shown, stream))
    stream.flush()
