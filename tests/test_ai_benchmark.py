"""``benchmarks/judge_accuracy.py`` runs end to end against the scripted server.

On a tiny labelled set written here, never on tests/heldout: this checks the plumbing
(the judge is asked, its verdicts are counted against the labels, the table is printed),
not how good any model is. The run is watched so that it cannot read tests/heldout.
"""

from __future__ import annotations

import builtins
import importlib.util
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from tests.openai_stub import verdicts

REPO = Path(__file__).resolve().parent.parent
HELDOUT = REPO / "tests" / "heldout"
CALIBRATED = "The predicted CTR must be calibrated because it is multiplied by the bid."


@pytest.fixture
def benchmark(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "judge_accuracy", REPO / "benchmarks" / "judge_accuracy.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "judge_accuracy", module)  # its dataclasses look it up
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """One answer, three labelled points: one made (and judged covered), one not made
    (judged missed), one in a step with no answer (left to the offline scorer)."""
    root = tmp_path / "heldout"
    answer = root / "dev" / "ctr-prediction" / "strong.yaml"
    answer.parent.mkdir(parents=True)
    answers = {
        "requirements": CALIBRATED,
        "data": "Impressions joined with clicks inside a 30 minute attribution window.",
    }
    answer.write_text(yaml.safe_dump({"case": "ctr-prediction", "answers": answers}), "utf-8")
    points = root / "labels" / "points" / "ctr-prediction.txt"
    points.parent.mkdir(parents=True)
    points.write_text(
        "case:calibrated-pctr\ncase:pctr-per-candidate\ncase:lr-gbdt-baseline\n", "utf-8"
    )
    gold = root / "labels" / "gold" / "ctr-prediction" / "strong.yaml"
    gold.parent.mkdir(parents=True)
    gold.write_text(yaml.safe_dump({"made": ["calibrated-pctr"]}), "utf-8")
    return root


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every path opened or listed from here on."""
    seen: list[str] = []

    def watch(real: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(path: Any = ".", *args: Any, **kwargs: Any) -> Any:
            if isinstance(path, (str, os.PathLike)):
                seen.append(str(Path(os.fspath(path)).absolute()))
            return real(path, *args, **kwargs)

        return wrapper

    monkeypatch.setattr(io, "open", watch(io.open))
    monkeypatch.setattr(builtins, "open", watch(builtins.open))
    monkeypatch.setattr(os, "listdir", watch(os.listdir))
    monkeypatch.setattr(os, "scandir", watch(os.scandir))
    return seen


def decide(key: str) -> tuple[str, str]:
    if key == "case:calibrated-pctr":
        return "covered", "must be calibrated because it is multiplied by the bid"
    return "missed", ""


def test_judge_accuracy_runs_on_a_tiny_set_against_the_stub(benchmark, tiny, stub, opened, capsys):
    stub.default = verdicts(decide)
    code = benchmark.main(["--model", "stub", "--split", "dev", "--heldout", str(tiny)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "to the model stub on this machine" in err
    assert err.count("judged dev/") == 1 and "judged dev/ctr-prediction/strong" in err
    assert len(stub.requests) == 2  # the two steps with an answer
    judge_row = next(line for line in out.splitlines() if line.startswith("| AI judge (stub)"))
    # precision, recall, agreement, tp, fp, fn
    assert judge_row.split("|")[2:8] == [" 1.00 ", " 1.00 ", " 1.00 ", " 1 ", " 0 ", " 0 "]
    assert "| offline scorer |" in out
    assert "1 of 3 labelled points had no verdict from the judge" in out
    assert any(p.startswith(str(tiny)) for p in opened)  # the watch sees what it reads
    assert not [p for p in opened if p.startswith(str(HELDOUT))]


def test_judge_accuracy_without_a_usable_model_measures_nothing(benchmark, tiny, stub, capsys):
    code = benchmark.main(["--model", "no-such-model", "--split", "dev", "--heldout", str(tiny)])
    assert code == 1
    assert "nothing measured" in capsys.readouterr().err
    assert stub.requests == []
