"""``mlsd review export``: the points the candidate has missed, as flash cards.

Markdown cards are plain text a person can read, keep in git or import into a notes app;
an Anki deck (``--format anki``) needs the optional ``genanki`` (``pip install
'mlsd[anki]'``), imported only here. Either file is written whole or not at all, and an
existing one only with ``--force``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from mlsd._util.fileio import check_target, write_atomic
from mlsd.cases.models import Framework, RubricPoint
from mlsd.errors import MlsdError
from mlsd.log import reviews
from mlsd.log.store import Store
from mlsd.progress.cache import Scores
from mlsd.progress.cards import BLANK, CardFace, face, locate

FORMATS = ("md", "anki")
# What each format writes, and its file name's ending: a deck named cards.md was written
# without a word, and opened as text.
WRITES = {"md": ("Markdown", ".md"), "anki": ("an Anki deck", ".apkg")}
SUFFIXES = {".md": "md", ".markdown": "md", ".apkg": "anki"}
DECK_ID = 1_707_070_515  # stable: re-importing a newer export updates the same deck
MODEL_ID = 1_707_070_516
NO_GENANKI = "--format anki needs genanki, which is not installed: pip install 'mlsd[anki]'"


def missed_faces(
    store: Store, dirs: list[Path], framework: Framework, now: datetime
) -> list[tuple[CardFace, int]]:
    """Every point missed in a session or rated Again in a review at least once, most
    often first, with how often."""
    scores = Scores(store, dirs, framework)
    scores.refresh(now)
    out: list[tuple[CardFace, int]] = []
    located: dict[str, dict[str, tuple[str, RubricPoint]]] = {}
    for (case_id, point_id), n in sorted(
        reviews.lapses(store).items(), key=lambda kv: (-kv[1], kv[0])
    ):
        case = scores.case_by_id(case_id)
        if case is None:
            continue
        if case_id not in located:
            located[case_id] = locate(case, framework)
        found = located[case_id].get(point_id)
        if found is not None:
            out.append((face(case, framework, point_id, found), n))
    return out


def markdown(cards: list[tuple[CardFace, int]]) -> str:
    """The cards as Markdown. Their text comes from case files, which may come from
    strangers: each piece is escaped, so none of it becomes HTML, a link or a heading."""
    from mlsd.documents.render import md_inline as md

    intro = "The points you missed in a session or forgot in a review, most often first."
    lines = ["# mlsd review cards", "", intro, ""]
    for card, n in cards:
        probe = f"{md(card.probe)} " if card.probe else ""
        lines += [
            f"## {md(card.case_title)} · {md(card.step_title)}",
            "",
            f"**Q:** {probe}Fill the gaps: {_cloze(card.cloze, md)}",
            "",
            f"**A:** {md(card.point)}",
            "",
            f"*Why:* {md(card.why)}",
            "",
            f"<!-- {card.case_id} {card.point_id} · missed or forgotten {n}x · {card.level} -->",
            "",
        ]
    return "\n".join(lines)


def _cloze(text: str, md: Callable[[object], str]) -> str:
    """The gaps as code spans, shown as typed (escaped, they would read ``\\_\\_``)."""
    pieces = []
    for part in text.split(BLANK):
        edge = (" " if part[:1].isspace() else "", " " if part[-1:].isspace() else "")
        pieces.append(f"{edge[0]}{md(part)}{edge[1]}" if part.strip() else part)
    return f"`{BLANK}`".join(pieces)


def export_cards(
    store: Store,
    dirs: list[Path],
    framework: Framework,
    path: Path,
    fmt: str | None,
    force: bool,
    now: datetime,
) -> tuple[Path, int]:
    """Write the missed points as cards; with no ``fmt``, the file name's ending says
    which (``.apkg``: an Anki deck; anything else: Markdown)."""
    if fmt is None:
        fmt = SUFFIXES.get(path.suffix.lower(), "md")
    if fmt not in FORMATS:
        raise MlsdError(f"unknown --format {fmt!r}; use one of: {', '.join(FORMATS)}")
    named = SUFFIXES.get(path.suffix.lower())
    if named is not None and named != fmt:
        (what, suffix), (named_what, _) = WRITES[fmt], WRITES[named]
        raise MlsdError(
            f"{path.name} is named as {named_what}, but --format {fmt} writes {what}; "
            f"name it *{suffix}, or use --format {named}"
        )
    if fmt == "anki":
        try:
            import genanki  # type: ignore[import-untyped]  # noqa: F401  # no hints; only checks it is there
        except ImportError:
            raise MlsdError(NO_GENANKI) from None
    check_target(path, force=force)  # before the cards are built; the deck writer relies on it
    cards = missed_faces(store, dirs, framework, now)
    if fmt == "md":
        return write_atomic(path, markdown(cards), force=force), len(cards)
    return write_deck(path, cards), len(cards)


def anki_tag(text: str) -> str:
    """A tag for Anki's browser (filter by case or step): one word, as Anki requires."""
    return "_".join(text.split()) or "_"


def write_deck(path: Path, cards: list[tuple[CardFace, int]]) -> Path:
    """An Anki package, written beside the target and moved into place whole (the
    target already passed ``check_target``)."""
    import html

    import genanki  # genanki ships no type hints: it is Any here, used per its docs

    model = genanki.Model(
        MODEL_ID,
        "mlsd rubric point",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Key"}],
        templates=[
            {
                "name": "Recall",
                "qfmt": "{{Front}}",
                "afmt": "{{FrontSide}}<hr id=answer>{{Back}}",
            }
        ],
    )
    deck = genanki.Deck(DECK_ID, "mlsd: missed points")
    for card, _ in cards:
        front = f"<b>{html.escape(card.case_title)} · {html.escape(card.step_title)}</b><br>"
        if card.probe:
            front += f"<i>{html.escape(card.probe)}</i><br>"
        front += html.escape(card.cloze)
        back = f"{html.escape(card.point)}<br><br><i>Why:</i> {html.escape(card.why)}"
        key = f"{card.case_id} {card.point_id}"
        deck.add_note(
            genanki.Note(
                model=model,
                fields=[front, back, html.escape(key)],
                guid=genanki.guid_for(key),
                tags=[anki_tag(card.case_id), anki_tag(card.step_id)],
            )
        )
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".apkg", dir=path.parent)
    os.close(fd)
    try:
        genanki.Package(deck).write_to_file(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise MlsdError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path
