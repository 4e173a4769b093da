"""Reading exported Markdown back the way a renderer does, to check structure and text.

markdown-it-py is a CommonMark parser (it comes with rich); with GFM tables and
strikethrough enabled it sees what GitHub sees, so the tests ask it which headings a
document has and which characters a reader is shown.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from mlsd.documents.render import visible

REPO = Path(__file__).resolve().parent.parent
PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")


def atx_headings(doc: str) -> list[str]:
    """Every ATX heading line outside fenced code, as written."""
    found: list[str] = []
    fence: str | None = None
    for line in doc.split("\n"):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
        elif _ATX.match(line):
            found.append(line)
    return found


def headings(doc: str) -> list[tuple[str, str]]:
    """Every heading a CommonMark renderer sees (ATX and setext): (tag, text)."""
    tokens = PARSER.parse(doc)
    return [
        (tok.tag, tokens[i + 1].content)
        for i, tok in enumerate(tokens)
        if tok.type == "heading_open"
    ]


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        if child.type == "text":
            parts.append(child.content)
        elif child.type in ("hardbreak", "softbreak"):
            parts.append("\n")
        else:
            raise AssertionError(f"user text became {child.type}: {child.content!r}")
    return "".join(parts)


def shown_text(fragment: str) -> str:
    """What a reader sees of an ``md_block`` fragment; fails if any of it is structure."""
    paragraphs: list[str] = []
    for tok in PARSER.parse(fragment):
        if tok.type in ("paragraph_open", "paragraph_close"):
            continue
        if tok.type != "inline":
            raise AssertionError(f"user text became {tok.type}")
        paragraphs.append(_inline_text(tok))
    return "\n\n".join(paragraphs)


def shown_inline(fragment: str) -> str:
    """What a reader sees of an ``md_inline`` value used as a list item."""
    tokens = PARSER.parse(f"- {fragment}\n")
    types = [t.type for t in tokens]
    assert types == [
        "bullet_list_open",
        "list_item_open",
        "paragraph_open",
        "inline",
        "paragraph_close",
        "list_item_close",
        "bullet_list_close",
    ], types
    return _inline_text(tokens[3])


def expected_text(value: str) -> str:
    """The typed text as Markdown can show it: what ``md_block`` promises to keep.

    Control characters become visible stand-ins; whitespace at line starts and ends,
    and extra blank lines, are not shown by any Markdown renderer.
    """
    paragraphs: list[list[str]] = [[]]
    for line in visible(value).split("\n"):
        stripped = line.strip(" \t")
        if not stripped:
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        paragraphs[-1].append(stripped)
    return "\n\n".join("\n".join(p) for p in paragraphs if p)


def pymarkdown(*paths: Path) -> subprocess.CompletedProcess[str]:
    """Run pymarkdownlnt with the repository's configuration."""
    tool = Path(sys.executable).parent / "pymarkdown"
    return subprocess.run(
        [str(tool), "--config", str(REPO / ".pymarkdown.json"), "scan", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
