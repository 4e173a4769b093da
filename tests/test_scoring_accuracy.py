"""How often the matcher agrees with a human: precision and recall on a labelled set.

Each ``tests/scoring_set/<case>.yaml`` holds answer passages in varied wording
(paraphrases, abbreviations, typos, British spelling, traps), each labelled with the
rubric points it truly covers. Every passage is scored as its step's answer; the points
the matcher finds (within that step's ``universe``) are compared with the label.

When a labelled passage is missed, improve the matcher or the case's ``match`` phrases,
never the passage. Run ``pytest -n 0 -s tests/test_scoring_accuracy.py`` for the per-case
figures; a one-line summary is printed at the end of every run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from mlsd.cases.catalog import load_case, load_framework
from mlsd.rubric.points import canonical_ids
from mlsd.rubric.scoring import score

REPO = Path(__file__).resolve().parent.parent
SET_DIR = REPO / "tests" / "scoring_set"
MIN_PRECISION = 0.90
MIN_RECALL = 0.85


@dataclass
class Tally:
    passages: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.passages += other.passages
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.misses += other.misses

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def line(self, name: str) -> str:
        return (
            f"{name:<28} passages {self.passages:>4}  precision {self.precision:.3f}  "
            f"recall {self.recall:.3f}  (tp {self.tp}, fp {self.fp}, fn {self.fn})"
        )


def measure(data: dict[str, Any]) -> Tally:
    framework = load_framework()
    case = load_case(REPO / "cases" / f"{data['case']}.yaml", framework)
    tally = Tally()
    canonical = canonical_ids(case, framework)  # labels may name ids merged since
    for passage in data["passages"]:
        step = passage["step"]
        universe = {canonical.get(i, i) for i in data["universe"][step]}
        report = score(case, framework, {step: passage["text"]}, level="staff")
        found = {p.id for s in report.steps for p in s.points if p.covered} & universe
        truth = {canonical.get(i, i) for i in passage["covers"]}
        tally.passages += 1
        tally.tp += len(found & truth)
        tally.fp += len(found - truth)
        tally.fn += len(truth - found)
        tally.misses += [f"{passage['id']}: false {p}" for p in sorted(found - truth)]
        tally.misses += [f"{passage['id']}: missed {p}" for p in sorted(truth - found)]
    return tally


class _Summary:
    """Prints the figures in pytest's terminal summary, so they show without ``-s``."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        terminalreporter.write_sep("-", "scoring accuracy (tests/scoring_set)")
        for line in self.lines:
            terminalreporter.write_line(line)


def test_matcher_precision_and_recall(request: pytest.FixtureRequest) -> None:
    files = sorted(SET_DIR.glob("*.yaml"))
    if not files:
        pytest.skip("no labelled passages in tests/scoring_set")
    overall = Tally()
    lines = []
    for path in files:
        tally = measure(yaml.safe_load(path.read_text(encoding="utf-8")))
        lines.append(tally.line(path.stem))
        overall.add(tally)
    lines.append(overall.line("OVERALL"))
    print("\n" + "\n".join(lines))
    request.config.pluginmanager.register(_Summary(lines), "mlsd-scoring-accuracy")
    assert overall.precision >= MIN_PRECISION and overall.recall >= MIN_RECALL, (
        "\n".join(lines)
        + f"\nbelow the bar (precision {MIN_PRECISION}, recall {MIN_RECALL}); first disagreements:\n"
        + "\n".join(overall.misses[:40])
    )
