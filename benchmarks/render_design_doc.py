"""How long a full design doc takes to render (target: under 20 ms).

Run from the repository: ``.venv/bin/python benchmarks/render_design_doc.py [N]``.
A finished session of the CTR case (every step answered, follow-ups, clarifications) is
rendered N times (default 200) with and without the feedback appendix; the template is
compiled once beforehand, as it is in a real export. Prints the median and 95th
percentile of each: the render alone, context + render, and with scoring too.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def _timed(fn: Callable[[], object], n: int) -> tuple[float, float]:
    fn()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    os.environ["MLSD_HOME"] = tempfile.mkdtemp(prefix="mlsd-bench-")

    from mlsd._util.paths import bundled_cases_dir
    from mlsd.cases.catalog import load_case, load_framework
    from mlsd.cases.models import AnswersFile
    from mlsd.documents.context import design_context
    from mlsd.documents.export import feedback_json
    from mlsd.documents.render import DESIGN_DOC, render
    from mlsd.log.store import open_store
    from mlsd.practice.flow import run_answers

    framework = load_framework()
    path: Path = bundled_cases_dir() / "ctr-prediction.yaml"
    case = load_case(path, framework)
    paragraph = (
        "We predict calibrated pCTR for ~300 candidates per request within a 40 ms p99 "
        "budget; user_id and ad_id embeddings feed a DCN-v2 ranker trained hourly on "
        "joined impression and click logs, with negatives downsampled and corrected.\n"
    )
    answers = AnswersFile(
        case=case.id,
        clarifications=[c.id for c in case.clarifications],
        answers=dict.fromkeys(framework.step_ids, paragraph * 12),
        follow_ups=dict.fromkeys(framework.step_ids, paragraph * 3),
    )
    with open_store() as store:
        record = run_answers(store, case, str(path), framework, answers, level="senior", minutes=45)
    feedback = feedback_json(record, case, framework)
    plain = design_context(record, case, framework)
    full = design_context(record, case, framework, feedback)
    size = len(render(DESIGN_DOC, full).encode())

    rows = [
        ("render, no feedback", lambda: render(DESIGN_DOC, plain)),
        ("render, with feedback", lambda: render(DESIGN_DOC, full)),
        (
            "context + render, no feedback",
            lambda: render(DESIGN_DOC, design_context(record, case, framework)),
        ),
        (
            "scoring + context + render",
            lambda: render(
                DESIGN_DOC,
                design_context(record, case, framework, feedback_json(record, case, framework)),
            ),
        ),
    ]
    print(f"{n} renders of the CTR design doc ({size // 1024} KB with feedback)")
    for label, fn in rows:
        median, p95 = _timed(fn, n)
        print(f"  {label:<32} median {median:6.2f} ms   p95 {p95:6.2f} ms")


if __name__ == "__main__":
    main()
