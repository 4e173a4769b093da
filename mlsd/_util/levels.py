"""The interview levels, lowest first: the one list every part of mlsd uses."""

from __future__ import annotations

from typing import Literal

Level = Literal["mid", "senior", "staff"]
LEVELS: tuple[Level, ...] = ("mid", "senior", "staff")


def rank(level: str) -> int:
    """A level's place, lowest first; an unknown level ranks above every known one."""
    return next((i for i, known in enumerate(LEVELS) if known == level), len(LEVELS))
