"""How long scoring a full session takes (target: under 10 ms), cold and warm.

Usage: python benchmarks/score_session.py [N]
Scores the strong answer set of each flagship case N times (default 200) and prints the
median; "cold" is the first call in a fresh process, which compiles the phrase regexes.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mlsd.cases.catalog import load_case, load_framework  # noqa: E402
from mlsd.rubric.scoring import score  # noqa: E402


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    framework = load_framework()
    for case_id in ("ctr-prediction", "feed-ranking", "visual-search"):
        case = load_case(REPO / "cases" / f"{case_id}.yaml", framework)
        answers = yaml.safe_load(
            (REPO / "tests" / "fixtures" / "answers" / f"{case_id}-strong.yaml").read_text()
        )
        start = time.perf_counter()
        score(
            case,
            framework,
            answers["answers"],
            level="senior",
            clarifications_asked=answers.get("clarifications", []),
        )
        cold = time.perf_counter() - start
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            score(case, framework, answers["answers"], level="senior")
            times.append(time.perf_counter() - start)
        words = sum(len(t.split()) for t in answers["answers"].values())
        print(
            f"score {case_id:<16} {words:5d} words  median {statistics.median(times) * 1000:5.1f} ms  cold {cold * 1000:5.1f} ms"
        )


if __name__ == "__main__":
    main()
