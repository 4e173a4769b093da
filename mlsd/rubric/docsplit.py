"""Split a Markdown design doc written anywhere else into one answer per framework step.

People do not title their sections "Clarify requirements" and "Data and labels": they
write "Problem framing", "Training data", "Offline metrics". Headings are mapped to steps
by the step's own title and id plus common synonyms; text under a heading that maps to
nothing ("Background", "Candidate generation") stays with the step before it, because in
a design doc a subsection belongs to the section above it. A doc with no mapped heading
at all is scored as a whole: every step's points are checked against all of it.

Pure: text in, answers out. Headings inside fenced code blocks are code, not structure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mlsd.cases.models import Case, Framework, step_rubric


def _terms(text: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in text.split(","))


# Keywords that name a step in a heading, per step id. A heading maps to the step of the
# keyword found in its first part (before "and", "&", "/", ","), the last one found there
# winning: in "Model serving" or "Training data" the head noun comes last.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "requirements": _terms(
        "requirement, clarif, problem, framing, goal, objective, scope, business, "
        "use case, constraint, assumption, overview, introduction, background, context, "
        "success criteria, non-goal"
    ),
    "data": _terms(
        "data, dataset, label, annotation, ground truth, collection, sampling, "
        "training example, logging"
    ),
    "features": _terms("feature, signal, input, representation, embedding"),
    "model": _terms(
        "model, modeling, modelling, architecture, training, algorithm, loss, approach, "
        "ranker, ranking, retrieval, candidate generation, learning"
    ),
    "metrics": _terms(
        "evaluation, eval, metric, measurement, a/b, ab test, experiment, offline, "
        "online test, kpi, success metric"
    ),
    "serving": _terms(
        "serving, deployment, deploy, inference, production, rollout, launch, "
        "infrastructure, latency, scaling, system design, system architecture, "
        "online serving, api"
    ),
    "monitoring": _terms(
        "monitoring, observability, maintenance, drift, alert, retraining, operations, "
        "iteration, feedback loop, mlops"
    ),
}

# Only the opening of an ATX heading is a regex: matching the optional closing hashes with
# one (``(.*?)(?:[ \t]+#+)?[ \t]*$``) backtracks quadratically on a long line of spaces.
_ATX_OPEN = re.compile(r" {0,3}(#{1,6})(?=[ \t]|$)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_BOLD_LINE = re.compile(r"^ {0,3}(\*\*|__)(?P<title>[^*_\n]{2,80}?)\1:?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CONJUNCTION = re.compile(r"\s+(?:and|&)\s+|\s*[,/;]\s*|\s+[-–—]\s+", re.IGNORECASE)
_NUMBERING = re.compile(r"^(?:step\s*)?(?:\d+(?:\.\d+)*|[ivx]+|[a-z])?[.):]?\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Section:
    heading: str
    step: str | None  # the step it maps to; None when it stays with the one before
    # How: "heading" (its title names the step), "content" (its text makes that step's
    # points more than any other's), "before" (kept with the section before), "title".
    how: str = "heading"


@dataclass(frozen=True)
class SplitDoc:
    """A doc cut into answers: step id -> text (steps it never reaches are absent)."""

    answers: dict[str, str]
    sections: tuple[Section, ...]
    whole: bool  # no heading mapped to a step: every step gets the whole text
    not_theirs: int = 0  # passages mlsd's own export marked as its words, not scored


# mlsd's design doc marks what it wrote itself (the case, the interviewer's answers and
# questions, the appendices) so that scoring an exported doc credits only the candidate.
NOT_THEIRS_OPEN = "<!-- mlsd: not the candidate's words -->"
NOT_THEIRS_CLOSE = "<!-- mlsd: end -->"
_NOT_THEIRS = re.compile(
    re.escape(NOT_THEIRS_OPEN) + r".*?(?:" + re.escape(NOT_THEIRS_CLOSE) + r"|\Z)", re.DOTALL
)


def _candidate_text(text: str) -> tuple[str, int]:
    """The doc without the passages marked as mlsd's own, and how many there were."""
    if NOT_THEIRS_OPEN not in text:
        return text, 0
    return _NOT_THEIRS.subn("", text)


def heading_step(heading: str, framework: Framework) -> str | None:
    """The step a heading names, or None."""
    title = _NUMBERING.sub("", heading.strip().strip("*_`").strip()).strip().lower()
    title = title.rstrip(":").strip()
    if not title:
        return None
    for step in framework.steps:
        if title in {step.id, step.title.lower()}:
            return step.id
    for part in _CONJUNCTION.split(title):
        found = _last_keyword(part, framework)
        if found:
            return found
    return None


def _last_keyword(part: str, framework: Framework) -> str | None:
    best: tuple[int, int, str] | None = None  # (end, length, step)
    for step in framework.steps:
        words = (step.id, step.title.lower(), *SYNONYMS.get(step.id, ()))
        for word in words:
            for m in re.finditer(rf"(?<![a-z]){re.escape(word)}", part):
                end = m.end()
                while end < len(part) and part[end].isalpha():
                    end += 1  # "labels", "modeling": the keyword's word runs on
                candidate = (end, len(word), step.id)
                if best is None or candidate[:2] > best[:2]:
                    best = candidate
    return best[2] if best else None


def _headings(lines: list[str]) -> list[tuple[int, int, str]]:
    """(line index, level, text) for every heading outside fenced code."""
    found: list[tuple[int, int, str]] = []
    fence: str | None = None
    for i, line in enumerate(lines):
        m = _FENCE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            continue
        if m:
            fence = m.group(1)
            continue
        atx = _atx(line)
        if atx:
            found.append((i, *atx))
            continue
        bold = _BOLD_LINE.match(line)
        if bold:
            found.append((i, 7, bold.group("title")))
            continue
        if _SETEXT.match(line) and _paragraph_line(lines, i - 1):
            level = 1 if line.strip().startswith("=") else 2
            found.append((i - 1, level, lines[i - 1].strip()))  # setext: underlines the line above
    return found


def _atx(line: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading line, in time linear in the line's length."""
    m = _ATX_OPEN.match(line)
    if m is None:
        return None
    text = line[m.end() :].strip(" \t")
    closed = text.rstrip("#")
    if closed != text and (not closed or closed[-1] in " \t"):
        text = closed.rstrip(" \t")  # an optional closing sequence: "## Data ##"
    return len(m.group(1)), text


def _paragraph_line(lines: list[str], i: int) -> bool:
    """A one-line paragraph, the only thing a setext underline turns into a heading."""
    if i < 0 or not lines[i].strip() or (i > 0 and lines[i - 1].strip()):
        return False
    return not re.match(r"^ {0,3}(?:[-*+>#|]|\d+[.)]|`{3}|~{3})", lines[i])


def split_doc(text: str, framework: Framework, case: Case | None = None) -> SplitDoc:
    """Cut a design doc into step answers by its headings (see the module docstring).

    With ``case``, a heading that names no step goes to the step whose rubric points its
    text makes most ("Candidate generation" to the model step, say); without, or when its
    text makes none, it stays with the section before.
    """
    text, not_theirs = _candidate_text(text)
    lines = text.splitlines()
    headings = _headings(lines)
    sections: list[Section] = []
    bounds: list[tuple[int, str | None]] = []
    levels = [level for _, level, _ in headings]
    # A lone top-level heading opening the doc is its title ("Feed ranking design").
    title = bool(headings) and levels[0] == 1 and levels.count(1) == 1 and len(headings) > 1
    ends = [index for index, _, _ in headings[1:]] + [len(lines)]
    for n, (index, _, heading) in enumerate(headings):
        if title and n == 0:
            sections.append(Section(heading, None, "title"))
            bounds.append((index, None))
            continue
        step = heading_step(heading, framework)
        how = "heading"
        if step is None and case is not None:
            step = closest_step("\n".join(lines[index + 1 : ends[n]]), case, framework)
            how = "content"
        sections.append(Section(heading, step, how if step else "before"))
        bounds.append((index, step))
    if not any(step for _, step in bounds):
        whole = text.strip()
        answers = {s.id: text for s in framework.steps} if whole else {}
        return SplitDoc(answers, tuple(sections), whole=True, not_theirs=not_theirs)
    chunks: dict[str, list[str]] = {}
    current = framework.steps[0].id  # text before the first mapped heading frames the problem
    start = 0
    for index, step in [*bounds, (len(lines), None)]:
        chunk = "\n".join(lines[start:index]).strip()
        if chunk:
            chunks.setdefault(current, []).append(chunk)
        if step:
            current = step
        start = index
    answers = {sid: "\n\n".join(parts) for sid, parts in chunks.items()}
    return SplitDoc(answers, tuple(sections), whole=False, not_theirs=not_theirs)


def closest_step(text: str, case: Case, framework: Framework) -> str | None:
    """The step whose points (generic and the case's) ``text`` makes most, by weight."""
    from mlsd.rubric.matching import find

    best: tuple[int, str] | None = None
    for step in framework.steps:
        points = [p for _, p in step_rubric(case, framework, step.id)]
        weight = sum(p.weight for p in points if find(p.match, text) is not None)
        if weight and (best is None or weight > best[0]):
            best = (weight, step.id)
    return best[1] if best else None
