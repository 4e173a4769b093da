"""The errors mlsd shows to users.

Core code raises these with a message written for the person at the terminal; the CLI
catches ``MlsdError`` in exactly one place and prints it without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, located as precisely as we can."""

    path: Path | str
    message: str
    line: int | None = None
    column: int | None = None
    field: str = ""

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class MlsdError(Exception):
    """An error with a message meant for the user; never shown with a traceback."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FileProblemError(MlsdError):
    """One or more problems in a user-editable file (case, framework, answers, template)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class CaseNotFoundError(MlsdError):
    """A case id that no case folder defines."""


class SessionNotFoundError(MlsdError):
    """A session reference that matches no stored session (or more than one)."""


class StoreError(MlsdError):
    """The session database cannot be used: locked, corrupt, or from a newer mlsd."""


class TemplateError(MlsdError):
    """A Jinja template failed to compile or render."""


class NotInteractiveError(MlsdError):
    """A prompt was needed but standard input or output is not a terminal."""
