"""Two candidates of one organisation with everything Tremplin can hold on a person: sessions, scrubbed
messages, pseudonym vault, report, decisions, matching profile, declared attributes, shortlist, override,
checkpoints and audit events. Each candidate's personal strings are unique canaries, so a test can look for
them anywhere in the database."""

from __future__ import annotations

from dataclasses import dataclass

from langgraph.checkpoint.base import empty_checkpoint
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.assessment.report import build_report, save_report
from app.checkpoints import open_checkpointer
from app.db.audit import DatabaseAuditSink
from app.db.models import (
    Candidate,
    CandidateProtectedAttributes,
    Decision,
    DecisionAction,
    DecisionSubject,
    Message,
    MessageRole,
    ReasonCode,
    ShortlistOverride,
    User,
    UserRole,
)
from app.pii.vault import DatabaseVault, VaultCipher
from app.settings import get_settings
from tests.worlds import add_organisation, finished_session, matching_profile, motivation_scoring, offer, shortlist


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


def _person(db: Session, organisation_id: int, user_id: int, name: str, number: str) -> Person:
    candidate = Candidate(organisation_id=organisation_id)
    db.add(candidate)
    db.flush()
    session = finished_session(candidate.id)
    db.add(session)
    db.flush()
    quote = f"je garde les enfants de ma voisine {name}quote"
    person = Person(candidate.id, candidate.pseudonym, session.id, f"06 12 34 {number}", quote, f"{name}comment")
    db.add(Message(session_id=session.id, seq=0, role=MessageRole.ASSISTANT, content_scrubbed="Bonjour !"))
    db.add(Message(session_id=session.id, seq=1, role=MessageRole.CANDIDATE, content_scrubbed=f"{quote} <TELEPHONE_1>"))
    scoring = motivation_scoring(quote, manipulation_quotes=(quote,))
    save_report(db, build_report(scorings=[scoring], session_id=session.id, candidate_id=candidate.pseudonym))
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
    db.add(matching_profile(candidate.id))
    db.add(CandidateProtectedAttributes(candidate_id=candidate.id, sex="F", age_band="26-44"))
    return person


def build_world(engine: Engine) -> World:
    """Everything above; checkpoints go where the settings say (the caller points them at `engine`'s database)."""
    with Session(engine) as db, db.begin():
        organisation_id = add_organisation(db, "Centre de test")
        user = User(
            organisation_id=organisation_id,
            email="referent@test.local",
            full_name="Référente",
            role=UserRole.REFERENT,
            password_hash="x",
        )
        deas = offer(organisation_id)
        db.add_all([user, deas])
        db.flush()
        assert user.id is not None
        assert deas.id is not None
        alice = _person(db, organisation_id, user.id, "alice", "56 78")
        bruno = _person(db, organisation_id, user.id, "bruno", "99 00")
        ranked = shortlist(deas.id, {alice.pseudonym: 0.9, bruno.pseudonym: 0.8})
        db.add(ranked)
        db.flush()
        assert ranked.id is not None
        for person in (alice, bruno):
            db.add(
                ShortlistOverride(
                    shortlist_id=ranked.id,
                    candidate=person.pseudonym,
                    decision="exclude",
                    reason=person.comment,
                    decided_by="user:1",
                )
            )
            db.add(
                Decision(
                    subject=DecisionSubject.SHORTLIST_ENTRY,
                    shortlist_id=ranked.id,
                    target=f"candidate:{person.pseudonym}",
                    action=DecisionAction.ACCEPT,
                    original_value="ranked",
                    reason_code=ReasonCode.EVIDENCE_SUPPORTS,
                    comment=person.comment,
                    basis_sha256="e" * 64,
                    decided_by=user.id,
                )
            )
        world = World(organisation_id, user.id, deas.id, ranked.id, alice, bruno)
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
