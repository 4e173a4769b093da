"""The in-session commands: typed as a whole answer, listed in help and on the status line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    word: str
    help: str
    on_status_line: bool = False  # short enough to list on the live status line
    requirements_only: bool = False
    hidden: bool = False  # works, but is not listed in /help
    in_follow_up: bool = False  # also works while answering a follow-up question
    in_drill: bool = True  # a drill is one step: nothing to go back to


COMMANDS: tuple[Command, ...] = (
    Command("/hint", "show the next hint", on_status_line=True),
    Command(
        "/skip",
        "skip this step (in a follow-up: pass on it)",
        on_status_line=True,
        in_follow_up=True,
    ),
    Command("/back", "revise an earlier step", on_status_line=True, in_drill=False),
    Command("/ask", "ask the interviewer another question", requirements_only=True),
    Command(
        "/brief",
        "the interviewer's opening and answers so far",
        on_status_line=True,
        in_follow_up=True,
    ),
    Command("/editor", "write this answer in your $EDITOR"),
    Command("/diagram", "draw your architecture as arrows (client -> ranker)"),
    Command("/pause", "save and stop; resume later", on_status_line=True, in_follow_up=True),
    Command("/help", "list these commands", on_status_line=True, in_follow_up=True),
    Command("/time", "show the time left on this step", hidden=True, in_follow_up=True),
    Command("/done", "(not a command: lists the commands)", hidden=True, in_follow_up=True),
)
WORDS = frozenset(c.word for c in COMMANDS)


def parse_command(text: str) -> str | None:
    """The command typed as a whole answer, or None when the text is an answer."""
    word = text.strip().lower()
    return word if word in WORDS else None


def _usable(follow_up: bool, drill: bool) -> list[Command]:
    return [c for c in COMMANDS if (c.in_follow_up or not follow_up) and (c.in_drill or not drill)]


def controls_help(requirements: bool, *, follow_up: bool = False, drill: bool = False) -> str:
    shown = [
        c
        for c in _usable(follow_up, drill)
        if not c.hidden and (requirements or not c.requirements_only)
    ]
    lead = (
        "In a follow-up, type one of these as your whole answer (the others work at the "
        "step's own answer):\n"
        if follow_up
        else "Type one of these as your whole answer:\n"
    )
    return lead + "\n".join(f"  {c.word:<8} {c.help}" for c in shown)


def status_words(*, follow_up: bool = False, drill: bool = False) -> str:
    return " ".join(c.word for c in _usable(follow_up, drill) if c.on_status_line)
