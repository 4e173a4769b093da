"""The candidate's own call on a rubric point: shared by the log and the scorer."""

from __future__ import annotations

from typing import Literal

Verdict = Literal["accept", "reject"]
