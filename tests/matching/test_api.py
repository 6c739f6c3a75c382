"""The matching API on a real database (SQLite, and PostgreSQL when configured): rankings on request,
matching profiles, stored shortlists with their audit trail, and advisers' overrides; as a logged-in referent,
who only reaches their own organisation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.audit import MemoryAuditSink
from app.db.models import (
    AuditEvent,
    Candidate,
    Organisation,
    OrganisationKind,
    Schedule,
    TrainingOffer,
    User,
    UserRole,
    utcnow,
)
from app.db.passwords import hash_password
from app.matching import default_rules, service
from app.matching.inputs import CandidateProfile
from app.settings import get_settings
from app.web import login
from app.web.errors import install_error_pages
from app.web.matching_api import router
from tests.matching.support import METZ, NANCY, candidate_data, offer_data
from tests.referent.conftest import log_in
from tests.referent.world import Account

AS_OF = "2027-01-04"


def profile(pseudonym: str, **changes: Any) -> dict[str, Any]:
    data = candidate_data(id=pseudonym, **changes)
    del data["protected"]
    return data


PASSWORD = "mot-de-passe-de-test"


def _app() -> FastAPI:
    app = FastAPI()
    app.include_router(login.router)
    app.include_router(router)
    install_error_pages(app)
    return app


@pytest.fixture
def referent(migrated_engine: Engine) -> Account:
    """A training centre in Metz and its referent."""
    with Session(migrated_engine) as session:
        organisation = Organisation(name="Centre de formation, Metz", kind=OrganisationKind.TRAINING_CENTRE)
        session.add(organisation)
        session.flush()
        assert organisation.id is not None
        user = User(
            organisation_id=organisation.id,
            email="referente@metz.test",
            full_name="Référente",
            role=UserRole.REFERENT,
            password_hash=hash_password(PASSWORD),
        )
        session.add(user)
        session.commit()
        assert user.id is not None
        return Account(user.id, user.email, PASSWORD, UserRole.REFERENT, organisation.id)


@pytest.fixture
def client(
    db_url: str, migrated_engine: Engine, referent: Account, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    """Logged in as the referent; unsafe requests carry the session's CSRF token."""
    monkeypatch.setenv("TREMPLIN_DATABASE_URL", db_url)
    get_settings.cache_clear()
    with TestClient(_app(), follow_redirects=False) as test_client:
        test_client.headers["X-CSRF-Token"] = log_in(test_client, referent, migrated_engine)
        yield test_client


@pytest.fixture
def stateless_client(client: TestClient) -> TestClient:
    """For the routes that rank what the request carries (a login is still needed)."""
    return client


@pytest.fixture
def offer_id(migrated_engine: Engine, referent: Account) -> int:
    """One DEAS offer in Metz and four candidates of the referent's centre: C-AAAAAA ... C-DDDDDD."""
    with Session(migrated_engine) as session:
        organisation = session.get(Organisation, referent.organisation_id)
        assert organisation is not None
        assert organisation.id is not None
        offer = TrainingOffer(
            title="Diplôme d'État d'aide-soignant (DEAS)",
            rubric_id="aide-soignant",
            sector="Santé",
            commune="Metz",
            lat=METZ[0],
            lon=METZ[1],
            start_date=date(2027, 3, 1),
            end_date=date(2027, 12, 17),
            schedule=Schedule.FULL_TIME,
            seats=20,
            min_diploma_level=3,
            driving_licence=False,
            prerequisites_required=True,
            organisation_id=organisation.id,
        )
        session.add(offer)
        for pseudonym in ("C-AAAAAA", "C-BBBBBB", "C-CCCCCC", "C-DDDDDD"):
            session.add(Candidate(pseudonym=pseudonym, organisation_id=organisation.id))
        session.commit()
        assert offer.id is not None
        return offer.id


def put_profiles(client: TestClient) -> None:
    profiles = {
        "C-AAAAAA": profile("C-AAAAAA", assessment__theta=1.2),
        "C-BBBBBB": profile("C-BBBBBB"),
        "C-CCCCCC": profile("C-CCCCCC", lat=NANCY[0], lon=NANCY[1]),  # 48 km away, 30 km accepted
        "C-DDDDDD": profile("C-DDDDDD"),
    }
    for pseudonym, body in profiles.items():
        response = client.put(f"/api/matching/candidates/{pseudonym}/profile", json=body)
        assert response.status_code == 200, response.text
        assert response.json() == body


def events(engine: Engine, event_type: str) -> list[dict[str, Any]]:
    with Session(engine) as session:
        return [e.payload for e in session.exec(select(AuditEvent).where(AuditEvent.event_type == event_type)).all()]


def test_rank_candidates_on_request_follows_the_cli_contract(stateless_client: TestClient) -> None:
    client = stateless_client
    body = {"offer": offer_data(), "candidates": [profile("C-1"), profile("C-2", diploma_level=0)], "as_of": AS_OF}
    response = client.post("/api/matching/rank-candidates", json=body)
    assert response.status_code == 200, response.text
    result = response.json()
    assert list(result) == ["offer", "weights_version", "ranked", "excluded", "trace"]
    assert [item["candidate"] for item in result["ranked"]] == ["C-1"]
    assert result["ranked"][0]["score"] == 0.6395
    assert result["excluded"] == [{"candidate": "C-2", "reasons": ["Niveau de diplôme 0 inférieur au niveau 3 exigé."]}]


def test_rank_offers_on_request(stateless_client: TestClient) -> None:
    client = stateless_client
    body = {
        "candidate": profile("C-1"),
        "offers": [offer_data(), offer_data(id="OF-2", requirements__driving_licence=True)],
        "as_of": AS_OF,
        "top": 1,
    }
    result = client.post("/api/matching/rank-offers", json=body).json()
    assert [item["offer"] for item in result["ranked"]] == ["OF-1"]
    assert [item["offer"] for item in result["excluded"]] == ["OF-2"]


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda body: body["candidates"][0].update(protected={"sex": "F"}), "protected"),
        (lambda body: body["candidates"].append(profile("C-1")), "candidate id 'C-1' appears twice"),
        (lambda body: body.update(weights_version="v9"), "weights version 'v9': unknown"),
        (lambda body: body["offer"].update(schedule="weekend"), "schedule"),
    ],
    ids=["protected attributes", "duplicate id", "unknown weights", "bad offer field"],
)
def test_bad_ranking_requests_are_refused(stateless_client: TestClient, change: Any, fragment: str) -> None:
    body: dict[str, Any] = {"offer": offer_data(), "candidates": [profile("C-1")], "as_of": AS_OF}
    change(body)
    response = stateless_client.post("/api/matching/rank-candidates", json=body)
    assert response.status_code == 422
    assert fragment in response.text


def test_shortlist_is_stored_audited_and_overridable(
    client: TestClient, offer_id: int, migrated_engine: Engine, referent: Account
) -> None:
    put_profiles(client)
    with Session(migrated_engine) as session:  # an erased candidate disappears from rankings
        erased = session.exec(select(Candidate).where(Candidate.pseudonym == "C-DDDDDD")).one()
        erased.erased_at = utcnow()
        session.add(erased)
        session.commit()
    assert client.get(f"/api/matching/offers/{offer_id}/shortlist").status_code == 404

    created = client.post(f"/api/matching/offers/{offer_id}/shortlists", json={"as_of": AS_OF})
    assert created.status_code == 201, created.text
    shortlist = created.json()
    assert [item["candidate"] for item in shortlist["ranking"]["ranked"]] == ["C-AAAAAA", "C-BBBBBB"]
    assert [item["candidate"] for item in shortlist["ranking"]["excluded"]] == ["C-CCCCCC"]
    assert (shortlist["eligible_count"], shortlist["excluded_count"], shortlist["weights_version"]) == (2, 1, "v1")
    assert shortlist["overrides"] == []
    [event] = events(migrated_engine, "shortlist.created")
    assert event["shortlist_id"] == shortlist["id"]
    assert event["inputs_sha256"] == shortlist["inputs_sha256"]

    assert shortlist["created_by"] == f"user:{referent.id}"  # the login, not a value of the request
    override = {"candidate": "C-CCCCCC", "decision": "include", "reason": "Déménage à Metz en février."}
    added = client.post(f"/api/matching/shortlists/{shortlist['id']}/overrides", json=override)
    assert added.status_code == 201, added.text
    assert added.json()["decided_by"] == f"user:{referent.id}"
    assert events(migrated_engine, "shortlist.override")[0]["candidate"] == "C-CCCCCC"

    latest = client.get(f"/api/matching/offers/{offer_id}/shortlist").json()
    assert latest["id"] == shortlist["id"]
    assert [(o["candidate"], o["decision"]) for o in latest["overrides"]] == [("C-CCCCCC", "include")]


# (override, expected status, fragment of the answer), each tried after C-CCCCCC was included
OVERRIDE_CASES: list[tuple[dict[str, str], int, str]] = [
    ({"candidate": "C-CCCCCC", "decision": "include"}, 409, "already has an override"),
    ({"candidate": "C-AAAAAA", "decision": "include"}, 409, "not among the not eligible candidates"),
    ({"candidate": "C-BBBBBB", "decision": "exclude"}, 201, "C-BBBBBB"),
    ({"candidate": "C-ZZZZZZ", "decision": "exclude"}, 409, "not among the ranked candidates"),
    ({"candidate": "C-AAAAAA", "decision": "maybe"}, 422, "decision"),
    ({"candidate": "C-AAAAAA", "decision": "exclude", "reason": ""}, 422, "reason"),
]


def test_each_override_is_checked_against_the_shortlist(client: TestClient, offer_id: int) -> None:
    put_profiles(client)
    shortlist = client.post(f"/api/matching/offers/{offer_id}/shortlists", json={"as_of": AS_OF}).json()
    url = f"/api/matching/shortlists/{shortlist['id']}/overrides"
    first = {"candidate": "C-CCCCCC", "decision": "include", "reason": "Déménage."}
    assert client.post(url, json=first).status_code == 201
    for override, status, fragment in OVERRIDE_CASES:
        response = client.post(url, json={"reason": "Parce que.", **override})
        assert (response.status_code, fragment in response.text) == (status, True), (override, response.text)


def test_offers_for_a_stored_candidate(client: TestClient, offer_id: int) -> None:
    put_profiles(client)
    result = client.get("/api/matching/candidates/C-BBBBBB/offers", params={"as_of": AS_OF}).json()
    assert result["candidate"] == "C-BBBBBB"
    assert [item["offer"] for item in result["ranked"]] == [str(offer_id)]


# (method, url, body, expected status)
NOT_FOUND_CASES: list[tuple[str, str, Any, int]] = [
    ("PUT", "/api/matching/candidates/C-NOBODY/profile", profile("C-NOBODY"), 404),
    ("PUT", "/api/matching/candidates/C-AAAAAA/profile", profile("C-BBBBBB"), 422),
    ("GET", "/api/matching/candidates/C-AAAAAA/offers", None, 404),  # no profile yet
    ("POST", "/api/matching/offers/999/shortlists", {}, 404),
    ("GET", "/api/matching/offers/999/shortlist", None, 404),
    (
        "POST",
        "/api/matching/shortlists/999/overrides",
        {"candidate": "C-1", "decision": "include", "reason": "r"},
        404,
    ),
]


def test_unknown_things_are_404_and_mismatches_422(client: TestClient, offer_id: int) -> None:
    for method, url, body, status in NOT_FOUND_CASES:
        response = client.request(method, url, json=body)
        assert response.status_code == status, (method, url, response.text)


def test_refreshing_a_rubric_reranks_exactly_its_offers_in_the_organisation(
    client: TestClient, offer_id: int, migrated_engine: Engine
) -> None:
    put_profiles(client)
    with Session(migrated_engine) as session:
        other = session.get(TrainingOffer, offer_id)
        assert other is not None
        session.add(TrainingOffer(**{**other.model_dump(exclude={"id", "created_at"}), "rubric_id": "soudeur"}))
        elsewhere = Organisation(name="Centre d'une autre ville", kind=OrganisationKind.TRAINING_CENTRE)
        session.add(elsewhere)
        session.flush()
        assert elsewhere.id is not None
        session.add(
            TrainingOffer(**{**other.model_dump(exclude={"id", "created_at"}), "organisation_id": elsewhere.id})
        )
        session.commit()
        audit = MemoryAuditSink()
        created = service.refresh_shortlists(
            session, "aide-soignant", other.organisation_id, rules=default_rules(), as_of=date(2027, 1, 4), audit=audit
        )
        assert [shortlist.offer_id for shortlist in created] == [offer_id]
        assert [event[0] for event in audit.events] == ["shortlist.created"]


def test_another_organisation_is_out_of_reach(client: TestClient, offer_id: int, migrated_engine: Engine) -> None:
    """Its candidates and offers answer 404 like unknown ones, and never enter this organisation's rankings."""
    put_profiles(client)
    with Session(migrated_engine) as session:
        own = session.get(TrainingOffer, offer_id)
        assert own is not None
        other = Organisation(name="Agence d'une autre ville", kind=OrganisationKind.FRANCE_TRAVAIL_AGENCY)
        session.add(other)
        session.flush()
        assert other.id is not None
        other_offer = TrainingOffer(**{**own.model_dump(exclude={"id", "created_at"}), "organisation_id": other.id})
        session.add_all([other_offer, Candidate(pseudonym="C-EEEEEE", organisation_id=other.id)])
        session.commit()
        service.save_profile(session, CandidateProfile.model_validate(profile("C-EEEEEE")))
        assert other_offer.id is not None
        other_offer_id = other_offer.id
    for method, url, body in [
        ("PUT", "/api/matching/candidates/C-EEEEEE/profile", profile("C-EEEEEE")),
        ("GET", "/api/matching/candidates/C-EEEEEE/offers", None),
        ("POST", f"/api/matching/offers/{other_offer_id}/shortlists", {"as_of": AS_OF}),
        ("GET", f"/api/matching/offers/{other_offer_id}/shortlist", None),
    ]:
        response = client.request(method, url, json=body)
        assert response.status_code == 404, (method, url, response.text)
    shortlist = client.post(f"/api/matching/offers/{offer_id}/shortlists", json={"as_of": AS_OF}).json()
    listed = {item["candidate"] for part in ("ranked", "excluded") for item in shortlist["ranking"][part]}
    assert listed == {"C-AAAAAA", "C-BBBBBB", "C-CCCCCC", "C-DDDDDD"}
    offers = client.get("/api/matching/candidates/C-AAAAAA/offers", params={"as_of": AS_OF}).json()
    assert [item["offer"] for item in offers["ranked"] + offers["excluded"]] == [str(offer_id)]
