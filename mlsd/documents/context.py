"""What a design-doc template can read: a public, versioned interface (``"format": 1``).

People write templates against these names (docs/templates.md lists every field), so
fields are only ever added, never renamed or removed. Each block is a TypedDict of
plain strings, numbers, lists and dicts: a sandboxed template sees data and nothing
else, and mypy checks every field where it is written. ``session`` and ``case`` are
shared with the interview scorecard.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TypedDict

from mlsd._util.arrows import Arrows, arrows_in_answer, parse_arrows
from mlsd._util.formatting import clock
from mlsd._util.levels import Level
from mlsd.cases.brief import step_budgets
from mlsd.cases.models import Case, Framework, step_prompts
from mlsd.log.events import Mode, Status
from mlsd.log.records import SessionRecord
from mlsd.rubric.report_json import ReportJson

FORMAT = 1


class SessionBlock(TypedDict):
    id: str
    short_id: str
    case_id: str
    mode: Mode
    level: Level
    status: Status
    started_at: str
    updated_at: str
    date: str
    minutes: float
    timed: bool
    seconds: float
    duration: str


class DiagramNode(TypedDict):
    id: str
    label: str


class DiagramEdge(TypedDict):
    source: str
    target: str
    source_id: str
    target_id: str


class CaseBlock(TypedDict):
    id: str
    title: str
    summary: str
    difficulty: str
    tags: list[str]
    prompt: str
    diagram_nodes: list[DiagramNode]
    diagram_edges: list[DiagramEdge]


class FrameworkStepBlock(TypedDict):
    id: str
    title: str
    goal: str
    minutes: float
    prompts: list[str]


class FrameworkBlock(TypedDict):
    total_minutes: float
    steps: list[FrameworkStepBlock]


class FollowUpBlock(TypedDict):
    question: str
    answer: str | None


class StepBlock(TypedDict):
    number: int
    id: str
    title: str
    goal: str
    prompts: list[str]
    budget_minutes: float
    seconds: float
    over_budget: bool
    answer: str | None
    status: str  # "answered", "skipped" or "not answered"
    revisions: int  # answers saved, the first included (kept: format 1 never renames)
    revised: int  # answers saved after the first: what a reader means by "revisions"
    hints_used: int
    follow_ups: list[FollowUpBlock]


class ClarificationBlock(TypedDict):
    id: str | None
    question: str
    answer: str


class Totals(TypedDict):
    steps: int
    answered: int
    skipped: int
    not_answered: int
    seconds: float
    budget_minutes: float
    hints_used: int
    follow_ups_asked: int
    follow_ups_answered: int


class DesignContext(TypedDict):
    format: int
    session: SessionBlock
    case: CaseBlock
    framework: FrameworkBlock
    steps: list[StepBlock]
    clarifications: list[ClarificationBlock]
    totals: Totals
    feedback: ReportJson | None
    # The candidate's own diagram (``/diagram``, or arrows in the serving answer); empty
    # lists when there is none. ``source`` says where it came from.
    candidate_diagram_nodes: list[DiagramNode]
    candidate_diagram_edges: list[DiagramEdge]
    candidate_diagram_source: str | None


def design_context(
    record: SessionRecord,
    case: Case,
    framework: Framework,
    feedback: ReportJson | None = None,
) -> DesignContext:
    """Everything a design-doc template can use."""
    steps = step_blocks(record, case, framework)
    seconds = round(sum(s["seconds"] for s in steps), 3)
    return {
        "format": FORMAT,
        "session": session_block(record, seconds),
        "case": case_block(case),
        "framework": {
            "total_minutes": framework.total_minutes,
            "steps": [
                {
                    "id": s.id,
                    "title": s.title,
                    "goal": s.goal,
                    "minutes": s.minutes,
                    "prompts": list(s.prompts),
                }
                for s in framework.steps
            ],
        },
        "steps": steps,
        "clarifications": [
            {"id": c.clarification_id, "question": c.question, "answer": c.answer}
            for c in record.clarifications
        ],
        "totals": {
            "steps": len(steps),
            "answered": sum(s["status"] == "answered" for s in steps),
            "skipped": sum(s["status"] == "skipped" for s in steps),
            "not_answered": sum(s["status"] == "not answered" for s in steps),
            "seconds": seconds,
            "budget_minutes": sum(s["budget_minutes"] for s in steps),
            "hints_used": sum(s["hints_used"] for s in steps),
            "follow_ups_asked": sum(len(s["follow_ups"]) for s in steps),
            "follow_ups_answered": sum(
                f["answer"] is not None for s in steps for f in s["follow_ups"]
            ),
        },
        "feedback": feedback,
        **candidate_diagram(record),
    }


def step_blocks(record: SessionRecord, case: Case, framework: Framework) -> list[StepBlock]:
    drilled = record.drilled_step  # a drill's doc is its one step
    budgets = step_budgets(framework, record.minutes or None, only=drilled)
    revisions = Counter(entry.step_id for entry in record.history)
    steps: list[StepBlock] = []
    for number, fstep in enumerate(framework.steps, start=1):
        if drilled is not None and fstep.id != drilled:
            continue
        answer = record.answers.get(fstep.id)
        if answer is not None:
            status = "answered"
        elif fstep.id in record.skipped:
            status = "skipped"
        else:
            status = "not answered"
        seconds = round(record.seconds.get(fstep.id, 0.0), 3)
        steps.append(
            {
                "number": number,
                "id": fstep.id,
                "title": fstep.title,
                "goal": fstep.goal,
                "prompts": step_prompts(case, framework, fstep.id),
                "budget_minutes": budgets[fstep.id],
                "seconds": seconds,
                "over_budget": bool(record.minutes) and seconds > budgets[fstep.id] * 60,
                "answer": answer,
                "status": status,
                "revisions": revisions[fstep.id],
                "revised": max(0, revisions[fstep.id] - 1),
                "hints_used": record.hints.get(fstep.id, 0),
                "follow_ups": [
                    {"question": f.question, "answer": f.answer}
                    for f in record.follow_ups_for(fstep.id)
                ],
            }
        )
    return steps


def session_block(record: SessionRecord, seconds: float) -> SessionBlock:
    """The ``session`` block shared by the design doc and the scorecard templates."""
    return {
        "id": record.id,
        "short_id": record.short_id,
        "case_id": record.case_id,
        "mode": record.mode,
        "level": record.level,
        "status": record.status,
        "started_at": record.started_at,
        "updated_at": record.updated_at,
        "date": record.started_at[:10],
        "minutes": record.minutes,
        "timed": bool(record.minutes),
        "seconds": seconds,
        "duration": clock(seconds),
    }


def case_block(case: Case) -> CaseBlock:
    ids: dict[str, str] = {}
    for source, target in case.diagram:
        for label in (source, target):
            ids.setdefault(label, f"n{len(ids) + 1}")
    return {
        "id": case.id,
        "title": case.title,
        "summary": case.summary,
        "difficulty": case.difficulty,
        "tags": list(case.tags),
        "prompt": case.prompt,
        "diagram_nodes": [{"id": node_id, "label": label} for label, node_id in ids.items()],
        "diagram_edges": [
            {"source": s, "target": t, "source_id": ids[s], "target_id": ids[t]}
            for s, t in case.diagram
        ],
    }


class CandidateDiagram(TypedDict):
    """The candidate's own diagram, as both the design doc and the scorecard see it."""

    candidate_diagram_nodes: list[DiagramNode]
    candidate_diagram_edges: list[DiagramEdge]
    candidate_diagram_source: str | None  # "diagram", "serving answer", "interviewer notes"


SERVING = "serving"  # the step whose answer may carry the diagram, when no /diagram was given


def candidate_diagram(record: SessionRecord) -> CandidateDiagram:
    """The candidate's diagram: the latest ``/diagram``, else the arrows in the serving
    answer, else (in an interview) arrows the interviewer noted in the serving step.

    One rule for both documents, so the scorecard never shows a different picture from
    the design doc."""
    found: tuple[str, Arrows] | None = None
    if record.diagram is not None:
        found = ("diagram", parse_arrows(record.diagram))
    elif record.answers.get(SERVING):
        found = ("serving answer", arrows_in_answer(record.answers[SERVING]))
    elif notes := record.interview.notes_for(SERVING):
        found = ("interviewer notes", arrows_in_answer("\n".join(n.text for n in notes)))
    if found is None or not found[1].edges:
        return {
            "candidate_diagram_nodes": [],
            "candidate_diagram_edges": [],
            "candidate_diagram_source": None,
        }
    nodes, edges = diagram_blocks(found[1].edges)
    return {
        "candidate_diagram_nodes": nodes,
        "candidate_diagram_edges": edges,
        "candidate_diagram_source": found[0],
    }


def diagram_blocks(
    pairs: Sequence[tuple[str, str]],
) -> tuple[list[DiagramNode], list[DiagramEdge]]:
    """Boxes with ids a template can print bare (``n1``, ``n2``, ...), and the arrows."""
    ids: dict[str, str] = {}
    for source, target in pairs:
        for label in (source, target):
            ids.setdefault(label, f"n{len(ids) + 1}")
    return (
        [{"id": node_id, "label": label} for label, node_id in ids.items()],
        [{"source": s, "target": t, "source_id": ids[s], "target_id": ids[t]} for s, t in pairs],
    )
