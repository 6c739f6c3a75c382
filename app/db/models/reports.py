"""Assessment reports, one per session, as the referents read and filter them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db.models.base import UTCDateTime, utcnow


class ReportPublic(SQLModel):
    id: int
    session_id: str
    rubric_id: str
    rubric_version: str
    model_provider: str
    model_name: str
    prompt_versions: dict[str, str]
    recommendation: str
    confidence: float
    flags: list[str]
    report_json: dict[str, Any]
    created_at: datetime


class Report(SQLModel, table=True):
    """`report_json` is the full Pydantic report; the other columns copy what the referent pages filter on."""

    __tablename__ = "report"
    __table_args__ = (sa.CheckConstraint("confidence BETWEEN 0 AND 1", name="confidence_range"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(foreign_key="assessment_session.id", ondelete="CASCADE", unique=True, max_length=36)
    rubric_id: str = Field(max_length=64, index=True)
    rubric_version: str = Field(max_length=32)
    model_provider: str = Field(max_length=64)
    model_name: str = Field(max_length=200)
    prompt_versions: dict[str, str] = Field(default_factory=dict, sa_type=sa.JSON)
    recommendation: str = Field(max_length=32, index=True)
    confidence: float = Field(ge=0, le=1)
    flags: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    report_json: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)
