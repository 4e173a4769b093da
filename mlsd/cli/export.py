"""``mlsd export``: a stored session as a Markdown design doc or a JSON record."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from mlsd.cli._options import SessionArg
from mlsd.cli.app import FLAG, options, say


class ExportFormat(str, Enum):
    md = "md"
    json = "json"


def export(
    ctx: typer.Context,
    session: SessionArg,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="File (or folder) to write; default: <case>-<date>-<short id>.md here.",
        ),
    ] = None,
    template: Annotated[
        Path | None,
        typer.Option(
            "--template",
            "-t",
            help="Your own Jinja template (see docs/templates.md).",
            dir_okay=False,
        ),
    ] = None,
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", help="md: a design doc; json: the whole session record."),
    ] = ExportFormat.md,
    with_feedback: Annotated[
        bool,
        typer.Option(
            "--with-feedback", help="Add the coverage feedback (an appendix in md).", metavar=FLAG
        ),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing file.", metavar=FLAG)
    ] = False,
) -> None:
    """Write a session as a design doc for review, or as JSON for tooling."""
    from mlsd.cases.catalog import load_framework
    from mlsd.documents.export import case_for, default_filename, export_session
    from mlsd.interview.scorecard import export_scorecard
    from mlsd.log.store import open_store

    with open_store() as store:
        record = store.resolve(session)
    framework = load_framework()
    case = case_for(record, options(ctx).dirs(), framework)
    target = output or Path(default_filename(record, fmt.value))
    if record.mode == "interview":
        # An interview has no answers to score: its document is the scorecard.
        path = export_scorecard(
            record, case, framework, target, fmt=fmt.value, template=template, force=force
        )
    else:
        path = export_session(
            record,
            case,
            framework,
            target,
            fmt=fmt.value,
            template=template,
            with_feedback=with_feedback,
            force=force,
        )
    say(f"Wrote {path}")
