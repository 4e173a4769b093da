"""Rich renderables for a practice session: opening, step card, interviewer, hints."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mlsd._util.formatting import budget
from mlsd.cases.brief import CaseBrief
from mlsd.practice.flow import StepCard
from mlsd.ui.console import panel_title
from mlsd.ui.views import prose


def opening_view(
    brief: CaseBrief, level: str, minutes: float, resumed: bool, *, drill: bool = False
) -> RenderableType:
    """The case's opening; a drill's has no /back (it has one step)."""
    meta = Text(f"{brief.difficulty} · level: {level} · ", style="muted")
    meta.append(f"{minutes:g} minutes" if minutes else "untimed", style="muted")
    how = Text.assemble(
        ("How it works: ", "bold"),
        "type your answer; ",
        ("Esc then Enter", "key"),
        " (or Alt+Enter) submits. Type ",
    )
    names = [n for n in ("/hint", "/skip", "/back", "/pause") if not (drill and n == "/back")]
    for n, name in enumerate(names):
        if n:
            how.append(" or " if n == len(names) - 1 else ", ")
        how.append(name, style="key")
    how.append_text(
        Text.assemble(
            " as your whole answer for those; ",
            ("/help", "key"),
            " lists them all. ",
            ("F2", "key"),
            " (or ",
            ("/brief", "key"),
            ") shows this prompt and the interviewer's answers again. Ctrl-C saves and stops.",
        )
    )
    title = "Resuming: " + brief.title if resumed else brief.title
    body = Group(meta, Text(), prose(brief.prompt), Text(), how)
    return Panel(
        body, title=panel_title(title, "bold"), title_align="left", border_style="interviewer"
    )


def step_view(card: StepCard) -> RenderableType:
    head = Text(f"Step {card.number} of {card.count}: ", style="step")
    head.append(card.title, style="step")
    if card.minutes:
        head.append(f"  ({budget(card.minutes)})", style="muted")
    parts: list[RenderableType] = [head, Text(card.goal, style="italic")]
    if card.clarifications:
        told = Table.grid(padding=(0, 1))
        told.add_column(no_wrap=True)
        told.add_column()
        for question, answer in card.clarifications:
            told.add_row("•", Text.assemble((question, "muted"), "\n", answer))
        parts += [Text(), Text("What the interviewer told you:", style="bold"), told]
    guide = Table.grid(padding=(0, 1))  # a grid, so a wrapped question hangs under its text
    guide.add_column(no_wrap=True)
    guide.add_column()
    for prompt in card.prompts:
        guide.add_row("•", Text(prompt))
    parts += [Text(), Text("Think about:", style="bold"), guide]
    if card.draft:
        parts += [
            Text(),
            Text("Your earlier text is filled in below; edit it and submit.", style="warn"),
        ]
    return Panel(Group(*parts), border_style="step", title_align="left")


def interviewer_view(text: str, question: str | None) -> RenderableType:
    body = Text()
    if question:
        body.append("You: ", style="muted")
        body.append(question, style="muted")
        body.append("\n")
    body.append("Interviewer: ", style="interviewer")
    body.append_text(prose(text))  # case text is broken at its author's width: rewrap it
    return body


def hint_view(index: int, total: int, text: str) -> RenderableType:
    return Text.assemble((f"Hint {index}/{total}: ", "warn"), text)
