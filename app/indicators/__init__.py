"""Aggregated indicators for referents and auditors: delays, completion, shortlisting, human overrides, and the
same broken down by the audit-only protected attributes, small groups suppressed. No personal data leaves here."""

from app.indicators.metrics import MIN_GROUP_SIZE, GroupRow, Indicators, Rates, compute_indicators

__all__ = ["MIN_GROUP_SIZE", "GroupRow", "Indicators", "Rates", "compute_indicators"]
