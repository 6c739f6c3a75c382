"""Matching ranker: candidates for a training offer and offers for a candidate, explained, fair and fast.

Hard constraints make a pair not eligible, with reasons (nobody is dropped); eligible pairs are scored by
weighted, bounded factors whose weights live in versioned YAML (`app/matching/weights/`). Protected attributes
never reach the ranking: it takes `CandidateProfile`s, which have none.
"""

from app.matching.columns import CandidatePool
from app.matching.inputs import CandidateProfile, CandidateRecord, Offer, ProtectedAttributes
from app.matching.ranker import rank_candidates, rank_offers
from app.matching.reasons import Reason
from app.matching.results import ExcludedEntry, RankedEntry, Ranking
from app.matching.rules import QuizThreshold, RankingRules, default_rules
from app.matching.weights import FACTORS, Weights, load_weights

__all__ = [
    "FACTORS",
    "CandidatePool",
    "CandidateProfile",
    "CandidateRecord",
    "ExcludedEntry",
    "Offer",
    "ProtectedAttributes",
    "QuizThreshold",
    "RankedEntry",
    "Ranking",
    "RankingRules",
    "Reason",
    "Weights",
    "default_rules",
    "load_weights",
    "rank_candidates",
    "rank_offers",
]
