"""Files that are not what they say: devices, FIFOs, duplicate keys, merge keys, ReDoS.

Case packs are shared by strangers, so a ``*.yaml`` may be a symlink to ``/dev/zero``, a
FIFO, or a file whose second ``model:`` silently replaces the first. The reproductions
from issue 12 run as real processes with a memory limit and a generous timeout: on the
old code they ate gigabytes or hung, and the guard turns that into a failure instead of
taking the test run down with them.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from mlsd._util import reading
from mlsd._util.reading import read_bytes_capped, read_text_capped
from mlsd.cases import yamlio
from mlsd.cases.catalog import load_answers, load_case
from mlsd.cases.lint import lint_file
from mlsd.cases.regex_safety import MAX_STEPS, backtracking_risk
from mlsd.errors import FileProblemError

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
needs_dev_zero = pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")

NOT_REGULAR = "not a regular file; mlsd reads only regular files"
# Not a speed check: only a guard so that a hang fails the test instead of the run.
HANG_GUARD_SECONDS = 120
MEMORY_LIMIT = 1024 * 1024 * 1024


def _limit_memory() -> None:
    import resource  # POSIX only, like the FIFOs and devices these tests make

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def mlsd(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m mlsd ARGS`` with 1 GiB of memory, stdin closed, and a hang guard."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLSD_CASES")}
    return subprocess.run(
        [sys.executable, "-m", "mlsd", *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_SECONDS,
        preexec_fn=_limit_memory,  # the child runs only setrlimit before exec
        check=False,
    )


def clean(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr
    assert "unexpected error" not in result.stderr
    assert "MemoryError" not in result.stderr


# -- the issue's reproductions ------------------------------------------------------------


@needs_dev_zero
def test_validate_a_folder_with_a_link_to_dev_zero_refuses_it_at_once(tmp_path):
    pack = tmp_path / "p"
    pack.mkdir()
    (pack / "zero.yaml").symlink_to("/dev/zero")
    result = mlsd("cases", "validate", "p", cwd=tmp_path)
    clean(result)
    assert result.returncode == 1
    assert f"p/zero.yaml: is a character device, {NOT_REGULAR}" in result.stderr
    assert "1 file with problems" in result.stderr


@needs_fifo
def test_validate_a_folder_with_a_fifo_does_not_hang(tmp_path):
    pack = tmp_path / "p"
    pack.mkdir()
    os.mkfifo(pack / "pipe.yaml")
    result = mlsd("cases", "validate", "p", cwd=tmp_path)
    clean(result)
    assert result.returncode == 1
    assert f"p/pipe.yaml: is a FIFO (named pipe), {NOT_REGULAR}" in result.stderr


@needs_dev_zero
def test_practice_answers_from_dev_zero_is_refused(tmp_path):
    result = mlsd("practice", "--answers", "/dev/zero", cwd=tmp_path)
    clean(result)
    assert result.returncode == 1
    assert f"mlsd: /dev/zero: is a character device, {NOT_REGULAR}" in result.stderr


@needs_fifo
def test_practice_answers_from_a_fifo_does_not_hang(tmp_path):
    os.mkfifo(tmp_path / "answers.yaml")
    result = mlsd("practice", "--answers", "answers.yaml", cwd=tmp_path)
    clean(result)
    assert result.returncode == 1
    assert f"answers.yaml: is a FIFO (named pipe), {NOT_REGULAR}" in result.stderr


@needs_fifo
def test_score_a_design_doc_that_is_a_fifo(tmp_path):
    os.mkfifo(tmp_path / "doc.md")
    result = mlsd("score", "--case", "ctr-prediction", "doc.md", cwd=tmp_path)
    clean(result)
    assert result.returncode == 1
    assert f"doc.md: is a FIFO (named pipe), {NOT_REGULAR}" in result.stderr


@needs_fifo
@needs_dev_zero
def test_list_skips_a_fifo_and_a_device_with_a_warning(run, tmp_path, write_case, case_data):
    folder = tmp_path / "cases"
    write_case(case_data, folder=folder)
    os.mkfifo(folder / "pipe.yaml")
    (folder / "zero.yaml").symlink_to("/dev/zero")
    result = run("--cases-dir", str(folder), "list")
    assert result.code == 0
    assert "tiny-case" in result.out
    for name in ("pipe.yaml", "zero.yaml"):
        assert f"skipped a broken case file: {folder / name}: not a regular file" in result.err


# -- the reader ---------------------------------------------------------------------------


@needs_fifo
def test_the_reader_refuses_a_fifo_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(FileProblemError, match="is a FIFO"):
        read_text_capped(fifo, 100)


def test_the_reader_checks_the_descriptor_it_opened_not_the_name(tmp_path, monkeypatch):
    """A file swapped for a FIFO between the first look and the open is still refused."""
    path = tmp_path / "a.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    real_fstat = os.fstat

    def fifo_fstat(fd: int) -> os.stat_result:
        values = list(real_fstat(fd))
        values[0] = stat.S_IFIFO | 0o600
        return os.stat_result(values)

    monkeypatch.setattr(reading.os, "fstat", fifo_fstat)
    with pytest.raises(FileProblemError, match="is a FIFO"):
        read_text_capped(path, 100)


def test_the_reader_reads_at_most_one_byte_past_the_limit(tmp_path, monkeypatch):
    """A file that grows after fstat (its st_size is a lie) is still capped."""
    path = tmp_path / "growing.yaml"
    path.write_bytes(b"x" * 50)
    real_fstat = os.fstat

    def small_fstat(fd: int) -> os.stat_result:
        values = list(real_fstat(fd))
        values[6] = 0  # st_size, as /dev/zero and /proc files report it
        return os.stat_result(values)

    reads: list[int] = []
    real_read = os.read

    def counting_read(fd: int, n: int) -> bytes:
        reads.append(n)
        return real_read(fd, n)

    monkeypatch.setattr(reading.os, "fstat", small_fstat)
    monkeypatch.setattr(reading.os, "read", counting_read)
    with pytest.raises(FileProblemError, match="over the limit of 10 bytes"):
        read_bytes_capped(path, 10)
    assert sum(reads) <= 11


def test_the_reader_at_the_limit_and_one_byte_over(tmp_path):
    path = tmp_path / "doc.md"
    path.write_bytes(b"x" * 10)
    assert read_text_capped(path, 10) == "x" * 10
    path.write_bytes(b"x" * 11)
    with pytest.raises(FileProblemError) as info:
        read_text_capped(path, 10, "design doc")
    assert str(info.value) == f"{path}: design doc is 11 bytes; the limit is 10"


def test_the_reader_names_the_line_of_bad_utf8_and_drops_a_bom(tmp_path):
    path = tmp_path / "doc.md"
    path.write_bytes(b"\xef\xbb\xbf# Title\nca\xe9\n")
    with pytest.raises(FileProblemError) as info:
        read_text_capped(path, 100)
    assert str(info.value) == f"{path}:2:3: not valid UTF-8 (byte 0xe9)"
    path.write_bytes(b"\xef\xbb\xbf# Title\n")
    assert read_text_capped(path, 100) == "# Title\n"


def test_the_reader_on_a_folder_and_a_missing_file(tmp_path):
    with pytest.raises(FileProblemError, match="is a folder, not a file"):
        read_text_capped(tmp_path, 100)
    with pytest.raises(FileProblemError, match="no such file"):
        read_text_capped(tmp_path / "nope.yaml", 100)


# -- duplicate and merge keys -------------------------------------------------------------


def _with_duplicate_step(case_path: Path) -> tuple[int, int]:
    """Append a second ``model:`` under ``steps:``; return the lines of both."""
    lines = case_path.read_text(encoding="utf-8").splitlines()
    first = lines.index("  model:") + 1
    case_path.write_text(
        "\n".join([*lines, "  model:", "    prompts: [only this]"]) + "\n", encoding="utf-8"
    )
    return first, len(lines) + 1


def test_a_step_written_twice_is_refused_not_silently_replaced(write_case, case_data):
    del case_data["diagram"]  # so that `steps:` is the last mapping and we can append to it
    path = write_case(case_data)
    first, second = _with_duplicate_step(path)
    with pytest.raises(FileProblemError) as info:
        load_case(path)
    (problem,) = info.value.problems
    assert str(problem) == f"{path}:{second}:3: key 'model' appears twice (first at line {first})"


def test_duplicate_keys_are_refused_at_any_depth_and_all_reported(tmp_path):
    path = tmp_path / "dupes.yaml"
    path.write_text(
        "id: a\n"
        "steps:\n"
        "  model:\n"
        "    rubric:\n"
        "      - id: p\n"
        "        why: one\n"
        "        why: two\n"
        "id: b\n",
        encoding="utf-8",
    )
    with pytest.raises(FileProblemError) as info:
        yamlio.load(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}:7:9: key 'why' appears twice (first at line 6)",
        f"{path}:8:1: key 'id' appears twice (first at line 1)",
    ]


def test_equal_keys_in_different_mappings_are_fine(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text("a: {id: 1}\nb: {id: 2}\nc: [{id: 3}, {id: 4}]\n", encoding="utf-8")
    assert yamlio.load(path).data == {"a": {"id": 1}, "b": {"id": 2}, "c": [{"id": 3}, {"id": 4}]}


def test_a_duplicate_answer_in_an_answers_file_is_refused(tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text(
        "case: ctr-prediction\nanswers:\n  data: first\n  data: second\n", encoding="utf-8"
    )
    with pytest.raises(FileProblemError) as info:
        load_answers(path)
    assert str(info.value) == f"{path}:4:3: key 'data' appears twice (first at line 3)"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a: 1\n<<: {b: 2}\n", "2:1"),
        ("steps:\n  model:\n    <<: {prompts: [x]}\n", "3:5"),
        ("a:\n  - <<: [{b: 1}, {c: 2}]\n", "2:5"),
    ],
    ids=["top-level", "nested", "list-of-maps"],
)
def test_merge_keys_are_refused_and_located(tmp_path, text, where):
    path = tmp_path / "merge.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FileProblemError) as info:
        yamlio.load(path)
    assert str(info.value) == (
        f"{path}:{where}: merge keys (<<) are not allowed in mlsd files; write the fields out"
    )


def test_a_quoted_double_less_than_is_an_ordinary_key(tmp_path):
    path = tmp_path / "quoted.yaml"
    path.write_text('"<<": 1\n', encoding="utf-8")
    assert yamlio.load(path).data == {"<<": 1}


# -- catastrophic regular expressions -----------------------------------------------------


CATASTROPHIC = [
    r"^(\w+\s?)*$",  # the issue's phrase
    r"(a+)+",
    r"(a|a)*",
    r"(a*)*b",
    r"(\d+)*x",
    r"(\w+\d)+",
    r"((a+)b?)*",
    r"(x+x+)+y",
    r"(.*a){3,}",
    r"(\s*\w*)*",
    r"(a{1,10})*",
    r"(?:a|b|ab)+c",
    r"(ab|ab)*c",
    r"(\w+\s?){0,3}$",  # bounded, but a word splits in cubically many ways
    r"x(?=(a+)+b)",  # inside a lookahead
    r"(a+)\1*",
]

SAFE = [
    r"\w+(\s+\w+)*",
    r"(\w+\s+)*",
    r"(a+b+)+",
    r"\bcalibrat",
    r"a{2}",
    r"(?:\d{1,3},)*\d{1,3}",
    r"\b\d+\s?ms\b[^.]{0,40}\b\d+\s?ms\b",
    r"(ab|cd)*",
    r"(?:(?!since\b|so\b)\w+\W+){0,3}x",  # shapes the bundled cases use
    r"\b(x|times|\*)\s*\(?\s*(1\s*\+\s*)?(w|\w+)?\s*(x|times)?\s*fee\b",
    r"(unclosed",  # not judged here: the schema reports it
]


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_catastrophic_shapes_are_caught(pattern):
    assert backtracking_risk(pattern) is not None


@pytest.mark.parametrize("pattern", SAFE)
def test_safe_shapes_pass(pattern):
    assert backtracking_risk(pattern) is None


def test_a_pattern_too_big_to_check_is_refused_not_checked_for_ever():
    reason = backtracking_risk(r"[^.]{0,9}" * 390)
    assert reason is not None
    assert "too complex to check" in reason
    assert MAX_STEPS > 0


def test_every_bundled_re_phrase_is_judged_safe():
    import yaml

    from mlsd._util.paths import bundled_cases_dir, framework_path

    phrases: set[str] = set()
    for path in [*bundled_cases_dir().glob("*.yaml"), framework_path()]:
        stack: list[object] = [yaml.safe_load(path.read_text(encoding="utf-8"))]
        while stack:
            value = stack.pop()
            if isinstance(value, dict):
                stack += value.values()
            elif isinstance(value, list):
                stack += value
            elif isinstance(value, str) and value.startswith("re:"):
                phrases.add(value[3:])
    assert phrases
    assert [p for p in sorted(phrases) if backtracking_risk(p)] == []


@pytest.mark.parametrize("pattern", [r"^(\w+\s?)*$", r"(a+)+", r"(a|a)*"])
def test_lint_flags_a_catastrophic_match_phrase_with_its_line(write_case, case_data, pattern):
    case_data["steps"]["model"]["rubric"][2]["match"] = ["fine phrase", f"re:{pattern}"]
    case_data["steps"]["data"]["follow_ups"][0]["listen_for"] = [f"re:{pattern}"]
    case_data["clarifications"][1]["match"] = [f"re:{pattern}"]
    path = write_case(case_data)
    text = path.read_text(encoding="utf-8").splitlines()
    lines = [n for n, line in enumerate(text, start=1) if f"re:{pattern}"[:6] in line]
    problems = [str(p) for p in lint_file(path)]
    assert len(problems) == 3, problems
    for problem, line in zip(problems, lines, strict=True):
        assert problem.startswith(f"{path}:{line}:")
        assert "can take exponential time" in problem
    assert "clarifications[1].match[0]" in problems[0]
    assert any("steps.data.follow_ups[0].listen_for[0]" in p for p in problems)
    assert any("steps.model.rubric[2].match[1]" in p for p in problems)


def test_cli_lint_fails_on_the_issues_phrase(run, write_case, case_data):
    case_data["steps"]["model"]["rubric"][0]["match"] = [r"re:^(\w+\s?)*$"]
    result = run("cases", "lint", str(write_case(case_data)))
    assert result.code == 1
    assert "steps.model.rubric[0].match[0]: regular expression" in result.err
    assert "needs work" in result.err


def test_a_repeat_count_too_large_for_re_is_a_located_problem(write_case, case_data):
    case_data["steps"]["model"]["rubric"][0]["match"] = ["re:a{99999999999}"]
    path = write_case(case_data)
    with pytest.raises(FileProblemError) as info:
        load_case(path)
    assert "bad regular expression 're:a{99999999999}'" in str(info.value)
    assert str(info.value).startswith(f"{path}:")
