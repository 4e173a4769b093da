"""Scale and whole-run costs.

Usage: python benchmarks/scale.py [--runs N]

- `mlsd list` with 1,000 extra case files in a --cases-dir, against the bundled set alone
  (target: within 2x);
- `mlsd sessions` and `mlsd score latest` with 10,000 stored sessions, against 10
  (target: within 2x);
- a whole non-interactive run (`practice --answers` with scoring and `--export`) against
  the Typer hello-world (target: at most 2x).
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import sys
import tempfile
from pathlib import Path

from common import HERE, cleanup, compare, isolated_env, mlsd_command

REPO = HERE.parent
sys.path.insert(0, str(REPO))


def make_cases(folder: Path, count: int) -> None:
    source = (REPO / "cases" / "ctr-prediction.yaml").read_text(encoding="utf-8")
    for i in range(count):
        case_id = f"bench-case-{i:04d}"
        (folder / f"{case_id}.yaml").write_text(
            source.replace("id: ctr-prediction", f"id: {case_id}", 1)
        )


def make_sessions(home: Path, count: int) -> None:
    os.environ["MLSD_HOME"] = str(home)
    import yaml

    from mlsd.cases.catalog import load_case, load_framework
    from mlsd.cases.models import AnswersFile
    from mlsd.log.store import open_store
    from mlsd.practice.flow import run_answers

    case_path = REPO / "cases" / "ctr-prediction.yaml"
    case = load_case(case_path)
    answers = AnswersFile.model_validate(
        yaml.safe_load(
            (REPO / "tests" / "fixtures" / "answers" / "ctr-prediction-strong.yaml").read_text()
        )
    )
    with open_store() as store:
        store.conn.execute("PRAGMA synchronous = OFF")  # building the fixture only
        for _ in range(count):
            run_answers(
                store, case, str(case_path), load_framework(), answers, level="senior", minutes=45
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    mlsd = mlsd_command()
    env, home = isolated_env()
    work = Path(tempfile.mkdtemp(prefix="mlsd-scale-"))
    try:
        extra = work / "cases"
        extra.mkdir()
        make_cases(extra, 1000)
        compare(
            "list, 1,000 extra cases vs bundled only",
            [*mlsd, "--cases-dir", str(extra), "list"],
            args.runs,
            env,
            baseline=[*mlsd, "list"],
        )

        small, big = work / "home-10", work / "home-10000"
        make_sessions(small, 10)
        make_sessions(big, 10_000)
        env_small = {**env, "MLSD_HOME": str(small)}
        env_big = {**env, "MLSD_HOME": str(big)}
        for name, sub in (("sessions", ["sessions"]), ("score latest", ["score", "latest"])):
            compare_homes(
                f"{name}, 10,000 sessions vs 10", [*mlsd, *sub], args.runs, env_small, env_big
            )

        answers = REPO / "tests" / "fixtures" / "answers" / "ctr-prediction-strong.yaml"
        counter = itertools.count()
        out = work / "exports"
        out.mkdir()
        compare(
            "practice --answers + scoring + --export",
            lambda: [
                *mlsd,
                "practice",
                "--answers",
                str(answers),
                "--export",
                str(out / f"doc-{next(counter)}.md"),
            ],
            args.runs,
            env,
        )
    finally:
        cleanup(home)
        shutil.rmtree(work, ignore_errors=True)


def compare_homes(
    name: str, cmd: list[str], runs: int, env_small: dict[str, str], env_big: dict[str, str]
) -> None:
    """Same command, two stores: alternate between them."""
    import statistics

    from common import timed

    for _ in range(3):
        timed(cmd, env_small)
        timed(cmd, env_big)
    small, big, rss = [], [], []
    for _ in range(runs):
        small.append(timed(cmd, env_small)[0])
        t, peak = timed(cmd, env_big)
        big.append(t)
        rss.append(peak)
    s, b = statistics.median(small), statistics.median(big)
    print(
        f"{name:<44} {b * 1000:7.1f} ms  baseline {s * 1000:6.1f} ms  ratio {b / s:.2f}x  peak RSS {max(rss) / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
