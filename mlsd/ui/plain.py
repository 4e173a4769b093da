"""Plain-text output for the fast paths (``mlsd list``), without importing rich.

Every cell is case-file or database text, so each is made visible *before* the columns
are measured: a stand-in then takes the room the table gave it. The caller prints the
result through ``textsafe.echo``.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from mlsd._util.program import command
from mlsd._util.textsafe import visible

if TYPE_CHECKING:  # annotations only: `mlsd list` should not pay for importing these
    from mlsd.cases.index import CaseSummary
    from mlsd.log.records import SessionSummary


def case_table(cases: Sequence[CaseSummary]) -> str:
    """Aligned columns: id, difficulty, title, tags, fitted to the terminal.

    Long titles give way before tags do, because tags are what `--tag` filters on;
    piped output is never cut, so it stays useful to grep.
    """
    width = shutil.get_terminal_size((100, 24)).columns if sys.stdout.isatty() else 10_000
    # A title is case-file text: a YAML escape like "\e[31m" must not reach the terminal.
    titles = [_cell(c.title) for c in cases]
    tags = [_cell(", ".join(c.tags)) for c in cases]
    ids = [_cell(c.id) for c in cases]
    id_w = max(len("ID"), *(len(i) for i in ids))
    diff_w = len("DIFFICULTY")
    tags_room = min(max(len("TAGS"), *(len(t) for t in tags)), 26)
    title_w = max(len("TITLE"), *(len(t) for t in titles))
    title_w = max(16, min(title_w, width - id_w - diff_w - tags_room - 6))
    lines = [f"{'ID':<{id_w}}  {'DIFFICULTY':<{diff_w}}  {'TITLE':<{title_w}}  TAGS"]
    for case, case_id, title, tag_text in zip(cases, ids, titles, tags, strict=True):
        difficulty = _cell(case.difficulty)
        line = f"{case_id:<{id_w}}  {difficulty:<{diff_w}}  {_fit(title, title_w):<{title_w}}  {tag_text}"
        lines.append(_fit(line, width - 1) if width > 40 else line)
    lines.append("")
    lines.append(f"{len(cases)} case(s). Practise one with: {command('practice', 'ID')}")
    return "\n".join(line.rstrip() for line in lines)


def _cell(value: object) -> str:
    """One table cell: unsafe characters as stand-ins, whitespace runs as one space."""
    return " ".join(visible(value).split())


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def session_table(rows: Sequence[SessionSummary]) -> str:
    header = ("ID", "CASE", "MODE", "LEVEL", "STARTED", "STATUS", "STEPS")
    body = [
        tuple(
            _cell(value)
            for value in (
                r.short_id,
                r.case_id,
                r.mode,
                r.level,
                r.started_at[:16].replace("T", " "),
                r.status,
                str(r.steps_answered),
            )
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *body]
    ]
    return "\n".join(lines)
