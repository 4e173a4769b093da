"""Which of a case's clarifying questions the candidate (or interviewer) means.

A question typed in one's own words ("how many people use it daily?") is matched to the
case's clarifications by their ``match`` phrases first, then by shared content words,
with everyday synonyms (people/users, daily/often, traffic/QPS). Pure module.
"""

from __future__ import annotations

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


def _content_stems(text: str) -> set[str]:
    stems: set[str] = set()
    for word in (t.lower() for t in WORDS.findall(text)):
        if word in _QUESTION_FILLER:
            continue
        if word in _QUESTION_SYNONYMS:
            stems.add(_QUESTION_SYNONYMS[word])
        elif len(word) > 2 and word not in _STOPWORDS:
            stems.add(_stem(word))
    return stems


def best_clarification(
    question: str, clarifications: Sequence[Clarification]
) -> Clarification | None:
    """The clarification a typed question most likely asks for, or None if none fits.

    A question scores one point for each of a clarification's ``match`` phrases it
    contains (longer phrases a little more), and half a point for each content word it
    shares with the clarification's own question. At least one point is needed: one
    phrase, or two shared words.
    """
    words = _content_stems(question)
    if not words:
        return None
    best: Clarification | None = None
    best_score = 0.0
    for clar in clarifications:
        score = 0.0
        for phrase in clar.match:
            if find((phrase,), question, negation=False) is not None:
                score += 1.0 + 0.25 * (len(WORDS.findall(phrase)) - 1)
        score += 0.5 * len(words & _content_stems(clar.question))
        if score > best_score:
            best, best_score = clar, score
    return best if best_score >= 1.0 else None
