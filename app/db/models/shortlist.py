"""Stored rankings of the candidates for an offer (shortlists) and the advisers' overrides of them.

A shortlist keeps the whole ranking as the ranker returned it (every ranked and every excluded candidate, with
factors and reasons) plus what reproduces it: the reference day, the weights version and sha256, and the sha256
of the inputs. It is never updated: a new computation is a new row, and the latest one is the current one.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db.models.base import UTCDateTime, created_at_field, enum_column, utcnow


class Shortlist(SQLModel, table=True):
    __tablename__ = "shortlist"

    id: int | None = Field(default=None, primary_key=True)
    offer_id: int = Field(foreign_key="training_offer.id", ondelete="CASCADE", index=True)
    as_of: date
    weights_version: str = Field(max_length=16)
    weights_sha256: str = Field(min_length=64, max_length=64)
    inputs_sha256: str = Field(min_length=64, max_length=64)
    eligible_count: int = Field(ge=0)
    excluded_count: int = Field(ge=0)
    ranking: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    created_by: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)


class OverrideDecision(enum.StrEnum):
    INCLUDE = "include"  # shortlist a candidate the ranker found not eligible
    EXCLUDE = "exclude"  # leave out a ranked candidate


class OverrideCreate(SQLModel):
    candidate: str = Field(min_length=1, max_length=64, description="The candidate id as shown in the ranking.")
    decision: OverrideDecision
    reason: str = Field(min_length=1, max_length=2000)
    decided_by: str = Field(min_length=1, max_length=200)


class ShortlistOverridePublic(OverrideCreate):
    id: int
    shortlist_id: int
    created_at: datetime


class ShortlistOverride(SQLModel, table=True):
    """An adviser's decision against the ranking, with its reason. One per candidate and shortlist."""

    __tablename__ = "shortlist_override"
    __table_args__ = (sa.UniqueConstraint("shortlist_id", "candidate"),)

    id: int | None = Field(default=None, primary_key=True)
    shortlist_id: int = Field(foreign_key="shortlist.id", ondelete="CASCADE", index=True)
    candidate: str = Field(max_length=64)
    decision: OverrideDecision = Field(sa_type=enum_column(OverrideDecision, "decision"))
    reason: str = Field(sa_type=sa.Text)
    decided_by: str = Field(max_length=200)
    created_at: datetime = created_at_field()


class ShortlistPublic(SQLModel):
    id: int
    offer_id: int
    as_of: date
    weights_version: str
    weights_sha256: str
    inputs_sha256: str
    eligible_count: int
    excluded_count: int
    ranking: dict[str, Any]
    created_by: str | None
    created_at: datetime
    overrides: list[ShortlistOverridePublic]
