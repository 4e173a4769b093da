"""The end-of-session table: time against budget, hints, follow-ups and coverage per step."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from mlsd._util.formatting import clock as format_clock
from mlsd.cases.brief import step_budgets
from mlsd.cases.models import Case, Framework
from mlsd.log.records import SessionRecord
from mlsd.rubric.scoring import Report


def summary_view(
    record: SessionRecord, case: Case, framework: Framework, report: Report | None = None
) -> RenderableType:
    budgets = step_budgets(framework, record.minutes or None)
    table = Table(
        title=Text(f"{case.title} · {record.level} · session {record.short_id}"),
        header_style="bold",
    )
    table.add_column("Step")
    table.add_column("Status")
    table.add_column("Time / budget", justify="right")
    table.add_column("Hints", justify="right")
    table.add_column("Follow-ups", justify="right")
    if report is not None:
        table.add_column("Key points", justify="right")
    total = 0.0
    for step in framework.steps:
        spent = record.seconds.get(step.id, 0.0)
        total += spent
        status = (
            "answered"
            if step.id in record.answers
            else ("skipped" if step.id in record.skipped else "—")
        )
        # Both as m:ss: "1:18", where a scaled budget read "1.3m" beside "0:52"
        budget = format_clock(budgets[step.id] * 60) if record.minutes else "untimed"
        over = record.minutes and spent > budgets[step.id] * 60
        time_text = Text(f"{format_clock(spent)} / {budget}", style="warn" if over else "")
        asked = record.follow_ups_for(step.id)
        answered = sum(1 for f in asked if f.answer)
        row: list[Text | str] = [
            Text(step.title),
            Text(status, style="good" if status == "answered" else "miss"),
            time_text,
            str(record.hints.get(step.id, 0)),
            f"{answered}/{len(asked)}" if asked else "—",
        ]
        if report is not None:
            row.append(f"{report.step(step.id).coverage:.0%}")
        table.add_row(*row)
    footer = Text(f"Total time {format_clock(total)}", style="muted")
    if report is None:
        return Group(table, footer)
    signal = report.level_signal
    clar = report.clarifications
    questions = f"{len(clar.key_asked)}/{len(clar.key_ids)}" if clar else "n/a"
    overall = Text.assemble(
        ("Key points covered: ", "bold"),
        f"{report.coverage:.0%} of those expected at {record.level} level",
        (" · ", "muted"),
        ("Level signal: ", "bold"),
        signal.summary,
        (" · ", "muted"),
        f"key clarifying questions asked: {questions}",
    )
    return Group(table, overall, footer)
