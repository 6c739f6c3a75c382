"""What the matching ranker reads about a candidate, one row per candidate.

There is deliberately no protected attribute (sex, age, QPV, disability, nationality) here: the ranking must
not see any, and the fairness audit runs on synthetic data. `assessments` holds, per rubric id, the quiz and
interview results in the ranker's input shape (`app.matching.inputs.Assessment`).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db.models.base import UTCDateTime, enum_column, utcnow


class CandidateSchedule(enum.StrEnum):
    ANY = "any"
    FULL_TIME = "full_time"
    PART_TIME = "part_time"


class CandidateMatchingProfile(SQLModel, table=True):
    __tablename__ = "candidate_matching_profile"
    __table_args__ = (
        sa.CheckConstraint("lat BETWEEN -90 AND 90", name="lat_range"),
        sa.CheckConstraint("lon BETWEEN -180 AND 180", name="lon_range"),
        sa.CheckConstraint("max_travel_km > 0", name="travel_positive"),
        sa.CheckConstraint("diploma_level BETWEEN 0 AND 8", name="diploma_level_range"),
    )

    candidate_id: str = Field(primary_key=True, foreign_key="candidate.id", ondelete="CASCADE", max_length=36)
    commune: str = Field(max_length=100)
    lat: float
    lon: float
    max_travel_km: float
    available_from: date
    schedule: CandidateSchedule = Field(sa_type=enum_column(CandidateSchedule, "schedule"))
    diploma_level: int
    driving_licence: bool
    registered_on: date
    assessments: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    updated_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, nullable=False, sa_column_kwargs={"onupdate": utcnow}
    )
