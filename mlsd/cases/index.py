"""Which cases exist, and the little ``mlsd list`` needs to know about each.

This module is on the start-up path, so it imports neither YAML nor pydantic: case files
are found by name, and their summaries come from a JSON cache keyed by path, size and
modification time (so an edited file is always re-read, never served stale). Only a
cache miss loads the full case through ``catalog``.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from mlsd import __version__

from mlsd._util import paths
from mlsd.cases.brief import CaseBrief
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


def discover(dirs: list[Path]) -> dict[str, Path]:
    """Case id -> file, for every case file in ``dirs``; an id defined twice is an error."""
    found: dict[str, Path] = {}
    for folder in dirs:
        if not folder.is_dir():
            if folder != paths.bundled_cases_dir():
                raise MlsdError(f"{folder}: cases folder does not exist")
            continue
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            name = entry.name
            if name.startswith(".") or not name.endswith(SUFFIXES) or not entry.is_file():
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
    files = discover(dirs)
    cache_path = paths.cache_dir() / _CACHE_NAME
    cache = _read_cache(cache_path)
    # Entries for folders not scanned this time are kept: `mlsd list` and
    # `mlsd --cases-dir X list` share one cache and must not evict each other.
    scanned = {str(d.resolve()) for d in dirs}
    fresh = {k: v for k, v in cache.items() if str(Path(k).parent) not in scanned}
    cases: list[CaseSummary] = []
    problems: list[str] = []
    for path in files.values():
        stat = path.stat()
        key = str(path.resolve())
        entry = cache.get(key)
        if not (
            entry and entry.get("size") == stat.st_size and entry.get("mtime") == stat.st_mtime_ns
        ):
            entry = {"size": stat.st_size, "mtime": stat.st_mtime_ns, **_summarise(path)}
        fresh[key] = entry
        if entry.get("problem"):
            problems.append(str(entry["problem"]))
        else:
            cases.append(CaseSummary(**entry["summary"]))  # type: ignore[arg-type]
    if fresh != cache:
        _write_cache(cache_path, fresh)
    return Listing(cases, problems)


def _summarise(path: Path) -> dict[str, object]:
    from mlsd.cases.catalog import load_case

    try:
        case = load_case(path)
    except MlsdError as exc:
        return {"problem": exc.message}
    summary = CaseSummary(
        case.id, case.title, case.summary, case.difficulty, list(case.tags), str(path)
    )
    return {"summary": asdict(summary)}


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
        if all(cached.get(k) == v for k, v in stamp.items()):
            return CaseBrief.from_json(cached["brief"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    from mlsd.cases.brief import make_brief
    from mlsd.cases.catalog import load_case, load_framework

    framework = load_framework()
    made = make_brief(load_case(path, framework), framework)
    _write_json(cache_path, {**stamp, "brief": made.to_json()})
    return made


def _version() -> str:
    """What cached results depend on besides the case file: mlsd and its framework."""
    framework = paths.framework_path().stat()
    return f"{__version__}:{framework.st_size}:{framework.st_mtime_ns}"


def _read_cache(path: Path) -> dict[str, dict[str, object]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != _version():
        return {}
    entries = data.get("entries")
    return entries if isinstance(entries, dict) else {}


def _write_cache(path: Path, entries: dict[str, dict[str, object]]) -> None:
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
