"""Naming a rubric point from the command line: ``--accept calibrated-pctr``."""

from __future__ import annotations

import difflib

from mlsd.cases.models import Case, Framework, step_rubric
from mlsd.errors import MlsdError


def point_keys(case: Case, framework: Framework) -> dict[str, list[str]]:
    """Point id -> its keys (``case:<id>`` / ``framework:<id>``; both when an id is reused)."""
    keys: dict[str, list[str]] = {}
    for step in framework.steps:
        for source, p in step_rubric(case, framework, step.id):
            for name in (p.id, *p.aliases):
                keys.setdefault(name, []).append(f"{source}:{p.id}")
    return keys


def canonical_ids(case: Case, framework: Framework) -> dict[str, str]:
    """Every id and alias -> the id of the point that carries it now.

    Point ids are public (history, review cards, labelled sets and overrides name
    them); when points are merged, the survivor lists the others as aliases.
    """
    return {
        name: p.id
        for s in framework.steps
        for _, p in step_rubric(case, framework, s.id)
        for name in (p.id, *p.aliases)
    }


def resolve_point(case: Case, framework: Framework, ref: str) -> str:
    """The key of the point ``ref`` names: its id, or ``case:<id>`` / ``framework:<id>``."""
    keys = point_keys(case, framework)
    every = {k for found in keys.values() for k in found}
    if ref in every:
        return ref
    # "case:x" for the framework's point x (or the other way round) still names one point
    bare = ref.split(":", 1)[1] if ref.startswith(("case:", "framework:")) else ref
    found = keys.get(bare, [])
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise MlsdError(
            f"{ref!r} names two points in {case.id}; say which: {' or '.join(sorted(found))}"
        )
    near = difflib.get_close_matches(bare, list(keys), n=3, cutoff=0.6)
    close = [key for name in near for key in keys[name]]  # as the report names them
    hint = f"; did you mean {', '.join(close)}?" if close else " (see mlsd score SESSION --json)"
    raise MlsdError(f"{case.id} has no rubric point {ref!r}{hint}")
