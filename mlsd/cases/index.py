"""Which cases exist, and the little ``mlsd list`` needs to know about each.

This module is on the start-up path, so it imports neither YAML nor pydantic: case files
are found by name, and their summaries come from a JSON cache keyed by path, size and
modification time (so an edited file is always re-read, never served stale). Only a
cache miss loads the full case through ``catalog``.

The cache is only an optimisation and lives in a folder anything can write to, so it is
read as untrusted: an entry that is not exactly what this module writes (bad JSON, a list
for a mapping, a number for a title) is a miss, re-read from the case file, and never
fails a command.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from mlsd import __version__
from mlsd._util import paths
from mlsd.cases.brief import CaseBrief, StepBrief
from mlsd.errors import CaseNotFoundError, MlsdError

SUFFIXES = (".yaml", ".yml")
_CACHE_NAME = "case-index.json"


@dataclass(frozen=True)
class CaseSummary:
    id: str
    title: str
    summary: str
    difficulty: str
    tags: list[str]
    path: str


@dataclass(frozen=True)
class Listing:
    cases: list[CaseSummary]
    problems: list[str]  # files that could not be loaded, as "path:line:col: message"


def discover(dirs: list[Path], skipped: list[str] | None = None) -> dict[str, Path]:
    """Case id -> file, for every case file in ``dirs``; an id defined twice is an error.

    A ``*.yaml`` that is not a regular file (a FIFO, a device, a broken link) is never
    opened; when ``skipped`` is given, a line saying so is added to it.
    """
    found: dict[str, Path] = {}
    for folder in dirs:
        if not folder.is_dir():
            if folder != paths.bundled_cases_dir():
                raise MlsdError(f"{folder}: cases folder does not exist")
            continue
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            name = entry.name
            if name.startswith(".") or not name.endswith(SUFFIXES):
                continue
            if not entry.is_file():
                if skipped is not None and not entry.is_dir():
                    skipped.append(
                        f"{entry.path}: not a regular file (a FIFO, device or broken link)"
                    )
                continue
            case_id = Path(name).stem
            if case_id in found:
                raise MlsdError(
                    f"case id {case_id!r} is defined twice: {found[case_id]} and "
                    f"{Path(entry.path)}. Rename one file (and the id inside it to match)."
                )
            found[case_id] = Path(entry.path)
    return found


def resolve(ref: str, dirs: list[Path]) -> Path:
    """A case id, or a path to a case file, to the file that defines it."""
    if ref.endswith(SUFFIXES):
        path = Path(ref).expanduser()
        if path.is_file():
            return path
    found = discover(dirs)
    if ref in found:
        return found[ref]
    close = difflib.get_close_matches(ref, list(found), n=3, cutoff=0.5)
    close += [cid for cid in found if ref in cid and cid not in close][:3]
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise CaseNotFoundError(f"no case {ref!r}.{hint} (`mlsd list` shows them all)")


def listing(dirs: list[Path]) -> Listing:
    problems: list[str] = []
    files = discover(dirs, problems)
    cache_path = paths.cache_dir() / _CACHE_NAME
    cache = _read_cache(cache_path)
    # Entries for folders not scanned this time are kept: `mlsd list` and
    # `mlsd --cases-dir X list` share one cache and must not evict each other.
    scanned = {str(d.resolve()) for d in dirs}
    fresh = {k: v for k, v in cache.items() if str(Path(k).parent) not in scanned}
    cases: list[CaseSummary] = []
    for path in files.values():
        stat = path.stat()
        key = str(path.resolve())
        entry = cache.get(key)
        stamp = {"size": stat.st_size, "mtime": stat.st_mtime_ns}
        outcome = _from_entry(entry, stamp)
        if outcome is None:
            stored, outcome = _summarise(path)
            entry = {**stamp, **stored}
        fresh[key] = entry
        if isinstance(outcome, str):
            problems.append(outcome)
        else:
            cases.append(outcome)
    if fresh != cache:
        _write_cache(cache_path, fresh)
    return Listing(cases, problems)


_SUMMARY_FIELDS = {f.name for f in fields(CaseSummary)}


def _from_entry(entry: object, stamp: dict[str, int]) -> CaseSummary | str | None:
    """A cache entry as a summary or a problem message; ``None`` for a miss.

    Anything but the exact shape ``_summarise`` writes is a miss, checked field by field
    rather than trusted to ``CaseSummary(**...)``.
    """
    if not isinstance(entry, dict) or any(entry.get(k) != v for k, v in stamp.items()):
        return None
    problem = entry.get("problem")
    if problem is not None:
        return problem if isinstance(problem, str) and problem else None
    summary = entry.get("summary")
    if not isinstance(summary, dict) or set(summary) != _SUMMARY_FIELDS:
        return None
    tags = summary["tags"]
    texts = [summary[k] for k in _SUMMARY_FIELDS - {"tags"}]
    if not (
        all(isinstance(t, str) for t in texts)
        and isinstance(tags, list)
        and all(isinstance(t, str) for t in tags)
    ):
        return None
    return CaseSummary(
        id=summary["id"],
        title=summary["title"],
        summary=summary["summary"],
        difficulty=summary["difficulty"],
        tags=list(tags),
        path=summary["path"],
    )


def _summarise(path: Path) -> tuple[dict[str, object], CaseSummary | str]:
    """What to cache for ``path``, and the summary or problem it stands for."""
    from mlsd.cases.catalog import load_case

    try:
        case = load_case(path)
    except MlsdError as exc:
        return {"problem": exc.message}, exc.message
    summary = CaseSummary(
        case.id, case.title, case.summary, case.difficulty, list(case.tags), str(path)
    )
    return {"summary": asdict(summary)}, summary


def brief(path: Path) -> CaseBrief:
    """The case's brief, from a per-file cache keyed like the listing (never stale).

    ``mlsd show`` is a start-up path: on a cache hit it needs neither YAML nor the
    pydantic models.
    """
    stat = path.stat()
    key = hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()
    cache_path = paths.cache_dir() / "briefs" / f"{key}.json"
    stamp = {"version": _version(), "size": stat.st_size, "mtime": stat.st_mtime_ns}
    try:
        cached = json.loads(cache_path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        cached = None
    if isinstance(cached, dict) and all(cached.get(k) == v for k, v in stamp.items()):
        hit = _brief_from_json(cached.get("brief"))
        if hit is not None:
            return hit
    from mlsd.cases.brief import make_brief
    from mlsd.cases.catalog import load_case, load_framework

    framework = load_framework()
    made = make_brief(load_case(path, framework), framework)
    _write_json(cache_path, {**stamp, "brief": made.to_json()})
    return made


def _brief_from_json(data: object) -> CaseBrief | None:
    """A cached brief, or ``None`` unless every field has the type ``make_brief`` gives it."""

    def text(value: object) -> bool:
        return isinstance(value, str)

    def texts(value: object) -> bool:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)

    def number(value: object) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool)

    if not isinstance(data, dict):
        return None
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list):
        return None
    steps: list[StepBrief] = []
    for step in raw_steps:
        if not (
            isinstance(step, dict)
            and set(step) == {"id", "title", "goal", "minutes", "prompts"}
            and text(step["id"])
            and text(step["title"])
            and text(step["goal"])
            and number(step["minutes"])
            and texts(step["prompts"])
        ):
            return None
        steps.append(
            StepBrief(step["id"], step["title"], step["goal"], step["minutes"], step["prompts"])
        )
    if not (
        all(text(data.get(k)) for k in ("id", "title", "summary", "difficulty", "prompt"))
        and texts(data.get("tags"))
        and number(data.get("total_minutes"))
    ):
        return None
    return CaseBrief(
        id=data["id"],
        title=data["title"],
        summary=data["summary"],
        difficulty=data["difficulty"],
        tags=data["tags"],
        prompt=data["prompt"],
        total_minutes=data["total_minutes"],
        steps=steps,
    )


def _version() -> str:
    """What cached results depend on besides the case file: mlsd and its framework."""
    framework = paths.framework_path().stat()
    return f"{__version__}:{framework.st_size}:{framework.st_mtime_ns}"


def _read_cache(path: Path) -> dict[str, object]:
    """The cached entries by resolved path; each is checked when used (``_from_entry``)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # RecursionError: "[[[[..." nested deep
        return {}
    if not isinstance(data, dict) or data.get("version") != _version():
        return {}
    entries = data.get("entries")
    return entries if isinstance(entries, dict) else {}


def _write_cache(path: Path, entries: dict[str, object]) -> None:
    _write_json(path, {"version": _version(), "entries": entries})


def _write_json(path: Path, data: object) -> None:
    # The cache is an optimisation: failing to write it must never fail a command.
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass
