"""The built wheel carries the cases, templates and framework, and works from anywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("mlsd-*.whl")
    return built


@pytest.mark.slow
def test_wheel_contains_the_data(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "mlsd/framework.yaml" in names
    for case in (REPO / "cases").glob("*.yaml"):
        assert f"mlsd/_data/cases/{case.name}" in names
    for template in (REPO / "templates").glob("*.j2"):
        assert f"mlsd/_data/templates/{template.name}" in names


@pytest.mark.slow
def test_installed_wheel_runs_from_an_empty_directory(wheel: Path, tmp_path: Path):
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "MLSD_HOME": str(tmp_path / "home")}

    def mlsd(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "mlsd", *args],
            cwd=empty,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    where = subprocess.run(
        [sys.executable, "-c", "import mlsd; print(mlsd.__file__)"],
        cwd=empty,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(target)), "the test must exercise the installed wheel"
    ids = {row["id"] for row in json.loads(mlsd("list", "--json"))}
    assert {"ctr-prediction", "feed-ranking", "visual-search"} <= ids
    assert all(row["path"].startswith(str(target)) for row in json.loads(mlsd("list", "--json")))
    assert "Visual" in mlsd("show", "visual-search")
    assert "pass lint" in mlsd("cases", "lint")
