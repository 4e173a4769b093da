"""Point ids are public: when points are merged, the survivor's ``aliases`` keep history.

A review card is keyed by ``"<source>:<id>"``. A session scored before a merge rated the
old id; the merged point lists it as an alias, so that history (the review log, and the
card built from it) moves to the survivor instead of being orphaned. The id rules are
``mlsd.rubric.points``'s, which overrides follow too.
"""

from __future__ import annotations

from datetime import datetime

from mlsd.cases.models import Case, Framework
from mlsd.log import reviews
from mlsd.log.store import Store
from mlsd.rubric.points import point_keys


def canonical_keys(case: Case, framework: Framework) -> dict[str, str]:
    """Every ``source:name`` a point was or is known by -> its key now.

    A point's own key maps to itself; an alias maps to the point that carries it, from
    either source (a case point may absorb a generic one). A name that is a point's own
    id never maps elsewhere.
    """
    out: dict[str, str] = {}
    aliases: dict[str, str] = {}
    for name, keys in point_keys(case, framework).items():
        for key in keys:
            if key.split(":", 1)[1] == name:
                out[key] = key
            else:
                aliases.setdefault(f"case:{name}", key)
                aliases.setdefault(f"framework:{name}", key)
    for old, new in aliases.items():
        out.setdefault(old, new)
    return out


def migrate_aliases(store: Store, case: Case, framework: Framework, now: datetime) -> None:
    """Move the history of points merged away onto the points that absorbed them."""
    from mlsd.progress.schedule import rebuild

    known = reviews.card_points(store).get(case.id, set())
    if not known:
        return
    keys = canonical_keys(case, framework)
    moved: list[str] = []
    for old in sorted(known):
        new = keys.get(old, old)
        if new != old:
            reviews.rename_point(store, case.id, old, new)
            moved.append(new)
    if moved:
        rebuild(store, case.id, sorted(set(moved)), now)
