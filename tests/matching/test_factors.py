"""Each factor's value, its contribution and the score, against values worked out by hand from the weights
file (v1: motivation 0.35, quiz margin 0.25 over 1.5 theta, distance 0.15, start-date fit 0.10 over 180 days,
waiting 0.15 over 365 days; motivation shrunk towards level 1.5 by one pseudo-criterion)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from app.matching import FACTORS, rank_candidates
from app.matching.weights import WEIGHTS_DIR
from tests.matching.support import AS_OF, NANCY, RULES, make_offer, make_profile

# The baseline pair: same place, four criteria at level 2, theta 0.45 (threshold -0.3), available today,
# start in 56 days, registered 180 days ago.
BASELINE = {
    "motivation": 9.5 / 15,
    "quiz_margin": 0.75 / 1.5,
    "distance": 1.0,
    "start_date_fit": 1 - 56 / 180,
    "waiting": 180 / 365,
}


def levels(*values: int | None) -> dict[str, Any]:
    names = ("job_knowledge", "project_coherence", "practical_readiness", "commitment")
    return {"assessment__motivation": dict(zip(names, values, strict=True))}


# (case id, factor, candidate changes, offer changes, expected value, expected detail)
CASES: list[tuple[str, str, dict[str, Any], dict[str, Any], float, dict[str, Any]]] = [
    ("all at level 2", "motivation", {}, {}, 9.5 / 15, {"mean_level": 2.0, "assessed": 4}),
    ("all at level 3", "motivation", levels(3, 3, 3, 3), {}, 13.5 / 15, {"mean_level": 3.0, "assessed": 4}),
    ("all at level 0", "motivation", levels(0, 0, 0, 0), {}, 1.5 / 15, {"mean_level": 0.0, "assessed": 4}),
    (
        "one at 3, three unassessed",
        "motivation",
        levels(3, None, None, None),
        {},
        4.5 / 6,
        {"mean_level": 3.0, "assessed": 1},
    ),
    ("none assessed", "motivation", levels(None, None, None, None), {}, 0.5, {"mean_level": None, "assessed": 0}),
    ("at the threshold", "quiz_margin", {"assessment__theta": -0.3}, {}, 0.0, {"theta_margin": 0.0}),
    ("full margin", "quiz_margin", {"assessment__theta": 1.2}, {}, 1.0, {"theta_margin": 1.5}),
    ("beyond full margin", "quiz_margin", {"assessment__theta": 2.5}, {}, 1.0, {"theta_margin": 2.8}),
    (
        "below, not required",
        "quiz_margin",
        {"assessment__theta": -1.0, "assessment__prerequisites_met": False},
        {"requirements__prerequisites_required": False},
        0.0,
        {"theta_margin": -0.7},
    ),
    ("at the door", "distance", {}, {}, 1.0, {"km": 0.0, "max_km": 30.0}),
    (
        "half way to the limit",
        "distance",
        {"lat": NANCY[0], "lon": NANCY[1], "max_travel_km": 95.0},
        {},
        0.5,
        {"km": 47.5, "max_km": 95.0},
    ),
    ("available before today", "start_date_fit", {"available_from": "2026-10-01"}, {}, 1 - 56 / 180, {"idle_days": 56}),
    ("available in 4 weeks", "start_date_fit", {"available_from": "2027-02-01"}, {}, 1 - 28 / 180, {"idle_days": 28}),
    ("start beyond the horizon", "start_date_fit", {}, {"start_date": "2027-09-01"}, 0.0, {"idle_days": 240}),
    (
        "offer already started",
        "start_date_fit",
        {"available_from": "2026-11-02"},
        {"start_date": "2026-12-01"},
        1.0,
        {"idle_days": -34},
    ),
    ("registered today", "waiting", {"registered_on": "2027-01-04"}, {}, 0.0, {"days": 0}),
    ("registered a year ago", "waiting", {"registered_on": "2026-01-04"}, {}, 1.0, {"days": 365}),
    ("registered years ago", "waiting", {"registered_on": "2020-01-04"}, {}, 1.0, {"days": 2557}),
    ("registered in the future", "waiting", {"registered_on": "2027-02-01"}, {}, 0.0, {"days": 0}),
]


@pytest.mark.parametrize(
    ("factor", "candidate", "offer", "value", "detail"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_factor(
    factor: str, candidate: dict[str, Any], offer: dict[str, Any], value: float, detail: dict[str, Any]
) -> None:
    ranking = rank_candidates(make_offer(**offer), [make_profile(**candidate)], RULES, AS_OF)
    [entry] = ranking.ranked()
    contribution = entry.factors[factor]
    assert contribution.value == pytest.approx(value, abs=6e-4)
    assert contribution.weight == getattr(RULES.weights.factors, factor).weight
    assert contribution.contribution == pytest.approx(value * contribution.weight, abs=6e-5)
    assert dict(contribution.detail) == pytest.approx(detail, abs=0.051)  # km are rounded to 0.1


def test_score_is_the_weighted_sum_of_the_factors() -> None:
    [entry] = rank_candidates(make_offer(), [make_profile()], RULES, AS_OF).ranked()
    expected = sum(getattr(RULES.weights.factors, name).weight * BASELINE[name] for name in FACTORS)
    assert entry.score == round(expected, 4) == 0.6395
    assert list(entry.factors) == list(FACTORS)
    assert sum(f.contribution for f in entry.factors.values()) == pytest.approx(entry.score, abs=5e-4)


def test_every_result_records_the_weights_and_what_it_was_computed_with() -> None:
    result = rank_candidates(make_offer(), [make_profile()], RULES, AS_OF).to_json()
    assert result["weights_version"] == "v1"
    trace = result["trace"]
    assert trace["weights_sha256"] == hashlib.sha256((WEIGHTS_DIR / "v1.yaml").read_bytes()).hexdigest()
    assert trace["as_of"] == "2027-01-04"
    assert trace["quiz_thresholds"] == {"aide-soignant": {"theta": -0.3, "source": "test"}}


def test_an_unknown_rubric_uses_the_default_threshold_and_says_so() -> None:
    offer = make_offer(rubric="soudeur")
    profile = make_profile(assessments={"soudeur": {"prerequisites_met": True, "theta": 0.75}})
    ranking = rank_candidates(offer, [profile], RULES, AS_OF)
    [entry] = ranking.ranked()
    assert entry.factors["quiz_margin"].value == 0.5  # (0.75 - 0.0) / 1.5
    assert ranking.trace()["quiz_thresholds"] == {
        "soudeur": {"theta": 0.0, "source": "default of weights v1 (no rubric file soudeur.yaml)"}
    }
