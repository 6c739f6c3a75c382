"""The indicators on a population whose figures are known by hand (tests/indicators/population.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.db.models import utcnow
from app.indicators import Indicators, Rates, compute_indicators
from tests.indicators.population import Population, build_population


@pytest.fixture
def population(migrated_engine: Engine) -> Population:
    return build_population(migrated_engine, utcnow())


def _indicators(engine: Engine, population: Population, organisation_id: int | None) -> Indicators:
    with Session(engine) as db:
        return compute_indicators(
            db, organisation_id=organisation_id, since=population.now - timedelta(days=365), until=population.now
        )


def test_overall_figures_of_one_organisation(migrated_engine: Engine, population: Population) -> None:
    result = _indicators(migrated_engine, population, population.organisation_id)

    assert result.overall == Rates(
        sessions=22,
        completed=14,
        refused=2,
        completion_rate=pytest.approx(14 / 22),
        refusal_rate=pytest.approx(2 / 22),
        shortlisted_24h_rate=pytest.approx(9 / 14),
        median_days_to_completion=pytest.approx(2.0),
        median_days_to_shortlist=pytest.approx(2.5),
        recommendation_override_rate=pytest.approx(0.5),
    )
    assert result.days_to_shortlist == pytest.approx([2.5] * 9 + [4.0] * 5)
    assert result.p90_days_to_shortlist == pytest.approx(4.0)
    assert [(o.target, o.decided, o.overridden) for o in result.overrides] == [
        ("criterion:motivation_interview:commitment", 2, 2),
        ("recommendation", 4, 2),
        ("shortlist_entry", 2, 1),
    ]


def test_an_auditor_scope_counts_every_organisation(migrated_engine: Engine, population: Population) -> None:
    everyone = _indicators(migrated_engine, population, None)
    other = _indicators(migrated_engine, population, population.other_organisation_id)

    assert (everyone.overall.sessions, everyone.overall.completed) == (27, 19)
    assert (other.overall.sessions, other.overall.shortlisted_24h_rate, other.overrides) == (5, 1.0, [])


def test_groups_are_broken_down_and_small_ones_suppressed(migrated_engine: Engine, population: Population) -> None:
    groups = _indicators(migrated_engine, population, population.organisation_id).groups

    sex = {row.label: row.rates for row in groups["sex"]}
    assert list(sex) == ["femme", "homme"]
    women, men = sex["femme"], sex["homme"]
    assert women is not None
    assert men is not None
    assert (women.sessions, women.completion_rate, women.shortlisted_24h_rate) == (12, 0.75, 1.0)
    assert women.recommendation_override_rate == 0.5
    assert (men.sessions, men.completion_rate, men.shortlisted_24h_rate, men.recommendation_override_rate) == (
        10,
        0.5,
        0.0,
        None,
    )
    # 7 aged 45+ and 3 undeclared: both below 10, hidden.
    assert [(row.label, row.rates is None) for row in groups["age_band"]] == [
        ("16-25 ans", False),
        ("45 ans et plus", True),
        ("non déclaré", True),
    ]
    # One person in a QPV: hidden, and so is the other group, else 22 minus it would give them away.
    assert [(row.label, row.rates is None) for row in groups["qpv"]] == [("oui", True), ("non", True)]
    # Nobody declared a disability: one group, everyone, shown.
    assert [(row.label, row.rates is not None and row.rates.sessions) for row in groups["disability"]] == [
        ("non déclaré", 22)
    ]
