"""Plain-text output for the fast paths (``mlsd list``), without importing rich.

Every cell is case-file or database text, so each is made visible *before* the columns
are measured: a stand-in then takes the room the table gave it. The caller prints the
result through ``textsafe.echo``.
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from mlsd._util.formatting import counted, local_time
from mlsd._util.program import command
from mlsd._util.textsafe import visible

if TYPE_CHECKING:  # annotations only: `mlsd list` should not pay for importing these
    from mlsd.cases.index import CaseSummary
    from mlsd.log.records import SessionSummary


def case_table(cases: Sequence[CaseSummary]) -> str:
    """Aligned columns: id, difficulty, title, tags, fitted to the terminal.

    Where every title fits whole on its line, one line a case, and tags give way at the
    edge; on a narrower terminal, a case takes two lines or more (id, difficulty and tags,
    then the title, wrapped), so no title is cut. Piped output is never cut, so it stays
    useful to grep.
    """
    width = shutil.get_terminal_size((100, 24)).columns if sys.stdout.isatty() else 10_000
    # A title is case-file text: a YAML escape like "\e[31m" must not reach the terminal.
    titles = [_cell(c.title) for c in cases]
    tags = [_cell(", ".join(c.tags)) for c in cases]
    ids = [_cell(c.id) for c in cases]
    difficulties = [_cell(c.difficulty) for c in cases]
    id_w = max(len("ID"), *(len(i) for i in ids))
    diff_w = len("DIFFICULTY")
    title_w = max(len("TITLE"), *(len(t) for t in titles))
    footer = ["", f"{counted(len(cases), 'case')}. Practise one with: {command('practice', 'ID')}"]
    if id_w + diff_w + title_w + len("TAGS") + 6 <= width:
        lines = [f"{'ID':<{id_w}}  {'DIFFICULTY':<{diff_w}}  {'TITLE':<{title_w}}  TAGS"]
        for case_id, difficulty, title, tag_text in zip(
            ids, difficulties, titles, tags, strict=True
        ):
            line = f"{case_id:<{id_w}}  {difficulty:<{diff_w}}  {title:<{title_w}}  {tag_text}"
            lines.append(_fit(line, width - 1))
    else:
        lines = []
        for case_id, difficulty, title, tag_text in zip(
            ids, difficulties, titles, tags, strict=True
        ):
            lines.append(_fit(f"{case_id}  ({difficulty})  {tag_text}", width - 1))
            # the title wraps, whole words, under its id: it says what the case is
            lines += textwrap.wrap(
                title, width - 1, initial_indent="    ", subsequent_indent="    "
            ) or ["    "]
    return "\n".join(line.rstrip() for line in lines + footer)


def _cell(value: object) -> str:
    """One table cell: unsafe characters as stand-ins, whitespace runs as one space."""
    return " ".join(visible(value).split())


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def session_table(rows: Sequence[SessionSummary]) -> str:
    """One line a session. On a terminal too narrow for every column, the level and the
    year go and long case ids give way, so no row wraps; piped output keeps every column
    whole."""
    width = shutil.get_terminal_size((100, 24)).columns if sys.stdout.isatty() else 10_000
    table = _session_rows(rows, width=None)
    if max(len(line) for line in table) >= width:
        table = _session_rows(rows, width=width - 1)
    return "\n".join(table)


def _session_rows(rows: Sequence[SessionSummary], *, width: int | None) -> list[str]:
    compact = width is not None
    header = ("ID", "CASE", "MODE", "LEVEL", "STARTED", "STATUS", "STEPS")
    body = [
        (
            r.short_id,
            r.case_id,
            r.mode,
            r.level,
            # narrow: no year, but the time stays (three sessions a day must differ)
            local_time(r.started_at)[5 if compact else 0 :],
            r.status,
            str(r.steps_answered),
        )
        for r in rows
    ]
    keep = [i for i in range(len(header)) if not (compact and header[i] == "LEVEL")]
    table = [[_cell(row[i]) for i in keep] for row in [header, *body]]
    widths = [max(len(row[i]) for row in table) for i in range(len(keep))]
    if width is not None:  # the case column gives way (ids stay whole: they are typed)
        rest = sum(widths) - widths[1] + 2 * (len(keep) - 1)
        widths[1] = max(len("CASE"), min(widths[1], width - rest))
        for row in table:
            row[1] = _fit(row[1], widths[1])
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in table
    ]
