"""The ranking rules written the straightforward way: one (candidate, offer) pair at a time, in plain Python.

This is the readable statement of the rules. The product uses the vectorised `evaluate`; tests hold both to
the same results and `benchmarks/ranking_bench.py` measures one against the other.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from app.matching.evaluate import MAX_MOTIVATION_LEVEL, SCORE_SCALE
from app.matching.geo import EARTH_RADIUS_KM
from app.matching.inputs import CandidateProfile, Offer
from app.matching.reasons import Reason
from app.matching.rules import RankingRules


@dataclass(frozen=True)
class PairResult:
    id: str
    reasons: int  # OR of the failed `Reason`s, 0 when eligible
    values: tuple[float, ...]  # in FACTORS order; all 0 when not eligible
    points: int
    waiting_days: int
    distance_km: float


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, lam1, phi2, lam2 = map(math.radians, (lat1, lon1, lat2, lon2))
    half = math.sin((phi2 - phi1) / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin((lam2 - lam1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(half, 1.0)))


def _clip(value: float) -> float:
    return min(max(value, 0.0), 1.0)


def evaluate_pair(candidate: CandidateProfile, offer: Offer, rules: RankingRules, as_of: date) -> PairResult:
    factors = rules.weights.factors
    required = offer.requirements
    assessment = candidate.assessments.get(offer.rubric)
    distance = distance_km(candidate.lat, candidate.lon, offer.lat, offer.lon)

    reasons = 0
    if distance > candidate.max_travel_km:
        reasons |= Reason.TOO_FAR
    if candidate.available_from > offer.start_date:
        reasons |= Reason.AVAILABLE_AFTER_START
    if candidate.schedule not in ("any", offer.schedule):
        reasons |= Reason.SCHEDULE_MISMATCH
    if candidate.diploma_level < required.min_diploma_level:
        reasons |= Reason.DIPLOMA_BELOW_MINIMUM
    if required.driving_licence and not candidate.driving_licence:
        reasons |= Reason.LICENCE_MISSING
    if assessment is None:
        reasons |= Reason.NO_ASSESSMENT
    elif required.prerequisites_required and not assessment.prerequisites_met:
        reasons |= Reason.PREREQUISITES_NOT_MET

    waiting_days = max((as_of - candidate.registered_on).days, 0)
    if reasons or assessment is None:
        return PairResult(candidate.id, reasons, (0.0,) * 5, 0, waiting_days, distance)

    levels = [level for level in assessment.motivation.levels() if level is not None]
    motivation = (sum(levels) + factors.motivation.prior_level * factors.motivation.prior_strength) / (
        MAX_MOTIVATION_LEVEL * (len(levels) + factors.motivation.prior_strength)
    )
    quiz = _clip((assessment.theta - rules.threshold(offer.rubric).theta) / factors.quiz_margin.full_at)
    nearness = _clip(1.0 - distance / candidate.max_travel_km)
    idle_days = (offer.start_date - max(candidate.available_from, as_of)).days
    start_fit = 1.0 - _clip(idle_days / factors.start_date_fit.horizon_days)
    waiting = _clip(waiting_days / factors.waiting.full_at_days)

    values = (motivation, quiz, nearness, start_fit, waiting)
    score = 0.0
    for value, weight in zip(values, rules.weights.weight_vector(), strict=True):
        score += value * weight
    return PairResult(candidate.id, reasons, values, round(score * SCORE_SCALE), waiting_days, distance)


def rank_candidates_per_row(
    offer: Offer, candidates: Sequence[CandidateProfile], rules: RankingRules, as_of: date
) -> tuple[list[PairResult], list[PairResult]]:
    """(ranked, excluded): ranked by score, longest wait, id; excluded by number of reasons, then id."""
    results = [evaluate_pair(candidate, offer, rules, as_of) for candidate in candidates]
    ranked = sorted((r for r in results if not r.reasons), key=lambda r: (-r.points, -r.waiting_days, r.id))
    excluded = sorted((r for r in results if r.reasons), key=lambda r: (r.reasons.bit_count(), r.id))
    return ranked, excluded


def rank_offers_per_row(
    candidate: CandidateProfile, offers: Sequence[Offer], rules: RankingRules, as_of: date
) -> tuple[list[tuple[Offer, PairResult]], list[tuple[Offer, PairResult]]]:
    """(ranked, excluded): ranked by score, earliest start, offer id; excluded by number of reasons, then id."""
    results = [(offer, evaluate_pair(candidate, offer, rules, as_of)) for offer in offers]
    ranked = sorted(
        (pair for pair in results if not pair[1].reasons),
        key=lambda pair: (-pair[1].points, pair[0].start_date, pair[0].id),
    )
    excluded = sorted(
        (pair for pair in results if pair[1].reasons), key=lambda pair: (pair[1].reasons.bit_count(), pair[0].id)
    )
    return ranked, excluded
