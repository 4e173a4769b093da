"""An interview's scorecard: the ratings, the evidence behind them, and feedback to give.

``scorecard_context`` turns a stored interview into the plain data that
``templates/scorecard.md.j2`` (or a template of the user's own) renders; it is a public,
versioned interface like the design doc's context (``"format": 1``, fields only ever
added; docs/interview.md lists them). The feedback is data too (missed points with
their why, time overruns, hints, key questions not asked): the template writes the
prose, so a team can reword it without touching code.
"""

from __future__ import annotations

from pathlib import Path

from mlsd._util.levels import rank
from mlsd.cases.brief import step_budgets
from mlsd.cases.models import Case, Framework
from mlsd.documents.context import candidate_diagram, session_block
from mlsd.interview.card_types import (
    ClarificationBlock,
    FeedbackBlock,
    LevelBlock,
    PointBlock,
    ScorecardContext,
    StepBlock,
    StepFeedback,
)
from mlsd.interview.checklist import (
    DIMENSIONS,
    SCALE,
    Point,
    assessed,
    level_evidence,
    recommendation_label,
    step_points,
)
from mlsd.log.records import InterviewState, SessionRecord
from mlsd.rubric.levels import MEETS, PARTLY

FORMAT = 1
# The feedback leads with this many of the weightiest missed points.
FOCUS = 3


def _point(point: Point, step_title: str | None = None) -> PointBlock:
    return {
        "id": point.id,
        "source": point.source,
        "point": point.text,
        "why": point.why,
        "level": point.level,
        "weight": point.weight,
        "expected": point.expected,
        "step": step_title,
    }


def scorecard_context(record: SessionRecord, case: Case, framework: Framework) -> ScorecardContext:
    """Everything a scorecard template can use."""
    state = record.interview
    budgets = step_budgets(framework, record.minutes or None)
    steps: list[StepBlock] = []
    for number, fstep in enumerate(framework.steps, start=1):
        points = step_points(case, framework, fstep.id, record.level)
        ticked = [p for p in points if state.is_ticked(fstep.id, p.key)]
        case_step = case.steps.get(fstep.id)
        follow_ups = case_step.follow_ups if case_step else []
        hints = case_step.hints if case_step else []
        probes = case_step.probes if case_step else []
        asked = state.follow_ups.get(fstep.id, [])
        seconds = round(record.seconds.get(fstep.id, 0.0), 3)
        reached = fstep.id in state.visited
        steps.append(
            {
                "number": number,
                "id": fstep.id,
                "title": fstep.title,
                "goal": fstep.goal,
                "budget_minutes": budgets[fstep.id],
                "seconds": seconds,
                "over_budget": bool(record.minutes) and seconds > budgets[fstep.id] * 60,
                "visited": reached,
                "ticked": [_point(p, fstep.title) for p in ticked],
                # A step never reached is not assessed: nothing in it was missed.
                "missed": [
                    _point(p, fstep.title)
                    for p in points
                    if reached and p.expected and p not in ticked
                ],
                "not_expected": sum(
                    1 for p in points if reached and not p.expected and p not in ticked
                ),
                "points": len(points),
                "follow_ups": [
                    {
                        "number": i + 1,
                        "question": f.question,
                        "listen_for": list(f.listen_for),
                        "asked": i in asked,
                    }
                    for i, f in enumerate(follow_ups)
                ],
                "follow_ups_asked": len(asked),
                "hints_given": [
                    {"number": i + 1, "text": hints[i] if i < len(hints) else ""}
                    for i in state.hints.get(fstep.id, [])
                ],
                "hints_total": len(hints),
                "probes_asked": [
                    probes[i] for i in state.probes.get(fstep.id, []) if 0 <= i < len(probes)
                ],
                "notes": [n.text for n in state.notes_for(fstep.id)],
            }
        )
    seconds = round(sum(s["seconds"] for s in steps), 3)
    visited = [s for s in steps if s["visited"]]
    return {
        "format": FORMAT,
        "session": session_block(record, seconds),
        "case": {
            "id": case.id,
            "title": case.title,
            "summary": case.summary,
            "difficulty": case.difficulty,
            "tags": list(case.tags),
        },
        "ratings": [
            {
                "id": dim.id,
                "title": dim.title,
                "score": rating.score if rating else None,
                "label": SCALE[rating.score - 1] if rating else None,
                "justification": rating.justification if rating else "",
                "assessed": rating is not None or assessed(dim, framework, state),
            }
            for dim in DIMENSIONS
            for rating in [state.ratings.get(dim.id)]
        ],
        "recommendation": {
            "value": state.recommendation,
            "label": recommendation_label(state.recommendation),
        }
        if state.recommendation
        else None,
        "level_estimate": _level(state, record, case, framework),
        "steps": steps,
        "clarifications": _clarifications(record, case),
        "notes": [
            {
                "step": framework.step(n.step_id).title
                if n.step_id in framework.step_ids
                else None,
                "text": n.text,
            }
            for n in state.notes
        ],
        "feedback": _feedback(steps, record, case),
        "totals": {
            "ticked": sum(len(s["ticked"]) for s in steps),
            "points": sum(s["points"] for s in steps),
            "missed": sum(len(s["missed"]) for s in steps),
            "seconds": seconds,
            "budget_minutes": sum(s["budget_minutes"] for s in steps),
            "follow_ups_asked": sum(s["follow_ups_asked"] for s in steps),
            "hints_given": sum(len(s["hints_given"]) for s in steps),
            "notes": len(state.notes),
            "steps": len(steps),
            "steps_reached": len(visited),
            "points_reached": sum(s["points"] for s in visited),
            "budget_minutes_reached": sum(s["budget_minutes"] for s in visited),
        },
        **candidate_diagram(record),
    }


def _level(
    state: InterviewState, record: SessionRecord, case: Case, framework: Framework
) -> LevelBlock:
    evidence = level_evidence(case, framework, state, record.level)
    return {
        "level": state.level_estimate,
        "suggested": evidence.suggested,
        "signal": evidence.signal.summary,
        "thresholds": {"meets": MEETS, "partly": PARTLY},
        "by_level": [
            {
                "level": row.level,
                "points": row.total,
                "ticked": [_point(p, framework.step(sid).title) for sid, p in row.ticked],
                "coverage": row.coverage,
            }
            for row in evidence.levels
        ],
    }


def _clarifications(record: SessionRecord, case: Case) -> list[ClarificationBlock]:
    key = {c.id for c in case.clarifications if c.key}
    return [
        {
            "id": c.clarification_id,
            "question": c.question,
            "answer": c.answer,
            "key": c.clarification_id in key,
            "typed": c.typed,
        }
        for c in record.clarifications
    ]


OUT_OF_TIME = 0.9  # of the session's minutes used: the clock, not the interviewer, ended it


def _feedback(steps: list[StepBlock], record: SessionRecord, case: Case) -> FeedbackBlock:
    """What to tell the candidate: the weightiest gaps first, then step by step.

    Only steps the interview reached give advice on content: a step never reached says
    more about pacing than about what the candidate knows, and it is reported as such.
    """
    reached = [s for s in steps if s["visited"]]
    missed = [p for s in reached for p in s["missed"]]
    focus = sorted(missed, key=lambda p: (-p["weight"], rank(p["level"])))[:FOCUS]
    in_focus = {(p["step"], p["source"], p["id"]) for p in focus}
    per_step: list[StepFeedback] = []
    for s in reached:
        rest = [p for p in s["missed"] if (s["title"], p["source"], p["id"]) not in in_focus]
        if rest or s["over_budget"] or s["hints_given"]:
            per_step.append(
                {
                    "title": s["title"],
                    "missed": rest,
                    "over_budget": s["over_budget"],
                    "seconds": s["seconds"],
                    "budget_minutes": s["budget_minutes"],
                    "hints_given": len(s["hints_given"]),
                }
            )
    asked = set(record.clarification_ids)
    return {
        "focus": focus,
        "steps": per_step,
        "strengths": [p for s in steps for p in s["ticked"] if not p["expected"]],
        "key_questions_not_asked": [
            c.question for c in case.clarifications if c.key and c.id not in asked
        ],
        "not_reached": [s["title"] for s in steps if not s["visited"]],
        "out_of_time": bool(record.minutes)
        and (
            any(s["over_budget"] for s in steps)
            or sum(s["seconds"] for s in steps) >= OUT_OF_TIME * record.minutes * 60
        ),
        "practise": f"mlsd practice {case.id}",
    }


def scorecard_target(record: SessionRecord) -> Path | None:
    target = record.interview.scorecard_target
    return Path(target) if target else None


def render_scorecard(
    record: SessionRecord, case: Case, framework: Framework, template: Path | None = None
) -> str:
    """The scorecard as Markdown (imports jinja2, so only when one is written)."""
    from mlsd.documents.render import SCORECARD, render

    return render(SCORECARD, scorecard_context(record, case, framework), template)


def scorecard_json(record: SessionRecord, case: Case, framework: Framework) -> dict[str, object]:
    """The whole interview, for tooling: the session record and its scorecard."""
    from mlsd.documents.export import session_json

    return {**session_json(record), "scorecard": scorecard_context(record, case, framework)}


def export_scorecard(
    record: SessionRecord,
    case: Case,
    framework: Framework,
    path: Path,
    *,
    fmt: str = "md",
    template: Path | None = None,
    force: bool = False,
) -> Path:
    """Write an interview's scorecard (Markdown) or its record and scorecard (JSON)."""
    from mlsd.documents.export import write_export

    return write_export(
        record,
        path,
        fmt=fmt,
        template=template,
        force=force,
        markdown=lambda: render_scorecard(record, case, framework, template),
        data=lambda: scorecard_json(record, case, framework),
    )
