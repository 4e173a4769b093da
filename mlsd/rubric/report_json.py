"""The stable, versioned JSON form of a scoring report (``"format": 1``; docs/scoring.md).

``mlsd score --json``, ``export --format json --with-feedback`` and the design doc's
``feedback`` block all use it. Fields may be added in later versions of format 1; none
is removed or renamed. Each block is a TypedDict, so what a template or a tool can read
is checked where it is written.
"""

from __future__ import annotations

from typing import TypedDict

from mlsd._util.levels import Level
from mlsd._util.verdicts import Verdict
from mlsd.rubric.levels import MEETS, PARTLY
from mlsd.rubric.scoring import MEASURES, Report, Source, StepReport

JSON_FORMAT = 1


class MatchJson(TypedDict):
    start: int
    end: int
    text: str
    phrase: str


class PointJson(TypedDict):
    id: str
    source: Source
    level: Level
    weight: int
    expected: bool
    covered: bool
    bonus: bool
    match: MatchJson | None
    point: str
    why: str
    override: Verdict | None  # the candidate's own call; "covered" stays the scorer's
    made_in: str | None  # the step whose answer made it, when covered
    made_in_follow_up: bool
    evidence: str | None  # the sentence that earned it


class FollowUpJson(TypedDict):
    question: str
    listen_for: list[str]
    anticipated: bool


class StepJson(TypedDict):
    id: str
    title: str
    attempted: bool
    coverage: float | None
    covered_weight: int
    expected_weight: int
    hints: int
    seconds: float | None
    budget_seconds: float
    points: list[PointJson]
    follow_ups: list[FollowUpJson]


class CaseRef(TypedDict):
    id: str
    title: str


class Thresholds(TypedDict):
    meets: float
    partly: float


class LevelSignalJson(TypedDict):
    summary: str
    meets: Level | None
    partly: Level | None
    by_level: dict[str, float | None]
    thresholds: Thresholds


class MissedQuestion(TypedDict):
    id: str
    question: str


class ClarificationsJson(TypedDict):
    asked: list[str]
    key_total: int
    key_asked: list[str]
    key_missed: list[MissedQuestion]
    coverage: float | None


class TimeJson(TypedDict):
    seconds: float | None
    budget_seconds: float


class CallsJson(TypedDict):
    accepted: int
    rejected: int
    coverage: float | None
    level_signal: str


class _Optional(TypedDict, total=False):
    # Only when the time budget for a case's re: phrases ran out: how many searches it cut.
    matching_cut_short: int


class ReportJson(_Optional):
    format: int
    measures: str
    case: CaseRef
    level: Level
    coverage: float | None
    covered_weight: int
    expected_weight: int
    level_signal: LevelSignalJson
    clarifications: ClarificationsJson | None  # null when a design doc was scored
    time: TimeJson
    hints: int
    penalties: list[str]
    steps: list[StepJson]
    with_your_calls: CallsJson | None  # the figures with the candidate's accept/reject calls


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def report_to_json(report: Report) -> ReportJson:
    data = _report_json(report)
    if report.matching_cut_short:
        data["matching_cut_short"] = report.matching_cut_short
    return data


def _report_json(report: Report) -> ReportJson:
    signal = report.level_signal
    clar = report.clarifications
    return {
        "format": JSON_FORMAT,
        "measures": MEASURES,
        "case": {"id": report.case_id, "title": report.case_title},
        "level": report.level,
        "coverage": _r(report.coverage),
        "covered_weight": report.covered_weight,
        "expected_weight": report.expected_weight,
        "level_signal": {
            "summary": signal.summary,
            "meets": signal.meets,
            "partly": signal.partly,
            "by_level": {lvl: _r(cov) for lvl, cov in signal.by_level},
            "thresholds": {"meets": MEETS, "partly": PARTLY},
        },
        "clarifications": None
        if clar is None
        else {
            "asked": list(clar.asked),
            "key_total": len(clar.key_ids),
            "key_asked": list(clar.key_asked),
            "key_missed": [{"id": i, "question": q} for i, q in clar.key_missed],
            "coverage": _r(clar.coverage),
        },
        "time": {"seconds": _r(report.seconds), "budget_seconds": report.budget_seconds},
        "hints": report.hints,
        "penalties": [],
        "steps": [_step_json(s) for s in report.steps],
        "with_your_calls": None
        if report.calls is None
        else {
            "accepted": report.calls.accepted,
            "rejected": report.calls.rejected,
            "coverage": _r(report.coverage_with_calls),
            "level_signal": report.calls.level_signal.summary,
        },
    }


def _step_json(step: StepReport) -> StepJson:
    return {
        "id": step.id,
        "title": step.title,
        "attempted": step.attempted,
        "coverage": _r(step.coverage),
        "covered_weight": step.covered_weight,
        "expected_weight": step.expected_weight,
        "hints": step.hints,
        "seconds": _r(step.seconds),
        "budget_seconds": step.budget_seconds,
        "points": [
            {
                "id": p.id,
                "source": p.source,
                "level": p.level,
                "weight": p.weight,
                "expected": p.expected,
                "covered": p.covered,
                "bonus": p.bonus,
                "match": None
                if p.match is None
                else {
                    "start": p.match.start,
                    "end": p.match.end,
                    "text": p.match.words,
                    "phrase": p.match.phrase,
                },
                "point": p.point,
                "why": p.why,
                "override": p.override,
                "made_in": p.evidence.step_id if p.evidence else None,
                "made_in_follow_up": bool(p.evidence and p.evidence.follow_up),
                "evidence": p.evidence.sentence if p.evidence else None,
            }
            for p in step.points
        ],
        "follow_ups": [
            {"question": f.question, "listen_for": list(f.listen_for), "anticipated": f.anticipated}
            for f in step.follow_ups
        ],
    }
