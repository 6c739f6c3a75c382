"""Properties of the ranker over generated inputs: monotonicity, counterfactual invariance under protected
attributes, deterministic tie-breaks, and agreement of the vectorised ranker with the per-row reference."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.matching import CandidatePool, CandidateRecord, Offer, rank_candidates, rank_offers
from app.matching.inputs import MOTIVATION_CRITERIA
from app.matching.reference import rank_candidates_per_row, rank_offers_per_row
from tests.matching.support import AS_OF, METZ, RUBRIC, RULES, candidate_data, make_offer, offer_data

DAYS = st.integers(min_value=-400, max_value=400).map(lambda n: (AS_OF + timedelta(days=n)).isoformat())
LEVEL = st.one_of(st.none(), st.integers(min_value=0, max_value=3))
PROTECTED = st.fixed_dictionaries(
    {
        "sex": st.sampled_from(["F", "M", None]),
        "age_band": st.sampled_from(["16-25", "26-44", "45+", None]),
        "qpv": st.sampled_from([True, False, None]),
        "disability": st.sampled_from([True, False, None]),
        "nationality_group": st.sampled_from(["french", "eu", "non_eu", None]),
    }
)


@st.composite
def assessments(draw: st.DrawFn) -> dict[str, Any]:
    rubrics = draw(st.lists(st.sampled_from([RUBRIC, "soudeur", "macon"]), unique=True, max_size=3))
    return {
        rubric: {
            "prerequisites_met": draw(st.booleans()),
            "theta": draw(st.floats(min_value=-3, max_value=3, allow_nan=False)),
            "motivation": {criterion: draw(LEVEL) for criterion in MOTIVATION_CRITERIA},
        }
        for rubric in rubrics
    }


@st.composite
def candidates(draw: st.DrawFn, index: int = 1) -> dict[str, Any]:
    """A flat candidate record somewhere within about 60 km of Metz."""
    return candidate_data(
        id=f"C-{index:03d}",
        lat=METZ[0] + draw(st.floats(min_value=-0.5, max_value=0.5)),
        lon=METZ[1] + draw(st.floats(min_value=-0.7, max_value=0.7)),
        max_travel_km=draw(st.sampled_from([10.0, 20.0, 30.0, 45.0, 60.0])),
        available_from=draw(DAYS),
        schedule=draw(st.sampled_from(["any", "full_time", "part_time"])),
        diploma_level=draw(st.sampled_from([0, 3, 4, 5, 6])),
        driving_licence=draw(st.booleans()),
        registered_on=draw(DAYS),
        assessments=draw(assessments()),
        protected=draw(PROTECTED),
    )


@st.composite
def populations(draw: st.DrawFn) -> list[dict[str, Any]]:
    size = draw(st.integers(min_value=0, max_value=25))
    return [draw(candidates(index)) for index in range(size)]


@st.composite
def offers(draw: st.DrawFn, index: int = 1) -> Offer:
    start = AS_OF + timedelta(days=draw(st.integers(min_value=-30, max_value=300)))
    return Offer.model_validate(
        offer_data(
            id=f"OF-{index:03d}",
            rubric=draw(st.sampled_from([RUBRIC, "soudeur", "macon"])),
            lat=METZ[0] + draw(st.floats(min_value=-0.3, max_value=0.3)),
            lon=METZ[1] + draw(st.floats(min_value=-0.4, max_value=0.4)),
            start_date=start.isoformat(),
            end_date=(start + timedelta(days=200)).isoformat(),
            schedule=draw(st.sampled_from(["full_time", "part_time"])),
            requirements={
                "min_diploma_level": draw(st.sampled_from([3, 4])),
                "driving_licence": draw(st.booleans()),
                "prerequisites_required": draw(st.booleans()),
            },
        )
    )


def profiles(records: list[dict[str, Any]]) -> list[Any]:
    return [CandidateRecord.model_validate(record).profile for record in records]


def score_of(record: dict[str, Any], offer: Offer) -> int:
    """The score in points, or -1 when the pair is not eligible (worse than any score)."""
    ranking = rank_candidates(offer, profiles([record]), RULES, AS_OF)
    return int(ranking.evaluation.points[0]) if ranking.eligible_count else -1


@given(candidates(), st.sampled_from(MOTIVATION_CRITERIA), st.integers(min_value=0, max_value=3), st.integers(0, 3))
def test_a_better_motivation_level_never_lowers_the_score(
    record: dict[str, Any], criterion: str, low: int, high: int
) -> None:
    low, high = sorted((low, high))
    record["assessments"][RUBRIC] = record["assessments"].get(RUBRIC) or {"prerequisites_met": True, "theta": 0.5}
    record["assessments"][RUBRIC].setdefault("motivation", {})[criterion] = low
    before = score_of(record, make_offer())
    record["assessments"][RUBRIC]["motivation"][criterion] = high
    assert score_of(record, make_offer()) >= before


@given(candidates(), st.floats(min_value=0, max_value=0.6), st.floats(min_value=0, max_value=0.6))
def test_a_longer_distance_never_raises_the_score(record: dict[str, Any], near: float, far: float) -> None:
    near, far = sorted((near, far))
    record["lat"], record["lon"] = METZ[0] + near, METZ[1]
    before = score_of(record, make_offer())
    record["lat"] = METZ[0] + far
    assert score_of(record, make_offer()) <= before


@settings(max_examples=40)
@given(populations(), offers(), st.data())
def test_changing_protected_attributes_changes_no_score_and_no_order(
    records: list[dict[str, Any]], offer: Offer, data: st.DataObject
) -> None:
    changed = [{**record, "protected": data.draw(PROTECTED)} for record in records]
    before = rank_candidates(offer, profiles(records), RULES, AS_OF).to_json()
    after = rank_candidates(offer, profiles(changed), RULES, AS_OF).to_json()
    assert after == before
    for original, other in zip(profiles(records), profiles(changed), strict=True):
        assert (
            rank_offers(other, [offer], RULES, AS_OF).to_json()
            == rank_offers(original, [offer], RULES, AS_OF).to_json()
        )


def test_ties_break_by_longest_wait_then_by_id_whatever_the_input_order() -> None:
    # Same profile, and waits beyond the 365 days at which the waiting factor saturates: the scores tie, and
    # C-3, who registered a year earlier than the others, comes first.
    records = [
        candidate_data(id="C-2", registered_on="2025-01-01"),
        candidate_data(id="C-3", registered_on="2024-01-01"),
        candidate_data(id="C-1", registered_on="2025-01-01"),
    ]
    for seed in range(5):
        random.Random(seed).shuffle(records)
        ranking = rank_candidates(make_offer(), profiles(records), RULES, AS_OF)
        assert len({entry.score for entry in ranking.ranked()}) == 1
        assert [entry.id for entry in ranking.ranked()] == ["C-3", "C-1", "C-2"]


def test_offers_tie_break_by_earliest_start_then_by_id() -> None:
    # Both sessions started before the reference day, so the start-date fit is full for both: the scores tie.
    candidate = profiles([candidate_data(available_from="2026-12-01")])[0]
    offers_ = [
        make_offer(id="OF-b", start_date="2026-12-20", end_date="2027-06-01"),
        make_offer(id="OF-c", start_date="2026-12-10", end_date="2027-06-01"),
        make_offer(id="OF-a", start_date="2026-12-20", end_date="2027-06-01"),
    ]
    ranking = rank_offers(candidate, offers_, RULES, AS_OF)
    assert len({entry.score for entry in ranking.ranked()}) == 1
    assert [entry.id for entry in ranking.ranked()] == ["OF-c", "OF-a", "OF-b"]


@settings(max_examples=60)
@given(populations(), offers())
def test_vectorised_ranking_equals_the_per_row_reference(records: list[dict[str, Any]], offer: Offer) -> None:
    pool = CandidatePool(profiles(records))
    ranking = rank_candidates(offer, pool, RULES, AS_OF)
    ranked, excluded = rank_candidates_per_row(offer, pool.profiles, RULES, AS_OF)

    assert [pool.ids[row] for row in ranking.order] == [r.id for r in ranked]
    assert [int(ranking.evaluation.points[row]) for row in ranking.order] == [r.points for r in ranked]
    assert [pool.ids[row] for row in ranking.excluded_order] == [r.id for r in excluded]
    assert [int(ranking.evaluation.reasons[row]) for row in ranking.excluded_order] == [r.reasons for r in excluded]
    for row, reference in zip(ranking.order, ranked, strict=True):
        assert tuple(ranking.evaluation.values[row]) == reference.values


@settings(max_examples=60)
@given(candidates(), st.lists(st.integers(min_value=0, max_value=10**6), unique=True, max_size=12), st.data())
def test_vectorised_offer_ranking_equals_the_per_row_reference(
    record: dict[str, Any], numbers: list[int], data: st.DataObject
) -> None:
    offer_list = [data.draw(offers(number)) for number in numbers]
    [profile] = profiles([record])
    ranking = rank_offers(profile, offer_list, RULES, AS_OF)
    ranked, excluded = rank_offers_per_row(profile, offer_list, RULES, AS_OF)
    assert [offer_list[row].id for row in ranking.order] == [offer.id for offer, _ in ranked]
    assert [int(ranking.evaluation.points[row]) for row in ranking.order] == [r.points for _, r in ranked]
    assert [offer_list[row].id for row in ranking.excluded_order] == [offer.id for offer, _ in excluded]
