"""The matcher: how case authors' plain phrases find a candidate's own wording."""

from __future__ import annotations

import pytest

from mlsd.matching import best_clarification, compile_phrase, covers, find
from mlsd.models import Clarification


def words(phrase: str, text: str) -> str | None:
    found = find([phrase], text)
    return found.words if found else None


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        ("calibrat", "the model is calibrated"),
        ("calibrat", "Calibration matters"),
        ("calibrated", "we calibrate with Platt scaling"),
        ("calibrated", "post-hoc calibration"),
        ("feature store", "two feature stores"),
        ("hide", "she hides the post"),
        ("hide", "hiding a post"),
        ("cache", "caching embeddings"),
        ("logging", "we log every impression"),
        ("query", "rare queries"),
        ("DAU", "200M DAUs"),
        ("A/B test", "we ran A/B tests"),
        ("A/B test", "an AB testing framework"),
        ("fine-tun", "fine-tuning the encoder"),
        ("fine-tun", "we finetune it"),
    ],
)
def test_plurals_and_inflections(phrase: str, text: str) -> None:
    assert covers([phrase], text)


@pytest.mark.parametrize("text", ["re-ranking", "reranking", "re ranking", "a re-ranker", "rerank"])
def test_hyphens_and_spacing(text: str) -> None:
    assert covers(["re-ranking"], text)


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        ("fallback", "we fall back to the light ranker"),
        ("pretrained", "a pre-trained encoder"),
        ("training-serving skew", "train/serving skew"),
        ("two-tower", "a two tower model"),
    ],
)
def test_compounds_written_apart_or_together(phrase: str, text: str) -> None:
    assert covers([phrase], text)


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        ("quantization", "INT8 quantisation"),
        ("quantisation", "quantized weights"),
        ("normalise", "feature normalization"),
        ("normalization", "we normalise counts"),
        ("modelling", "sequence modeling"),
        ("labeled", "human-labelled data"),
        ("labelled", "labeled data"),
        ("behaviour", "user behavior"),
        ("behavior", "behavioural signals"),
        ("catalogue", "the catalog"),
        ("catalog", "the whole catalogue"),
        ("analyse", "we analyze slices"),
        ("favorites", "the Favourites list"),
        ("centre", "data center"),
        ("optimize", "optimising for retention"),
    ],
)
def test_british_and_american_spelling(phrase: str, text: str) -> None:
    assert covers([phrase], text)


def test_spans_are_exact_in_the_original_text() -> None:
    text = "First, we Quantise the heavy ranker to INT8."
    found = find(["quantization"], text)
    assert found is not None
    assert text[found.start : found.end] == found.words == "Quantise"
    assert found.phrase == "quantization"


def test_a_span_keeps_the_candidates_spelling_and_hyphens() -> None:
    text = "then a light Re-Ranker orders them"
    found = find(["re-ranking"], text)
    assert found is not None
    assert (found.words, text[found.start : found.end]) == ("Re-Ranker", "Re-Ranker")


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        ("DAU", "daub the wall"),
        ("cache", "cachet"),
        ("rank", "rankle"),
        ("calibrat", "recalculate"),
        ("hide", "hideous"),
        ("centre", "central"),
        ("AP", "application"),
    ],
)
def test_word_boundaries_hold(phrase: str, text: str) -> None:
    assert not covers([phrase], text)


def test_re_phrases_are_regular_expressions() -> None:
    assert covers([r"re:\b\d+(\.\d+)?\s?TB\b"], "about 5.1 TB of vectors")
    assert not covers([r"re:\b\d+(\.\d+)?\s?TB\b"], "TBD")
    assert compile_phrase("re:foo+").pattern == "foo+"


def test_any_one_alternative_is_enough_and_order_is_the_authors() -> None:
    found = find(["platt scaling", "calibrat"], "We calibrate with Platt scaling.")
    assert found is not None
    assert found.phrase == "platt scaling"


@pytest.mark.parametrize(
    "text",
    [
        "We will not use a feature store.",
        "We do not plan to use a feature store for this.",
        "There's no need for a dedicated feature store.",
        "A feature store is overkill at this scale.",
        "A feature store isn't needed here.",
        "I'd skip the feature store.",
        "We won't bother with a feature store.",
        "Instead of a feature store we read the warehouse directly.",
        "Feature store I'd skip for now.",
        "A feature store is handled by another team.",
    ],
)
def test_negated_mentions_do_not_count(text: str) -> None:
    assert not covers(["feature store"], text)


@pytest.mark.parametrize(
    "text",
    [
        "Not only do we use a feature store, we version it.",
        "We don't have one today, so we add a feature store.",
        "Without it serving drifts, so we build a feature store.",
        "The latency budget is no more than 100 ms, and a feature store keeps lookups fast.",
        "We will not use Redis directly; a feature store serves the features.",
    ],
)
def test_affirmative_mentions_count_even_near_negation(text: str) -> None:
    assert covers(["feature store"], text)


def test_a_later_affirmative_mention_counts() -> None:
    text = "We skip calibration at first. Later we calibrate with isotonic regression."
    found = find(["calibrat"], text)
    assert found is not None
    assert found.words == "calibrate"


def test_guarding_against_a_failure_mode_is_not_a_negation() -> None:
    assert covers(["leakage"], "We use point-in-time joins to avoid leakage.")
    assert covers(["position bias"], "A shallow tower, so the main model is free of position bias.")
    assert not covers(["leakage"], "There's no leakage risk in our features.")
    assert not covers(["cold start"], "Cold start isn't a problem for the feed.")


def test_a_wrapped_line_does_not_end_the_clause() -> None:
    assert not covers(["slice"], "and slicing by segment would only add\nnoise.")


def clar(cid: str, question: str, match: list[str]) -> Clarification:
    return Clarification(id=cid, question=question, answer="...", match=match)


CLARIFICATIONS = [
    clar("scale", "How many daily active users are there?", ["DAU", "daily active users", "QPS"]),
    clar("latency", "What is the latency budget?", ["latency", "p99", "how fast"]),
    clar("labels", "Where do the labels come from?", ["labels", "ground truth"]),
]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How many DAU do we have and what's the peak QPS?", "scale"),
        ("what's the p99 budget", "latency"),
        ("How fast must it respond?", "latency"),
        ("Where does ground truth come from?", "labels"),
        ("How many daily users are active?", "scale"),
    ],
)
def test_best_clarification_picks_the_question_asked(question: str, expected: str) -> None:
    found = best_clarification(question, CLARIFICATIONS)
    assert found is not None
    assert found.id == expected


@pytest.mark.parametrize("question", ["What colour is the logo?", "", "   ", "why?"])
def test_best_clarification_returns_none_when_nothing_fits(question: str) -> None:
    assert best_clarification(question, CLARIFICATIONS) is None
