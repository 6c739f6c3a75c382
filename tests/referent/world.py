"""Two organisations side by side, each with a referent, an offer, a candidate whose assessment is finished (with
its report, transcript and matching profile), an invited candidate, and a stored shortlist; plus an admin and an
auditor. Every id of organisation B is what referent A must never reach."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.assessment.report import build_report, save_report
from app.db.models import (
    AssessmentSession,
    Candidate,
    Flow,
    Message,
    MessageRole,
    User,
    UserRole,
)
from app.db.passwords import hash_password
from tests.worlds import (
    RUBRIC,
    RUBRIC_VERSION,
    add_organisation,
    finished_session,
    matching_profile,
    motivation_scoring,
    offer,
    shortlist,
)


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


def _side(db: Session, name: str) -> Side:
    organisation_id = add_organisation(db, f"Organisation {name}")
    training = offer(organisation_id, f"Formation de l'organisation {name}")
    candidate = Candidate(organisation_id=organisation_id)
    invited = Candidate(organisation_id=organisation_id)
    db.add_all([training, candidate, invited])
    db.flush()
    assert training.id is not None
    quote = f"citation-unique-{name}-{secrets.token_hex(4)}"
    finished = finished_session(candidate.id)
    waiting = AssessmentSession(
        candidate_id=invited.id,
        rubric_id=RUBRIC,
        rubric_version=RUBRIC_VERSION,
        flows=[Flow.QUIZ],
        invitation_expires_at=datetime.now(UTC) + timedelta(days=7),
    )
    db.add_all([finished, waiting])
    db.flush()
    db.add(Message(session_id=finished.id, seq=0, role=MessageRole.CANDIDATE, content_scrubbed=quote))
    scoring = motivation_scoring(quote)
    save_report(db, build_report(scorings=[scoring], session_id=finished.id, candidate_id=candidate.pseudonym))
    db.add(matching_profile(candidate.id))
    ranked = shortlist(training.id, {candidate.pseudonym: 0.9})
    db.add(ranked)
    db.flush()
    assert ranked.id is not None
    return Side(
        organisation_id, training.id, candidate.id, candidate.pseudonym, finished.id, waiting.id, ranked.id, quote
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
