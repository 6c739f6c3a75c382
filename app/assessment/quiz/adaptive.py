"""One step of the adaptive quiz: estimate ability from the answers so far, then stop or pick the next item.

`AdaptiveQuiz` (one candidate, step by step) and the simulation (thousands of simulated candidates) both go
through `step`, so the simulation measures exactly the algorithm candidates get.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.assessment.quiz.bank import ItemBank
from app.assessment.quiz.irt import Posterior, posterior
from app.assessment.quiz.selection import select_next
from app.rubrics.models import Quiz, QuizStop


class StopReason(StrEnum):
    DECISION = "decision"  # P(θ >= threshold) settled beyond stop.decision_confidence, after stop.min_items
    PRECISION = "precision"  # standard error <= stop.max_se
    MAX_ITEMS = "max_items"  # stop.max_items asked


def stop_reason(stop: QuizStop, *, asked: int, estimate: Posterior, threshold: float) -> StopReason | None:
    """Why the quiz must stop now, or None if it goes on. The first that holds is named.

    The quiz only decides whether the prerequisite is met: once that is settled with the rubric's confidence,
    more items would not change the decision. The rubric schema guarantees the bank holds at least
    `stop.max_items` items, so it never runs out first.
    """
    if stop.decision_confidence is not None and asked >= stop.min_items:
        p_met = estimate.probability_at_least(threshold)
        if max(p_met, 1 - p_met) >= stop.decision_confidence:
            return StopReason.DECISION
    if estimate.se <= stop.max_se:
        return StopReason.PRECISION
    if asked >= stop.max_items:
        return StopReason.MAX_ITEMS
    return None


@dataclass(frozen=True)
class Step:
    estimate: Posterior
    stop: StopReason | None
    next_item: int | None  # index in the bank; None exactly when `stop` is set


def step(bank: ItemBank, quiz: Quiz, asked: Sequence[int], correct: Sequence[bool]) -> Step:
    """`asked` are bank indices in the order asked, `correct` the matching scores."""
    estimate = posterior(bank.a[list(asked)], bank.b[list(asked)], list(correct))
    reason = stop_reason(quiz.stop, asked=len(asked), estimate=estimate, threshold=quiz.threshold_theta)
    return Step(estimate, reason, None if reason is not None else select_next(bank, asked, estimate.theta))
