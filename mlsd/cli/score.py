"""``mlsd score``: which key points a session or a design doc covers, and which it misses."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mlsd.cli._options import ModelOpt, ScoreLevelOpt
from mlsd.cli.app import FLAG, NoPagerOpt, no_pager, options, say

if TYPE_CHECKING:
    from mlsd._util.levels import Level
    from mlsd.cases.models import Case, Framework
    from mlsd.documents.review import Reviewed
    from mlsd.log.records import SessionRecord
    from mlsd.rubric.docsplit import SplitDoc
    from mlsd.rubric.scoring import Report

MAX_DOC_BYTES = 5 * 1024 * 1024


def score(
    ctx: typer.Context,
    target: Annotated[
        str | None,
        typer.Argument(
            metavar="SESSION|FILE.md",
            help="A session (full id, unique prefix or `latest`; default: the latest with "
            "answers), or with --case a Markdown doc.",
            show_default=False,
        ),
    ] = None,
    case: Annotated[
        str | None,
        typer.Option(
            "--case",
            metavar="CASE",
            help="Score a design doc written anywhere else against this case.",
        ),
    ] = None,
    level: ScoreLevelOpt = None,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print the report as JSON (format 1, stable).", metavar=FLAG),
    ] = False,
    accept: Annotated[
        list[str] | None,
        typer.Option(
            "--accept",
            metavar="POINT",
            help="You made this point though the scorer missed it (repeatable).",
        ),
    ] = None,
    reject: Annotated[
        list[str] | None,
        typer.Option(
            "--reject",
            metavar="POINT",
            help="You did not make this point though the scorer credited it (repeatable).",
        ),
    ] = None,
    undo: Annotated[
        list[str] | None,
        typer.Option("--undo", metavar="POINT", help="Take back your call on this point."),
    ] = None,
    reveal: Annotated[
        bool,
        typer.Option(
            "--reveal",
            help="Also list the missed points of steps you did not attempt.",
            metavar=FLAG,
        ),
    ] = False,
    plain: NoPagerOpt = False,
    judge: Annotated[
        bool,
        typer.Option(
            "--judge",
            help="Also ask the AI judge (a model set up for llm), beside the offline score.",
            metavar=FLAG,
        ),
    ] = False,
    model: ModelOpt = None,
) -> None:
    """Show which key points you covered and missed, with why each one matters.

    It measures coverage of key points, not the correctness of the design.
    """
    from mlsd.cases.catalog import load_framework
    from mlsd.errors import MlsdError
    from mlsd.rubric.report_json import report_to_json

    wanted = level.level if level is not None else None
    framework = load_framework()
    report: Report
    doc: SplitDoc | None = None
    record: SessionRecord | None = None
    called: list[str] = []  # the points the candidate just called (a stored session only)
    if case is not None:
        if accept or reject or undo:
            raise MlsdError("--accept, --reject and --undo apply to a stored session, not a doc")
        the_case, doc, report = _score_doc(case, target, options(ctx).dirs(), framework, wanted)
    else:
        record, the_case, report, called = _score_stored(
            target, options(ctx).dirs(), framework, wanted, accept or [], reject or [], undo or []
        )
    from mlsd.cli.ai import judge_json_block, judge_report, print_judged

    judged = (
        judge_report(model, report, the_case, framework, record=record, doc=doc) if judge else None
    )
    if as_json:
        data: dict[str, object] = {**report_to_json(report)}
        if judge:
            data["judge"] = judge_json_block(judged)
        if doc is not None:
            data["doc"] = {
                "whole": doc.whole,
                "sections": [
                    {"heading": s.heading, "step": s.step, "how": s.how} for s in doc.sections
                ],
            }
        from mlsd._util.textsafe import echo, json_text

        echo(json_text(data))  # quotes the answers: no raw C1, bidi or zero-width
        return
    from mlsd.ui.console import stdout_console
    from mlsd.ui.feedback import calls_view, doc_reading_view, feedback_view
    from mlsd.ui.pager import paged

    console = stdout_console()
    if record is not None and called and not judge:
        from mlsd._util.program import command

        console.print(calls_view(report, called, command("score", record.short_id)))
        return
    with paged(console, no_pager=no_pager(ctx, plain)):
        if doc is not None:
            titles = {s.id: s.title for s in framework.steps}
            console.print(doc_reading_view(doc, titles))
        console.print(feedback_view(report, reveal=reveal))
        print_judged(console, judged)


def _score_doc(
    case_ref: str, target: str | None, dirs: list[Path], framework: Framework, level: Level | None
) -> tuple[Case, SplitDoc, Report]:
    """A design doc written anywhere else, split into steps and scored against the case."""
    from mlsd.cases.catalog import load_case
    from mlsd.cases.index import resolve
    from mlsd.errors import MlsdError
    from mlsd.rubric.docsplit import split_doc
    from mlsd.rubric.regex_budget import re_budget
    from mlsd.rubric.scoring import score as score_answers

    if target is None:
        from mlsd._util.program import command

        usage = command("score", "--case", "CASE", "FILE.md")
        raise MlsdError(f"--case needs the design doc to score: {usage}")
    case = load_case(resolve(case_ref, dirs), framework)
    with re_budget():  # one budget for the case's re: phrases over split and score
        doc = split_doc(read_doc(Path(target)), framework, case)
        report = score_answers(
            case, framework, doc.answers, level=level or "senior", clarifications_asked=None
        )
    return case, doc, report


def _score_stored(
    target: str | None,
    dirs: list[Path],
    framework: Framework,
    level: Level | None,
    accept: list[str],
    reject: list[str],
    undo: list[str],
) -> Reviewed:
    """A stored session's report, after storing the candidate's calls and saying so on
    stderr (the report itself is long)."""
    from mlsd.documents.review import review_session
    from mlsd.log.store import open_store

    with open_store() as store:
        scored = review_session(
            store, target, dirs, framework, level=level, accept=accept, reject=reject, undo=undo
        )
    said = [
        f"{verb} {', '.join(points)}"
        for verb, points in (("accepted", accept), ("rejected", reject), ("took back", undo))
        if points
    ]
    if said:
        say(f"Saved your calls: {'; '.join(said)}. They stay apart from the scorer's verdict.")
    return scored


def read_doc(path: Path) -> str:
    """The doc's text, read like every user file (regular files only, capped, UTF-8)."""
    from mlsd._util.reading import read_text_capped

    return read_text_capped(path, MAX_DOC_BYTES, "design doc")
