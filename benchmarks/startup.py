"""Start-up cost of `mlsd --help`, `mlsd list` and `mlsd show` against a Typer hello-world.

Usage: python benchmarks/startup.py [--runs N]
Prints median wall time per command, the ratio to the baseline measured in the same
run (alternating), and peak memory. Target: at most 1.1x.
"""

from __future__ import annotations

import argparse

from common import cleanup, compare, isolated_env, mlsd_command


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    env, home = isolated_env()
    mlsd = mlsd_command()
    try:
        compare("mlsd --help", [*mlsd, "--help"], args.runs, env)
        compare("mlsd list", [*mlsd, "list"], args.runs, env)
        compare("mlsd show ctr-prediction", [*mlsd, "show", "ctr-prediction"], args.runs, env)
    finally:
        cleanup(home)


if __name__ == "__main__":
    main()
