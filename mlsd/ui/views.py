"""Rich renderables for the case brief. Views only read; they never change state.

User and case text always goes through ``Text`` so square brackets are never taken as
rich markup.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mlsd.brief import CaseBrief


def minutes(value: float) -> str:
    return f"{value:g} min"


def brief_view(brief: CaseBrief) -> RenderableType:
    header = Text()
    header.append(brief.title, style="bold")
    header.append(
        f"\n{brief.difficulty} · {', '.join(brief.tags)} · {minutes(brief.total_minutes)}",
        style="muted",
    )
    opening = Panel(
        Text(brief.prompt.strip()),
        title="The interviewer says",
        title_align="left",
        border_style="interviewer",
    )
    steps = Table(show_header=True, header_style="bold", expand=True, show_lines=True)
    steps.add_column("Step", style="step", no_wrap=True)
    steps.add_column("Budget", justify="right", no_wrap=True)
    steps.add_column("Goal and guiding questions")
    for step in brief.steps:
        body = Text(step.goal, style="italic")
        for prompt in step.prompts:
            body.append("\n• ")
            body.append(prompt)
        steps.add_row(Text(step.title), minutes(step.minutes), body)
    footer = Text(f"Practise it: mlsd practice {brief.id}", style="muted")
    return Group(header, Text(), opening, steps, footer)
