"""Spaced review (issue 15): due cards, a review run, the JSON, exports, bad stored data."""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from mlsd._util.paths import case_dirs
from mlsd.cases.catalog import load_framework
from mlsd.log import reviews
from mlsd.log.store import db_path, open_store
from mlsd.progress import schedule
from mlsd.progress.cards import BLANK
from mlsd.progress.review import due_cards, run_review
from tests.test_progress import MONDAY, at, practise

ANSWERS = Path(__file__).resolve().parent / "fixtures" / "answers"
TUESDAY = MONDAY + timedelta(days=1, hours=1)


class Asker:
    """A scripted candidate: recalls with ``typed`` and rates every card ``rating``."""

    def __init__(self, typed: str = "", rating: int | None = schedule.GOOD, stop_after: int = 99):
        self.typed, self.rating, self.stop_after = typed, rating, stop_after
        self.fronts: list[str] = []
        self.hits: list[bool | None] = []

    def front(self, card, position, total):
        self.fronts.append(card.cloze)

    def recall(self):
        return self.typed

    def back(self, card, hit):
        self.hits.append(hit)

    def rate(self, intervals):
        assert set(intervals) == {1, 2, 3, 4}
        assert intervals[1] <= intervals[3] <= intervals[4]
        return self.rating if len(self.hits) <= self.stop_after else None


def test_a_review_moves_cards_out_of_today_and_back_weeks_later(monkeypatch):
    at(MONDAY, monkeypatch)
    practise("ctr-prediction-shallow")
    framework = load_framework()
    with open_store() as store:
        items, _ = due_cards(store, case_dirs([]), framework, TUESDAY)
        assert items
        asker = Asker(stop_after=3)
        result = run_review(store, items, asker, lambda: TUESDAY)
        assert result.reviewed == 3 and result.left == len(items) - 3
        # The fronts never give the point away: key words are blanked.
        assert all(BLANK in f or "hidden" in f for f in asker.fronts)
        left, _ = due_cards(store, case_dirs([]), framework, TUESDAY)
        assert len(left) == len(items) - 3
        result = run_review(store, left, Asker(rating=schedule.EASY), lambda: TUESDAY)
        assert result.reviewed == len(left)
        assert due_cards(store, case_dirs([]), framework, TUESDAY + timedelta(days=1))[0] == []
        later, _ = due_cards(store, case_dirs([]), framework, TUESDAY + timedelta(days=60))
        assert len(later) == len(items)  # nothing is forgotten: they all come back
        logged = store.conn.execute(
            "SELECT COUNT(*) FROM review_log WHERE source = 'review'"
        ).fetchone()[0]
    assert logged == len(items)


def test_a_typed_recall_is_checked_against_the_point(monkeypatch):
    at(MONDAY, monkeypatch)
    practise("ctr-prediction-shallow")
    with open_store() as store:
        items, _ = due_cards(store, case_dirs([]), load_framework(), TUESDAY)
        first = items[0]
        asker = Asker(typed=f"Because: {first.face.match[0]} is essential here.", stop_after=0)
        run_review(store, items[:1], asker, lambda: TUESDAY)
    assert asker.hits == [True]


def test_a_corrupt_card_is_rebuilt_from_its_ratings(monkeypatch):
    at(MONDAY, monkeypatch)
    practise("ctr-prediction-shallow")
    with open_store() as store:
        items, _ = due_cards(store, case_dirs([]), load_framework(), TUESDAY)
        row = items[0].row
        store.conn.execute(
            "UPDATE review_cards SET card = '{broken' WHERE point_id = ?", (row.point_id,)
        )
        store.conn.commit()
        items, _ = due_cards(store, case_dirs([]), load_framework(), TUESDAY)
        result = run_review(store, items[:1], Asker(), lambda: TUESDAY)
        assert result.reviewed == 1
        fixed = [c for c in reviews.cards(store) if c.point_id == items[0].row.point_id]
    assert schedule.load_card(fixed[0]) is not None


def test_an_alias_keeps_the_history_of_a_merged_point(monkeypatch):
    """A card under an old id moves to the point that lists it in ``aliases``."""
    at(MONDAY, monkeypatch)
    practise("ctr-prediction-shallow")
    with open_store() as store:
        store.conn.execute(
            "UPDATE review_log SET point_id = 'case:serve-time-feature-logging' WHERE point_id = 'case:logged-feature-skew-check'"
        )
        store.conn.execute(
            "DELETE FROM review_cards WHERE point_id = 'case:logged-feature-skew-check'"
        )
        store.conn.execute("DELETE FROM session_scores")  # rescore: the migration runs then
        store.conn.commit()
    from mlsd.cases.catalog import load_case
    from mlsd.progress.aliases import canonical_keys

    case = load_case(Path("cases/ctr-prediction.yaml"), load_framework())
    if (
        canonical_keys(case, load_framework()).get("case:serve-time-feature-logging")
        != "case:logged-feature-skew-check"
    ):
        pytest.skip("the bundled CTR case no longer has this alias")
    with open_store() as store:
        due_cards(store, case_dirs([]), load_framework(), TUESDAY)
        ids = {c.point_id for c in reviews.cards(store)}
        olds = store.conn.execute(
            "SELECT COUNT(*) FROM review_log WHERE point_id = 'case:serve-time-feature-logging'"
        ).fetchone()[0]
    assert "case:logged-feature-skew-check" in ids and olds == 0
    assert "case:serve-time-feature-logging" not in ids


def test_review_due_json_and_plain(run):
    run("practice", "--answers", str(ANSWERS / "ctr-prediction-shallow.yaml"))
    with sqlite3.connect(db_path()) as conn:
        conn.execute("UPDATE review_cards SET due = '2000-01-01T00:00:00'")
    result = run("review", "--due", "--json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["format"] == 1 and doc["kind"] == "mlsd-review-due"
    assert doc["count"] == len(doc["due"]) > 0
    item = doc["due"][0]
    assert set(item) == {
        "case", "case_title", "point", "step", "step_title", "level", "prompt", "probe", "due"
    }  # fmt: skip
    plain = run("review", "--due")
    assert plain.code == 0 and "due today" in plain.out
    # an id beside a blanked card ("framework:missing-values") gave the answer away
    assert not any(row["point"] in plain.out for row in doc["due"])
    assert run("review", "--json").code == 1  # --json lists: it needs --due
    # Without a terminal, review never prompts.
    refused = run("review")
    assert refused.code == 1 and "not a terminal" in refused.err


def test_review_export_markdown_and_anki(run, tmp_path):
    run("practice", "--answers", str(ANSWERS / "ctr-prediction-shallow.yaml"))
    md = tmp_path / "cards.md"
    result = run("review", "export", "--format", "md", str(md))
    assert result.code == 0, result.err
    text = md.read_text()
    assert text.count("**Q:**") > 5 and "**A:**" in text
    assert run("review", "export", "--format", "md", str(md)).code == 1  # no overwrite
    deck = tmp_path / "cards.apkg"
    assert run("review", "export", "--format", "anki", str(deck)).code == 0
    assert deck.stat().st_size > 0
    assert run("review", "export", "--format", "csv", str(tmp_path / "x")).code == 1
    # a deck named .md (or Markdown named .apkg) was written without a word
    wrong = run("review", "export", "--format", "anki", str(tmp_path / "deck.md"))
    assert wrong.code == 1 and "deck.md is named as Markdown" in wrong.err
    assert not (tmp_path / "deck.md").exists()
    inferred = tmp_path / "inferred.apkg"
    assert run("review", "export", str(inferred)).code == 0
    assert inferred.read_bytes()[:2] == b"PK"  # a zip: an Anki package, not Markdown


def test_review_export_anki_without_genanki_says_how_to_get_it(run, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "genanki", None)  # import genanki -> ImportError
    result = run("review", "export", "--format", "anki", str(tmp_path / "d.apkg"))
    assert result.code == 1
    assert "pip install 'mlsd[anki]'" in result.err and "Traceback" not in result.err
    assert not (tmp_path / "d.apkg").exists()


def test_due_is_counted_in_the_candidates_day():
    evening = datetime(2025, 3, 3, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert schedule.end_of_day(evening).isoformat().startswith("2025-03-04T00:00:00-05:00")
    assert schedule.stamp(evening) == "2025-03-04T04:30:00"


def test_due_list_wraps_under_each_card_not_under_the_bullet(monkeypatch):
    """At 60 columns a card's wrapped lines are indented under its text, so the list
    can be scanned by its bullets (they used to run on from column 0)."""
    from rich.console import Console

    from mlsd.ui.console import THEME
    from mlsd.ui.review_view import due_view

    at(MONDAY, monkeypatch)
    practise("ctr-prediction-shallow")
    with open_store() as store:
        items, _ = due_cards(store, case_dirs([]), load_framework(), TUESDAY)
    console = Console(width=60, record=True, color_system=None, theme=THEME)
    console.print(due_view(items, TUESDAY))
    lines = console.export_text().splitlines()
    body = lines[1:-1]  # between "N due today" and "Review them"
    assert len(body) > len(items)  # some cards wrap at 60 columns
    assert sum(1 for line in body if line.startswith(" • ")) == len(items)
    assert all(line.startswith(" • ") or line.startswith("   ") for line in body)


def test_f2_in_a_review_shows_the_card_again_and_is_not_an_answer():
    """In a review F2 shows the card's front again, and the answer box says so (it said
    "F2 shows the brief"); "/brief" must not be scored as the candidate's recall."""
    from rich.console import Console

    from mlsd.progress.cards import CardFace
    from mlsd.ui.console import THEME
    from mlsd.ui.review_view import TerminalReviewAsker

    class Prompter:
        def __init__(self) -> None:
            self.replies = ["/brief", "a real recall"]
            self.f2: list[str] = []

        def answer(self, message: str, *, f2: str = "the brief") -> str:
            self.f2.append(f2)
            return self.replies.pop(0)

    console = Console(width=60, record=True, color_system=None, theme=THEME)
    asker = TerminalReviewAsker(console)
    prompter = Prompter()
    asker.prompter = prompter  # type: ignore[assignment]  # a scripted stand-in
    card = CardFace(
        "c", "A case", "case:p", "data", "Data", "mid", None, "A _____", "A point", "why",
        "", (),
    )  # fmt: skip
    asker.front(card, 1, 3)
    assert asker.recall() == "a real recall"
    assert console.export_text().count("Review 1 of 3") == 2
    assert prompter.f2 == ["the card again"] * 2


def test_review_help_keeps_its_sentences_whole(run, monkeypatch):
    """--help kept the docstring's hard line break, cutting "(missed:" from "tomorrow"
    onto two lines whatever the terminal's width."""
    monkeypatch.setenv("COLUMNS", "200")
    result = run("review", "--help")
    assert "(missed: tomorrow; made easily: weeks away)" in result.out


def test_a_days_review_shows_at_most_the_daily_limit_most_important_first(monkeypatch):
    """One shallow session put 62 cards due the next day, and `mlsd review` showed them
    all. Like Anki's daily limit, a day's review now shows at most 20 (``--limit``),
    core and senior/staff points first; the rest stay due for the next days."""
    from mlsd.progress.review import DEFAULT_LIMIT, order, todays_share

    at(MONDAY, monkeypatch)
    practise("ctr-prediction-shallow")
    framework = load_framework()
    with open_store() as store:
        items, _ = due_cards(store, case_dirs([]), framework, TUESDAY)
        assert len(items) > DEFAULT_LIMIT
        share = todays_share(store, items, TUESDAY, DEFAULT_LIMIT)
        assert len(share) == DEFAULT_LIMIT
        assert share == order(items)[:DEFAULT_LIMIT]
        tiers = [(not i.face.core, i.face.level == "mid") for i in order(items)]
        assert tiers == sorted(tiers) and tiers[0] == (False, False)
        assert all(i.face.core or i.face.level != "mid" for i in share)
        run_review(store, share[:5], Asker(), lambda: TUESDAY)
        left, _ = due_cards(store, case_dirs([]), framework, TUESDAY)
        # The day's limit counts what was already reviewed today.
        assert len(todays_share(store, left, TUESDAY, DEFAULT_LIMIT)) == DEFAULT_LIMIT - 5
        assert todays_share(store, left, TUESDAY, 5) == []
        wednesday = TUESDAY + timedelta(days=1)
        later, _ = due_cards(store, case_dirs([]), framework, wednesday)
        assert len(todays_share(store, later, wednesday, DEFAULT_LIMIT)) == DEFAULT_LIMIT


def test_review_due_says_how_many_todays_review_shows(run, monkeypatch):
    monkeypatch.setattr("mlsd.cli.review.now", lambda: TUESDAY)
    at(MONDAY, monkeypatch)
    practise("ctr-prediction-shallow")
    doc = json.loads(run("review", "--due", "--json", "--limit", "3").out)
    assert doc["today"] == 3 and doc["limit"] == 3 and doc["count"] > 3
    assert doc["count"] == len(doc["due"])
    plain = run("review", "--due", "--limit", "3")
    assert plain.code == 0
    assert "today's review shows the first 3" in " ".join(plain.out.split())
    assert json.loads(run("review", "--due", "--json").out)["today"] == 20
    bad = run("review", "--limit", "0")
    assert bad.code == 2 and "greater than or equal to 1" in bad.err
    help_text = " ".join(run("review", "--help").out.split())
    assert "at most 20 cards (--limit N)" in help_text


def test_nothing_due_says_when_the_next_card_is(run, monkeypatch):
    """`mlsd review` with nothing due said only "No reviews due today"."""
    monday_noon = MONDAY + timedelta(hours=3)
    monkeypatch.setattr("mlsd.cli.review.now", lambda: monday_noon)
    monkeypatch.setattr("mlsd.cli.progress.now", lambda: monday_noon)
    at(MONDAY, monkeypatch)
    practise("ctr-prediction-shallow")  # missed points come back on Tuesday
    for args in (("review",), ("review", "--due"), ()):
        result = run(*args)
        assert result.code == 0, result.err
        assert "Next card due tomorrow (Tue 4 Mar)" in " ".join(result.out.split()), args
    doc = json.loads(run("review", "--due", "--json").out)
    assert doc["count"] == 0 and doc["next_due"] == "2025-03-04T09:00:00+00:00"


def test_every_time_in_the_due_json_is_utc_with_its_offset(run, monkeypatch):
    """ "now" had an offset and "due" none; both are now ISO 8601 UTC with +00:00."""
    evening = datetime(2025, 3, 4, 22, 0, tzinfo=timezone(timedelta(hours=-5)))
    monkeypatch.setattr("mlsd.cli.review.now", lambda: evening)
    at(MONDAY, monkeypatch)
    practise("ctr-prediction-shallow")
    doc = json.loads(run("review", "--due", "--json").out)
    times = [doc["now"], *(item["due"] for item in doc["due"])]
    assert doc["now"] == "2025-03-05T03:00:00+00:00" and len(times) > 1
    for text in times:
        moment = datetime.fromisoformat(text)
        assert text.endswith("+00:00") and moment.utcoffset() == timedelta(0)


def test_anki_notes_are_tagged_with_their_case_and_step(run, tmp_path):
    import zipfile

    run("practice", "--answers", str(ANSWERS / "ctr-prediction-shallow.yaml"))
    deck = tmp_path / "cards.apkg"
    assert run("review", "export", "--format", "anki", str(deck)).code == 0
    with zipfile.ZipFile(deck) as package:
        (tmp_path / "c.db").write_bytes(package.read("collection.anki2"))
    with sqlite3.connect(tmp_path / "c.db") as conn:
        tags = [set(r[0].split()) for r in conn.execute("SELECT tags FROM notes")]
    steps = {s.id for s in load_framework().steps}
    assert tags and all("ctr-prediction" in t and t & steps for t in tags)


def test_the_cli_limit_default_is_the_schedulers():
    """cli/review.py writes the default as a literal (importing the scheduler would slow
    `mlsd --help`); it must stay the scheduler's own."""
    import inspect

    from mlsd.cli.review import review
    from mlsd.progress.review import DEFAULT_LIMIT

    assert inspect.signature(review).parameters["limit"].default == DEFAULT_LIMIT


def test_a_card_blanks_whole_words_never_half_of_one():
    """Clozes read "drift-_____" or "0.83 _____-month" (107 of the bundled points): the
    half left showed the answer."""
    import re

    from mlsd._util.paths import bundled_cases_dir
    from mlsd.cases.catalog import load_case
    from mlsd.cases.models import step_rubric
    from mlsd.progress.cards import cloze

    framework = load_framework()
    halves = [
        text
        for path in sorted(bundled_cases_dir().glob("*.yaml"))
        for case in [load_case(path, framework)]
        for step in framework.steps
        for _, point in step_rubric(case, framework, step.id)
        for text in [cloze(point)]
        if re.search(r"_____[-\w]|[-\w]_____", text)
    ]
    assert halves == []


def test_what_a_session_showed_sets_when_a_point_first_comes_back():
    """FSRS's first-rating defaults (a flash card just learned) brought a point made in a
    session back in two days: a new user's pile was 94 cards the next day and 154 a week on."""
    session = datetime(2026, 12, 3, 18, 0, tzinfo=timezone.utc)
    later = session + timedelta(days=60)
    first_due = {}
    for rating in schedule.RATINGS:
        log = [reviews.LogRow(rating, "session", "s1", schedule.stamp(session))]
        card = schedule.replay("ctr-prediction", "case:x", log, later)
        first_due[schedule.RATING_NAMES[rating]] = round((card.due - session).days)
    assert first_due == {"Again": 1, "Hard": 1, "Good": 7, "Easy": 21}


def test_a_point_whose_phrases_it_does_not_contain_still_gets_blanks():
    """Four of a new user's cards read "What does a strong mid-level answer say here?
    (hidden: one key point)": the point's own text holds none of its match phrases."""
    from mlsd.cases.catalog import load_case
    from mlsd.progress.cards import cloze, locate

    framework = load_framework()
    case = load_case(Path(__file__).parent.parent / "cases" / "ctr-prediction.yaml", framework)
    _, point = locate(case, framework)["framework:batch-vs-online"]
    card = cloze(point)
    assert card.startswith("Chooses between _____ (")
    assert "hidden" not in card and 1 <= card.count(BLANK) <= 4


def test_a_recall_that_fills_the_blanks_makes_the_point():
    """A new user typed every blanked word of the fan-out card and was told the scorer
    did not find the point: its match phrases are worded otherwise."""
    from mlsd.cases.catalog import load_case
    from mlsd.progress.cards import face, gaps, locate, recalled

    framework = load_framework()
    case = load_case(Path(__file__).parent.parent / "cases" / "feed-ranking.yaml", framework)
    found = locate(case, framework)
    card = next(
        face(case, framework, key, where)
        for key, where in found.items()
        if "fan-out on write" in where[1].point
    )
    assert gaps(card) == ["fan-out", "inboxes", "fan-out", "write amplification"]
    assert recalled(card, "fan-out, inboxes, fan-out, write amplification")
    assert recalled(card, "fan out on write to inboxes")  # half the blanks is enough
    assert not recalled(card, "join rate, volume, a broken logging pipeline")
