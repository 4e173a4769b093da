"""A draft scorecard for the interviewer, from their own notes and ticks.

Only the interviewer's material is sent (the case, the points they ticked, the points
expected and not ticked, their notes): the model never sees the candidate. The draft is
a suggestion the interviewer edits: each rating is still chosen by them, and a draft
line is kept only when they accept it. A failure is one line, and the ratings go on as
without a model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mlsd.ai.model import AiUnavailable, Connection
from mlsd.ai.prompts import SCORECARD_SYSTEM, case_block
from mlsd.ai.replies import ScorecardReply, schema_of
from mlsd.cases.models import Case, Framework, step_rubric
from mlsd.log.records import SessionRecord


@dataclass(frozen=True)
class DraftRating:
    score: int
    justification: str


@dataclass(frozen=True)
class ScorecardDraft:
    ratings: dict[str, DraftRating]  # dimension id -> the model's suggestion
    recommendation: str | None  # one of the values offered, else None


def evidence(record: SessionRecord, case: Case, framework: Framework) -> str:
    """The interviewer's ticks and notes, step by step, as plain lines."""
    state = record.interview
    lines: list[str] = []
    for fstep in framework.steps:
        if fstep.id not in state.visited:
            continue
        lines.append(f"Step: {fstep.title}")
        ticked = state.ticked.get(fstep.id, [])
        for source, p in step_rubric(case, framework, fstep.id):
            mark = "ticked" if f"{source}:{p.id}" in ticked else "not ticked"
            lines.append(f"- [{mark}] ({p.level}) {p.point}")
        lines += [f"- note: {n.text}" for n in state.notes_for(fstep.id)]
    lines += [f"- note: {n.text}" for n in state.notes_for(None)]
    return "\n".join(lines) or "(no steps reached)"


class Drafter:
    """Asks once per interview; remembers a failure so a dead server is not asked twice."""

    def __init__(
        self, conn: Connection, case: Case, framework: Framework, notify: Callable[[str], None]
    ) -> None:
        self.conn = conn
        self.case = case
        self.framework = framework
        self.notify = notify

    def draft(
        self,
        record: SessionRecord,
        dimensions: Sequence[tuple[str, str]],
        recommendations: Sequence[tuple[str, str]],
    ) -> ScorecardDraft | None:
        ids = [d for d, _ in dimensions]
        values = [v for v, _ in recommendations]
        listed = "\n".join(f"- {d}: {title}" for d, title in dimensions)
        prompt = (
            f"{case_block(self.case, record.level)}\n\nDimensions to rate:\n{listed}\n\n"
            f"Recommendation values: {', '.join(values)}\n\nThe interviewer's ticks and "
            f"notes:\n{evidence(record, self.case, self.framework)}"
        )
        schema = schema_of(
            ScorecardReply,
            (("RatingReply", "dimension", ids), ("ScorecardReply", "recommendation", values)),
        )
        try:
            reply = self.conn.ask(SCORECARD_SYSTEM, prompt, ScorecardReply, schema)
        except AiUnavailable as exc:
            self.notify(f"No draft scorecard: {exc.message}. Rate as usual.")
            return None
        ratings = {
            r.dimension: DraftRating(r.score, " ".join(r.justification.split()))
            for r in reply.ratings
            if r.dimension in ids
        }
        value = reply.recommendation if reply.recommendation in values else None
        if value is not None:
            self.notify(f"The model's draft recommendation: {dict(recommendations)[value]}.")
        return ScorecardDraft(ratings, value)
