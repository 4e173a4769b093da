"""What a step shows the candidate, and the text an editor opens with."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StepCard:
    """What the candidate sees at the top of a step."""

    step_id: str
    number: int
    count: int
    title: str
    goal: str
    minutes: float  # budget; 0 when untimed
    prompts: list[str]
    clarifications: list[tuple[str, str]]  # (question, answer) asked so far, for requirements
    draft: str  # the current answer, when revising
    is_requirements: bool


def strip_comments(text: str) -> str:
    """Drop ``#`` comment lines the way ``git commit`` does; keep everything else as typed."""
    kept = [line for line in text.splitlines() if not line.startswith("#")]
    return "\n".join(kept).strip("\n")


def editor_template(card: StepCard, draft: str) -> str:
    lines = [draft, "", f"# {card.title}: {card.goal}"]
    lines += [f"#  - {p}" for p in card.prompts]
    lines += ["#", "# Lines starting with '#' are removed. Save and close the editor to submit."]
    return "\n".join(lines) + "\n"
