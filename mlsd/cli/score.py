"""``mlsd score``: which key points a session or a design doc covers, and which it misses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from mlsd.cli._options import ScoreLevelOpt
from mlsd.cli.app import app, options

MAX_DOC_BYTES = 5 * 1024 * 1024


@app.command("score", rich_help_panel="Review")
def score(
    ctx: typer.Context,
    target: Annotated[
        str | None,
        typer.Argument(
            metavar="SESSION|FILE.md",
            help="A session (full id, unique prefix or `latest`), or with --case a Markdown doc.",
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
        bool, typer.Option("--json", help="Print the report as JSON (format 1, stable).")
    ] = False,
) -> None:
    """Show which key points you covered and missed, with why each one matters.

    It measures coverage of key points, not the correctness of the design.
    """
    from mlsd.cases.catalog import load_framework
    from mlsd.errors import MlsdError
    from mlsd.rubric.report_json import report_to_json
    from mlsd.rubric.scoring import Report
    from mlsd.rubric.scoring import score as score_answers

    wanted = level.level if level is not None else None
    framework = load_framework()
    report: Report
    if case is not None:
        if target is None:
            raise MlsdError("--case needs the design doc to score: mlsd score --case CASE FILE.md")
        from mlsd.cases.catalog import load_case
        from mlsd.cases.index import resolve
        from mlsd.rubric.docsplit import split_doc

        the_case = load_case(resolve(case, options(ctx).dirs()), framework)
        doc = split_doc(read_doc(Path(target)), framework)
        report = score_answers(the_case, framework, doc.answers, level=wanted or "senior")
    else:
        from mlsd.log.store import open_store

        with open_store() as store:
            record = store.resolve(target or "latest")
        from mlsd.documents.export import case_for

        the_case = case_for(record, options(ctx).dirs(), framework)
        from mlsd.documents.export import score_session

        report = score_session(record, the_case, framework, level=wanted)
    if as_json:
        typer.echo(json.dumps(report_to_json(report), indent=2, ensure_ascii=False))
        return
    from mlsd.ui.console import stdout_console
    from mlsd.ui.feedback import feedback_view

    stdout_console().print(feedback_view(report))


def read_doc(path: Path) -> str:
    """The doc's text; a missing, unreadable, huge or non-UTF-8 file is a user error."""
    from mlsd.errors import MlsdError

    try:
        size = path.stat().st_size
        if not path.is_file():
            raise MlsdError(f"{path} is not a file")
        if size > MAX_DOC_BYTES:
            raise MlsdError(
                f"{path} is {size / 1_048_576:.1f} MB; design docs over 5 MB are refused"
            )
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise MlsdError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise MlsdError(f"{path} is not UTF-8 text") from None
    except OSError as exc:
        raise MlsdError(f"{path}: cannot read: {exc.strerror}") from None
