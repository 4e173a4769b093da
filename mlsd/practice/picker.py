"""The case picker's order and labels: what to practise next, and how it went last time.

``mlsd practice`` with no case asks which one, before the first prompt, so this stays
cheap: ``picks`` is pure over the listing and ``Store.last_practice()``'s rows, and the
scorer it is given runs (and imports the scoring code) only for cases practised before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mlsd._util.formatting import local_time
from mlsd.cases.index import CaseSummary
from mlsd.log.records import SessionSummary

if TYPE_CHECKING:
    from mlsd.cases.models import Framework
    from mlsd.log.store import Store


@dataclass(frozen=True)
class LastScore:
    """How the last practice of a case went, as the end-of-session summary put it."""

    coverage: float  # share (by weight) of the key points expected at the session's level
    verdict: str  # the level signal, e.g. "meets senior, partly staff"


Scorer = Callable[[CaseSummary, SessionSummary], LastScore | None]


@dataclass(frozen=True)
class Pick:
    """One line of the picker."""

    case: CaseSummary
    last: SessionSummary | None = None  # the latest practice session with an answer
    score: LastScore | None = None  # None when never practised or it could not be scored
    due: int = 0  # review cards of this case due today

    @property
    def label(self) -> str:
        case = self.case
        head = f"{case.title} ({case.difficulty}; {', '.join(case.tags[:3])})"
        due = f" · {self.due} due for review" if self.due else ""
        if self.last is None:
            return f"{head} · new{due}"
        parts = [f"last: {local_time(self.last.updated_at, 10)}"]
        if self.score is not None:
            parts += [f"{self.score.coverage:.0%}", self.score.verdict]
        return f"{head} · {', '.join(parts)}{due}"


def picks(
    cases: Sequence[CaseSummary],
    last: Sequence[SessionSummary],
    score: Scorer,
    due: Mapping[str, int] | None = None,
) -> list[Pick]:
    """Cases never practised first (by id), then the least recently practised.

    ``last`` is ``Store.last_practice()``: one row per case, most recent first; its
    order (the store's insertion counter), not a timestamp, says which is older.
    ``score`` is called once for each practised case and never for the others.
    """
    recency: dict[str, tuple[int, SessionSummary]] = {}
    for nth, session in enumerate(last):
        recency.setdefault(session.case_id, (nth, session))

    def order(case: CaseSummary) -> tuple[int, int, str]:
        if case.id not in recency:
            return 0, 0, case.id
        return 1, -recency[case.id][0], case.id

    out: list[Pick] = []
    for case in sorted(cases, key=order):
        if case.id in recency:
            session = recency[case.id][1]
            out.append(Pick(case, session, score(case, session), (due or {}).get(case.id, 0)))
        else:
            out.append(Pick(case, due=(due or {}).get(case.id, 0)))
    return out


def session_scorer(store: Store, framework: Framework) -> Scorer:
    """Score a case's last practice session against the case file listed now.

    A case file that no longer loads, or a session deleted meanwhile, only loses its
    score: the picker must still open.
    """

    def score(case: CaseSummary, session: SessionSummary) -> LastScore | None:
        from mlsd.cases.catalog import load_case
        from mlsd.documents.export import score_session
        from mlsd.errors import MlsdError

        try:
            record = store.load(session.id)
            report = score_session(record, load_case(Path(case.path), framework), framework)
        except MlsdError:
            return None
        return LastScore(report.coverage, report.level_signal.summary)

    return score
