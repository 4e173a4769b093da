"""Case packs are untrusted: their regexes and a doc's headings cannot hang the scorer.

The subprocess timeouts below are hang guards, not speed assertions: the fixed code
finishes these in well under a second, the old code took minutes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from mlsd.cases.catalog import load_framework
from mlsd.rubric import matching
from mlsd.rubric.docsplit import split_doc

HANG_GUARD = 120  # seconds; the old code took 60 s to several minutes here


def test_a_catastrophic_re_phrase_is_cut_off_and_not_tried_again():
    phrase = "re:(a|aa)+c"  # exponential in any backtracking engine
    assert matching.find([phrase], "a" * 40) is None
    assert phrase in matching.TIMED_OUT
    # the other alternatives of the point are still tried
    assert matching.find([phrase, "aaa"], "a" * 40 + " aaa") is not None


def _mlsd(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MLSD_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "mlsd", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        check=False,
    )


def test_the_reported_redos_phrase_does_not_hang_a_practice_run(tmp_path, write_case, case_data):
    # The attack review's reproduction: a 20-word answer pinned a CPU for 60 s.
    case_data["steps"]["requirements"]["rubric"][0]["match"] = [r"re:^(\w+\s?)*$"]
    path = write_case(case_data)
    answer = " ".join(f"word{i}" for i in range(20)) + " !"
    answers = {
        "case": "tiny-case",
        "answers": {step.id: answer for step in load_framework().steps},
        "follow_ups": {"requirements": answer},
    }
    answers_path = tmp_path / "answers.yaml"
    answers_path.write_text(yaml.safe_dump(answers), encoding="utf-8")
    done = _mlsd(
        tmp_path / "home",
        "--cases-dir",
        str(path.parent),
        "practice",
        "--answers",
        str(answers_path),
    )
    assert done.returncode == 0, done.stderr
    done = _mlsd(tmp_path / "home", "--cases-dir", str(path.parent), "score", "latest", "--json")
    assert done.returncode == 0, done.stderr


def test_a_long_heading_line_is_split_in_linear_time(tmp_path):
    # "# a" + 40,000 spaces + "b" took 34 s; 80 KB over two minutes.
    line = "# a" + " " * 80_000 + "b"
    doc = split_doc(line + "\n\nsome text\n", load_framework())
    assert [s.heading.split() for s in doc.sections] == [["a", "b"]]
    path = tmp_path / "d.md"
    path.write_text(line + "\n", encoding="utf-8")
    done = _mlsd(tmp_path / "home", "score", "--case", "ctr-prediction", str(path))
    assert done.returncode == 0, done.stderr


def test_closing_hashes_are_still_dropped():
    doc = split_doc("## Data ##\n\nrows\n\n# C#\n\ncode\n", load_framework())
    assert [s.heading for s in doc.sections] == ["Data", "C#"]
