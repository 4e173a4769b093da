"""`mlsd sessions`: what a stored session looks like to the candidate."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ANSWERS = Path(__file__).resolve().parent / "fixtures" / "answers"


def test_sessions_show_names_steps_as_the_candidate_saw_them(run):
    """Panels were titled with raw step ids ("requirements", "Skipped: monitoring")."""
    answers = yaml.safe_load((ANSWERS / "ctr-prediction-shallow.yaml").read_text())
    assert "monitoring" not in answers["answers"]
    assert run("practice", "--answers", str(ANSWERS / "ctr-prediction-shallow.yaml")).code == 0
    shown = run("sessions", "show", "latest")
    assert shown.code == 0, shown.err
    titles = re.findall(r"╭─ (.+?) ─", shown.out)
    assert titles[:3] == ["Clarifying questions", "Clarify requirements", "Data and labels"]
    assert "Skipped: Monitoring and maintenance" in shown.out


def test_the_summary_gives_time_and_budget_in_one_format(run):
    """A 10-minute session's scaled budgets read "0:00 / 1.3m"; now both are m:ss, to the
    second, and add up to the session's 10 minutes."""
    shallow = str(ANSWERS / "ctr-prediction-shallow.yaml")
    result = run("practice", "--answers", shallow, "--minutes", "10")
    assert result.code == 0, result.err
    assert "0:00 / 1:20" in result.out and "1.3m" not in result.out
    assert "Total time 0:00" in result.out


def test_every_view_counts_a_steps_time_the_same_way():
    """The score table rounded (2:11) where the session summary and the export cut
    (2:10), so one step showed two times."""
    from mlsd._util.formatting import clock
    from mlsd.ui.feedback import _duration

    assert _duration(130.7) == clock(130.7) == "2:10"
    assert _duration(None) == "–"


def test_the_score_table_shows_time_and_hints_only_for_a_timed_session():
    from rich.console import Console

    from mlsd._util.paths import case_dirs
    from mlsd.cases.catalog import load_case, load_framework
    from mlsd.cases.index import resolve
    from mlsd.rubric.scoring import score
    from mlsd.ui.console import THEME
    from mlsd.ui.feedback import summary_table

    framework = load_framework()
    case = load_case(resolve("ctr-prediction", case_dirs([])), framework)
    answers = {"data": "Clicks joined to impressions."}

    def header(**kw: object) -> str:
        console = Console(width=100, record=True, color_system=None, theme=THEME)
        console.print(summary_table(score(case, framework, answers, **kw)))  # type: ignore[arg-type]
        return console.export_text().splitlines()[1]

    assert "Time / budget" in header(seconds={"data": 75.0}, hints={"data": 1})
    assert "Time / budget" not in header() and "Hints" not in header()


def test_budgets_are_whole_seconds_that_add_up_and_read_as_the_clock():
    """A 10-minute interview's agenda read "1.3m", its scorecard "0:53 of 1.3 min" and
    "Total 9.9 min"."""
    from mlsd._util.formatting import budget
    from mlsd.cases.brief import step_budgets
    from mlsd.cases.catalog import load_framework

    budgets = step_budgets(load_framework(), 10)
    assert sum(budgets.values()) * 60 == pytest.approx(600, abs=1)
    assert budget(budgets["requirements"]) == "1:20"
    assert budget(6) == "6 min" and budget(45.0) == "45 min"


@pytest.mark.parametrize("columns", [60, 80])
def test_the_end_of_session_table_fits_without_cutting_a_cell(run, monkeypatch, columns):
    """At 60 columns every cell was cut: 'answer…', 'Follow-…', 'requir…'."""
    from mlsd.ui.console import stdout_console

    monkeypatch.setenv("COLUMNS", str(columns))
    stdout_console.cache_clear()  # a console reads COLUMNS once, when it is made
    try:
        result = run("practice", "--answers", str(ANSWERS / "ctr-prediction-shallow.yaml"))
    finally:
        stdout_console.cache_clear()
    assert result.code == 0, result.err
    table = result.out[: result.out.index("Key points covered")]
    assert "…" not in table
    assert all(len(line) <= columns for line in table.splitlines())
    assert ("(skipped)" in table) == (columns < 80)  # the status moves beside the title


def test_sessions_at_60_columns_keep_the_time_of_day(run):
    """The narrow list showed STARTED as '12-03': three sessions of a day looked alike."""
    import os

    import pexpect

    from tests.pty_helpers import spawn

    assert run("practice", "--answers", str(ANSWERS / "ctr-prediction-shallow.yaml")).code == 0
    child = spawn(Path(os.environ["MLSD_HOME"]), "sessions", size=(24, 60))
    child.expect(pexpect.EOF)
    lines = [line for line in child.before.replace("\r", "").split("\n") if line.strip()]
    assert all(len(line) <= 60 for line in lines), lines
    assert re.search(r"\b\d\d-\d\d \d\d:\d\d\b", lines[1]), lines


@pytest.mark.parametrize("columns", [60, 80])
def test_the_score_table_of_a_timed_session_keeps_its_step_titles(columns):
    """At 60 columns a timed session's table shrank every step title to '…'."""
    from rich.console import Console

    from mlsd._util.paths import case_dirs
    from mlsd.cases.catalog import load_case, load_framework
    from mlsd.cases.index import resolve
    from mlsd.rubric.scoring import score
    from mlsd.ui.console import THEME
    from mlsd.ui.feedback import summary_table

    framework = load_framework()
    case = load_case(resolve("ctr-prediction", case_dirs([])), framework)
    report = score(
        case, framework, {"data": "Clicks joined to impressions."}, seconds={"data": 9.0}
    )
    console = Console(width=columns, record=True, color_system=None, theme=THEME)
    console.print(summary_table(report))
    shown = console.export_text()
    assert "…" not in shown and all(len(line) <= columns for line in shown.splitlines())
    assert "Time / budget" in shown and ("Hints" in shown) == (columns >= 72)


@pytest.mark.parametrize(("zone", "hours"), [("UTC", 0), ("Asia/Tokyo", 9)])
def test_times_are_shown_on_the_candidates_clock(zone, hours, monkeypatch):
    """`sessions` showed 06:43 in Tokyo, where it was 15:43, with nothing to say it was
    UTC, while "due today" and "tomorrow" counted the candidate's own days."""
    import time

    from mlsd._util.formatting import local_time

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        assert local_time("2026-12-03T06:43:10") == f"2026-12-03 {6 + hours:02d}:43"
        assert local_time("2026-12-03T20:00:00", 10) == ("2026-12-04" if hours else "2026-12-03")
        assert local_time("not a time") == "not a time"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_piped_views_have_no_trailing_spaces_and_wrapped_questions_hang(run, monkeypatch):
    """Piped, every line of `progress` ended in spaces up to the full width, and a key
    question missed wrapped back to column 0 in `score`."""
    from mlsd.ui.console import stdout_console

    monkeypatch.setenv("COLUMNS", "60")
    stdout_console.cache_clear()
    try:
        assert run("practice", "--answers", str(ANSWERS / "ctr-prediction-shallow.yaml")).code == 0
        for view in (("progress",), ("score", "latest"), ("sessions",)):
            out = run(*view).out
            assert out.strip() and not [line for line in out.splitlines() if line.endswith(" ")]
        lines = run("score", "latest").out.splitlines()
        first = next(
            n for n, line in enumerate(lines) if line.startswith("  ✗ What is the latency")
        )
        assert lines[first + 1].startswith("    ") and lines[first + 1].strip()
    finally:
        stdout_console.cache_clear()
