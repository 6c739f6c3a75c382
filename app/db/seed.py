"""Demo data for a first run: one training centre in Metz, one referent account and three Grand-Est offers (its
assessed candidates: `app.db.demo_candidates`)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.db.models import Organisation, OrganisationKind, Schedule, TrainingOffer, User, UserRole
from app.db.passwords import hash_password

DEMO_ORGANISATION = "Centre de formation de démonstration, Metz"
DEMO_LOGIN = "referent@demo.tremplin.local"


@dataclass(frozen=True)
class SeedResult:
    """`password` is the referent's clear password, returned only by the run that created the account."""

    created: bool
    login: str
    password: str | None
    organisation_id: int


def _demo_offers(organisation_id: int) -> list[TrainingOffer]:
    return [
        TrainingOffer(
            title="Diplôme d'État d'aide-soignant (DEAS)",
            rubric_id="aide-soignant",
            sector="Santé et action sociale",
            commune="Metz",
            lat=49.1193,
            lon=6.1757,
            start_date=date(2027, 1, 4),
            end_date=date(2027, 12, 17),
            schedule=Schedule.FULL_TIME,
            seats=30,
            prerequisites_required=True,  # selection on file and interview, vaccinations
            organisation_id=organisation_id,
            min_diploma_level=3,
            driving_licence=False,
        ),
        TrainingOffer(
            title="Titre professionnel assistant de vie aux familles",
            rubric_id="assistant-de-vie-aux-familles",
            sector="Services à la personne",
            commune="Nancy",
            lat=48.6921,
            lon=6.1844,
            start_date=date(2027, 2, 1),
            end_date=date(2027, 6, 11),
            schedule=Schedule.PART_TIME,
            seats=12,
            prerequisites_required=False,
            organisation_id=organisation_id,
            min_diploma_level=3,
            driving_licence=False,
        ),
        TrainingOffer(
            title="Titre professionnel opérateur de production industrielle",
            rubric_id="operateur-de-production",
            sector="Industrie",
            commune="Strasbourg",
            lat=48.5734,
            lon=7.7521,
            start_date=date(2027, 3, 1),
            end_date=date(2027, 6, 25),
            schedule=Schedule.FULL_TIME,
            seats=14,
            prerequisites_required=False,
            organisation_id=organisation_id,
            min_diploma_level=3,
            driving_licence=False,
        ),
    ]


def seed_demo(target: Session | Engine) -> SeedResult:
    """Create whatever part of the demo data is missing; a complete demo is left untouched.

    Given an engine it commits; given a session it only flushes and the caller commits.
    """
    if isinstance(target, Session):
        return _seed(target)
    with Session(target) as session, session.begin():
        return _seed(session)


def _seed(session: Session) -> SeedResult:
    created = False
    organisation = session.exec(select(Organisation).where(Organisation.name == DEMO_ORGANISATION)).first()
    if organisation is None:
        organisation = Organisation(name=DEMO_ORGANISATION, kind=OrganisationKind.TRAINING_CENTRE)
        session.add(organisation)
        session.flush()
        created = True
    assert organisation.id is not None

    password = None
    if session.exec(select(User).where(User.email == DEMO_LOGIN)).first() is None:
        password = secrets.token_urlsafe(18)
        session.add(
            User(
                organisation_id=organisation.id,
                email=DEMO_LOGIN,
                full_name="Référente de démonstration",
                role=UserRole.REFERENT,
                password_hash=hash_password(password),
            )
        )
        created = True

    existing = set(
        session.exec(select(TrainingOffer.title).where(TrainingOffer.organisation_id == organisation.id)).all()
    )
    for offer in _demo_offers(organisation.id):
        if offer.title not in existing:
            session.add(offer)
            created = True
    session.flush()
    return SeedResult(created=created, login=DEMO_LOGIN, password=password, organisation_id=organisation.id)
