"""A stored session as a document for review: the template context, JSON, and the write.

The context handed to templates and the JSON written by ``--format json`` are public,
versioned interfaces (``"format": 1``, documented in docs/templates.md): people write
templates and tools against them, so fields are only ever added, never renamed or
removed. Both are plain dicts, lists, strings and numbers, so that a sandboxed template
sees data and nothing else.

``export_session`` is the one entry point: ``mlsd export``, ``mlsd practice --export``
and the end-of-session offer all call it.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlsd._util.fileio import write_atomic
from mlsd._util.formatting import clock as format_clock
from mlsd._util.levels import Level
from mlsd.cases.brief import step_budgets
from mlsd.cases.models import Case, Framework
from mlsd.errors import MlsdError
from mlsd.log.events import encode
from mlsd.log.records import SessionRecord

if TYPE_CHECKING:
    from mlsd.rubric.scoring import Report

FORMAT = 1
FORMATS = ("md", "json")


def default_filename(record: SessionRecord, fmt: str = "md") -> str:
    """``<case>-<YYYY-MM-DD>-<short id>.<fmt>``: sorts by case, then by date."""
    return f"{record.case_id}-{record.started_at[:10]}-{record.short_id}.{fmt}"


def case_for(record: SessionRecord, dirs: list[Path], framework: Framework) -> Case:
    """The case a session was practised on: its file if still there, else by id."""
    from mlsd.cases.catalog import load_case
    from mlsd.cases.index import resolve
    from mlsd.errors import CaseNotFoundError

    path = Path(record.case_path)
    if path.is_file():
        return load_case(path, framework)
    try:
        found = resolve(record.case_id, dirs)
    except CaseNotFoundError:
        raise CaseNotFoundError(
            f"session {record.short_id} was practised on case {record.case_id!r} from "
            f"{record.case_path}, which is no longer there, and no case folder has that id; "
            "point --cases-dir at the folder that holds it now"
        ) from None
    return load_case(found, framework)


def export_session(
    record: SessionRecord,
    case: Case,
    framework: Framework,
    path: Path,
    *,
    fmt: str = "md",
    template: Path | None = None,
    with_feedback: bool = False,
    force: bool = False,
) -> Path:
    """Render the session and write it atomically to ``path``; returns the path written.

    ``path`` may be an existing folder, to write the default file name in it. Everything
    that can fail (a template error, a bad option) fails before the write, so a failed
    export leaves no file behind and never replaces an existing one.
    """
    check_target(fmt, template)
    if path.is_dir():
        path = path / default_filename(record, fmt)
    feedback = feedback_json(record, case, framework) if with_feedback else None
    if fmt == "json":
        text = json.dumps(session_json(record, feedback), indent=2, ensure_ascii=False) + "\n"
    else:
        from mlsd.documents.render import DESIGN_DOC, render

        text = render(DESIGN_DOC, design_context(record, case, framework, feedback), template)
    return write_atomic(path, text, force=force)


# -- the JSON record ----------------------------------------------------------------------


def session_json(record: SessionRecord, feedback: dict[str, Any] | None = None) -> dict[str, Any]:
    """The whole stored session, for tooling: every answer revision and every event."""
    data: dict[str, Any] = {"format": FORMAT, "kind": "mlsd-session", "short_id": record.short_id}
    for f in dataclasses.fields(record):
        if f.name not in ("events", "interview", "drafts", "overrides"):
            data[f.name] = _plain(getattr(record, f.name))
    data["events"] = [
        {"kind": e.kind, "step_id": e.step_id, "data": json.loads(encode(e.payload)), "at": e.at}
        for e in record.events
    ]
    if feedback is not None:
        data["feedback"] = feedback
    return data


def _plain(value: object) -> object:
    """A record field as JSON data: dataclasses become objects, tuples lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def check_target(fmt: str, template: Path | None) -> None:
    """Refuse an impossible export before anything is rendered."""
    if fmt not in FORMATS:
        raise MlsdError(f"unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}")
    if fmt == "json" and template is not None:
        raise MlsdError("--template applies to Markdown exports; drop it or use --format md")


def score_session(
    record: SessionRecord, case: Case, framework: Framework, *, level: Level | None = None
) -> Report:
    """Score a stored session: its latest answers, questions asked, hints and time."""
    from mlsd.rubric.scoring import score

    return score(
        case,
        framework,
        record.answers,
        level=level or record.level,
        clarifications_asked=record.clarification_ids,
        hints=record.hints,
        seconds=record.seconds,
    )


def feedback_json(record: SessionRecord, case: Case, framework: Framework) -> dict[str, Any]:
    """The scoring report's JSON, with each point's wording and why added for readers."""
    from mlsd.rubric.scoring import report_to_json

    report = score_session(record, case, framework)
    data = report_to_json(report)
    _add_wording(data, report)
    return data


def _add_wording(data: dict[str, Any], report: Report) -> None:
    # report_to_json carries ids only; a design doc's reader needs the point and its why.
    for step_data, step in zip(data["steps"], report.steps, strict=True):
        for point_data, point in zip(step_data["points"], step.points, strict=True):
            point_data.setdefault("point", point.point)
            point_data.setdefault("why", point.why)


# -- the template context -----------------------------------------------------------------


def design_context(
    record: SessionRecord,
    case: Case,
    framework: Framework,
    feedback: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything a design-doc template can use; docs/templates.md lists every field."""
    steps = _steps(record, case, framework)
    seconds = round(sum(s["seconds"] for s in steps), 3)
    return {
        "format": FORMAT,
        "session": session_context(record, seconds),
        "case": _case(case),
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
            "budget_minutes": round(sum(s["budget_minutes"] for s in steps), 1),
            "hints_used": sum(s["hints_used"] for s in steps),
            "follow_ups_asked": sum(len(s["follow_ups"]) for s in steps),
            "follow_ups_answered": sum(
                f["answer"] is not None for s in steps for f in s["follow_ups"]
            ),
        },
        "feedback": feedback,
    }


def _steps(record: SessionRecord, case: Case, framework: Framework) -> list[dict[str, Any]]:
    budgets = step_budgets(framework, record.minutes or None)
    revisions = Counter(entry.step_id for entry in record.history)
    steps: list[dict[str, Any]] = []
    for number, fstep in enumerate(framework.steps, start=1):
        answer = record.answers.get(fstep.id)
        if answer is not None:
            status = "answered"
        elif fstep.id in record.skipped:
            status = "skipped"
        else:
            status = "not answered"
        seconds = round(record.seconds.get(fstep.id, 0.0), 3)
        case_step = case.steps.get(fstep.id)
        steps.append(
            {
                "number": number,
                "id": fstep.id,
                "title": fstep.title,
                "goal": fstep.goal,
                "prompts": [*fstep.prompts, *(case_step.prompts if case_step else [])],
                "budget_minutes": budgets[fstep.id],
                "seconds": seconds,
                "over_budget": bool(record.minutes) and seconds > budgets[fstep.id] * 60,
                "answer": answer,
                "status": status,
                "revisions": revisions[fstep.id],
                "hints_used": record.hints.get(fstep.id, 0),
                "follow_ups": [
                    {"question": f.question, "answer": f.answer}
                    for f in record.follow_ups_for(fstep.id)
                ],
            }
        )
    return steps


def session_context(record: SessionRecord, seconds: float) -> dict[str, Any]:
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
        "duration": format_clock(seconds),
    }


def _case(case: Case) -> dict[str, Any]:
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
