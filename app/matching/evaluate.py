"""The ranking rules, vectorised: hard constraints and bounded factors for many (candidate, offer) pairs at once.

One side of the pairs is usually a single row that numpy broadcasts against the other: one offer against a
pool of candidates, or one candidate against a list of offers. `app/matching/reference.py` states the same
rules one pair at a time; tests hold the two to the same results.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.matching.columns import AssessmentColumns, CandidateColumns, Floats, Ints, OfferColumns
from app.matching.geo import haversine_km
from app.matching.reasons import Reason
from app.matching.weights import Weights

# Scores are shown, compared and tie-broken at this precision, so two scores that look equal are equal.
SCORE_DECIMALS = 4
SCORE_SCALE = 10**SCORE_DECIMALS
MAX_MOTIVATION_LEVEL = 3.0


@dataclass(frozen=True)
class Evaluation:
    """Per pair: the failed constraints (0 = eligible), each factor's value in [0, 1] (columns in `FACTORS`
    order), the score in points (score x SCORE_SCALE, rounded) and the measures the factors were made from."""

    reasons: NDArray[np.uint8]
    values: Floats
    points: Ints
    distance_km: Floats
    motivation_assessed: Ints
    motivation_mean: Floats
    quiz_margin: Floats
    idle_days: Ints
    waiting_days: Ints


def evaluate(
    candidates: CandidateColumns,
    assessments: AssessmentColumns,
    offers: OfferColumns,
    weights: Weights,
    as_of: int,
) -> Evaluation:
    """`as_of` is the reference day (ordinal) for waiting times and for availability already reached."""
    c, a, o, f = candidates, assessments, offers, weights.factors
    distance = haversine_km(c.lat, c.lon, o.lat, o.lon)

    reasons = np.zeros(np.broadcast_shapes(distance.shape, a.present.shape), dtype=np.uint8)
    reasons |= np.where(distance > c.max_travel_km, Reason.TOO_FAR.value, 0).astype(np.uint8)
    reasons |= np.where(c.available_from > o.start_date, Reason.AVAILABLE_AFTER_START.value, 0).astype(np.uint8)
    schedule_mismatch = (c.schedule != 0) & (c.schedule != o.schedule)
    reasons |= np.where(schedule_mismatch, Reason.SCHEDULE_MISMATCH.value, 0).astype(np.uint8)
    reasons |= np.where(c.diploma_level < o.min_diploma_level, Reason.DIPLOMA_BELOW_MINIMUM.value, 0).astype(np.uint8)
    licence_missing = o.licence_required & ~c.driving_licence
    reasons |= np.where(licence_missing, Reason.LICENCE_MISSING.value, 0).astype(np.uint8)
    prerequisites_missing = a.present & o.prerequisites_required & ~a.prerequisites_met
    reasons |= np.where(prerequisites_missing, Reason.PREREQUISITES_NOT_MET.value, 0).astype(np.uint8)
    reasons |= np.where(a.present, 0, Reason.NO_ASSESSMENT.value).astype(np.uint8)

    assessed = np.isfinite(a.motivation)
    motivation_assessed = assessed.sum(axis=-1)
    level_sum = np.where(assessed, a.motivation, 0.0).sum(axis=-1)
    motivation_mean = np.divide(
        level_sum, motivation_assessed, out=np.full(level_sum.shape, np.nan), where=motivation_assessed > 0
    )
    motivation = (level_sum + f.motivation.prior_level * f.motivation.prior_strength) / (
        MAX_MOTIVATION_LEVEL * (motivation_assessed + f.motivation.prior_strength)
    )

    quiz_margin = a.theta - o.quiz_threshold
    quiz = np.clip(quiz_margin / f.quiz_margin.full_at, 0.0, 1.0)

    nearness = np.clip(1.0 - distance / c.max_travel_km, 0.0, 1.0)

    idle_days = o.start_date - np.maximum(c.available_from, as_of)
    start_fit = 1.0 - np.clip(idle_days / f.start_date_fit.horizon_days, 0.0, 1.0)

    waiting_days = np.maximum(as_of - c.registered_on, 0)
    waiting = np.clip(waiting_days / f.waiting.full_at_days, 0.0, 1.0)

    shape = reasons.shape
    values = np.stack([np.broadcast_to(v, shape) for v in (motivation, quiz, nearness, start_fit, waiting)], axis=-1)
    values = np.where(reasons[..., None] == 0, values, 0.0)  # factors mean nothing for ineligible pairs
    score = np.zeros(shape)
    for column, weight in enumerate(weights.weight_vector()):  # in order, no fused multiply-add: reproducible
        score += values[..., column] * weight
    points = np.rint(score * SCORE_SCALE).astype(np.int64)
    return Evaluation(
        reasons=reasons,
        values=values,
        points=points,
        distance_km=np.broadcast_to(distance, shape),
        motivation_assessed=np.broadcast_to(motivation_assessed, shape).astype(np.int64),
        motivation_mean=np.broadcast_to(motivation_mean, shape),
        quiz_margin=np.broadcast_to(quiz_margin, shape),
        idle_days=np.broadcast_to(idle_days, shape).astype(np.int64),
        waiting_days=np.broadcast_to(waiting_days, shape).astype(np.int64),
    )
