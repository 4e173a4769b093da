"""Score a session's answers against the rubric: which key points are there, which are not.

The result is a tree of frozen dataclasses (feedback objects, not text) that the views,
the exporter and ``--json`` all read. What is measured is *coverage of key points*: an
answer that names the right ideas scores well even if the design built from them is
wrong. It says nothing about the correctness of the design, and the report says so.

The rules, documented for users in docs/scoring.md:

- Every step is scored on the framework's generic points plus the case's own points.
- A point is *expected* when its level is at or below the session's level
  (mid < senior < staff). Points above the level are bonus: shown when covered, never
  counted against the candidate.
- Step coverage is the weight of the expected points covered over the weight of all
  expected points. A step with an empty answer is not attempted and scores 0.
- Overall coverage is the same ratio over every step, attempted or not, so skipping a
  step costs exactly the points it holds.
- Time and hints are reported beside the score and never change it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from mlsd._util.levels import LEVELS, Level, rank
from mlsd._util.verdicts import Verdict
from mlsd.cases.models import Case, Framework, PointSource, RubricPoint, step_rubric
from mlsd.rubric.hedging import NOT_ABBREVIATION
from mlsd.rubric.levels import LevelSignal, level_verdict
from mlsd.rubric.matching import Match, covers, find
from mlsd.rubric.regex_budget import re_budget

MEASURES = "coverage of key points, not the correctness of the design"

Source = PointSource


@dataclass(frozen=True)
class Evidence:
    """Where a point was made: the sentence that earned it, and in which answer."""

    step_id: str  # the step whose answer (or follow-up answer) made it
    follow_up: bool  # made in the answer to a follow-up question
    sentence: str
    start: int  # the matched words, within ``sentence``
    end: int


@dataclass(frozen=True)
class PointResult:
    """One rubric point judged against the whole session."""

    id: str
    point: str
    why: str
    source: Source
    level: Level
    weight: int
    expected: bool  # at or below the session's level
    core: bool  # must-hear at its level; otherwise a signal of depth
    match: Match | None  # the words that made it, in the text named by ``evidence``
    evidence: Evidence | None = None
    override: Verdict | None = None  # the candidate's own call, kept apart from the machine's

    @property
    def covered(self) -> bool:
        """The scorer's verdict: the words were found."""
        return self.match is not None

    @property
    def credited(self) -> bool:
        """The verdict with the candidate's own call, where they made one."""
        if self.override is not None:
            return self.override == "accept"
        return self.covered

    @property
    def key(self) -> str:
        """Unique within a case: the framework and the case may reuse an id."""
        return f"{self.source}:{self.id}"

    @property
    def bonus(self) -> bool:
        """Covered although not expected at this level: credit shown, never required."""
        return self.covered and not self.expected


@dataclass(frozen=True)
class FollowUpResult:
    question: str
    listen_for: tuple[str, ...]
    anticipated: bool  # the answer already mentions something the follow-up listens for


@dataclass(frozen=True)
class StepReport:
    id: str
    title: str
    answer: str
    attempted: bool
    points: tuple[PointResult, ...]
    follow_ups: tuple[FollowUpResult, ...]
    reference: str
    covered_weight: int  # of expected points
    expected_weight: int
    credited_weight: int  # of expected points, with the candidate's own calls
    hints: int
    seconds: float | None
    budget_seconds: float

    @property
    def coverage(self) -> float:
        """Its points' weight made anywhere in the session, over the weight expected."""
        return _ratio(self.covered_weight, self.expected_weight, True)

    @property
    def covered(self) -> tuple[PointResult, ...]:
        return tuple(p for p in self.points if p.covered)

    @property
    def missed(self) -> tuple[PointResult, ...]:
        """Expected points the answer does not cover (bonus points are never missed)."""
        return tuple(p for p in self.points if p.expected and not p.covered)


@dataclass(frozen=True)
class ClarificationReport:
    asked: tuple[str, ...]  # ids, in the order asked, each once
    key_ids: tuple[str, ...]
    key_asked: tuple[str, ...]
    key_missed: tuple[tuple[str, str], ...]  # (id, question)

    @property
    def coverage(self) -> float:
        return _ratio(len(self.key_asked), len(self.key_ids), True)


@dataclass(frozen=True)
class CallsSummary:
    """The figures once the candidate's own accept/reject calls are applied."""

    accepted: int
    rejected: int
    credited_weight: int
    level_signal: LevelSignal


@dataclass(frozen=True)
class Report:
    case_id: str
    case_title: str
    level: Level
    steps: tuple[StepReport, ...]
    clarifications: ClarificationReport | None  # None for a design doc: nobody was asked
    level_signal: LevelSignal
    covered_weight: int
    expected_weight: int
    # With the candidate's own calls; None when they made none, so every figure can show
    # the machine's verdict and theirs apart.
    calls: CallsSummary | None = None
    # re: searches the time budget skipped: some points may be missed that were made.
    matching_cut_short: int = 0

    @property
    def coverage(self) -> float:
        """Weighted over every step; a step not attempted counts with nothing covered."""
        return _ratio(self.covered_weight, self.expected_weight, True)

    @property
    def coverage_with_calls(self) -> float | None:
        """The same with the candidate's own calls; None when they made none."""
        if self.calls is None:
            return None
        return _ratio(self.calls.credited_weight, self.expected_weight, True)

    @property
    def hints(self) -> int:
        return sum(s.hints for s in self.steps)

    @property
    def seconds(self) -> float:
        return sum(s.seconds or 0.0 for s in self.steps)

    @property
    def budget_seconds(self) -> float:
        return sum(s.budget_seconds for s in self.steps)

    def step(self, step_id: str) -> StepReport:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)


def _ratio(part: float, whole: float, attempted: bool) -> float:
    if not attempted:
        return 0.0
    return part / whole if whole else 1.0


def score(
    case: Case,
    framework: Framework,
    answers: Mapping[str, str],
    *,
    level: Level = "senior",
    follow_ups: Mapping[str, str] | None = None,
    overrides: Mapping[str, Verdict] | None = None,
    clarifications_asked: Sequence[str] | None = (),
    hints: Mapping[str, int] | None = None,
    seconds: Mapping[str, float] | None = None,
    step_ids: Collection[str] | None = None,
    budgets: Mapping[str, float] | None = None,
) -> Report:
    """Judge every rubric point against the whole session; pure and deterministic.

    A point is looked for in its own step's answer first, then that step's follow-up
    answers, then everywhere else in the session: a point made in another step (or in
    reply to a follow-up) still counts, and the evidence says where it was made.

    ``step_ids``: report only these steps (a drill is one step; its points may still be made
    anywhere). ``budgets``: minutes per step (default: the framework's).
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; the levels are {', '.join(LEVELS)}")
    hints = hints or {}
    seconds = seconds or {}
    texts = _session_texts(framework, answers, follow_ups or {})
    overrides = overrides or {}
    steps: list[StepReport] = []
    with re_budget() as budget:  # re: phrases from a stranger's case: bounded in total
        for fstep in framework.steps:
            if step_ids is not None and fstep.id not in step_ids:
                continue
            cstep = case.steps.get(fstep.id)
            answer = answers.get(fstep.id, "") or ""
            attempted = bool(answer.strip())
            rubric = step_rubric(case, framework, fstep.id)
            order = _search_order(texts, fstep.id)
            points = tuple(
                _judge(p, source, order, level, _call(overrides, source, p)) for source, p in rubric
            )
            expected = [p for p in points if p.expected]
            ready = tuple(
                FollowUpResult(
                    f.question,
                    tuple(f.listen_for),
                    attempted and bool(f.listen_for) and covers(f.listen_for, answer),
                )
                for f in (cstep.follow_ups if cstep else [])
            )
            steps.append(
                StepReport(
                    id=fstep.id,
                    title=fstep.title,
                    answer=answer,
                    attempted=attempted,
                    points=points,
                    follow_ups=ready,
                    reference=cstep.reference if cstep else "",
                    covered_weight=sum(p.weight for p in expected if p.covered),
                    expected_weight=sum(p.weight for p in expected),
                    credited_weight=sum(p.weight for p in expected if p.credited),
                    hints=int(hints.get(fstep.id, 0)),
                    seconds=seconds.get(fstep.id),
                    budget_seconds=(budgets or {}).get(fstep.id, fstep.minutes) * 60.0,
                )
            )
    return Report(
        case_id=case.id,
        case_title=case.title,
        level=level,
        steps=tuple(steps),
        clarifications=None
        if clarifications_asked is None
        else _clarifications(case, clarifications_asked),
        level_signal=_level_signal(steps),
        covered_weight=sum(s.covered_weight for s in steps),
        expected_weight=sum(s.expected_weight for s in steps),
        calls=_calls(steps),
        matching_cut_short=budget.skipped,
    )


def _call(overrides: Mapping[str, Verdict], source: str, point: RubricPoint) -> Verdict | None:
    """The candidate's call on a point, made under its id or one it has since replaced."""
    call = overrides.get(f"{source}:{point.id}")
    for name in point.aliases:  # a case point may absorb a generic one, so either source
        call = call or overrides.get(f"case:{name}") or overrides.get(f"framework:{name}")
    return call


def _calls(steps: Sequence[StepReport]) -> CallsSummary | None:
    points = [p for s in steps for p in s.points]
    if all(p.override is None for p in points):
        return None
    return CallsSummary(
        accepted=sum(1 for p in points if p.override == "accept"),
        rejected=sum(1 for p in points if p.override == "reject"),
        credited_weight=sum(s.credited_weight for s in steps),
        level_signal=level_verdict(
            [(p.level, p.core, p.weight if p.credited else 0, p.weight) for p in points]
        ),
    )


_Text = tuple[str, bool, str]  # (step id, is a follow-up answer, text)


def needs_substance(point: RubricPoint) -> bool:
    """Naming the idea in a list of names is not enough for this point.

    Points a senior or staff interviewer listens for are about why and how, so a name in
    a list ("calibration, fairness, explainability") does not make them; at mid level,
    naming the right feature or metric often is the point.
    """
    return point.level != "mid"


def _session_texts(
    framework: Framework, answers: Mapping[str, str], follow_ups: Mapping[str, str]
) -> list[_Text]:
    texts: list[_Text] = []
    for step_id in framework.step_ids:
        for text, is_follow_up in ((answers.get(step_id), False), (follow_ups.get(step_id), True)):
            if text and text.strip():
                texts.append((step_id, is_follow_up, text))
    return texts


def _search_order(texts: Sequence[_Text], step_id: str) -> list[_Text]:
    """The step's own answer, then its follow-ups, then the rest of the session in order."""
    return sorted(texts, key=lambda t: (t[0] != step_id, t[1]))


def _judge(
    point: RubricPoint,
    source: Source,
    texts: Sequence[_Text],
    level: Level,
    override: Verdict | None,
) -> PointResult:
    match: Match | None = None
    evidence: Evidence | None = None
    searched: set[int] = set()  # a doc scored whole is every step's answer: search it once
    for step_id, is_follow_up, text in texts:
        if id(text) in searched:
            continue
        searched.add(id(text))
        match = find(point.match, text, listing_counts=not needs_substance(point))
        if match is not None:
            evidence = _evidence(step_id, is_follow_up, text, match)
            break
    return PointResult(
        id=point.id,
        point=point.point,
        why=point.why,
        source=source,
        level=point.level,
        weight=point.weight,
        expected=rank(point.level) <= rank(level),
        core=point.is_core,
        match=match,
        evidence=evidence,
        override=override,
    )


# A sentence ends at . ! or ? before white space, or at a line break; bullets and
# headings start new ones. Long run-ons are cut to this many characters either side.
_SENTENCE_END = re.compile(rf"{NOT_ABBREVIATION}[.!?](?=\s)|\n", re.IGNORECASE)
SENTENCE_REACH = 200


def _evidence(step_id: str, follow_up: bool, text: str, match: Match) -> Evidence:
    """The sentence around the matched words: the candidate's claim, not a fragment."""
    lo = max(0, match.start - SENTENCE_REACH)
    hi = min(len(text), match.end + SENTENCE_REACH)
    start = lo
    for m in _SENTENCE_END.finditer(text, lo, match.start):
        start = m.end()
    end_m = _SENTENCE_END.search(text, match.end, hi)
    end = end_m.end() if end_m else hi
    raw = text[start:end]
    lead = len(raw) - len(raw.lstrip())
    sentence = raw.strip()
    return Evidence(
        step_id=step_id,
        follow_up=follow_up,
        sentence=sentence,
        start=match.start - start - lead,
        end=match.end - start - lead,
    )


def _clarifications(case: Case, asked: Sequence[str]) -> ClarificationReport:
    known = {c.id for c in case.clarifications}
    unique = tuple(dict.fromkeys(a for a in asked if a in known))
    keys = [c for c in case.clarifications if c.key]
    return ClarificationReport(
        asked=unique,
        key_ids=tuple(c.id for c in keys),
        key_asked=tuple(c.id for c in keys if c.id in unique),
        key_missed=tuple((c.id, c.question) for c in keys if c.id not in unique),
    )


def _level_signal(steps: Sequence[StepReport]) -> LevelSignal:
    """Coverage of the points *first expected* at each level, over the whole session."""
    return level_verdict(
        [(p.level, p.core, p.weight if p.covered else 0, p.weight) for s in steps for p in s.points]
    )
