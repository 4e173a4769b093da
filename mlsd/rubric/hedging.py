"""Mentions that defer an idea or only list it: named, but not put forward.

"A multi-task model would be overkill for v1", "there's also selection bias, which we can
look at in a later iteration" and "monitor data drift, concept drift, feature drift and
model performance" all name an idea without making it. ``negation`` catches a plain "not";
these rules catch the hedge and the bare list. Pure module: text in, verdict out.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

# A full stop that ends an abbreviation ("e.g.", "i.e.", "vs.", "etc.") ends no sentence.
NOT_ABBREVIATION = r"(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)(?<!\betc)(?<!\bcf)(?<!\bapprox)"
# Where a sentence ends: . ! ? before white space, a semicolon, or a new line.
_SENTENCE = re.compile(rf"{NOT_ABBREVIATION}[.!?](?=\s|$)|;|\n", re.IGNORECASE)
# Within a sentence, these start a new claim: "GBDT now, but a DNN would be overkill".
_CLAIM_BREAK = re.compile(
    r"\s*[,—–]?\s+(?:but|so|whereas|while|and\s+then|then)\s+"
    r"(?=(?:i|we|it|they|that|this|these|those|the|a|an|our|you)\b)|\s+—\s+|\s+–\s+",
    re.IGNORECASE,
)
# A later claim in the sentence that puts the earlier one off by pointing back at it:
# "social features have privacy complications, so I'd defer those".
_DEFERS_BACK = re.compile(
    r"\b(?:so|but|and)\s+(?:i|we)(?:['’]d|['’]ll|\s+would|\s+will|\s+can|\s+could)?\s+"
    r"(?:just\s+|probably\s+)?(?:(?:defer|park|postpone)\s+(?:it|them|those|that|these)\b|"
    r"(?:ignore|skip)\s+(?:it|them|those|that|these)\s+(?:for\s+now|in\s+v1|at\s+first)\b|"
    r"(?:don['’]t|do\s+not)\s+(?:think\s+(?:we|i)\s+)?(?:need|want)\s+(?:it|them|those|that|this|these)\b|"
    r"(?:just\s+)?(?:start|begin|stick)\s+with\b)",
    re.IGNORECASE,
)
_POINTS_BACK = re.compile(
    r"\s*[,—–]?\s+(?:but|so)\s+(?:that|it|this|they|those|these)(?:['’]s|\s+(?:is|are|would|will|seems?))?\b",
    re.IGNORECASE,
)
# Openings that put a whole sentence off: "Later we could add a reranker, guardrails ...".
_DEFERRED_SENTENCE = re.compile(
    r"^\W*(?:(?:later|eventually|then)\s*,?\s+(?:we|i|you)\s+(?:could|might|may|can)\b|"
    r"(?:longer|long)[\s-]term\s*(?:,|:|—|–|we\b|I\b)|in\s+the\s+future\b|down\s+the\s+(?:line|road)\b|"
    r"future\s+work\b|v2\b)",
    re.IGNORECASE,
)
_DEFERRED = re.compile(
    r"\boverkill\b|\bover[\s-]?engineer|"
    r"\b(?:in|for|at|until)\s+(?:a\s+|the\s+)?later\s+(?:iteration|phase|stage|version|date|point)|"
    r"\b(?:a\s+)?v2\s+(?:thing|feature|idea|item|problem)|\bmore\s+of\s+a\s+v2\b|"
    r"\b(?:for|in|until)\s+(?:a\s+)?v2\b|\bnot\s+(?:for|in)\s+v1\b|\bafter\s+v1\b|"
    r"\b(?:is|are|would\s+be|sounds?|seems?)\s+(?:really\s+)?(?:nice|great|cool|interesting)"
    r"\s*,?\s+but\b|"
    r"\badds?\s+(?:a\s+lot\s+of\s+|too\s+much\s+|unnecessary\s+|extra\s+)?complexity\b|"
    r"\b(?:defer|defers|deferred|deferring|postpone|postponed|park|parked)\b|"
    r"\bwouldn['’]t\s+(?:build|bother|invest|start)\b|"
    r"\b(?:don['’]t|do\s+not)\s+think\s+(?:we|i)\s+(?:need|want|should)\b|"
    r"\blong[\s-]term\s+(?:direction|idea|goal|plan)\b|\bfuture\s+work\b|"
    r"\bdown\s+the\s+(?:line|road)\b|\bsomeday\b|\beventually\s+maybe\b|"
    r"\b(?:ignore|ignoring|ignored|skip|skipping|drop|dropping)\b[^.;]{0,40}\bfor\s+now\b|"
    r"\b(?:small|rare|minor)\s+enough\s+to\s+ignore\b|"
    r"\b(?:mostly|really|usually)\s+(?:the|another|a\s+separate)\s+[\w-]+(?:\s+[\w-]+)?\s+"
    r"team['’]s\s+(?:job|problem|concern)\b|"
    r"\bnice[\s-]to[\s-]haves?\b|\bif\s+(?:we|there['’]s)\s+(?:have\s+)?time\b|"
    r"\b(?:can|could)\s+(?:look\s+at|add|consider|try|revisit)\b[^.;]{0,80}\blater\b|"
    r"\bend\s+state\s+(?:would|could|might|will|is\s+(?:probably|likely|eventually))\b|"
    r"\b(?:things?|something|stuff)\s+to\s+(?:keep\s+in\s+mind|think\s+about|consider|watch)\b|"
    r"\bworth\s+(?:keeping\s+in\s+mind|considering|a\s+thought)\b|"
    r"\b(?:forget|forget\s+about)\s+(?:the\s+|a\s+)?\w|\bnobody\s+(?:needs|uses|cares)\b|"
    r"\bwon['’]t\s+be\s+(?:necessary|needed|required)\b|\bwon['’]t\s+need\b",
    re.IGNORECASE,
)
# A list item: one to four words, perhaps with a slash or hyphen ("PR-AUC", "FM/FFM").
_ITEM = re.compile(r"^[\w/&+.'’@%-]+(?:\s+[\w/&+.'’@%-]+){0,3}$")
_PARENTHESISED = re.compile(r"\s*\([^()]{0,60}\)")
_LIST_SPLIT = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", re.IGNORECASE)
# How many short items make a bare list of names.
LIST_ITEMS = 4


def _span(text: str, start: int, end: int, breaks: re.Pattern[str]) -> tuple[int, int]:
    """The stretch of ``text`` around ``[start, end)`` between two ``breaks`` (400 chars at most)."""
    lo = max(0, start - 400)
    for before in breaks.finditer(text, lo, start):
        lo = before.end()
    after = breaks.search(text, end, end + 400)
    return lo, (after.start() if after else min(len(text), end + 400))


@lru_cache(maxsize=256)
def _sentence_breaks(text: str) -> tuple[tuple[int, ...], tuple[int, ...], str]:
    """(starts, ends, end characters) of every sentence break, once per answer."""
    found = list(_SENTENCE.finditer(text))
    return (
        tuple(m.start() for m in found),
        tuple(m.end() for m in found),
        "".join(m.group()[:1] for m in found),
    )


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``[start, end)``: between the breaks before and after it."""
    starts, ends, _ = _sentence_breaks(text)
    i = bisect_right(ends, start) - 1
    lo = max(ends[i] if i >= 0 else 0, start - 400)
    j = bisect_left(starts, end)
    hi = min(starts[j] if j < len(starts) else len(text), end + 400)
    return lo, hi


@lru_cache(maxsize=1024)
def _sentence_deferred(sentence: str) -> bool:
    return _DEFERRED_SENTENCE.search(sentence) is not None


# A hedge just before the name: "we'd use negative downsampling or maybe SMOTE".
_HEDGED_BEFORE = re.compile(
    r"\b(?:maybe|perhaps|possibly)\s+(?:(?:even|also|some|a|an|the|use|add|try|do)\s+){0,3}\Z",
    re.IGNORECASE,
)


def deferred(text: str, start: int, end: int) -> bool:
    """Is the claim around ``text[start:end]`` put off ("overkill for v1", "later")?"""
    if _HEDGED_BEFORE.search(text, max(0, start - 40), start):
        return True
    s_lo, s_hi = _sentence(text, start, end)
    sentence = text[s_lo:s_hi]
    if _sentence_deferred(sentence):
        return True
    c_lo, c_hi = _span(sentence, start - s_lo, end - s_lo, _CLAIM_BREAK)
    return _claim_deferred(sentence, c_lo, c_hi)


@lru_cache(maxsize=1024)
def _claim_deferred(sentence: str, c_lo: int, c_hi: int) -> bool:
    """The claim ``sentence[c_lo:c_hi]`` is put off, by itself or by the claim after it.

    Cached: the phrases of many points land in the same claim of the same answer.
    """
    if _DEFERRED.search(sentence, c_lo, c_hi) is not None:
        return True
    if _DEFERS_BACK.search(sentence, c_hi) is not None:
        return True
    # "..., but that's overkill for v1": the next claim judges this one through a pronoun
    following = _POINTS_BACK.match(sentence, c_hi)
    if following is None:
        return False
    _, n_hi = _span(sentence, following.end(), following.end(), _CLAIM_BREAK)
    return _DEFERRED.search(sentence, following.end(), n_hi) is not None


def asked(text: str, start: int, end: int) -> bool:
    """Is ``text[start:end]`` inside a question? "What is the latency budget?" asks; it
    does not say what the budget is, and reading a step's prompts back is not an answer."""
    starts, _, chars = _sentence_breaks(text)
    j = bisect_left(starts, end)
    return j < len(starts) and starts[j] < end + 400 and chars[j] == "?"


def listed(text: str, start: int, end: int) -> bool:
    """Is ``text[start:end]`` one name in a bare list ("AUC, log loss, NE, PR-AUC")?

    A list of at least ``LIST_ITEMS`` short items, with the match inside one of them,
    names ideas without saying anything about any of them.
    """
    s_lo, s_hi = _sentence(text, start, end)
    sentence = text[s_lo:s_hi]
    rel = start - s_lo
    # the list runs from the last colon (a lead-in like "Offline:") to the sentence's end
    colon = sentence.rfind(":", 0, rel)
    body_start = colon + 1 if colon >= 0 else 0
    body = sentence[body_start:]
    parts = [p.strip(" .!?()") for p in _LIST_SPLIT.split(_PARENTHESISED.sub("", body))]
    short = [p for p in parts if p and _ITEM.match(p)]
    if len(short) < LIST_ITEMS or len(short) < len([p for p in parts if p]) - 1:
        return False
    matched = text[start:end].lower()
    return any(matched in p.lower() for p in short)
