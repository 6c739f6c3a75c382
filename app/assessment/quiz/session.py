"""One candidate's adaptive quiz: which item comes next, how each answer scores, and the result.

`AdaptiveQuiz` does no I/O and is deterministic: the same rubric and the same answers give the same items and
the same result. Its whole state is a `QuizState` (plain JSON through `dump()`), so a conversation flow can
checkpoint it and `restore()` it later; a state is only restored against the exact rubric content (sha256) and
engine version it was started with.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.assessment.quiz.adaptive import Step, StopReason, step
from app.assessment.quiz.bank import ItemBank
from app.assessment.quiz.irt import Posterior, posterior
from app.assessment.quiz.scoring import ItemScore, score_answer
from app.embeddings import Embedder
from app.errors import TremplinError
from app.rubrics.models import QuizItem, Rubric

# Bump with any change to estimation, selection, stopping or scoring: results record it.
ENGINE_VERSION = "1.1.0"


class QuizStateError(TremplinError):
    """The quiz was driven out of order, or a saved state does not belong to this rubric or engine."""


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Response(_Frozen):
    """One answered item, with the ability estimate before (used to select it) and after the answer."""

    item_id: str
    raw_answer: str
    score: ItemScore
    theta_before: float
    theta_after: float
    se_after: float


class QuizState(_Frozen):
    rubric_id: str
    rubric_version: str
    rubric_sha256: str
    engine_version: str
    responses: tuple[Response, ...] = ()
    pending_item_id: str | None = None


class DomainResult(_Frozen):
    """Answers in one domain, and the ability estimated from them alone (few items: read the SE)."""

    domain: str
    title: str
    asked: int
    correct: int
    theta: float
    se: float


class QuizResult(_Frozen):
    rubric_id: str
    rubric_version: str
    rubric_sha256: str
    engine_version: str
    finished: bool
    stop_reason: StopReason | None
    theta: float
    se: float
    items_asked: int
    threshold_theta: float
    threshold_met: bool = Field(description="theta >= threshold_theta")
    p_threshold_met: float = Field(description="Posterior probability that the true ability is >= the threshold.")
    per_domain: tuple[DomainResult, ...]
    responses: tuple[Response, ...]


class AdaptiveQuiz:
    """Create with `start()` or `restore()`."""

    def __init__(self, rubric: Rubric, state: QuizState) -> None:
        self._rubric = rubric
        self._bank = ItemBank.from_quiz(rubric.quiz)
        self._state = state

    @classmethod
    def start(cls, rubric: Rubric) -> AdaptiveQuiz:
        return cls(
            rubric,
            QuizState(
                rubric_id=rubric.id,
                rubric_version=rubric.version,
                rubric_sha256=rubric.sha256,
                engine_version=ENGINE_VERSION,
            ),
        )

    @classmethod
    def restore(cls, rubric: Rubric, data: dict[str, Any]) -> AdaptiveQuiz:
        """Rebuild a quiz from `dump()` output; refuses a state from other rubric content or another engine."""
        try:
            state = QuizState.model_validate(data)
        except ValidationError as exc:
            raise QuizStateError(f"invalid quiz state: {exc.errors()[0]['msg']} at {exc.errors()[0]['loc']}") from None
        expected = (rubric.id, rubric.sha256, ENGINE_VERSION)
        found = (state.rubric_id, state.rubric_sha256, state.engine_version)
        if found != expected:
            raise QuizStateError(
                f"quiz state of rubric {state.rubric_id} {state.rubric_version} (sha256 {state.rubric_sha256[:12]}, "
                f"engine {state.engine_version}) cannot resume on rubric {rubric.id} {rubric.version} "
                f"(sha256 {rubric.sha256[:12]}, engine {ENGINE_VERSION})"
            )
        quiz = cls(rubric, state)
        quiz._check_consistency()
        return quiz

    def dump(self) -> dict[str, Any]:
        return self._state.model_dump(mode="json")

    @property
    def state(self) -> QuizState:
        return self._state

    @property
    def stop_reason(self) -> StopReason | None:
        """Why the quiz is over, or None while it goes on. An item already shown is always answered first."""
        if self._state.pending_item_id is not None:
            return None
        return self._step().stop

    @property
    def finished(self) -> bool:
        return self.stop_reason is not None

    def next_item(self) -> QuizItem | None:
        """The item to ask now (the same one until it is answered), or None when the quiz is over."""
        pending = self._state.pending_item_id
        if pending is not None:
            return self._bank.items[self._bank.index_of(pending)]
        index = self._step().next_item
        if index is None:
            return None
        self._state = self._state.model_copy(update={"pending_item_id": self._bank.items[index].id})
        return self._bank.items[index]

    def answer(self, item_id: str, raw_answer: str, *, embedder: Embedder | None = None) -> ItemScore:
        """Score the answer to the pending item and record it.

        An unreadable answer raises `AnswerFormatError` (French message for the candidate) and records nothing.
        """
        pending = self._state.pending_item_id
        if pending is None:
            raise QuizStateError(f"no item is pending: call next_item() before answering {item_id!r}")
        if item_id != pending:
            raise QuizStateError(f"answer to {item_id!r}, but the pending item is {pending!r}")
        theta_before = self._posterior().theta
        score = score_answer(self._bank.items[self._bank.index_of(item_id)], raw_answer, embedder=embedder)
        previous = self._state.responses
        after = self._posterior_of(
            [*(r.item_id for r in previous), item_id], [*(r.score.correct for r in previous), score.correct]
        )
        response = Response(
            item_id=item_id,
            raw_answer=raw_answer,
            score=score,
            theta_before=theta_before,
            theta_after=after.theta,
            se_after=after.se,
        )
        self._state = self._state.model_copy(
            update={"responses": (*self._state.responses, response), "pending_item_id": None}
        )
        return score

    def result(self) -> QuizResult:
        """The result so far; `finished` says whether the stop rule was reached."""
        quiz, overall = self._rubric.quiz, self._posterior()
        per_domain = []
        for domain, title in quiz.domains.items():
            scores = [r.score for r in self._state.responses if r.score.domain == domain]
            estimate = self._posterior_of([s.item_id for s in scores], [s.correct for s in scores])
            per_domain.append(
                DomainResult(
                    domain=domain,
                    title=title,
                    asked=len(scores),
                    correct=sum(s.correct for s in scores),
                    theta=estimate.theta,
                    se=estimate.se,
                )
            )
        return QuizResult(
            rubric_id=self._state.rubric_id,
            rubric_version=self._state.rubric_version,
            rubric_sha256=self._state.rubric_sha256,
            engine_version=self._state.engine_version,
            finished=self.finished,
            stop_reason=self.stop_reason,
            theta=overall.theta,
            se=overall.se,
            items_asked=len(self._state.responses),
            threshold_theta=quiz.threshold_theta,
            threshold_met=overall.theta >= quiz.threshold_theta,
            p_threshold_met=overall.probability_at_least(quiz.threshold_theta),
            per_domain=tuple(per_domain),
            responses=self._state.responses,
        )

    def _step(self) -> Step:
        responses = self._state.responses
        asked = [self._bank.index_of(r.item_id) for r in responses]
        return step(self._bank, self._rubric.quiz, asked, [r.score.correct for r in responses])

    def _posterior(self) -> Posterior:
        return self._step().estimate

    def _posterior_of(self, item_ids: list[str], correct: list[bool]) -> Posterior:
        indices = [self._bank.index_of(item_id) for item_id in item_ids]
        return posterior(self._bank.a[indices], self._bank.b[indices], correct)

    def _check_consistency(self) -> None:
        """Replay the state: each item must be the one this engine selects after the answers before it."""
        responses, quiz = self._state.responses, self._rubric.quiz
        asked: list[int] = []
        for number, response in enumerate(responses, start=1):
            expected = step(self._bank, quiz, asked, [r.score.correct for r in responses[: len(asked)]]).next_item
            found = self._bank.positions.get(response.item_id)
            if expected is None or found != expected or response.score.item_id != response.item_id:
                raise QuizStateError(f"invalid quiz state: answer {number} ({response.item_id!r}) was not asked here")
            asked.append(expected)
        pending, next_index = self._state.pending_item_id, self._step().next_item
        if pending is not None and (next_index is None or self._bank.positions.get(pending) != next_index):
            raise QuizStateError(f"invalid quiz state: pending item {pending!r} is not the next item")
