"""Where mlsd finds its bundled data and keeps the user's data.

Kept free of heavy imports: ``mlsd --help`` and ``mlsd list`` import this.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def _data_dir(name: str) -> Path:
    # In a wheel the folders are shipped as mlsd/_data/<name>; in a source checkout
    # (editable install, tests) they are the repository's top-level folders.
    shipped = _PACKAGE / "_data" / name
    return shipped if shipped.is_dir() else _PACKAGE.parent / name


def bundled_cases_dir() -> Path:
    return _data_dir("cases")


def bundled_templates_dir() -> Path:
    return _data_dir("templates")


def framework_path() -> Path:
    return _PACKAGE / "framework.yaml"


def home_dir() -> Path:
    """``$MLSD_HOME``, or the platform's user data folder for mlsd."""
    env = os.environ.get("MLSD_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("mlsd", appauthor=False))


def cache_dir() -> Path:
    env = os.environ.get("MLSD_HOME")
    if env:
        return Path(env).expanduser() / "cache"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("mlsd", appauthor=False))


def case_dirs(extra: Iterable[Path] = ()) -> list[Path]:
    """Bundled cases first, then ``--cases-dir`` folders, then ``$MLSD_CASES_PATH``."""
    dirs = [bundled_cases_dir(), *extra]
    env = os.environ.get("MLSD_CASES_PATH", "")
    dirs += [Path(p).expanduser() for p in env.split(os.pathsep) if p.strip()]
    seen: set[Path] = set()
    unique: list[Path] = []
    for d in dirs:
        key = d.resolve() if d.exists() else d
        if key not in seen:
            seen.add(key)
            unique.append(d)
    return unique
