"""Plain-text output for the fast paths (``mlsd list``), without importing rich."""

from __future__ import annotations

import shutil
from collections.abc import Sequence

from mlsd.caseindex import CaseSummary


def case_table(cases: Sequence[CaseSummary]) -> str:
    """Aligned columns: id, difficulty, title, tags; tags are cut to the terminal width."""
    width = shutil.get_terminal_size((100, 24)).columns
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
