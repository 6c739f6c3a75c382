"""Every item of the shipped rubrics is scorable as written: its key scores right, its distractors wrong."""

from __future__ import annotations

import pytest

from app.assessment.quiz.scoring import score_answer
from app.rubrics import FreeTextItem, NumericItem, QuizItem, SingleChoiceItem, get_rubrics
from tests.assessment.quiz.support import right_answer

ITEMS = [
    pytest.param(item, id=f"{rubric_id}/{item.id}")
    for rubric_id in ("aide-soignant", "assistant-de-vie-aux-familles", "operateur-de-production")
    for item in get_rubrics()[rubric_id].quiz.items
]
OFF_TOPIC = ["Je ne comprends pas la question.", "Oui, d'accord.", "Je fais mon travail correctement."]


@pytest.mark.parametrize("item", ITEMS)
def test_the_key_scores_right(item: QuizItem) -> None:
    assert score_answer(item, right_answer(item)).correct


@pytest.mark.parametrize("item", [p for p in ITEMS if isinstance(p.values[0], SingleChoiceItem)])
def test_every_distractor_scores_wrong_by_letter_and_by_text(item: SingleChoiceItem) -> None:
    for index, choice in enumerate(item.choices):
        assert score_answer(item, "ABCDEFGH"[index]).correct is (index == item.answer)
        assert score_answer(item, choice).correct is (index == item.answer)


@pytest.mark.parametrize("item", [p for p in ITEMS if isinstance(p.values[0], NumericItem)])
def test_a_numeric_key_is_exact_within_its_tolerance(item: NumericItem) -> None:
    expected = item.answer
    off = max(2 * expected.tolerance, 0.01 * abs(expected.value), 0.01)
    for value in (expected.value + off, expected.value - off):
        assert not score_answer(item, f"{value:g}".replace(".", ",")).correct


@pytest.mark.parametrize("item", [p for p in ITEMS if isinstance(p.values[0], FreeTextItem)])
def test_free_text_references_match_the_keywords_and_off_topic_answers_do_not(item: FreeTextItem) -> None:
    assert item.answer.references, "a free-text item needs a reference answer"
    for reference in item.answer.references:
        assert score_answer(item, reference).method == "keywords"
        assert score_answer(item, reference).correct
    for answer in OFF_TOPIC:
        assert not score_answer(item, answer).correct, answer
