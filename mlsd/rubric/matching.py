"""Recognise a rubric point's ``match`` phrases in a candidate's free text.

Case authors write plain phrases ("re-ranking", "quantization", "calibrat") and expect
them to be found however a candidate happens to spell them. Each phrase is compiled once
into a regular expression that accepts the variants itself (plurals and inflections,
hyphens and spacing, British and American spelling), instead of normalising the answer
first: that way a match is a span of the *original* text, and feedback can quote exactly
the words the candidate wrote.

A match that the candidate negated ("we will not use a feature store") does not count.
Pure module: no terminal, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from mlsd.rubric.hedging import asked, deferred, listed
from mlsd.rubric.negation import in_passing, is_negated, wordset
from mlsd.rubric.regex_budget import TIMED_OUT, search_re

__all__ = ["TIMED_OUT", "Match", "covers", "find", "phrase_keys", "word_starts"]

if TYPE_CHECKING:
    pass

# A word of at least this many letters (after its inflection is removed) also matches as
# a prefix, so "calibrat" finds calibrate, calibrated and calibration.
PREFIX_MIN = 5


_ALNUM = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[^\w\s\-‐‑–—]")
_LETTERS = r"[^\W\d_]*"
_WORD_SEP = r"[\s\-‐‑–_/]*"
_END = r"(?![^\W_])"
_START = r"(?<![^\W_])"
_POSSESSIVE = r"(?:['’]s)?"
_VOWELS = "aeiou"
_SPLIT = r"[\s\-‐‑]?"
_UNIT = re.compile(r"\[sz\]|ou\?r|og\(\?:ue\)\?|\\.|.")
_FUNCTION_WORDS = wordset("per for the and not via all any off out than then with from")


@dataclass(frozen=True)
class Match:
    """Where a phrase was found: ``text[start:end] == words``."""

    phrase: str
    start: int
    end: int
    words: str


# -- compiling phrases --------------------------------------------------------------


def _stem(word: str) -> str:
    """Strip one inflection, so the stem is a prefix shared by the word's common forms.

    Deliberately crude (no dictionary): the regex built from the stem accepts any
    ending, so it only has to cut at or before the point where the forms diverge.
    """
    w = word
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    stripped = False
    if w.endswith(("sses", "xes", "ches", "shes", "zes")) and len(w) > 4:
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        w = w[:-1]
    for suffix, keep in (("ation", 6), ("ion", 4), ("ing", 3), ("ed", 3)):
        if suffix == "ed" and w.endswith("eed"):
            break  # speed, feed, exceed: the "ed" is the word's own
        if suffix == "ion" and w[-4:-3] not in ("t", "s", "x"):
            continue  # -tion, -sion, -xion are inflections; million and opinion are not
        if w.endswith(suffix) and len(w) - len(suffix) >= keep:
            w, stripped = w[: -len(suffix)], True
            break
    if stripped and len(w) >= 3 and w[-1] == w[-2] and w[-1] not in _VOWELS + "s":
        w = w[:-1]  # labelled -> label, modelling -> model, logging -> log
    if w.endswith("e") and len(w) > 3 and not w.endswith(("ee", "ye")):
        w = w[:-1]  # calibrate -> calibrat, cache -> cach
    return w


def stem(word: str) -> str:
    """A lower-case word's stem, as phrases are matched (for cards that blank key words)."""
    return _stem(word.lower())


def _spelling(stem: str, *, split: bool = False) -> str:
    """Regex for a stem that also accepts the other side of the Atlantic's spelling.

    With ``split`` a compound may also be written as two words or hyphenated:
    "fallback" finds "fall back", "pretrain" finds "pre-trained".
    """
    out = re.escape(stem)
    # -ise/-ize, -isation/-ization, analyse/analyze
    out = re.sub(r"(?<=[a-z]{3})([iy])[sz](?=$|[aei])", r"\1[sz]", out)
    # behaviour/behavior, favourite/favorite, colour/color
    out = re.sub(r"(?<=[a-z]{3})ou?r(?=$|[aeis])", "ou?r", out)
    # catalogue/catalog, dialogue/dialog
    out = re.sub(r"(?<=[a-z]{3})og(?:u)?$", "og(?:ue)?", out)
    if not split:
        return out
    units = _UNIT.findall(out)
    return "".join(
        (_SPLIT if 3 <= i <= len(units) - 2 else "") + unit for i, unit in enumerate(units)
    )


def _word_regex(token: str, joined_len: int, *, alone: bool = False) -> str:
    """Regex for one word of a phrase; ``joined_len`` counts a hyphenated compound whole.

    ``alone``: the word is the whole phrase, so it may be a compound written apart.
    """
    if re.search(r"\d", token) or (token.isupper() and len(token) <= 6):
        # Acronyms and codes (DAU, HNSW, p99, INT8) match as written, plural allowed.
        return re.escape(token.lower()) + "s?"
    word = token.lower().replace("’", "'")
    if "'" in word or len(word) <= 2 or word in _FUNCTION_WORDS:
        return re.escape(word).replace("'", "['’]")
    tre = re.fullmatch(r"([a-z]{3,}[tb])(?:re|er)(?:s|d|ed|ing)?", word)
    if tre and len(word) >= 6:
        # centre/center, fibre/fiber: any ending after the alternation
        return re.escape(tre.group(1)) + "(?:re|er)" + _LETTERS
    if word.endswith(("ogue", "ogues")) and len(word) >= 7:
        word = word[: word.rindex("ogue") + 2]
    stem = _stem(word)
    long_enough = len(stem) >= PREFIX_MIN or joined_len - len(word) + len(stem) >= PREFIX_MIN
    if stem.endswith("y") and len(stem) > 3 and stem[-2] not in _VOWELS:
        body = _spelling(stem[:-1]) + "(?:y|ie|i)"
        return body + (_LETTERS if long_enough else "(?:s|d|ng)?")
    if long_enough:
        return _spelling(stem, split=alone and len(stem) >= 6) + _LETTERS
    last = re.escape(stem[-1])
    tail = rf"(?:e|es|s|ed|d|ing|ings|er|ers|ion|ions|{last}(?:ed|ing|ings|er|ers|s)?)?"
    return re.escape(stem) + tail + _POSSESSIVE


def _is_word(token: str) -> bool:
    return bool(re.match(r"[^\W_]", token))


def phrase_regex(phrase: str) -> str:
    """The regular expression (as text) that a plain ``match`` phrase compiles to.

    Words inside a phrase need no end boundary (what follows them in the phrase is one),
    which is what lets "re-ranking" also match "reranking".
    """
    return _build(phrase)[0]


def _literal(source: str) -> str:
    """The letters a regex fragment always starts with: up to the first optional one."""
    key = []
    for i, char in enumerate(source):
        if not char.isalnum() or source[i + 1 : i + 2] in {"?", "*", "+", "{"}:
            break
        key.append(char)
    return "".join(key).lower()


def _build(phrase: str) -> tuple[str, tuple[str, ...]]:
    """A phrase's regex, and the letters that each of its words surely starts with."""
    phrase = phrase.strip()
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(phrase)]
    if not tokens:
        raise ValueError(f"match phrase {phrase!r} has no words")
    parts: list[str] = []
    keys: list[str] = []
    joined = 0
    for i, (text, start, _) in enumerate(tokens):
        prev = tokens[i - 1] if i else None
        nxt = tokens[i + 1][0] if i + 1 < len(tokens) else ""
        if prev is None:
            joined = len(text)
        else:
            hyphen_joined = phrase[prev[2] : start] in {"-", "‐", "‑"}
            joined = joined + len(text) if hyphen_joined else len(text)
            both_words = _is_word(text) and _is_word(prev[0])
            parts.append(_WORD_SEP if both_words else r"\s*")
        if _is_word(text):
            parts.append(_word_regex(text, joined, alone=len(tokens) == 1))
            keys.append(_literal(parts[-1]))
        elif text == "/" and prev is not None and len(prev[0]) == 1 and len(nxt) == 1:
            parts.append("/?")  # A/B test is also written AB test
        else:
            parts.append(re.escape(text))
    head = _START if _is_word(tokens[0][0]) else ""
    tail = _END if _is_word(tokens[-1][0]) else ""
    return head + "".join(parts) + tail, tuple(k for k in keys if k)


@lru_cache(maxsize=4096)
def compile_phrase(phrase: str) -> re.Pattern[str]:
    """Compile one plain ``match`` alternative (``re:`` phrases go through ``_search_re``)."""
    return re.compile(phrase_regex(phrase), re.IGNORECASE)


@lru_cache(maxsize=4096)
def _anchor(phrase: str) -> str:
    """The letters every occurrence of a plain phrase starts with ("" when unknown).

    A phrase that opens with a word matches only where that word's fixed letters begin a
    word, so ``str.find`` can jump between those places instead of a case-insensitive
    scan trying every character (most of scoring's time went there).
    """
    source = phrase_regex(phrase)
    return _literal(source[len(_START) :]) if source.startswith(_START) else ""


def _matches(phrase: str, text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, words) of each occurrence; a ``re:`` phrase runs under a time bound."""
    if not phrase.startswith("re:"):
        pattern = compile_phrase(phrase)
        anchor, lowered = _anchor(phrase), _lower(text)
        if not anchor or len(lowered) != len(text):  # lowering moved offsets: scan
            for m in pattern.finditer(text):
                yield m.start(), m.end(), m.group()
            return
        # The same occurrences finditer gives: leftmost first, none overlapping.
        at = lowered.find(anchor)
        while at >= 0:
            hit = pattern.match(text, at)
            if hit is None or hit.end() == at:
                at = lowered.find(anchor, at + 1)
                continue
            yield hit.start(), hit.end(), hit.group()
            at = lowered.find(anchor, hit.end())
        return
    if phrase in TIMED_OUT:
        return
    yield from search_re(phrase, text)


# -- finding ------------------------------------------------------------------------


# A ``re:`` phrase that opens with a word boundary (after any lookbehinds) and a literal,
# like ``re:(?<!the )\bGBDTs?\b``, surely starts a word with that literal.
_RE_HEAD = re.compile(r"(?:\(\?<!(?:[^()\\]|\\.)*\))*\\b")


@lru_cache(maxsize=4096)
def _keys(phrase: str) -> tuple[str, ...]:
    """Letters each word of a match surely starts with (at most the first, for ``re:``)."""
    if not phrase.startswith("re:"):
        return _build(phrase)[1]
    head = _RE_HEAD.match(phrase, 3)
    if head is None or _alternates(phrase[3:]):
        return ()
    key = _literal(phrase[head.end() :])
    return (key,) if len(key) >= 2 else ()


def _alternates(source: str) -> bool:
    """Whether a regular expression has a ``|`` outside every group and character class."""
    depth, in_class, escaped = 0, False, False
    for char in source:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return True
    return False


# Word beginnings are kept up to this length (and a key is cut to it): every prefix of a
# 950,000-letter "word" (a pasted blob) took 24 GB.
KEY_MAX = 32


@lru_cache(maxsize=256)
def _starts(text: str) -> frozenset[str]:
    """Every way a word of the text begins ("log", "logg", ... for "logging"), lowercased.

    Most of a rubric cannot match a given answer: a phrase whose first word's fixed
    letters begin no word of the text is ruled out by one set lookup, without its regex.
    """
    return frozenset(
        w[:n]
        for w in {w.lower() for w in _ALNUM.findall(text)}
        for n in range(1, min(len(w), KEY_MAX) + 1)
    )


@lru_cache(maxsize=4096)
def _prepared(phrases: tuple[str, ...]) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(phrase, first key, later keys) for each phrase of a point, worked out once."""
    out = []
    for phrase in phrases:
        keys = _keys(phrase)
        out.append((phrase, keys[0][:KEY_MAX] if keys else "", keys[1:]))
    return tuple(out)


def word_starts(text: str) -> frozenset[str]:
    """Every way a word of ``text`` begins, lowercased (what ``find`` checks keys in)."""
    return _starts(text)


def phrase_keys(phrases: Iterable[str]) -> frozenset[str]:
    """The first key of each phrase, as ``find`` uses it: "" when a phrase has none.

    ``find`` can match ``phrases`` in a text only if one of these is "" or begins a
    word of the text.
    """
    return frozenset(first for _, first, _ in _prepared(tuple(phrases)))


@lru_cache(maxsize=256)
def _lower(text: str) -> str:
    return text.lower()


def find(
    phrases: Iterable[str], text: str, *, negation: bool = True, listing_counts: bool = True
) -> Match | None:
    """The first counted occurrence of the first of ``phrases`` that occurs, or None.

    Any one alternative is enough; they are tried in the order the author listed them.
    Occurrences the candidate negated or deferred are skipped, so a later, affirmative
    mention still counts; without ``listing_counts``, so are bare mentions in a list of
    names (for points that need substance, not a name).
    """
    starts, lowered = _starts(text), _lower(text)
    for phrase, first, later in _prepared(tuple(phrases)):
        if first and first not in starts:
            continue
        # Later words may be glued to earlier ones ("reranking"), so only look for them.
        if later and not all(k in lowered for k in later):
            continue
        for start, end, words in _matches(phrase, text):
            if end == start:
                continue
            if negation and (
                is_negated(text, start, end)
                or in_passing(text, start, end)
                or deferred(text, start, end)
                or asked(text, start, end)
                or (not listing_counts and listed(text, start, end))
            ):
                continue
            return Match(phrase, start, end, words)
    return None


def covers(phrases: Iterable[str], text: str) -> bool:
    """Whether ``text`` affirmatively mentions any of ``phrases``."""
    return find(phrases, text) is not None


# -- clarifying questions -----------------------------------------------------------
