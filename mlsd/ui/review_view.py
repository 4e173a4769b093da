"""The review screens (front, back, rating), the due list, and a drill's feedback.

``TerminalReviewAsker`` is the terminal side of ``progress.review.run_review``: it
shows and asks, the core decides and stores. Case text goes into ``Text`` objects,
never markup.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mlsd._util.program import command
from mlsd.progress.cards import CardFace
from mlsd.progress.review import DueCard
from mlsd.progress.schedule import RATING_NAMES, days_text
from mlsd.rubric.scoring import Report
from mlsd.run.lifecycle import Choice
from mlsd.ui.feedback import notes_view, step_view
from mlsd.ui.progress_view import next_due_text, next_lines, when
from mlsd.ui.prompts import QuestionaryPrompter

STOP = "stop"


def front_view(card: CardFace, position: int, total: int) -> RenderableType:
    # The situation goes in the body, not the border: a border title is cut to fit.
    body = Text(f"Review {position} of {total} · ", style="muted")
    body.append(card.case_title, style="step")
    body.append(f" · {card.step_title} · {card.level}\n\n", style="muted")
    if card.probe:
        body.append("Interviewer: ", style="interviewer")
        body.append(card.probe)
        body.append("\n\n")
    body.append("Fill the gaps: ", style="bold")
    body.append(card.cloze)
    return Panel(body, border_style="muted")


def back_view(card: CardFace, hit: bool | None) -> RenderableType:
    body = Text()
    body.append(card.point)
    body.append("\nwhy: ", style="muted")
    body.append(card.why)
    parts: list[RenderableType] = [body]
    if card.reference:
        parts += [Text("\nFrom the reference notes:", style="bold"), notes_view(card.reference)]
    tail = Text(f"[{card.point_id}]", style="muted")
    if hit is True:
        tail.append("\nYour answer makes this point.", style="good")
    elif hit is False:
        tail.append(
            "\nmlsd does not find this point in your answer: compare it with the point above.",
            style="miss",
        )
    parts.append(tail)
    return Panel(
        Group(*parts),
        title=Text("The point", style="bold"),
        title_align="left",
        border_style="muted",
    )


class TerminalReviewAsker:
    """``ReviewAsker`` on a terminal, through the practice session's prompter."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.prompter = QuestionaryPrompter(console)
        self._front: RenderableType | None = None

    def front(self, card: CardFace, position: int, total: int) -> None:
        self._front = front_view(card, position, total)
        self.console.print()
        self.console.print(self._front)

    def recall(self) -> str:
        # F2 (or typing /brief) shows the card's front again, with the text typed kept,
        # rather than "/brief" taken as the answer.
        while True:
            typed = self.prompter.answer(
                "Your answer (or leave it empty and just think it)", f2="the card again"
            )
            if typed.strip() != "/brief" or self._front is None:
                return typed
            self.console.print(self._front)

    def back(self, card: CardFace, hit: bool | None) -> None:
        self.console.print(back_view(card, hit))

    def rate(self, intervals: dict[int, timedelta]) -> int | None:
        choices = [
            Choice(str(r), f"{RATING_NAMES[r]} · back in {days_text(intervals[r])}")
            for r in sorted(intervals)
        ]
        choices.append(Choice(STOP, "Stop here (the rest stay due)"))
        picked = self.prompter.select("How well did you recall it?", choices)
        return None if picked == STOP else int(picked)


def due_view(
    items: list[DueCard],
    now: datetime,
    today: int | None = None,
    limit: int | None = None,
    upcoming: str | None = None,
) -> RenderableType:
    """``review --due``: what is due (in review order), without the answers, and how many
    of them today's review shows (``today`` of a daily ``limit``)."""
    if not items:
        text = Text("No reviews due today.", style="good")
        if upcoming is not None:
            text.append(f" {next_due_text(upcoming, now)}.", style="muted")
        return text
    # A grid, so that a card's wrapped lines stay under its text, not under the bullet.
    listing = Table.grid(padding=(0, 1))
    listing.add_column(no_wrap=True)
    listing.add_column()
    for item in items:
        card = item.face
        line = Text(card.case_title, style="step")
        line.append(f" · {card.step_title}: ", style="muted")
        line.append(card.cloze)
        line.append(f"  ({when(item.row.due, now)})", style="muted")  # the id would name it
        listing.add_row(Text(" •"), line)
    end = Text("Review them: ")
    end.append(command("review"), style="key")
    head = Text(f"{len(items)} due today", style="bold")
    if today is not None and limit is not None and today < len(items):
        head.append(" · ", style="muted")
        head.append(limit_text(len(items), today, limit), style="muted")
    return Group(head, listing, end)


def limit_text(due: int, today: int, limit: int) -> str:
    """How the daily limit shares out what is due (``due`` cards, ``today`` shown now)."""
    if today:
        return f"today's review shows the first {today} (a daily limit of {limit}; --limit N)"
    return (
        f"today's {limit} are reviewed; the other {due} wait for another day (--limit N for more)"
    )


def drill_view(report: Report, step_id: str) -> RenderableType:
    """A drill's feedback: the step's points (covered, missed and why) and its reference."""
    step = report.step(step_id)
    titles = {s.id: s.title for s in report.steps}
    parts: list[RenderableType] = [step_view(step, titles)]
    if step.attempted and step.reference.strip():
        parts.append(Text("Reference notes for this step", style="bold"))
        parts.append(notes_view(step.reference))
    return Group(*parts)


__all__ = [
    "TerminalReviewAsker", "back_view", "drill_view", "due_view", "front_view", "limit_text",
    "next_lines",
]  # fmt: skip
