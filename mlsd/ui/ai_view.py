"""The AI judge's verdicts beside the offline scorer's, and ``mlsd ai check``.

Reads ``ai.compare.JudgedReport`` and never changes it. Quotes shown here were checked
against the candidate's text before they got this far; what was thrown away is listed
as thrown away, never as evidence. All text goes into ``Text`` objects, never markup.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from mlsd._util.formatting import counted, percent
from mlsd.ai.compare import JudgedReport, PointRow
from mlsd.ai.judge import StepJudgement
from mlsd.ai.session import CheckResult
from mlsd.ui.console import panel_title

_VERDICT_STYLE = {"covered": "good", "partial": "warn", "missed": "miss"}


def _row(row: PointRow, titles: dict[str, str]) -> Text:
    judged = row.judged
    line = Text()
    line.append("≠ " if row.disagree else "= ", style="warn" if row.disagree else "muted")
    line.append(row.result.point)
    line.append(f"  [{row.result.key}]", style="muted")
    line.append("\n    offline: ", style="muted")
    line.append("made" if row.result.covered else "not found", style="muted")
    line.append(" · judge: ", style="muted")
    if judged is None:
        line.append("not judged", style="muted")
        return line
    line.append(judged.verdict, style=_VERDICT_STYLE[judged.verdict])
    if row.disagree:
        line.append("  (they disagree)", style="warn")
    if judged.quote is not None:
        line.append("\n    “", style="muted")
        line.append(" ".join(judged.quote.text.split()), style="good")
        line.append("”", style="muted")
        q = judged.quote
        if q.step_id != row.step_id or q.follow_up:
            place = titles.get(q.step_id, q.step_id)
            where = f"your follow-up answer, {place}" if q.follow_up else place
            line.append(f"  (in {where})", style="muted")
    if judged.reason:
        line.append("\n    why: ", style="muted")
        line.append(judged.reason)
    if row.result.override is not None:
        call = "made" if row.result.override == "accept" else "not made"
        line.append(f"\n    your call: {call} (it wins)", style="warn")
    return line


def _step_panel(
    judged: JudgedReport, step: StepJudgement, titles: dict[str, str]
) -> RenderableType:
    rows = [r for r in judged.step_rows(step.step_id) if r.judged is not None]
    # The offline view above already lists every point: here, only what the judge adds.
    shown = [r for r in rows if r.disagree or r.result.override is not None]
    body: list[RenderableType] = [_row(r, titles) for r in shown]
    agreed = [r for r in rows if r not in shown]
    if agreed:
        made = sum(1 for r in agreed if r.result.covered)
        body.append(
            Text(
                f"Agrees with the offline scorer on {counted(len(agreed), 'point')} "
                f"({made} made, {len(agreed) - made} not).",
                style="muted",
            )
        )
    for d in step.discarded:
        what = "a mistake" if d.claimed == "mistake" else f"{d.key} as {d.claimed}"
        quote = " ".join(d.quote.split())
        if not quote:  # nothing to check it against: not "words you did not write"
            body.append(Text(f"Discarded: the judge gave {what} without quoting you.", "muted"))
            continue
        text = Text(f"Discarded: the judge gave {what}, quoting words you did not write: ", "muted")
        text.append("“" + quote + "”", style="muted")
        body.append(text)
    title = Text(titles.get(step.step_id, step.step_id), style="step")
    if step.cached:
        title.append("  (cached)", style="muted")
    return Panel(Group(*body), title=panel_title(title), title_align="left", border_style="muted")


def judge_view(judged: JudgedReport) -> RenderableType:
    report, judgement = judged.report, judged.judgement
    titles = {s.id: s.title for s in report.steps}
    if not judgement.steps:
        # Nothing judged (an unknown model, a server down): a coverage "with the judge's
        # verdicts" and "0 disagreements" would read as a judge that agreed throughout.
        note = Text(f"AI judge: {judgement.model}", style="bold")
        why = judgement.failure or ("no reply" if judgement.unjudged else "no step answered")
        note.append(f" did not judge this session ({why}); ")
        note.append("the score above is the offline scorer's alone.")
        return note
    head = Text(f"AI judge: {judgement.model}", style="bold")
    head.append("  ·  beside the offline scorer above\n", style="muted")
    head.append(f"Coverage: offline {percent(report.coverage)}, ")
    head.append(f"with the judge's verdicts {percent(judged.coverage_with_judge)}", style="bold")
    head.append(f" (your own calls still win); {counted(judged.disagreements, 'disagreement')}.")
    mistakes = sum(len(s.mistakes) for s in judgement.steps)
    if mistakes:
        head.append(
            f"\n{counted(mistakes, 'claim')} the judge thinks wrong or risky (⚠).", style="miss"
        )
    parts: list[RenderableType] = [head]
    if judgement.unjudged:
        names = ", ".join(titles.get(s, s) for s in judgement.unjudged)
        note = Text(f"Not judged: {names}. ", style="warn")
        note.append(f"{judgement.failure or 'no reply'}; they keep the offline verdict.")
        parts.append(note)
    parts += [_step_panel(judged, step, titles) for step in judgement.steps]
    claims = [m for step in judgement.steps for m in step.mistakes]
    if claims:
        text = Text("Claims the judge thinks are wrong or risky", style="bold")
        for m in claims:
            where = titles.get(m.quote.step_id, m.quote.step_id)
            text.append("\n⚠ ", style="miss")
            text.append("“" + " ".join(m.quote.text.split()) + "”")
            text.append(
                f"  (in {'your follow-up answer, ' if m.quote.follow_up else ''}{where})\n    ",
                style="muted",
            )
            text.append(m.correction)
        parts.append(text)
    parts.append(
        Text(
            "The judge reads the same rubric notes as the offline scorer; a quote is shown "
            "only when it is in your answers.",
            style="muted",
        )
    )
    return Group(*parts)


def check_view(result: CheckResult) -> Text:
    text = Text("Model: ", style="bold")
    text.append(result.model)
    dest = result.destination
    if dest is not None:
        text.append("\nHost: ", style="bold")
        text.append(dest.host)
        text.append("\nStructured replies: ", style="bold")
        text.append("JSON schema" if dest.supports_schema else "schema in the prompt")
        text.append("\nWhat it receives: ", style="bold")
        text.append(
            "with --judge, practice --ai or interview --model: the case's text, the "
            "candidate's answers (or the interviewer's notes) and the rubric points"
            + (", on this machine: nothing leaves it. " if dest.local else ". ")
            + "mlsd stores no key; llm manages them."
        )
    text.append("\nAnswers: ", style="bold")
    if result.answered:
        text.append(f"yes ({result.seconds or 0:.1f} s)", style="good")
    else:
        text.append(f"no: {result.problem}", style="miss")
    return text
