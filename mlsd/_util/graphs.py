"""Strongly connected components of a graph given by a successor function.

Kept here rather than beside its one user (``mlsd.cases.regex_safety``) because it is a
general algorithm with nothing of mlsd in it, like ``rich/_loop.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from typing import TypeVar

N = TypeVar("N", bound=Hashable)


def strongly_connected(
    starts: list[N], successors: Callable[[N], Iterator[N]]
) -> Iterator[list[N]]:
    """Tarjan's strongly connected components, iteratively (no recursion limit)."""
    index: dict[N, int] = {}
    low: dict[N, int] = {}
    on_stack: set[N] = set()
    stack: list[N] = []
    counter = 0
    for start in starts:
        if start in index:
            continue
        work: list[tuple[N, Iterator[N]]] = [(start, successors(start))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, successors(child)))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[N] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                yield component
