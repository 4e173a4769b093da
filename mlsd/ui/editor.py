"""Writing an answer in the user's own editor, the way ``git commit`` does."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

from mlsd.errors import MlsdError
from mlsd.ui.signals import Interrupted


def editor_command() -> list[str]:
    for var in ("VISUAL", "EDITOR"):
        value = os.environ.get(var, "").strip()
        if value:
            return shlex.split(value)
    for fallback in ("nano", "vi"):
        if shutil.which(fallback):
            return [fallback]
    raise MlsdError("no editor found: set $EDITOR (for example: export EDITOR=nano)")


def edit_text(text: str, suffix: str = ".md") -> str:
    """Open ``text`` in ``$VISUAL``/``$EDITOR`` and return what the user saved."""
    command = editor_command()
    fd, name = tempfile.mkstemp(prefix="mlsd-answer-", suffix=suffix)
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        try:
            done = subprocess.run([*command, str(path)], check=False)
        except OSError as exc:
            raise MlsdError(f"cannot start the editor {command[0]!r}: {exc.strerror}") from None
        except KeyboardInterrupt:
            # SIGTERM or SIGHUP while the editor was open: what it had saved is the draft.
            saved = path.read_text(encoding="utf-8", errors="replace")
            raise Interrupted(saved if saved != text else "") from None
        if done.returncode != 0:
            raise MlsdError(
                f"the editor {command[0]!r} exited with status {done.returncode}; this answer was not saved"
            )
        return path.read_text(encoding="utf-8", errors="replace")
    finally:
        path.unlink(missing_ok=True)
