"""The held-out set stays what was committed, and the evaluation over it runs."""

from __future__ import annotations

import yaml

from tests.heldout_eval import HELDOUT, LABELS, answers_in, digest_of_test_half, evaluate


def test_the_test_half_is_unchanged_since_its_hash_was_committed():
    committed = (HELDOUT / "TEST_SHA256").read_text().strip()
    assert digest_of_test_half() == committed


def test_every_answer_has_gold_labels_that_name_real_points():
    for split in ("dev", "test"):
        for case_id, style, _ in answers_in(split):
            gold = yaml.safe_load((LABELS / "gold" / case_id / f"{style}.yaml").read_text())
            assert gold["case"] == case_id and gold["answer"] == style
            assert isinstance(gold["made"], list)


def test_the_evaluation_counts_every_point_of_every_dev_answer():
    result = evaluate("dev")
    assert result.overall.answers == sum(1 for _ in answers_in("dev"))
    assert result.overall.tp + result.overall.fp + result.overall.fn > 0


def test_what_the_feedback_says_of_its_accuracy_is_what_the_test_half_measures():
    from mlsd.ui.feedback import MISSES, WRONG_CREDITS

    overall = evaluate("test").overall

    def one_in(phrase: str) -> float:
        return 1 / int(phrase.removeprefix("1 in "))

    assert abs((1 - overall.recall) - one_in(MISSES)) < 0.05, overall.recall
    assert abs((1 - overall.precision) - one_in(WRONG_CREDITS)) < 0.05, overall.precision
