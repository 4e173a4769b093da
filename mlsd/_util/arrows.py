"""The candidate's own diagram, written as arrows: ``client -> feature store -> ranker``.

A candidate at a keyboard draws a pipeline fastest as one chain of boxes per line. This
module turns those lines into edges and nothing else: no Markdown, no Mermaid. Labels
stay plain text, and whoever prints them makes them safe (the design doc runs each one
through the ``mermaid_label`` filter). It is bounded (``MAX_EDGES`` arrows, labels of
``MAX_LABEL`` characters, ``MAX_LINES`` lines read) and refuses nothing silently: every
line it does not draw comes back as a problem naming the line, so the flow can show it
and an answers file can be rejected with its position.

Two readings: ``parse_arrows`` reads text written as a diagram (``/diagram``, an answers
file's ``diagram:``), where every non-blank line must be a chain; ``arrows_in_answer``
picks the chains out of a prose answer, where only short, whole-line chains count so
that a sentence with an arrow in it is not mistaken for a box.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

MAX_EDGES = 60
MAX_LABEL = 60  # characters in a box's label
MAX_LINES = 200  # lines read; a diagram of 60 arrows never needs more
# In a prose answer a box is a short name, not a clause.
_ANSWER_LABEL = 40
_ANSWER_WORDS = 6

_ARROW = re.compile(r"\s*(?:-{1,2}>|→|⟶)\s*")
_LIST_MARKER = re.compile(r"^(?:[-*+]|[0-9]{1,3}[.)])\s+")


@dataclass(frozen=True)
class Arrows:
    """Edges between labels, in the order written, with the lines that were not drawn."""

    edges: tuple[tuple[str, str], ...] = ()
    problems: tuple[str, ...] = field(default=())

    @property
    def labels(self) -> list[str]:
        """Every box once, in order of first appearance."""
        seen: dict[str, None] = {}
        for source, target in self.edges:
            seen.setdefault(source)
            seen.setdefault(target)
        return list(seen)


def _clean(part: str) -> str:
    return " ".join(part.split())


def _chain(line: str) -> list[str] | None:
    """The labels of one line, or None when it has no arrow."""
    body = _LIST_MARKER.sub("", line.strip()).strip("`").strip()
    if not _ARROW.search(body):
        return None
    return [_clean(p) for p in _ARROW.split(body)]


class _Builder:
    """Collects edges: one spelling per box (the first), each edge once, at most MAX_EDGES."""

    def __init__(self) -> None:
        self.spelling: dict[str, str] = {}
        self.edges: dict[tuple[str, str], None] = {}
        self.problems: list[str] = []
        self.dropped = 0

    def label(self, text: str) -> str:
        return self.spelling.setdefault(text.casefold(), text)

    def add(self, labels: list[str]) -> None:
        for source, target in pairwise(labels):
            edge = (self.label(source), self.label(target))
            if edge in self.edges:
                continue
            if len(self.edges) >= MAX_EDGES:
                self.dropped += 1
                continue
            self.edges[edge] = None

    def result(self) -> Arrows:
        problems = list(self.problems)
        if self.dropped:
            problems.append(
                f"only the first {MAX_EDGES} arrows are drawn; {self.dropped} more were left out"
            )
        return Arrows(tuple(self.edges), tuple(problems))


def parse_arrows(text: str) -> Arrows:
    """Read a diagram written as arrows; every other non-blank line is a problem.

    ``#`` lines are comments. Boxes are the same box whatever their case or spacing
    (``Feature Store`` and ``feature  store``); a repeated arrow is drawn once; cycles
    and self-loops are drawn as written.
    """
    builder = _Builder()
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        builder.problems.append(
            f"only the first {MAX_LINES} lines are read; {len(lines) - MAX_LINES} more were left out"
        )
    for number, line in enumerate(lines[:MAX_LINES], start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        labels = _chain(line)
        if labels is None:
            builder.problems.append(
                f"line {number}: no arrow; write one chain per line, like `a -> b -> c`"
            )
        elif not all(labels):
            builder.problems.append(f"line {number}: an arrow has no box on one side")
        elif any(len(label) > MAX_LABEL for label in labels):
            builder.problems.append(
                f"line {number}: a box's label is longer than {MAX_LABEL} characters"
            )
        else:
            builder.add(labels)
    return builder.result()


def arrows_in_answer(text: str) -> Arrows:
    """The chains in a prose answer: whole lines of short labels joined by arrows.

    Lines that are not such chains are the answer's prose, not refused diagram lines, so
    only the edge limit is reported.
    """
    builder = _Builder()
    for line in text.splitlines()[: MAX_LINES * 10]:
        labels = _chain(line)
        if (
            labels
            and all(labels)
            and all(
                len(label) <= _ANSWER_LABEL and len(label.split()) <= _ANSWER_WORDS
                for label in labels
            )
        ):
            builder.add(labels)
    return builder.result()
