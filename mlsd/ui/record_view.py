"""A stored session, shown in full: ``mlsd sessions show``.

Everything here is database text (answers, questions, a case title copied from a case
file), so each piece goes through ``visible`` before rich lays it out.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from mlsd._util.formatting import local_time
from mlsd._util.textflow import unwrap
from mlsd._util.textsafe import visible
from mlsd.cases.models import Framework
from mlsd.log.records import SessionRecord
from mlsd.ui.console import panel_title


def record_view(record: SessionRecord, framework: Framework) -> RenderableType:
    head = Text(
        visible(f"{record.case_title} · {record.mode} · {record.level} · {record.status}") + "\n",
        style="bold",
    )
    head.append(
        visible(f"session {record.id} · started {local_time(record.started_at)}"),
        style="muted",
    )
    parts: list[RenderableType] = [head]
    if record.clarifications:
        asked = Text()
        for c in record.clarifications:
            asked.append("Q: ", style="bold")
            asked.append(visible(c.question) + "\n")
            asked.append("A: ", style="interviewer")
            asked.append(visible(c.answer) + "\n")
        parts.append(Panel(asked, title="Clarifying questions", title_align="left"))
    titles = {step.id: step.title for step in framework.steps}
    ordered = sorted(
        record.answers, key=lambda s: framework.step_ids.index(s) if s in titles else 99
    )
    for step_id in ordered:
        text = record.answers[step_id]
        # Wrapped where it was typed, wrapped again by the panel: unwrapped, wrapped once.
        body = Text(unwrap(visible(text)))
        for f in record.follow_ups_for(step_id):
            body.append("\n\nFollow-up: ", style="interviewer")
            body.append(visible(f.question))
            body.append("\n")
            body.append(
                unwrap(visible(f.answer)) if f.answer else "(skipped)",
                style="" if f.answer else "muted",
            )
        revisions = sum(1 for h in record.history if h.step_id == step_id)
        title = visible(titles.get(step_id, step_id)) + (
            f" (revised {revisions - 1}x)" if revisions > 1 else ""
        )
        parts.append(Panel(body, title=panel_title(title), title_align="left"))
    if record.skipped:
        skipped = ", ".join(titles.get(s, s) for s in record.skipped)
        parts.append(Text(visible(f"Skipped: {skipped}"), style="muted"))
    return Group(*parts)
