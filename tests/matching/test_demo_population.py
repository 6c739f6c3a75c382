"""The synthetic Grand-Est population: real communes, plausible people, reproducible, and protected
attributes drawn independently of everything the ranker reads."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from app.errors import ConfigError
from app.matching.demo.catalogue import demo_catalogue
from app.matching.demo.communes import GRAND_EST_DEPARTMENTS, grand_est_communes, load_communes
from app.matching.demo.population import generate_population, write_population
from app.matching.geo import haversine_km
from tests.matching.support import RULES

BAD = Path(__file__).parent / "bad_demo"


def test_communes_cover_the_ten_departments_with_real_places() -> None:
    communes = grand_est_communes()
    assert len(communes) >= 50
    assert set(Counter(c.department for c in communes)) == set(GRAND_EST_DEPARTMENTS)
    assert min(Counter(c.department for c in communes).values()) >= 4
    by_name = {c.name: c for c in communes}
    # Straight-line distances between well-known towns.
    for a, b, km in (("Metz", "Nancy", 47.5), ("Strasbourg", "Mulhouse", 96.6), ("Reims", "Troyes", 108.0)):
        distance = float(haversine_km(by_name[a].lat, by_name[a].lon, by_name[b].lat, by_name[b].lon))
        assert distance == pytest.approx(km, abs=2.0), (a, b)


@pytest.mark.parametrize(
    ("file_name", "message"),
    [
        ("unknown-department.csv", ":3: department: Input should be '08', '10', '51'"),
        ("outside-region.csv", ":4: lat: Input should be greater than or equal to 47.4"),
        ("duplicate-name.csv", ": commune names must be unique"),
    ],
)
def test_bad_communes_file_names_line_and_field(file_name: str, message: str) -> None:
    path = BAD / file_name
    with pytest.raises(ConfigError) as caught:
        load_communes(path)
    assert str(caught.value).startswith(f"{path}{message}")


def test_same_seed_same_population_other_seed_other_population(tmp_path: Path) -> None:
    def files(seed: int, name: str) -> tuple[bytes, bytes]:
        population = generate_population(candidates=200, offers=6, seed=seed, rules=RULES)
        offers, candidates = write_population(population, tmp_path / name)
        return offers.read_bytes(), candidates.read_bytes()

    assert files(5, "a") == files(5, "b")
    assert files(5, "a") != files(6, "c")


def test_protected_attributes_do_not_depend_on_anything_else() -> None:
    # Changing what the merit stream draws (more offers) changes every profile, not the protected attributes.
    one = generate_population(candidates=500, offers=5, seed=11, rules=RULES)
    other = generate_population(candidates=500, offers=40, seed=11, rules=RULES)
    assert [c.protected for c in one.candidates] == [c.protected for c in other.candidates]
    assert [c.profile for c in one.candidates] != [c.profile for c in other.candidates]


def test_population_is_plausible() -> None:
    population = generate_population(candidates=3000, offers=30, seed=1, rules=RULES)
    candidates = [c.profile for c in population.candidates]
    communes = {c.name: c for c in grand_est_communes()}
    rubrics = {t.rubric for t in demo_catalogue().trainings}

    assert {o.rubric for o in population.offers} <= rubrics
    assert all(
        o.commune in communes and (o.lat, o.lon) == (communes[o.commune].lat, communes[o.commune].lon)
        for o in population.offers
    )
    assert all(o.start_date > population.reference_day for o in population.offers)
    near_home = [haversine_km(c.lat, c.lon, communes[c.commune].lat, communes[c.commune].lon) for c in candidates]
    assert max(float(d) for d in near_home) < 15
    licence = sum(c.driving_licence for c in candidates) / len(candidates)
    assert 0.55 < licence < 0.65
    assert all(c.max_travel_km <= 30 for c in candidates if not c.driving_licence)
    assert {c.diploma_level for c in candidates} == {0, 3, 4, 5, 6, 7}
    assert all(c.registered_on <= population.reference_day for c in candidates)
    for c in candidates:
        for rubric, assessment in c.assessments.items():
            assert rubric in rubrics
            assert assessment.prerequisites_met == (assessment.theta >= RULES.threshold(rubric).theta)
    sexes = Counter(c.protected.sex for c in population.candidates)
    assert 0.5 < sexes["F"] / len(candidates) < 0.6
