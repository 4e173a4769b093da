"""Checking a model's quote against what the candidate actually wrote.

A judge that invents evidence is worse than none, so a quote counts only when it is in
one of the candidate's answers. Models re-type what they quote: they curl straight
quotes (or drop them), turn ``--`` into dashes, fold lines and change case, and elide the middle of a
long sentence with ``...``. Both sides are normalised the same way for those, and an
elided quote must have every piece, in order, in the same answer, with no negation in
what it skips; a quote the candidate's own text negates ("we will not use ...") does not
count either. Nothing looser: a paraphrase is not a quote.
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
    """A verified quote: the model's words, and the answer they were found in."""

    text: str
    step_id: str
    follow_up: bool


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).translate(_SUBSTITUTES)
    bare = _DASHES.sub("-", folded.translate(_MARKS))
    return _SPACE.sub(" ", bare).casefold().strip()


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


def _in_order(pieces: Sequence[str], text: str) -> bool:
    """Every piece, in order, with no elided gap that drops a negation, and the whole
    not negated where it stands (``rubric.negation``): a quote cut just after "we do
    not" is the candidate's words with the opposite meaning."""
    from mlsd.rubric.negation import is_negated

    at = 0
    start = -1
    for piece in pieces:
        found = text.find(piece, at)
        if found < 0:
            return False
        if start < 0:
            start = found
        elif _TURNING.search(text, at, found):
            return False
        at = found + len(piece)
    return not is_negated(text, start, at)


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
        if _in_order(pieces, normalise(answer.text)):
            return Quote(quote.strip(), answer.step_id, answer.follow_up)
    return None
