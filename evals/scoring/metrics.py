"""Agreement between two raters on an ordinal scale (levels 0-3): quadratic weighted kappa, exact and adjacent
agreement, and the confusion matrix."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

LEVELS = 4


@dataclass(frozen=True)
class Agreement:
    n: int
    qwk: float
    exact: float
    adjacent: float
    confusion: tuple[tuple[int, ...], ...]  # rows: human level, columns: scorer level


def confusion_matrix(human: Sequence[int], scorer: Sequence[int], levels: int = LEVELS) -> np.ndarray:
    if len(human) != len(scorer):
        raise ValueError(f"{len(human)} human levels but {len(scorer)} scorer levels")
    matrix = np.zeros((levels, levels), dtype=np.int64)
    for a, b in zip(human, scorer, strict=True):
        matrix[a, b] += 1
    return matrix


def quadratic_weighted_kappa(human: Sequence[int], scorer: Sequence[int], levels: int = LEVELS) -> float:
    """Cohen's kappa with quadratic weights: 1 is perfect agreement, 0 what chance alone gives.

    When chance disagreement is zero (both raters always give the same single level) it is 1 if they agree.
    """
    observed = confusion_matrix(human, scorer, levels).astype(np.float64)
    n = observed.sum()
    if n == 0:
        raise ValueError("no pairs to compare")
    index = np.arange(levels)
    weights = (index[:, None] - index[None, :]) ** 2 / (levels - 1) ** 2
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / n
    chance = float((weights * expected).sum())
    if chance == 0:
        return 1.0 if float((weights * observed).sum()) == 0 else 0.0
    return 1.0 - float((weights * observed).sum()) / chance


def agreement(human: Sequence[int], scorer: Sequence[int]) -> Agreement:
    differences = [abs(a - b) for a, b in zip(human, scorer, strict=True)]
    return Agreement(
        n=len(differences),
        qwk=quadratic_weighted_kappa(human, scorer),
        exact=sum(d == 0 for d in differences) / len(differences),
        adjacent=sum(d <= 1 for d in differences) / len(differences),
        confusion=tuple(tuple(int(v) for v in row) for row in confusion_matrix(human, scorer)),
    )
