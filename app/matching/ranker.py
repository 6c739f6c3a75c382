"""The two directions of the ranker: candidates for an offer, and offers for a candidate.

Both take `CandidateProfile`s only (never records with protected attributes) and an explicit reference day,
so a ranking depends on nothing but its arguments and can be reproduced from what it records.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np

from app.matching.columns import CandidatePool, Ints, assessment_columns, candidate_columns, offer_columns, sort_rank
from app.matching.evaluate import Evaluation, evaluate
from app.matching.inputs import CandidateProfile, Offer
from app.matching.results import Ranking
from app.matching.rules import RankingRules

# Number of failed constraints for every possible reason mask (a uint8).
_REASON_COUNT = np.array([bin(mask).count("1") for mask in range(256)], dtype=np.int64)


def _excluded_order(evaluation: Evaluation, id_rank: Ints) -> Ints:
    rows = np.flatnonzero(evaluation.reasons != 0)
    return rows[np.lexsort((id_rank[rows], _REASON_COUNT[evaluation.reasons[rows]]))]


def rank_candidates(
    offer: Offer, candidates: CandidatePool | Sequence[CandidateProfile], rules: RankingRules, as_of: date
) -> Ranking:
    """Every candidate of the pool for `offer`: eligible ones by score, ties broken by the longest wait since
    registration, then by candidate id; the others with their reasons."""
    pool = candidates if isinstance(candidates, CandidatePool) else CandidatePool(candidates)
    threshold = rules.threshold(offer.rubric)
    evaluation = evaluate(
        pool.columns,
        pool.assessments(offer.rubric),
        offer_columns([offer], [threshold.theta]),
        rules.weights,
        as_of.toordinal(),
    )
    eligible = np.flatnonzero(evaluation.reasons == 0)
    keys = (pool.id_rank[eligible], -evaluation.waiting_days[eligible], -evaluation.points[eligible])
    return Ranking(
        subject_kind="offer",
        subject_id=offer.id,
        item_kind="candidate",
        item_ids=pool.ids,
        evaluation=evaluation,
        order=eligible[np.lexsort(keys)],
        excluded_order=_excluded_order(evaluation, pool.id_rank),
        weights=rules.weights,
        quiz_thresholds={offer.rubric: threshold},
        as_of=as_of,
        pair=lambda row: (pool.profiles[row], offer),
    )


def rank_offers(candidate: CandidateProfile, offers: Sequence[Offer], rules: RankingRules, as_of: date) -> Ranking:
    """Every offer for `candidate`: eligible ones by score, ties broken by the earliest start, then by offer id;
    the others with their reasons."""
    if type(candidate) is not CandidateProfile:
        raise TypeError(f"rank_offers takes a CandidateProfile, got {type(candidate).__name__}")
    offer_ids = [offer.id for offer in offers]
    if len(set(offer_ids)) != len(offer_ids):
        raise ValueError("offer ids must be unique")
    thresholds = {offer.rubric: rules.threshold(offer.rubric) for offer in offers}
    evaluation = evaluate(
        candidate_columns([candidate]),
        assessment_columns([candidate] * len(offers), [offer.rubric for offer in offers]),
        offer_columns(offers, [thresholds[offer.rubric].theta for offer in offers]),
        rules.weights,
        as_of.toordinal(),
    )
    id_rank = sort_rank(offer_ids)
    start = np.array([offer.start_date.toordinal() for offer in offers], dtype=np.int64)
    eligible = np.flatnonzero(evaluation.reasons == 0)
    keys = (id_rank[eligible], start[eligible], -evaluation.points[eligible])
    return Ranking(
        subject_kind="candidate",
        subject_id=candidate.id,
        item_kind="offer",
        item_ids=offer_ids,
        evaluation=evaluation,
        order=eligible[np.lexsort(keys)],
        excluded_order=_excluded_order(evaluation, id_rank),
        weights=rules.weights,
        quiz_thresholds=thresholds,
        as_of=as_of,
        pair=lambda row: (candidate, offers[row]),
    )
