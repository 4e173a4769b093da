"""The AI judge: one request per step, every quote checked, every reply cached.

Each attempted step is judged on its rubric points (with their ``counts`` and
``not_enough`` notes) against the candidate's whole session, at temperature 0, with a
JSON schema for the reply. What comes back is believed only as far as it can be checked:
a covered or partial verdict, or a mistake, whose quote is not in the candidate's text
is discarded and reported, never credited. A failure (timeout, no network, a malformed
reply, ...) stops further requests with one line; the steps not judged keep the offline
verdict. Replies are cached in the store by what they depend on, so re-scoring is free.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from mlsd.ai.model import AiUnavailable, Connection
from mlsd.ai.prompts import JUDGE_SYSTEM, PROMPT_VERSION, judge_prompt
from mlsd.ai.quotes import Answer, Quote, locate, normalise, session_answers
from mlsd.ai.replies import JudgeReply, Verdict, schema_of
from mlsd.cases.models import Case, Framework, PointSource, RubricPoint, step_rubric
from mlsd.errors import StoreError
from mlsd.log import judgements
from mlsd.log.store import Store


@dataclass(frozen=True)
class PointJudgement:
    key: str  # "<source>:<id>", as PointResult.key
    verdict: Verdict
    quote: Quote | None  # verified; None for a missed point
    reason: str


@dataclass(frozen=True)
class Discarded:
    """A verdict or mistake thrown away because its quote is not the candidate's words."""

    key: str  # the point's key; "" for a mistake
    claimed: str  # "covered", "partial" or "mistake"
    quote: str


@dataclass(frozen=True)
class Mistake:
    quote: Quote
    correction: str


@dataclass(frozen=True)
class StepJudgement:
    step_id: str
    points: tuple[PointJudgement, ...]
    mistakes: tuple[Mistake, ...]
    discarded: tuple[Discarded, ...]
    cached: bool  # read from the store: no request was made


@dataclass(frozen=True)
class Judgement:
    model: str
    prompt_version: str
    steps: tuple[StepJudgement, ...]
    failure: str | None = None  # why some steps were left to the offline scorer
    unjudged: tuple[str, ...] = ()  # attempted steps with no verdict from the model

    def point(self, step_id: str, key: str) -> PointJudgement | None:
        for step in self.steps:
            if step.step_id == step_id:
                return next((p for p in step.points if p.key == key), None)
        return None

    def discarded_in(self, step_id: str) -> tuple[Discarded, ...]:
        return next((s.discarded for s in self.steps if s.step_id == step_id), ())

    @property
    def requests(self) -> int:
        return sum(1 for s in self.steps if not s.cached)


def cache_key(
    model: str,
    case: Case,
    step_id: str,
    points: Sequence[tuple[PointSource, RubricPoint]],
    answers: Sequence[Answer],
    level: str,
    clarifications: Sequence[tuple[str, str]],
) -> str:
    """sha256 of everything a step's verdict depends on; any change is a new request."""
    material = {
        "model": model,
        "prompt": PROMPT_VERSION,
        "case": [case.id, case.title, case.summary, case.prompt],
        "step": step_id,
        "rubric": [[s, p.model_dump(mode="json")] for s, p in points],
        "answers": [[a.step_id, a.follow_up, a.text] for a in answers],
        "level": level,
        "clarifications": [list(c) for c in clarifications],
    }
    blob = json.dumps(material, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def verify(
    step_id: str, reply: JudgeReply, keys: Sequence[str], answers: Sequence[Answer], cached: bool
) -> StepJudgement:
    """Keep what the candidate's text supports: known points, quotes that are really there."""
    points: list[PointJudgement] = []
    discarded: list[Discarded] = []
    seen: set[str] = set()
    for p in reply.points:
        if p.point not in keys or p.point in seen:
            continue  # not a point of this step, or judged twice: the first verdict stands
        seen.add(p.point)
        if p.verdict == "missed":
            points.append(PointJudgement(p.point, "missed", None, p.reason.strip()))
            continue
        found = locate(p.quote, answers, prefer=step_id)
        if found is None:
            discarded.append(Discarded(p.point, p.verdict, p.quote.strip()))
        else:
            points.append(PointJudgement(p.point, p.verdict, found, p.reason.strip()))
    mistakes: list[Mistake] = []
    for m in reply.mistakes:
        found = locate(m.quote, answers, prefer=step_id)
        if found is None:
            discarded.append(Discarded("", "mistake", m.quote.strip()))
        else:
            mistakes.append(Mistake(found, m.correction.strip()))
    return StepJudgement(step_id, tuple(points), tuple(mistakes), tuple(discarded), cached)


def _from_cache(store: Store | None, key: str) -> JudgeReply | None:
    if store is None:
        return None
    try:
        data = judgements.cached(store, key)
        return None if data is None else JudgeReply.model_validate_json(data, strict=True)
    except (StoreError, ValueError):  # an unreadable row is asked again, not trusted
        return None


def _remember(store: Store | None, key: str, model: str, reply: JudgeReply) -> None:
    if store is None:
        return
    # A cache that cannot be written costs a request next time, nothing more.
    with contextlib.suppress(StoreError):
        judgements.remember(store, key, model, PROMPT_VERSION, reply.model_dump_json())


def judge(
    conn: Connection,
    case: Case,
    framework: Framework,
    *,
    answers: Mapping[str, str],
    follow_ups: Mapping[str, str],
    level: str,
    clarifications: Sequence[tuple[str, str]] = (),
    store: Store | None = None,
) -> Judgement:
    """Judge every attempted step; never raises for the model's sake (see ``failure``)."""
    texts = session_answers(framework.step_ids, answers, follow_ups)
    titles = {s.id: s.title for s in framework.steps}
    steps: list[StepJudgement] = []
    unjudged: list[str] = []
    failure: str | None = None
    claims: set[str] = set()
    for fstep in framework.steps:
        points = step_rubric(case, framework, fstep.id)
        if not (answers.get(fstep.id) or "").strip() or not points:
            continue
        keys = [f"{source}:{p.id}" for source, p in points]
        key = cache_key(conn.name, case, fstep.id, points, texts, level, clarifications)
        reply = _from_cache(store, key)
        cached = reply is not None
        if reply is None:
            if failure is not None:
                unjudged.append(fstep.id)
                continue
            prompt = judge_prompt(case, level, fstep.title, points, texts, titles, clarifications)
            schema = schema_of(JudgeReply, (("PointReply", "point", keys),))
            try:
                reply = conn.ask(JUDGE_SYSTEM, prompt, JudgeReply, schema)
            except AiUnavailable as exc:
                failure = exc.message
                unjudged.append(fstep.id)
                continue
            _remember(store, key, conn.name, reply)
        step = verify(fstep.id, reply, keys, texts, cached)
        # Each request sees the whole session, so the same wrong claim can come back from
        # every step: it is reported once, with the first step that found it.
        fresh = tuple(m for m in step.mistakes if normalise(m.quote.text) not in claims)
        claims.update(normalise(m.quote.text) for m in fresh)
        steps.append(replace(step, mistakes=fresh))
    return Judgement(conn.name, PROMPT_VERSION, tuple(steps), failure, tuple(unjudged))
