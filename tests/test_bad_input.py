"""The bad-input catalogue (docs/bad-input.md), one test per row.

Every test asserts the exit code, the key part of the message, and that no traceback (or
"unexpected error", which is how the boundary reports a bug) reaches the user. Commands
run in-process through ``run``; a subprocess or a pseudo-terminal only where a real
terminal or a real process is the point.
"""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pexpect
import pytest
import yaml

from mlsd._util.paths import bundled_cases_dir
from mlsd.cases.catalog import load_case, load_framework
from mlsd.log import events as ev
from mlsd.log.store import SCHEMA_VERSION, db_path, open_store
from mlsd.practice.flow import start
from tests.conftest import Result
from tests.pty_helpers import ANSWER_PROMPT, UP, type_then_interrupt

CTR = bundled_cases_dir() / "ctr-prediction.yaml"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]")


def clean(result: Result, code: int, *fragments: str) -> None:
    """The exit code, every fragment in stderr, and nothing that looks like a crash."""
    both = result.out + result.err
    assert result.code == code, both
    for fragment in fragments:
        assert fragment in result.err, (fragment, result.err)
    assert "Traceback" not in both
    assert "unexpected error" not in both


def answers_file(folder: Path, text: str | bytes, name: str = "answers.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def stored_session(answers: dict[str, str] | None = None) -> str:
    case = load_case(CTR)
    with open_store() as store:
        sid = start(store, case, str(CTR), mode="practice", level="senior", minutes=45)
        for step, text in (answers or {}).items():
            store.save_answer(sid, step, text)
        store.set_status(sid, "finished")
    return sid


# -- case files ---------------------------------------------------------------------------


def _yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _unknown_key(d: dict[str, Any]) -> str:
    d["steps"]["model"]["rubric"][1]["wieght"] = 2
    return _yaml(d)


def _wrong_type(d: dict[str, Any]) -> str:
    return _yaml(d).replace("weight: 2", "weight: lots", 1)


def _missing_field(d: dict[str, Any]) -> str:
    del d["steps"]["data"]["rubric"][0]["why"]
    return _yaml(d)


def _missing_step(d: dict[str, Any]) -> str:
    del d["steps"]["monitoring"]
    return _yaml(d)


def _unknown_step(d: dict[str, Any]) -> str:
    d["steps"]["deployment"] = {"prompts": ["Where does it run?"]}
    return _yaml(d)


def _duplicate_point(d: dict[str, Any]) -> str:
    d["steps"]["metrics"]["rubric"][0]["id"] = "model-point-1"
    return _yaml(d)


def _duplicate_clarification(d: dict[str, Any]) -> str:
    d["clarifications"][3]["id"] = "q1"
    return _yaml(d)


def _bad_enum(d: dict[str, Any]) -> str:
    d["difficulty"] = "brutal"
    return _yaml(d)


def _bad_regex(d: dict[str, Any]) -> str:
    d["steps"]["model"]["rubric"][0]["match"] = ["re:(unclosed"]
    return _yaml(d)


def _too_big(d: dict[str, Any]) -> str:
    return _yaml(d) + "# " + "x" * (1024 * 1024) + "\n"  # a valid case, one huge comment


CASE_FILES: dict[str, tuple[Callable[[dict[str, Any]], str | bytes], str]] = {
    "yaml-syntax": (
        lambda d: "format: 1\nid: tiny-case\ntitle: [unclosed\nsummary: x\n",
        ":4:8: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence)",
    ),
    "unknown-key": (_unknown_key, "steps.model.rubric[1].wieght: unknown field"),
    "wrong-type": (_wrong_type, "Input should be a valid integer"),
    "missing-field": (_missing_field, "steps.data.rubric[0].why: required field 'why' is missing"),
    "missing-step": (_missing_step, "steps: missing 1 step: monitoring"),
    "unknown-step": (_unknown_step, "unknown step 'deployment'; the steps are: requirements"),
    "duplicate-point": (_duplicate_point, "duplicate rubric point id 'model-point-1'"),
    "duplicate-clarification": (
        _duplicate_clarification,
        "duplicate clarification id 'q1' (first defined on line",
    ),
    "bad-enum": (_bad_enum, "difficulty: Input should be 'easy', 'medium' or 'hard'"),
    "bad-regex": (_bad_regex, "match: bad regular expression 're:(unclosed': missing )"),
    "anchor": (lambda d: "format: 1\nanchor: &a x\n", ":2:9: anchors and aliases"),
    "alias": (
        lambda d: 'a: &a ["lol","lol"]\nb: [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n',
        ":1:4: anchors and aliases (&name, *name) are not allowed",
    ),
    "deep-nesting": (lambda d: "a: " + "[" * 70 + "]" * 70 + "\n", "nested more than 64 levels"),
    "over-1-mib": (_too_big, "the limit is 1,048,576 (1 MiB)"),
    "non-utf8": (
        lambda d: b"format: 1\nid: tiny-case\ntitle: caf\xe9\n",
        ":3:11: not valid UTF-8 (byte 0xe9)",
    ),
    "binary": (lambda d: b"format: 1\n\x00\x01\x02", ":2:1: binary file (contains a NUL byte)"),
    "empty": (lambda d: "", "expected a mapping of fields at the top level, got empty"),
    "not-a-mapping": (lambda d: "- just\n- a list\n", "got list"),
}


@pytest.mark.parametrize("kind", list(CASE_FILES))
def test_malformed_case_file_via_the_cli(run, write_case, case_data, kind):
    build, fragment = CASE_FILES[kind]
    path = write_case(build(case_data))
    result = run("--cases-dir", str(path.parent), "show", "tiny-case")
    clean(result, 1, f"mlsd: {path}:", fragment)
    assert result.out == ""


def test_case_id_differs_from_file_stem(run, write_case, case_data):
    path = write_case(case_data, name="other-name")
    result = run("--cases-dir", str(path.parent), "show", "other-name")
    clean(result, 1, "id: id 'tiny-case' differs from the file name 'other-name'")


def test_validate_an_empty_folder_is_an_error_not_silence(run, tmp_path):
    (tmp_path / "empty").mkdir()
    result = run("cases", "validate", str(tmp_path / "empty"))
    clean(result, 1, "no case files (*.yaml, *.yml) in this folder")


def test_validate_a_missing_file(run, tmp_path):
    result = run("cases", "validate", str(tmp_path / "nope.yaml"))
    clean(result, 1, "nope.yaml: no such file", "mlsd: 1 file with problems")


def test_case_file_with_a_terminal_escape_is_shown_not_obeyed(run, write_case, case_data):
    case_data["title"] = "Evil \x1b]0;pwned\x07 title"
    case_data["prompt"] = "Design \x1b[31mred\x1b[0m things."
    path = write_case(case_data)
    assert "\\e" in path.read_text() or "\\x1B" in path.read_text()  # a YAML escape
    listed = run("--cases-dir", str(path.parent), "list")
    shown = run("--cases-dir", str(path.parent), "show", "tiny-case")
    clean(listed, 0)
    clean(shown, 0)
    for out in (listed.out, shown.out):
        assert "\x1b" not in out and "\x07" not in out
    assert "Evil ␛]0;pwned␇ title" in listed.out
    assert "Design ␛[31mred␛[0m things." in shown.out


# -- finding cases ------------------------------------------------------------------------


def test_unknown_case_without_a_close_match(run):
    clean(run("show", "zzz"), 1, "mlsd: no case 'zzz'. (`mlsd list` shows them all)")


def test_cases_path_env_naming_a_missing_folder(run, tmp_path, monkeypatch):
    monkeypatch.setenv("MLSD_CASES_PATH", str(tmp_path / "nope"))
    clean(run("list"), 1, f"{tmp_path / 'nope'}: cases folder does not exist")


def test_cases_dir_pointing_at_a_file_is_bad_usage(run, tmp_path):
    (tmp_path / "file").write_text("x")
    result = run("--cases-dir", str(tmp_path / "file"), "list")
    clean(result, 2, "Invalid value for '--cases-dir'", "is a file")


def test_user_case_shadowing_a_bundled_id_names_both_files(run, write_case, case_data):
    case_data["id"] = "ctr-prediction"
    path = write_case(case_data, name="ctr-prediction")
    result = run("--cases-dir", str(path.parent), "show", "ctr-prediction")
    clean(result, 1, "case id 'ctr-prediction' is defined twice", str(CTR), str(path), "Rename")


# -- answers files ------------------------------------------------------------------------

ANSWERS: dict[str, tuple[str | bytes, str]] = {
    "wrong-case": (
        "case: fraud-detection\nanswers:\n  requirements: hi\n",
        ":1:1: case: this answers file is for case 'fraud-detection', not 'ctr-prediction'",
    ),
    "unknown-step": (
        "case: ctr-prediction\nanswers:\n  deployment: hi\n",
        ":3:3: answers.deployment: unknown step 'deployment'; the steps are:",
    ),
    "unknown-follow-up-step": (
        "case: ctr-prediction\nfollow_ups:\n  deploy: hi\n",
        ":3:3: follow_ups.deploy: unknown step 'deploy'",
    ),
    "follow-up-without-its-answer": (
        "case: ctr-prediction\nanswers:\n  data: hi\nfollow_ups:\n  model: hi\n",
        ":5:3: follow_ups.model: no answer for 'model': its follow-up is asked only after",
    ),
    "unknown-clarification": (
        "case: ctr-prediction\nclarifications: [scale, bogus]\n",
        ":2:25: clarifications[1]: case 'ctr-prediction' has no clarification 'bogus'; it has:",
    ),
    "malformed-yaml": (
        "case: ctr-prediction\nanswers:\n  requirements: [x\n",
        ":4:1: invalid YAML: did not find expected ',' or ']'",
    ),
    "unknown-field": (
        "case: ctr-prediction\nanswer:\n  requirements: x\n",
        ":2:1: answer: unknown field (check the spelling; see `mlsd cases schema`)",
    ),
    "not-a-string": (
        "case: ctr-prediction\nanswers:\n  requirements: 42\n",
        "answers.requirements: Input should be a valid string (got int 42)",
    ),
    "bad-level": ("case: ctr-prediction\nlevel: principal\n", "level: Input should be"),
    "empty": ("", "expected a mapping of fields at the top level, got empty"),
    "non-utf8": (b"case: ctr-prediction\n# caf\xe9\n", ":2:6: not valid UTF-8 (byte 0xe9)"),
    "anchor": ("case: &c ctr-prediction\n", ":1:7: anchors and aliases"),
}


@pytest.mark.parametrize("kind", list(ANSWERS))
def test_bad_answers_file(run, tmp_path, kind):
    text, fragment = ANSWERS[kind]
    path = answers_file(tmp_path, text)
    result = run("practice", "ctr-prediction", "--answers", str(path))
    clean(result, 1, f"mlsd: {path}", fragment)
    with open_store() as store:
        assert store.list_sessions() == []  # refused before a session starts


def test_answers_file_missing_case_field(run, tmp_path):
    path = answers_file(tmp_path, "answers:\n  requirements: x\n")
    clean(run("practice", "--answers", str(path)), 1, "case: required field 'case' is missing")


def test_answers_file_naming_an_unknown_case(run, tmp_path):
    path = answers_file(tmp_path, "case: nope-case\n")
    clean(run("practice", "--answers", str(path)), 1, "no case 'nope-case'.")


def test_answers_file_that_does_not_exist(run, tmp_path):
    result = run("practice", "--answers", str(tmp_path / "missing.yaml"))
    clean(result, 1, "missing.yaml: no such file")


def test_answers_file_that_is_a_folder_is_bad_usage(run, tmp_path):
    result = run("practice", "--answers", str(tmp_path))
    clean(result, 2, "Invalid value for '--answers'", "is a directory")


def test_a_5_mb_answers_file_is_refused_by_the_size_cap(run, tmp_path):
    head = "case: ctr-prediction\nanswers:\n  requirements: |\n"
    line = "    " + "x" * 76 + "\n"
    path = answers_file(tmp_path, head + line * ((5_000_000 - len(head)) // len(line) + 1))
    size = path.stat().st_size
    assert 5_000_000 < size < 5_000_100
    clean(
        run("practice", "--answers", str(path)),
        1,
        f"{path}: file is {size:,} bytes; the limit is 1,048,576 (1 MiB)",
    )


# -- MLSD_HOME and the database -----------------------------------------------------------

GOOD_ANSWERS = "case: ctr-prediction\nanswers:\n  requirements: We predict calibrated pCTR.\n"


def test_missing_home_is_created(run, tmp_path, monkeypatch):
    home = tmp_path / "not" / "yet"
    monkeypatch.setenv("MLSD_HOME", str(home))
    result = run("sessions")
    clean(result, 0, "No sessions yet. Start one with: mlsd practice")
    assert (home / "mlsd.db").is_file()


def test_home_under_a_regular_file_cannot_be_created(run, tmp_path, monkeypatch):
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("MLSD_HOME", str(tmp_path / "file" / "home"))
    path = answers_file(tmp_path, GOOD_ANSWERS)
    result = run("practice", "--answers", str(path))
    clean(
        result,
        1,
        f"cannot create the mlsd folder {tmp_path / 'file' / 'home'}: Not a directory. "
        "Set MLSD_HOME to a writable folder.",
    )


def test_home_that_is_a_regular_file(run, tmp_path, monkeypatch):
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("MLSD_HOME", str(tmp_path / "file"))
    clean(run("sessions"), 1, f"{tmp_path / 'file'} is a file, not a folder. Set MLSD_HOME")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
@pytest.mark.parametrize("existing", [False, True], ids=["new-database", "existing-database"])
def test_read_only_home(run, tmp_path, monkeypatch, existing):
    home = tmp_path / "ro"
    home.mkdir()
    monkeypatch.setenv("MLSD_HOME", str(home))
    if existing:
        open_store().close()
    home.chmod(0o500)
    path = answers_file(tmp_path, GOOD_ANSWERS)
    try:
        result = run("practice", "--answers", str(path))
    finally:
        home.chmod(0o700)
    clean(result, 1, f"{home / 'mlsd.db'}", "MLSD_HOME to a writable folder.")


def test_locked_database(run, tmp_path, monkeypatch):
    monkeypatch.setattr("mlsd.log.store.BUSY_TIMEOUT_MS", 100)
    open_store().close()
    locker = sqlite3.connect(db_path(), isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        result = run("practice", "--answers", str(answers_file(tmp_path, GOOD_ANSWERS)))
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    clean(result, 1, "mlsd.db is locked by another running mlsd; finish or close it and try again.")
    with open_store() as store:
        assert store.list_sessions() == []


def _write_db(content: bytes) -> bytes:
    db_path().parent.mkdir(parents=True, exist_ok=True)
    db_path().write_bytes(content)
    return content


def test_corrupt_database(run):
    before = _write_db(b"this is not sqlite" * 100)
    clean(
        run("sessions"),
        1,
        "mlsd.db is not a usable mlsd database (file is not a database). "
        "Move it aside to start afresh; it was not changed.",
    )
    assert db_path().read_bytes() == before


def test_damaged_database(run):
    stored_session({"requirements": "x"})
    good = db_path().read_bytes()
    before = _write_db(good[:100] + b"\xff" * (len(good) - 100))
    clean(run("sessions", "show", "latest"), 1, "(database disk image is malformed)")
    assert db_path().read_bytes() == before


def test_newer_database(run):
    db_path().parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db_path())
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    before = db_path().read_bytes()
    clean(
        run("sessions"),
        1,
        f"was written by a newer mlsd (schema {SCHEMA_VERSION + 5}; this mlsd knows "
        f"{SCHEMA_VERSION}). Upgrade mlsd to use it; the file was not changed.",
    )
    assert db_path().read_bytes() == before


@pytest.mark.parametrize("table", ["photos", "sessions"])
def test_someone_elses_sqlite_database_is_left_alone(run, table):
    db_path().parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db_path())
    conn.execute(f"CREATE TABLE {table} (x)")
    conn.commit()
    conn.close()
    before = db_path().read_bytes()
    clean(
        run("sessions"),
        1,
        "mlsd.db is an SQLite database, but not one mlsd wrote. Move it aside",
    )
    assert db_path().read_bytes() == before
    assert not Path(f"{db_path()}-wal").exists()


def test_database_path_is_a_folder(run):
    db_path().mkdir(parents=True)
    clean(run("sessions"), 1, "mlsd.db: unable to open database file. Set MLSD_HOME")


# -- sessions -----------------------------------------------------------------------------


def test_latest_with_no_sessions(run):
    clean(run("score", "latest"), 1, "mlsd: no sessions yet. Start one with: mlsd practice")


def test_unknown_session_id(run):
    stored_session()
    clean(run("sessions", "show", "0123abcd"), 1, "no session '0123abcd' (see `mlsd sessions`)")


def test_session_id_that_is_not_hex(run):
    clean(run("export", "zz!"), 1, "'zz!' is not a session id (see `mlsd sessions`)")


def test_ambiguous_session_prefix(run, monkeypatch):
    ids = iter([uuid.UUID("abc1" + "0" * 28), uuid.UUID("abc2" + "0" * 28)])
    monkeypatch.setattr("mlsd.log.store.uuid.uuid4", ids.__next__)
    stored_session()
    stored_session()
    clean(run("score", "abc"), 1, "'abc' matches more than one session; type more of the id")


def test_delete_without_yes_when_not_a_terminal(run, monkeypatch):
    sid = stored_session()
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    clean(run("sessions", "delete", sid[:8]), 1, "refusing to delete without confirmation")
    with open_store() as store:
        assert store.resolve(sid)


def test_session_whose_case_file_is_gone(run, write_case, case_data, tmp_path, monkeypatch):
    path = write_case(case_data)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    answers = answers_file(work, "case: tiny-case\nanswers:\n  requirements: x\n")
    # A relative --cases-dir: the session must still find its case from another folder.
    rel = os.path.relpath(path.parent, work)
    clean(run("--cases-dir", rel, "practice", "--answers", str(answers)), 0)
    monkeypatch.chdir(tmp_path)
    clean(run("export", "latest", "-o", "doc.md"), 0)
    path.unlink()
    result = run("export", "latest", "-o", "doc2.md")
    clean(result, 1, "was practised on case 'tiny-case' from", "which is no longer there")
    assert "--cases-dir" in result.err


# -- export and templates -----------------------------------------------------------------


@pytest.fixture
def finished(tmp_path, monkeypatch) -> Path:
    stored_session({"requirements": "We predict pCTR.", "data": "Impressions and clicks."})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_practice_export_to_a_missing_folder_fails_before_the_session(run, finished):
    path = answers_file(finished, GOOD_ANSWERS)
    result = run("practice", "--answers", str(path), "--export", "nope/doc.md")
    clean(result, 1, "--export nope/doc.md: the folder nope does not exist")


def test_practice_export_over_an_existing_file_fails_before_the_session(run, finished):
    path = answers_file(finished, GOOD_ANSWERS)
    (finished / "doc.md").write_text("mine")
    result = run("practice", "--answers", str(path), "--export", "doc.md")
    clean(result, 1, "--export doc.md: the file already exists; choose another name")
    assert (finished / "doc.md").read_text() == "mine"


TEMPLATES: dict[str, tuple[str | bytes, str]] = {
    "syntax-error": ("{{ session.short_id }\n", "t.md.j2:1: syntax error: unexpected '}'"),
    "undefined-name": (
        "line one\n{{ sesion.level }}\n",
        "t.md.j2:2: undefined: 'sesion' is undefined (see docs/templates.md",
    ),
    "sandbox-escape": (
        "{{ cycler.__init__.__globals__.os }}\n",
        "t.md.j2:1: not allowed in a template: access to attribute '__init__' of 'type' object is unsafe.",
    ),
    "include-outside": (
        "{% include '/etc/passwd' %}\n",
        "t.md.j2:1: not allowed in a template: template name '/etc/passwd' refused",
    ),
    "runtime-error": ("{{ 1 // 0 }}\n", "t.md.j2:1: ZeroDivisionError: integer division"),
    "not-utf8": (
        b"\xff\xfe\x00bad",
        "t.md.j2: the template is not UTF-8 text (invalid start byte)",
    ),
}


@pytest.mark.parametrize("kind", list(TEMPLATES))
def test_bad_template(run, finished, kind):
    text, fragment = TEMPLATES[kind]
    template = finished / "t.md.j2"
    template.write_bytes(text) if isinstance(text, bytes) else template.write_text(text, "utf-8")
    result = run("export", "latest", "-o", "out.md", "-t", "t.md.j2")
    clean(result, 1, fragment)
    assert not (finished / "out.md").exists()


def test_template_that_does_not_exist(run, finished):
    clean(run("export", "latest", "-t", "nope.j2"), 1, "nope.j2: no such template file")


def test_template_with_json_format(run, finished):
    (finished / "t.md.j2").write_text("x", encoding="utf-8")
    result = run("export", "latest", "-f", "json", "-t", "t.md.j2")
    clean(result, 1, "--template applies to Markdown exports; drop it or use --format md")


# -- hostile and huge answers -------------------------------------------------------------

HOSTILE = "nul:\x00 esc:\x1b[31mRED\x1b[0m title:\x1b]0;pwned\x07 c1:\x9b2J del:\x7f end"


def test_answer_with_nul_and_escapes_is_stored_verbatim_and_shown_safely(run, finished):
    sid = stored_session({"requirements": HOSTILE})
    with open_store() as store:
        assert store.load(sid).answers["requirements"] == HOSTILE
    shown = run("sessions", "show", sid)
    clean(shown, 0)
    assert not set(shown.out) & {"\x00", "\x1b", "\x07", "\x9b", "\x7f"}
    # (every control is shown as a Unicode control picture, BEL too)
    assert "nul:␀ esc:␛[31mRED␛[0m title:␛]0;pwned␇ c1:\ufffd2J del:␡ end" in shown.out
    clean(run("export", sid, "-o", "doc.md"), 0)
    doc = (finished / "doc.md").read_text(encoding="utf-8")
    assert "nul:␀ esc:␛\\[31mRED␛\\[0m title:␛]0;pwned␇ c1:\ufffd2J del:␡ end" in doc
    assert not any(ord(c) < 32 and c not in "\n\t" for c in doc)
    clean(run("export", sid, "-o", "doc.json", "-f", "json"), 0)
    raw = (finished / "doc.json").read_text(encoding="utf-8")
    assert "\x1b" not in raw and "\x00" not in raw
    assert json.loads(raw)["answers"]["requirements"] == HOSTILE


def test_answers_file_with_yaml_escapes_round_trips(run, tmp_path):
    path = answers_file(
        tmp_path, 'case: ctr-prediction\nanswers:\n  requirements: "a\\0b\\ec\\x07d"\n'
    )
    result = run("practice", "--answers", str(path))
    clean(result, 0)
    assert "\x1b" not in result.out and "\x00" not in result.out
    with open_store() as store:
        assert store.resolve("latest").answers["requirements"] == "a\x00b\x1bc\x07d"


def test_a_5_mb_answer_round_trips_and_exports(run, finished):
    line = "We shard the feature store by user id and replicate it across regions. "
    text = "\n".join([line * 14] * 5100)  # over 5 MB in ~1 KB lines
    assert len(text.encode()) > 5_000_000
    sid = stored_session({"model": text})
    with open_store() as store:
        assert store.load(sid).answers["model"] == text
    clean(run("export", sid, "-o", "big.json", "-f", "json"), 0)
    assert json.loads((finished / "big.json").read_text("utf-8"))["answers"]["model"] == text
    clean(run("export", sid, "-o", "big.md"), 0)
    doc = (finished / "big.md").read_text(encoding="utf-8")
    assert len(doc.encode()) > 5_000_000
    assert (line * 14).rstrip() + "\\" in doc


# -- option values ------------------------------------------------------------------------

BAD_OPTIONS = {
    "practice-level": (
        ["practice", "ctr-prediction", "--level", "principal"],
        "Invalid value for '--level'",
    ),
    "score-level": (["score", "latest", "--level", "principal"], "Invalid value for '--level'"),
    "minutes-negative": (["practice", "--minutes", "-5"], "Invalid value for '--minutes'"),
    "minutes-not-a-number": (["practice", "--minutes", "abc"], "Invalid value for '--minutes'"),
    "minutes-infinite": (["practice", "--minutes", "inf"], "Invalid value for '--minutes'"),
    "interview-minutes": (["interview", "x", "--minutes", "1e9"], "Invalid value for '--minutes'"),
    "export-format": (["export", "latest", "--format", "pdf"], "Invalid value for '--format'"),
    "show-format": (["show", "ctr-prediction", "-f", "html"], "Invalid value for '--format'"),
    "sessions-limit": (["sessions", "--limit", "0"], "Invalid value for '--limit'"),
    "template-folder": (["export", "latest", "-t", "."], "Invalid value for '--template'"),
    "export-folder": (["practice", "--export", "."], "Invalid value for '--export'"),
    "unknown-option": (["list", "--bogus"], "No such option: --bogus"),
    "unknown-command": (["pratice"], "No such command 'pratice'"),
    "missing-argument": (["show"], "Missing argument"),
}


@pytest.mark.parametrize("kind", list(BAD_OPTIONS))
def test_bad_option_values_are_usage_errors(run, kind):
    args, fragment = BAD_OPTIONS[kind]
    result = run(*args)
    clean(result, 2)
    assert fragment in " ".join(result.err.replace("│", " ").split())
    with open_store() as store:
        assert store.list_sessions() == []


# -- design docs scored with --case -------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "doc.md: no such file"),
        (b"caf\xe9\n", "doc.md:1:4: not valid UTF-8 (byte 0xe9)"),
        (
            b"a" * (5 * 1024 * 1024 + 1),
            "doc.md: design doc is 5,242,881 bytes; the limit is 5,242,880 (5 MiB)",
        ),
    ],
    ids=["missing", "non-utf8", "over-5-mb"],
)
def test_bad_design_doc_for_score(run, tmp_path, content, fragment):
    doc = tmp_path / "doc.md"
    if content is not None:
        doc.write_bytes(content)
    clean(run("score", "--case", "ctr-prediction", str(doc)), 1, fragment)


def test_score_case_without_a_design_doc(run):
    result = run("score", "--case", "ctr-prediction")
    clean(result, 1, "--case needs the design doc to score: mlsd score --case CASE FILE.md")


# -- a real terminal, or none -------------------------------------------------------------
#
# Every process these rows need is started at once by one module fixture, so that their
# start-up overlaps; each test then drives or reads its own. Each has its own MLSD_HOME.

NO_TTY = {
    f"{args[0]}-{which}": (args, which)
    for args in [("practice", "ctr-prediction"), ("resume",), ("interview", "ctr-prediction")]
    for which in ("stdin", "stdout")
}
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m")


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    env.pop("MLSD_CASES_PATH", None)
    env.update(MLSD_HOME=str(home), NO_COLOR="1", TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1")
    env.update(extra)
    return {k: v for k, v in env.items() if v != "<unset>"}


def _spawn(home: Path, *args: str, cols: int = 100, **env: str) -> pexpect.spawn:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "mlsd", *args],
        env=_env(home, **env),
        encoding="utf-8",
        timeout=15,
        dimensions=(24, cols),
    )
    child.logfile_read = io.StringIO()  # everything it writes, for the assertions
    return child


def _without_tty(home: Path, args: tuple[str, ...], which: str) -> subprocess.Popen[bytes]:
    master, slave = os.openpty()
    streams: dict[str, Any] = (
        {"stdin": subprocess.DEVNULL, "stdout": slave}
        if which == "stdin"
        else {"stdin": slave, "stdout": subprocess.PIPE}
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "mlsd", *args], stderr=subprocess.PIPE, env=_env(home), **streams
    )
    os.close(slave)
    proc.pty_master = master  # type: ignore[attr-defined]
    return proc


@pytest.fixture(scope="module")
def procs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    def home() -> Path:
        return tmp_path_factory.mktemp("home")

    started: dict[str, Any] = {
        name: _without_tty(home(), args, which) for name, (args, which) in NO_TTY.items()
    }
    started |= {
        "dumb-practice": _spawn(home(), "practice", "ctr-prediction", TERM="dumb"),
        "dumb-resume": _spawn(home(), "resume", TERM="dumb"),
        "show-40": _spawn(home(), "show", "ctr-prediction", cols=40),
        "practice-40": _spawn(home(), "practice", "ctr-prediction", cols=40),
        "no-color": _spawn(home(), "show", "ctr-prediction", TERM="xterm-256color"),
        "color": _spawn(
            home(), "show", "ctr-prediction", TERM="xterm-256color", NO_COLOR="<unset>"
        ),
        "picker": _spawn(home(), "practice"),
        "ctrl-c-answer": _spawn(home(), "practice", "ctr-prediction"),
    }
    for editor in ("/nonexistent/editor", "false"):
        started[f"editor-{editor}"] = _spawn(
            home(), "practice", "ctr-prediction", "--editor", EDITOR=editor, VISUAL="<unset>"
        )
    yield started
    for proc in started.values():
        if isinstance(proc, pexpect.spawn):
            proc.close(force=True)
        else:
            proc.kill()
            proc.wait()
            os.close(proc.pty_master)


def finish(child: pexpect.spawn) -> tuple[str, int]:
    """Everything the child wrote and its exit status, once it has ended."""
    child.expect(pexpect.EOF)
    child.close()
    return child.logfile_read.getvalue(), child.exitstatus


def home_of(child: pexpect.spawn) -> Path:
    return Path(child.env["MLSD_HOME"])


@pytest.mark.parametrize("name", list(NO_TTY))
def test_no_terminal_means_a_message_at_once(procs, name):
    """Exit 1 straight away, pointing at the way to run without prompts; never a hang."""
    proc = procs[name]
    _, err_bytes = proc.communicate(timeout=10)
    err = err_bytes.decode()
    assert proc.returncode == 1, err
    assert "standard input or output is not a terminal" in err
    assert ("mlsd show CASE" if name.startswith("interview") else "--answers FILE") in err
    assert "Traceback" not in err and "Warning" not in err


@pytest.mark.parametrize("name", ["dumb-practice", "dumb-resume"])
def test_dumb_terminal_is_refused_with_a_clear_message(procs, name):
    out, code = finish(procs[name])
    assert code == 1, out
    assert "needs a terminal that can move the cursor, and TERM=dumb cannot" in out
    assert "--answers FILE" in out and "Traceback" not in out
    assert "\x1b[" not in out  # nothing was drawn


def test_show_in_40_columns(procs):
    out, code = finish(procs["show-40"])
    assert code == 0, out
    text = ANSI.sub("", out)
    assert "Traceback" not in text
    assert max(len(line) for line in text.splitlines()) <= 40
    first = load_framework().steps[0]
    assert f"{first.title} · {first.minutes:g} min" in text
    assert " ".join(first.goal.split()[:3]) in text  # the goals are not squeezed away


def test_first_practice_screen_in_40_columns(procs):
    child = procs["practice-40"]
    child.expect("Ask the interviewer")
    child.sendintr()
    child.expect(r"Resume with: mlsd resume [0-9a-f]{8}")
    out, code = finish(child)
    assert code == 130
    assert "Traceback" not in out
    assert "We run a social app that makes its" in ANSI.sub("", out)  # prose rewrapped


def test_no_color_means_no_colour_codes(procs):
    plain, code = finish(procs["no-color"])
    assert code == 0 and "\x1b[1m" in plain  # still a terminal: bold is allowed
    assert not COLOUR.search(plain), COLOUR.findall(plain)[:5]
    coloured, _ = finish(procs["color"])
    assert COLOUR.search(coloured)  # without NO_COLOR the same check finds colour


def test_ctrl_c_at_the_case_picker(procs):
    child = procs["picker"]
    child.expect("Which case do you want to practise")
    child.sendintr()
    child.expect("Cancelled; no session was started.")
    out, code = finish(child)
    assert code == 130
    assert "Traceback" not in out
    with open_store(home_of(child) / "mlsd.db") as store:
        assert store.list_sessions() == []


def test_ctrl_c_while_typing_an_answer_saves_the_draft(procs):
    child = procs["ctrl-c-answer"]
    child.expect("Ask the interviewer a clarifying question")
    child.send(UP + "\r")
    child.expect(ANSWER_PROMPT)
    type_then_interrupt(child, "half a thought")
    child.expect(r"Saved. Resume with: mlsd resume ([0-9a-f]{8})")
    short = child.match.group(1)
    out, code = finish(child)
    assert code == 130
    assert "Traceback" not in out
    with open_store(home_of(child) / "mlsd.db") as store:
        record = store.resolve(short)
    assert record.status == "paused"
    assert [d.text for _, d in record.events_of(ev.Draft)] == ["half a thought"]


@pytest.mark.parametrize("editor", ["/nonexistent/editor", "false"])
def test_an_editor_that_fails_keeps_the_session_resumable(procs, editor):
    child = procs[f"editor-{editor}"]
    child.expect("Ask the interviewer a clarifying question")
    child.send(UP + "\r")
    child.expect(r"Resume with: mlsd resume ([0-9a-f]{8})")
    short = child.match.group(1)
    out, code = finish(child)
    assert code == 1
    assert "the editor" in out and "Your answers so far are saved" in out
    assert "Traceback" not in out
    with open_store(home_of(child) / "mlsd.db") as store:
        assert store.resolve(short).status == "paused"


# -- small pieces the rows above rely on ----------------------------------------------------


def test_prose_joins_wrapped_lines_and_keeps_paragraphs_and_lists():
    from mlsd.ui.views import prose

    text = "One sentence broken\nacross lines.\n\nA list:\n- first\n- second\n"
    assert prose(text).plain == "One sentence broken across lines.\n\nA list:\n- first\n- second"


def test_every_catalogue_row_names_a_test_that_exists():
    """docs/bad-input.md stays honest: each row's test is a real test function."""
    repo = Path(__file__).resolve().parent.parent
    rows = [
        line
        for line in (repo / "docs" / "bad-input.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| ") and not line.startswith(("| Input", "| ---"))
    ]
    assert len(rows) >= 80
    for row in rows:
        refs = re.findall(r"`(tests/[a-z_]+\.py)::([A-Za-z0-9_]+)(?:\[[^\]`]*\])?`", row)
        assert refs, f"no test named in: {row}"
        for file, name in refs:
            assert f"def {name}(" in (repo / file).read_text(encoding="utf-8"), (file, name)
