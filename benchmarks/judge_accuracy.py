"""How often the AI judge agrees with people, on the held-out answers it was never tuned on.

Usage: python benchmarks/judge_accuracy.py --model NAME [--split test|dev|both] [--partial]
                                          [--heldout DIR]

Runs ``mlsd.ai.judge`` (the same prompt, schema and quote check as ``score --judge``)
over every labelled answer in tests/heldout (or ``--heldout DIR``, laid out the same way:
``<split>/<case>/<style>.yaml|md`` and ``labels/{gold,points}``) and compares the points it credits with the
gold labels, beside the offline scorer on the same answers. Prints precision, recall
and agreement (points judged the same way as the labels, made or not, over all labelled
points). A point counts as credited when its verdict is ``covered`` (with ``--partial``,
``partial`` too) and its quote was found in the answer. A point the judge gave no verdict
on (its step has no answer of its own, its quote was discarded, or the model failed)
keeps the offline verdict, exactly as ``score --judge`` credits it; how many did is
printed, so the judge's own share of the figures is visible. Replies are cached in the mlsd
store, so a second run of the same model is free. Needs the ``[ai]`` extra and a model;
with none, nothing is measured (docs/ai.md). The prompts must never be tuned on ``test``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mlsd.ai.judge import Judgement, judge  # noqa: E402
from mlsd.ai.model import Connection, Settings  # noqa: E402
from mlsd.cases.catalog import load_case, load_framework  # noqa: E402
from mlsd.cases.models import Case, Framework  # noqa: E402
from mlsd.errors import MlsdError  # noqa: E402
from mlsd.log.store import open_store  # noqa: E402
from mlsd.rubric.docsplit import split_doc  # noqa: E402
from mlsd.rubric.points import canonical_ids  # noqa: E402
from mlsd.rubric.scoring import Report  # noqa: E402
from tests.heldout_eval import (  # noqa: E402
    HELDOUT,
    answers_in,
    found_points,
    labelled_points,
    report_for,
)


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, credited: bool, truth: bool) -> None:
        if credited and truth:
            self.tp += 1
        elif credited:
            self.fp += 1
        elif truth:
            self.fn += 1
        else:
            self.tn += 1

    def row(self, name: str) -> str:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        total = self.tp + self.fp + self.fn + self.tn
        agree = (self.tp + self.tn) / total if total else 1.0
        return f"| {name} | {p:.2f} | {r:.2f} | {agree:.2f} | {self.tp} | {self.fp} | {self.fn} |"


def answers_of(path: Path, framework: Framework) -> dict[str, str]:
    if path.suffix == ".md":
        return dict(split_doc(path.read_text(encoding="utf-8"), framework).answers)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in (data.get("answers") or {}).items()}


def credited(judgement: Judgement, report: Report, partial: bool) -> tuple[set[str], set[str]]:
    """(point ids credited as ``score --judge`` credits them, ids left to the offline scorer)."""
    ok = {"covered", "partial"} if partial else {"covered"}
    made: set[str] = set()
    offline: set[str] = set()
    for step in report.steps:
        for point in step.points:
            verdict = judgement.point(step.id, point.key)
            if verdict is None:
                offline.add(point.id)
                if point.covered:
                    made.add(point.id)
            elif verdict.verdict in ok and (verdict.quote is not None):
                made.add(point.id)
    return made, offline


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", required=True)
    parser.add_argument("--split", choices=("dev", "test", "both"), default="test")
    parser.add_argument("--partial", action="store_true", help="count partial as credited")
    parser.add_argument(
        "--heldout",
        type=Path,
        default=HELDOUT,
        metavar="DIR",
        help="the labelled answers (default: tests/heldout)",
    )
    args = parser.parse_args(argv)
    root: Path = args.heldout
    labels = root / "labels"
    framework = load_framework()
    try:
        conn = Connection(
            args.model,
            settings=Settings.from_env(),
            announce=lambda line: print(line, file=sys.stderr),
        )
        conn.announce()
    except MlsdError as exc:  # no [ai] extra, an unknown model, a bad MLSD_AI_TIMEOUT
        print(f"judge_accuracy: {exc.message}; nothing measured.", file=sys.stderr)
        return 1
    judge_tally, offline_tally, failures = Tally(), Tally(), []
    kept_offline = 0
    cases: dict[str, Case] = {}
    splits = ("dev", "test") if args.split == "both" else (args.split,)
    with open_store() as store:
        for split in splits:
            for case_id, style, path in answers_in(split, root):
                case = cases.setdefault(
                    case_id, load_case(REPO / "cases" / f"{case_id}.yaml", framework)
                )
                canonical = canonical_ids(case, framework)
                gold_file = labels / "gold" / case_id / f"{style}.yaml"
                gold = {canonical.get(i, i) for i in yaml.safe_load(gold_file.read_text())["made"]}
                labelled = {canonical.get(i, i) for i in labelled_points(case_id, labels)}
                judgement = judge(
                    conn,
                    case,
                    framework,
                    answers=answers_of(path, framework),
                    follow_ups={},
                    level="staff",
                    store=store,
                )
                if judgement.failure:
                    failures.append(f"{split}/{case_id}/{style}: {judgement.failure}")
                report = report_for(path, case, framework)
                by_judge, unjudged = credited(judgement, report, args.partial)
                by_offline = set(found_points(report))
                kept_offline += len(labelled & unjudged)
                for point_id in labelled:
                    judge_tally.add(point_id in by_judge, point_id in gold)
                    offline_tally.add(point_id in by_offline, point_id in gold)
                print(f"judged {split}/{case_id}/{style}", file=sys.stderr)
    print(f"Model {args.model}, split {args.split}, partial credited: {args.partial}\n")
    print("| scorer | precision | recall | agreement | tp | fp | fn |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    print(judge_tally.row(f"AI judge ({args.model})"))
    print(offline_tally.row("offline scorer"))
    labelled_total = judge_tally.tp + judge_tally.fp + judge_tally.fn + judge_tally.tn
    print(
        f"\n{kept_offline} of {labelled_total} labelled points had no verdict from the judge "
        "and kept the offline one (steps not answered, discarded quotes, failures)."
    )
    if failures:
        print(f"\n{len(failures)} answer(s) partly judged offline (model failures):")
        print("\n".join(f"- {f}" for f in failures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
