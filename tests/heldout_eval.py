"""How often the scorer agrees with people, on whole answers it was never tuned on.

``tests/heldout/{dev,test}/<case>/<style>.yaml|md`` are whole answers written without
sight of the rubric; ``tests/heldout/labels/gold/<case>/<style>.yaml`` lists the points
each one makes, from two independent labellers and an adjudicator for their
disagreements (``labels/a``, ``labels/b``). A point counts as found when the scorer
credits it anywhere in the answer; it is compared with the gold label.

Run ``python -m tests.heldout_eval [dev|test|both]`` for the tables (docs/scoring.md
quotes them). Tune on ``dev`` only: ``test``'s hash was committed before any tuning.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from mlsd.cases.catalog import load_case, load_framework
from mlsd.cases.models import Case, Framework
from mlsd.rubric.docsplit import split_doc
from mlsd.rubric.points import canonical_ids
from mlsd.rubric.scoring import Report, score

REPO = Path(__file__).resolve().parent.parent
HELDOUT = REPO / "tests" / "heldout"
LABELS = HELDOUT / "labels"
STYLES = ("strong", "mid", "namedrop", "alternative", "doc")


def digest_of_test_half() -> str:
    """The hash committed in TEST_SHA256 before any tuning: names and bytes of every file."""
    digest = hashlib.sha256()
    root = HELDOUT / "test"
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    answers: int = 0

    def add(self, other: Tally) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.answers += other.answers

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def row(self, name: str) -> str:
        return (
            f"| {name} | {self.answers} | {self.precision:.2f} | {self.recall:.2f} "
            f"| {self.tp} | {self.fp} | {self.fn} |"
        )


@dataclass
class Result:
    overall: Tally = field(default_factory=Tally)
    by_case: dict[str, Tally] = field(default_factory=dict)
    by_style: dict[str, Tally] = field(default_factory=dict)
    by_source: dict[str, Tally] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # (answer, point, fp|fn) for tuning


def answers_in(split: str, root: Path = HELDOUT) -> Iterator[tuple[str, str, Path]]:
    """(case id, style, path) of every answer of ``split`` under ``root``, in order."""
    for case_dir in sorted((root / split).iterdir()):
        for path in sorted(case_dir.iterdir()):
            yield case_dir.name, path.stem, path


def report_for(path: Path, case: Case, framework: Framework) -> Report:
    if path.suffix == ".md":
        doc = split_doc(path.read_text(encoding="utf-8"), framework)
        return score(case, framework, doc.answers, level="staff")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return score(
        case,
        framework,
        data.get("answers", {}),
        level="staff",
        clarifications_asked=data.get("clarifications", []),
    )


def labelled_points(case_id: str, labels: Path = LABELS) -> list[str]:
    """The ids on the labellers' rubric sheet for this case (rubric v1)."""
    lines = (labels / "points" / f"{case_id}.txt").read_text(encoding="utf-8").split()
    return [line.split(":", 1)[1] for line in lines]


def found_points(report: Report) -> dict[str, str]:
    """Point id -> source, for every point the scorer credits anywhere in the answer."""
    return {p.id: p.source for s in report.steps for p in s.points if p.covered}


def evaluate(split: str) -> Result:
    framework = load_framework()
    result = Result()
    cases: dict[str, Case] = {}
    for case_id, style, path in answers_in(split):
        case = cases.get(case_id) or load_case(REPO / "cases" / f"{case_id}.yaml", framework)
        cases[case_id] = case
        canonical = canonical_ids(case, framework)  # labels name the ids of rubric v1
        gold = {
            canonical.get(i, i)
            for i in yaml.safe_load((LABELS / "gold" / case_id / f"{style}.yaml").read_text())[
                "made"
            ]
        }
        report = report_for(path, case, framework)
        found = found_points(report)
        # Only points the labellers judged count: a point added to the rubric since has
        # no label, so finding it is neither right nor wrong.
        judged = {canonical.get(i, i) for i in labelled_points(case_id)}
        sources = {
            p.id: f"{p.source}, {'core' if p.core else 'signal'}"
            for s in report.steps
            for p in s.points
            if p.id in judged
        }
        tally = Tally(answers=1)
        per_source: dict[str, Tally] = {}
        for point_id, source in sources.items():
            hit, truth = point_id in found, point_id in gold
            src = per_source.setdefault(source, Tally())
            if hit and truth:
                tally.tp += 1
                src.tp += 1
            elif hit:
                tally.fp += 1
                src.fp += 1
                result.errors.append(f"{case_id}/{style} {point_id} fp")
            elif truth:
                tally.fn += 1
                src.fn += 1
                result.errors.append(f"{case_id}/{style} {point_id} fn")
        result.overall.add(tally)
        result.by_case.setdefault(case_id, Tally()).add(tally)
        result.by_style.setdefault(style, Tally()).add(tally)
        for source, src in per_source.items():
            result.by_source.setdefault(source, Tally()).add(src)
    return result


def table(split: str, result: Result) -> str:
    head = [
        f"#### {split} half",
        "",
        "| slice | answers | precision | recall | tp | fp | fn |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        result.overall.row("all"),
    ]
    head += [result.by_style[s].row(f"style: {s}") for s in STYLES if s in result.by_style]
    head += [result.by_source[s].row(f"points: {s}") for s in sorted(result.by_source)]
    head += [result.by_case[c].row(c) for c in sorted(result.by_case)]
    return "\n".join(head)


def main(argv: list[str]) -> int:
    which = argv[0] if argv else "both"
    splits = ("dev", "test") if which == "both" else (which,)
    for split in splits:
        print(table(split, evaluate(split)))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
