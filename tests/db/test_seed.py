from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from app.db.models import Organisation, TrainingOffer, User, UserRole
from app.db.passwords import verify_password
from app.db.seed import DEMO_LOGIN, DEMO_ORGANISATION, seed_demo


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
