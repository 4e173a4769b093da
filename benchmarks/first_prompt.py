"""Time from launching `mlsd practice` (and `mlsd interview`) to its first prompt.

Usage: python benchmarks/first_prompt.py [--runs N]
Measured in a pseudo-terminal with pexpect, alternating with the Typer hello-world
(launch to its output). Target: at most 1.5x.
"""

from __future__ import annotations

import argparse
import statistics
import time

import pexpect
from common import HELLO, HERE, PY, cleanup, isolated_env, mlsd_command

# Typer + a rich panel + a questionary select: what the required libraries cost.
FLOOR = [PY, str(HERE / "floor_prompt.py"), "ask"]


def until(cmd: list[str], pattern: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    child = pexpect.spawn(
        cmd[0], cmd[1:], env=env, encoding="utf-8", timeout=30, dimensions=(40, 120)
    )
    child.expect(pattern)
    elapsed = time.perf_counter() - start
    child.terminate(force=True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    env, home = isolated_env()
    env["PROMPT_TOOLKIT_NO_CPR"] = "1"
    mlsd = mlsd_command()
    targets = {
        "practice ctr-prediction -> first prompt": (
            [*mlsd, "practice", "ctr-prediction"],
            "Ask the interviewer",
        ),
        "interview ctr-prediction -> first prompt": ([*mlsd, "interview", "ctr-prediction"], r"\?"),
    }
    try:
        for name, (cmd, pattern) in targets.items():
            base, mine = [], []
            try:
                until(cmd, pattern, env)
            except pexpect.ExceptionPexpect:
                print(f"{name:<44} skipped (command not available)")
                continue
            floor = []
            for _ in range(args.runs):
                base.append(until(HELLO, "hello world", env))
                mine.append(until(cmd, pattern, env))
                floor.append(until(FLOOR, "Ask the interviewer", env))
            b, m, f = statistics.median(base), statistics.median(mine), statistics.median(floor)
            print(
                f"{name:<44} {m * 1000:7.1f} ms  baseline {b * 1000:6.1f} ms  ratio {m / b:.2f}x  "
                f"(library floor {f * 1000:.0f} ms = {f / b:.2f}x)"
            )
    finally:
        cleanup(home)


if __name__ == "__main__":
    main()
