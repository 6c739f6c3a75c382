"""Builders for matching tests: an offer and a candidate that make an eligible pair, changed field by field."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.matching import CandidateProfile, CandidateRecord, Offer, QuizThreshold, RankingRules, load_weights

AS_OF = date(2027, 1, 4)
RUBRIC = "aide-soignant"
THRESHOLD = -0.3
RULES = RankingRules(load_weights("v1"), {RUBRIC: QuizThreshold(THRESHOLD, "test")})

METZ = (49.1193, 6.1757)
NANCY = (48.6921, 6.1844)  # 47.5 km south of Metz


def offer_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "OF-1",
        "title": "Diplôme d'État d'aide-soignant (DEAS)",
        "rubric": RUBRIC,
        "sector": "Santé",
        "commune": "Metz",
        "lat": METZ[0],
        "lon": METZ[1],
        "start_date": "2027-03-01",
        "end_date": "2027-12-17",
        "schedule": "full_time",
        "seats": 20,
        "requirements": {"min_diploma_level": 3, "driving_licence": False, "prerequisites_required": True},
    }
    return _apply(data, changes)


def candidate_data(**changes: Any) -> dict[str, Any]:
    """A flat candidate record (profile fields and `protected`), as in candidates.json."""
    data: dict[str, Any] = {
        "id": "C-1",
        "commune": "Metz",
        "lat": METZ[0],
        "lon": METZ[1],
        "max_travel_km": 30.0,
        "available_from": "2027-01-04",
        "schedule": "any",
        "diploma_level": 3,
        "driving_licence": False,
        "registered_on": "2026-07-08",
        "assessments": {
            RUBRIC: {
                "prerequisites_met": True,
                "theta": 0.45,
                "motivation": {
                    "job_knowledge": 2,
                    "project_coherence": 2,
                    "practical_readiness": 2,
                    "commitment": 2,
                },
            }
        },
        "protected": {
            "sex": "F",
            "age_band": "26-44",
            "qpv": False,
            "disability": False,
            "nationality_group": "french",
        },
    }
    return _apply(data, changes)


REMOVE = object()


def _apply(data: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Changes use `__` for nesting (`requirements__driving_licence=True`); `assessment__...` is short for the
    assessment of RUBRIC; the value REMOVE deletes the key."""
    for key, value in changes.items():
        *path, last = key.split("__")
        if path[:1] == ["assessment"]:
            path = ["assessments", RUBRIC, *path[1:]]
        elif key == "assessment":
            path, last = ["assessments"], RUBRIC
        target = data
        for part in path:
            target = target[part]
        if value is REMOVE:
            del target[last]
        else:
            target[last] = value
    return data


def make_offer(**changes: Any) -> Offer:
    return Offer.model_validate(offer_data(**changes))


def make_record(**changes: Any) -> CandidateRecord:
    return CandidateRecord.model_validate(candidate_data(**changes))


def make_profile(**changes: Any) -> CandidateProfile:
    return make_record(**changes).profile
