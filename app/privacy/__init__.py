"""Data-subject rights and retention: export everything held on a candidate, erase it, apply retention periods.

Each action writes its own audit event (counts and ids only, never the data itself).
"""

from app.privacy.erasure import ErasureSummary, erase_candidate
from app.privacy.export import export_candidate
from app.privacy.records import UnknownCandidate
from app.privacy.retention import RetentionSummary, run_retention

__all__ = [
    "ErasureSummary",
    "RetentionSummary",
    "UnknownCandidate",
    "erase_candidate",
    "export_candidate",
    "run_retention",
]
