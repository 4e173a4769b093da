"""The house rules, checked in the test run so CI enforces them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = BIN / name
    if found.exists():
        return str(found)
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: install the test extra (pip install -e '.[test]')")
    return path


def check(*cmd: str) -> None:
    result = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}"


def test_ruff_lint():
    check(tool("ruff"), "check", "mlsd", "tests", "benchmarks")


def test_ruff_format():
    check(tool("ruff"), "format", "--check", "mlsd", "tests", "benchmarks")


def test_mypy_strict():
    check(tool("mypy"), "--strict", "mlsd")


def test_readme_and_docs_pass_pymarkdownlnt():
    docs = sorted(str(p.relative_to(REPO)) for p in (REPO / "docs").glob("*.md"))
    check(tool("pymarkdown"), "--config", ".pymarkdown.json", "scan", "README.md", *docs)


def test_import_linter_layers():
    check(tool("lint-imports"))


def test_every_package_is_in_a_layer():
    """The folder tree is the architecture: a new package or top-level module needs a layer."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    layered = {name.strip() for layer in contract["layers"] for name in layer.split("|")}
    present = {
        f"mlsd.{p.stem}"
        for p in (REPO / "mlsd").glob("*.py")
        if p.stem not in {"__init__", "__main__"}
    }
    present |= {f"mlsd.{p.name}" for p in (REPO / "mlsd").iterdir() if (p / "__init__.py").exists()}
    assert present == layered, f"add to or remove from the layers contract: {present ^ layered}"


def test_no_module_is_over_the_size_limit():
    """Past ~400 lines a module is two modules (docs/architecture.md)."""
    long = {
        str(p.relative_to(REPO)): n
        for p in (REPO / "mlsd").rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 420
    }
    assert not long, f"split these modules: {long}"


def test_startup_path_imports_no_heavy_library():
    """`mlsd --help` must not pay for jinja2, yaml, questionary or the core's pydantic models,
    nor for the optional AI and flash-card libraries (installed or not, start-up is the same)."""
    code = (
        "import sys, mlsd.cli; "
        "heavy = [m for m in ('jinja2', 'yaml', 'questionary', 'mlsd.cases.models', 'mlsd.cases.catalog', 'sqlite3', 'llm', 'fsrs', 'genanki') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_doc_the_code_and_readme_cite_exists():
    """A docstring or message that sends people to a doc must not send them nowhere."""
    import re

    cited: set[str] = set()
    for path in [*(REPO / "mlsd").rglob("*.py"), REPO / "README.md"]:
        cited |= set(re.findall(r"docs/[\w.-]+\.md", path.read_text(encoding="utf-8")))
    missing = sorted(c for c in cited if not (REPO / c).is_file())
    assert cited and not missing, missing


def test_dependency_floors_exclude_known_sandbox_escapes():
    """Jinja 3.1.5 and older let a sandboxed template reach os.environ through
    ``|attr("format")``; user templates run sandboxed, so the floor is 3.1.6."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    jinja = next(d for d in config["project"]["dependencies"] if d.startswith("jinja2"))
    assert jinja.replace(" ", "").split("#")[0] == "jinja2>=3.1.6"


# Imported directly although only a dependency of a declared one, and why that is safe.
THROUGH = {"prompt_toolkit": "questionary"}  # questionary's prompt engine: mlsd adds key bindings


def test_every_library_mlsd_imports_is_a_declared_dependency():
    """typer 0.29 stopped depending on click; `import click` in mlsd still passed every
    test (llm and import-linter bring click into the test install) while a user's plain
    `pip install .` ended every practice session with ModuleNotFoundError."""
    import ast
    import re

    config = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = config["dependencies"] + config["optional-dependencies"]["ai"]
    declared += config["optional-dependencies"]["anki"]
    names = {re.split(r"[<>=!~;\[ ]", req, maxsplit=1)[0].lower() for req in declared}
    importable = {"pyyaml": "yaml"}  # a distribution whose module has another name
    allowed = {importable.get(name, name) for name in names}
    found: dict[str, str] = {}
    for path in sorted((REPO / "mlsd").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top != "mlsd" and top not in sys.stdlib_module_names:
                    found.setdefault(top, str(path.relative_to(REPO)))
    undeclared = {
        top: where
        for top, where in found.items()
        if top not in allowed and THROUGH.get(top) not in names
    }
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"
