"""Offline evaluation suites (agreement with human scores, PII leakage, prompt injection, fairness, stability)."""
