"""A complete ranking, kept in columns, and the entries and JSON an adviser reads, made from it on demand.

Every eligible pair is ranked and every other one is listed with its reasons: `ranked(top)` only limits how
many ranked entries are written out, `excluded()` always lists everybody else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import numpy as np

from app import __version__
from app.matching.columns import Ints
from app.matching.evaluate import SCORE_SCALE, Evaluation
from app.matching.inputs import CandidateProfile, Offer
from app.matching.reasons import REASON_CODES, PairFacts, Reason, describe, split
from app.matching.rules import QuizThreshold
from app.matching.weights import FACTORS, Weights

Kind = Literal["offer", "candidate"]


@dataclass(frozen=True)
class FactorContribution:
    value: float
    weight: float
    contribution: float
    detail: Mapping[str, float | int | None]

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "weight": self.weight,
            "contribution": self.contribution,
            "detail": dict(self.detail),
        }


@dataclass(frozen=True)
class RankedEntry:
    id: str
    rank: int
    score: float
    factors: Mapping[str, FactorContribution]


@dataclass(frozen=True)
class ExcludedEntry:
    id: str
    reasons: tuple[Reason, ...]
    messages: tuple[str, ...]

    @property
    def codes(self) -> list[str]:
        return [REASON_CODES[reason] for reason in self.reasons]


@dataclass(frozen=True)
class Ranking:
    """The ranking of the `item_kind`s (candidates or offers) for one `subject_kind` (the other one).

    `order` holds the rows of the eligible items, best first; `excluded_order` the others, those failing the
    fewest constraints first (the likeliest to be overridden), then by id.
    """

    subject_kind: Kind
    subject_id: str
    item_kind: Kind
    item_ids: Sequence[str]
    evaluation: Evaluation
    order: Ints
    excluded_order: Ints
    weights: Weights
    quiz_thresholds: Mapping[str, QuizThreshold]
    as_of: date
    pair: Callable[[int], tuple[CandidateProfile, Offer]]

    @property
    def eligible_count(self) -> int:
        return len(self.order)

    def ranked(self, top: int | None = None) -> list[RankedEntry]:
        rows = self.order if top is None else self.order[:top]
        return [self._ranked_entry(rank, int(row)) for rank, row in enumerate(rows, start=1)]

    def excluded(self) -> list[ExcludedEntry]:
        return [self._excluded_entry(int(row)) for row in self.excluded_order]

    def trace(self) -> dict[str, Any]:
        """What a stored result needs to be reproduced and explained."""
        return {
            "ranker": f"tremplin {__version__}",
            "as_of": self.as_of.isoformat(),
            "weights_version": self.weights.version,
            "weights_sha256": self.weights.sha256,
            "quiz_thresholds": {
                rubric: {"theta": threshold.theta, "source": threshold.source}
                for rubric, threshold in sorted(self.quiz_thresholds.items())
            },
            "eligible": self.eligible_count,
            "excluded": len(self.excluded_order),
            "tie_break": "score, then "
            + ("longest wait" if self.item_kind == "candidate" else "earliest start")
            + f", then {self.item_kind} id",
        }

    def to_json(self, top: int | None = None) -> dict[str, Any]:
        """The CLI/API contract: subject, weights version, ranked items with factors, excluded with reasons."""
        ranked = self.ranked(top)
        return {
            self.subject_kind: self.subject_id,
            "weights_version": self.weights.version,
            "ranked": [
                {
                    self.item_kind: entry.id,
                    "score": entry.score,
                    "factors": {name: factor.to_json() for name, factor in entry.factors.items()},
                }
                for entry in ranked
            ],
            "excluded": [{self.item_kind: entry.id, "reasons": list(entry.messages)} for entry in self.excluded()],
            "trace": {**self.trace(), "shown": len(ranked)},
        }

    def _ranked_entry(self, rank: int, row: int) -> RankedEntry:
        e = self.evaluation
        candidate, _ = self.pair(row)
        mean = float(e.motivation_mean[row])
        details: dict[str, dict[str, float | int | None]] = {
            "motivation": {
                "mean_level": None if np.isnan(mean) else round(mean, 2),
                "assessed": int(e.motivation_assessed[row]),
            },
            "quiz_margin": {"theta_margin": round(float(e.quiz_margin[row]), 3)},
            "distance": {"km": round(float(e.distance_km[row]), 1), "max_km": candidate.max_travel_km},
            "start_date_fit": {"idle_days": int(e.idle_days[row])},
            "waiting": {"days": int(e.waiting_days[row])},
        }
        weights = self.weights.weight_vector()
        factors = {
            name: FactorContribution(
                value=round(float(e.values[row, column]), 4),
                weight=weights[column],
                contribution=round(float(e.values[row, column]) * weights[column], 4),
                detail=details[name],
            )
            for column, name in enumerate(FACTORS)
        }
        score = int(e.points[row]) / SCORE_SCALE
        return RankedEntry(id=self.item_ids[row], rank=rank, score=score, factors=factors)

    def _excluded_entry(self, row: int) -> ExcludedEntry:
        candidate, offer = self.pair(row)
        facts = PairFacts(
            distance_km=float(self.evaluation.distance_km[row]),
            max_travel_km=candidate.max_travel_km,
            available_from=candidate.available_from,
            start_date=offer.start_date,
            candidate_schedule=candidate.schedule,
            offer_schedule=offer.schedule,
            diploma_level=candidate.diploma_level,
            min_diploma_level=offer.requirements.min_diploma_level,
            rubric=offer.rubric,
        )
        reasons = split(int(self.evaluation.reasons[row]))
        return ExcludedEntry(self.item_ids[row], reasons, tuple(describe(reason, facts) for reason in reasons))
