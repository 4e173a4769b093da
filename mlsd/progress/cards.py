"""A review card as the candidate sees it: the situation, a prompt, then the answer.

The front never gives the point away: it names the case and step, asks the question an
interviewer would (the case's probe aimed at that point, when there is one) and shows
the point with its key words blanked out (a cloze). The back is the point, its why and
the part of the case's reference notes that makes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mlsd.cases.models import Case, Framework, RubricPoint, step_rubric

BLANK = "_____"
MAX_BLANKS = 6  # past that a card is more gaps than question
PHRASE_WORD_BLANKS = 4  # when a point's phrases are worded apart from it
MAX_EXCERPT = 2  # blocks of reference notes shown on the back


@dataclass(frozen=True)
class CardFace:
    """Everything shown for one card; plain text (views make it safe to print)."""

    case_id: str
    case_title: str
    point_id: str  # "<source>:<id>"
    step_id: str
    step_title: str
    level: str
    probe: str | None  # the interviewer's question aimed at the point, if the case has one
    cloze: str  # the point with its key words blanked
    point: str
    why: str
    reference: str  # the reference notes that make the point ("" when none do)
    match: tuple[str, ...]  # the point's match phrases: to tell the candidate they hit it
    core: bool = True  # must-hear at its level (format 1 cases: every point)


def locate(case: Case, framework: Framework) -> dict[str, tuple[str, RubricPoint]]:
    """Point key -> (step id, point), for every point the case is judged on."""
    return {
        f"{source}:{p.id}": (step.id, p)
        for step in framework.steps
        for source, p in step_rubric(case, framework, step.id)
    }


def face(
    case: Case, framework: Framework, point_id: str, found: tuple[str, RubricPoint]
) -> CardFace:
    step_id, point = found
    cstep = case.steps.get(step_id)
    return CardFace(
        case_id=case.id,
        case_title=case.title,
        point_id=point_id,
        step_id=step_id,
        step_title=framework.step(step_id).title,
        level=point.level,
        probe=probe_for(point, cstep.probes if cstep else []),
        cloze=cloze(point),
        point=point.point.strip(),
        why=point.why.strip(),
        reference=excerpt(point, cstep.reference if cstep else ""),
        match=tuple(point.match),
        core=point.is_core,
    )


def probe_for(point: RubricPoint, probes: list[str]) -> str | None:
    from mlsd.rubric.matching import covers

    return next((p for p in probes if covers(point.match, p)), None)


def cloze(point: RubricPoint) -> str:
    """The point with the words that earn it blanked: a question that keeps the answer."""
    from mlsd.rubric.matching import find

    text = " ".join(point.point.split())
    for _ in range(MAX_BLANKS):
        found = find(point.match, text, negation=False)
        if found is None:
            break
        start, end = found.start, found.end
        # the whole hyphenated word: "_____-month" told half the answer
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "-"):
            start -= 1
        while end < len(text) and (text[end].isalnum() or text[end] == "-"):
            end += 1
        text = text[:start] + BLANK + text[end:]
    if BLANK not in text:  # its phrases are worded apart from the point: blank their words
        text = _blank_phrase_words(point, text)
    text = re.sub(rf"{BLANK}(?:[\s,/&-]*(?:and |or )?{BLANK})+", BLANK, text)
    if BLANK not in text:
        return f"What does a strong {point.level}-level answer say here? (hidden: one key point)"
    return text


# Words too common in points to be the thing to recall.
_COMMON_WORDS = "with from that than this into over each when what which more less only"


def _blank_phrase_words(point: RubricPoint, text: str) -> str:
    """The point with each word that a match phrase also uses blanked ("Chooses between
    _____ (precomputed) and _____ (per-request) prediction"), at most ``PHRASE_WORD_BLANKS``."""
    from mlsd.rubric.matching import stem

    keys = {
        stem(word)
        for phrase in point.match
        if not phrase.startswith("re:")
        for word in re.findall(r"[A-Za-z]{4,}", phrase)
    } - {stem(word) for word in _COMMON_WORDS.split()}
    blanked = 0

    def blank(word: re.Match[str]) -> str:
        nonlocal blanked
        if blanked < PHRASE_WORD_BLANKS and stem(word.group(0)) in keys:
            blanked += 1
            return BLANK
        return word.group(0)

    return re.sub(r"[A-Za-z]+(?:-[A-Za-z]+)*", blank, text)


def blocks(reference: str) -> list[str]:
    """Reference notes cut into bullets and paragraphs, as they were written."""
    out: list[list[str]] = []
    for line in reference.splitlines():
        starts = re.match(r"(?:[-*+]|\d+[.)])\s", line) is not None
        if not line.strip():
            out.append([])
            continue
        if starts or not out or not out[-1]:
            out.append([line])
        else:
            out[-1].append(line)
    return ["\n".join(b) for b in out if b]


def excerpt(point: RubricPoint, reference: str) -> str:
    """The part of the reference that makes this point (at most two bullets)."""
    from mlsd.rubric.matching import covers

    chosen = [b for b in blocks(reference) if covers(point.match, b)]
    return "\n".join(chosen[:MAX_EXCERPT])


def gaps(card: CardFace) -> list[str]:
    """The words each blank of the card's cloze hides, in order ([] with no blanks)."""
    parts = card.cloze.split(BLANK)
    text = " ".join(card.point.split())
    if len(parts) < 2 or not text.startswith(parts[0]):
        return []
    out: list[str] = []
    at = len(parts[0])
    for part in parts[1:]:
        # the shortest gap that the next part follows (the end of the text for the last)
        end = text.find(part, at + 1) if part else len(text)
        if end < 0:
            return []
        out.append(text[at:end])
        at = end + len(part)
    return out


def recalled(card: CardFace, typed: str) -> bool:
    """Whether a typed recall makes the point: the scorer finds it, or it fills at least
    half the blanks (a word of each; "fan-out, inboxes" was told it missed the point
    whose blanks it filled, as its match phrases are worded otherwise)."""
    from mlsd.rubric.matching import find, stem

    if find(card.match, typed, listing_counts=card.level == "mid") is not None:
        return True
    hidden = gaps(card)
    said = {stem(w) for w in re.findall(r"[A-Za-z0-9]+", typed)}
    filled = sum(
        1 for gap in hidden if any(stem(w) in said for w in re.findall(r"[A-Za-z0-9]{3,}", gap))
    )
    return bool(hidden) and 2 * filled >= len(hidden)
