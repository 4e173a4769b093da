"""Where mlsd finds its bundled data and keeps the user's data.

Kept free of heavy imports: ``mlsd --help`` and ``mlsd list`` import this.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from mlsd.errors import MlsdError

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


def expand(value: str, variable: str) -> Path:
    """``~`` and ``~user`` expanded, or a message naming the variable when they cannot be.

    ``Path.expanduser`` raises a bare ``RuntimeError`` for ``~nosuchuser``; the user
    should hear which setting to fix, not that mlsd has a bug.
    """
    try:
        return Path(value).expanduser()
    except RuntimeError:
        user = value.split("/", 1)[0]
        raise MlsdError(
            f"{variable}={value!r}: cannot expand {user!r}: there is no such user "
            "(or no home folder to expand ~ to). Use a full path."
        ) from None


def home_dir() -> Path:
    """``$MLSD_HOME``, or the platform's user data folder for mlsd."""
    env = os.environ.get("MLSD_HOME")
    if env:
        return expand(env, "MLSD_HOME")
    from platformdirs import user_data_dir

    return Path(user_data_dir("mlsd", appauthor=False))


def cache_dir() -> Path:
    env = os.environ.get("MLSD_HOME")
    if env:
        return expand(env, "MLSD_HOME") / "cache"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("mlsd", appauthor=False))


def case_dirs(extra: Iterable[Path] = ()) -> list[Path]:
    """Bundled cases first, then ``--cases-dir`` folders, then ``$MLSD_CASES_PATH``."""
    dirs = [bundled_cases_dir(), *extra]
    env = os.environ.get("MLSD_CASES_PATH", "")
    dirs += [expand(p, "MLSD_CASES_PATH") for p in env.split(os.pathsep) if p.strip()]
    seen: set[Path] = set()
    unique: list[Path] = []
    for d in dirs:
        key = d.resolve() if d.exists() else d
        if key not in seen:
            seen.add(key)
            unique.append(d)
    return unique
