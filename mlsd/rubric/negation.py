"""Whether a phrase found in an answer is negated, dismissed or only mentioned in passing.

"We will not use a feature store" names a feature store without covering the point; so
do "guardrails I'd skip" and "offline NDCG gains rarely transfer". These rules decide
when a match found by ``mlsd.rubric.matching`` does not count. Pure module: no terminal, no I/O.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

# Negation is looked for in this many meaningful words before a match, in the same clause.
NEGATION_WINDOW = 4


def wordset(words: str) -> frozenset[str]:
    """A set of words written as one space-separated string."""
    return frozenset(words.split())


_CLAUSE_BREAK = re.compile(
    r"[.;:!?()\[\],]|\n\s*(?:\n|[-*+•#>|]|\d+[.)])|[—–]|\s-\s|"
    r"\b(?:but|however|although|though|whereas|while|so|because"
    r"|since|unless|except|yet|then)\b",
    re.IGNORECASE,
)
WORDS = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# For negation a hyphenated compound is one word: "a no-history flag" negates nothing.
_NEG_WORDS = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_NEGATORS = wordset(
    "not no never without neither nor none nothing cannot cant wont dont doesnt didnt isnt arent "
    "wasnt werent shouldnt wouldnt couldnt neednt mustnt skip skips skipping skipped "
    "avoid avoids avoiding avoided forgo omit omitting"
)
# Words that do not use up the negation window: "we don't really need to think about X".
_LIGHT = wordset(
    "a an the to about with for of any really even actually just need needs bother use "
    "using worry think care do have be on in into some our their its this that separate "
    "separately extra dedicated plan want go going consider considering also whole full "
    "fancy"
)
# "not only", "no more than 50 ms", "no matter": negators that negate nothing
_NOT_NEGATING_NEXT = wordset("only just merely matter more less later longer earlier doubt")
_NEGATING_PAIRS = (("instead", "of"), ("rather", "than"), ("in", "place"))
# Cues that, before a failure mode, mean the candidate guards against it: "avoid leakage".
_GUARD_CUES = wordset("avoid avoids avoiding avoided without omit")
# "no leakage risk", "no skew to worry about": a failure mode waved away, not guarded.
_DISMISSED = re.compile(
    r"[\s-]*(?:risks?|concerns?|issues?|problems?|worries|to\s+worry|here|at\s+all|either)\b",
    re.IGNORECASE,
)
_GUARD_VERBS = re.compile(
    r"\b(?:ensur|make\s+sure|guarantee|verif|check|so\s+that|prevent|protect|keep)", re.IGNORECASE
)
# Dismissals that follow what they dismiss: "guardrails I'd skip", "X isn't a concern".
_AFTER_NEGATION = re.compile(
    r"\b(?:(?:is|are|was|were)(?:\s+not|n['’]t)\s+(?:(?:really|actually|even|that|very)\s+)?"
    r"(?:needed|necessary|required|worth|useful|relevant|important|applicable|possible|"
    r"feasible|in\s+scope|something|(?:a|an|my|our)\s+(?:[^\W\d_]+\s+)?(?:concern|distinction|"
    r"problem|issue|priority|risk|thing|option|idea|decision|metric|job|focus))|unnecessary|"
    r"overkill|over[\s-]?engineer|out\s+of\s+scope|"
    r"not\s+needed|irrelevant|pointless|(?:is|are)\s+(?:a\s+)?(?:bad\s+idea|waste)|"
    r"(?:do|does|did|would|will)(?:\s+not|n['’]t)\s+(?:really\s+)?(?:work|matter|apply|help|fit|"
    r"make\s+sense|tell\s+us\s+(?:much|anything))|"
    r"makes?\s+no\s+sense|won['’]t\s+(?:work|help|matter|happen)|"
    r"(?:i|we)(?:['’]d|['’]ll|\s+would|\s+will)\s+(?:just\s+|rather\s+|probably\s+)?"
    r"(?:skip|avoid|ignore|leave|drop|not|never|rule\s+out)\b|"
    r"(?:only|just|mostly)\s+(?:adds?|shows?|produces?)\s+noise|"
    r"handled\s+(?:by\s+(?:legal|another|a\s+separate|someone|other|the\s+\w+\s+team|"
    r"the\s+(?:[\w-]+\s+)?vendor)|elsewhere)|"
    r"already\s+(?:handled|taken\s+care|covered)|(?:i|we)(?:['’]m|['’]re|\s+am|\s+are)\s+skipping|"
    r"(?:does|do)(?:\s+not|n['’]t)\s+(?:really\s+)?come\s+up|(?:is|are)(?:\s+not|n['’]t)\s+real\b|"
    r"academic|nice[\s-]+to[\s-]+haves?|can\s+wait|(?:hardly|barely)\s+matters?|"
    r"basically\s+the\s+same|would\s+(?:just\s+|only\s+)?(?:waste|confuse)|only\s+matters\s+for|"
    r"(?:should|must)(?:\s+not|n['’]t)\s+be\b|would\s+(?:only\s+)?hurt|"
    r"(?:figured|worked|sorted)\s+out\s+(?:later|as\s+(?:we|they)\s+go)|"
    r"(?:is|are)\s+something\s+(?:people|others|they|ops|[\w-]+\s+teams?)\s+(?:\w+\s+)?"
    r"(?:do|does|use|uses|handle|handles|scale|scales|own|owns)\b|"
    r"model\s+(?:will|can|would)\s+just\s+(?:learn|handle|figure)|"
    r"always\s+agree\b|line\s+up\s+without\b|"
    r"(?:is|are)\s+(?:a|an)\s+[\w-]+\s+(?:problem|issue|question)\s*,?\s+(?:rather\s+than|not)\s+"
    r"(?:a|an)\s+(?:ranking|ml|modell?ing|model|recommendation|search|retrieval)\s+(?:one|problem)\b|"
    r"[^\W\d_]+['’]s\s+(?:problem|job|responsibility)|rather\s+than\s+something)",
    re.IGNORECASE,
)
# Verdicts on a technique's worth: "an ensemble would be too slow", "random review samples
# waste reviewer time". Said of a failure mode they describe its harm instead ("leakage would
# hide real performance"), so they do not apply to one.
_AFTER_DISMISSAL = re.compile(
    r"\b(?:wastes?\b|(?:is|are|would\s+be|seems?|feels?)\s+(?:far\s+|much\s+|way\s+)?too\s+"
    r"(?:slow|expensive|costly|complex|complicated|risky)\b|would\s+be\s+(?:dangerous|a\s+mistake)|"
    r"(?:would|will)(?:\s+not|n['’]t)\s+(?:look|be|seem)\s+[^\W\d_]+\s+enough|"
    r"(?:would|will)\s+(?:just\s+|only\s+)(?:slow|add|serve|hide)\b|would\s+hide\b|"
    r"(?:is|are)\s+(?:old[\s-]fashioned|zero\b|(?:only|just|merely)\s+a\s+proxy\b)|"
    r"(?:is|are)\s+fine\s+(?:as[\s-](?:is|they\s+are|it\s+is)|even\s+for)\b)",
    re.IGNORECASE,
)
_AFTER_BREAK = re.compile(r"\b(?:and|or)\b", re.IGNORECASE)
_COORDINATED = re.compile(
    r"(?:and|or)\s+(?!the\b|it\b|we\b|i\b|they\b|this\b|that\b)[^\W\d_]+(?:[\s-]+[^\W\d_]+)?\s+"
    r"(?:are|is|aren['’]t|isn['’]t|I['’]d|we['’]d|don['’]t|doesn['’]t)\b",
    re.IGNORECASE,
)


# Words naming a failure mode: "avoid leakage" and "without popularity bias" guard against
# one, so those cues do not negate it (a plain "not" or "no" still does).
_PROBLEM = re.compile(
    r"leak|skew|bias|drift|overfit|imbalanc|nois|stale|cold[\s-]*start|collaps|degrad|fraud|"
    r"spam|abuse|outage|failure|hallucinat|toxic|harm|clickbait|bait|feedback[\s-]*loop|bubble|"
    r"cannibali|interferen|mismatch|contaminat|poison|misinformation|duplicat|shift|decay|"
    r"peeking|novelty|overload|starv|exploit|adversar|churn|regress|sensitive|protected|ethnic|"
    r"religio",
    re.IGNORECASE,
)


@lru_cache(maxsize=256)
def _clause_break_ends(text: str) -> list[int]:
    """Where each clause break of ``text`` ends, in order (computed once per answer)."""
    return [m.end() for m in _CLAUSE_BREAK.finditer(text)]


@lru_cache(maxsize=4096)
def _names_problem(words: str) -> bool:
    return _PROBLEM.search(words) is not None


def _clause_before(text: str, start: int) -> str:
    """The clause before ``start``, at most 160 characters of it."""
    ends = _clause_break_ends(text)
    i = bisect_right(ends, start) - 1
    cut = max(start - 160, ends[i] if i >= 0 else 0, 0)
    return text[cut:start]


# The rest of a list the match opens: ", X, Y and Z" (each item one or two words).
_LIST_TAIL = re.compile(
    r"(?:\s*,\s*[^\W\d_][\w-]*(?:\s+[^\W\d_][\w-]*)?){1,4}\s*,?\s+(?:and|or)\s+"
    r"[^\W\d_][\w-]*(?:\s+[^\W\d_][\w-]*)?(?=\s)",
    re.IGNORECASE,
)


def _clause_after(text: str, end: int) -> str:
    """The rest of the clause after a match, up to a coordinated second clause.

    "Distillation and quantisation aren't worth it" dismisses both, so a short
    coordinated noun ("and quantisation") is kept; "... and the rest isn't needed" is not.
    """
    listed = _LIST_TAIL.match(text, end)
    if listed:  # "loss functions, hyperparameters and distributed training don't apply"
        end = listed.end()
    window = text[end : end + 70]
    m = _CLAUSE_BREAK.search(window)
    window = window[: m.start()] if m else window
    m = _AFTER_BREAK.search(window)
    if m is None:
        return window
    coordinated = _COORDINATED.match(window, m.start())
    return window if coordinated else window[: m.start()]


# Dismissals later in the same sentence that point back at the match with a pronoun:
# "hard negatives are risky, so I'd skip them", "focal loss is for classification, so it
# doesn't apply here", "proactive rate sounds nice but I'd not track it".
_SENTENCE_END = re.compile(r"[.;!?](?:\s|$)|\n\s*(?:\n|[-*+•#>|]|\d+[.)])")
# What may close such a dismissal: "it doesn't apply here", but not "it doesn't matter which".
_CLOSES = (
    r"(?=\s*(?:[,.;:!?)]|$)|\s+(?:here|to\s+us|for\s+us|either|much|anyway|at\s+all|"
    r"in\s+practice|for\s+now|for\s+v1)\b)"
)
_BACK_REFERENCE = re.compile(
    r"(?:[,:]|\bso|\band|\bbut)\s+(?:honestly\s+|frankly\s+)?(?:"
    # "... so I'd skip them"; said of a failure mode ("bias ..., so I'd avoid it") it guards
    r"(?P<drop>(?:i|we)(?:['’]d|['’]ll|\s+would|\s+will)?\s+(?:just\s+|probably\s+)?"
    r"(?:(?:skip|drop|ignore|avoid|rule\s+out)\s+(?:it|them|those|that)\b|"
    r"leave\s+(?:it|them|those|that)\s+(?:out|off|aside)\b))|"
    r"(?:i|we)\s+(?:don['’]t|do\s+not)\s+(?:really\s+)?(?:think|see\s+why)\s+(?:that|this|it|they)\b"
    r"[^.;]{0,30}?\b(?:matters?|applies|apply|helps?|is\s+needed|are\s+needed)\b|"
    r"(?:i|we)(?:\s+won['’]t|\s+wouldn['’]t|\s+don['’]t|['’]d\s+not|\s+would\s+not|\s+will\s+not|"
    r"\s+do\s+not)\s+(?:really\s+)?(?:use|need|track|do|build|add|want|run|bother\s+with)\s+"
    r"(?:it|them|those|that|one|any)\b" + _CLOSES + r"|"
    r"(?:it|they|its\s+[^\W\d_]+)\s+(?:does|do|would|will|is|are)(?:\s+not|n['’]t)\s+"
    r"(?:really\s+)?(?:apply|help|matter|fit|needed|necessary|worth(?:\s+it|\s+[^\W\d_]+ing)?)\b"
    + _CLOSES
    + r"|none\s+of\s+(?:those|them|these)\b|"
    r"(?:the\s+)?defaults?\s+(?:[\w-]+\s+){0,2}(?:are|is|should\s+be)\s+fine\b)"
    r"|\bnot\s+(?:ours|our\s+(?:job|problem|metric|concern|call))\b"
    r"|(?:would\s+be|sounds?)\s+(?:ideal|nice|great|good)\s*,?\s+but\b",
    re.IGNORECASE,
)


# Every back reference above contains one of these (checked first: far cheaper than the regex).
_BACK_REFERENCE_WORDS = wordset(
    "n't n’t not none skip drop ignor avoid rule leav default ideal nice great good"
)


def _sentence_after(text: str, end: int) -> str:
    window = text[end : end + 140]
    m = _SENTENCE_END.search(window)
    return window[: m.start()] if m else window


def _plain(word: str) -> str:
    return word.lower().replace("’", "").replace("'", "")


# Cues just before a match that, with what follows it, set it aside:
# "I'd leave video age out" (with "out" after it), "we can look at the latency budget
# later" (deferred, not designed), "a model that purely maximises click probability" (a
# proxy named to be criticised).
_BEFORE_CUE = re.compile(
    r"\b(?:(?P<leave>leave|leaving)|"
    r"(?P<defer>look\s+at|think\s+about|worry\s+about|deal\s+with|come\s+back\s+to|revisit)|"
    r"(?P<purely>(?:purely|solely)\s+(?:maximi[sz]\w*|optimi[sz]\w*)|"
    r"(?:maximi[sz]\w*|optimi[sz]\w*)\s+(?:purely|solely)(?:\s+for)?))\s+(?:the\s+|any\s+)?$",
    re.IGNORECASE,
)
_OUT_AFTER = re.compile(r"\s+(?:[^\W\d_]+\s+)?(?:out|aside)\b", re.IGNORECASE)
_LATER_AFTER = re.compile(r"\s+(?:later|another\s+time|down\s+the\s+line)\b", re.IGNORECASE)
# "offline NDCG gains", "offline MAE and online cancellations", "a 0.1% NCE gain": a metric
# named only to compare offline with online results or to size a win, not chosen as a metric.
_COMPARED_BEFORE = re.compile(r"(?:\boffline|\d\s*%)\s+$", re.IGNORECASE)
_COMPARED_AFTER = re.compile(
    r"\s+(?:gains?|deltas?|lifts?|improvements?|wins?|(?:and|vs\.?|versus)\s+online|"
    r"(?:tracks|predicts?|predicted|correlates?\s+with)\s+online)\b",
    re.IGNORECASE,
)


def in_passing(text: str, start: int, end: int) -> bool:
    """Is ``text[start:end]`` only named in passing, not put forward?

    "Offline NDCG gains don't always show up online" discusses the offline-online gap;
    it does not choose NDCG as a metric.
    """
    before = text[max(0, start - 12) : start]
    return bool(_COMPARED_BEFORE.search(before) and _COMPARED_AFTER.match(text, end))


def is_negated(text: str, start: int, end: int) -> bool:
    """Did the candidate say they will *not* do what ``text[start:end]`` names?

    Looks back within the same clause, over at most ``NEGATION_WINDOW`` words that carry
    meaning, for a negation cue ("not", "without", "won't", "skip", "instead of" ...), and
    just after the match for a dismissal ("... is not needed", "... I'd skip").
    """
    before = _clause_before(text, start)
    cue = _BEFORE_CUE.search(before, max(0, len(before) - 48))
    if cue and (
        cue.group("purely")
        or (cue.group("leave") and _OUT_AFTER.match(text, end))
        or (cue.group("defer") and _LATER_AFTER.match(text, end))
    ):
        return True
    words = [_plain(w) for w in _NEG_WORDS.findall(before)]
    problem = _names_problem(text[start:end])
    dismissed = problem and _DISMISSED.match(text, end) is not None
    counted = 0
    for i in range(len(words) - 1, -1, -1):
        w = words[i]
        following = words[i + 1] if i + 1 < len(words) else ""
        if (w, following) in _NEGATING_PAIRS:
            return True
        if w in _NEGATORS and following not in _NOT_NEGATING_NEXT:
            guarded = (
                problem
                and not dismissed
                and (
                    w in _GUARD_CUES
                    or w in ("no", "nothing")
                    or _GUARD_VERBS.search(before) is not None
                )
            )
            if not guarded:
                return True
        if w not in _LIGHT:
            counted += 1
            if counted >= NEGATION_WINDOW:
                break
    after = _clause_after(text, end)
    if _AFTER_NEGATION.search(after) or (not problem and _AFTER_DISMISSAL.search(after)):
        return True
    rest = _sentence_after(text, end)
    lowered = rest.lower()
    if not any(word in lowered for word in _BACK_REFERENCE_WORDS):
        return False
    back = _BACK_REFERENCE.search(rest)
    return back is not None and (not problem or back.group("drop") is None)
