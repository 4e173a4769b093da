"""Text from case packs, templates and the database is shown, never obeyed (issue 12, H1).

The terminal path matters here, so most tests run mlsd as a subprocess (or in a pty) and
look at the raw bytes it writes: nothing that starts an escape sequence (ESC, C1, BEL as
an OSC terminator) and no bidi override or zero-width character may come out raw.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pexpect
import pytest

from tests.pty_helpers import spawn

REPO = Path(__file__).resolve().parent.parent
ATTACK = "\x1b]0;PWNED\x07\x1b[2J\x1b]8;;http://evil/\x1b\\click\x9b2J\u202eevil\u200b"
# What must never reach a terminal raw: ESC, BEL, C1 CSI, RLO, zero-width space.
RAW = [b"\x1b", b"\x07", "\x9b".encode(), "\u202e".encode(), "\u200b".encode()]


def mlsd(
    home: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """``mlsd ARGS`` as a user runs it, output captured as bytes."""
    full = {**os.environ, "MLSD_HOME": str(home), "NO_COLOR": "1", **(env or {})}
    full.pop("MLSD_CASES_PATH", None)
    return subprocess.run(
        [sys.executable, "-m", "mlsd", *args],
        env=full,
        capture_output=True,
        timeout=120,
        check=False,
        cwd=home.parent,
    )


def assert_shown_not_obeyed(data: bytes) -> None:
    for raw in RAW:
        assert raw not in data, (raw, data[:400])
    assert b"Traceback" not in data and b"This is a bug" not in data, data[:400]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def evil_pack(tmp_path: Path, home: Path) -> Path:
    """The issue's reproduction: a case file with an escape sequence as a YAML key."""
    pack = tmp_path / "pack"
    pack.mkdir()
    assert mlsd(home, "cases", "new", "evil", "--dir", str(pack)).returncode == 0
    with (pack / "evil.yaml").open("a", encoding="utf-8") as handle:
        handle.write('"\\e]0;PWNED\\a\\e[2J\\e]8;;http://evil/\\e\\\\click": 1\n')
    return pack


def test_list_warning_for_an_escape_in_a_yaml_key_is_shown_and_replays_safely(home, evil_pack):
    first = mlsd(home, "--cases-dir", str(evil_pack), "list")
    assert first.returncode == 0
    assert b"skipped a broken case file" in first.stderr
    assert "␛]0;PWNED␇␛[2J".encode() in first.stderr
    assert_shown_not_obeyed(first.stdout + first.stderr)
    # The warning is cached in the case index and printed again from there.
    again = mlsd(home, "--cases-dir", str(evil_pack), "list")
    assert again.stderr == first.stderr
    assert_shown_not_obeyed(again.stdout + again.stderr)


@pytest.mark.parametrize("command", [["cases", "validate"], ["cases", "lint"]])
def test_validate_and_lint_show_an_escape_in_a_yaml_key(home, evil_pack, command):
    result = mlsd(home, *command, str(evil_pack))
    assert result.returncode == 1
    assert "␛]0;PWNED␇".encode() in result.stderr
    assert_shown_not_obeyed(result.stdout + result.stderr)


@pytest.mark.parametrize("command", [["list"], ["cases", "validate"], ["cases", "lint"]])
def test_a_case_file_name_with_escapes_is_shown_not_obeyed(home, evil_pack, command):
    renamed = evil_pack / "x\x1b]0;T\x07\u202e.yaml"
    (evil_pack / "evil.yaml").rename(renamed)
    args = (
        ["--cases-dir", str(evil_pack), *command]
        if command == ["list"]
        else [*command, str(evil_pack)]
    )
    result = mlsd(home, *args)
    assert "x␛]0;T␇<U+202E>.yaml".encode() in result.stderr
    assert_shown_not_obeyed(result.stdout + result.stderr)


def _case_with_title(tmp_path: Path, home: Path, title: str) -> Path:
    """A valid case whose title holds ``title``, written as YAML escapes."""
    pack = tmp_path / "titled"
    pack.mkdir()
    assert mlsd(home, "cases", "new", "titled", "--dir", str(pack)).returncode == 0
    path = pack / "titled.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    escaped = json.dumps(title)  # a JSON string is a YAML double-quoted string
    lines = [f"title: {escaped}" if line.startswith("title:") else line for line in lines]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return pack


def test_json_output_escapes_c1_bidi_and_zero_width(tmp_path, home):
    pack = _case_with_title(tmp_path, home, "T" + ATTACK)
    result = mlsd(home, "--cases-dir", str(pack), "list", "--json")
    assert result.returncode == 0, result.stderr
    assert_shown_not_obeyed(result.stdout)
    assert b"\\u009b" in result.stdout and b"\\u202e" in result.stdout
    titles = [row["title"] for row in json.loads(result.stdout)]
    assert "T" + ATTACK in titles  # escaped, not altered
    shown = mlsd(home, "--cases-dir", str(pack), "show", "titled", "--json")
    assert_shown_not_obeyed(shown.stdout)
    assert json.loads(shown.stdout)["title"] == "T" + ATTACK


def test_session_listing_and_delete_confirmation_show_a_stored_title_safely(tmp_path, home):
    pack = _case_with_title(tmp_path, home, "T" + ATTACK)
    answers = tmp_path / "answers.yaml"
    answers.write_text("case: titled\nanswers:\n  requirements: some words\n", encoding="utf-8")
    done = mlsd(home, "--cases-dir", str(pack), "practice", "--answers", str(answers))
    assert done.returncode == 0, done.stderr
    for args in (["sessions"], ["sessions", "--json"], ["sessions", "show", "latest"]):
        result = mlsd(home, *args)
        assert result.returncode == 0, result.stderr
        assert_shown_not_obeyed(result.stdout + result.stderr)
    # The confirmation prompt needs a terminal: a pty, read as raw bytes.
    child = spawn(home, "sessions", "delete", "latest")
    child.expect_exact("answers)?")
    prompt = child.before.encode("utf-8", "surrogateescape")
    assert b"T" in prompt and "␛]0;PWNED␇".encode() in prompt
    assert_shown_not_obeyed(prompt)
    child.sendline("n")
    child.expect("Kept.")
    child.expect(pexpect.EOF)


def test_score_json_quoting_an_answer_carries_no_raw_controls(tmp_path, home):
    import yaml

    source = REPO / "tests" / "fixtures" / "answers" / "ctr-prediction-strong.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["answers"] = {
        step: text.replace(". ", ".\x9b\u202e\x1b[2J ") for step, text in data["answers"].items()
    }
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert mlsd(home, "practice", "--answers", str(answers)).returncode == 0
    result = mlsd(home, "score", "latest", "--json")
    assert result.returncode == 0, result.stderr
    assert_shown_not_obeyed(result.stdout)
    json.loads(result.stdout)


def test_show_md_with_a_user_template_cannot_write_escapes(home):
    templates = home / "templates"
    templates.mkdir()
    (templates / "candidate_brief.md.j2").write_text(
        '{{ "\\x1b]0;PWNED\\x07\\x1b[2J\\u202e" }} # {{ brief.title }}\n\x1b]52;c;ZXZpbA==\x07\n',
        encoding="utf-8",
    )
    result = mlsd(home, "show", "ctr-prediction", "-f", "md")
    assert result.returncode == 0, result.stderr
    assert "␛]0;PWNED␇␛[2J<U+202E> # Ad click".encode() in result.stdout
    assert "␛]52;c;ZXZpbA==␇".encode() in result.stdout  # OSC 52, a clipboard write
    assert_shown_not_obeyed(result.stdout)


def test_a_non_utf8_output_encoding_never_crashes_a_view(tmp_path, home):
    latin = {"PYTHONIOENCODING": "latin-1"}
    shown = mlsd(home, "show", "ctr-prediction", env=latin)
    assert shown.returncode == 0, shown.stderr
    assert b"Ad click-through-rate prediction" in shown.stdout
    assert_shown_not_obeyed(shown.stdout + shown.stderr)
    answers = REPO / "tests" / "fixtures" / "answers" / "ctr-prediction-strong.yaml"
    out = tmp_path / "doc.md"
    done = mlsd(
        home,
        "practice",
        "ctr-prediction",
        "--answers",
        str(answers),
        "--export",
        str(out),
        env=latin,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").startswith("# ")  # the export is still written
    for args in (["sessions", "show", "latest"], ["score", "latest"], ["list"]):
        result = mlsd(home, *args, env=latin)
        assert result.returncode == 0, (args, result.stderr)
        assert b"Traceback" not in result.stderr and b"This is a bug" not in result.stderr


# -- the rules themselves -----------------------------------------------------------------


def test_every_invisible_format_character_gets_a_stand_in():
    from mlsd._util.textsafe import UNSAFE

    # Category Cf characters that render visibly (or join hieroglyphs / Brahmi numbers)
    # are left alone; every other one changes what is shown and must be replaced.
    visible_cf = {0x00AD, *range(0x0600, 0x0606), 0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2}
    visible_cf |= {0x110BD, 0x110CD, *range(0x13430, 0x13440)}
    for code in range(0x110000):
        char = chr(code)
        if unicodedata.category(char) in ("Cf", "Zl", "Zp", "Cc") and code not in visible_cf:
            if char in "\t\n":
                continue
            assert UNSAFE.fullmatch(char), hex(code)


def test_stand_ins_for_bidi_zero_width_and_controls():
    from mlsd._util.textsafe import controls_visible, visible

    text = "a\u202eb\u2066c\u200bd\ufeffe\U000e0041f\x1bg\x9bh\ti\nj"
    assert visible(text) == "a<U+202E>b<U+2066>c<U+200B>d<U+FEFF>e<U+E0041>f␛g\ufffdh\ti\nj"
    assert controls_visible(visible(text)) == visible(text)  # idempotent


def test_json_text_is_lossless():
    from mlsd._util.textsafe import UNSAFE, json_text

    data = {"t": "x\x1b\x9b\x7f\u202e\u200b\U000e0041y", "ok": "é ü 中"}
    text = json_text(data)
    assert not UNSAFE.search(text.replace("\n", ""))
    assert "é ü 中" in text  # readable, not \\u-escaped
    assert json.loads(text) == data


def test_the_last_resort_message_is_made_visible(monkeypatch, capsys):
    from mlsd import cli

    def boom(**_: object) -> None:
        raise RuntimeError("bad \x1b]0;PWNED\x07")

    monkeypatch.setattr(cli, "app", boom)
    assert cli.main([]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "bad ␛]0;PWNED␇" in err


# -- a corrupt case-index cache is a miss, never a crash (issue 11) -----------------------

CORRUPT_INDEX = {
    "not-json": "{nope",
    "a-list": "[1, 2]",
    "deeply-nested": "[" * 100_000 + "]" * 100_000,
    "entries-a-list": '{"version": "V", "entries": [1]}',
    "entry-a-list": '{"version": "V", "entries": {"K": [1]}}',
    "summary-a-list": '{"version": "V", "entries": {"K": {"size": S, "mtime": M, "summary": [1]}}}',
    "title-a-number": (
        '{"version": "V", "entries": {"K": {"size": S, "mtime": M, "summary": {"id": "x",'
        ' "title": 5, "summary": "s", "difficulty": "easy", "tags": [], "path": "p"}}}}'
    ),
    "tags-a-string": (
        '{"version": "V", "entries": {"K": {"size": S, "mtime": M, "summary": {"id": "x",'
        ' "title": "t", "summary": "s", "difficulty": "easy", "tags": "ab", "path": "p"}}}}'
    ),
    "missing-field": (
        '{"version": "V", "entries": {"K": {"size": S, "mtime": M, "summary": {"id": "x"}}}}'
    ),
    "extra-field": (
        '{"version": "V", "entries": {"K": {"size": S, "mtime": M, "summary": {"id": "x",'
        ' "title": "t", "summary": "s", "difficulty": "easy", "tags": [], "path": "p",'
        ' "evil": 1}}}}'
    ),
    "problem-a-number": '{"version": "V", "entries": {"K": {"size": S, "mtime": M, "problem": 7}}}',
    "not-utf8": b"\xff\xfe{",
}


@pytest.mark.parametrize("kind", sorted(CORRUPT_INDEX))
def test_a_corrupt_case_index_is_a_cache_miss(run, write_case, kind):
    from mlsd._util.paths import cache_dir
    from mlsd.cases import index
    from tests.conftest import deep_case

    case = write_case(deep_case())
    stat = case.stat()
    text = CORRUPT_INDEX[kind]
    if isinstance(text, str):
        text = (
            text.replace('"V"', json.dumps(index._version()))
            .replace('"K"', json.dumps(str(case.resolve())))
            .replace("S", str(stat.st_size))
            .replace("M", str(stat.st_mtime_ns))
        ).encode()
    cache = cache_dir() / "case-index.json"
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(text)
    result = run("--cases-dir", str(case.parent), "list")
    assert result.code == 0, result.err
    assert "tiny-case" in result.out and "A tiny case" in result.out
    assert result.err == ""


def _minutes_a_string(brief: dict) -> object:
    brief["steps"][0]["minutes"] = "six"
    return brief


def _title_a_number(brief: dict) -> object:
    brief["title"] = 5
    return brief


def _prompts_a_string(brief: dict) -> object:
    brief["steps"][1]["prompts"] = "abc"
    return brief


BROKEN_BRIEFS = {
    "a-list": lambda _: [1],
    "steps-a-string": lambda _: {"steps": "x"},
    "step-fields-missing": lambda _: {"steps": [{"id": 1}]},
    "not-a-mapping": lambda _: "nope",
    "minutes-a-string": _minutes_a_string,
    "title-a-number": _title_a_number,
    "prompts-a-string": _prompts_a_string,
}


@pytest.mark.parametrize("kind", sorted(BROKEN_BRIEFS))
def test_a_corrupt_brief_cache_is_a_miss(run, write_case, kind):
    from mlsd._util.paths import cache_dir
    from tests.conftest import deep_case

    case = write_case(deep_case())
    assert run("--cases-dir", str(case.parent), "show", "tiny-case").code == 0
    for cached in (cache_dir() / "briefs").glob("*.json"):
        data = json.loads(cached.read_text(encoding="utf-8"))
        data["brief"] = BROKEN_BRIEFS[kind](data["brief"])
        cached.write_text(json.dumps(data), encoding="utf-8")
    result = run("--cases-dir", str(case.parent), "show", "tiny-case")
    assert result.code == 0, result.err
    assert "A tiny case" in result.out


def test_review_cards_in_markdown_carry_no_html_or_controls_from_a_case(tmp_path, home):
    """A shared case's text goes into the Markdown cards as text: no tag, no control."""
    pack = _case_with_title(tmp_path, home, "T<script>alert(1)</script>" + ATTACK)
    answers = tmp_path / "answers.yaml"
    answers.write_text("case: titled\nanswers:\n  requirements: some words\n", encoding="utf-8")
    assert (
        mlsd(home, "--cases-dir", str(pack), "practice", "--answers", str(answers)).returncode == 0
    )
    cards = tmp_path / "cards.md"
    result = mlsd(home, "--cases-dir", str(pack), "review", "export", "--format", "md", str(cards))
    assert result.returncode == 0, result.stderr
    text = cards.read_bytes()
    assert_shown_not_obeyed(text)
    assert b"\\<script>" in text and b"<script>" not in text.replace(b"\\<", b"")
    assert b"## T" in text and b"Fill the gaps:" in text


def test_a_written_file_name_is_shown_not_obeyed(tmp_path, home):
    answers = REPO / "tests" / "fixtures" / "answers" / "ctr-prediction-strong.yaml"
    assert mlsd(home, "practice", "--answers", str(answers)).returncode == 0
    target = tmp_path / "doc\x1b]0;PWNED\x07.md"
    for args in (["export", "latest", "-o", str(target)], ["review", "export", str(target)]):
        target.unlink(missing_ok=True)
        result = mlsd(home, *args)
        assert result.returncode == 0, result.stderr
        assert b"Wrote" in result.stderr and "␛]0;PWNED␇".encode() in result.stderr
        assert_shown_not_obeyed(result.stderr)


def test_a_path_the_system_refuses_is_one_line_not_a_bug(tmp_path, home):
    """ENAMETOOLONG (or ELOOP, EACCES) wherever mlsd first touches a path the user gave."""
    long = "a" * 300
    answers = REPO / "tests" / "fixtures" / "answers" / "ctr-prediction-strong.yaml"
    assert mlsd(home, "practice", "--answers", str(answers)).returncode == 0
    for result in (
        mlsd(home, "export", "latest", "-o", str(tmp_path / f"{long}.md")),
        mlsd(tmp_path / long, "sessions"),
    ):
        assert result.returncode == 1
        lines = result.stderr.decode().splitlines()
        assert len(lines) == 1 and lines[0].endswith(": File name too long"), lines
        assert len(lines[0]) < 160 and "…" in lines[0]  # the path's start and end
        assert_shown_not_obeyed(result.stderr)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_to_a_full_disk_is_one_line_not_a_bug(home):
    for args in (["list"], ["--version"], ["cases", "schema"]):
        with Path("/dev/full").open("w") as full:
            result = subprocess.run(
                [sys.executable, "-m", "mlsd", *args],
                env={**os.environ, "MLSD_HOME": str(home)},
                stdout=full,
                stderr=subprocess.PIPE,
                timeout=120,
                check=False,
            )
        assert result.returncode == 1, args
        said = result.stderr.decode()
        assert said == "mlsd: could not write the output: No space left on device\n", said
