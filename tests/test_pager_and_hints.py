"""Long output through a pager, reference notes wrapped once, and hints that run as printed
(issue 14)."""

from __future__ import annotations

import itertools
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from mlsd._util import program as program_module
from mlsd._util.textflow import unwrap
from mlsd.ui import pager as pager_module
from mlsd.ui.pager import CommandPager, pager_command
from tests.mdcheck import REPO
from tests.pty_helpers import spawn

STRONG = REPO / "tests" / "fixtures" / "answers" / "ctr-prediction-strong.yaml"
VENV_MLSD = Path(sys.executable).parent / "mlsd"
# A pager that keeps what it was given: the test reads the file it writes.
KEEPER = "import sys, pathlib; pathlib.Path(sys.argv[1]).write_bytes(sys.stdin.buffer.read())"


# -- the pager ---------------------------------------------------------------------------


@pytest.fixture
def tty(monkeypatch):
    monkeypatch.setattr(pager_module.sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.delenv("MLSD_PAGER", raising=False)
    monkeypatch.delenv("PAGER", raising=False)


def test_the_pager_is_mlsd_pager_then_pager_then_less(tty, monkeypatch):
    monkeypatch.setattr(pager_module.shutil, "which", lambda name: f"/bin/{name}")
    assert pager_command() == ["less"]
    monkeypatch.setenv("PAGER", "more -s")
    assert pager_command() == ["more", "-s"]
    monkeypatch.setenv("MLSD_PAGER", "less -S")
    assert pager_command() == ["less", "-S"]
    assert pager_command(no_pager=True) is None


@pytest.mark.parametrize("value", ["", "cat", "  ", "'unbalanced"])
def test_an_empty_pager_or_cat_prints_directly(tty, monkeypatch, value):
    monkeypatch.setenv("MLSD_PAGER", value)
    monkeypatch.setenv("PAGER", "less")
    assert pager_command() is None


def test_a_missing_pager_prints_directly(tty, monkeypatch):
    monkeypatch.setenv("PAGER", "no-such-pager-anywhere")
    assert pager_command() is None


def test_output_that_is_not_a_terminal_is_never_paged(monkeypatch):
    monkeypatch.setattr(pager_module.sys.stdout, "isatty", lambda: False, raising=False)
    monkeypatch.setenv("PAGER", "less")
    assert pager_command() is None


def test_the_command_pager_hands_over_every_line(tmp_path):
    kept = tmp_path / "kept.txt"
    text = "".join(f"line {i} ✓\n" for i in range(5000))  # more than a pipe buffer
    CommandPager([sys.executable, "-c", KEEPER, str(kept)]).show(text)
    assert kept.read_text(encoding="utf-8") == text


def test_a_pager_that_quits_early_is_not_an_error():
    CommandPager([sys.executable, "-c", "pass"]).show("x\n" * 200_000)


def _strong_session(home: Path) -> str:
    env = {**os.environ, "MLSD_HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-m", "mlsd", "practice", "--answers", str(STRONG)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"score ([0-9a-f]{8})", done.stderr + done.stdout)
    assert found, done.stderr
    return found.group(1)


@pytest.mark.parametrize("command", ["score SID", "sessions show latest"])
def test_long_output_in_a_terminal_goes_through_the_pager(tmp_path, monkeypatch, command):
    home = tmp_path / "home"
    args = command.replace("SID", _strong_session(home)).split()
    kept = tmp_path / "kept.txt"
    monkeypatch.setenv("MLSD_PAGER", shlex.join([sys.executable, "-c", KEEPER, str(kept)]))
    child = spawn(home, *args)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Ad click-through-rate prediction" in kept.read_text(encoding="utf-8")
    # --no-pager, after the command or before it, as git takes it.
    kept.unlink()
    for plain in ([*args, "--no-pager"], ["--no-pager", *args]):
        child = spawn(home, *plain)
        child.expect("Ad click-through-rate prediction")
        child.expect(pexpect.EOF)
        assert not kept.exists()


# -- reference notes and answers wrapped once ------------------------------------------


def test_markdown_reference_notes_join_their_wrapped_lines_and_keep_items():
    notes = (
        "- **Task**: for every candidate (user, ad, context) that survives retrieval, output\n"
        "  pCTR = P(click | impression). Pointwise binary classification.\n"
        "- **Calibration**: eCPM = bid x pCTR x 1,000.\n"
        "\n"
        "A closing paragraph that was\nwrapped short."
    )
    from rich.console import Console

    from mlsd.ui.feedback import notes_view

    console = Console(width=200, color_system=None, force_terminal=False)
    with console.capture() as shown:
        console.print(notes_view(notes))
    assert [line.rstrip() for line in shown.get().splitlines() if line.strip()] == [
        " • Task: for every candidate (user, ad, context) that survives retrieval, output "
        "pCTR = P(click | impression). Pointwise binary classification.",
        " • Calibration: eCPM = bid x pCTR x 1,000.",
        "A closing paragraph that was wrapped short.",
    ]


def test_typed_answers_unwrap_only_where_they_were_wrapped():
    typed = STRONG.read_text(encoding="utf-8")
    import yaml

    answer = yaml.safe_load(typed)["answers"]["requirements"]
    assert "\n" not in unwrap(answer)
    items = "Scale: 200M DAU\nLatency: 40 ms\n- a bullet"
    assert unwrap(items) == items


@pytest.mark.parametrize(("columns", "bars"), [(130, 3), (80, 2)])
def test_score_shows_reference_notes_without_ragged_stubs(tmp_path, columns, bars):
    """Beside the answer on a wide terminal (3 bars a line), below it in the step's panel
    on a narrow one (2), where two columns of a dozen characters cut every long word."""
    home = tmp_path / "home"
    sid = _strong_session(home)
    env = {**os.environ, "MLSD_HOME": str(home), "COLUMNS": str(columns), "NO_COLOR": "1"}
    out = subprocess.run(
        [sys.executable, "-m", "mlsd", "score", sid],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    table = out[out.index("Reference notes for the steps") :]
    assert "…" not in table and all(len(line) <= columns for line in table.splitlines())
    if bars == 2:  # the notes are the panel's lines after its "Reference notes" label
        table = "\n".join(part[part.index("Reference notes") :] for part in table.split("╭─")[1:])
    cells = [line.split("│")[bars - 1] for line in table.splitlines() if line.count("│") == bars]
    width = len(cells[0]) - 2  # rich pads a cell with one space each side
    column = [cell[1:].rstrip() for cell in cells]
    # Wrapped once, greedily, a line ends early only where its next word would not fit
    # or before a new item; a source line re-wrapped ends wherever the source did.
    ragged = [
        (line, following)
        for line, following in itertools.pairwise(column)
        if line
        and following
        and not following.lstrip().startswith(("- ", "• "))
        and len(line) + 1 + len(following.split()[0]) <= width
    ]
    assert len(column) > 50 and ragged == []
    # rendered as Markdown: no literal emphasis, and an item's wrapped lines hang under it
    assert not any("**" in line for line in column)
    items = [i for i, line in enumerate(column[:-1]) if line.lstrip().startswith("• ")]
    wrapped = [column[i + 1] for i in items if column[i + 1].strip() and "•" not in column[i + 1]]
    assert items and wrapped and all(line.startswith("   ") for line in wrapped)


# -- printed commands work as printed ------------------------------------------------------


@pytest.fixture
def argv0(monkeypatch):
    def use(path: str, on_path: str | None) -> str:
        monkeypatch.setattr(program_module.sys, "argv", [path])
        monkeypatch.setenv("PATH", on_path or "/nonexistent")
        program_module.program.cache_clear()
        return program_module.program()

    yield use
    program_module.program.cache_clear()


def test_the_program_is_plain_mlsd_only_when_path_finds_this_one(argv0, tmp_path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "mlsd").write_text("#!/bin/sh\n")
    (other / "mlsd").chmod(0o755)
    assert argv0(str(VENV_MLSD), str(VENV_MLSD.parent)) == "mlsd"
    assert argv0(str(VENV_MLSD), None) == str(VENV_MLSD)
    assert argv0(str(VENV_MLSD), str(other)) == str(VENV_MLSD)  # another mlsd first
    assert argv0(".venv/bin/mlsd", None) == ".venv/bin/mlsd"
    assert argv0("/a folder/mlsd", None) == "'/a folder/mlsd'"
    assert argv0("/usr/bin/pytest", None) == "mlsd"
    main = str(REPO / "mlsd" / "__main__.py")
    assert argv0(main, None) == "mlsd"  # python -m mlsd: a developer's way in
    assert program_module.command("resume", "7153f047") == "mlsd resume 7153f047"


def test_the_hint_printed_after_a_session_runs_as_printed(tmp_path):
    """mlsd not on PATH (the README's install): the hint names the path it was run by."""
    env = {**os.environ, "MLSD_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [str(VENV_MLSD), "practice", "--answers", str(STRONG)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    hint = done.stderr.strip().splitlines()[-1].split("missed: ", 1)[1]
    assert hint.startswith(f"{VENV_MLSD} score ")
    again = subprocess.run(
        [*shlex.split(hint), "--no-pager"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert again.returncode == 0, again.stderr
    assert "Ad click-through-rate prediction" in again.stdout


def test_version_is_a_plain_flag_in_help(run):
    result = run("--help")
    line = next(line for line in result.out.splitlines() if "--version" in line)
    assert "<bool>" not in line
    assert run("--version").out.startswith("mlsd ")
