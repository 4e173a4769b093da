"""Scores for progress, cached so that 10,000 sessions are never scored again.

A session's score depends on its case file, the framework, the scorer and the session's
own log (answers, and events such as the candidate's overrides). The cache key is a hash
of the first three and the session's ``touched`` counter, which the store moves on with
every answer and event written to it (so it stands for the log's latest answer and
event ids, and is one column to compare): a changed case file, a new mlsd scorer or a
new override is a miss and the session is scored again. The check runs in SQL over the
whole store; only misses come back to Python. Anything unreadable in a cached row is a
miss too, never an error.

Scoring a session (a miss) also keeps its ratings in the review log and rebuilds the
cards they moved (``progress.schedule``): a finished session schedules its points
whether it was finished a minute ago or before this mlsd knew about review.

These are reads that write a cache: when another mlsd holds the write lock past the busy
timeout, the scores are kept in memory for this run instead (``reviews.overlay``) and
``busy`` says so; ``progress``, ``review --due`` and ``mlsd`` still show everything.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mlsd._util import paths
from mlsd.cases.models import Case, Framework
from mlsd.errors import MlsdError
from mlsd.log import reviews
from mlsd.log.failures import StoreBusyError
from mlsd.log.records import SessionRecord
from mlsd.log.reviews import Rated, ScoreRow
from mlsd.log.store import Store
from mlsd.progress import schedule
from mlsd.progress.aliases import canonical_keys, migrate_aliases

# Bump when scoring changes what it reports for the same text: every cached score is
# then a miss, and each session is scored (once) again.
SCORER_VERSION = "3"  # 2: sentences run past "e.g."; headings found in one pass, capped
# 3: a step the candidate skipped counts in progress and review, as one they tried
DATA_VERSION = 1


@dataclass(frozen=True)
class SessionScore:
    """What progress needs from one scored session."""

    session_id: str
    case_id: str
    case_title: str
    mode: str  # "practice" or "drill"
    at: str  # when the candidate last answered (the session's practice time), UTC text
    seconds: float  # time spent, all steps
    coverage: float  # over every step (for a drill, only its step is meaningful)
    verdict: str
    steps: dict[str, float]  # attempted step -> its coverage
    missed: tuple[str, ...]  # keys of expected points not credited, in attempted steps


def encode(score: SessionScore) -> str:
    """The JSON part of a cache row: what is not a column."""
    data = {"v": DATA_VERSION, "case_title": score.case_title, "steps": score.steps}
    data["missed"] = list(score.missed)
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def decode(row: ScoreRow) -> SessionScore | None:
    """A cached row back, or None for anything but the exact shape ``encode`` writes."""
    try:
        raw = json.loads(row.data)
    except (ValueError, RecursionError):
        return None
    if not isinstance(raw, dict) or raw.get("v") != DATA_VERSION:
        return None
    title, steps, missed = raw.get("case_title"), raw.get("steps"), raw.get("missed")
    if (
        not isinstance(title, str)
        or not isinstance(steps, dict)
        or not all(_fraction(v) for v in steps.values())
        or not isinstance(missed, list)
        or not all(isinstance(m, str) for m in missed)
    ):
        return None
    return SessionScore(
        session_id=row.session_id,
        case_id=row.case_id,
        case_title=title,
        mode=row.mode,
        at=row.practised_at,
        seconds=row.seconds,
        coverage=row.coverage,
        verdict=row.verdict,
        steps={str(k): float(v) for k, v in steps.items()},
        missed=tuple(missed),
    )


def _fraction(value: object) -> bool:
    """A step's coverage as ``encode`` writes it: a number from 0 to 1, never NaN or
    infinity (Python's json reads both), which the trend bars could not draw."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return 0.0 <= value <= 1.0


def file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def key_prefix(case_hash: str, framework_hash: str) -> str:
    """The part of a cache key a case file shares: scorer, case and framework."""
    text = f"{SCORER_VERSION}|{case_hash}|{framework_hash}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def practised_at(record: SessionRecord, fallback: datetime) -> str:
    """When the candidate last answered: the session's time for trends and review."""
    text = record.history[-1].at if record.history else record.updated_at
    return schedule.stamp(schedule.parse_time(text, fallback))


class Scores:
    """The cached scores, brought up to date: misses are scored (and their points
    scheduled); sessions whose case can no longer be found are left out rather than
    failing the whole view."""

    def __init__(self, store: Store, dirs: list[Path], framework: Framework) -> None:
        self.store = store
        self.dirs = dirs
        self.framework = framework
        self.framework_hash = file_hash(paths.framework_path()) or ""
        self._cases: dict[str, Case | None] = {}
        self._found: dict[str, Path] | None = None
        self._migrated: set[str] = set()
        self.paths: dict[str, Path] = {}  # case id -> the file its sessions use
        self.scored = 0  # misses scored in this run (tests and benchmarks read it)
        self.busy = reviews.overlaid(store)  # writes kept in memory: the store is locked

    def refresh(self, now: datetime) -> int:
        """Score every session whose cached score is missing or stale; how many were."""
        prefixes: dict[str, str] = {}
        files: dict[str, Path] = {}
        for case_path, case_id in reviews.case_paths(self.store):
            path = self._path(case_path, case_id)
            digest = file_hash(path) if path is not None else None
            if path is None or digest is None:
                continue
            prefixes[case_path] = key_prefix(digest, self.framework_hash)
            files[case_path] = path
            self.paths[case_id] = path
        before = self.scored
        for state in reviews.stale_sessions(self.store, prefixes):
            self._score(state.session_id, files[state.case_path], state.key, now)
        for case_id, point_id in reviews.malformed_cards(self.store):
            # A due time that is not a time: the card is corrupt, rebuilt from its log.
            def repair(case_id: str = case_id, point_id: str = point_id) -> None:
                reviews.rename_point(self.store, case_id, point_id, point_id)  # drops it
                schedule.rebuild(self.store, case_id, [point_id], now)

            self._write(repair)
        return self.scored - before

    def _write(self, write: Callable[[], None]) -> None:
        """Run a cache write; when another mlsd holds the write lock, keep this one and
        every later one of the run in memory instead (each write is safe to repeat)."""
        try:
            write()
        except StoreBusyError:
            if self.busy:
                raise  # the overlay takes no lock: this is something else
            reviews.overlay(self.store)
            self.busy = True
            write()

    def recent(self, limit: int, now: datetime) -> list[SessionScore]:
        """The latest ``limit`` scores, oldest first; a corrupt row is scored again."""
        out: list[SessionScore] = []
        for row in reviews.recent_scores(self.store, limit):
            score = decode(row)
            if score is None:
                score = self._rescore(row, now)
            if score is not None:
                out.append(score)
        return out

    def _rescore(self, row: ScoreRow, now: datetime) -> SessionScore | None:
        path = self.paths.get(row.case_id) or self._discover().get(row.case_id)
        if path is None:
            return None
        # A key no session has: the next refresh scores it once more under its real key.
        return self._score(row.session_id, path, "corrupt", now)

    def case(self, path: Path) -> Case | None:
        """A case file loaded once per run; one that no longer loads is None."""
        text = str(path)
        if text not in self._cases:
            from mlsd.cases.catalog import load_case

            try:
                self._cases[text] = load_case(path, self.framework)
            except (MlsdError, OSError):
                self._cases[text] = None
        return self._cases[text]

    def case_by_id(self, case_id: str) -> Case | None:
        path = self._discover().get(case_id) or self.paths.get(case_id)
        return self.case(path) if path is not None else None

    def _discover(self) -> dict[str, Path]:
        if self._found is None:
            from mlsd.cases.index import discover

            try:
                self._found = discover(self.dirs)
            except MlsdError:
                self._found = {}
        return self._found

    def _path(self, case_path: str, case_id: str) -> Path | None:
        """The file the session was practised from, or the case's file now (moved)."""
        path = Path(case_path)
        if path.is_file():
            return path
        return self._discover().get(case_id)

    def _score(self, session_id: str, path: Path, key: str, now: datetime) -> SessionScore | None:
        from mlsd.documents.export import score_session

        case = self.case(path)
        if case is None:
            return None
        try:
            record = self.store.load(session_id)
        except MlsdError:
            return None  # deleted meanwhile
        report = score_session(record, case, self.framework)
        attempted = [s for s in report.steps if schedule.tried(s, record)]
        score = SessionScore(
            session_id=record.id,
            case_id=record.case_id,
            case_title=case.title,
            mode=record.mode,
            at=practised_at(record, now),
            seconds=sum(record.seconds.values()),
            coverage=report.coverage,
            verdict=report.level_signal.summary,
            steps={s.id: s.coverage for s in attempted},
            missed=tuple(
                p.key for s in attempted for p in s.points if p.expected and not p.credited
            ),
        )
        known = canonical_keys(case, self.framework)
        ratings = schedule.session_ratings(report, record)
        rated = [Rated(known.get(k, k), r) for k, r in ratings.items()]
        row = ScoreRow(
            record.id, record.case_id, record.mode, score.at, score.seconds,
            score.coverage, score.verdict, encode(score),
        )  # fmt: skip

        changed: list[str] = []  # kept across a retry: the first try may have logged them

        def write() -> None:
            # The score, the ratings it logs and the cards they move: all or none, so a
            # crash between them cannot leave a cached score whose cards never moved.
            with self.store.batch():
                if case.id not in self._migrated:
                    migrate_aliases(self.store, case, self.framework, now)
                done = reviews.save_score(
                    self.store, row, key, schedule.stamp(now), rated, score.at
                )
                changed.extend(p for p in done if p not in changed)
                schedule.rebuild(self.store, case.id, changed, now)

        self._write(write)
        self._migrated.add(case.id)
        self.scored += 1
        return score
