"""The adaptive quiz of one candidate: order of play, stop rules, result, and saving and restoring its state."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from app.assessment.quiz.adaptive import StopReason
from app.assessment.quiz.french_numbers import AnswerFormatError
from app.assessment.quiz.session import ENGINE_VERSION, AdaptiveQuiz, QuizStateError
from app.rubrics import QuizItem, Rubric, get_rubrics
from tests.assessment.quiz.support import minimal_rubric, right_answer, wrong_answer

Answerer = Callable[[QuizItem], str]


def play(quiz: AdaptiveQuiz, answerer: Answerer, limit: int = 100) -> list[str]:
    asked = []
    while (item := quiz.next_item()) is not None and len(asked) < limit:
        quiz.answer(item.id, answerer(item))
        asked.append(item.id)
    return asked


def alternate() -> Answerer:
    count = iter(range(1000))
    return lambda item: right_answer(item) if next(count) % 2 == 0 else wrong_answer(item)


@pytest.mark.parametrize("rubric_id", ["aide-soignant", "assistant-de-vie-aux-familles", "operateur-de-production"])
@pytest.mark.parametrize(("answerer", "met"), [(right_answer, True), (wrong_answer, False)])
def test_a_quiz_runs_to_its_stop_and_reports(rubric_id: str, answerer: Answerer, met: bool) -> None:
    rubric = get_rubrics()[rubric_id]
    quiz = AdaptiveQuiz.start(rubric)
    asked = play(quiz, answerer)
    result = quiz.result()
    assert len(asked) == len(set(asked)) == result.items_asked <= rubric.quiz.stop.max_items
    assert quiz.finished
    assert result.finished
    # A candidate who gets everything right (or wrong) settles the prerequisite decision as soon as allowed.
    assert result.stop_reason == StopReason.DECISION
    assert result.items_asked == rubric.quiz.stop.min_items
    assert result.threshold_met is met
    assert (result.theta > 1.0) if met else (result.theta < -1.0)
    assert (result.p_threshold_met >= 0.95) if met else (result.p_threshold_met <= 0.05)
    assert [r.item_id for r in result.responses] == asked
    assert all(r.score.correct is met for r in result.responses)
    assert [d.domain for d in result.per_domain] == list(rubric.quiz.domains)
    assert sum(d.asked for d in result.per_domain) == len(asked)
    assert max(d.asked for d in result.per_domain) - min(d.asked for d in result.per_domain) <= 1
    assert all(d.correct == (d.asked if met else 0) for d in result.per_domain)
    assert (result.rubric_id, result.rubric_version, result.rubric_sha256, result.engine_version) == (
        rubric.id,
        rubric.version,
        rubric.sha256,
        ENGINE_VERSION,
    )
    assert quiz.next_item() is None


def test_each_answer_records_the_estimates_around_it() -> None:
    quiz = AdaptiveQuiz.start(minimal_rubric())
    play(quiz, alternate(), limit=6)
    responses = quiz.result().responses
    assert responses[0].theta_before == pytest.approx(0.0, abs=1e-12)  # the prior mean
    for before, after in itertools.pairwise(responses):
        assert after.theta_before == before.theta_after
        assert (after.theta_after > after.theta_before) is after.score.correct


def test_next_item_repeats_the_pending_item_until_it_is_answered() -> None:
    quiz = AdaptiveQuiz.start(minimal_rubric())
    first = quiz.next_item()
    assert first is not None
    assert quiz.next_item() == first
    assert quiz.state.pending_item_id == first.id
    assert not quiz.finished
    assert quiz.stop_reason is None


def test_answers_out_of_order_are_refused() -> None:
    quiz = AdaptiveQuiz.start(minimal_rubric())
    with pytest.raises(QuizStateError, match="no item is pending"):
        quiz.answer("q1", "B")
    item = quiz.next_item()
    assert item is not None
    other = next(i.id for i in minimal_rubric().quiz.items if i.id != item.id)
    with pytest.raises(QuizStateError, match=f"the pending item is '{item.id}'"):
        quiz.answer(other, "B")


def test_an_unreadable_answer_changes_nothing() -> None:
    quiz = AdaptiveQuiz.start(minimal_rubric())
    play(quiz, right_answer, limit=2)
    item = quiz.next_item()
    assert item is not None
    before = quiz.dump()
    with pytest.raises(AnswerFormatError):
        quiz.answer(item.id, "   ")
    assert quiz.dump() == before
    assert quiz.answer(item.id, right_answer(item)).correct


def test_the_quiz_stops_at_max_items(tmp_path: Path) -> None:
    quiz = AdaptiveQuiz.start(minimal_rubric(tmp_path, stop="{max_se: 0.05, max_items: 4}"))
    assert len(play(quiz, alternate())) == 4
    assert quiz.stop_reason is StopReason.MAX_ITEMS


def test_the_quiz_stops_when_precise_enough(tmp_path: Path) -> None:
    quiz = AdaptiveQuiz.start(minimal_rubric(tmp_path, stop="{max_se: 0.8, max_items: 20}"))
    asked = play(quiz, alternate())
    result = quiz.result()
    assert quiz.stop_reason is StopReason.PRECISION
    assert result.se <= 0.8 < result.responses[-2].se_after
    assert len(asked) < 20


def test_a_result_mid_quiz_is_not_finished() -> None:
    quiz = AdaptiveQuiz.start(minimal_rubric())
    play(quiz, right_answer, limit=3)
    quiz.next_item()
    result = quiz.result()
    assert (result.finished, result.stop_reason, result.items_asked) == (False, None, 3)


def test_the_state_survives_a_json_round_trip() -> None:
    rubric = minimal_rubric()
    quiz = AdaptiveQuiz.start(rubric)
    play(quiz, alternate(), limit=5)
    quiz.next_item()
    restored = AdaptiveQuiz.restore(rubric, json.loads(json.dumps(quiz.dump())))
    assert restored.state == quiz.state
    assert restored.result() == quiz.result()
    asked_original, asked_restored = play(quiz, alternate()), play(restored, alternate())
    assert asked_original == asked_restored
    assert restored.result() == quiz.result()


def started(rubric: Rubric, answers: int) -> dict[str, object]:
    quiz = AdaptiveQuiz.start(rubric)
    play(quiz, alternate(), limit=answers)
    quiz.next_item()
    return quiz.dump()


def test_restore_refuses_another_rubric_content(tmp_path: Path) -> None:
    state = started(minimal_rubric(), 3)
    changed = minimal_rubric(tmp_path, edit=('version: "0.1.0"', 'version: "0.1.1"'))
    with pytest.raises(QuizStateError, match=r"cannot resume on rubric minimal 0\.1\.1 \(sha256 "):
        AdaptiveQuiz.restore(changed, state)


def test_restore_refuses_another_engine_version() -> None:
    state = started(minimal_rubric(), 3) | {"engine_version": "0.9.0"}
    with pytest.raises(QuizStateError, match=r"engine 0\.9\.0"):
        AdaptiveQuiz.restore(minimal_rubric(), state)


def _swap_first_two(state: dict[str, object]) -> dict[str, object]:
    responses = list(state["responses"])  # type: ignore[call-overload]
    return state | {"responses": [responses[1], responses[0], *responses[2:]]}


def _rename_first(state: dict[str, object]) -> dict[str, object]:
    responses = [dict(r) for r in state["responses"]]  # type: ignore[attr-defined]
    responses[0]["item_id"] = "nope"
    return state | {"responses": responses}


def _pend_an_answered_item(state: dict[str, object]) -> dict[str, object]:
    return state | {"pending_item_id": state["responses"][0]["item_id"]}  # type: ignore[index]


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (_swap_first_two, "answer 1 .* was not asked here"),
        (_rename_first, "answer 1 \\('nope'\\) was not asked here"),
        (_pend_an_answered_item, "pending item .* is not the next item"),
        (lambda s: s | {"responses": "many"}, "invalid quiz state: "),
        (lambda s: {k: v for k, v in s.items() if k != "rubric_id"}, "invalid quiz state: Field required"),
    ],
    ids=["reordered", "unknown-item", "wrong-pending", "wrong-type", "missing-field"],
)
def test_restore_refuses_a_state_this_engine_could_not_have_produced(
    tamper: Callable[[dict[str, object]], dict[str, object]], message: str
) -> None:
    rubric = minimal_rubric()
    state = started(rubric, 4)
    with pytest.raises(QuizStateError, match=message):
        AdaptiveQuiz.restore(rubric, tamper(state))
