"""Which step of which case a drill takes when the candidate does not say.

A drill is one step of one case in about five minutes. Left to choose, mlsd follows the
same advice ``progress`` gives ("next"), so ``mlsd drill`` alone always drills what
the progress screen recommends.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from mlsd.cases.models import Framework
from mlsd.errors import MlsdError
from mlsd.log.store import Store
from mlsd.progress.cache import Scores, SessionScore
from mlsd.progress.report import case_infos
from mlsd.progress.review import due_by_step, due_cards
from mlsd.progress.summary import RECENT_WINDOW, CaseInfo, advise, step_trends

DEFAULT_MINUTES = 5


def check_step(step: str, framework: Framework) -> str:
    if step not in framework.step_ids:
        raise MlsdError(f"no step {step!r}; the steps are: {', '.join(framework.step_ids)}")
    return step


def choose(
    store: Store,
    dirs: list[Path],
    framework: Framework,
    now: datetime,
    step: str | None,
    case: str | None,
) -> tuple[str, str]:
    """(case id, step id) for a drill: what was asked, the rest from the candidate's history."""
    if step is not None:
        check_step(step, framework)
    if step is not None and case is not None:
        return case, step
    scores = Scores(store, dirs, framework)
    scores.refresh(now)
    every = scores.recent(RECENT_WINDOW, now)
    if case is not None:
        return case, weakest_step(every, framework, case)
    infos = case_infos(dirs)
    if step is not None:
        return weakest_case(every, step) or _first(infos), step
    items, _ = due_cards(store, dirs, framework, now, scores)
    advice = advise(every, framework, step_trends(every, framework), infos, due_by_step(items))
    return advice["case"] or _first(infos), advice["step"] or framework.step_ids[0]


def _first(infos: list[CaseInfo]) -> str:
    if not infos:
        raise MlsdError("no cases found to drill; see `mlsd list`")
    return infos[0]["id"]


def weakest_step(scores: list[SessionScore], framework: Framework, case_id: str) -> str:
    """A step this case has never had answered first, else the one that went worst last."""
    latest: dict[str, float] = {}
    for s in scores:
        if s.case_id == case_id:
            latest.update(s.steps)
    untried = [sid for sid in framework.step_ids if sid not in latest]
    if untried:
        return untried[0]
    return min(framework.step_ids, key=lambda sid: latest[sid])


def weakest_case(scores: list[SessionScore], step_id: str) -> str | None:
    latest: dict[str, float] = {}
    for s in scores:
        if step_id in s.steps:
            latest[s.case_id] = s.steps[step_id]
    return min(latest, key=lambda c: latest[c]) if latest else None
