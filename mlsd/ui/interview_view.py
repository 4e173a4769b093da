"""Rich renderables for the interviewer's screen: opening, step, read-outs, ratings.

Views only read. Case text and everything the interviewer typed go through ``Text``, so
square brackets are never taken as rich markup. The step screen keeps each point and
follow-up to one line (cut with an ellipsis), and on a short terminal shows only as many
points as fit above the menu: the full wording of every point is one keypress away in
the checklist (which wraps it), of probes and follow-ups in their pickers and read-outs.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.columns import Columns
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mlsd._util.formatting import budget, counted
from mlsd._util.formatting import clock as format_clock
from mlsd.interview.card_types import ScorecardContext
from mlsd.interview.checklist import SCALE, Evidence
from mlsd.interview.script import Opening, RatingScreen, ReadOut, StepScreen
from mlsd.log.records import RatingEntry
from mlsd.ui.console import panel_title
from mlsd.ui.views import prose

# Missed points listed while rating a dimension; more would push the prompt off screen.
MISSED_SHOWN = 8


def _one_line_table(columns: int = 4) -> Table:
    """A grid whose last column is cut to one line, the others sized to fit."""
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True, justify="right")
    for _ in range(columns - 3):
        table.add_column(no_wrap=True)
    table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    return table


def opening_view(opening: Opening) -> RenderableType:
    meta = Text(f"interviewing for {opening.level} · ", style="muted")
    meta.append(f"{opening.minutes:g} minutes" if opening.minutes else "untimed", style="muted")
    items: list[RenderableType] = []
    for n, (title, minutes) in enumerate(opening.agenda, start=1):
        item = Text(f"{n}. {title}")
        if opening.minutes:
            item.append(f" {format_clock(minutes * 60)}", style="muted")
        items.append(item)
    # wraps between steps, never inside one ("2. Data and labels | 1:20" across two lines)
    agenda = Group(Text("Agenda:", style="bold"), Columns(items, padding=(0, 2)))
    say = Panel(
        prose(opening.prompt),
        title="Read this out to the candidate",
        title_align="left",
        border_style="interviewer",
    )
    how = Text.assemble(
        ("How it works: ", "bold"),
        "for each step, tick the points as you hear them, ask the follow-ups, give a hint "
        "when the candidate is stuck, answer their questions and take notes; then rate them. "
        "Everything is saved as you go. ",
        ("Ctrl-C", "key"),
        " saves and stops; ",
        ("mlsd resume", "key"),
        " continues. The candidate's own handout is ",
        (f"mlsd show {opening.case_id}", "key"),
        " (no rubric in it).",
    )
    # The text to read out comes last, right above the menu: on a short terminal what
    # scrolls away is the how-to, never the prompt.
    parts: list[RenderableType] = [meta, agenda, Text(), how, Text(), say]
    if opening.where:
        parts += [Text(opening.where, style="warn")]
    title = ("Resuming: " if opening.resumed else "Interviewing: ") + opening.title
    return Panel(
        Group(*parts), title=panel_title(title, "bold"), title_align="left", border_style="step"
    )


def _heard(screen: StepScreen, compact: bool) -> Text:
    heard = Text("Listen for ", style="bold")
    heard.append(f"({len(screen.ticked)} of {len(screen.points)} heard; ", style="muted")
    heard.append("expected: mid" if compact else f"expected at {screen.level}: mid", style="muted")
    if screen.level != "mid":
        heard.append(f" to {screen.level}", style="muted")
    heard.append(")", style="muted")
    return heard


def _points(screen: StepScreen, shown: int) -> Table:
    points = _one_line_table()
    for n, point in enumerate(screen.points[:shown], start=1):
        ticked = point.key in screen.ticked
        points.add_row(
            Text("✓", style="good") if ticked else Text("·", style="muted"),
            Text(f"{n}.", style="muted"),
            Text(f"[{point.level}]", style="" if point.expected else "muted"),
            Text(point.text, style="" if point.expected or ticked else "muted"),
        )
    return points


def _compact_rest(screen: StepScreen, shown: int) -> list[RenderableType]:
    """Where the rest is, and the probes, follow-ups, hints and questions as counts."""
    more = len(screen.points) - shown
    full = Text(f"and {more} more; " if more else "", style="muted")
    full.append("every point in full: choose Tick (1)", style="muted")
    counts = []
    if screen.probes:
        counts.append(f"probes: {len(screen.probes)}")
    if screen.follow_ups:
        asked = sum(f.asked for f in screen.follow_ups)
        counts.append(f"follow-ups: {asked} of {len(screen.follow_ups)} asked")
    if screen.hints_total:
        counts.append(f"hints: {screen.hints_given} of {screen.hints_total}")
    counts.append(f"clarifying questions so far: {len(screen.clarifications)}")
    parts: list[RenderableType] = [full, Text(" · ".join(counts).capitalize(), style="muted")]
    if screen.notes:
        parts.append(Text(f"Notes: {len(screen.notes)}", style="muted"))
    return parts


def _full_rest(screen: StepScreen) -> list[RenderableType]:
    """The probes and follow-ups listed, the counts, the notes: for a tall terminal."""
    parts: list[RenderableType] = []
    if screen.probes:
        probe = Text("To probe if they do not get there ", style="bold")
        probe.append("(yours only; never read out as a hint)", style="muted")
        for question in screen.probes:
            probe.append("\n  • ")
            probe.append(question)
        parts += [Text(), probe]

    if screen.follow_ups:
        follow = _one_line_table(3)
        for f in screen.follow_ups:
            follow.add_row(
                Text("✓", style="good") if f.asked else Text("·", style="muted"),
                Text(f"{f.number}.", style="muted"),
                Text(f.question, style="muted" if f.asked else ""),
            )
        head = Text("Follow-ups to ask ", style="bold")
        head.append("(✓ asked)", style="muted")
        parts += [Text(), head, follow]

    footer = Text()
    if screen.hints_total:
        footer.append(f"Hints given: {screen.hints_given} of {screen.hints_total}")
        footer.append("  ·  ", style="muted")
    footer.append(f"Questions answered: {len(screen.clarifications)}")
    asked, total = screen.key_clarifications
    if total:
        footer.append(f" ({asked} of the {total} key ones)", style="muted")
    parts += [Text(), footer]
    if screen.notes:
        notes = Text("Notes:", style="bold")
        for note in screen.notes:
            notes.append("\n• ")
            notes.append(note)
        parts.append(notes)
    return parts


def step_view(screen: StepScreen, points_shown: int | None = None) -> RenderableType:
    """The step screen. With ``points_shown`` it is the compact one, for a terminal too
    short for the whole (80x24, or half a screen beside a video call): no blank lines, the
    first ``points_shown`` points, and the probes and follow-ups counted on one line, each
    of them in full one menu choice away."""
    compact = points_shown is not None
    head = Text(f"Step {screen.number} of {screen.count}: {screen.title}", style="step")
    if screen.minutes:
        head.append(f"  ({budget(screen.minutes)})", style="muted")
    parts: list[RenderableType] = [head]
    if points_shown is None:
        shown = len(screen.points)
        parts += [Text(screen.goal, style="italic"), Text()]
    else:
        shown = min(points_shown, len(screen.points))
    parts += [_heard(screen, compact), _points(screen, shown)]
    parts += _compact_rest(screen, shown) if compact else _full_rest(screen)
    return Panel(Group(*parts), border_style="step")


def read_out_view(said: ReadOut) -> RenderableType:
    body = Text()
    if said.asked:
        body.append("Question: ", style="muted")
        body.append(said.asked, style="muted")
        body.append("\n")
    body.append(said.text.strip())
    if said.listen_for:
        body.append("\nA good answer mentions: ", style="muted")
        body.append(", ".join(said.listen_for), style="muted")
    return Panel(
        body, title=panel_title(said.title), title_align="left", border_style="interviewer"
    )


def rating_view(
    screen: RatingScreen, missed_shown: int = MISSED_SHOWN, compact: bool = False
) -> RenderableType:
    """The evidence for one rating. On a short terminal ``compact`` drops the blank lines
    and says "not heard" once, and ``missed_shown`` is lowered until it fits, so the
    heading, the counts and some of the missed points stay on screen."""
    head = Text(f"Rating {screen.number} of {screen.count}: ", style="step")
    head.append(screen.dimension.title, style="step")
    parts: list[RenderableType] = [head]
    if screen.not_assessed:
        skipped = Text("Not rated, as their steps were not reached: ", "muted")
        skipped.append(", ".join(screen.not_assessed), style="muted")
        parts.append(skipped)
    if compact and any(step.missed for step in screen.evidence):
        parts.append(Text("✗ not heard, though expected at this level", style="muted"))
    for step in screen.evidence:
        line = Text()
        line.append(step.title, style="bold")
        parts += [line] if compact else [Text(), line]
        if not step.reached:
            line.append(": not reached, so not assessed", style="muted")
            continue
        asked, given = counted(step.follow_ups, "follow-up"), counted(step.hints, "hint")
        line.append(
            f": {step.ticked} of {step.points} heard · {asked} · {given}"
            if compact
            else f": {step.ticked} of {step.points} points heard · {asked} asked · {given} given",
            style="muted",
        )
        if step.missed:
            # "and 1 more" would take the line the last point needs
            shown = len(step.missed) if len(step.missed) <= missed_shown + 1 else missed_shown
            missed = _one_line_table(3)
            for n, text in enumerate(step.missed[:shown], start=1):
                missed.add_row(Text("✗", style="miss"), Text(f"{n}.", style="muted"), Text(text))
            if not compact:
                parts.append(Text("Not heard, though expected at this level:"))
            parts.append(missed)
            if len(step.missed) > shown:
                parts.append(Text(f"  and {len(step.missed) - shown} more", style="muted"))
        elif not compact:
            parts.append(Text("Every point expected at this level was heard.", style="good"))
    if screen.notes:
        notes = Text("Your notes:", style="bold")
        for note in screen.notes:
            notes.append("\n• ")
            notes.append(note)
        parts += [Text(), notes]
    if not screen.evidence and not screen.notes:
        parts.append(Text("Rate it from how the candidate explained and structured their design."))
    return Panel(Group(*parts), border_style="step")


def ratings_view(rows: Sequence[tuple[str, RatingEntry | None]]) -> RenderableType:
    """The ratings given, one dimension a line with its reason below: a table's "why"
    column is a few letters wide in a half-width window."""
    lines = Text("Your ratings", style="bold")
    for title, rating in rows:
        lines.append("\n")
        lines.append(title)
        lines.append(": ")
        if rating is None:
            lines.append("not assessed (not reached)", style="muted")
            continue
        lines.append(f"{rating.score} {SCALE[rating.score - 1]}", style="bold")
        if rating.justification.strip():
            lines.append("\n  ")
            lines.append(" ".join(rating.justification.split()), style="muted")
    return Panel(lines, border_style="step")


def evidence_view(evidence: Evidence, level: str) -> RenderableType:
    table = Table(header_style="bold", title=Text("What the ticks say about level"))
    table.add_column("Level")
    table.add_column("Points heard", justify="right")
    table.add_column("Weight heard", justify="right")
    table.add_column("Heard")
    for row in evidence.levels:
        coverage = "n/a" if row.coverage is None else f"{row.coverage:.0%}"
        names = ", ".join(p.id.replace("-", " ") for _, p in row.ticked)
        table.add_row(
            Text(row.level),
            f"{len(row.ticked)} of {row.total}",
            coverage,
            Text(names or "—", style="muted"),
        )
    note = Text(f"The candidate interviews for {level}. The ticks suggest: ", style="muted")
    note.append(evidence.signal.summary, style="bold")
    if evidence.steps_counted < evidence.steps_total:
        note.append(
            f" (from the {evidence.steps_counted} of {evidence.steps_total} steps reached;"
            " the others are not assessed)",
            style="muted",
        )
    return Group(table, note)


def summary_view(context: ScorecardContext) -> RenderableType:
    """The end of the interview: ratings, recommendation and time, from the scorecard data."""
    table = Table(header_style="bold", title=Text(f"Scorecard: {context['case']['title']}"))
    table.add_column("Dimension")
    table.add_column("Rating")
    table.add_column("Justification")
    for r in context["ratings"]:
        if r["score"]:
            rating = f"{r['score']} {r['label']}"
        else:
            rating = "not rated" if r["assessed"] else "not assessed"
        table.add_row(Text(r["title"]), Text(rating), Text(r["justification"]))
    rec = context["recommendation"]
    level = context["level_estimate"]
    totals = context["totals"]
    lines = Text.assemble(
        ("Recommendation: ", "bold"),
        rec["label"] if rec else "not given",
        ("  ·  ", "muted"),
        ("Level: ", "bold"),
        level["level"] or "not given",
        (f" (ticks suggest {level['signal']})", "muted"),
        ("\nPoints heard: ", "bold"),
        f"{totals['ticked']} of {totals['points_reached']}",
        (
            f" (on the {totals['steps_reached']} steps reached)"
            if totals["steps_reached"] < totals["steps"]
            else "",
            "muted",
        ),
        ("  ·  ", "muted"),
        ("Time: ", "bold"),
        format_clock(totals["seconds"]),
    )
    return Group(table, lines)
