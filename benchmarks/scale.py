"""Scale and whole-run costs.

Usage: python benchmarks/scale.py [--runs N]

- `mlsd list` with 1,000 extra case files in a --cases-dir, against the bundled set alone
  (target: within 2x);
- `mlsd sessions` and `mlsd score latest` with 10,000 stored sessions, against 10
  (target: within 2x);
- a whole non-interactive run (`practice --answers` with scoring and `--export`) against
  the Typer hello-world (target: at most 2x);
- `mlsd progress` and `mlsd review --due` with 10,000 finished, scored sessions against
  10 (target: within 2x). `--progress-only --big N` runs just these, on a store of N.
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


def make_scored_sessions(home: Path, count: int) -> None:
    """A store of ``count`` finished sessions, written as rows (one real session copied).

    The first session is a real answers-file run of a bundled case, scored and scheduled
    through ``mlsd.progress`` as `mlsd progress` would; the others copy its rows with new
    ids, and their cached scores carry the keys those ids give, so the store looks as it
    would after ``count`` sessions, each scored once when it finished.
    """
    import uuid
    from datetime import datetime, timedelta, timezone

    os.environ["MLSD_HOME"] = str(home)
    import yaml

    from mlsd._util.paths import case_dirs
    from mlsd.cases.catalog import load_case, load_framework
    from mlsd.cases.models import AnswersFile
    from mlsd.log.store import open_store
    from mlsd.practice.flow import run_answers
    from mlsd.progress.cache import Scores

    case_path = REPO / "cases" / "ctr-prediction.yaml"
    framework = load_framework()
    case = load_case(case_path, framework)
    answers = AnswersFile.model_validate(
        yaml.safe_load(
            (REPO / "tests" / "fixtures" / "answers" / "ctr-prediction-shallow.yaml").read_text()
        )
    )
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    with open_store() as store:
        store.conn.execute("PRAGMA synchronous = OFF")  # building the fixture only
        first = run_answers(
            store, case, str(case_path), framework, answers, level="senior", minutes=45
        )
        Scores(store, case_dirs([]), framework).refresh(start)
        conn = store.conn
        session = conn.execute("SELECT * FROM sessions WHERE id = ?", (first.id,)).fetchone()
        answer_rows = conn.execute(
            "SELECT step_id, revision, text, at, after_event FROM answers WHERE session_id = ?",
            (first.id,),
        ).fetchall()
        event_rows = conn.execute(
            "SELECT kind, step_id, data, at FROM events WHERE session_id = ?", (first.id,)
        ).fetchall()
        score = conn.execute(
            "SELECT key, case_id, mode, practised_at, seconds, coverage, verdict, data, at"
            " FROM session_scores WHERE session_id = ?",
            (first.id,),
        ).fetchone()
        prefix = str(score[0]).rsplit(":", 1)[0]  # the case file's part of the key
        columns = session.keys()
        with conn:
            for i in range(1, count):
                sid = uuid.uuid4().hex
                row = {**dict(zip(columns, session, strict=True)), "id": sid}
                day = (start + timedelta(hours=6 * i)).isoformat()
                row["started_at"] = row["updated_at"] = day
                row["touched"] = i + 1
                conn.execute(
                    f"INSERT INTO sessions ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                    list(row.values()),
                )
                conn.executemany(
                    "INSERT INTO answers (session_id, step_id, revision, text, at, after_event)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    [(sid, a[0], a[1], a[2], day, a[4]) for a in answer_rows],
                )
                conn.executemany(
                    "INSERT INTO events (session_id, kind, step_id, data, at) VALUES (?, ?, ?, ?, ?)",
                    [(sid, e[0], e[1], e[2], day) for e in event_rows],
                )
                conn.execute(
                    "INSERT INTO session_scores (session_id, key, case_id, mode, practised_at,"
                    " seconds, coverage, verdict, data, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (sid, f"{prefix}:{i + 1}", *score[1:3], day[:19], *score[4:8], day),
                )
            # the real session is the newest: its own key follows its new touch count
            touched = conn.execute("SELECT MAX(touched) + 1 FROM sessions").fetchone()[0]
            conn.execute("UPDATE sessions SET touched = ? WHERE id = ?", (touched, first.id))
            conn.execute(
                "UPDATE session_scores SET key = ? WHERE session_id = ?",
                (f"{prefix}:{touched}", first.id),
            )


def progress_benchmarks(
    mlsd: list[str], env: dict[str, str], work: Path, big: int, runs: int
) -> None:
    small, large = work / "progress-10", work / f"progress-{big}"
    make_scored_sessions(small, 10)
    make_scored_sessions(large, big)
    env_small = {**env, "MLSD_HOME": str(small)}
    env_big = {**env, "MLSD_HOME": str(large)}
    for name, sub in (
        ("progress", ["progress", "--json"]),
        ("review --due", ["review", "--due", "--json"]),
    ):
        compare_homes(f"{name}, {big:,} sessions vs 10", [*mlsd, *sub], runs, env_small, env_big)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--progress-only", action="store_true", help="only progress and review")
    parser.add_argument("--big", type=int, default=10_000, help="sessions in the big store")
    args = parser.parse_args()
    mlsd = mlsd_command()
    env, home = isolated_env()
    work = Path(tempfile.mkdtemp(prefix="mlsd-scale-"))
    try:
        if args.progress_only:
            progress_benchmarks(mlsd, env, work, args.big, args.runs)
            return
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
        progress_benchmarks(mlsd, env, work, args.big, args.runs)
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
