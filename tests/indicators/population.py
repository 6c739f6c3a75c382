"""A small known population for the indicators, with every figure computable by hand (see the test).

Organisation 1, invited 10 days ago: 12 women (9 completed in 2 days, 2 refused, 1 not started), 10 men (5
completed in 2 days, 5 in progress). Women are on a shortlist 12 h after completing, men 48 h after. Decisions on
4 women's recommendations (latest: 2 overrides), 2 overrides on one criterion, 2 shortlist entries (1 override).
Organisation 2: 5 completed sessions. One more session of organisation 1, invited 400 days ago, is out of range.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.db.models import (
    AssessmentSession,
    Candidate,
    CandidateProtectedAttributes,
    Decision,
    DecisionAction,
    DecisionSubject,
    ReasonCode,
    SessionStatus,
    User,
    UserRole,
)
from tests.worlds import RUBRIC, RUBRIC_VERSION, add_organisation, offer, shortlist


@dataclass(frozen=True)
class Population:
    organisation_id: int
    other_organisation_id: int
    now: datetime


def _organisation(db: Session, name: str) -> tuple[int, int]:
    organisation_id = add_organisation(db, name)
    deas = offer(organisation_id)
    db.add(deas)
    db.flush()
    assert deas.id is not None
    return organisation_id, deas.id


def _session(
    db: Session,
    organisation_id: int,
    status: SessionStatus,
    invited: datetime,
    attributes: dict[str, object] | None,
) -> tuple[str, str]:
    candidate = Candidate(organisation_id=organisation_id)
    db.add(candidate)
    db.flush()
    if attributes is not None:
        db.add(CandidateProtectedAttributes(candidate_id=candidate.id, **attributes))
    session = AssessmentSession(
        candidate_id=candidate.id,
        rubric_id=RUBRIC,
        rubric_version=RUBRIC_VERSION,
        status=status,
        started_at=invited,
        completed_at=invited + timedelta(days=2) if status == SessionStatus.COMPLETED else None,
    )
    db.add(session)
    db.flush()
    return session.id, candidate.pseudonym


def _shortlist(db: Session, offer_id: int, at: datetime, pseudonyms: list[str]) -> int:
    """A shortlist of these candidates, made at `at`."""
    ranked = shortlist(offer_id, dict.fromkeys(pseudonyms, 0.5), as_of=at.date())
    ranked.created_at = at
    db.add(ranked)
    db.flush()
    assert ranked.id is not None
    return ranked.id


def _decision(db: Session, user_id: int, at: datetime, action: DecisionAction, **where: object) -> None:
    db.add(
        Decision(
            action=action,
            new_value="not_yet" if action == DecisionAction.OVERRIDE else None,
            reason_code=ReasonCode.OTHER,
            comment="",
            basis_sha256="e" * 64,
            decided_by=user_id,
            created_at=at,
            **where,  # type: ignore[arg-type]
        )
    )


def build_population(engine: Engine, now: datetime) -> Population:
    invited = now - timedelta(days=10)
    completed = invited + timedelta(days=2)
    with Session(engine) as db, db.begin():
        org, offer = _organisation(db, "Centre 1")
        other, other_offer = _organisation(db, "Centre 2")
        user = User(organisation_id=org, email="r@1.test", full_name="R", role=UserRole.REFERENT, password_hash="x")
        db.add(user)
        db.flush()
        assert user.id is not None
        women_status = [SessionStatus.COMPLETED] * 9 + [SessionStatus.REFUSED] * 2 + [SessionStatus.INVITED]
        men_status = [SessionStatus.COMPLETED] * 5 + [SessionStatus.IN_PROGRESS] * 5
        women = [
            _session(db, org, status, invited, {"sex": "F", "age_band": "16-25", "qpv": False})
            for status in women_status
        ]
        men = [
            _session(
                db,
                org,
                status,
                invited,
                {"sex": "M", "age_band": "45+" if i < 7 else None, "qpv": i == 0},
            )
            for i, status in enumerate(men_status)
        ]
        _session(db, org, SessionStatus.COMPLETED, now - timedelta(days=400), {"sex": "F"})
        for _ in range(5):
            session_id, pseudonym = _session(db, other, SessionStatus.COMPLETED, invited, None)
            _shortlist(db, other_offer, completed + timedelta(hours=1), [pseudonym])
        _shortlist(db, offer, completed + timedelta(hours=12), [p for _, p in women[:9]])
        entries = _shortlist(db, offer, completed + timedelta(hours=48), [p for _, p in men[:5]])
        report = {"subject": DecisionSubject.REPORT, "target": "recommendation"}
        _decision(db, user.id, completed, DecisionAction.OVERRIDE, session_id=women[0][0], **report)
        _decision(db, user.id, completed, DecisionAction.ACCEPT, session_id=women[1][0], **report)
        _decision(db, user.id, completed, DecisionAction.ACCEPT, session_id=women[2][0], **report)
        _decision(db, user.id, completed, DecisionAction.ACCEPT, session_id=women[3][0], **report)
        _decision(
            db, user.id, completed + timedelta(hours=1), DecisionAction.OVERRIDE, session_id=women[3][0], **report
        )
        criterion = {"subject": DecisionSubject.REPORT, "target": "criterion:motivation_interview:commitment"}
        for session_id, _ in women[4:6]:
            _decision(db, user.id, completed, DecisionAction.OVERRIDE, session_id=session_id, **criterion)
        for (_, pseudonym), action in zip(men[:2], (DecisionAction.OVERRIDE, DecisionAction.ACCEPT), strict=True):
            _decision(
                db,
                user.id,
                completed,
                action,
                subject=DecisionSubject.SHORTLIST_ENTRY,
                shortlist_id=entries,
                target=f"candidate:{pseudonym}",
            )
    return Population(org, other, now)
