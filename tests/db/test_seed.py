from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from app.assessment.report import load_report
from app.db.audit import verify_chain
from app.db.demo_candidates import (
    DEMO_CANDIDATES,
    DEMO_RUBRIC,
    SYNTHETIC_SCRUBBER,
    demo_texts,
    seed_demo_candidates,
)
from app.db.models import (
    AssessmentSession,
    AuditEvent,
    Candidate,
    Message,
    Organisation,
    Report,
    Shortlist,
    TrainingOffer,
    User,
    UserRole,
)
from app.db.passwords import verify_password
from app.db.seed import DEMO_LOGIN, DEMO_ORGANISATION, seed_demo
from app.pii import get_scrubber


def _counts(engine: Engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return tuple(  # type: ignore[return-value]
            session.exec(select(func.count()).select_from(model)).one() for model in (Organisation, User, TrainingOffer)
        )


def test_first_run_creates_the_demo_and_returns_the_password_once(migrated_engine: Engine) -> None:
    first = seed_demo(migrated_engine)
    second = seed_demo(migrated_engine)

    assert (first.created, first.login) == (True, DEMO_LOGIN)
    assert len(first.password or "") >= 20
    assert (second.created, second.login, second.password) == (False, DEMO_LOGIN, None)
    assert _counts(migrated_engine) == (1, 1, 3)


def test_stored_hash_verifies_the_returned_password(migrated_engine: Engine) -> None:
    result = seed_demo(migrated_engine)
    assert result.password is not None
    with Session(migrated_engine) as session:
        user = session.exec(select(User).where(User.email == DEMO_LOGIN)).one()
        organisation = session.get(Organisation, user.organisation_id)

    assert organisation is not None
    assert organisation.name == DEMO_ORGANISATION
    assert (user.role, user.is_active) == (UserRole.REFERENT, True)
    assert result.password not in user.password_hash
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, result.password)
    assert not verify_password(user.password_hash, result.password + "x")


def test_demo_offers_are_in_grand_est(migrated_engine: Engine) -> None:
    seed_demo(migrated_engine)
    with Session(migrated_engine) as session:
        offers = session.exec(select(TrainingOffer)).all()

    assert {offer.commune for offer in offers} == {"Metz", "Nancy", "Strasbourg"}
    for offer in offers:
        assert 47.4 < offer.lat < 50.2, offer.commune
        assert 3.3 < offer.lon < 8.3, offer.commune
        assert offer.start_date < offer.end_date


def test_a_missing_piece_is_restored_without_a_new_password(migrated_engine: Engine) -> None:
    seed_demo(migrated_engine)
    with Session(migrated_engine) as session:
        session.delete(session.exec(select(TrainingOffer).where(TrainingOffer.commune == "Nancy")).one())
        session.commit()

    with Session(migrated_engine) as session:
        result = seed_demo(session)  # given a session, the caller commits
        session.commit()

    assert (result.created, result.password) == (True, None)
    assert _counts(migrated_engine) == (1, 1, 3)


def _demo_state(engine: Engine) -> tuple[dict[str, str], int, int]:
    """Each demo candidate's recommendation, the number of shortlists, and the number of audit events."""
    with Session(engine) as db:
        recommendations = {}
        for candidate, row in db.exec(
            select(Candidate, AssessmentSession).where(AssessmentSession.candidate_id == Candidate.id)
        ).all():
            report = load_report(db, row.id)
            assert report is not None, candidate.pseudonym
            recommendations[candidate.pseudonym] = report.recommendation
        shortlists = db.exec(select(func.count()).select_from(Shortlist)).one()
        events = db.exec(select(func.count()).select_from(AuditEvent)).one()
    return recommendations, shortlists, events


def test_demo_candidates_are_assessed_through_the_product_once(migrated_engine: Engine) -> None:
    organisation_id = seed_demo(migrated_engine).organisation_id

    assert seed_demo_candidates(migrated_engine, organisation_id) == len(DEMO_CANDIDATES)

    recommendations, shortlists, events = _demo_state(migrated_engine)
    assert set(recommendations) == {candidate.pseudonym for candidate in DEMO_CANDIDATES}
    assert len(set(recommendations.values())) > 1  # the scripted answers give different results
    with Session(migrated_engine) as db:
        offer = db.exec(select(TrainingOffer).where(TrainingOffer.rubric_id == DEMO_RUBRIC)).one()
        latest = db.exec(
            select(Shortlist).where(Shortlist.offer_id == offer.id).order_by(col(Shortlist.id).desc())
        ).first()
        assert latest is not None
        ranked = [entry["candidate"] for entry in latest.ranking["ranked"]]
        excluded = {entry["candidate"] for entry in latest.ranking["excluded"]}
        reports = [load_report(db, session_id) for session_id in db.exec(select(Report.session_id)).all()]
        messages = db.exec(select(func.count()).select_from(Message)).one()
        event_types = set(db.exec(select(AuditEvent.event_type)).all())
    assert ranked[0] == "C-DEM2A1"  # the detailed answers and the right quiz answers come first
    assert "C-DEM2D4" in excluded  # lives in Strasbourg, accepts 20 km: not eligible for Metz, and listed
    assert {scoring.scrubber for report in reports if report for scoring in report.scoring} == {SYNTHETIC_SCRUBBER}
    assert messages > 20 * len(DEMO_CANDIDATES)  # the transcripts are stored, for the report's transcript view
    assert {"session_started", "consent_given", "quiz_completed", "session_completed", "report_saved"} <= event_types
    assert "shortlists_refreshed" in event_types
    assert verify_chain(migrated_engine).ok

    assert seed_demo_candidates(migrated_engine, organisation_id) == 0  # a complete demo is left untouched
    assert _demo_state(migrated_engine) == (recommendations, shortlists, events)


def test_demo_answers_hold_no_personal_data() -> None:
    """The demo skips the scrubber only because its texts are synthetic: the real scrubber must find nothing."""
    scrubber = get_scrubber()
    for text in demo_texts():
        assert scrubber.scrub(text) == text
