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
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from mlsd._util.fileio import write_atomic
from mlsd._util.levels import Level
from mlsd.cases.models import Case, Framework
from mlsd.errors import MlsdError
from mlsd.log.events import encode
from mlsd.log.records import SessionRecord

if TYPE_CHECKING:
    from mlsd.rubric.report_json import ReportJson
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
    """Render the session as a design doc (or JSON) and write it; returns the path."""
    feedback = feedback_json(record, case, framework) if with_feedback else None

    def markdown() -> str:
        from mlsd.documents.context import design_context
        from mlsd.documents.render import DESIGN_DOC, render

        return render(DESIGN_DOC, design_context(record, case, framework, feedback), template)

    return write_export(
        record,
        path,
        fmt=fmt,
        template=template,
        force=force,
        markdown=markdown,
        data=lambda: session_json(record, feedback),
    )


def write_export(
    record: SessionRecord,
    path: Path,
    *,
    fmt: str,
    template: Path | None,
    force: bool,
    markdown: Callable[[], str],
    data: Callable[[], object],
) -> Path:
    """The one way a session's document is written: checked, rendered, written atomically.

    ``path`` may be an existing folder, to write the default file name in it. Everything
    that can fail (a template error, a bad option) fails before the write, so a failed
    export leaves no file behind and never replaces an existing one.
    """
    check_target(fmt, template)
    if path.is_dir():
        path = path / default_filename(record, fmt)
    text = json.dumps(data(), indent=2, ensure_ascii=False) + "\n" if fmt == "json" else markdown()
    return write_atomic(path, text, force=force)


# -- the JSON record ----------------------------------------------------------------------


def session_json(record: SessionRecord, feedback: ReportJson | None = None) -> dict[str, object]:
    """The whole stored session, for tooling: every answer revision and every event."""
    data: dict[str, object] = {
        "format": FORMAT,
        "kind": "mlsd-session",
        "short_id": record.short_id,
    }
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
    """Score a stored session: its latest answers, questions asked, hints and time.

    A drill is scored on its one step, against its own budget, and asks no questions.
    """
    from mlsd.cases.brief import step_budgets
    from mlsd.rubric.scoring import score

    drilled = record.drilled_step
    return score(
        case,
        framework,
        record.answers,
        level=level or record.level,
        follow_ups=follow_up_answers(record),
        overrides=record.overrides,
        clarifications_asked=None if drilled else record.clarification_ids,
        hints=record.hints,
        seconds=record.seconds,
        step_ids=None if drilled is None else (drilled,),
        budgets=step_budgets(framework, record.minutes or None, only=drilled),
    )


def follow_up_answers(record: SessionRecord) -> dict[str, str]:
    """Step id -> the candidate's answers to that step's follow-ups, joined."""
    joined: dict[str, list[str]] = {}
    for f in record.follow_ups:
        if f.answer and f.answer.strip():
            joined.setdefault(f.step_id, []).append(f.answer)
    return {step: "\n\n".join(parts) for step, parts in joined.items()}


def feedback_json(record: SessionRecord, case: Case, framework: Framework) -> ReportJson:
    """The scoring report's JSON, as ``score --json`` prints it."""
    from mlsd.rubric.report_json import report_to_json

    return report_to_json(score_session(record, case, framework))
