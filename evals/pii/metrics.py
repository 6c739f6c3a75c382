"""Scrubbing metrics: what leaks (recall) and what is masked for nothing (precision).

- A gold entity is *caught* when every letter and digit of it lies inside predicted spans, whatever their
  labels: a phone masked as a NIR is still masked, while a house number left in clear is a leak.
- A predicted span is *correct* when it overlaps a gold entity by at least one letter or digit.
Recall is per gold type, precision per predicted type; F2 weighs recall four times as much as precision.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from evals.pii.corpus import GoldEntity, Sample


@dataclass(frozen=True)
class Predicted:
    entity: str
    start: int
    end: int


@dataclass
class TypeCounts:
    gold: int = 0
    caught: int = 0
    partial: int = 0  # some characters masked, some left in clear
    predicted: int = 0
    correct: int = 0

    @property
    def recall(self) -> float | None:
        return self.caught / self.gold if self.gold else None

    @property
    def precision(self) -> float | None:
        return self.correct / self.predicted if self.predicted else None

    @property
    def f2(self) -> float | None:
        return f_beta(self.precision, self.recall, beta=2.0)


@dataclass
class Scores:
    by_type: dict[str, TypeCounts] = field(default_factory=lambda: defaultdict(TypeCounts))
    overall: TypeCounts = field(default_factory=TypeCounts)
    samples: int = 0


def f_beta(precision: float | None, recall: float | None, *, beta: float) -> float | None:
    if precision is None or recall is None:
        return None
    if precision == 0 and recall == 0:
        return 0.0
    return (1 + beta**2) * precision * recall / (beta**2 * precision + recall)


def _significant(text: str, start: int, end: int) -> set[int]:
    return {i for i in range(start, end) if text[i].isalnum()}


def score(samples: Sequence[Sample], predictions: Iterable[Sequence[Predicted]]) -> Scores:
    scores = Scores()
    for sample, predicted in zip(samples, predictions, strict=True):
        scores.samples += 1
        masked: set[int] = set()
        for span in predicted:
            masked.update(range(span.start, span.end))
        for gold in sample.entities:
            _count_gold(scores, sample.text, gold, masked)
        gold_chars = set().union(*(_significant(sample.text, g.start, g.end) for g in sample.entities))
        for span in predicted:
            correct = bool(_significant(sample.text, span.start, span.end) & gold_chars)
            for counts in (scores.by_type[span.entity], scores.overall):
                counts.predicted += 1
                counts.correct += correct
    return scores


def _count_gold(scores: Scores, text: str, gold: GoldEntity, masked: set[int]) -> None:
    chars = _significant(text, gold.start, gold.end)
    covered = chars & masked
    for counts in (scores.by_type[gold.entity], scores.overall):
        counts.gold += 1
        counts.caught += covered == chars
        counts.partial += bool(covered) and covered != chars
