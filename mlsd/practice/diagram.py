"""``/diagram``: what the candidate's typed arrows mean for the session, decided in one place.

Kept out of ``practice.flow`` (which only asks and commits) so that the rule (what is
saved, what is said back) is a pure function a test can call with any text.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlsd._util.arrows import MAX_EDGES, parse_arrows

PROMPT = "Your diagram as arrows, one chain per line (a -> b -> c; 'none' removes it)"


@dataclass(frozen=True)
class DiagramReply:
    save: str | None  # the text to store as the diagram ("" removes it); None: store nothing
    message: str  # what to tell the candidate


def read_diagram(typed: str, had_one: bool) -> DiagramReply:
    """Decide what a reply to the ``/diagram`` prompt does.

    Lines that are not drawn are named back, never dropped in silence; text with no arrow
    at all is not saved, so a stray reply cannot wipe a diagram that was there.
    """
    text = typed.strip("\n")
    if not text.strip():
        kept = "Your diagram is unchanged." if had_one else "No diagram was saved."
        return DiagramReply(None, kept)
    if text.strip().casefold() == "none":
        return DiagramReply("" if had_one else None, "Your diagram was removed.")
    arrows = parse_arrows(text)
    problems = "".join(f"\n  - {p}" for p in arrows.problems)
    if not arrows.edges:
        return DiagramReply(
            None,
            "No arrows found, so nothing was saved. Write one chain per line, like "
            f"`client -> feature store -> ranker` (at most {MAX_EDGES} arrows).{problems}",
        )
    boxes, count = len(arrows.labels), len(arrows.edges)
    message = (
        f"Your diagram: {boxes} boxes, {count} arrow{'s' if count != 1 else ''}. "
        "It goes into the exported design doc as yours."
    )
    if problems:
        message += f"\nNot drawn:{problems}"
    return DiagramReply(text, message)
