"""The end-of-session table: time against budget, hints, follow-ups and coverage per step."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from mlsd._util.formatting import clock as format_clock
from mlsd.cases.brief import step_budgets
from mlsd.cases.models import Case, Framework
from mlsd.log.records import SessionRecord
from mlsd.rubric.scoring import Report

WIDE = 80  # columns from which the table also has status, hints and follow-ups


class _StepTable:
    """Per step: time against budget and coverage; from ``WIDE`` columns also the status,
    hints and follow-ups. Narrower, six columns cut every cell ("answer…", "Follow-…"), so
    a step not answered is marked beside its title instead."""

    def __init__(
        self, record: SessionRecord, case: Case, framework: Framework, report: Report | None
    ):
        self.record, self.case, self.framework, self.report = record, case, framework, report

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        record, report = self.record, self.report
        wide = options.max_width >= WIDE
        budgets = step_budgets(self.framework, record.minutes or None)
        table = Table(
            title=Text(f"{self.case.title} · {record.level} · session {record.short_id}"),
            header_style="bold",
        )
        table.add_column("Step")
        if wide:
            table.add_column("Status", no_wrap=True)
        table.add_column("Time / budget", justify="right")
        if wide:
            table.add_column("Hints", justify="right", no_wrap=True)
            table.add_column("Follow-ups", justify="right", no_wrap=True)
        if report is not None:
            table.add_column("Key points" if wide else "Points", justify="right", no_wrap=True)
        for step in self.framework.steps:
            spent = record.seconds.get(step.id, 0.0)
            status = (
                "answered"
                if step.id in record.answers
                else ("skipped" if step.id in record.skipped else "—")
            )
            # Both as m:ss: "1:20", where a scaled budget read "1.3m" beside "0:52"
            budget = format_clock(budgets[step.id] * 60) if record.minutes else "untimed"
            over = record.minutes and spent > budgets[step.id] * 60
            title = Text(step.title)
            if not wide and status != "answered":
                title.append(f" ({status if status != '—' else 'not reached'})", style="miss")
            row: list[Text | str] = [title]
            if wide:
                row.append(Text(status, style="good" if status == "answered" else "miss"))
            row.append(Text(f"{format_clock(spent)} / {budget}", style="warn" if over else ""))
            if wide:
                asked = record.follow_ups_for(step.id)
                answered = sum(1 for f in asked if f.answer)
                row += [
                    str(record.hints.get(step.id, 0)),
                    f"{answered}/{len(asked)}" if asked else "—",
                ]
            if report is not None:
                row.append(f"{report.step(step.id).coverage:.0%}")
            table.add_row(*row)
        yield table


def summary_view(
    record: SessionRecord, case: Case, framework: Framework, report: Report | None = None
) -> RenderableType:
    table = _StepTable(record, case, framework, report)
    total = sum(record.seconds.get(step.id, 0.0) for step in framework.steps)
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
