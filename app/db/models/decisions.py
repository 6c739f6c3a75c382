"""Human decisions on what the tool proposed: a referent accepts, overrides or asks for a new assessment.

A decision never changes the report or the shortlist it is about: it is a new row next to them, carrying the
value the tool proposed at that moment (`original_value`) and the referent's (`new_value`), so both stay
visible and the history of every decision is kept. One table serves reports and shortlist entries alike.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db.models.base import created_at_field, enum_column


class DecisionSubject(enum.StrEnum):
    REPORT = "report"  # target "recommendation" or "criterion:<flow>:<criterion id>" of a session's report
    SHORTLIST_ENTRY = "shortlist_entry"  # target "candidate:<pseudonym>" of a stored shortlist


class DecisionAction(enum.StrEnum):
    ACCEPT = "accept"
    OVERRIDE = "override"
    NEW_ASSESSMENT = "new_assessment"


class ReasonCode(enum.StrEnum):
    EVIDENCE_SUPPORTS = "evidence_supports"
    EVIDENCE_MISREAD = "evidence_misread"
    KNOWN_OUTSIDE_ASSESSMENT = "known_outside_assessment"
    ASSESSMENT_CONDITIONS = "assessment_conditions"
    AUTOMATIC_SCORING_UNRELIABLE = "automatic_scoring_unreliable"
    ELIGIBILITY_EXCEPTION = "eligibility_exception"
    PLACES_OR_PRIORITIES = "places_or_priorities"
    OTHER = "other"


class DecisionPublic(SQLModel):
    id: int
    subject: DecisionSubject
    session_id: str | None
    shortlist_id: int | None
    target: str
    action: DecisionAction
    original_value: str | None
    new_value: str | None
    reason_code: ReasonCode
    comment: str
    basis_sha256: str
    decided_by: int
    created_at: datetime


class Decision(SQLModel, table=True):
    """`original_value` None means "not assessed"; `basis_sha256` names the exact report or shortlist decided on.

    `comment` is the referent's free text after personal-data scrubbing.
    """

    __tablename__ = "decision"
    __table_args__ = (
        sa.CheckConstraint(
            "(subject = 'report' AND session_id IS NOT NULL AND shortlist_id IS NULL) OR "
            "(subject = 'shortlist_entry' AND shortlist_id IS NOT NULL AND session_id IS NULL)",
            name="one_subject",
        ),
        sa.CheckConstraint("action <> 'override' OR new_value IS NOT NULL", name="override_has_value"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subject: DecisionSubject = Field(sa_type=enum_column(DecisionSubject, "subject"))
    session_id: str | None = Field(
        default=None, foreign_key="assessment_session.id", ondelete="CASCADE", index=True, max_length=36
    )
    shortlist_id: int | None = Field(default=None, foreign_key="shortlist.id", ondelete="CASCADE", index=True)
    target: str = Field(max_length=160)
    action: DecisionAction = Field(sa_type=enum_column(DecisionAction, "action"))
    original_value: str | None = Field(default=None, max_length=64)
    new_value: str | None = Field(default=None, max_length=64)
    reason_code: ReasonCode = Field(sa_type=enum_column(ReasonCode, "reason_code"))
    comment: str = Field(default="", sa_type=sa.Text)
    basis_sha256: str = Field(min_length=64, max_length=64)
    decided_by: int = Field(foreign_key="app_user.id", index=True)
    created_at: datetime = created_at_field()
