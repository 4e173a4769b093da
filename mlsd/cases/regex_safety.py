"""Whether a case's ``re:`` phrase can make Python's regex engine backtrack for ever.

Python's ``re`` is a backtracking matcher: a pattern in which a repeated part can match
the same text in more than one way, such as ``(a+)+``, ``(\\w+\\s?)*`` or ``(a|a)*``,
tries exponentially many ways before it fails, so a 20-word answer pins a CPU for
minutes. Case packs are shared by strangers, so ``mlsd cases lint`` refuses such
phrases, and the matcher may call :func:`backtracking_risk` too (it is pure and cheap).

How: the pattern is parsed with the ``re`` module's own parser and turned into a
position automaton (Glushkov's construction) that keeps one edge per way of getting from
one character to the next, so ``(a+)+`` has two ``a -> a`` edges. A pattern has
*exponential* ambiguity exactly when some state can return to itself along two different
paths that read the same text (Weideman et al., "Analyzing matching time behavior of
backtracking regular expression matchers by using ambiguity of NFA", 2016). We look for
that in the product of the automaton with itself: a strongly connected component that
holds a pair of equal states and a pair of different ones (or a doubled edge).

It over-approximates on purpose, and only ever towards "unsafe": a counted repeat over 4
(``[^.]{0,120}``) or of a part of varying width (``(\\w+\\s?){0,3}``, cubic on one long
word) is treated as unbounded, a back-reference as "any text", atomic groups
and possessive repeats as ordinary ones, and matching as case-insensitive (as the matcher
does). Lookarounds are checked on their own. Polynomial blow-ups (``\\w*\\w*x``) are left
to the matcher's time bound: they are common, mild on answer-sized text, and often fine.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from mlsd._util.graphs import strongly_connected

if sys.version_info >= (3, 11):
    from re import _constants as sre_constants  # the parser's home since 3.11
    from re import _parser as sre_parse
else:
    import sre_constants
    import sre_parse

__all__ = [
    "MAX_POSITIONS", "MAX_REPEAT_COUNT", "MAX_STEPS", "backtracking_risk", "largest_repeat",
]  # fmt: skip

# Beyond these the check itself would be slow, so such a phrase is refused as too complex.
MAX_POSITIONS = 400  # character positions in the automaton
MAX_STEPS = 400_000  # pairs of edges looked at in its product with itself
_UNROLL = 4  # counted repeats up to this many are spelled out; longer ones become loops

_ANY = "any"
_LIT = "lit"
_RANGE = "range"
_CAT = "cat"

EXPONENTIAL = (
    "can take exponential time on a long answer: a repeated part can match the same "
    "text in more than one way (nested repeats such as (a+)+ or (\\w+\\s?)*, or "
    "overlapping alternatives such as (a|a)*); make each repetition unambiguous, "
    "e.g. \\w+(\\s+\\w+)* instead of (\\w+\\s?)*"
)


def backtracking_risk(pattern: str) -> str | None:
    """Why ``pattern`` can backtrack catastrophically, or None when it cannot.

    ``pattern`` is the regular expression itself (without the ``re:`` prefix). A pattern
    that does not compile is not judged here (the case schema reports it).
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # FutureWarnings about "[[": not ours to show
            parsed = sre_parse.parse(pattern)
    except (sre_constants.error, RecursionError, OverflowError, ValueError):
        return None
    try:
        for sub in _pieces(parsed):
            if _exponential(sub):
                return EXPONENTIAL
    except _TooComplex:
        return (
            "is too complex to check for catastrophic backtracking; "
            "split it into several shorter phrases"
        )
    return None


# A counted repeat past this ({0,1000}) is no phrase a case needs: the ``regex`` engine
# the matcher uses expands a repeat when it compiles, and a{4294967294} took 24 GB.
MAX_REPEAT_COUNT = 1000


def largest_repeat(pattern: str) -> int:
    """The largest finite count of any repeat in ``pattern`` (``{m,n}``), or 0."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = sre_parse.parse(pattern)
    except (sre_constants.error, RecursionError, OverflowError, ValueError):
        return 0  # the schema reports a pattern that does not compile
    largest = 0
    todo: list[object] = [parsed]
    while todo:
        node = todo.pop()
        if isinstance(node, sre_parse.SubPattern):
            for op, av in node.data:
                if op in _REPEATS and isinstance(av, tuple):
                    counts = [n for n in av[:2] if n != sre_constants.MAXREPEAT]
                    largest = max(largest, *counts) if counts else largest
                todo.append(av)
        elif isinstance(node, (tuple, list)):
            todo.extend(node)
    return largest


class _TooComplex(Exception):
    pass


@dataclass(frozen=True)
class _CharSet:
    """One character position: what it matches, as the parser described it."""

    negate: bool
    items: tuple[tuple[str, object], ...]

    def matches(self, ch: str) -> bool:
        # Case-insensitive, like the matcher: a variant in the set is a match.
        hit = any(self._raw(v) for v in {ch, ch.lower(), ch.upper()} if len(v) == 1)
        return hit != self.negate

    def _raw(self, ch: str) -> bool:
        code = ord(ch)
        for kind, value in self.items:
            if kind == _ANY:
                return True
            if kind == _LIT and code == value:
                return True
            if kind == _RANGE and isinstance(value, tuple) and value[0] <= code <= value[1]:
                return True
            if kind == _CAT and _in_category(str(value), ch):
                return True
        return False

    def samples(self) -> Iterator[str]:
        for kind, value in self.items:
            if kind == _LIT and isinstance(value, int):
                yield chr(value)
            elif kind == _RANGE and isinstance(value, tuple):
                yield from (chr(value[0]), chr(value[1]))


_CATEGORIES: dict[str, Callable[[str], bool]] = {
    "DIGIT": str.isdecimal,
    "SPACE": str.isspace,
    "LINEBREAK": "\n".__eq__,
}


def _in_category(name: str, ch: str) -> bool:
    word = name.endswith("WORD")
    test = next((t for end, t in _CATEGORIES.items() if name.endswith(end)), None)
    if test is None and not word:
        return True  # unknown: assume it overlaps everything (the safe direction)
    hit = (ch.isalnum() or ch == "_") if word else bool(test and test(ch))
    return hit != ("NOT_" in name)


# Characters tried when asking whether two positions can read the same character: the
# pattern's own literals and range ends (with their cases), plus one of each category.
_BASE_SAMPLES = "aZ0_ \t\n.-~!é٣\u2028\u2603\U0010fffd"


@dataclass
class _Frag:
    """A piece of the automaton: how it can be skipped, where it starts and ends.

    ``empty`` counts the ways the piece can match the empty text (0, 1, or 2 for "more
    than one"), and ``first``/``last`` repeat a position once per way to reach it: the
    parser turns ``(a|a)`` into ``a(?:|)``, whose two empty branches are two ways through.
    """

    empty: int
    first: list[int] = field(default_factory=list)
    last: list[int] = field(default_factory=list)

    @property
    def nullable(self) -> bool:
        return self.empty > 0


class _Automaton:
    """Glushkov's position automaton, keeping a separate edge for every way through."""

    def __init__(self) -> None:
        self.sets: list[_CharSet] = [_CharSet(False, ())]  # 0 is the start state
        self.edges: list[list[int]] = [[]]

    def leaf(self, charset: _CharSet) -> _Frag:
        if len(self.sets) > MAX_POSITIONS:
            raise _TooComplex
        self.sets.append(charset)
        self.edges.append([])
        position = len(self.sets) - 1
        return _Frag(0, [position], [position])

    def link(self, sources: Iterable[int], targets: list[int]) -> None:
        for source in sources:
            self.edges[source].extend(targets)

    def concat(self, a: _Frag, b: _Frag) -> _Frag:
        self.link(a.last, b.first)
        return _Frag(
            min(2, a.empty * b.empty),
            _capped(a.first + b.first * a.empty),
            _capped(b.last + a.last * b.empty),
        )

    def walk(self, sub: sre_parse.SubPattern) -> _Frag:
        frag = _Frag(1)
        for op, av in sub.data:
            frag = self.concat(frag, self.item(op, av))
        return frag

    def item(self, op: object, av: object) -> _Frag:
        c = sre_constants
        if op is c.LITERAL:
            return self.leaf(_CharSet(False, ((_LIT, av),)))
        if op is c.NOT_LITERAL:
            return self.leaf(_CharSet(True, ((_LIT, av),)))
        if op is c.ANY:
            return self.leaf(_CharSet(False, ((_ANY, None),)))
        if op is c.IN and isinstance(av, list):
            return self.leaf(_charset(av))
        if op in _REPEATS and isinstance(av, tuple):
            low, high, body = av
            return self.repeat(int(low), int(high), body)
        if op is c.SUBPATTERN and isinstance(av, tuple):
            return self.walk(av[-1])
        if op is _ATOMIC and isinstance(av, sre_parse.SubPattern):
            return self.walk(av)
        if op is c.BRANCH and isinstance(av, tuple):
            return self.alternatives(av[1])
        if op is c.GROUPREF_EXISTS and isinstance(av, tuple):
            return self.alternatives([b for b in av[1:] if b is not None])
        if op is c.GROUPREF:
            # A back-reference can be any text: model it as a loop over any character.
            return self.repeat(0, c.MAXREPEAT, _any_subpattern())
        # Anchors, \b, lookarounds (checked on their own): they read no character.
        return _Frag(1)

    def alternatives(self, branches: Iterable[sre_parse.SubPattern]) -> _Frag:
        frags = [self.walk(b) for b in branches]
        return _Frag(
            min(2, sum(f.empty for f in frags)),
            _capped([p for f in frags for p in f.first]),
            _capped([p for f in frags for p in f.last]),
        )

    def repeat(self, low: int, high: int, body: sre_parse.SubPattern) -> _Frag:
        if high == 0:
            return _Frag(1)
        width_low, width_high = body.getwidth()
        if high == 1 or (high <= _UNROLL and width_low == width_high):
            # x{2,4} is x x (x (x)?)?: spelled out, each count read one way only. A body
            # of varying width is not: (\w+\s?){0,3} splits a word in cubically many ways.
            tail = _Frag(1)
            for _ in range(high - low):
                tail = self.optional(self.concat(self.walk(body), tail))
            frag = _Frag(1)
            for _ in range(low):
                frag = self.concat(frag, self.walk(body))
            return self.concat(frag, tail)
        once = self.walk(body)
        self.link(once.last, once.first)  # a second edge when the body already loops
        return _Frag(max(once.empty, int(low == 0)), once.first, once.last)

    @staticmethod
    def optional(frag: _Frag) -> _Frag:
        return _Frag(max(frag.empty, 1), frag.first, frag.last)


def _capped(positions: list[int]) -> list[int]:
    """Each position at most twice: "two ways in" is all the check needs to know."""
    seen: dict[int, int] = {}
    out: list[int] = []
    for p in positions:
        if seen.get(p, 0) < 2:
            seen[p] = seen.get(p, 0) + 1
            out.append(p)
    return out


_REPEATS = tuple(
    getattr(sre_constants, name)
    for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
    if hasattr(sre_constants, name)
)
_ATOMIC = getattr(sre_constants, "ATOMIC_GROUP", object())


def _any_subpattern() -> sre_parse.SubPattern:
    return sre_parse.parse(".")


def _charset(items: list[tuple[object, object]]) -> _CharSet:
    c = sre_constants
    negate = False
    out: list[tuple[str, object]] = []
    for op, value in items:
        if op is c.NEGATE:
            negate = True
        elif op is c.LITERAL:
            out.append((_LIT, value))
        elif op is c.RANGE:
            out.append((_RANGE, value))
        elif op is c.CATEGORY:
            out.append((_CAT, str(getattr(value, "name", value))))
        else:
            out.append((_ANY, None))  # unknown: overlaps everything (the safe direction)
    return _CharSet(negate, tuple(out))


def _pieces(parsed: sre_parse.SubPattern) -> Iterator[sre_parse.SubPattern]:
    """The pattern, then the body of each lookaround in it (each is matched on its own)."""
    stack = [parsed]
    while stack:
        sub = stack.pop()
        yield sub
        stack.extend(_lookarounds(sub))


def _lookarounds(sub: sre_parse.SubPattern) -> Iterator[sre_parse.SubPattern]:
    c = sre_constants
    todo: list[object] = [sub]
    while todo:
        node = todo.pop()
        if isinstance(node, sre_parse.SubPattern):
            for op, av in node.data:
                if op in (c.ASSERT, c.ASSERT_NOT) and isinstance(av, tuple):
                    yield av[1]
                else:
                    todo.append(av)
        elif isinstance(node, (tuple, list)):
            todo.extend(node)


def _exponential(sub: sre_parse.SubPattern) -> bool:
    nfa = _Automaton()
    root = nfa.walk(sub)
    nfa.edges[0] = list(root.first)
    samples = set(_BASE_SAMPLES)
    for charset in nfa.sets:
        for ch in charset.samples():
            samples |= {ch, ch.lower(), ch.upper()}
    alphabet = sorted(s for s in samples if len(s) == 1)
    reads = [frozenset(ch for ch in alphabet if cs.matches(ch)) for cs in nfa.sets]
    return _ambiguous_cycle(nfa.edges, reads)


Node = tuple[int, int, int]  # (state, state, 0) or, for a doubled edge, (from, to, 1)


def _ambiguous_cycle(edges: list[list[int]], reads: list[frozenset[str]]) -> bool:
    """Is there a cycle through a state that two different paths on one text can take?"""
    reachable = _reach(edges)

    budget = [MAX_STEPS]

    def successors(node: Node) -> Iterator[Node]:
        budget[0] -= len(edges[node[0]]) * len(edges[node[1]])
        if budget[0] < 0:
            raise _TooComplex
        p, q, marker = node
        if marker:  # the middle of a doubled edge p -> q: on to (q, q)
            yield (q, q, 0)
            return
        for p2 in set(edges[p]):
            for q2 in set(edges[q]):
                if not reads[p2] & reads[q2]:
                    continue
                if p == q and p2 == q2 and edges[p].count(p2) > 1:
                    yield (p, p2, 1)  # two distinct edges p -> p2, read alike
                yield (p2, q2, 0)

    starts = [(q, q, 0) for q in sorted(reachable) if q]
    return any(_mixed(component) for component in strongly_connected(starts, successors))


def _mixed(component: list[Node]) -> bool:
    same = any(p == q and not m for p, q, m in component)
    different = any(p != q or m for p, q, m in component)
    return same and different and len(component) > 1


def _reach(edges: list[list[int]]) -> set[int]:
    seen = {0}
    stack = [0]
    while stack:
        for nxt in edges[stack.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen
