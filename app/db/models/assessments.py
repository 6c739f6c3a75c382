"""Assessment sessions and their transcripts."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db.models.base import EnumList, UTCDateTime, created_at_field, enum_column, utcnow
from app.db.models.candidates import new_uuid


class Flow(enum.StrEnum):
    QUIZ = "quiz"
    MOTIVATION = "motivation"
    MOCK = "mock"


class SessionStatus(enum.StrEnum):
    INVITED = "invited"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    REFUSED = "refused"
    ABANDONED = "abandoned"


class AssessmentSessionBase(SQLModel):
    candidate_id: str = Field(foreign_key="candidate.id", index=True, max_length=36)
    offer_id: int | None = Field(default=None, foreign_key="training_offer.id", index=True)
    rubric_id: str = Field(max_length=64, index=True)
    rubric_version: str = Field(max_length=32)
    flows: list[Flow] = Field(default_factory=list, sa_type=EnumList(Flow))


class AssessmentSessionCreate(AssessmentSessionBase):
    pass


class AssessmentSessionPublic(AssessmentSessionBase):
    id: str
    status: SessionStatus
    consent: bool | None
    started_at: datetime
    updated_at: datetime
    completed_at: datetime | None


class AssessmentSession(AssessmentSessionBase, table=True):
    """`id` is also the LangGraph thread id of the conversation."""

    __tablename__ = "assessment_session"

    id: str = Field(default_factory=new_uuid, primary_key=True, max_length=36)
    status: SessionStatus = Field(
        default=SessionStatus.INVITED, sa_type=enum_column(SessionStatus, "status"), index=True
    )
    consent: bool | None = None
    started_at: datetime = created_at_field()
    updated_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, nullable=False, sa_column_kwargs={"onupdate": utcnow}
    )
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # sha256 of a random per-browser cookie: an invitation link works only in the first browser that opened it.
    browser_binding: str | None = Field(default=None, max_length=64)
    # When the invitation link stops working (None for sessions created before it was recorded).
    invitation_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class MessageRole(enum.StrEnum):
    CANDIDATE = "candidate"
    ASSISTANT = "assistant"
    SYSTEM = "system"


class MessagePublic(SQLModel):
    id: int
    session_id: str
    seq: int
    role: MessageRole
    content_scrubbed: str
    created_at: datetime


class Message(SQLModel, table=True):
    """One turn of a transcript. The text is stored only after PII scrubbing, as the column name says."""

    __tablename__ = "message"
    __table_args__ = (sa.UniqueConstraint("session_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(foreign_key="assessment_session.id", ondelete="CASCADE", max_length=36)
    seq: int = Field(ge=0)
    role: MessageRole = Field(sa_type=enum_column(MessageRole, "role"))
    content_scrubbed: str = Field(sa_type=sa.Text)
    created_at: datetime = created_at_field()
