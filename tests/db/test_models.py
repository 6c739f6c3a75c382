from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from app.db.models import (
    AssessmentSession,
    Candidate,
    Flow,
    Message,
    MessageRole,
    Organisation,
    OrganisationKind,
    Report,
    Schedule,
    SessionStatus,
    TrainingOffer,
    User,
    UserPublic,
    UserRole,
    new_pseudonym,
)


def _offer(organisation_id: int, **overrides: Any) -> TrainingOffer:
    fields: dict[str, Any] = {
        "organisation_id": organisation_id,
        "title": "Titre professionnel cariste d'entrepôt",
        "rubric_id": "cariste-logistique",
        "sector": "Transport et logistique",
        "commune": "Strasbourg",
        "lat": 48.5734,
        "lon": 7.7521,
        "start_date": date(2027, 3, 1),
        "end_date": date(2027, 6, 25),
        "schedule": Schedule.FULL_TIME,
        "seats": 14,
        "min_diploma_level": 3,
    }
    return TrainingOffer(**(fields | overrides))


def _add_one_of_each(session: Session) -> dict[type[SQLModel], SQLModel]:
    """One row per table (the audit log aside), flushed in foreign-key order."""
    organisation = Organisation(name="Agence France Travail Metz Nord", kind=OrganisationKind.FRANCE_TRAVAIL_AGENCY)
    session.add(organisation)
    session.flush()
    assert organisation.id is not None
    user = User(
        organisation_id=organisation.id,
        email="conseillere@ft.example",
        full_name="Conseillère référente",
        role=UserRole.ADMIN,
        password_hash="$argon2id$placeholder",
    )
    candidate = Candidate(organisation_id=organisation.id)
    offer = _offer(organisation.id, driving_licence=True)
    session.add_all([user, candidate, offer])
    session.flush()
    assessment = AssessmentSession(
        candidate_id=candidate.id,
        offer_id=offer.id,
        rubric_id="cariste-logistique",
        rubric_version="2027.1",
        flows=[Flow.QUIZ, Flow.MOTIVATION],
        status=SessionStatus.IN_PROGRESS,
        consent=True,
    )
    session.add(assessment)
    session.flush()
    message = Message(
        session_id=assessment.id, seq=0, role=MessageRole.CANDIDATE, content_scrubbed="Je m'appelle <PERSON>."
    )
    report = Report(
        session_id=assessment.id,
        rubric_id="cariste-logistique",
        rubric_version="2027.1",
        model_provider="rules",
        model_name="rules-v1",
        prompt_versions={"quiz": "3", "report": "7"},
        recommendation="favourable",
        confidence=0.82,
        flags=["low_confidence_motivation"],
        report_json={"summary": "Motivé, à l'aise avec la sécurité.", "scores": {"safety": 4, "rigour": 3.5}},
    )
    session.add_all([message, report])
    session.flush()
    return {
        Organisation: organisation,
        User: user,
        Candidate: candidate,
        TrainingOffer: offer,
        AssessmentSession: assessment,
        Message: message,
        Report: report,
    }


@pytest.mark.parametrize(
    ("model", "field", "new_value"),
    [
        (Organisation, "kind", OrganisationKind.MISSION_LOCALE),
        (User, "is_active", False),
        (Candidate, "erased_at", datetime(2027, 5, 2, 8, 30, tzinfo=UTC)),
        (TrainingOffer, "schedule", Schedule.PART_TIME),
        (AssessmentSession, "flows", ["mock"]),
        (Message, "content_scrubbed", "J'habite à <LOCATION>."),
        (Report, "report_json", {"summary": "Réservé", "scores": {"safety": 2}}),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else None,
)
def test_create_read_update_round_trip(
    migrated_engine: Engine, model: type[SQLModel], field: str, new_value: object
) -> None:
    with Session(migrated_engine) as session:
        row = _add_one_of_each(session)[model]
        expected = row.model_dump()
        key = row.id
        session.commit()

    with Session(migrated_engine) as session:
        loaded = session.get(model, key)
        assert loaded is not None
        assert loaded.model_dump() == expected
        for value in expected.values():
            if isinstance(value, datetime):
                assert value.tzinfo is UTC
        setattr(loaded, field, new_value)
        session.commit()

    with Session(migrated_engine) as session:
        assert getattr(session.get(model, key), field) == new_value


def test_timestamps_read_back_as_aware_utc(migrated_engine: Engine) -> None:
    with Session(migrated_engine) as session:
        candidate = _add_one_of_each(session)[Candidate]
        assert isinstance(candidate, Candidate)
        candidate.erased_at = datetime(2027, 5, 2, 12, 30, tzinfo=timezone(timedelta(hours=2)))  # Paris, summer
        session.commit()
        candidate_id = candidate.id
    with Session(migrated_engine) as session:
        loaded = session.get(Candidate, candidate_id)
        assert loaded is not None
        assert loaded.erased_at == datetime(2027, 5, 2, 10, 30, tzinfo=UTC)
        assert loaded.erased_at.tzinfo is UTC


def test_naive_datetimes_are_refused(migrated_engine: Engine) -> None:
    with Session(migrated_engine) as session:
        candidate = _add_one_of_each(session)[Candidate]
        candidate.erased_at = datetime(2027, 5, 2, 10, 30)
        with pytest.raises(sa.exc.StatementError, match="naive datetime"):
            session.flush()


def test_deleting_a_session_deletes_its_messages_and_report(migrated_engine: Engine) -> None:
    with Session(migrated_engine) as session:
        assessment = _add_one_of_each(session)[AssessmentSession]
        session.commit()
        session.execute(sa.delete(AssessmentSession).where(AssessmentSession.id == assessment.id))
        session.commit()
        assert session.exec(select(Message)).all() == []
        assert session.exec(select(Report)).all() == []
        assert session.exec(select(Candidate)).one()


def test_deleting_a_referenced_organisation_is_refused(migrated_engine: Engine) -> None:
    with Session(migrated_engine) as session:
        _add_one_of_each(session)
        session.commit()
        with pytest.raises(sa.exc.IntegrityError):
            session.execute(sa.delete(Organisation))


@pytest.mark.parametrize(
    "overrides",
    [
        {"min_diploma_level": 2},
        {"min_diploma_level": 9},
        {"seats": 0},
        {"lat": 91.0},
        {"lon": -181.0},
        {"end_date": date(2027, 2, 28)},
    ],
    ids=lambda overrides: "-".join(f"{k}={v}" for k, v in overrides.items()),
)
def test_offer_constraints_are_enforced_by_the_database(migrated_engine: Engine, overrides: dict[str, Any]) -> None:
    with Session(migrated_engine) as session:
        organisation = Organisation(name="Centre", kind=OrganisationKind.TRAINING_CENTRE)
        session.add(organisation)
        session.flush()
        session.add(_offer(organisation.id, **overrides))
        with pytest.raises(sa.exc.IntegrityError):
            session.flush()


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO organisation (name, kind, created_at) VALUES ('x', 'bakery', CURRENT_TIMESTAMP)",
        "INSERT INTO report (session_id, rubric_id, rubric_version, model_provider, model_name, prompt_versions,"
        " recommendation, confidence, flags, report_json, created_at)"
        " VALUES ('s', 'r', '1', 'p', 'm', '{}', 'favourable', 1.5, '[]', '{}', CURRENT_TIMESTAMP)",
    ],
    ids=["unknown-organisation-kind", "confidence-above-one"],
)
def test_check_constraints_hold_for_raw_sql(migrated_engine: Engine, statement: str) -> None:
    with pytest.raises(sa.exc.IntegrityError), migrated_engine.begin() as connection:
        connection.exec_driver_sql(statement)


def test_message_sequence_numbers_are_unique_per_session(migrated_engine: Engine) -> None:
    with Session(migrated_engine) as session:
        rows = _add_one_of_each(session)
        assessment = rows[AssessmentSession]
        other = AssessmentSession(
            candidate_id=rows[Candidate].id,
            rubric_id="aide-soignant",
            rubric_version="1",
        )
        session.add(other)
        session.add(Message(session_id=other.id, seq=0, role=MessageRole.ASSISTANT, content_scrubbed="Bonjour"))
        session.flush()  # seq 0 again, but in another session: accepted
        session.add(Message(session_id=assessment.id, seq=0, role=MessageRole.ASSISTANT, content_scrubbed="Bonjour"))
        with pytest.raises(sa.exc.IntegrityError):
            session.flush()


def test_user_public_never_exposes_the_password_hash(migrated_engine: Engine) -> None:
    with Session(migrated_engine) as session:
        user = _add_one_of_each(session)[User]
        public = UserPublic.model_validate(user).model_dump()
    assert "password_hash" not in public
    assert public["email"] == "conseillere@ft.example"


def test_candidate_table_cannot_hold_identity_data() -> None:
    assert set(Candidate.__table__.columns.keys()) == {
        "id",
        "pseudonym",
        "organisation_id",
        "created_at",
        "erased_at",
    }


def test_pseudonyms_are_short_unambiguous_codes() -> None:
    codes = {new_pseudonym() for _ in range(200)}
    assert len(codes) == 200
    assert all(re.fullmatch(r"C-[2-9A-HJKMNP-TV-Z]{6}", code) for code in codes)


def test_flows_read_back_as_members_and_unknown_flows_are_refused(migrated_engine: Engine) -> None:
    with Session(migrated_engine) as session:
        assessment = _add_one_of_each(session)[AssessmentSession]
        session.commit()
        session.expire_all()
        assert assessment.flows == [Flow.QUIZ, Flow.MOTIVATION]
        assert all(isinstance(flow, Flow) for flow in assessment.flows)

        assessment.flows = ["quiz", "karaoke"]
        with pytest.raises(sa.exc.StatementError, match="karaoke"):
            session.flush()
