"""Progress, today's screen and the lines after a session: views over the core's documents.

They read the same typed documents ``--json`` prints (``progress.summary``), so the
screen and the JSON cannot disagree. Case and point text goes into ``Text`` objects,
never markup, and every line wraps rather than being cut at 60 columns.
"""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from mlsd._util.formatting import percent
from mlsd._util.program import command
from mlsd.log.records import SessionSummary
from mlsd.progress.report import Scheduled, TodayJson
from mlsd.progress.summary import RECENT, NextJson, ProgressJson, StepJson

BARS = "▁▂▃▄▅▆▇█"


def _grid(gap: int = 1) -> Table:
    """Two columns, the second wrapping under itself rather than under the first."""
    table = Table.grid(padding=(0, gap))
    table.add_column(no_wrap=True)
    table.add_column()
    return table


def sparkline(values: list[float]) -> str:
    """Coverage 0-1 as bars, oldest first: a trend seen at a glance."""
    top = len(BARS) - 1
    return "".join(BARS[max(0, min(top, round(v * top)))] for v in values)


def duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    hours, rest = divmod(minutes, 60)
    return f"{hours}h {rest:02d}m" if hours else f"{rest}m"


def next_lines(advice: NextJson) -> Text:
    text = Text()
    text.append("Next: ", style="bold")
    if advice["step"] is not None:
        text.append(f"drill {advice['step']} on {advice['case']}")
    elif advice["case"] is not None:
        text.append(f"practise {advice['case']}")
    else:
        text.append("practise a case")
    text.append(f" ({advice['reason']})", style="muted")
    text.append("\n  ")
    text.append(command(*advice["command"].split()), style="key")
    return text


def due_line(
    count: int, upcoming: str | None = None, now: datetime | None = None, today: int | None = None
) -> Text:
    """Today's due reviews, and how many of them today's review shows (``today``, the
    daily limit); with none, when the next card is due (``upcoming``)."""
    text = Text()
    text.append("Reviews due today: ", style="bold")
    if count:
        text.append(f"{count} · ")
        if today is not None and today < count:
            text.append(f"today's review shows {today} · ", style="muted")
        text.append(command("review"), style="key")
    else:
        text.append("none", style="good")
        if upcoming is not None and now is not None:
            text.append(f" · {next_due_text(upcoming, now)}", style="muted")
    return text


def next_due_text(due: str, now: datetime) -> str:
    """ "Next card due in 3 days (Fri 5 Dec)", in the candidate's own days."""
    from mlsd.progress.schedule import parse_time

    local = parse_time(due, now).astimezone(now.tzinfo)
    return f"Next card due {when(due, now)} ({local:%a} {local.day} {local:%b})"


def attempts_note(steps: list[StepJson]) -> Text | None:
    """What the right-hand figure averages: "the last attempt" after one, not "the last 3"."""
    counts = {min(RECENT, s["attempts"]) for s in steps if s["attempts"]}
    if not counts:
        return None
    most = max(counts)
    what = "the last attempt" if most == 1 else f"the last {most} attempts"
    if len(counts) > 1:
        what = f"up to {what}"
    verb = "on the right" if most == 1 and len(counts) == 1 else "averaged on the right"
    return Text(f"  {what} {verb}", style="muted")


def progress_view(doc: ProgressJson, now: datetime | None = None) -> RenderableType:
    """The progress screen; ``now`` (the candidate's clock) dates the next review."""
    parts: list[RenderableType] = []
    head = Text()
    head.append("Progress", style="bold")
    drills = f", {doc['drills']} drill{'s' * (doc['drills'] != 1)}" if doc["drills"] else ""
    session_word = "session" if doc["sessions"] == 1 else "sessions"
    head.append(f" · {doc['sessions']} {session_word}{drills}")
    days = doc["streak_days"]
    head.append(f" · streak {days} day{'s' * (days != 1)}")
    head.append(f" · this week {duration(doc['week_seconds'])}")
    if doc["week_reviews"]:
        head.append(f" and {doc['week_reviews']} reviews")
    parts.append(head)

    parts.append(Text("\nCases", style="bold"))
    cases = _grid()
    for row in doc["cases"]:
        line = Text(row["title"], style="step")
        line.append(f"  {row['case']}", style="muted")
        counts = [f"{row['sessions']} session{'s' * (row['sessions'] != 1)}"]
        if row["drills"]:
            counts.append(f"{row['drills']} drill{'s' * (row['drills'] != 1)}")
        line.append("\n" + ", ".join(counts))
        if row["latest"] is not None:
            line.append(f" · best {percent(row['best'])} · latest {percent(row['latest'])}")
            line.append(f" ({row['latest_verdict']})", style="muted")
        cases.add_row(Text("•"), line)
    parts.append(cases)

    parts.append(Text("\nSteps: key points covered, oldest to newest", style="bold"))
    table = Table.grid(padding=(0, 2))
    table.add_column("step", style="step")
    table.add_column("trend", no_wrap=True)
    table.add_column("recent", justify="right", no_wrap=True)
    for step in doc["steps"]:
        trend = sparkline(step["trend"]) if step["trend"] else "not tried"
        recent = percent(step["recent"]) if step["recent"] is not None else ""
        table.add_row(Text(step["title"]), Text(trend), Text(recent))
    parts.append(table)
    note = attempts_note(doc["steps"])
    if note is not None:
        parts.append(note)

    if doc["missed"]:
        parts.append(Text("\nMissed most often", style="bold"))
        missed = _grid()
        for item in doc["missed"]:
            line = Text(item["text"])
            line.append(f"  [{item['step']}; {item['case'] or 'every case'}]", style="muted")
            missed.add_row(Text(f"✗ {item['missed']}×", style="miss"), line)
        parts.append(missed)
    parts.append(Text())
    parts.append(due_line(doc["due_reviews"], doc["next_review"], now, doc["due_today"]))
    parts.append(next_lines(doc["next"]))
    return Group(*parts)


START = (
    ("practice", "practise a case step by step (45 minutes, or --minutes N)"),
    ("drill", "one step of one case in about five minutes"),
    ("list", "the cases there are"),
    ("--help", "every command"),
)


def paused_line(session: SessionSummary) -> Text:
    """A paused session comes first: finishing it beats starting another."""
    text = Text("Paused: ", style="bold")
    steps = session.steps_answered
    text.append(f"{session.mode} of {session.case_id}, {steps} step{'s' * (steps != 1)} in")
    text.append(" · ", style="muted")
    text.append(command("resume", session.short_id), style="key")
    return text


def today_view(
    doc: TodayJson, paused: SessionSummary | None = None, now: datetime | None = None
) -> RenderableType:
    """``mlsd`` with no command: a paused session, what is due today (or when the next
    card is), what to do next."""
    if not doc["sessions"] and not doc["due"]:
        start = _grid(gap=3)  # "mlsd practice  practise a case" must not read as one phrase
        for cmd, what in START:
            start.add_row(Text(command(cmd), style="key"), Text(what, style="muted"))
        if paused is not None:
            return Group(paused_line(paused), Text("Or start something else:", style="bold"), start)
        return Group(Text("Nothing practised yet. To start:", style="bold"), start)
    parts: list[RenderableType] = [] if paused is None else [paused_line(paused)]
    parts.append(due_line(doc["due"], doc["next_due"], now, doc["today"]))
    if doc["due_by_case"]:
        by_case = Text()
        for case_id, n in sorted(doc["due_by_case"].items()):
            by_case.append(f"  {case_id}: {n}\n", style="muted")
        by_case.rstrip()
        parts.append(by_case)
    parts.append(next_lines(doc["next"]))
    more = Text("More: ", style="muted")
    more.append(command("progress"), style="key")
    more.append(" · ", style="muted")
    more.append(command("--help"), style="key")
    parts.append(more)
    return Group(*parts)


def when(due: str, now: datetime) -> str:
    """A due time as "tomorrow" or "in N days", counted in the candidate's days."""
    from mlsd.progress.schedule import parse_time

    days = (parse_time(due, now).astimezone(now.tzinfo).date() - now.date()).days
    if days <= 0:
        return "today"
    return "tomorrow" if days == 1 else f"in {days} days"


def scheduled_view(done: Scheduled, now: datetime) -> RenderableType:
    """The end of a session: what went on the review schedule, and what to practise next."""
    text = Text("Scheduled for review: ", style="bold")
    parts = []
    if done.missed:
        parts.append(f"{done.missed} missed")
    if done.hard:
        parts.append(f"{done.hard} made after a hint")
    if done.made:
        parts.append(f"{done.made} made")
    text.append(", ".join(parts) or "nothing (no step answered)")
    if done.first_due is not None:
        text.append(f"; the first come back {when(done.first_due, now)}", style="muted")
    return Group(text, next_lines(done.next))
