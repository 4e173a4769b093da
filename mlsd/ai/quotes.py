"""Checking a model's quote against what the candidate actually wrote.

A judge that invents evidence is worse than none, so a quote counts only when it is in
one of the candidate's answers. Models re-type what they quote: they curl straight
quotes (or drop them), turn ``--`` into dashes, fold lines and change case, and elide the middle of a
long sentence with ``...``. Both sides are normalised the same way for those, and an
elided quote must have every piece, in order and in whole words, in one sentence of the
same answer, with no negation in what it skips; a quote the candidate's own text negates ("we will not use ...") does not
count either. Nothing looser: a paraphrase is not a quote.

What is shown is the candidate's own characters, not the model's: the match in the
normalised text is mapped back to the span of the answer it came from, so a quote the
model re-typed in fullwidth letters, curly quotes or another case is displayed as the
candidate wrote it (an elided quote as its pieces, joined by " … ").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Shorter than this a "quote" is a word or two, which proves nothing about a point.
MIN_QUOTE = 8

_SUBSTITUTES = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "`": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "″": '"',
        "«": '"',
        "»": '"',
        "–": "-",
        "—": "-",
        "‑": "-",
        "−": "-",
        "…": "...",
    }
)
_SPACE = re.compile(r"\s+")
_DASHES = re.compile(r"-{2,}")
# Quote marks and Markdown emphasis carry no words: models drop or add them when quoting.
_MARKS = str.maketrans("", "", "\"'*`")
_ELISION = re.compile(r"\s*\.\.\.\s*|\s*\[\.\.\.\]\s*")
_EDGE = " \"'.,;:-*"


@dataclass(frozen=True)
class Answer:
    """One piece of the candidate's own text: a step's answer or its follow-up answers."""

    step_id: str
    follow_up: bool
    text: str


@dataclass(frozen=True)
class Quote:
    """A verified quote: the candidate's own words that matched, and where they are.

    ``text`` is cut from the candidate's answer (never the model's re-typing of it);
    ``claimed`` is what the model sent, kept for the record.
    """

    text: str
    step_id: str
    follow_up: bool
    claimed: str = ""


@dataclass(frozen=True)
class Folded:
    """A normalised text, and for each of its characters the span of the original it
    came from: how a match in the normalised text is cut back out of what was written."""

    text: str
    spans: tuple[tuple[int, int], ...]

    def original(self, source: str, start: int, end: int) -> str:
        """The characters of ``source`` that the normalised ``text[start:end]`` came from."""
        return source[self.spans[start][0] : self.spans[end - 1][1]]


def _clusters(text: str) -> list[tuple[int, int]]:
    """A base character with the marks that combine with it: NFKC composes within these
    (a letter and its accent, a Hangul syllable's jamo), never across them."""
    spans: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        joins = unicodedata.combining(ch) or "\u1160" <= ch <= "\u11ff"
        if spans and joins:
            spans[-1] = (spans[-1][0], i + 1)
        else:
            spans.append((i, i + 1))
    return spans


def fold(text: str) -> Folded:
    """``normalise``, keeping where each character came from (see ``Folded``)."""
    chars: list[str] = []
    spans: list[tuple[int, int]] = []
    for start, end in _clusters(text):
        piece = unicodedata.normalize("NFKC", text[start:end])
        for folded in piece.translate(_SUBSTITUTES).translate(_MARKS).casefold():
            ch = " " if folded.isspace() else folded
            if chars and ch in " -" and chars[-1] == ch:
                spans[-1] = (spans[-1][0], end)  # a run of spaces or dashes is one
                continue
            chars.append(ch)
            spans.append((start, end))
    while chars and chars[-1] == " ":
        chars.pop()
        spans.pop()
    lead = 1 if chars and chars[0] == " " else 0
    return Folded("".join(chars[lead:]), tuple(spans[lead:]))


def normalise(text: str) -> str:
    """Both sides of a quote check, folded alike: compatibility forms (fullwidth, …),
    curly quotes and dashes, quote marks and emphasis dropped, spacing and case."""
    return fold(text).text


def session_answers(
    step_ids: Sequence[str], answers: Mapping[str, str], follow_ups: Mapping[str, str]
) -> list[Answer]:
    """Everything the candidate wrote, in step order: what a quote may come from."""
    found: list[Answer] = []
    for step_id in step_ids:
        for text, is_follow_up in ((answers.get(step_id), False), (follow_ups.get(step_id), True)):
            if text and text.strip():
                found.append(Answer(step_id, is_follow_up, text))
    return found


def _pieces(quote: str) -> list[str]:
    return [p.strip(_EDGE) for p in _ELISION.split(normalise(quote)) if p.strip(_EDGE)]


# A word that turns a sentence around. An elision that skips one is not a quote:
# "log loss is not used" must never come back as "log loss ... is ... used".
# (Apostrophes are gone after ``normalise``: "don't" is "dont".)
_TURNING = re.compile(
    r"\b(?:not|no|never|without|neither|nor|none|nothing|cannot|instead|rather|except"
    r"|dont|doesnt|didnt|isnt|arent|wasnt|werent|wont|cant|shouldnt|wouldnt|couldnt"
    r"|neednt|mustnt|hasnt|havent|hadnt|aint|avoid|skip)\b"
)


# An elided gap may not run past the end of a sentence: "We watch AUC ... makes sure the
# model is calibrated" joined two sentences into a claim the candidate never made.
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


def _whole_words(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` begins and ends on word boundaries ("AUC ... ibrated" is not
    the candidate's words, though every piece is somewhere in them)."""
    before = start == 0 or not text[start - 1].isalnum() or not text[start].isalnum()
    after = end == len(text) or not text[end].isalnum() or not text[end - 1].isalnum()
    return before and after


def _in_order(pieces: Sequence[str], text: str) -> list[tuple[int, int]] | None:
    """Where every piece is, in order and in whole words, with no elided gap that drops
    a negation or crosses a sentence end, and the whole not negated where it stands
    (``rubric.negation``): a quote cut just after "we do not" is the candidate's words
    with the opposite meaning. None when not there."""
    from mlsd.rubric.negation import is_negated

    at = 0
    found_at: list[tuple[int, int]] = []
    for piece in pieces:
        found = text.find(piece, at)
        while found >= 0 and not _whole_words(text, found, found + len(piece)):
            found = text.find(piece, found + 1)
        if found < 0:
            return None
        if found_at and (_TURNING.search(text, at, found) or _SENTENCE_END.search(text, at, found)):
            return None
        at = found + len(piece)
        found_at.append((found, at))
    return None if is_negated(text, found_at[0][0], at) else found_at


def locate(quote: str, answers: Sequence[Answer], prefer: str | None = None) -> Quote | None:
    """The answer that holds ``quote``, or None when it is not the candidate's words.

    ``prefer`` looks in that step's own answer first, so a sentence repeated in two
    steps is attributed where the point belongs.
    """
    pieces = _pieces(quote)
    if sum(len(p) for p in pieces) < MIN_QUOTE:
        return None
    ordered = sorted(answers, key=lambda a: (a.step_id != prefer, a.follow_up))
    for answer in ordered:
        folded = fold(answer.text)
        spans = _in_order(pieces, folded.text)
        if spans is not None:
            words = [" ".join(folded.original(answer.text, a, b).split()) for a, b in spans]
            return Quote(" … ".join(words), answer.step_id, answer.follow_up, quote.strip())
    return None
