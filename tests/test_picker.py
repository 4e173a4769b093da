"""The case picker (`mlsd practice` with no case): order, "last" and the last score."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mlsd.cases.catalog import load_framework
from mlsd.cases.index import CaseSummary
from mlsd.log import events as ev
from mlsd.log.records import SessionSummary
from mlsd.practice.picker import LastScore, picks

REPO = Path(__file__).resolve().parent.parent
STRONG = REPO / "tests" / "fixtures" / "answers" / "ctr-prediction-strong.yaml"


def _case(case_id: str) -> CaseSummary:
    return CaseSummary(case_id, case_id.title(), "", "medium", ["a", "b", "c", "d"], "")


def _session(case_id: str, at: str) -> SessionSummary:
    return SessionSummary(
        case_id + "0" * 8, case_id, case_id, "practice", "senior", "finished", at, at, 7
    )


def test_never_practised_first_then_least_recently_practised_and_only_those_scored():
    cases = [_case(c) for c in ("delta", "alpha", "charlie", "bravo")]
    # most recent first, as Store.last_practice returns them; the order, not the
    # timestamps, decides (a clock that stepped back must not reorder the list)
    last = [_session("charlie", "2026-01-01T00:00"), _session("alpha", "2026-12-01T09:00")]
    scored: list[str] = []

    def score(case: CaseSummary, session: SessionSummary) -> LastScore | None:
        scored.append(case.id)
        return LastScore(0.64, "meets senior") if case.id == "alpha" else None

    rows = picks(cases, last, score)
    assert [r.case.id for r in rows] == ["bravo", "delta", "alpha", "charlie"]
    assert sorted(scored) == ["alpha", "charlie"]
    assert rows[0].label == "Bravo (medium; a, b, c) · new"
    assert rows[2].label == "Alpha (medium; a, b, c) · last: 2026-12-01, 64%, meets senior"
    assert rows[3].label == "Charlie (medium; a, b, c) · last: 2026-01-01"


def test_last_practice_counts_only_practice_sessions_with_answers(store):
    def session(case_id: str, mode: ev.Mode = "practice") -> str:
        return store.create_session(
            case_id=case_id,
            case_path="x",
            case_title=case_id,
            mode=mode,
            level="senior",
            minutes=45,
        )

    answered = session("ctr")
    store.save_answer(answered, "requirements", "pCTR for the auction")
    session("ctr")  # opened later, nothing answered: not the last practice
    interview = session("feed", mode="interview")
    store.add_event(interview, ev.Enter(), "requirements")
    session("search")  # only opened
    newer = session("visual")
    store.save_answer(newer, "requirements", "a")
    store.save_answer(newer, "data", "b")
    rows = store.last_practice()
    assert [(r.case_id, r.id, r.steps_answered) for r in rows] == [
        ("visual", newer, 2),
        ("ctr", answered, 1),
    ]


@pytest.fixture
def choices(monkeypatch):
    """The picker's (value, label) choices, answering with the first one."""
    from mlsd.ui.prompts import QuestionaryPrompter

    seen: list[tuple[str, str]] = []

    def select(self, message, options, *, whole_screen=False):
        assert whole_screen  # nothing above the picker to keep in view
        seen.extend((c.value, c.label) for c in options)
        return options[0].value

    monkeypatch.setattr(QuestionaryPrompter, "select", select)
    return seen


def _pick(store) -> str:
    from mlsd._util.paths import bundled_cases_dir
    from mlsd.cli.practice import _pick_case

    return _pick_case(store, [bundled_cases_dir()], load_framework())


def test_the_picker_shows_the_last_score_of_a_practised_case_only(run, store, choices):
    from mlsd.documents.export import score_session
    from mlsd.log.store import open_store

    assert run("practice", "--answers", str(STRONG)).code == 0
    opened = store.create_session(
        case_id="feed-ranking",
        case_path="x",
        case_title="x",
        mode="practice",
        level="senior",
        minutes=45,
    )
    store.add_event(opened, ev.Start())
    first = _pick(store)
    labels = dict(choices)
    assert first != "ctr-prediction"
    assert list(labels)[-1] == "ctr-prediction"
    with open_store() as again:
        (row,) = again.last_practice()
        record = again.load(row.id)
    from mlsd.cases.catalog import load_case

    case = load_case(Path(record.case_path))
    report = score_session(record, case, load_framework())
    expected = f"last: {row.updated_at[:10]}, {report.coverage:.0%}, {report.level_signal.summary}"
    assert labels["ctr-prediction"].endswith(expected)
    assert labels["feed-ranking"].endswith(" · new")
    assert "last practised" not in "".join(labels.values())


def test_the_picker_does_not_load_the_scorer_when_nothing_was_practised(
    store, choices, monkeypatch
):
    for name in [m for m in sys.modules if m.startswith("mlsd.rubric")]:
        monkeypatch.delitem(sys.modules, name)
    _pick(store)
    assert all(label.endswith(" · new") for _, label in choices)
    assert not [m for m in sys.modules if m.startswith("mlsd.rubric")]
