"""Candidates and offers as numpy columns, the shape the vectorised ranker works on.

A `CandidatePool` is built once per population (it is the slow, per-object part) and then ranked against any
number of offers. Dates are stored as proleptic ordinals (days), schedules as small integer codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.matching.inputs import MOTIVATION_CRITERIA, CandidateProfile, Offer

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]

SCHEDULE_CODES = {"any": 0, "full_time": 1, "part_time": 2}


@dataclass(frozen=True)
class CandidateColumns:
    lat: Floats
    lon: Floats
    max_travel_km: Floats
    available_from: Ints
    schedule: Ints
    diploma_level: Ints
    driving_licence: Bools
    registered_on: Ints


@dataclass(frozen=True)
class AssessmentColumns:
    """Per candidate, its assessment for one rubric; `theta` is NaN and `motivation` all NaN where it has none."""

    present: Bools
    prerequisites_met: Bools
    theta: Floats
    motivation: Floats  # shape (n, 4), NaN where a criterion was not assessed


@dataclass(frozen=True)
class OfferColumns:
    lat: Floats
    lon: Floats
    start_date: Ints
    schedule: Ints
    min_diploma_level: Ints
    licence_required: Bools
    prerequisites_required: Bools
    quiz_threshold: Floats


def candidate_columns(profiles: Sequence[CandidateProfile]) -> CandidateColumns:
    return CandidateColumns(
        lat=np.array([p.lat for p in profiles], dtype=np.float64),
        lon=np.array([p.lon for p in profiles], dtype=np.float64),
        max_travel_km=np.array([p.max_travel_km for p in profiles], dtype=np.float64),
        available_from=np.array([p.available_from.toordinal() for p in profiles], dtype=np.int64),
        schedule=np.array([SCHEDULE_CODES[p.schedule] for p in profiles], dtype=np.int64),
        diploma_level=np.array([p.diploma_level for p in profiles], dtype=np.int64),
        driving_licence=np.array([p.driving_licence for p in profiles], dtype=np.bool_),
        registered_on=np.array([p.registered_on.toordinal() for p in profiles], dtype=np.int64),
    )


def assessment_columns(profiles: Sequence[CandidateProfile], rubrics: Sequence[str]) -> AssessmentColumns:
    """Row i holds `profiles[i]`'s assessment for `rubrics[i]`."""
    n = len(profiles)
    present = np.zeros(n, dtype=np.bool_)
    met = np.zeros(n, dtype=np.bool_)
    theta = np.full(n, np.nan)
    motivation = np.full((n, len(MOTIVATION_CRITERIA)), np.nan)
    for row, (profile, rubric) in enumerate(zip(profiles, rubrics, strict=True)):
        assessment = profile.assessments.get(rubric)
        if assessment is not None:
            present[row] = True
            met[row] = assessment.prerequisites_met
            theta[row] = assessment.theta
            motivation[row] = [np.nan if level is None else level for level in assessment.motivation.levels()]
    return AssessmentColumns(present, met, theta, motivation)


def _assessments_by_rubric(profiles: Sequence[CandidateProfile]) -> dict[str, AssessmentColumns]:
    """Every rubric's assessment columns, in one pass over the profiles."""
    rows: dict[str, list[int]] = {}
    values: dict[str, list[tuple[float, ...]]] = {}
    for row, profile in enumerate(profiles):
        for rubric, assessment in profile.assessments.items():
            rows.setdefault(rubric, []).append(row)
            levels = (np.nan if level is None else float(level) for level in assessment.motivation.levels())
            values.setdefault(rubric, []).append((float(assessment.prerequisites_met), assessment.theta, *levels))
    columns = {}
    for rubric, indices in rows.items():
        table = np.array(values[rubric], dtype=np.float64)
        present = np.zeros(len(profiles), dtype=np.bool_)
        present[indices] = True
        met = np.zeros(len(profiles), dtype=np.bool_)
        met[indices] = table[:, 0] == 1.0
        theta = np.full(len(profiles), np.nan)
        theta[indices] = table[:, 1]
        motivation = np.full((len(profiles), len(MOTIVATION_CRITERIA)), np.nan)
        motivation[indices] = table[:, 2:]
        columns[rubric] = AssessmentColumns(present, met, theta, motivation)
    return columns


def offer_columns(offers: Sequence[Offer], quiz_thresholds: Sequence[float]) -> OfferColumns:
    return OfferColumns(
        lat=np.array([o.lat for o in offers], dtype=np.float64),
        lon=np.array([o.lon for o in offers], dtype=np.float64),
        start_date=np.array([o.start_date.toordinal() for o in offers], dtype=np.int64),
        schedule=np.array([SCHEDULE_CODES[o.schedule] for o in offers], dtype=np.int64),
        min_diploma_level=np.array([o.requirements.min_diploma_level for o in offers], dtype=np.int64),
        licence_required=np.array([o.requirements.driving_licence for o in offers], dtype=np.bool_),
        prerequisites_required=np.array([o.requirements.prerequisites_required for o in offers], dtype=np.bool_),
        quiz_threshold=np.array(quiz_thresholds, dtype=np.float64),
    )


def sort_rank(keys: Sequence[str]) -> Ints:
    """Each key's position in sorted order (Python string order), the last tie-breaker of every ranking."""
    ranks = np.empty(len(keys), dtype=np.int64)
    ranks[sorted(range(len(keys)), key=keys.__getitem__)] = np.arange(len(keys))
    return ranks


class CandidatePool:
    """A population of candidate profiles in columns, with the assessment columns of every rubric.

    Only `CandidateProfile` objects are accepted: a `CandidateRecord` (which carries protected attributes) is
    refused, so protected attributes cannot enter a ranking even by mistake.
    """

    def __init__(self, profiles: Sequence[CandidateProfile]) -> None:
        for profile in profiles:
            if type(profile) is not CandidateProfile:
                raise TypeError(f"CandidatePool takes CandidateProfile objects, got {type(profile).__name__}")
        self.profiles = tuple(profiles)
        self.ids = [p.id for p in self.profiles]
        seen: set[str] = set()
        for candidate_id in self.ids:
            if candidate_id in seen:
                raise ValueError(f"candidate id {candidate_id!r} appears twice in the pool")
            seen.add(candidate_id)
        self.id_rank = sort_rank(self.ids)
        self.columns = candidate_columns(self.profiles)
        self._assessments = _assessments_by_rubric(self.profiles)

    def __len__(self) -> int:
        return len(self.profiles)

    def assessments(self, rubric: str) -> AssessmentColumns:
        """The columns for `rubric`; all absent when no candidate of the pool was assessed for it."""
        columns = self._assessments.get(rubric)
        if columns is None:
            n = len(self.profiles)
            columns = AssessmentColumns(
                np.zeros(n, dtype=np.bool_),
                np.zeros(n, dtype=np.bool_),
                np.full(n, np.nan),
                np.full((n, len(MOTIVATION_CRITERIA)), np.nan),
            )
        return columns
