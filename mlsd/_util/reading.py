"""Reading a file a user handed us: regular files only, never more than a cap.

Case packs, answers files and design docs come from strangers (shared through git), so a
"file" may be anything with the right name: a symlink to ``/dev/zero`` or ``/dev/urandom``
(endless, and ``st_size`` says 0), a FIFO (opening or reading it blocks until someone
writes), a terminal or a socket. Checking ``st_size`` before ``read_bytes()`` lets all of
these through. So the one reader here:

- opens with ``O_NONBLOCK`` (a FIFO never blocks the open) and ``O_NOCTTY``;
- ``fstat``s the descriptor it opened (not the name, which can be swapped after a check)
  and refuses anything that is not a regular file, before reading a byte;
- reads at most ``limit + 1`` bytes, so a file that grows while we read is still capped;
- refuses NUL bytes (binary) and decodes UTF-8, naming the line and column of a bad byte.

Problems are :class:`~mlsd.errors.FileProblemError`, located like every other file problem.
Kept free of heavy imports: ``mlsd list`` reaches it on a cache miss.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from mlsd.errors import FileProblemError, Problem

_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_CHUNK = 64 * 1024

_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_text_capped(path: Path, limit: int, what: str = "file") -> str:
    """``path`` as UTF-8 text (a leading BOM dropped), or a located ``FileProblemError``.

    ``what`` names the file in the messages ("file", "design doc"); ``limit`` is in bytes.
    """
    return decode_utf8(path, read_bytes_capped(path, limit, what), limit, what)


def read_bytes_capped(path: Path, limit: int, what: str = "file") -> bytes:
    """At most ``limit`` bytes of the regular file ``path``; anything else is refused."""
    try:
        # A cheap first look, so that a device or FIFO is never even opened (opening
        # some devices has side effects). The fstat below is the check that counts.
        _refuse_non_regular(path, path.stat().st_mode)
        fd = os.open(path, _FLAGS)
    except FileNotFoundError:
        raise _problem(path, "no such file") from None
    except NotADirectoryError:
        raise _problem(path, "no such file (a part of the path is not a folder)") from None
    except OSError as exc:
        raise _problem(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        _refuse_non_regular(path, info.st_mode)
        if info.st_size > limit:
            raise _too_big(path, info.st_size, limit, what)
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise _problem(path, f"cannot read: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)
    if total > limit:
        # The file grew between fstat and read: its real size is unknown, only "too big".
        raise _problem(path, f"{what} is over the limit of {limit:,} bytes{_human(limit)}")
    return b"".join(chunks)


def decode_utf8(path: Path, raw: bytes, limit: int, what: str = "file") -> str:
    """``raw`` as text: over ``limit``, a NUL byte or bad UTF-8 is a located problem."""
    if len(raw) > limit:
        raise _too_big(path, len(raw), limit, what)
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, col = _position(raw, nul)
        raise FileProblemError([Problem(path, "binary file (contains a NUL byte)", line, col)])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _position(raw, exc.start)
        raise FileProblemError(
            [Problem(path, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", line, col)]
        ) from None
    return text.removeprefix("\ufeff")


def _refuse_non_regular(path: Path, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise _problem(path, "is a folder, not a file")
    kind = next((name for test, name in _KINDS if test(mode)), "not a plain file")
    raise _problem(path, f"is {kind}, not a regular file; mlsd reads only regular files")


def _too_big(path: Path, size: int, limit: int, what: str) -> FileProblemError:
    return _problem(path, f"{what} is {size:,} bytes; the limit is {limit:,}{_human(limit)}")


def _problem(path: Path, message: str) -> FileProblemError:
    return FileProblemError([Problem(path, message)])


def _human(limit: int) -> str:
    """`` (1 MiB)`` after a limit of whole mebibytes; nothing after other limits."""
    mib, rest = divmod(limit, 1024 * 1024)
    return f" ({mib} MiB)" if mib and not rest else ""


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in bytes) of ``offset``."""
    line = raw.count(b"\n", 0, offset) + 1
    column = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    return line, column
