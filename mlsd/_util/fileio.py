"""Writing files so that a crash never leaves a half-written one behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from mlsd.errors import MlsdError


def write_atomic(path: Path, text: str, *, force: bool = False) -> Path:
    """Write ``text`` to ``path`` via a temp file in the same folder, fsync and rename.

    An existing file is only replaced with ``force``; a missing folder is an error, not
    something we create behind the user's back.
    """
    check_target(path, force=force)
    folder = path.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise MlsdError(f"{path}: cannot write in {folder}: {exc.strerror}") from None
    try:
        os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise MlsdError(f"{path}: cannot write: {exc.strerror}") from None
    return path


def check_target(path: Path, *, force: bool = False) -> None:
    """Whether mlsd may write ``path``: its folder exists, and it is new (or ``force``).

    Writing goes to a new file renamed into place, so a target that exists must be a
    regular file: with ``--force`` it would otherwise swap a folder's name, a FIFO or (as
    root) a device such as /dev/null for a plain file.
    """
    if not path.parent.is_dir():
        raise MlsdError(f"{path}: the folder {path.parent} does not exist")
    if path.exists() and not path.is_file():
        raise MlsdError(f"{path} is not a regular file; mlsd writes only to a file")
    if path.exists() and not force:
        raise MlsdError(f"{path} already exists; use --force to overwrite it")


def _mode_for(path: Path) -> int:
    """The replaced file's own mode, else the user's usual mode for a new file.

    mkstemp creates the file 0600. A new document should get what the umask allows; a
    file written over with ``--force`` keeps its mode, so a private (0600) export stays
    private rather than becoming readable by everyone.
    """
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
