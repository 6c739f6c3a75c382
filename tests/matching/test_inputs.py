"""Protected attributes are kept out of the ranking by construction."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.matching import CandidatePool, CandidateProfile, ProtectedAttributes, rank_offers
from tests.matching.support import AS_OF, RULES, candidate_data, make_offer, make_record


def test_a_profile_has_no_protected_attribute() -> None:
    assert not set(CandidateProfile.model_fields) & (set(ProtectedAttributes.model_fields) | {"protected"})


def test_a_profile_refuses_protected_attributes() -> None:
    with pytest.raises(ValidationError, match="protected"):
        CandidateProfile.model_validate(candidate_data())


def test_the_ranker_refuses_a_record_that_carries_protected_attributes() -> None:
    record = make_record()
    with pytest.raises(TypeError, match="CandidatePool takes CandidateProfile objects, got CandidateRecord"):
        CandidatePool([record])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="rank_offers takes a CandidateProfile, got CandidateRecord"):
        rank_offers(record, [make_offer()], RULES, AS_OF)  # type: ignore[arg-type]


def test_duplicate_candidate_ids_are_refused() -> None:
    profile = make_record().profile
    with pytest.raises(ValueError, match="candidate id 'C-1' appears twice"):
        CandidatePool([profile, profile])
