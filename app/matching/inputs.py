"""What the ranker reads: training offers and candidate profiles, validated strictly.

A candidate record (as the CLI files and the demo generator hold it) is a profile plus protected attributes.
The two are kept apart by construction: `CandidateRecord` is not a `CandidateProfile`, it *holds* one, and the
ranking functions accept profiles only, so the protected attributes (used only by the fairness audit) cannot
reach the ranking code path. On the wire a record is one flat object; `CandidateRecord` splits it on the way in
and joins it on the way out.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: object) -> object:
    """Accept `YYYY-MM-DD` strings only (no timestamps, no datetimes): dates in the files are calendar days."""
    if isinstance(value, str):
        if not _ISO_DAY.fullmatch(value):
            raise ValueError("expected a date as YYYY-MM-DD")
        return date.fromisoformat(value)
    return value


Day = Annotated[date, BeforeValidator(_iso_day)]
Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")]
RubricId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)]
CommuneName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
OfferSchedule = Literal["full_time", "part_time"]
CandidateSchedule = Literal["full_time", "part_time", "any"]
Level = Annotated[int, Field(ge=0, le=3)]
# French qualification levels (nomenclature 2019): 3 = CAP/BEP, 4 = bac, 5 = bac+2, 6 = licence, 7 = master,
# 8 = doctorate. Candidates may be below level 3: 0 means no diploma.
OfferDiplomaLevel = Annotated[int, Field(ge=3, le=8)]
CandidateDiplomaLevel = Annotated[int, Field(ge=0, le=8)]

MOTIVATION_CRITERIA = ("job_knowledge", "project_coherence", "practical_readiness", "commitment")


class InputModel(BaseModel):
    """Strict (no "3" -> 3 coercion), closed (unknown fields are errors), immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class Requirements(InputModel):
    min_diploma_level: OfferDiplomaLevel
    driving_licence: bool
    prerequisites_required: bool = Field(description="The candidate must have met the quiz threshold.")


class Offer(InputModel):
    id: Identifier
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    rubric: RubricId
    sector: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    commune: CommuneName
    lat: Latitude
    lon: Longitude
    start_date: Day
    end_date: Day
    schedule: OfferSchedule
    seats: int = Field(ge=1, le=10_000)
    requirements: Requirements

    @field_validator("end_date")
    @classmethod
    def _after_start(cls, end_date: date, info: ValidationInfo) -> date:
        start_date = info.data.get("start_date")
        if start_date is not None and end_date < start_date:
            raise ValueError(f"before start_date {start_date.isoformat()}")
        return end_date


class Motivation(InputModel):
    """Levels 0-3 per criterion of the motivation interview; null (or absent) when it was not assessed."""

    job_knowledge: Level | None = None
    project_coherence: Level | None = None
    practical_readiness: Level | None = None
    commitment: Level | None = None

    def levels(self) -> tuple[int | None, ...]:
        return tuple(getattr(self, criterion) for criterion in MOTIVATION_CRITERIA)


class Assessment(InputModel):
    """One rubric's results: the quiz (2PL ability `theta` and whether the threshold was met) and the interview."""

    prerequisites_met: bool
    theta: float = Field(ge=-6, le=6)
    motivation: Motivation = Motivation()


class CandidateProfile(InputModel):
    """Everything the ranker may know about a candidate. There is deliberately no protected attribute here."""

    id: Identifier
    commune: CommuneName
    lat: Latitude
    lon: Longitude
    max_travel_km: float = Field(gt=0, le=1000)
    available_from: Day
    schedule: CandidateSchedule
    diploma_level: CandidateDiplomaLevel
    driving_licence: bool
    registered_on: Day
    assessments: dict[RubricId, Assessment] = Field(default_factory=dict)


class ProtectedAttributes(InputModel):
    """Used by the fairness audit only. Each may be undeclared (null): that is a group of its own in the audit."""

    sex: Literal["F", "M"] | None = None
    age_band: Literal["16-25", "26-44", "45+"] | None = None
    qpv: bool | None = Field(default=None, description="Lives in a priority urban neighbourhood (QPV).")
    disability: bool | None = Field(default=None, description="Recognised disabled worker (RQTH).")
    nationality_group: Literal["french", "eu", "non_eu"] | None = None


class CandidateRecord(InputModel):
    """A candidate as stored in files: the flat profile fields plus `protected`, held apart (see module doc)."""

    profile: CandidateProfile
    protected: ProtectedAttributes = ProtectedAttributes()

    @model_validator(mode="before")
    @classmethod
    def _split(cls, data: Any) -> Any:
        if isinstance(data, dict) and "profile" not in data:
            rest = dict(data)
            protected = rest.pop("protected", {})
            return {"profile": rest, "protected": protected}
        return data

    @model_serializer(mode="wrap")
    def _join(self, handler: Any) -> dict[str, Any]:
        dumped: dict[str, Any] = handler(self)
        return {**dumped["profile"], "protected": dumped["protected"]}
