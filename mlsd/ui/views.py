"""Rich renderables for the case brief. Views only read; they never change state.

User and case text always goes through ``Text`` so square brackets are never taken as
rich markup, and through ``visible`` so its control, bidi and zero-width characters are
stand-ins *before* rich measures the columns (``SafeConsole`` would catch them anyway, but
after layout, so a table border could shift).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mlsd._util.formatting import budget
from mlsd._util.program import command
from mlsd._util.textsafe import visible
from mlsd.cases.brief import CaseBrief, StepBrief

# Below this width a three-column table squeezes its widest column to nothing.
NARROW = 60
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s")


def prose(text: str) -> Text:
    """Case prose, wrapped by the terminal rather than where its author broke the lines.

    Case files write prose in ``|`` blocks broken at the author's editor width; printed
    as is, every line breaks twice in any narrower terminal. A single newline is joined
    to a space, a blank line stays a paragraph break, and a line that starts like a list
    item keeps its own line.
    """
    out: list[str] = []
    previous = ""
    for line in visible(text).strip().split("\n"):
        stripped = line.strip()
        if not stripped:
            if out and out[-1] != "\n\n":
                out.append("\n\n")
        elif previous and not _LIST_ITEM.match(line):
            out.append(" " + stripped)
        else:
            if out and out[-1] != "\n\n":
                out.append("\n")
            out.append(line.rstrip())
        previous = stripped
    return Text("".join(out))


@dataclass
class _Steps:
    """The steps as a table, or stacked one under another in a narrow terminal."""

    steps: list[StepBrief]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if options.max_width < NARROW:
            for step in self.steps:
                head = Text(visible(step.title), style="step")
                head.append(f" · {budget(step.minutes)}", style="muted")
                yield Text()
                yield head
                yield _goal_and_prompts(step)
            return
        table = Table(show_header=True, header_style="bold", expand=True, show_lines=True)
        table.add_column("Step", style="step", no_wrap=True)
        table.add_column("Budget", justify="right", no_wrap=True)
        table.add_column("Goal and guiding questions")
        for step in self.steps:
            table.add_row(Text(visible(step.title)), budget(step.minutes), _goal_and_prompts(step))
        yield table


def _goal_and_prompts(step: StepBrief) -> Text:
    body = Text(visible(step.goal), style="italic")
    for prompt in step.prompts:
        body.append("\n• ")
        body.append(visible(prompt))
    return body


def brief_view(brief: CaseBrief) -> RenderableType:
    header = Text()
    header.append(visible(brief.title), style="bold")
    header.append(
        visible(f"\n{brief.difficulty} · {', '.join(brief.tags)} · {budget(brief.total_minutes)}"),
        style="muted",
    )
    opening = Panel(
        prose(brief.prompt),
        title="The interviewer says",
        title_align="left",
        border_style="interviewer",
    )
    footer = Text(f"Practise it: {command('practice', visible(brief.id))}", style="muted")
    return Group(header, Text(), opening, _Steps(list(brief.steps)), footer)
