"""The README's two set-up commands stay true: CI runs the test command verbatim."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def shell_blocks() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.*?)\n```", text, flags=re.DOTALL)


def test_readme_starts_with_the_two_setup_commands():
    run, test = shell_blocks()[:2]
    assert "pip install ." in run
    assert "mlsd " in run
    assert "pytest" in test


def test_ci_runs_the_readme_test_command_verbatim():
    test_command = shell_blocks()[1].strip()
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_the_answers_file_example_names_real_clarifications_and_steps():
    import yaml

    from mlsd.cases.catalog import load_case, load_framework

    text = (REPO / "README.md").read_text(encoding="utf-8")
    example = yaml.safe_load(re.findall(r"```yaml\n(.*?)\n```", text, flags=re.DOTALL)[0])
    framework = load_framework()
    case = load_case(REPO / "cases" / f"{example['case']}.yaml", framework)
    assert set(example["clarifications"]) <= {c.id for c in case.clarifications}
    assert set(example["answers"]) | set(example["follow_ups"]) <= set(framework.step_ids)
