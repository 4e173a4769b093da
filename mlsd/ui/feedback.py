"""The feedback view: what the candidate covered, what they missed, and why it matters.

Reads a ``scoring.Report`` and never changes it. Every piece of user or case text goes
into ``Text`` objects, never into markup, so an answer containing "[bold]" is shown as
typed.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mlsd._util.formatting import clock, percent
from mlsd._util.program import command
from mlsd._util.textflow import unwrap
from mlsd._util.textsafe import visible
from mlsd.rubric.docsplit import MAX_HEADINGS, SplitDoc
from mlsd.rubric.scoring import MEASURES, PointResult, Report, StepReport
from mlsd.ui.console import panel_title

# Characters of the sentence shown either side of the matched words: a sentence of up to
# about 300 is quoted whole (at 80 the number that earned the point was often cut off).
CONTEXT = 150
HEADINGS_SHOWN = 40  # headings listed by "How your doc was read"; a count says the rest
ANSWER_SHOWN = 10_000  # characters (and lines, below) of an answer shown beside the
ANSWER_LINES = 150  # reference notes; a 5 MB doc printed in every step took minutes


def _duration(seconds: float | None) -> str:
    return "–" if seconds is None else clock(seconds)  # as every other view counts time


def _flat(text: str) -> str:
    return " ".join(text.split())


def quote(point: PointResult) -> Text:
    """The sentence that earned the point, the matched words highlighted."""
    text = Text()
    ev = point.evidence
    if ev is None:
        return text
    sentence = ev.sentence
    start, end = ev.start, ev.end
    left = max(0, start - CONTEXT)
    right = min(len(sentence), end + CONTEXT)
    before, after = sentence[left:start], sentence[end:right]
    if left and " " in before:
        before = before[before.index(" ") :]  # start on a whole word
    if right < len(sentence) and " " in after:
        after = after[: after.rindex(" ")]
    text.append("“" + ("…" if left else ""), style="muted")
    text.append(_flat(before) + (" " if before[-1:].isspace() else ""), style="muted")
    text.append(_flat(sentence[start:end]), style="good")
    text.append((" " if after[:1].isspace() else "") + _flat(after), style="muted")
    text.append(("…" if right < len(sentence) else "") + "”", style="muted")
    return text


def _where(point: PointResult, step: StepReport, titles: dict[str, str]) -> str:
    """Where a point was made, when that is not simply this step's answer."""
    ev = point.evidence
    if ev is None or (ev.step_id == step.id and not ev.follow_up):
        return ""
    place = titles.get(ev.step_id, ev.step_id)
    return f"  (in your follow-up answer, {place})" if ev.follow_up else f"  (made in {place})"


# Measured on the held-out test half (docs/scoring.md; tests/test_heldout.py holds these
# to the figures): 1 - recall and 1 - precision, as a candidate would say them.
MISSES = "1 in 4"
WRONG_CREDITS = "1 in 5"


def header(report: Report) -> Text:
    text = Text()
    text.append(f"Feedback: {report.case_title}", style="bold")
    text.append(f"  ·  level {report.level}\n", style="muted")
    text.append(f"This report measures {MEASURES}.", style="warn")
    return text


STEP_MIN = 12  # columns a step title keeps in the score table: "Feature" on a line


def _timed(report: Report) -> bool:
    """A session has time and hints to show; a design doc scored from a file has none."""
    return any(step.seconds is not None for step in report.steps)


HINTS_FROM = 72  # columns from which the score table also counts hints


class _Summary:
    """The per-step table, fitted at print time: narrower than ``HINTS_FROM`` columns the
    hints column goes (the exported design doc counts them), so no title shrinks to "…"."""

    def __init__(self, report: Report) -> None:
        self.report = report

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield _summary(self.report, hints=options.max_width >= HINTS_FROM)


def summary_table(report: Report) -> RenderableType:
    return _Summary(report)


def _summary(report: Report, *, hints: bool) -> Table:
    timed = _timed(report)
    table = Table(show_header=True, header_style="bold", expand=False)
    # The step wraps, never shrinks to "…"; the coverage may wrap ("11%, made / elsewhere");
    # the figures beside them stay whole.
    table.add_column("Step", style="step", min_width=STEP_MIN)
    table.add_column("Coverage", justify="right")
    table.add_column("Weight", justify="right", no_wrap=True)
    if timed and hints:
        table.add_column("Hints", justify="right", no_wrap=True)
    if timed:
        table.add_column("Time / budget", justify="right", no_wrap=True)
    for step in report.steps:
        coverage = percent(step.coverage)
        if not step.attempted:
            coverage = f"{coverage}, made elsewhere" if step.covered_weight else "not attempted"
        table.add_row(
            Text(step.title),
            Text(coverage, style="good" if step.coverage >= 0.65 else "miss"),
            f"{step.covered_weight}/{step.expected_weight}",
            *_time_cells(timed, hints, step.hints, step.seconds, step.budget_seconds),
        )
    table.add_section()
    table.add_row(
        Text("Overall", style="bold"),
        Text(percent(report.coverage), style="bold"),
        f"{report.covered_weight}/{report.expected_weight}",
        *_time_cells(timed, hints, report.hints, report.seconds, report.budget_seconds),
    )
    return table


def _time_cells(
    timed: bool, with_hints: bool, hints: int, seconds: float | None, budget: float
) -> list[str]:
    """The hints and time-against-budget cells of a row, for a session that has a clock."""
    if not timed:
        return []
    time = f"{_duration(seconds)} / {_duration(budget)}"
    return [str(hints), time] if with_hints else [time]


def signal_lines(report: Report) -> RenderableType:
    signal = report.level_signal
    text = Text()
    text.append("Level signal: ", style="bold")
    text.append(signal.summary)
    parts = [f"{lvl} {percent(cov)}" for lvl, cov in signal.by_level if cov is not None]
    # Not the coverage above, which counts every point up to the session's level together.
    text.append(f"  (by level, each of its own points: {', '.join(parts)})", style="muted")
    lines: list[RenderableType] = [text]
    clar = report.clarifications
    if clar is not None and clar.key_ids:
        asked = Text("Key clarifying questions asked: ", style="bold")
        asked.append(f"{len(clar.key_asked)} of {len(clar.key_ids)}", style="none")
        missed = Table.grid(padding=(0, 1))  # a wrapped question hangs under its text
        missed.add_column(no_wrap=True)
        missed.add_column()
        for _, question in clar.key_missed:
            missed.add_row(Text("  ✗", style="miss"), Text(question))
        lines += [asked, missed]
    if _timed(report):
        note = "Time and hints are shown for reference only: they never lower the score."
        lines.append(Text(note, style="muted"))
    return Group(*lines)


def _point_line(mark: str, style: str, point: PointResult) -> Text:
    line = Text()
    line.append(f"{mark} ", style=style)
    line.append(point.point)
    line.append(f"  [{point.level}, weight {point.weight}; {point.key}]", style="muted")
    if point.override == "accept" and not point.covered:
        line.append("\n    your call: made (the scorer did not find it)", style="warn")
    elif point.override == "reject" and point.covered:
        line.append("\n    your call: not made (the scorer credited it)", style="warn")
    return line


def step_view(
    step: StepReport, titles: dict[str, str] | None = None, *, reveal: bool = False
) -> RenderableType:
    """One step's points: covered with the words that showed it, missed with why.

    The missed points of a step not attempted stay hidden unless ``reveal``: they are the
    case's answers, and a candidate who has not practised the step should not see them.
    """
    titles = titles or {}
    body: list[RenderableType] = []
    hidden = not step.attempted and not reveal
    if not step.attempted:
        note = f"Not attempted: {len(step.missed)} key points not made."
        if hidden:
            note += " They stay hidden so you can still practise it (--reveal shows them)."
        body.append(Text(note, style="miss"))
    for point in step.covered:
        line = _point_line("★" if point.bonus else "✓", "good", point)
        if point.bonus:
            line.append("  bonus: above your level", style="muted")
        where = _where(point, step, titles)
        if where:
            line.append(where, style="muted")
        line.append("\n    ")
        line.append_text(quote(point))
        body.append(line)
    for point in () if hidden else step.missed:
        line = _point_line("✗", "miss", point)
        line.append("\n    why: ", style="muted")
        line.append(point.why.strip())
        body.append(line)
    if step.follow_ups and not hidden:
        ready = Text("Follow-ups to be ready for:", style="bold")
        for follow in step.follow_ups:
            ready.append("\n  • ")
            ready.append(follow.question)
            if follow.listen_for:
                ready.append(f"  (listen for: {', '.join(follow.listen_for)})", style="muted")
        body.append(ready)
    title = Text(step.title, style="step")
    title.append(f"  {percent(step.coverage)}", style="bold")
    return Panel(Group(*body), title=panel_title(title), title_align="left", border_style="muted")


def notes_view(markdown: str) -> RenderableType:
    """A case's reference notes, rendered from the Markdown they are written in.

    Shown as text they read badly: literal ``**bold**`` and list items whose wrapped lines
    fall back to column 0. Links show their address: no terminal hyperlink is made from a
    stranger's case file, and the console shows any control character it contains.
    """
    from rich.markdown import Markdown

    return Markdown(visible(markdown.strip()), hyperlinks=False)


SIDE_BY_SIDE = 120  # columns from which an answer and its reference sit side by side


class _References:
    """Each attempted step's answer and its reference notes: side by side on a wide
    terminal, one above the other below ``SIDE_BY_SIDE`` columns, where two columns left
    a dozen characters each and cut words."""

    def __init__(self, steps: list[StepReport]) -> None:
        self.steps = steps

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for step in self.steps:
            answer, notes = _answer_cell(step.answer), notes_view(step.reference)
            if options.max_width >= SIDE_BY_SIDE:
                table = Table(
                    title=panel_title(step.title, "step"),
                    title_justify="left",
                    expand=True,
                    header_style="bold",
                )
                table.add_column("Your answer", ratio=1)
                table.add_column("Reference notes", ratio=1)
                table.add_row(answer, notes)
                yield table
            else:
                body = Group(
                    Text("Your answer", style="bold"),
                    answer,
                    Text("\nReference notes", style="bold"),
                    notes,
                )
                yield Panel(body, title=panel_title(step.title, "step"), title_align="left")


def references_view(report: Report) -> RenderableType | None:
    """Reference notes beside the candidate's own answer, only for steps they attempted.

    Both were wrapped where they were written (at 90 columns in a case file, in the
    candidate's editor); each is unwrapped first and wrapped once, or every source line
    would end in a ragged stub.
    """
    attempted = [s for s in report.steps if s.attempted and s.reference.strip()]
    return _References(attempted) if attempted else None


def _answer_cell(answer: str) -> Text:
    """The answer beside the reference, its start only when it is very long."""
    whole = answer.strip()
    shown = "\n".join(whole[:ANSWER_SHOWN].split("\n")[:ANSWER_LINES])
    text = Text(unwrap(shown))
    if len(shown) < len(whole):
        more = len(whole) - len(shown)
        text.append(f" … ({more:,} more characters not shown)", style="muted")
    return text


def calls_line(report: Report, *, beside: bool = True) -> Text | None:
    """The figures with the candidate's own calls, beside (never instead of) the scorer's
    (``beside``: printed under the scorer's own figures)."""
    calls = report.calls
    if calls is None:
        return None
    text = Text("Your own calls: ", style="bold")
    text.append(f"{calls.accepted} accepted, {calls.rejected} rejected. ")
    text.append(f"With them, coverage is {percent(report.coverage_with_calls)}")
    text.append(f" and the level signal {calls.level_signal.summary}", style="bold")
    if beside:
        text.append(" (the figures above are the scorer's alone).", style="muted")
    else:
        text.append(
            f" (the scorer's own: {percent(report.coverage)}, {report.level_signal.summary}).",
            style="muted",
        )
    return text


def calls_view(report: Report, keys: list[str], whole: str) -> RenderableType:
    """After ``--accept``/``--reject``/``--undo``: the points called and the figures with
    the calls, not the whole report again (``whole`` says how to see it)."""
    called = [p for s in report.steps for p in s.points if p.key in keys]
    lines: list[RenderableType] = [
        _point_line("✓" if p.credited else "✗", "good" if p.credited else "miss", p) for p in called
    ]
    figures = calls_line(report, beside=False)
    if figures is None:  # every call taken back: the scorer's verdicts stand alone
        figures = Text(f"No calls of yours left: coverage is {percent(report.coverage)}.")
    return Group(*lines, figures, Text(f"The whole report: {whole}", style="muted"))


def doc_reading_view(doc: SplitDoc, titles: dict[str, str]) -> RenderableType:
    """Which heading went to which step, so a surprising score can be explained."""
    text = Text("How your doc was read", style="bold")
    if doc.not_theirs:
        text.append(
            f"\nLeft out: {doc.not_theirs} passage{'s' * (doc.not_theirs != 1)} that mlsd's "
            "export marks as its own words (the case, the interviewer's answers and "
            "questions, the appendices).",
            style="muted",
        )
    if doc.headings_stop is not None:
        text.append(
            f"\nOver {MAX_HEADINGS:,} headings: from line {doc.headings_stop:,} on, headings "
            "were read as text of the section before.",
            style="warn",
        )
    if doc.whole:
        text.append(
            "\nNo heading named a step, so every step's points were looked for in the whole doc.",
            style="muted",
        )
        return text
    # heading → step as a grid, so a line that wraps stays in its own column
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=1)
    grid.add_column()
    grid.add_column(width=1, style="muted")
    grid.add_column()
    last = titles.get(next(iter(titles)), "")
    for section in doc.sections[:HEADINGS_SHOWN]:
        where = Text()
        if section.how == "title":
            where.append("the doc's title", style="muted")
        elif section.step is not None:
            last = titles.get(section.step, section.step)
            where.append(last, style="step")
            if section.how == "content":
                where.append(" (by what it says: its heading names no step)", style="muted")
        else:
            where.append(f"{last}, with the section before", style="warn")
            where.append(" (its heading names no step and its text no point)", style="muted")
        grid.add_row("", Text(section.heading or "(untitled)"), "→", where)
    footer = Text()
    more = len(doc.sections) - HEADINGS_SHOWN
    if more > 0:
        footer.append(f"  … and {more:,} more headings (--json lists them all)\n", style="muted")
    footer.append(
        "Points count wherever they are made; the steps only decide where they are shown.",
        style="muted",
    )
    return Group(text, grid, footer)


def feedback_view(report: Report, *, reveal: bool = False) -> RenderableType:
    parts: list[RenderableType] = [header(report), summary_table(report), signal_lines(report)]
    if report.matching_cut_short:
        parts.append(
            Text(
                "Matching was cut short: the case's re: phrases ran past their time budget (a "
                "very long answer, or a case with many slow phrases), "
                f"so {report.matching_cut_short:,} searches were not run and points made "
                "with those phrases may show as missed.",
                style="warn",
            )
        )
    calls = calls_line(report)
    if calls is not None:
        parts.append(calls)
    titles = {s.id: s.title for s in report.steps}
    parts += [step_view(step, titles, reveal=reveal) for step in report.steps]
    parts.append(
        Text(
            f"On answers it was never tuned on, the scorer misses about {MISSES} of the points "
            f"people made and wrongly credits about {WRONG_CREDITS} (docs/scoring.md). Wrong about a "
            f"point? Record your own call with {command('score', 'SESSION', '--accept', 'ID')} "
            "or --reject ID (the id is in brackets after each point).",
            style="muted",
        )
    )
    references = references_view(report)
    if references is not None:
        parts += [Text("Reference notes for the steps you attempted", style="bold"), references]
    return Group(*parts)
