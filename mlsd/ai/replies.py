"""What mlsd asks a model to reply, as strict pydantic models and the JSON schemas sent.

A reply is parsed with these models in strict mode (unknown keys, missing keys and wrong
types are failures, never coerced), so a model that drifts from the schema falls back
to the offline scorer rather than being half-believed. The schemas sent narrow some
strings to the values allowed (point keys, clarification ids); the parse re-checks them,
because a model without a schema mode only reads the schema in its prompt.
"""

from __future__ import annotations

import copy
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Verdict = Literal["covered", "partial", "missed"]
VERDICTS: tuple[Verdict, ...] = ("covered", "partial", "missed")
Line = Annotated[str, Field(max_length=2000)]


class _Reply(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class PointReply(_Reply):
    point: str = Field(description="the point's key, exactly as listed")
    verdict: Verdict
    quote: Line = Field(description="the candidate's exact words; empty when missed")
    reason: Line = Field(description="one short line")


class MistakeReply(_Reply):
    quote: Line = Field(description="the candidate's exact words making the claim")
    correction: Line = Field(description="what is wrong or risky, and what holds instead")


class JudgeReply(_Reply):
    points: list[PointReply]
    mistakes: list[MistakeReply]


class FollowUpReply(_Reply):
    question: Annotated[str, Field(min_length=5, max_length=400)]
    target: Literal["point", "claim"]
    point: str = Field(description="the key of the point probed; empty for a claim")
    quote: Line = Field(description="for a claim: the candidate's exact words; else empty")


class ClarifyReply(_Reply):
    choice: str = Field(description="the id of the answer that answers it, or none")


class RatingReply(_Reply):
    dimension: str
    score: Annotated[int, Field(ge=1, le=5)]
    justification: Line


class ScorecardReply(_Reply):
    ratings: list[RatingReply]
    recommendation: str


class CheckReply(_Reply):
    ok: bool


def _with_enum(schema: dict[str, object], model: str, field: str, values: list[str]) -> None:
    # the reply itself is the root, even when it has $defs for its parts (a draft
    # scorecard's recommendation was never narrowed: a model could answer "hire!")
    defs = schema.get("$defs")
    target = (
        schema if schema.get("title") == model or not isinstance(defs, dict) else defs.get(model)
    )
    if not isinstance(target, dict):
        return
    props = target.get("properties")
    if isinstance(props, dict) and isinstance(props.get(field), dict):
        props[field]["enum"] = values


def schema_of(
    reply: type[_Reply], enums: tuple[tuple[str, str, list[str]], ...] = ()
) -> dict[str, object]:
    """``reply``'s JSON schema, with (model name, field, allowed values) narrowed."""
    schema = copy.deepcopy(reply.model_json_schema())
    for model, field, values in enums:
        _with_enum(schema, model, field, values)
    return schema
