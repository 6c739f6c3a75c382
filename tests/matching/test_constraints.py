"""Each hard constraint makes a pair not eligible with its reason, in both ranking directions and in the
per-row reference; nobody disappears: every candidate is either ranked or excluded with reasons."""

from __future__ import annotations

from typing import Any

import pytest

from app.matching import rank_candidates, rank_offers
from app.matching.reasons import REASON_CODES, split
from app.matching.reference import evaluate_pair
from tests.matching.support import AS_OF, NANCY, RULES, make_offer, make_profile

# (case id, candidate changes, offer changes, expected reason codes in declaration order)
CASES: list[tuple[str, dict[str, Any], dict[str, Any], list[str]]] = [
    ("eligible", {}, {}, []),
    ("too far", {"lat": NANCY[0], "lon": NANCY[1], "max_travel_km": 47.0}, {}, ["too_far"]),
    ("within reach, just", {"lat": NANCY[0], "lon": NANCY[1], "max_travel_km": 48.0}, {}, []),
    ("available the day after the start", {"available_from": "2027-03-02"}, {}, ["available_after_start"]),
    ("available on the start day", {"available_from": "2027-03-01"}, {}, []),
    ("wants part time, offer full time", {"schedule": "part_time"}, {}, ["schedule_mismatch"]),
    ("wants full time, offer part time", {"schedule": "full_time"}, {"schedule": "part_time"}, ["schedule_mismatch"]),
    ("wants full time, offer full time", {"schedule": "full_time"}, {}, []),
    ("any schedule, offer part time", {"schedule": "any"}, {"schedule": "part_time"}, []),
    ("no diploma", {"diploma_level": 0}, {}, ["diploma_below_minimum"]),
    ("CAP for a bac minimum", {}, {"requirements__min_diploma_level": 4}, ["diploma_below_minimum"]),
    ("bac for a bac minimum", {"diploma_level": 4}, {"requirements__min_diploma_level": 4}, []),
    ("licence required, none", {}, {"requirements__driving_licence": True}, ["licence_missing"]),
    ("licence required, held", {"driving_licence": True}, {"requirements__driving_licence": True}, []),
    ("prerequisites required, not met", {"assessment__prerequisites_met": False}, {}, ["prerequisites_not_met"]),
    (
        "prerequisites not required, not met",
        {"assessment__prerequisites_met": False},
        {"requirements__prerequisites_required": False},
        [],
    ),
    ("no assessment at all", {"assessments": {}}, {}, ["no_assessment"]),
    ("assessed for another rubric only", {}, {"rubric": "cariste-logistique"}, ["no_assessment"]),
    (
        "several at once, in declaration order",
        {"lat": NANCY[0], "lon": NANCY[1], "diploma_level": 0},
        {"requirements__driving_licence": True},
        ["too_far", "diploma_below_minimum", "licence_missing"],
    ),
]


@pytest.mark.parametrize(("candidate", "offer", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_constraint(candidate: dict[str, Any], offer: dict[str, Any], expected: list[str]) -> None:
    profile, the_offer = make_profile(**candidate), make_offer(**offer)

    by_offer = rank_candidates(the_offer, [profile], RULES, AS_OF)
    by_candidate = rank_offers(profile, [the_offer], RULES, AS_OF)
    reference = evaluate_pair(profile, the_offer, RULES, AS_OF)

    for ranking in (by_offer, by_candidate):
        assert len(ranking.ranked()) + len(ranking.excluded()) == 1
        if expected:
            assert [entry.codes for entry in ranking.excluded()] == [expected]
            assert ranking.ranked() == []
        else:
            assert ranking.excluded() == []
            assert len(ranking.ranked()) == 1
    assert [REASON_CODES[reason] for reason in split(reference.reasons)] == expected


# (reason, candidate changes, offer changes, the French sentence shown to the adviser)
MESSAGES = [
    (
        "too_far",
        {"lat": NANCY[0], "lon": NANCY[1], "max_travel_km": 20.0},
        {},
        "Trop loin : 48 km à vol d'oiseau, pour 20 km de déplacement accepté au plus.",
    ),
    (
        "available_after_start",
        {"available_from": "2027-04-15"},
        {},
        "Disponible à partir du 15/04/2027, après le début de la formation (01/03/2027).",
    ),
    (
        "schedule_mismatch",
        {"schedule": "part_time"},
        {},
        "Rythme incompatible : recherche une formation à temps partiel, celle-ci est à temps plein.",
    ),
    (
        "diploma_below_minimum",
        {},
        {"requirements__min_diploma_level": 5},
        "Niveau de diplôme 3 inférieur au niveau 5 exigé.",
    ),
    ("licence_missing", {}, {"requirements__driving_licence": True}, "Permis de conduire exigé, non déclaré."),
    (
        "prerequisites_not_met",
        {"assessment__prerequisites_met": False},
        {},
        "Prérequis du quiz non atteints, alors que cette formation les exige.",
    ),
    ("no_assessment", {"assessments": {}}, {}, "Pas d'évaluation pour le référentiel « aide-soignant »."),
]


@pytest.mark.parametrize(("candidate", "offer", "message"), [m[1:] for m in MESSAGES], ids=[m[0] for m in MESSAGES])
def test_reason_is_explained_in_french(candidate: dict[str, Any], offer: dict[str, Any], message: str) -> None:
    ranking = rank_candidates(make_offer(**offer), [make_profile(**candidate)], RULES, AS_OF)
    assert ranking.to_json()["excluded"] == [{"candidate": "C-1", "reasons": [message]}]


def test_excluded_are_listed_fewest_reasons_first_then_by_id() -> None:
    far = {"lat": NANCY[0], "lon": NANCY[1], "max_travel_km": 10.0}
    profiles = [
        make_profile(id="C-b", assessments={}, **far),
        make_profile(id="C-c", assessments={}),
        make_profile(id="C-a", assessments={}),
        make_profile(id="C-ok"),
    ]
    ranking = rank_candidates(make_offer(), profiles, RULES, AS_OF)
    assert [entry.id for entry in ranking.excluded()] == ["C-a", "C-c", "C-b"]
    assert [entry.id for entry in ranking.ranked()] == ["C-ok"]
