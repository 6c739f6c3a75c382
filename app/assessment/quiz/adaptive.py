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
from app.rubrics.models import QuizStop


class StopReason(StrEnum):
    PRECISION = "precision"  # standard error <= stop.max_se
    MAX_ITEMS = "max_items"  # stop.max_items asked


def stop_reason(stop: QuizStop, *, asked: int, se: float) -> StopReason | None:
    """Why the quiz must stop now, or None if it goes on. Precision is named first when both hold.

    The rubric schema guarantees the bank holds at least `stop.max_items` items, so it never runs out first.
    """
    if se <= stop.max_se:
        return StopReason.PRECISION
    if asked >= stop.max_items:
        return StopReason.MAX_ITEMS
    return None


@dataclass(frozen=True)
class Step:
    estimate: Posterior
    stop: StopReason | None
    next_item: int | None  # index in the bank; None exactly when `stop` is set


def step(bank: ItemBank, stop: QuizStop, asked: Sequence[int], correct: Sequence[bool]) -> Step:
    """`asked` are bank indices in the order asked, `correct` the matching scores."""
    estimate = posterior(bank.a[list(asked)], bank.b[list(asked)], list(correct))
    reason = stop_reason(stop, asked=len(asked), se=estimate.se)
    return Step(estimate, reason, None if reason is not None else select_next(bank, asked, estimate.theta))
