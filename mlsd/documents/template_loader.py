"""Where user templates may load from: the template roots, and nothing they link to outside.

A template name is a relative path to a ``.j2`` file with no hidden part and no ``..``;
after resolving symlinks the file must still be a regular, non-hidden ``.j2`` file inside
the root it was found in, or it is refused (never silently looked up in the next root).
So ``{% include ".ssh/id_rsa" %}`` from ``-t ~/x.j2``, and a ``partials.md.j2`` in a git
repo linked to ``/etc/shadow`` or ``/proc/self/environ``, are refused by name, with the
including template's file and line. Files are read with a size cap, never a FIFO or a
device.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from pathlib import Path

import jinja2

from mlsd.documents.limits import MAX_TEMPLATE_BYTES, TemplateRefusedError


def checked_name(name: str) -> list[str]:
    """A template name's parts, or ``TemplateRefusedError`` for a name that could escape."""
    parts = name.split("/")
    if (
        not name.endswith(".j2")
        or "\\" in name
        or "\x00" in name
        or any(part in ("", ".", "..") or part.startswith(".") for part in parts)
    ):
        raise TemplateRefusedError(
            f"template name {name!r} refused: a template is a .j2 file named by its path "
            "inside a template folder, with no hidden part, no '..' and no leading '/'"
        )
    return parts


class RootedLoader(jinja2.BaseLoader):
    """Templates from the roots only, symlinks resolved and checked against their root."""

    def __init__(self, roots: Sequence[str]) -> None:
        self.roots = [Path(r) for r in roots]

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        parts = checked_name(template)
        for root in self.roots:
            candidate = root.joinpath(*parts)
            if not os.path.lexists(candidate):
                continue
            real = _inside(root, candidate, template)
            source, mtime = _read(real, template)

            def uptodate(
                candidate: Path = candidate, real: Path = real, mtime: int = mtime
            ) -> bool:
                try:
                    return candidate.resolve() == real and real.stat().st_mtime_ns == mtime
                except OSError:
                    return False

            return source, os.path.normpath(candidate), uptodate
        raise jinja2.TemplateNotFound(template)


def _inside(root: Path, candidate: Path, name: str) -> Path:
    """``candidate`` with symlinks resolved, refused unless it is a .j2 file in ``root``."""
    try:
        real_root = root.resolve(strict=True)
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        raise TemplateRefusedError(
            f"template {name!r} refused: {candidate} is a broken or looping link"
        ) from None
    if not real.is_relative_to(real_root):
        raise TemplateRefusedError(
            f"template {name!r} refused: {candidate} leads to {real}, outside its template "
            f"folder {real_root}"
        )
    inner = real.relative_to(real_root).parts
    if any(part.startswith(".") for part in inner) or not real.name.endswith(".j2"):
        raise TemplateRefusedError(
            f"template {name!r} refused: {candidate} leads to {real}, which is not a "
            "visible .j2 file"
        )
    return real


def _read(path: Path, name: str) -> tuple[str, int]:
    """A regular file's text, at most ``MAX_TEMPLATE_BYTES``; never a FIFO or a device."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise TemplateRefusedError(
            f"template {name!r}: cannot read {path}: {exc.strerror}"
        ) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise TemplateRefusedError(f"template {name!r} refused: {path} is not a regular file")
        data = handle.read(MAX_TEMPLATE_BYTES + 1)
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateRefusedError(
            f"template {name!r} refused: {path} is over {MAX_TEMPLATE_BYTES // 1024} KiB"
        )
    return data.decode("utf-8"), info.st_mtime_ns
