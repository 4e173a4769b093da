"""Shared fixtures: an isolated mlsd home, the CLI in-process, and small cases built inline."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from hypothesis import settings

from mlsd.cases.catalog import load_case, load_framework
from mlsd.cli import main

if TYPE_CHECKING:
    from tests.openai_stub import StubServer

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Every test gets its own MLSD_HOME and no stray case folders or colours."""
    home = tmp_path_factory.mktemp("mlsd-home")
    monkeypatch.setenv("MLSD_HOME", str(home))
    monkeypatch.delenv("MLSD_CASES_PATH", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    yield


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run ``mlsd ARGS`` in-process and capture exit code, stdout and stderr."""

    def _run(*args: str) -> Result:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run


def words(n: int, seed: str = "detail") -> str:
    return " ".join(f"{seed}{i}" for i in range(n))


def deep_case(case_id: str = "tiny-case") -> dict[str, Any]:
    """A synthetic case that satisfies every depth rule, built from the framework's steps."""
    steps = {}
    for step in load_framework().steps:
        sid = step.id
        steps[sid] = {
            "prompts": [f"{sid} prompt {i}?" for i in range(3)],
            "hints": [f"{sid} hint {i}" for i in range(2)],
            "rubric": [
                {
                    "id": f"{sid}-point-{i}",
                    "point": f"{sid} key point {i}.",
                    "match": [f"{sid}marker{i}"],
                    "weight": 1 + i % 3,
                    "level": ["mid", "senior", "staff"][i % 3],
                    "why": f"Because {sid} {i} matters.",
                }
                for i in range(6)
            ],
            "follow_ups": [
                {"question": f"{sid} follow-up {i}?", "listen_for": [f"{sid}listen{i}"]}
                for i in range(2)
            ],
            "reference": words(125, sid),
        }
    return {
        "format": 1,
        "id": case_id,
        "title": "A tiny case",
        "summary": "A synthetic case for tests.",
        "difficulty": "easy",
        "tags": ["testing", "ranking"],
        "prompt": "Design a tiny system.",
        "clarifications": [
            {
                "id": f"q{i}",
                "question": f"Question {i}?",
                "answer": f"There are {i + 1} million daily users, answer {i}.",
                "key": i < 4,
                "match": [f"clarify{i}"],
            }
            for i in range(8)
        ],
        "steps": steps,
        "diagram": [["a", "b"], ["b", "c"], ["c", "d"], ["d", "e"]],
    }


@pytest.fixture
def write_case(tmp_path: Path) -> Callable[..., Path]:
    """Write a case dict (or raw text) as ``<dir>/<name>.yaml`` and return the path."""

    def _write(
        data: dict[str, Any] | str | bytes, name: str = "tiny-case", folder: Path | None = None
    ) -> Path:
        folder = folder or tmp_path / "cases"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.yaml"
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            text = (
                data
                if isinstance(data, str)
                else yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
            )
            path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def case_data() -> dict[str, Any]:
    return copy.deepcopy(deep_case())


# Hypothesis: quick and derandomised in CI; HYPOTHESIS_PROFILE=long for a deep local run.
settings.register_profile("ci", derandomize=True, max_examples=60, deadline=None, print_blob=True)
settings.register_profile("long", max_examples=5000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def ctr() -> tuple[Any, str]:
    """The CTR case and its path, as practice and interview tests start from it."""
    from mlsd._util.paths import bundled_cases_dir

    path = bundled_cases_dir() / "ctr-prediction.yaml"
    return load_case(path), str(path)


@pytest.fixture
def store() -> Iterator[Any]:
    from mlsd.log.store import open_store

    with open_store() as opened:
        yield opened


@pytest.fixture
def stub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[StubServer]:
    """A local OpenAI-compatible server, registered with llm in a temporary user folder."""
    from tests.openai_stub import serve

    with serve(tmp_path / "llm", monkeypatch) as server:
        yield server
