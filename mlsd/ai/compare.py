"""The judge's verdicts beside the offline scorer's, point by point, and where they differ.

The offline report is never changed: the judge is a second opinion shown next to it.
Where the candidate made their own call (``--accept``/``--reject``) it still wins, in
the figures with the judge too. A point the judge did not judge (a failure, a discarded
quote, a step not attempted) keeps the offline verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from mlsd.ai.judge import Judgement, PointJudgement
from mlsd.rubric.scoring import PointResult, Report


@dataclass(frozen=True)
class PointRow:
    step_id: str
    result: PointResult  # the offline verdict, with the candidate's own call
    judged: PointJudgement | None
    discarded: bool  # the judge credited it with words the candidate did not write

    @property
    def disagree(self) -> bool:
        """The judge sees it differently: partial, or covered where the scorer missed it."""
        if self.judged is None:
            return False
        return self.judged.verdict == "partial" or (
            (self.judged.verdict == "covered") != self.result.covered
        )

    @property
    def credited(self) -> bool:
        """The candidate's call, else the judge's full verdict, else the offline one."""
        if self.result.override is not None:
            return self.result.override == "accept"
        if self.judged is not None:
            return self.judged.verdict == "covered"
        return self.result.covered


@dataclass(frozen=True)
class JudgedReport:
    report: Report
    judgement: Judgement
    rows: tuple[PointRow, ...]

    def step_rows(self, step_id: str) -> tuple[PointRow, ...]:
        return tuple(r for r in self.rows if r.step_id == step_id)

    @property
    def disagreements(self) -> int:
        return sum(1 for r in self.rows if r.disagree)

    @property
    def coverage_with_judge(self) -> float:
        expected = [r for r in self.rows if r.result.expected]
        whole = sum(r.result.weight for r in expected)
        return sum(r.result.weight for r in expected if r.credited) / whole if whole else 1.0


def compare(report: Report, judgement: Judgement) -> JudgedReport:
    rows: list[PointRow] = []
    for step in report.steps:
        thrown = {d.key for d in judgement.discarded_in(step.id)}
        for point in step.points:
            judged = judgement.point(step.id, point.key)
            rows.append(PointRow(step.id, point, judged, point.key in thrown))
    return JudgedReport(report, judgement, tuple(rows))


class QuoteJson(TypedDict):
    text: str
    step: str
    follow_up: bool


class PointJson(TypedDict):
    step: str
    point: str
    offline: bool
    verdict: str
    quote: QuoteJson | None
    reason: str
    disagree: bool
    your_call: str | None


class MistakeJson(TypedDict):
    step: str
    quote: QuoteJson
    correction: str


class DiscardedJson(TypedDict):
    step: str
    point: str
    claimed: str
    quote: str


class JudgeJson(TypedDict):
    model: str
    prompt_version: str
    failure: str | None
    unjudged: list[str]
    coverage_with_judge: float
    disagreements: int
    points: list[PointJson]
    mistakes: list[MistakeJson]
    discarded: list[DiscardedJson]


def judge_json(judged: JudgedReport) -> JudgeJson:
    """The ``judge`` block of ``score --judge --json``: added beside the report, never in it."""
    j = judged.judgement
    return {
        "model": j.model,
        "prompt_version": j.prompt_version,
        "failure": j.failure,
        "unjudged": list(j.unjudged),
        "coverage_with_judge": round(judged.coverage_with_judge, 4),
        "disagreements": judged.disagreements,
        "points": [
            {
                "step": r.step_id,
                "point": r.result.key,
                "offline": r.result.covered,
                "verdict": r.judged.verdict,
                "quote": None
                if r.judged.quote is None
                else {
                    "text": r.judged.quote.text,
                    "step": r.judged.quote.step_id,
                    "follow_up": r.judged.quote.follow_up,
                },
                "reason": r.judged.reason,
                "disagree": r.disagree,
                "your_call": r.result.override,
            }
            for r in judged.rows
            if r.judged is not None
        ],
        "mistakes": [
            {
                "step": s.step_id,
                "quote": {
                    "text": m.quote.text,
                    "step": m.quote.step_id,
                    "follow_up": m.quote.follow_up,
                },
                "correction": m.correction,
            }
            for s in j.steps
            for m in s.mistakes
        ],
        "discarded": [
            {"step": s.step_id, "point": d.key, "claimed": d.claimed, "quote": d.quote}
            for s in j.steps
            for d in s.discarded
        ],
    }
