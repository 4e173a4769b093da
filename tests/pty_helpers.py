"""Driving mlsd in a real pseudo-terminal with pexpect."""

from __future__ import annotations

import os
import re
import sqlite3
import sys
import time
from pathlib import Path

import pexpect

SUBMIT = "\x1b\r"  # Esc then Enter submits a multi-line answer
# The main answer prompt, not a redraw of the follow-up prompt still in the buffer.
ANSWER_PROMPT = r"Your answer(?! to the follow-up)"
UP = "\x1b[A"


def spawn(
    home: Path,
    *args: str,
    timeout: float = 20,
    cwd: Path | None = None,
    size: tuple[int, int] = (40, 120),
    cpr: bool = False,
) -> pexpect.spawn:
    """``mlsd *args`` in a pseudo-terminal of ``size`` (rows, columns).

    With ``cpr``, prompt_toolkit asks for the cursor position (and so draws the bottom
    toolbar); the caller must answer, as ``test_practice_screens_pty.Screen`` does."""
    rows, cols = size
    env = {
        **os.environ,
        "MLSD_HOME": str(home),
        "NO_COLOR": "1",
        "TERM": "xterm",
        "COLUMNS": str(cols),
        "LINES": str(rows),
        # pexpect does not answer cursor-position requests; a real terminal does.
        "PROMPT_TOOLKIT_NO_CPR": "1",
    }
    env.pop("MLSD_CASES_PATH", None)
    if cpr:
        del env["PROMPT_TOOLKIT_NO_CPR"]
    return pexpect.spawn(
        sys.executable,
        ["-m", "mlsd", *args],
        env=env,
        encoding="utf-8",
        # A ^C can land inside a multi-byte character (a box-drawing line): never raise.
        codec_errors="replace",
        timeout=timeout,
        dimensions=(rows, cols),
        cwd=str(cwd) if cwd else None,
    )


def loose(text: str) -> str:
    """A pattern for ``text`` however a message was wrapped: an error on a terminal is
    wrapped between words at its width, so any space may be a line break and indent."""
    return r"\s+".join(re.escape(word) for word in text.split())


def start_answering(child: pexpect.spawn) -> None:
    """At the clarification menu, go straight to answering (the last choice)."""
    child.expect("Ask the interviewer a clarifying question")
    child.send(UP)
    child.send("\r")


def answer(child: pexpect.spawn, text: str, *, skip_follow_up: bool = True) -> None:
    """Type an answer once its prompt is up, waiting for each echo before submitting."""
    child.expect(ANSWER_PROMPT)
    child.send(text)
    child.expect_exact(text)
    child.send(SUBMIT)
    if skip_follow_up:
        child.expect("Your answer to the follow-up")
        child.send("/skip")
        child.expect_exact("/skip")
        child.send(SUBMIT)


def type_then_interrupt(child: pexpect.spawn, text: str) -> None:
    """Type ``text``, wait until the terminal has echoed it, then press Ctrl-C.

    Without the wait, the ^C can reach the terminal before the program reads the text.
    """
    child.send(text)
    child.expect_exact(text)
    child.sendintr()


def wait_for_rows(home: Path, sql: str, count: int, what: str, timeout: float = 10) -> None:
    """Poll the database until ``sql`` counts ``count`` rows (no sleeps standing in for it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = sqlite3.connect(home / "mlsd.db", timeout=1)
            try:
                (n,) = conn.execute(sql).fetchone()
            finally:
                conn.close()
            if n >= count:
                return
        except sqlite3.Error:
            pass
        time.sleep(0.02)
    raise AssertionError(f"{count} {what} were not committed within {timeout}s")


def wait_for_answers(home: Path, count: int, timeout: float = 10) -> None:
    wait_for_rows(home, "SELECT COUNT(*) FROM answers", count, "answers", timeout)


def pexpect_eof() -> type[pexpect.EOF]:
    return pexpect.EOF
