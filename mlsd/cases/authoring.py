"""Helping people write their own cases: ``mlsd cases new``."""

from __future__ import annotations

import re
from pathlib import Path

from mlsd._util.fileio import write_atomic
from mlsd.cases.catalog import load_framework
from mlsd.errors import MlsdError

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def skeleton(case_id: str) -> str:
    """A case file that validates, with TODOs where the content goes (lint flags them)."""
    framework = load_framework()
    title = case_id.replace("-", " ").capitalize()
    lines = [
        "# yaml-language-server: $schema=mlsd-case.schema.json  (generate: mlsd cases schema)",
        "# Replace every TODO; `mlsd cases lint` on this file lists what is left to fill in.",
        "format: 2",
        f"id: {case_id}",
        f"title: {title}",
        "summary: TODO one sentence on what the system does.",
        "difficulty: medium   # easy | medium | hard",
        "tags: []             # e.g. [recommendation, ranking]",
        "prompt: |",
        "  TODO what the interviewer reads out to open the interview.",
        "clarifications:      # at least 8; at least 4 with key: true; give numbers",
        "  - id: scale",
        "    question: TODO How many users and requests per second?",
        "    answer: TODO the interviewer's answer, with numbers.",
        "    key: true",
        "    match: [daily active users, QPS, how many users]",
        "framework:           # generic points this case skips, or scores at another level",
        "  skip: []",
        "  levels: {}",
        "steps:               # one entry per framework step",
    ]
    for step in framework.steps:
        lines += [
            f"  {step.id}:        # {step.title}: {step.goal}",
            "    prompts: [TODO where to look, never what to say (the candidate sees these)]",
            "    probes: [TODO a question aimed at a point (the interviewer's only)]",
            "    hints: [TODO a nudge that does not give the answer away]",
            "    rubric:           # 3-5 core points a step, generic ones kept included",
            f"      - id: {step.id}-todo",
            "        point: TODO a key point an interviewer listens for.",
            "        core: true    # must-hear at its level; false: a signal of depth",
            "        match: [TODO a phrase that shows the point was made]",
            "        weight: 2     # 1 to 3",
            "        level: senior # mid | senior | staff",
            "        why: TODO why it matters.",
            "        counts: TODO what substance earns it.",
            "        not_enough: TODO a bare buzzword, a rejection, a near miss.",
            "    follow_ups:",
            "      - question: TODO a follow-up question",
            "        listen_for: [TODO what a good answer mentions]",
            "    reference: |",
            "      TODO a strong answer, as Markdown notes (at least 120 words).",
        ]
    lines += [
        "diagram:             # the serving pipeline, as edges",
        "  - [TODO request, TODO model]",
        "",
    ]
    return "\n".join(lines)


def write_skeleton(case_id: str, folder: Path, *, force: bool = False) -> Path:
    if not _SLUG.match(case_id):
        raise MlsdError(
            f"{case_id!r} is not a valid case id: use lowercase letters, digits and hyphens"
        )
    return write_atomic(folder / f"{case_id}.yaml", skeleton(case_id), force=force)
