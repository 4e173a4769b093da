"""`mlsd list`, `show` and `cases ...` as a user runs them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mlsd._util.paths import bundled_cases_dir
from mlsd.cases.catalog import load_case
from mlsd.cases.lint import lint_file

FLAGSHIPS = {"ctr-prediction", "feed-ranking", "visual-search"}


def test_version(run):
    result = run("--version")
    assert result.code == 0
    assert result.out.startswith("mlsd ")


def test_list_json_includes_the_flagships(run):
    result = run("list", "--json")
    assert result.code == 0, result.err
    ids = {row["id"] for row in json.loads(result.out)}
    assert ids >= FLAGSHIPS
    row = json.loads(result.out)[0]
    assert set(row) == {"id", "title", "summary", "difficulty", "tags", "path"}


def test_list_text_and_tag_filter(run):
    result = run("list", "--tag", "ads")
    assert result.code == 0
    assert "ctr-prediction" in result.out
    assert "visual-search" not in result.out
    assert "No cases tagged" in run("list", "--tag", "no-such-tag").err


def test_list_cache_is_never_stale(run, write_case, case_data, tmp_path):
    path = write_case(case_data)
    first = run("--cases-dir", str(path.parent), "list", "--json")
    assert "A tiny case" in first.out
    case_data["title"] = "A renamed case"
    write_case(case_data)
    second = run("--cases-dir", str(path.parent), "list", "--json")
    assert "A renamed case" in second.out
    assert "A tiny case" not in second.out


def test_list_warns_about_a_broken_user_case_and_lists_the_rest(run, write_case):
    folder = write_case("format: 1\nid: [\n", name="broken").parent
    result = run("--cases-dir", str(folder), "list", "--json")
    assert result.code == 0
    assert "mlsd: skipped a broken case file: " in result.err and "broken.yaml:" in result.err
    assert "Traceback" not in result.err
    assert "ctr-prediction" in result.out


def test_cases_path_env_adds_folders(run, write_case, case_data, monkeypatch):
    path = write_case(case_data)
    monkeypatch.setenv("MLSD_CASES_PATH", str(path.parent))
    assert "tiny-case" in run("list").out


def test_a_case_id_defined_twice_names_both_files(run, write_case, case_data, tmp_path):
    first = write_case(case_data, folder=tmp_path / "one")
    second = write_case(case_data, folder=tmp_path / "two")
    result = run("--cases-dir", str(first.parent), "--cases-dir", str(second.parent), "list")
    assert result.code == 1
    assert str(first) in result.err
    assert str(second) in result.err


def test_missing_cases_dir_is_an_error(run, tmp_path):
    result = run("--cases-dir", str(tmp_path / "nope"), "list")
    assert result.code == 1
    assert "does not exist" in result.err
    assert "Traceback" not in result.out + result.err


@pytest.mark.parametrize("case_id", sorted(FLAGSHIPS))
def test_show_has_no_spoilers(run, case_id):
    case = load_case(bundled_cases_dir() / f"{case_id}.yaml")
    result = run("show", case_id)
    assert result.code == 0, result.err
    text = " ".join(result.out.split())
    assert case.title in text
    for step in case.steps.values():
        secrets = [p.point for p in step.rubric] + [p.why for p in step.rubric] + list(step.hints)
        secrets += [f.question for f in step.follow_ups]
        for secret in secrets:
            assert " ".join(secret.split())[:60] not in text, secret
        reference = " ".join(step.reference.split())
        assert reference[:80] not in text
    for clarification in case.clarifications:
        assert " ".join(clarification.answer.split())[:60] not in text


def test_show_json_is_the_brief(run):
    result = run("show", "visual-search", "--json")
    brief = json.loads(result.out)
    assert brief["id"] == "visual-search"
    assert brief["steps"][0]["id"] == "requirements"
    assert abs(brief["total_minutes"] - 45) < 0.01
    forbidden = {"rubric", "hints", "follow_ups", "reference", "clarifications", "diagram"}
    assert not forbidden & set(json.dumps(brief).replace('"', " ").split())


def test_show_unknown_case_suggests_close_ids(run):
    result = run("show", "ctr-predction")
    assert result.code == 1
    assert "Did you mean: ctr-prediction" in result.err
    assert "Traceback" not in result.err


def test_show_accepts_a_path(run, write_case, case_data):
    result = run("show", str(write_case(case_data)))
    assert result.code == 0
    assert "A tiny case" in result.out


def test_show_user_text_is_not_rich_markup(run, write_case, case_data):
    case_data["prompt"] = "Use [bold]x[/bold] and [red] literally."
    result = run("show", str(write_case(case_data)))
    assert "[bold]x[/bold]" in result.out
    assert "[red]" in result.out


def test_schema_is_json_schema(run):
    schema = json.loads(run("cases", "schema").out)
    assert schema["type"] == "object"
    assert "clarifications" in schema["properties"]
    assert schema["additionalProperties"] is False


def test_new_skeleton_validates_but_lint_flags_it(run, tmp_path):
    result = run("cases", "new", "spam-filter", "--dir", str(tmp_path))
    assert result.code == 0, result.err
    path = tmp_path / "spam-filter.yaml"
    case = load_case(path)
    assert case.id == "spam-filter"
    problems = [str(p) for p in lint_file(path)]
    assert any("placeholder" in p for p in problems)
    assert any("clarifications" in p for p in problems)
    again = run("cases", "new", "spam-filter", "--dir", str(tmp_path))
    assert again.code == 1
    assert "--force" in again.err
    assert "already exists" in again.err and "Traceback" not in again.err


def test_new_rejects_a_bad_id(run, tmp_path):
    result = run("cases", "new", "Spam Filter", "--dir", str(tmp_path))
    assert result.code == 1
    assert "not a valid case id" in result.err
    assert "Traceback" not in result.out + result.err


def test_bad_usage_exits_2(run):
    assert run("list", "--bogus").code == 2


def test_every_bundled_case_lints_clean():
    files = sorted(bundled_cases_dir().glob("*.yaml"))
    assert {f.stem for f in files} >= FLAGSHIPS
    for path in files:
        assert [str(p) for p in lint_file(path)] == [], path


def test_bundled_case_ids_match_file_names():
    for path in bundled_cases_dir().glob("*.yaml"):
        assert load_case(path).id == path.stem


def test_python_dash_m(tmp_path: Path):
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "mlsd", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("mlsd ")


def test_listing_one_folder_does_not_evict_another_from_the_cache(
    run, write_case, case_data, monkeypatch
):
    import mlsd.cases.index

    path = write_case(case_data)
    run("--cases-dir", str(path.parent), "list")
    run("list")  # bundled only
    calls = []
    monkeypatch.setattr(
        mlsd.cases.index, "_summarise", lambda p: calls.append(p) or {"problem": "x"}
    )
    result = run("--cases-dir", str(path.parent), "list", "--json")
    assert calls == []
    assert "tiny-case" in result.out


def test_show_uses_a_brief_cache_that_is_never_stale(run, write_case, case_data):
    path = write_case(case_data)
    assert "Design a tiny system." in run("show", str(path)).out
    case_data["prompt"] = "Design a renamed system."
    write_case(case_data)
    out = run("show", str(path), "--json").out
    assert "Design a renamed system." in out
    assert "Design a tiny system." not in out


def test_show_on_a_cache_hit_loads_neither_yaml_nor_the_models(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "MLSD_HOME": str(tmp_path)}
    subprocess.run(
        [sys.executable, "-m", "mlsd", "show", "ctr-prediction"],
        env=env,
        check=True,
        capture_output=True,
    )
    code = (
        "import sys, io, contextlib; from mlsd.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()): main(['show', 'ctr-prediction', '--json'])\n"
        "print(','.join(m for m in ('yaml', 'mlsd.cases.models', 'mlsd.cases.catalog') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    )
    assert out.stdout.strip() == ""


def test_piped_list_is_never_cut(run):
    out = run("list").out
    assert "Retrieval-augmented question answering over company documents" in out
    assert "…" not in out


def test_show_interviewer_is_the_guide_with_every_spoiler(run):
    result = run("show", "search-ranking", "--interviewer")
    assert result.code == 0, result.err
    guide = result.out
    assert guide.startswith("# Interviewer's guide: ")
    assert "Must hear (core):" in guide and "Signals of depth:" in guide
    assert "Probes (yours only):" in guide and "Listen for:" in guide
    # the candidate's brief has none of it
    brief = run("show", "search-ranking").out
    assert "Must hear" not in brief and "Probes" not in brief


def _skeleton(run, tmp_path: Path) -> Path:
    assert run("cases", "new", "spam-filter", "--dir", str(tmp_path)).code == 0
    return tmp_path / "spam-filter.yaml"


def test_lint_of_a_fresh_skeleton_is_a_short_checklist(run, tmp_path):
    from mlsd.cases.catalog import load_framework

    path = _skeleton(run, tmp_path)
    every = lint_file(path)
    result = run("cases", "lint", str(path))
    assert result.code == 1
    lines = result.err.splitlines()
    assert len(every) > 100
    assert len(lines) < 30, result.err
    assert f"a draft with {len(every)} problems" in lines[0]
    steps = [s.id for s in load_framework().steps]
    # one line per kind of placeholder, counted, at its first place
    rubric = [line for line in lines if "steps.*.rubric (" in line]
    assert len(rubric) == 1
    assert f"steps.*.rubric ({6 * len(steps)})" in rubric[0]
    assert rubric[0].split()[0].startswith(f"{path}:")
    # the depth rules, one line per step, located
    for sid in steps:
        (line,) = [ln for ln in lines if f"steps.{sid}: " in ln]
        assert "prompts 2/3" in line and "reference words" in line
        assert line.split()[0].count(":") == 2
    assert any("clarifications: count 1/8" in ln for ln in lines)
    assert "cases lint --all" in result.err
    assert "needs work" in lines[-1]


def test_lint_all_lists_every_problem_of_a_skeleton(run, tmp_path):
    path = _skeleton(run, tmp_path)
    result = run("cases", "lint", "--all", str(path))
    assert result.code == 1
    assert result.err.splitlines()[:-1] == [str(p) for p in lint_file(path)]


def test_a_draft_checklist_still_lists_each_unsafe_regex_in_full(run, tmp_path):
    path = _skeleton(run, tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("match: [daily active users,", "match: ['re:^(\\w+\\s?)*$',", 1),
        encoding="utf-8",
    )
    result = run("cases", "lint", str(path))
    assert "a draft with" in result.err
    (line,) = [ln for ln in result.err.splitlines() if "regular expression" in ln]
    at = 1 + next(i for i, ln in enumerate(text.splitlines()) if "match: [daily" in ln)
    assert line.startswith(f"{path}:{at}:")


def test_lint_of_a_nearly_done_case_reports_every_problem_at_its_line(run, write_case, case_data):
    case_data["summary"] = "TODO say what it does."
    case_data["diagram"] = case_data["diagram"][:3]
    path = write_case(case_data)
    result = run("cases", "lint", str(path))
    assert result.code == 1
    assert result.err.splitlines()[:-1] == [str(p) for p in lint_file(path)]
    assert len(result.err.splitlines()) == 3
    assert "draft" not in result.err


def test_an_error_on_a_terminal_wraps_between_words_at_its_width(tmp_path):
    """At 60 columns the terminal used to cut the message wherever the line ran out,
    words and commands included."""
    import pexpect

    from tests.pty_helpers import spawn

    child = spawn(tmp_path / "home", "review", "--json", size=(24, 60))
    child.expect(pexpect.EOF)
    lines = [line for line in child.before.replace("\r", "").split("\n") if line.strip()]
    assert lines[0].startswith("mlsd: --json lists the due cards")
    assert len(lines) >= 2 and all(len(line) <= 60 for line in lines), lines
    assert lines[1].startswith("  ")  # continuation lines are indented
    said = "--json lists the due cards: use it with --due (mlsd review --due --json)"
    assert " ".join(line.strip() for line in lines) == f"mlsd: {said}"  # no word cut


def test_no_option_in_any_help_is_labelled_with_a_python_type():
    """Typer labels a flag `<bool>` (`mlsd list --json <bool>`, though `--json true` is
    refused) and a number `<float range>`: every option names what it takes, or nothing."""
    from typer._click.core import Context
    from typer.core import TyperGroup, TyperOption
    from typer.main import get_command

    from mlsd.cli import app

    unlabelled: list[str] = []

    def walk(command: object, path: str) -> None:
        if isinstance(command, TyperGroup):
            for name in command.list_commands(None):  # type: ignore[arg-type]
                walk(command.get_command(None, name), f"{path} {name}")  # type: ignore[arg-type]
        help_option = command.get_help_option(Context(command))  # type: ignore[attr-defined]
        for param in [*getattr(command, "params", []), help_option]:
            if isinstance(param, TyperOption):
                shown = param.display_type_rich(None)  # type: ignore[arg-type]
                if shown is not None and re.search(r"<(?:bool|int|float|str)\b", shown):
                    unlabelled.append(f"{path} {param.opts[0]} {shown}")

    walk(get_command(app), "mlsd")
    assert unlabelled == []


def test_list_at_60_columns_wraps_titles_instead_of_cutting_them(tmp_path):
    """'An employee agent that completes travel, expense and I…': a case's title says
    what it is, so on a narrow terminal it wraps under its id; only tags give way."""
    import pexpect

    from tests.pty_helpers import spawn

    child = spawn(tmp_path / "home", "list", "--tag", "generative-ai", size=(40, 60))
    child.expect(pexpect.EOF)
    lines = child.before.replace("\r", "").split("\n")
    assert all(len(line) <= 60 for line in lines), lines
    titles = [line for line in lines if line.startswith("    ")]
    assert not any("…" in line for line in titles), titles
    shown = " ".join(" ".join(line.split()) for line in titles)
    case = load_case(bundled_cases_dir() / "agentic-assistant.yaml")
    assert case.title in shown
