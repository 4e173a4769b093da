"""The interviewer's guide to a case, to study before the call: ``mlsd show CASE --interviewer``.

Everything the candidate must not see is here: the key points (core first) with what
earns each, the probes, the follow-ups with what a good answer mentions, the hints, and
the answer to every clarifying question the case has (issue 14).
Markdown, so it can be printed, paged or saved.
"""

from __future__ import annotations

from mlsd.cases.models import Case, Framework, step_rubric


def interviewer_guide(case: Case, framework: Framework) -> str:
    from mlsd.documents.render import md_inline

    out = [f"# Interviewer's guide: {md_inline(case.title)}", ""]
    out += [f"Read out to open: {md_inline(' '.join(case.prompt.split()))}", ""]
    key = [c for c in case.clarifications if c.key]
    if key:
        out += ["Key questions a strong candidate asks:", ""]
        out += [f"- {md_inline(c.question)}" for c in key]
        out.append("")
    if case.clarifications:
        # What to answer when asked: during the call the lookup finds these from a few
        # typed words, but reading them once beforehand makes the answers sound natural.
        out += ["## Answers to the candidate's questions", ""]
        out += ["Say only what is asked; if a question is not here, ask the candidate to"]
        out += ["make a reasonable assumption and say it.", ""]
        for c in case.clarifications:
            mark = " (key)" if c.key else ""
            answer = md_inline(" ".join(c.answer.split()))
            out += [f"- **{md_inline(c.question)}**{mark} {answer}"]
        out.append("")
    for number, fstep in enumerate(framework.steps, start=1):
        case_step = case.steps.get(fstep.id)
        out += [f"## {number}. {md_inline(fstep.title)} ({fstep.minutes} min)", ""]
        points = step_rubric(case, framework, fstep.id)
        for label, core in (("Must hear (core)", True), ("Signals of depth", False)):
            chosen = [(s, p) for s, p in points if p.is_core is core]
            if not chosen:
                continue
            out += [f"{label}:", ""]
            for source, p in chosen:
                line = f"- [{p.level}] {md_inline(p.point)} (`{source}:{p.id}`)"
                if p.counts.strip():
                    line += f" Counts: {md_inline(p.counts)}"
                if p.not_enough.strip():
                    line += f" Not enough: {md_inline(p.not_enough)}"
                out.append(line)
            out.append("")
        if case_step and case_step.probes:
            out += ["Probes (yours only):", ""]
            out += [f"- {md_inline(q)}" for q in case_step.probes]
            out.append("")
        if case_step and case_step.follow_ups:
            out += ["Follow-ups:", ""]
            for f in case_step.follow_ups:
                listen = (
                    f" Listen for: {md_inline(', '.join(f.listen_for))}." if f.listen_for else ""
                )
                out.append(f"- {md_inline(f.question)}{listen}")
            out.append("")
        if case_step and case_step.hints:
            out += ["Hints, gentle to direct:", ""]
            out += [f"{i}. {md_inline(h)}" for i, h in enumerate(case_step.hints, start=1)]
            out.append("")
    return "\n".join(out).rstrip() + "\n"
