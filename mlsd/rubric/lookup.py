"""Which of a case's clarifying questions the candidate (or interviewer) means.

A question typed in one's own words ("how many people use it daily?") is matched to the
case's clarifications by their ``match`` phrases first, then by shared content words,
with everyday synonyms (people/users, daily/often, traffic/QPS). An interviewer on a call
types one or two words, fast: a single word ("budget") is enough when it is all they
typed, and a slip of one letter ("bugdet", "latncy") still finds its word. Pure module.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from mlsd.rubric.matching import _stem, find
from mlsd.rubric.negation import WORDS, wordset

if TYPE_CHECKING:
    from mlsd.cases.models import Clarification

_STOPWORDS = wordset(
    "a an and are as at be by can do does for from have how i in is it its many much of "
    "on or our the their there this to was we what when where which who why will with "
    "would you your any are be could should about need there's whats"
)


# Words people use interchangeably when they ask an interviewer a question; mapped to one
# stem so "how many people use it daily" finds "How many users ... how often ...".
_QUESTION_SYNONYMS = {
    "people": "user",
    "person": "user",
    "customer": "user",
    "customers": "user",
    "member": "user",
    "members": "user",
    "buyer": "user",
    "buyers": "user",
    "viewer": "user",
    "viewers": "user",
    "daily": "often",
    "day": "often",
    "frequently": "often",
    "traffic": "qps",
    "rps": "qps",
    "throughput": "qps",
    "load": "qps",
    "fast": "latency",
    "quickly": "latency",
    "slow": "latency",
    "milliseconds": "latency",
    "ms": "latency",
    "goal": "objective",
    "aim": "objective",
    "target": "objective",
    "metric": "objective",
    "success": "objective",
    "labels": "label",
    "labelled": "label",
    "labeled": "label",
    "ground": "label",
    "items": "catalogue",
    "inventory": "catalogue",
    "catalog": "catalogue",
}


_QUESTION_FILLER = frozenset(
    ["use", "uses", "using", "used", "get", "give", "like", "know", "tell", "big", "expect"]
)


# Words shorter than this are matched exactly: "logo" one letter from "log" is no typo.
_TYPO_MIN = 5
# From this length two slips are tolerated ("recomendation" for "recommendation").
_TYPO_TWO = 9
# What one word found only through a typo is worth, against 0.5 for an exact shared word;
# a word of a match phrase (exact, or one slip away) is worth a little more, because the
# author listed it as how people ask.
_TYPO_SCORE = 0.4
_QUESTION_SCORE = 1.0  # what a whole question needs: one match phrase, or two shared words
_LISTED_SCORE = 0.45


def _within(a: str, b: str, limit: int) -> bool:
    """Whether ``a`` is at most ``limit`` edits from ``b`` (a swap of neighbours is one)."""
    if abs(len(a) - len(b)) > limit:
        return False
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(
                row[j] + 1,
                current[j - 1] + 1,
                row[j - 1] + (ca != cb),
            )
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        before, row = row, current
    return row[-1] <= limit


def _typo_of(word: str, vocabulary: set[str]) -> bool:
    """Whether ``word`` is a slip of the keyboard for a word of ``vocabulary``."""
    if len(word) < _TYPO_MIN:
        return False
    limit = 2 if len(word) >= _TYPO_TWO else 1
    return any(len(v) >= _TYPO_MIN - 1 and _within(word, v, limit) for v in vocabulary)


def _normal(word: str) -> str | None:
    """The stem a typed word counts as, or None for a word that carries no meaning."""
    if word in _QUESTION_FILLER:
        return None
    if word in _QUESTION_SYNONYMS:
        return _QUESTION_SYNONYMS[word]
    if len(word) > 2 and word not in _STOPWORDS:
        return _stem(word)
    return None


def _content_stems(text: str) -> set[str]:
    stems = (_normal(t.lower()) for t in WORDS.findall(text))
    return {s for s in stems if s is not None}


def _typed_stems(text: str) -> set[str]:
    """Like ``_content_stems``, but a typo of a synonym ("peple") counts as the synonym."""
    stems: set[str] = set()
    for word in (t.lower() for t in WORDS.findall(text)):
        stem = _normal(word)
        if stem is None:
            continue
        if word not in _QUESTION_SYNONYMS and len(word) >= _TYPO_MIN:
            slip = next(
                (k for k in _QUESTION_SYNONYMS if len(k) >= _TYPO_MIN and _within(word, k, 1)),
                None,
            )
            if slip is not None:
                stem = _QUESTION_SYNONYMS[slip]
        stems.add(stem)
    return stems


def _score(question: str, words: set[str], clar: Clarification) -> float:
    score = 0.0
    for phrase in clar.match:
        if find((phrase,), question, negation=False) is not None:
            score += 1.0 + 0.25 * (len(WORDS.findall(phrase)) - 1)
    own = _content_stems(clar.question)
    listed = {stem for phrase in clar.match for stem in _content_stems(phrase)}
    score += 0.5 * len(words & own)
    # A word of a longer phrase ("budget" of "time budget") says something on its own.
    score += _LISTED_SCORE * len((words & listed) - own)
    for word in words - own - listed:
        if _typo_of(word, listed):
            score += _LISTED_SCORE
        elif _typo_of(word, own):
            score += _TYPO_SCORE
    return score


def best_clarification(
    question: str, clarifications: Sequence[Clarification]
) -> Clarification | None:
    """The clarification a typed question most likely asks for, or None if none fits.

    A question scores one point for each of a clarification's ``match`` phrases it
    contains (longer phrases a little more), half a point for each content word it
    shares with the clarification's own question, and a little less for a word of a match
    phrase or one slip away from a word of either. A whole question needs
    one point: one phrase, or two shared words. A query of one or two words, as an
    interviewer types on a call ("budget", "how many people"), needs only one of them.
    """
    words = _typed_stems(question)
    best, best_score = _best(question, words, clarifications)
    needed = _TYPO_SCORE if len(words) <= 2 else _QUESTION_SCORE
    return best if words and best_score >= needed else None


def _best(
    question: str, words: set[str], clarifications: Sequence[Clarification]
) -> tuple[Clarification | None, float]:
    best: Clarification | None = None
    best_score = 0.0
    for clar in clarifications:
        score = _score(question, words, clar)
        if score > best_score:
            best, best_score = clar, score
    return best, best_score


# Where a typed question asks a second one: "?", ";", or "and" before a question word.
_SECOND_QUESTION = re.compile(
    r"\?\s*|;\s*|,?\s+and\s+(?=(?:what|how|which|who|when|where|why|is|are|do|does|can|"
    r"will|should|would)\b)",
    re.IGNORECASE,
)


# "How many users, posts per day": one question word over a list of short things.
_HEAD = re.compile(r"^(?:how\s+(?:many|much)|what(?:\s+(?:is|are))?(?:\s+the)?)\s+", re.I)
_LIST = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+", re.I)
_LIST_ITEM_WORDS = 4


def _shared_head(part: str) -> list[str]:
    """A part whose question word covers a list, one question per item ("How many
    users?", "How many posts per day?"): matched whole, it got the answer for one of them."""
    head = _HEAD.match(part)
    if head is None or "," not in part:
        return [part]
    items = [i for i in _LIST.split(part[head.end() :]) if i.strip()]
    if len(items) < 2 or any(len(WORDS.findall(i)) > _LIST_ITEM_WORDS for i in items):
        return [part]
    return [head.group(0) + item for item in items]


def asked_in(
    question: str, clarifications: Sequence[Clarification]
) -> list[tuple[str, Clarification | None]]:
    """What a typed question asks: (its words, the clarification) for each part of it.

    "How fresh must answers be, and what is the p95 latency target?" asks two things; a
    part with a clarification of its own gets that answer too, where one best match for
    the whole question answered only half of it. A single question is itself, matched whole.
    """
    parts = [
        piece for p in _SECOND_QUESTION.split(question) for piece in _shared_head(p.strip(" ,."))
    ]
    found: list[tuple[str, Clarification | None]] = []
    for part in (p for p in parts if len(WORDS.findall(p)) >= 3):
        # each part must match on its own, as a whole question would (one phrase or two
        # shared words): "how many employees use it" is not a question about permissions
        clar, score = _best(part, _typed_stems(part), clarifications)
        if clar is not None and score >= _QUESTION_SCORE and all(clar is not f for _, f in found):
            found.append((part[:1].upper() + part[1:].rstrip("?") + "?", clar))
    if len(found) >= 2:
        return found
    return [(question, best_clarification(question, clarifications))]


def candidates(
    typed: str, clarifications: Sequence[Clarification], limit: int
) -> list[Clarification]:
    """The best few matches, best first, each one a match on its own."""
    left = list(clarifications)
    found: list[Clarification] = []
    while len(found) < limit:
        best = best_clarification(typed, left)
        if best is None:
            break
        found.append(best)
        left.remove(best)
    return found
