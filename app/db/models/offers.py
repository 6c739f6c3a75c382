"""Training offers the candidates are assessed against."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db.models.base import created_at_field, enum_column


class Schedule(enum.StrEnum):
    FULL_TIME = "full_time"
    PART_TIME = "part_time"


class TrainingOfferBase(SQLModel):
    title: str = Field(min_length=1, max_length=200)
    rubric_id: str = Field(max_length=64, index=True)
    sector: str = Field(max_length=100, index=True)
    commune: str = Field(max_length=100, index=True)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    start_date: date
    end_date: date
    schedule: Schedule = Field(sa_type=enum_column(Schedule, "schedule"))
    seats: int = Field(ge=1)
    # French qualification levels: 3 = CAP/BEP ... 8 = doctorate.
    min_diploma_level: int = Field(ge=3, le=8)
    driving_licence: bool = False
    prerequisites_required: bool = False


class TrainingOfferCreate(TrainingOfferBase):
    organisation_id: int


class TrainingOfferPublic(TrainingOfferBase):
    id: int
    organisation_id: int
    created_at: datetime


class TrainingOffer(TrainingOfferBase, table=True):
    """Table models skip Pydantic validation, so the ranges above are repeated as CHECK constraints."""

    __tablename__ = "training_offer"
    __table_args__ = (
        sa.CheckConstraint("lat BETWEEN -90 AND 90", name="lat_range"),
        sa.CheckConstraint("lon BETWEEN -180 AND 180", name="lon_range"),
        sa.CheckConstraint("seats >= 1", name="seats_positive"),
        sa.CheckConstraint("min_diploma_level BETWEEN 3 AND 8", name="diploma_level_range"),
        sa.CheckConstraint("end_date >= start_date", name="dates_ordered"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    created_at: datetime = created_at_field()
