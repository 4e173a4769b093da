"""Browsing and authoring cases: ``list``, ``show`` and ``cases ...``.

Case packs are shared by strangers: every line printed here that holds case-file text,
a file name or a YAML key goes through ``echo`` / ``json_text`` (``mlsd._util.textsafe``).
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from mlsd._util.formatting import counted
from mlsd._util.program import command
from mlsd._util.textsafe import echo, json_text
from mlsd.cli.app import FLAG, App, no_pager, options

cases_app = App(help="Validate, lint and write case files.", no_args_is_help=True)


class ShowFormat(str, Enum):
    text = "text"
    json = "json"
    md = "md"


def list_cases(
    ctx: typer.Context,
    tag: Annotated[
        str | None, typer.Option("--tag", "-t", help="Only cases with this tag.", metavar="TAG")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON for tooling.", metavar=FLAG)
    ] = False,
) -> None:
    """List the case studies you can practise."""
    from mlsd.cases.index import listing
    from mlsd.ui.plain import case_table

    result = listing(options(ctx).dirs())
    for problem in result.problems:
        echo(f"mlsd: skipped a broken case file: {problem}", err=True)
    cases = [c for c in result.cases if tag is None or tag in c.tags]
    if as_json:
        rows = [
            {
                "id": c.id,
                "title": c.title,
                "summary": c.summary,
                "difficulty": c.difficulty,
                "tags": c.tags,
                "path": c.path,
            }
            for c in cases
        ]
        echo(json_text(rows))
        return
    if not cases:
        echo(f"No cases tagged {tag!r}." if tag else "No cases found.", err=True)
        return
    echo(case_table(cases))


def show(
    ctx: typer.Context,
    case: Annotated[
        str,
        typer.Argument(metavar="CASE", help="Case id (see `mlsd list`) or a path to a case file."),
    ],
    fmt: Annotated[
        ShowFormat, typer.Option("--format", "-f", help="text, json or md (Markdown to hand out).")
    ] = ShowFormat.text,
    as_json: Annotated[
        bool, typer.Option("--json", help="Same as --format json.", metavar=FLAG)
    ] = False,
    interviewer: Annotated[
        bool,
        typer.Option(
            "--interviewer",
            help="The interviewer's guide instead (Markdown): key points, probes, follow-ups, "
            "hints. Spoilers: for the person running the interview.",
            metavar=FLAG,
        ),
    ] = False,
) -> None:
    """Show the candidate's brief for a case: the prompt and the steps, no spoilers."""
    from mlsd.cases.index import brief as case_brief
    from mlsd.cases.index import resolve

    if interviewer:
        from mlsd.cases.catalog import load_case, load_framework
        from mlsd.interview.guide import interviewer_guide

        framework = load_framework()
        the_case = load_case(resolve(case, options(ctx).dirs()), framework)
        guide = interviewer_guide(the_case, framework)
        if not sys.stdout.isatty():  # piped or saved: the Markdown itself
            echo(guide, nl=False)
            return
        from rich.markdown import Markdown

        from mlsd._util.textsafe import visible
        from mlsd.ui.console import stdout_console
        from mlsd.ui.pager import paged

        console = stdout_console()
        with paged(console, no_pager=no_pager(ctx, False)):
            console.print(Markdown(visible(guide)))
        return
    brief = case_brief(resolve(case, options(ctx).dirs()))
    if as_json or fmt is ShowFormat.json:
        echo(json_text(brief.to_json()))
    elif fmt is ShowFormat.md:
        from mlsd.documents.render import render_brief

        echo(render_brief(brief), nl=False)
    else:
        from mlsd.ui.console import stdout_console
        from mlsd.ui.views import brief_view

        stdout_console().print(brief_view(brief))


@cases_app.command("validate")
def validate(
    files: Annotated[
        list[Path], typer.Argument(metavar="PATH", help="Case files to check.", exists=False)
    ],
) -> None:
    """Check that case files are well-formed; report every problem as file:line:col."""
    from mlsd.cases.catalog import load_case, load_framework
    from mlsd.errors import FileProblemError, MlsdError

    framework = load_framework()
    failed = 0
    for path in _expand(files):
        try:
            load_case(path, framework)
        except FileProblemError as exc:
            failed += 1
            for problem in exc.problems:
                echo(problem, err=True)
        else:
            echo(f"{path}: ok")
    if failed:
        raise MlsdError(f"{counted(failed, 'file')} with problems")


@cases_app.command("lint")
def lint(
    ctx: typer.Context,
    files: Annotated[
        list[Path] | None,
        typer.Argument(metavar="PATH", help="Case files (default: every known case)."),
    ] = None,
    every: Annotated[
        bool,
        typer.Option(
            "--all",
            help="List every problem at its line, even for a draft (default: a checklist).",
            metavar=FLAG,
        ),
    ] = False,
) -> None:
    """Check case files against the depth rules of the bundled library.

    A draft still full of TODOs gets a short checklist of what to fill in; any other
    file gets every problem as file:line:col.
    """
    from mlsd.cases.catalog import load_framework
    from mlsd.cases.index import discover
    from mlsd.cases.lint import is_draft, lint_checklist, lint_findings
    from mlsd.errors import MlsdError

    framework = load_framework()
    paths = _expand(files) if files else list(discover(options(ctx).dirs()).values())
    failed = 0
    for path in paths:
        findings = lint_findings(path, framework)
        if not every and is_draft(findings):
            echo(f"{path}: a draft with {len(findings)} problems. What to fill in:", err=True)
            for line in lint_checklist(findings):
                echo(line, err=True)
            echo(
                f"Every problem at its line: {command('cases', 'lint', '--all', str(path))}",
                err=True,
            )
        else:
            for finding in findings:
                echo(finding.problem, err=True)
        failed += bool(findings)
    if failed:
        raise MlsdError(
            f"{failed} of {counted(len(paths), 'case file')} {_verb(failed, 'need')} work"
        )
    echo(f"{counted(len(paths), 'case file')} {_verb(len(paths), 'pass')} lint.")


@cases_app.command("schema")
def schema() -> None:
    """Print the JSON Schema of the case format (for editors' YAML language servers)."""
    from mlsd.cases.catalog import case_schema

    echo(json_text(case_schema()))


@cases_app.command("new")
def new(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="Lowercase slug, e.g. spam-filter.")],
    folder: Annotated[
        Path, typer.Option("--dir", "-d", help="Folder to write ID.yaml in.", file_okay=False)
    ] = Path(),
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing file.", metavar=FLAG)
    ] = False,
) -> None:
    """Write a skeleton case file that validates; `mlsd cases lint` flags it until filled in."""
    from mlsd.cases.authoring import write_skeleton

    path = write_skeleton(case_id, folder, force=force)
    echo(f"Wrote {path}. What is left to fill in: {command('cases', 'lint', str(path))}", err=True)
    echo(
        f"Practise it with: {command('--cases-dir', str(path.parent), 'practice', case_id)}",
        err=True,
    )


def _expand(files: list[Path]) -> list[Path]:
    from mlsd.errors import MlsdError

    out: list[Path] = []
    for f in files:
        if f.is_dir():
            found = sorted(p for p in f.iterdir() if p.suffix in (".yaml", ".yml"))
            if not found:
                # Checking nothing and printing nothing would read as "all good".
                raise MlsdError(f"{f}: no case files (*.yaml, *.yml) in this folder")
            out += found
        else:
            out.append(f)
    return out


def _verb(n: int, verb: str) -> str:
    """The verb agreeing with a count: "1 case file passes", "3 case files pass"."""
    return verb if n != 1 else verb + ("es" if verb.endswith("s") else "s")
