"""Every table of Tremplin. Importing this package registers them all on `SQLModel.metadata` (Alembic's target)."""

from app.db.models.accounts import LoginFailure, LoginSession
from app.db.models.assessments import (
    AssessmentSession,
    AssessmentSessionBase,
    AssessmentSessionCreate,
    AssessmentSessionPublic,
    Flow,
    Message,
    MessagePublic,
    MessageRole,
    SessionStatus,
)
from app.db.models.audit_events import GENESIS_HASH, AuditEvent
from app.db.models.base import UTCDateTime, utcnow
from app.db.models.candidates import Candidate, CandidatePublic, new_pseudonym
from app.db.models.decisions import Decision, DecisionAction, DecisionPublic, DecisionSubject, ReasonCode
from app.db.models.matching_profiles import CandidateMatchingProfile, CandidateSchedule
from app.db.models.offers import (
    Schedule,
    TrainingOffer,
    TrainingOfferBase,
    TrainingOfferCreate,
    TrainingOfferPublic,
)
from app.db.models.organisations import (
    Organisation,
    OrganisationBase,
    OrganisationCreate,
    OrganisationKind,
    OrganisationPublic,
    User,
    UserBase,
    UserCreate,
    UserPublic,
    UserRole,
)
from app.db.models.pii_vault import PiiVaultEntry
from app.db.models.protected_attributes import CandidateProtectedAttributes
from app.db.models.reports import Report, ReportPublic
from app.db.models.shortlist import (
    OverrideCreate,
    OverrideDecision,
    Shortlist,
    ShortlistOverride,
    ShortlistOverridePublic,
    ShortlistPublic,
)

__all__ = [
    "GENESIS_HASH",
    "AssessmentSession",
    "AssessmentSessionBase",
    "AssessmentSessionCreate",
    "AssessmentSessionPublic",
    "AuditEvent",
    "Candidate",
    "CandidateMatchingProfile",
    "CandidateProtectedAttributes",
    "CandidatePublic",
    "CandidateSchedule",
    "Decision",
    "DecisionAction",
    "DecisionPublic",
    "DecisionSubject",
    "Flow",
    "LoginFailure",
    "LoginSession",
    "Message",
    "MessagePublic",
    "MessageRole",
    "Organisation",
    "OrganisationBase",
    "OrganisationCreate",
    "OrganisationKind",
    "OrganisationPublic",
    "OverrideCreate",
    "OverrideDecision",
    "PiiVaultEntry",
    "ReasonCode",
    "Report",
    "ReportPublic",
    "Schedule",
    "SessionStatus",
    "Shortlist",
    "ShortlistOverride",
    "ShortlistOverridePublic",
    "ShortlistPublic",
    "TrainingOffer",
    "TrainingOfferBase",
    "TrainingOfferCreate",
    "TrainingOfferPublic",
    "UTCDateTime",
    "User",
    "UserBase",
    "UserCreate",
    "UserPublic",
    "UserRole",
    "new_pseudonym",
    "utcnow",
]
