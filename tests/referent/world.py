"""Two organisations side by side, each with a referent, an offer, a candidate whose assessment is finished (with
its report, transcript and matching profile), an invited candidate, and a stored shortlist; plus an admin and an
auditor. Every id of organisation B is what referent A must never reach."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.assessment.report import build_report, save_report
from app.assessment.scoring.result import ScoredCriterion, ScoringResult
from app.db.models import (
    AssessmentSession,
    Candidate,
    CandidateMatchingProfile,
    CandidateSchedule,
    Flow,
    Message,
    MessageRole,
    Organisation,
    OrganisationKind,
    Schedule,
    SessionStatus,
    Shortlist,
    TrainingOffer,
    User,
    UserRole,
)
from app.db.passwords import hash_password

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
MOTIVATION = ("job_knowledge", "project_coherence", "practical_readiness", "commitment")


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    password: str
    role: UserRole
    organisation_id: int


@dataclass(frozen=True)
class Side:
    """What one organisation holds. `quote` is a unique string of its candidate's transcript and report."""

    organisation_id: int
    offer_id: int
    candidate_id: str
    pseudonym: str
    session_id: str  # finished, with a report
    invited_session_id: str  # invitation sent, not opened
    shortlist_id: int
    quote: str


@dataclass(frozen=True)
class World:
    a: Side
    b: Side
    accounts: dict[str, Account]  # "referent_a", "referent_b", "admin", "auditor"


def _scoring(quote: str) -> ScoringResult:
    criteria = tuple(
        ScoredCriterion(
            id=criterion,
            title=criterion,
            status="answered",
            level=2,
            descriptor="Descripteur du niveau 2.",
            evidence=(quote,),
            rationale=f"La réponse cite : {quote}",
            source="rules",
            rules_level=2,
        )
        for criterion in MOTIVATION
    )
    return ScoringResult(
        flow="motivation_interview",
        rubric_id="aide-soignant",
        rubric_version="2.0.0",
        rubric_sha256="a" * 64,
        transcript_sha256="b" * 64,
        scrubber="test",
        criteria=criteria,
        flags=(),
        protected_topics=(),
        manipulation_quotes=(),
        unattributed_turns=0,
        provider="rules",
        model="rules",
        prompt_versions={},
        rules_version="1.0.0",
        cues_sha256="c" * 64,
        screening_sha256="d" * 64,
        scored_at=NOW,
    )


def _offer(organisation_id: int, title: str) -> TrainingOffer:
    return TrainingOffer(
        organisation_id=organisation_id,
        title=title,
        rubric_id="aide-soignant",
        sector="Santé",
        commune="Metz",
        lat=49.12,
        lon=6.18,
        start_date=date(2027, 1, 4),
        end_date=date(2027, 12, 17),
        schedule=Schedule.FULL_TIME,
        seats=10,
        min_diploma_level=3,
    )


def _side(db: Session, name: str) -> Side:
    organisation = Organisation(name=f"Organisation {name}", kind=OrganisationKind.TRAINING_CENTRE)
    db.add(organisation)
    db.flush()
    assert organisation.id is not None
    offer = _offer(organisation.id, f"Formation de l'organisation {name}")
    candidate = Candidate(organisation_id=organisation.id)
    invited = Candidate(organisation_id=organisation.id)
    db.add_all([offer, candidate, invited])
    db.flush()
    assert offer.id is not None
    quote = f"citation-unique-{name}-{secrets.token_hex(4)}"
    finished = AssessmentSession(
        candidate_id=candidate.id,
        rubric_id="aide-soignant",
        rubric_version="2.0.0",
        flows=[Flow.MOTIVATION],
        status=SessionStatus.COMPLETED,
        consent=True,
        completed_at=NOW,
    )
    waiting = AssessmentSession(
        candidate_id=invited.id,
        rubric_id="aide-soignant",
        rubric_version="2.0.0",
        flows=[Flow.QUIZ],
        invitation_expires_at=datetime.now(UTC) + timedelta(days=7),
    )
    db.add_all([finished, waiting])
    db.flush()
    db.add(Message(session_id=finished.id, seq=0, role=MessageRole.CANDIDATE, content_scrubbed=quote))
    save_report(db, build_report(scorings=[_scoring(quote)], session_id=finished.id, candidate_id=candidate.pseudonym))
    db.add(
        CandidateMatchingProfile(
            candidate_id=candidate.id,
            commune="Metz",
            lat=49.12,
            lon=6.18,
            max_travel_km=30,
            available_from=date(2027, 1, 1),
            schedule=CandidateSchedule.ANY,
            diploma_level=3,
            driving_licence=True,
            registered_on=date(2026, 6, 1),
        )
    )
    shortlist = Shortlist(
        offer_id=offer.id,
        as_of=date(2026, 11, 29),
        weights_version="v1",
        weights_sha256="f" * 64,
        inputs_sha256="f" * 64,
        eligible_count=1,
        excluded_count=0,
        ranking={"offer": str(offer.id), "ranked": [{"candidate": candidate.pseudonym, "score": 0.9}], "excluded": []},
    )
    db.add(shortlist)
    db.flush()
    assert shortlist.id is not None
    return Side(
        organisation.id, offer.id, candidate.id, candidate.pseudonym, finished.id, waiting.id, shortlist.id, quote
    )


def _account(db: Session, organisation_id: int, role: UserRole, email: str) -> Account:
    password = secrets.token_urlsafe(12)
    user = User(
        organisation_id=organisation_id,
        email=email,
        full_name=f"Compte {email.split('@')[0]}",
        role=role,
        password_hash=hash_password(password),
    )
    db.add(user)
    db.flush()
    assert user.id is not None
    return Account(user.id, email, password, role, organisation_id)


def build_world(engine: Engine) -> World:
    with Session(engine) as db, db.begin():
        a, b = _side(db, "A"), _side(db, "B")
        accounts = {
            "referent_a": _account(db, a.organisation_id, UserRole.REFERENT, "referente.a@test.local"),
            "referent_b": _account(db, b.organisation_id, UserRole.REFERENT, "referent.b@test.local"),
            "admin": _account(db, a.organisation_id, UserRole.ADMIN, "admin@test.local"),
            "auditor": _account(db, a.organisation_id, UserRole.AUDITOR, "auditrice@test.local"),
        }
    return World(a, b, accounts)
