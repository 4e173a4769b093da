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
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from mlsd.cases.models import Case, Framework, RubricPoint, step_rubric


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
        "infrastructure, latency, scaling, system design, system architecture, diagram, "
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
    # Past MAX_HEADINGS, the 1-based line from which headings were read as plain text.
    headings_stop: int | None = None


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
    """The step of the keyword ending last in ``part`` (the longer one on a tie).

    One scan with one pattern per framework, not one search per keyword: at each place a
    keyword may start, the longest keyword there is the only one that can win (a shorter
    one is its prefix, so it ends no later), and on a tie between places the keyword
    listed first wins, as it did when each keyword was searched in turn.
    """
    pattern, owners = _keyword_pattern(_framework_key(framework))
    best: tuple[int, int, int, str] | None = None  # (end, length, -rank, step)
    for m in pattern.finditer(part):
        word = m.group(1)
        end = m.end(1)
        while end < len(part) and part[end].isalpha():
            end += 1  # "labels", "modeling": the keyword's word runs on
        rank, step_id = owners[word]
        candidate = (end, len(word), -rank, step_id)
        if best is None or candidate[:3] > best[:3]:
            best = candidate
    return best[3] if best else None


_FrameworkKey = tuple[tuple[str, str], ...]


def _framework_key(framework: Framework) -> _FrameworkKey:
    return tuple((step.id, step.title.lower()) for step in framework.steps)


@lru_cache(maxsize=8)
def _keyword_pattern(key: _FrameworkKey) -> tuple[re.Pattern[str], dict[str, tuple[int, str]]]:
    """A pattern finding, at each place, the longest step keyword; keyword -> (rank, step)."""
    owners: dict[str, tuple[int, str]] = {}
    for step_id, title in key:
        for word in (step_id, title, *SYNONYMS.get(step_id, ())):
            owners.setdefault(word, (len(owners), step_id))
    alternatives = "|".join(re.escape(w) for w in sorted(owners, key=len, reverse=True) if w)
    return re.compile(rf"(?<![a-z])(?=({alternatives}))"), owners


# A design doc has tens of headings. One of 5 MB can have 180,000, and mapping each one
# to a step took minutes; past this many, the rest of the doc is read as plain text of
# the last section (its points still count: they count wherever they are made).
MAX_HEADINGS = 1000


def _headings(lines: list[str]) -> tuple[list[tuple[int, int, str]], int | None]:
    """(line index, level, text) for every heading outside fenced code, up to
    ``MAX_HEADINGS``; and the line index of the first heading left unread, if any."""
    found: list[tuple[int, int, str]] = []
    fence: str | None = None
    for i, line in enumerate(lines):
        if len(found) > MAX_HEADINGS:
            break
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
    if len(found) > MAX_HEADINGS:
        return found[:MAX_HEADINGS], found[MAX_HEADINGS][0]
    return found, None


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
    from mlsd.rubric.regex_budget import re_budget

    with re_budget():  # a case's re: phrases, tried on every section: bounded in total
        return _split(text, framework, case)


def _split(text: str, framework: Framework, case: Case | None) -> SplitDoc:
    text, not_theirs = _candidate_text(text)
    lines = text.splitlines()
    headings, stop = _headings(lines)
    stop_line = None if stop is None else stop + 1
    sections: list[Section] = []
    bounds: list[tuple[int, str | None]] = []
    levels = [level for _, level, _ in headings]
    # A lone top-level heading opening the doc is its title ("Feed ranking design").
    title = bool(headings) and levels[0] == 1 and levels.count(1) == 1 and len(headings) > 1
    ends = [index for index, _, _ in headings[1:]] + [len(lines) if stop is None else stop]
    by_content = _content_classifier(case, framework) if case is not None else None
    for n, (index, _, heading) in enumerate(headings):
        if title and n == 0:
            sections.append(Section(heading, None, "title"))
            bounds.append((index, None))
            continue
        step = heading_step(heading, framework)
        how = "heading"
        if step is None and by_content is not None:
            step = by_content("\n".join(lines[index + 1 : ends[n]]))
            how = "content"
        sections.append(Section(heading, step, how if step else "before"))
        bounds.append((index, step))
    if not any(step for _, step in bounds):
        whole = text.strip()
        answers = {s.id: text for s in framework.steps} if whole else {}
        return SplitDoc(answers, tuple(sections), True, not_theirs, stop_line)
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
    return SplitDoc(answers, tuple(sections), False, not_theirs, stop_line)


def closest_step(text: str, case: Case, framework: Framework) -> str | None:
    """The step whose points (generic and the case's) ``text`` makes most, by weight."""
    return _content_classifier(case, framework)(text)


def _content_classifier(case: Case, framework: Framework) -> Callable[[str], str | None]:
    """``closest_step`` for many sections of one doc, with the rubric worked out once.

    A doc may have thousands of headings that name no step. Looking for every point of
    the case in each section made that quadratic (minutes for a 5 MB doc of headings), so
    each point is indexed by the letters its phrases surely start with: a section is
    checked only against the points whose letters begin one of its words (plus the few
    points with a phrase that has no such letters), which is what ``find`` would have
    ruled out anyway.
    """
    from mlsd.rubric.matching import find, phrase_keys, word_starts

    points: list[tuple[int, RubricPoint]] = []  # (step's place in the framework, point)
    index: dict[str, list[int]] = {}
    always: list[int] = []
    for rank, step in enumerate(framework.steps):
        for _, point in step_rubric(case, framework, step.id):
            number = len(points)
            points.append((rank, point))
            firsts = phrase_keys(point.match)
            if "" in firsts:
                always.append(number)
            for first in firsts - {""}:
                index.setdefault(first, []).append(number)
    step_ids = [step.id for step in framework.steps]

    def classify(text: str) -> str | None:
        candidates = set(always)
        for start in word_starts(text):
            candidates.update(index.get(start, ()))
        weights = [0] * len(step_ids)
        for number in candidates:
            rank, point = points[number]
            if find(point.match, text) is not None:
                weights[rank] += point.weight
        best = max(weights, default=0)
        return step_ids[weights.index(best)] if best else None

    return classify
