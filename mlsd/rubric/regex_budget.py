"""Running a case's ``re:`` phrases: each search bounded, and all of one scoring too.

A ``re:`` phrase comes from a case file, which may come from a stranger. Each search runs
in the ``regex`` library with a time bound, so one catastrophic pattern cannot hang a
session; and the searches of one scoring share a budget, so thousands of phrases that
each stay just under the bound cannot add up to minutes. What the budget cut is counted,
so the report can say that matching was cut short.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

import regex

# One search may take at most this long, so a catastrophic pattern (``(a|aa)+c``) cannot
# hang a session.
# Plain phrases compile to regexes mlsd builds itself, which do not backtrack like that.
RE_TIMEOUT_SECONDS = 0.05
TIMED_OUT: set[str] = set()  # re: phrases that hit the bound; they are not tried again
# ...and all the ``re:`` searches of one scoring together may take at most this long, so a
# case pack with thousands of slow phrases (each under the bound) cannot take minutes.
# Past it, ``re:`` phrases are not tried, and the report says matching was cut short.
RE_BUDGET_SECONDS = 0.5


@dataclass
class ReBudget:
    """The time left for ``re:`` searches in one scoring, and what running out skipped."""

    seconds: float
    skipped: int = 0  # re: searches not run (or cut off) because the budget ran out

    @property
    def cut_short(self) -> bool:
        return self.skipped > 0


_BUDGET: ContextVar[ReBudget | None] = ContextVar("mlsd_re_budget", default=None)


@contextmanager
def re_budget(seconds: float | None = None) -> Iterator[ReBudget]:
    """Bound the total time of the ``re:`` searches made inside the block.

    Nested blocks share the outermost budget: a scoring inside a scoring is one scoring.
    """
    current = _BUDGET.get()
    if current is not None:
        yield current
        return
    budget = ReBudget(RE_BUDGET_SECONDS if seconds is None else seconds)
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


def search_re(phrase: str, text: str) -> list[tuple[int, int, str]]:
    """Occurrences of a ``re:`` phrase, within the per-search bound and the budget."""
    budget = _BUDGET.get()
    timeout = RE_TIMEOUT_SECONDS
    if budget is not None:
        if budget.seconds <= 0:
            budget.skipped += 1
            return []
        timeout = min(timeout, budget.seconds)
    began = time.perf_counter()
    try:
        return [
            (m.start(), m.end(), m.group())
            for m in _compile_re(phrase[3:]).finditer(text, timeout=timeout)
        ]
    except TimeoutError:
        if timeout >= RE_TIMEOUT_SECONDS:
            TIMED_OUT.add(phrase)  # the phrase's own fault: skipped from now on
        if budget is not None and timeout < RE_TIMEOUT_SECONDS:
            budget.skipped += 1  # cut off by the budget, not by its own slowness
        return []
    finally:
        if budget is not None:
            budget.seconds -= time.perf_counter() - began


@lru_cache(maxsize=1024)
def _compile_re(source: str) -> regex.Pattern[str]:
    return regex.compile(source, regex.IGNORECASE | regex.VERSION0)
