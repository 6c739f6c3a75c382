"""The real French analyzer (spaCy fr_core_news_md and the shipped recognizers), loaded once per test session,
and the storage fixtures of tests/db for the vault."""

from __future__ import annotations

import pytest

from app.pii.analyzer import PiiAnalyzer, get_analyzer
from app.pii.scrubber import PresidioScrubber, get_scrubber
from tests.db.conftest import db_url, engine, migrated_engine, postgres_database  # noqa: F401


@pytest.fixture(scope="session")
def analyzer() -> PiiAnalyzer:
    return get_analyzer()


@pytest.fixture(scope="session")
def scrubber() -> PresidioScrubber:
    return get_scrubber()


def found(analyzer: PiiAnalyzer, text: str) -> list[tuple[str, str]]:
    """(entity, text) of each detection, in order."""
    return [(d.entity, text[d.start : d.end]) for d in analyzer.detect(text)]
