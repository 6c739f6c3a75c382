"""Two candidates of one organisation with everything Tremplin can hold on a person: sessions, scrubbed
messages, pseudonym vault, report, decisions, matching profile, declared attributes, shortlist, override,
checkpoints and audit events. Each candidate's personal strings are unique canaries, so a test can look for
them anywhere in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from langgraph.checkpoint.base import empty_checkpoint
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.assessment.report import build_report, save_report
from app.assessment.scoring.result import ScoredCriterion, ScoringResult
from app.checkpoints import open_checkpointer
from app.db.audit import DatabaseAuditSink
from app.db.models import (
    AssessmentSession,
    Candidate,
    CandidateMatchingProfile,
    CandidateProtectedAttributes,
    CandidateSchedule,
    Decision,
    DecisionAction,
    DecisionSubject,
    Flow,
    Message,
    MessageRole,
    Organisation,
    OrganisationKind,
    ReasonCode,
    Schedule,
    SessionStatus,
    Shortlist,
    ShortlistOverride,
    TrainingOffer,
    User,
    UserRole,
)
from app.pii.vault import DatabaseVault, VaultCipher
from app.settings import get_settings

MOTIVATION = ("job_knowledge", "project_coherence", "practical_readiness", "commitment")
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Person:
    candidate_id: str
    pseudonym: str
    session_id: str
    phone: str  # in the vault (encrypted)
    quote: str  # in a message and as report evidence
    comment: str  # a referent's free text on a decision and an override


@dataclass(frozen=True)
class World:
    organisation_id: int
    user_id: int
    offer_id: int
    shortlist_id: int
    alice: Person
    bruno: Person


def _scoring(quote: str) -> ScoringResult:
    criteria = tuple(
        ScoredCriterion(
            id=cid,
            title=cid,
            status="answered",
            level=2,
            descriptor="Descripteur du niveau 2.",
            evidence=(quote,),
            rationale=f"La réponse cite : {quote}",
            source="rules",
            rules_level=2,
        )
        for cid in MOTIVATION
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
        manipulation_quotes=(quote,),
        unattributed_turns=0,
        provider="rules",
        model="rules",
        prompt_versions={},
        rules_version="1.0.0",
        cues_sha256="c" * 64,
        screening_sha256="d" * 64,
        scored_at=NOW,
    )


def _person(db: Session, organisation_id: int, user_id: int, name: str, number: str) -> Person:
    candidate = Candidate(organisation_id=organisation_id)
    db.add(candidate)
    db.flush()
    session = AssessmentSession(
        candidate_id=candidate.id,
        rubric_id="aide-soignant",
        rubric_version="2.0.0",
        flows=[Flow.MOTIVATION],
        status=SessionStatus.COMPLETED,
        consent=True,
        completed_at=NOW,
    )
    db.add(session)
    db.flush()
    quote = f"je garde les enfants de ma voisine {name}quote"
    person = Person(candidate.id, candidate.pseudonym, session.id, f"06 12 34 {number}", quote, f"{name}comment")
    db.add(Message(session_id=session.id, seq=0, role=MessageRole.ASSISTANT, content_scrubbed="Bonjour !"))
    db.add(Message(session_id=session.id, seq=1, role=MessageRole.CANDIDATE, content_scrubbed=f"{quote} <TELEPHONE_1>"))
    save_report(db, build_report(scorings=[_scoring(quote)], session_id=session.id, candidate_id=candidate.pseudonym))
    db.add(
        Decision(
            subject=DecisionSubject.REPORT,
            session_id=session.id,
            target="recommendation",
            action=DecisionAction.OVERRIDE,
            original_value="ready",
            new_value="not_yet",
            reason_code=ReasonCode.KNOWN_OUTSIDE_ASSESSMENT,
            comment=person.comment,
            basis_sha256="e" * 64,
            decided_by=user_id,
        )
    )
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
    db.add(CandidateProtectedAttributes(candidate_id=candidate.id, sex="F", age_band="26-44"))
    return person


def build_world(engine: Engine) -> World:
    """Everything above; checkpoints go where the settings say (the caller points them at `engine`'s database)."""
    with Session(engine) as db, db.begin():
        organisation = Organisation(name="Centre de test", kind=OrganisationKind.TRAINING_CENTRE)
        db.add(organisation)
        db.flush()
        assert organisation.id is not None
        user = User(
            organisation_id=organisation.id,
            email="referent@test.local",
            full_name="Référente",
            role=UserRole.REFERENT,
            password_hash="x",
        )
        offer = TrainingOffer(
            organisation_id=organisation.id,
            title="DEAS",
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
        db.add_all([user, offer])
        db.flush()
        assert user.id is not None
        assert offer.id is not None
        alice = _person(db, organisation.id, user.id, "alice", "56 78")
        bruno = _person(db, organisation.id, user.id, "bruno", "99 00")
        shortlist = Shortlist(
            offer_id=offer.id,
            as_of=date(2026, 11, 29),
            weights_version="v1",
            weights_sha256="f" * 64,
            inputs_sha256="f" * 64,
            eligible_count=2,
            excluded_count=0,
            ranking={
                "offer": str(offer.id),
                "ranked": [{"candidate": alice.pseudonym, "score": 0.9}, {"candidate": bruno.pseudonym, "score": 0.8}],
                "excluded": [],
            },
        )
        db.add(shortlist)
        db.flush()
        assert shortlist.id is not None
        for person in (alice, bruno):
            db.add(
                ShortlistOverride(
                    shortlist_id=shortlist.id,
                    candidate=person.pseudonym,
                    decision="exclude",
                    reason=person.comment,
                    decided_by="user:1",
                )
            )
            db.add(
                Decision(
                    subject=DecisionSubject.SHORTLIST_ENTRY,
                    shortlist_id=shortlist.id,
                    target=f"candidate:{person.pseudonym}",
                    action=DecisionAction.ACCEPT,
                    original_value="ranked",
                    reason_code=ReasonCode.EVIDENCE_SUPPORTS,
                    comment=person.comment,
                    basis_sha256="e" * 64,
                    decided_by=user.id,
                )
            )
        world = World(organisation.id, user.id, offer.id, shortlist.id, alice, bruno)
    settings = get_settings()
    vault = DatabaseVault(engine, VaultCipher(settings.pii_vault_key.get_secret_value()))
    sink = DatabaseAuditSink(engine)
    with open_checkpointer(settings) as saver:
        for person in (alice, bruno):
            vault.get_or_create(person.session_id, "TELEPHONE", vault.digest("TELEPHONE", person.phone), person.phone)
            config = {"configurable": {"thread_id": person.session_id, "checkpoint_ns": ""}}
            saver.put(config, empty_checkpoint(), {"source": "input", "step": -1, "parents": {}}, {})
            sink("session_started", {}, session_id=person.session_id)
            sink("shortlist.override", {"shortlist_id": world.shortlist_id, "candidate": person.pseudonym})
    return world
