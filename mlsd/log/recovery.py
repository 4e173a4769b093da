"""Typed text the store could not take, kept in a file until the store has it again.

When a write of something the user typed fails (the disk is full, another process holds
the database past the busy timeout, the session was deleted from another terminal), the
text must not be lost with the exception. It goes to ``$MLSD_HOME/recovery/<session>.json``
(or, when that folder cannot be written either, a private folder under the system's temp
folder, often another disk), written atomically; ``mlsd resume`` puts it back into the
session and removes the file. The file is plain JSON so that a user can also copy the
text out by hand.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mlsd._util import paths
from mlsd.errors import MlsdError, StoreError
from mlsd.log import events as ev

FORMAT = 1


class UnsavedError(StoreError):
    """The store refused typed text; the message says where the text is now."""


@dataclass(frozen=True)
class KeptAnswer:
    """A submitted answer; offered again as the step's starting text on resume."""

    step_id: str
    text: str


@dataclass(frozen=True)
class KeptEvent:
    """An event carrying typed text (a draft, a follow-up answer, a note) or time spent."""

    payload: ev.Payload
    step_id: str | None


Kept = KeptAnswer | KeptEvent


@dataclass(frozen=True)
class Recovery:
    session_id: str
    files: tuple[Path, ...]
    entries: tuple[Kept, ...]


def folders() -> list[Path]:
    """Where recovery files go, in order of preference."""
    return [paths.home_dir() / "recovery", _private_temp()]


def _private_temp() -> Path:
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(tempfile.gettempdir()) / f"mlsd-recovery-{uid}"


def _usable(folder: Path) -> bool:
    """Create ``folder`` (0700) if needed; refuse one another user could have planted."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    return not hasattr(os, "getuid") or info.st_uid == os.getuid()


def text_of(entry: Kept) -> str:
    """The typed text an entry carries ("" for time spent)."""
    if isinstance(entry, KeptAnswer):
        return entry.text
    p = entry.payload
    if isinstance(p, (ev.Draft, ev.Note)):
        return p.text
    if isinstance(p, ev.FollowUp):
        return p.answer or ""
    if isinstance(p, ev.Rating):
        return p.justification
    if isinstance(p, ev.Clarification):
        return p.typed or p.question
    return ""


def _to_json(entry: Kept) -> dict[str, object]:
    if isinstance(entry, KeptAnswer):
        return {"type": "answer", "step": entry.step_id, "text": entry.text}
    return {
        "type": "event",
        "kind": entry.payload.kind,
        "step": entry.step_id,
        "data": json.loads(ev.encode(entry.payload)),
    }


def _from_json(item: object, path: Path) -> Kept | None:
    if not isinstance(item, dict):
        raise MlsdError(f"{path}: an entry is not an object; move the file aside")
    step = item.get("step")
    if step is not None and not isinstance(step, str):
        raise MlsdError(f"{path}: an entry's step is not text; move the file aside")
    if item.get("type") == "answer" and isinstance(item.get("text"), str) and step:
        return KeptAnswer(step, str(item["text"]))
    kind, data = item.get("kind"), item.get("data")
    if item.get("type") == "event" and isinstance(kind, str) and isinstance(data, dict):
        payload = ev.decode(kind, json.dumps(data))
        return None if payload is None else KeptEvent(payload, step)
    raise MlsdError(f"{path}: an entry mlsd cannot read; move the file aside")


def _read(path: Path) -> list[Kept]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError):
        return []
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise MlsdError(f"{path}: cannot read the recovery file ({exc}); move it aside") from None
    entries = document.get("entries") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise MlsdError(f"{path}: not an mlsd recovery file; move it aside")
    return [kept for item in entries for kept in [_from_json(item, path)] if kept is not None]


def load(session_id: str) -> Recovery | None:
    """Everything kept for a session, from every recovery folder; None when nothing is."""
    files: list[Path] = []
    entries: list[Kept] = []
    for folder in folders():
        path = folder / f"{session_id}.json"
        found = _read(path)
        if found:
            files.append(path)
            entries += found
    return Recovery(session_id, tuple(files), tuple(entries)) if entries else None


def find(prefix: str) -> list[Path]:
    """Recovery files of sessions whose id starts with ``prefix`` (for a deleted session)."""
    prefix = prefix.lower()
    if not prefix or any(c not in "0123456789abcdef" for c in prefix):
        return []
    return sorted(
        path for folder in folders() if folder.is_dir() for path in folder.glob(f"{prefix}*.json")
    )


def keep(session_id: str, new: list[Kept]) -> Path:
    """Add ``new`` to the session's recovery file, atomically; returns the file.

    Raises ``OSError`` when no recovery folder can take it: the caller's last resort is
    to show the text on screen.
    """
    earlier = load(session_id)
    entries = [*(earlier.entries if earlier else ()), *new]
    document = {
        "format": FORMAT,
        "session": session_id,
        "note": "Text mlsd could not save. `mlsd resume` puts it back into the session.",
        "entries": [_to_json(e) for e in entries],
    }
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    failure: OSError | None = None
    for folder in folders():
        if not _usable(folder):
            continue
        path = folder / f"{session_id}.json"
        try:
            _write(path, text)
        except OSError as exc:
            failure = failure or exc
            continue
        for older in earlier.files if earlier else ():
            if older != path:
                with contextlib.suppress(OSError):
                    older.unlink()
        return path
    raise failure or OSError("no recovery folder can be created")


def clear(recovery: Recovery) -> None:
    """The store has the text now: the files go."""
    for path in recovery.files:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _write(path: Path, text: str) -> None:
    """Temp file (0600: it is the user's own words) in the same folder, fsync, rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
