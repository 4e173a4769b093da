"""The practice screens in a real pseudo-terminal, read back as the screen a user sees.

pexpect gives the bytes; a small VT100 model (below) turns prompt_toolkit's cursor moves
and rich's output into rows of text, so these tests can say where the answer box starts
and what is still on screen after a long answer.
"""

from __future__ import annotations

import re
from pathlib import Path

import pexpect
import pytest

from mlsd.cases.catalog import load_framework
from mlsd.log.store import open_store
from mlsd.practice.flow import Practice, start
from tests.fakes import FakeClock
from tests.pty_helpers import ANSWER_PROMPT, SUBMIT, spawn, start_answering
from tests.scripted import ScriptedPrompter

F2 = "\x1bOQ"
_CSI = re.compile(r"\x1b\[([?>=]?)([0-9;]*)([ -/]*[@-~])")
_OSC = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
# An escape sequence cut off by the end of one read: its rest comes with the next.
_CUT = re.compile(r"\x1b(?:\[[?>=]?[0-9;]*[ -/]*|\][^\x07\x1b]*\x1b?)?\Z")


class Terminal:
    """Just enough of an xterm for prompt_toolkit and rich: text, moves, erases, scrolling."""

    def __init__(self, rows: int, cols: int) -> None:
        self.rows, self.cols = rows, cols
        self.grid = [[" "] * cols for _ in range(rows)]
        self.y = self.x = 0
        self.autowrap = True
        self.pending = ""  # the start of an escape sequence the last read cut off

    def lines(self) -> list[str]:
        return ["".join(row).rstrip() for row in self.grid]

    def _down(self) -> None:
        self.y += 1
        if self.y == self.rows:
            self.grid.pop(0)
            self.grid.append([" "] * self.cols)
            self.y = self.rows - 1

    def _put(self, char: str) -> None:
        if self.x >= self.cols:
            if not self.autowrap:
                self.x = self.cols - 1
            else:
                self.x = 0
                self._down()
        self.grid[self.y][self.x] = char
        self.x += 1

    def _csi(self, private: str, params: str, final: str) -> None:
        args = [int(p) if p else 0 for p in params.split(";")] if params else []
        n = max(args[0], 1) if args else 1
        if final == "A":
            self.y = max(0, self.y - n)
        elif final == "B":
            self.y = min(self.rows - 1, self.y + n)
        elif final == "C":
            self.x = min(self.cols - 1, self.x + n)
        elif final == "D":
            self.x = max(0, min(self.x, self.cols - 1) - n)
        elif final == "G":
            self.x = min(self.cols - 1, n - 1)
        elif final in "Hf":
            self.y = min(self.rows - 1, (args[0] if args else 1) - 1 if args and args[0] else 0)
            self.x = min(self.cols - 1, max(args[1] - 1, 0) if len(args) > 1 else 0)
        elif final == "J":
            mode = args[0] if args else 0
            rows = range(self.y + 1, self.rows) if mode == 0 else range(self.rows)
            if mode == 0:
                self.grid[self.y][min(self.x, self.cols) :] = [" "] * (
                    self.cols - min(self.x, self.cols)
                )
            for r in rows:
                self.grid[r] = [" "] * self.cols
        elif final == "K":
            x = min(self.x, self.cols)
            self.grid[self.y][x:] = [" "] * (self.cols - x)
        elif private == "?" and final in "hl" and 7 in args:
            self.autowrap = final == "h"

    def feed(self, data: str) -> None:
        data, self.pending = self.pending + data, ""
        i = 0
        while i < len(data):
            char = data[i]
            if char == "\x1b":
                match = _CSI.match(data, i) or _OSC.match(data, i)
                if match is None and _CUT.match(data, i):
                    self.pending = data[i:]
                    return
                if match is None:
                    i += 2  # ESC and one more character (keypad modes and the like)
                    continue
                if match.re is _CSI:
                    self._csi(match.group(1), match.group(2), match.group(3))
                i = match.end()
                continue
            if char == "\r":
                self.x = 0
            elif char == "\n":
                self._down()
            elif char == "\b":
                self.x = max(0, min(self.x, self.cols) - 1)
            elif ord(char) >= 32:
                self._put(char)
            i += 1


class Screen:
    """A pty child of mlsd plus the screen its output draws."""

    def __init__(
        self,
        tmp_path: Path,
        rows: int,
        cols: int,
        args: tuple[str, ...] = ("practice", "ctr-prediction"),
        home: Path | None = None,
    ) -> None:
        self.child = spawn(
            home or tmp_path / "home",
            *args,
            cwd=tmp_path,
            size=(rows, cols),
            cpr=True,  # answered in write(): without it prompt_toolkit hides the toolbar
        )
        self.term = Terminal(rows, cols)
        self.child.logfile_read = self  # every byte read also draws the screen

    def write(self, data: str) -> None:
        self.term.feed(data)
        for _ in range(data.count("\x1b[6n")):  # where is the cursor? (after this chunk)
            self.child.send(f"\x1b[{self.term.y + 1};{min(self.term.x, self.term.cols - 1) + 1}R")

    def flush(self) -> None:
        pass

    def settle(self, *patterns: str) -> list[str]:
        """Read until the screen shows every one of ``patterns`` and nothing more comes;
        return its rows. (A loaded machine may draw the box and its clock line in separate
        frames: wait for all that the test reads.)"""
        for _ in range(300):
            try:
                self.child.read_nonblocking(65536, timeout=0.3)
                continue
            except pexpect.TIMEOUT:
                pass
            lines = self.term.lines()
            if all(any(re.search(p, line) for line in lines) for p in patterns):
                return lines
        raise AssertionError(f"{patterns!r} never showed:\n" + "\n".join(self.term.lines()))


def _box_column(lines: list[str], text: str) -> int:
    row = next(line for line in lines if text in line)
    return row.index(text)


@pytest.mark.slow
@pytest.mark.parametrize(("rows", "cols"), [(24, 80), (20, 60)])
def test_answer_box_is_full_width_and_time_stays_after_30_lines(tmp_path, rows, cols):
    term = Screen(tmp_path, rows, cols)
    child = term.child
    start_answering(child)
    child.expect(ANSWER_PROMPT)
    child.send("first line of my answer")
    lines = term.settle("first line of my answer", r"\d+:\d\d left")
    assert _box_column(lines, "first line of my answer") <= 3
    assert any(re.search(r"\d+:\d\d left", line) for line in lines)
    for n in range(2, 31):
        child.send(f"\rline {n} of the answer")
    lines = term.settle("line 30 of the answer", r"\d+:\d\d left", "Your answer")
    assert _box_column(lines, "line 30 of the answer") <= 3
    assert any(re.search(r"\d+:\d\d left", line) for line in lines), "\n".join(lines)
    assert any("Your answer" in line for line in lines), "the message scrolled away"
    assert all(len(line.rstrip()) <= cols for line in lines)
    child.send(SUBMIT)
    child.expect("Your answer to the follow-up")
    child.send("a follow-up answer in a box as wide as the terminal")
    lines = term.settle("a follow-up answer in a box")
    assert _box_column(lines, "a follow-up answer in a box") <= 3
    child.sendintr()
    child.expect(pexpect.EOF)


@pytest.mark.slow
def test_600_words_typed_at_80x24_are_stored_without_broken_words(tmp_path):
    words = [
        "loader",
        "chronological",
        "calibrated",
        "impressions",
        "we",
        "a",
        "attribution",
        "features",
        "latency",
        "auction",
    ]  # rows of these never line up with 79 columns, so some word must cross an edge
    text = " ".join(words[i % len(words)] for i in range(599)) + " finis"
    term = Screen(tmp_path, 24, 80)
    child = term.child
    start_answering(child)
    child.expect(ANSWER_PROMPT)
    for at in range(0, len(text), 200):
        child.send(text[at : at + 200])
    lines = term.settle(r"finis$", r"\d:\d\d left")
    child.send(SUBMIT)
    child.expect("Your answer to the follow-up")
    child.sendintr()
    child.expect(pexpect.EOF)
    with open_store(tmp_path / "home" / "mlsd.db") as store:
        (record,) = store.list_sessions()
        stored = store.load(record.id).answers["requirements"]
    assert stored == text  # no newline or split inserted where the screen wrapped
    # On screen too, each row of the box ends at a word's end: every word shown is whole.
    top = next(i for i, line in enumerate(lines) if "Esc then Enter" in line)
    bottom = next(i for i, line in enumerate(lines) if re.search(r"\d:\d\d left", line))
    shown = [w for line in lines[top + 1 : bottom] for w in line.split()]
    assert len(shown) >= 50  # several full rows of the box (how many depends on its scroll)
    assert set(shown) <= {*words, "finis"}, "\n".join(lines)


@pytest.mark.slow
def test_f2_shows_the_brief_and_keeps_the_text_typed(tmp_path):
    term = Screen(tmp_path, 24, 80)
    child = term.child
    child.expect("Ask the interviewer a clarifying question")
    child.send("\r")  # the first question
    child.expect("Interviewer:")
    start_answering(child)
    child.expect(ANSWER_PROMPT)
    child.send("half my answer")
    child.expect_exact("half my answer")
    child.send(F2)
    child.expect("The brief so far")
    child.expect("About 200 million daily")
    child.expect(ANSWER_PROMPT)
    child.expect_exact("half my answer")  # the box comes back with the text in it
    child.send(" and the rest.")
    child.expect_exact("and the rest.")
    child.send(SUBMIT)
    child.expect("Your answer to the follow-up")
    child.sendintr()
    child.expect(pexpect.EOF)
    with open_store(tmp_path / "home" / "mlsd.db") as store:
        (record,) = store.list_sessions()
        assert store.load(record.id).answers["requirements"] == "half my answer and the rest."


# -- the same flow in-process, through a scripted prompter -----------------------------


def _practice(store, ctr, replies, clock=None, **kw):
    case, path = ctr
    sid = start(store, case, path, mode="practice", level="senior", minutes=45.0)
    ui = ScriptedPrompter(list(replies))
    runner = Practice(store, sid, case, load_framework(), ui, clock=clock or FakeClock(), **kw)
    return runner, ui


def test_clarifying_questions_count_in_the_requirements_time(store, ctr):
    case, _ = ctr
    clock = FakeClock()

    def two_minutes_of_questions() -> str:
        clock.now += 120
        return f"c:{case.clarifications[0].id}"

    runner, ui = _practice(
        store, ctr, [two_minutes_of_questions, "done", "Requirements.", "/skip", "/pause"], clock
    )
    budget = runner.budgets["requirements"] * 60
    outcome = runner.run()
    assert outcome.record.seconds["requirements"] == pytest.approx(120)
    left = budget - 120
    assert f"{int(left // 60)}:{int(left % 60):02d} left" in ui.statuses[0]


def test_brief_shows_the_prompt_and_answers_so_far_from_any_prompt(store, ctr):
    case, _ = ctr
    first = case.clarifications[0]
    replies = [f"c:{first.id}", "done", "/brief", "Requirements.", "/brief", "Reply.", "/pause"]
    runner, ui = _practice(store, ctr, replies)
    outcome = runner.run()
    said = ui.kinds("interviewer")
    assert said.count(case.prompt.strip()) == 2  # once per /brief
    assert said.count(first.answer.strip()) == 3  # when asked, then once per /brief
    assert outcome.record.answers["requirements"] == "Requirements."
    assert outcome.record.follow_ups[0].answer == "Reply."  # /brief did not answer it


def test_after_the_editor_the_screen_shows_what_was_written(store, ctr):
    runner, ui = _practice(store, ctr, ["done", "/editor", "/skip", "/pause"])
    ui.edited = lambda _template: "Written in the editor.\n# a comment line"
    outcome = runner.run()
    assert outcome.record.answers["requirements"] == "Written in the editor."
    assert any("Written in the editor." in note for note in ui.kinds("note"))


def test_the_status_line_fits_60_columns_even_when_over_time(store, ctr):
    clock = FakeClock()
    runner, _ = _practice(store, ctr, [], clock)
    for step_id in load_framework().step_ids:
        runner.start_clock(step_id)
        clock.now += 10 * 3600
        assert len(runner.status_line(step_id)) <= 60
        assert "over by" in runner.status_line(step_id)
        runner.stop_clock()


def test_a_command_in_a_follow_up_never_throws_it_away_and_pause_pauses(store, ctr):
    """`/hint` or `/back` at a follow-up said "Commands apply to the main answer" and left
    it unanswered; `/pause` moved on to the next step, its clock running."""
    case, _ = ctr
    replies = ["done", "Requirements.", "/hint", "/back", "/pause"]
    runner, ui = _practice(store, ctr, replies)
    outcome = runner.run()
    assert outcome.paused
    notes = ui.kinds("note")
    assert sum("In a follow-up, type one of these" in n for n in notes) == 2
    assert "/hint" not in ui.statuses[-1] and "/pause" in ui.statuses[-1]
    (asked,) = outcome.record.follow_ups
    assert asked.draft and not asked.answer  # still open: asked again on resume
    assert "data" not in outcome.record.answers and "data" not in outcome.record.skipped
    again = Practice(
        store,
        outcome.record.id,
        case,
        load_framework(),
        ScriptedPrompter(["My answer to it.", "/pause"]),
        clock=FakeClock(),
    )
    resumed = again.run()
    assert [f.answer for f in resumed.record.follow_ups] == ["My answer to it."]


@pytest.mark.slow
@pytest.mark.parametrize(("rows", "cols"), [(24, 80), (24, 60)])
def test_the_picker_shows_a_practised_cases_last_score_when_the_pointer_is_on_it(
    tmp_path, run, rows, cols
):
    """The picker took half the screen, and the last option (a practised case: they are
    listed last) showed only its first line, never its last score and due reviews."""
    import os

    answers = Path(__file__).parent / "fixtures" / "answers" / "ctr-prediction-shallow.yaml"
    assert run("practice", "--answers", str(answers)).code == 0
    screen = Screen(tmp_path, rows, cols, ("practice",), Path(os.environ["MLSD_HOME"]))
    screen.settle("Which case do you want to practise")
    screen.child.send("\x1b[A")  # Up: to the last option
    lines = screen.settle(r"» Ad click-through-rate prediction", r"last: \d{4}-\d\d-\d\d")
    assert sum(1 for line in lines if line.strip()) > rows // 2 + 2  # the whole screen
    screen.child.sendintr()
    screen.child.expect(pexpect.EOF)
