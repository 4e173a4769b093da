"""The event log's one vocabulary: every kind of event, with a typed payload.

A session is an append-only log. Practice and interview write the same kinds for the
same ideas (a hint is a ``Hint`` in both modes, a follow-up a ``FollowUp``), each kind
is a frozen dataclass, and this module is the only place that turns a payload into JSON
and back. Rows written by older versions of mlsd are read through ``decode``'s
defaults, so adding an optional field never breaks an old database.

Events are ordered by the log's insertion order, never by their timestamps: a clock that
steps back must not reorder what happened.
"""

from __future__ import annotations

import dataclasses
import json
import math
import types
import typing
from dataclasses import dataclass
from typing import ClassVar, Literal

Mode = Literal["practice", "interview", "drill"]  # a drill: one step of one case
Status = Literal["active", "paused", "finished"]


@dataclass(frozen=True)
class Start:
    kind: ClassVar[str] = "start"


@dataclass(frozen=True)
class Resume:
    kind: ClassVar[str] = "resume"


@dataclass(frozen=True)
class Pause:
    kind: ClassVar[str] = "pause"


@dataclass(frozen=True)
class Finish:
    kind: ClassVar[str] = "finish"


@dataclass(frozen=True)
class Enter:
    """The interviewer opened a step (an interview has no answers to show progress)."""

    kind: ClassVar[str] = "enter"


@dataclass(frozen=True)
class WrapUp:
    kind: ClassVar[str] = "wrap_up"


@dataclass(frozen=True)
class Time:
    """Seconds spent on the event's step since the clock last started."""

    kind: ClassVar[str] = "time"
    seconds: float = 0.0


@dataclass(frozen=True)
class Skip:
    kind: ClassVar[str] = "skip"


@dataclass(frozen=True)
class Hint:
    """A hint shown to (practice) or given to (interview) the candidate."""

    kind: ClassVar[str] = "hint"
    index: int = -1


@dataclass(frozen=True)
class Probe:
    """A probe the interviewer asked (interview): its place in the step's probes."""

    kind: ClassVar[str] = "probe"
    index: int = -1


@dataclass(frozen=True)
class FollowUp:
    """A follow-up question asked; ``answer`` is the candidate's reply when typed."""

    kind: ClassVar[str] = "follow_up"
    question: str = ""
    index: int | None = None  # its place in the case's list, when known
    answer: str | None = None
    # The answer is what was typed when the session stopped, not one the candidate gave:
    # a resume asks the follow-up again with it (an answer given later replaces it).
    draft: bool = False


@dataclass(frozen=True)
class Clarification:
    """A clarifying question and the interviewer's answer."""

    kind: ClassVar[str] = "clarification"
    question: str = ""
    answer: str = ""
    id: str | None = None  # the case's clarification id; None for the default reply
    typed: str | None = None  # what the interviewer typed to look it up


@dataclass(frozen=True)
class Draft:
    """A half-typed answer kept at an interruption.

    ``base_revision`` is how many revisions the step had when the draft was kept: the
    draft is live only while no newer revision exists, whatever the clock says.
    """

    kind: ClassVar[str] = "draft"
    text: str = ""
    base_revision: int = 0


@dataclass(frozen=True)
class Tick:
    kind: ClassVar[str] = "tick"
    id: str = ""
    source: str = "case"
    level: str = ""


@dataclass(frozen=True)
class Untick:
    kind: ClassVar[str] = "untick"
    id: str = ""
    source: str = "case"
    level: str = ""


@dataclass(frozen=True)
class Note:
    kind: ClassVar[str] = "note"
    text: str = ""


@dataclass(frozen=True)
class Rating:
    kind: ClassVar[str] = "rating"
    dimension: str = ""
    score: int = 0
    justification: str = ""


@dataclass(frozen=True)
class Recommendation:
    kind: ClassVar[str] = "recommendation"
    value: str = ""


@dataclass(frozen=True)
class LevelEstimate:
    kind: ClassVar[str] = "level_estimate"
    level: str = ""
    suggested: str = ""
    signal: str = ""


@dataclass(frozen=True)
class ScorecardTarget:
    """Where ``interview --scorecard FILE`` writes, kept so a resumed interview does too."""

    kind: ClassVar[str] = "scorecard_target"
    path: str = ""


@dataclass(frozen=True)
class Override:
    """The candidate's own call on a rubric point, kept apart from the scorer's."""

    kind: ClassVar[str] = "override"
    point: str = ""  # "<source>:<id>"
    verdict: str = "accept"  # "accept", "reject", or "clear" to take a call back


@dataclass(frozen=True)
class Diagram:
    """The candidate's architecture as arrows (``a -> b``, one chain per line); latest wins.

    The text is kept as typed: ``mlsd._util.arrows`` reads it each time it is shown, so a
    better reader later redraws old sessions too."""

    kind: ClassVar[str] = "diagram"
    text: str = ""


Payload = (
    Start
    | Resume
    | Pause
    | Finish
    | Enter
    | WrapUp
    | Time
    | Skip
    | Probe
    | Hint
    | FollowUp
    | Clarification
    | Draft
    | Tick
    | Untick
    | Note
    | Rating
    | Recommendation
    | LevelEstimate
    | ScorecardTarget
    | Override
    | Diagram
)

KINDS: dict[str, type[Payload]] = {
    cls.kind: cls
    for cls in (
        Start,
        Resume,
        Pause,
        Finish,
        Enter,
        WrapUp,
        Time,
        Skip,
        Probe,
        Hint,
        FollowUp,
        Clarification,
        Draft,
        Tick,
        Untick,
        Note,
        Rating,
        Recommendation,
        LevelEstimate,
        ScorecardTarget,
        Override,
        Diagram,
    )
}


@dataclass(frozen=True)
class Event:
    """One row of the log: its place in it, its step, when, and what happened."""

    seq: int
    step_id: str | None
    at: str
    payload: Payload

    @property
    def kind(self) -> str:
        return self.payload.kind


def encode(payload: Payload) -> str:
    return json.dumps(dataclasses.asdict(payload), ensure_ascii=False)


def decode(kind: str, data: object) -> Payload | None:
    """A stored row back as its payload; ``None`` for a kind this mlsd does not know.

    Unknown fields are dropped and a field of the wrong type takes its default, so a row
    written by another version never stops a session from loading. Data that is not
    JSON text (a blob that is not UTF-8, a number, nesting too deep to parse) reads as
    an empty payload; ``NaN``, ``Infinity``, ``1e999`` and integers too long to convert
    are no value at all, so only their field takes its default.
    """
    cls = KINDS.get(kind)
    if cls is None:
        return None
    raw: object = {}
    if isinstance(data, (str, bytes)):
        try:
            raw = json.loads(
                data, parse_constant=_no_value, parse_float=_finite, parse_int=_bounded_int
            )
        except (ValueError, RecursionError):
            raw = {}
    if not isinstance(raw, dict):
        raw = {}
    values = {
        name: raw[name]
        for name, allowed in _field_types(cls).items()
        if name in raw and _fits(raw[name], allowed)
    }
    return cls(**values)


class _NoValue:
    """What a non-finite or unconvertible JSON number decodes to: fits no field."""


_NO_VALUE = _NoValue()
_MAX_INT_DIGITS = 4000  # under Python's 4300-digit limit on converting text to int


def _no_value(_: str) -> object:
    return _NO_VALUE


def _finite(text: str) -> object:
    number = float(text)
    return number if math.isfinite(number) else _NO_VALUE


def _bounded_int(text: str) -> object:
    return int(text) if len(text) <= _MAX_INT_DIGITS else _NO_VALUE


_FIELD_TYPES: dict[str, dict[str, tuple[type, ...]]] = {}


def _field_types(cls: type[Payload]) -> dict[str, tuple[type, ...]]:
    known = _FIELD_TYPES.get(cls.kind)
    if known is not None:
        return known
    hints = typing.get_type_hints(cls)
    out: dict[str, tuple[type, ...]] = {}
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        args = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        out[f.name] = tuple(a for a in args if isinstance(a, type))
    _FIELD_TYPES[cls.kind] = out
    return out


def _fits(value: object, allowed: tuple[type, ...]) -> bool:
    if isinstance(value, bool):
        return bool in allowed
    if isinstance(value, int) and float in allowed:
        return True
    return isinstance(value, allowed)
