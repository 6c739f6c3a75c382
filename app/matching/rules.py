"""The rules a ranking applies: the weights, and each rubric's quiz threshold with where it came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from app.matching.weights import Weights, load_weights
from app.rubrics import Rubric, get_rubrics


@dataclass(frozen=True)
class QuizThreshold:
    theta: float
    source: str


@dataclass(frozen=True)
class RankingRules:
    """`thresholds` maps rubric ids to their quiz threshold; other rubrics get the weights' default, and the
    result says so (`source`)."""

    weights: Weights
    thresholds: Mapping[str, QuizThreshold] = field(default_factory=dict)

    def threshold(self, rubric: str) -> QuizThreshold:
        known = self.thresholds.get(rubric)
        if known is not None:
            return known
        return QuizThreshold(
            self.weights.default_quiz_threshold,
            f"default of weights {self.weights.version} (no rubric file {rubric}.yaml)",
        )

    @classmethod
    def from_rubrics(cls, weights: Weights, rubrics: Mapping[str, Rubric]) -> RankingRules:
        return cls(
            weights,
            {
                rubric_id: QuizThreshold(
                    rubric.quiz.threshold_theta, f"rubric {rubric_id} {rubric.version} (sha256 {rubric.sha256})"
                )
                for rubric_id, rubric in rubrics.items()
            },
        )


def default_rules(weights_version: str | None = None) -> RankingRules:
    """The configured rubrics (TREMPLIN_RUBRICS_DIR) and the given (default: latest) weights."""
    return RankingRules.from_rubrics(load_weights(weights_version), get_rubrics())
