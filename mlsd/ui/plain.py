"""Plain-text output for the fast paths (``mlsd list``), without importing rich."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Sequence
from typing import TYPE_CHECKING

from mlsd.textsafe import visible

if TYPE_CHECKING:  # annotations only: `mlsd list` should not pay for importing these
    from mlsd.caseindex import CaseSummary
    from mlsd.records import SessionSummary


def case_table(cases: Sequence[CaseSummary]) -> str:
    """Aligned columns: id, difficulty, title, tags; tags are cut to the terminal width."""
    width = shutil.get_terminal_size((100, 24)).columns
    # A title is case-file text: a YAML escape like "\e[31m" must not reach the terminal.
    cases = [dataclasses.replace(c, title=" ".join(visible(c.title).split())) for c in cases]
    id_w = max(len("ID"), *(len(c.id) for c in cases))
    diff_w = len("DIFFICULTY")
    title_w = max(len("TITLE"), *(len(c.title) for c in cases))
    lines = [f"{'ID':<{id_w}}  {'DIFFICULTY':<{diff_w}}  {'TITLE':<{title_w}}  TAGS"]
    for c in cases:
        line = (
            f"{c.id:<{id_w}}  {c.difficulty:<{diff_w}}  {c.title:<{title_w}}  {', '.join(c.tags)}"
        )
        if len(line) > width > 40:
            line = line[: width - 1] + "…"
        lines.append(line)
    lines.append("")
    lines.append(f"{len(cases)} case(s). Practise one with: mlsd practice ID")
    return "\n".join(lines)


def session_table(rows: Sequence[SessionSummary]) -> str:
    header = ("ID", "CASE", "MODE", "LEVEL", "STARTED", "STATUS", "STEPS")
    body = [
        (
            r.short_id,
            r.case_id,
            r.mode,
            r.level,
            r.started_at[:16].replace("T", " "),
            r.status,
            str(r.steps_answered),
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *body]
    ]
    return "\n".join(lines)
