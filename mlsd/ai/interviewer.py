"""The AI interviewer of ``practice --ai``: follow-ups from what was written, honest answers.

Two jobs, both with the case's own material as the fallback:

- After an answer, one follow-up generated from it: it probes the weakest core point
  of the step (as the offline scorer sees it) or challenges a questionable claim, whose
  quote must be the candidate's words. One generated follow-up per step.
- A clarifying question typed in the candidate's words is answered by CHOOSING one of
  the case's clarification answers (or "no more information"): the model never writes
  an answer, so it cannot invent facts about the case.

The first failure (timeout, no network, a bad reply, ...) is said in one line and turns
the coach off for the rest of the session: the case's follow-ups and the offline lookup
carry on, and nothing waits on a dead server twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mlsd.ai.model import AiUnavailable, Connection
from mlsd.ai.prompts import CLARIFY_SYSTEM, FOLLOW_UP_SYSTEM, clarify_prompt, follow_up_prompt
from mlsd.ai.quotes import Answer, locate
from mlsd.ai.replies import ClarifyReply, FollowUpReply, schema_of
from mlsd.cases.models import Case, Clarification, Framework, PointSource, RubricPoint, step_rubric
from mlsd.log.records import SessionRecord

NONE = "none"
WEAKEST = 3  # points offered to the model to probe, weakest first


@dataclass(frozen=True)
class Generated:
    """A follow-up the model wrote, and what it probes."""

    question: str
    target: str  # a point's key, or "claim"


class Coach:
    """The model side of one practice session."""

    def __init__(
        self,
        conn: Connection,
        case: Case,
        framework: Framework,
        *,
        notify: Callable[[str], None],
    ) -> None:
        self.conn = conn
        self.case = case
        self.framework = framework
        self.notify = notify
        self.off: str | None = None  # why the coach stopped, after its first failure

    def _fail(self, what: str, exc: AiUnavailable) -> None:
        self.off = exc.message
        self.notify(f"AI interviewer off for this session: {exc.message}. {what} continue offline.")

    # -- follow-ups -------------------------------------------------------------------

    def follow_up(self, record: SessionRecord, step_id: str) -> Generated | None:
        """A follow-up to the step's latest answer, or None to use the case's own."""
        answer_text = record.answers.get(step_id, "")
        if self.off is not None or not answer_text.strip():
            return None
        if any(f.generated for f in record.follow_ups_for(step_id)):
            return None  # one generated follow-up per step
        points = self._weakest(record, step_id)
        keys = [f"{s}:{p.id}" for s, p in points]
        answer = Answer(step_id, False, answer_text)
        titles = {s.id: s.title for s in self.framework.steps}
        prompt = follow_up_prompt(self.case, record.level, titles[step_id], answer, points, titles)
        schema = schema_of(FollowUpReply, (("FollowUpReply", "point", [*keys, ""]),))
        try:
            reply = self.conn.ask(FOLLOW_UP_SYSTEM, prompt, FollowUpReply, schema)
        except AiUnavailable as exc:
            self._fail("The case's own follow-ups", exc)
            return None
        question = " ".join(reply.question.split())
        if reply.target == "claim":
            if locate(reply.quote, [answer]) is None:
                self.notify(
                    "The model's follow-up challenged words you did not write; "
                    "the case's own follow-up is asked instead."
                )
                return None
            return Generated(question, "claim")
        if reply.point not in keys:
            self.notify(
                "The model's follow-up named no point of this step; "
                "the case's own follow-up is asked instead."
            )
            return None
        return Generated(question, reply.point)

    def _weakest(
        self, record: SessionRecord, step_id: str
    ) -> list[tuple[PointSource, RubricPoint]]:
        """Expected points the offline scorer finds nowhere: core first, weightiest first."""
        from mlsd.documents.export import score_session

        report = score_session(record, self.case, self.framework)
        missed = {p.key for p in report.step(step_id).missed}
        rubric = [
            (s, p)
            for s, p in step_rubric(self.case, self.framework, step_id)
            if f"{s}:{p.id}" in missed
        ]
        rubric.sort(key=lambda sp: (not sp[1].is_core, -sp[1].weight))
        return rubric[:WEAKEST]

    # -- clarifying questions ---------------------------------------------------------

    def clarify(self, question: str) -> Clarification | None:
        """One of the case's answers for a question in the candidate's words, or None.

        None means "no more information" (the interviewer's default reply). On a failure
        the offline lookup answers, exactly as without ``--ai``.
        """
        from mlsd.rubric.lookup import best_clarification

        options = list(self.case.clarifications)
        if self.off is not None or not options:
            return best_clarification(question, options)
        ids = [c.id for c in options]
        schema = schema_of(ClarifyReply, (("ClarifyReply", "choice", [*ids, NONE]),))
        try:
            reply = self.conn.ask(
                CLARIFY_SYSTEM, clarify_prompt(self.case, question, options), ClarifyReply, schema
            )
        except AiUnavailable as exc:
            self._fail("Answers to your questions", exc)
            return best_clarification(question, options)
        if reply.choice == NONE:
            return None
        found = next((c for c in options if c.id == reply.choice), None)
        if found is None:
            self.notify("The model chose no answer the case has; the question is matched offline.")
            return best_clarification(question, options)
        return found
