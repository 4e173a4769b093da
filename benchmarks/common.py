"""Shared helpers: run commands alternately with the baseline and report median ratios."""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable
HELLO = [PY, str(HERE / "hello.py"), "hello"]


def mlsd_command() -> list[str]:
    script = Path(PY).parent / "mlsd"
    return [str(script)] if script.exists() else [PY, "-m", "mlsd"]


def timed(cmd: Sequence[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time in seconds and peak RSS in KiB of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with status {status}")
    return elapsed, usage.ru_maxrss


def compare(
    name: str,
    cmd: Sequence[str] | Callable[[], Sequence[str]],
    runs: int,
    env: dict[str, str],
    baseline: Sequence[str] | Callable[[], Sequence[str]] = HELLO,
) -> dict[str, float]:
    """Alternate baseline and command so machine noise hits both alike."""
    make_cmd = cmd if callable(cmd) else lambda: cmd
    make_base = baseline if callable(baseline) else lambda: baseline
    for _ in range(3):  # warm the OS cache and the case-index cache
        timed(make_base(), env)
        timed(make_cmd(), env)
    base, mine, rss = [], [], []
    for _ in range(runs):
        t, _ = timed(make_base(), env)
        base.append(t)
        t, peak = timed(make_cmd(), env)
        mine.append(t)
        rss.append(peak)
    b, m = statistics.median(base), statistics.median(mine)
    row = {"baseline_ms": b * 1000, "ms": m * 1000, "ratio": m / b, "peak_rss_mib": max(rss) / 1024}
    print(
        f"{name:<44} {row['ms']:7.1f} ms  baseline {row['baseline_ms']:6.1f} ms  ratio {row['ratio']:.2f}x  peak RSS {row['peak_rss_mib']:.0f} MiB"
    )
    return row


def isolated_env() -> tuple[dict[str, str], Path]:
    home = Path(tempfile.mkdtemp(prefix="mlsd-bench-"))
    env = {**os.environ, "MLSD_HOME": str(home), "NO_COLOR": "1"}
    env.pop("MLSD_CASES_PATH", None)
    return env, home


def cleanup(home: Path) -> None:
    shutil.rmtree(home, ignore_errors=True)


__all__ = ["HELLO", "cleanup", "compare", "isolated_env", "mlsd_command", "resource"]
