"""The oversight pages through the real app: who may open what, CSRF, confirmation of erasure, and no personal
data on the audit and indicators pages."""

from __future__ import annotations

import html
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.db.models import AuditEvent, Candidate, Message
from tests.referent.conftest import StaffClient
from tests.referent.world import World

Client = Callable[[str | None], StaffClient]


def _route(world: World, name: str) -> tuple[str, str]:
    a = world.a.candidate_id
    return {
        "audit": ("GET", "/audit"),
        "indicators": ("GET", "/indicators"),
        "export": ("POST", f"/candidates/{a}/export"),
        "erase_form": ("GET", f"/candidates/{a}/erase"),
    }[name]


@pytest.mark.parametrize(
    ("who", "route", "expected"),
    [
        (None, "audit", 303),
        ("referent_a", "audit", 403),
        ("admin", "audit", 200),
        ("auditor", "audit", 200),
        (None, "indicators", 303),
        ("referent_a", "indicators", 200),
        ("admin", "indicators", 200),
        ("auditor", "indicators", 200),
        (None, "export", 303),
        ("referent_a", "export", 200),
        ("referent_b", "export", 404),
        ("admin", "export", 200),
        ("auditor", "export", 403),
        (None, "erase_form", 303),
        ("referent_a", "erase_form", 200),
        ("referent_b", "erase_form", 404),
        ("admin", "erase_form", 200),
        ("auditor", "erase_form", 403),
    ],
)
def test_who_may_open_what(client_for: Client, world: World, who: str | None, route: str, expected: int) -> None:
    method, path = _route(world, route)
    response = client_for(who).request(method, path)
    assert response.status_code == expected, response.text
    if expected == 303:
        assert response.headers["location"].startswith("/login")


def test_export_downloads_the_candidates_json_and_is_logged(
    client_for: Client, world: World, app_engine: Engine
) -> None:
    response = client_for("referent_a").post(f"/candidates/{world.a.candidate_id}/export")

    assert response.headers["content-disposition"] == f'attachment; filename="tremplin-{world.a.pseudonym}.json"'
    assert response.headers["cache-control"] == "no-store"
    document = response.json()
    assert document["candidate"]["id"] == world.a.candidate_id
    assert world.a.quote in response.text
    assert world.b.quote not in response.text
    with Session(app_engine) as db:
        event = db.exec(select(AuditEvent).where(AuditEvent.event_type == "candidate_exported")).one()
    assert event.actor == f"user:{world.accounts['referent_a'].id}"


def _messages(engine: Engine, session_id: str) -> int:
    with Session(engine) as db:
        return len(db.exec(select(Message).where(Message.session_id == session_id)).all())


def test_erasure_needs_the_csrf_token_and_the_typed_code(client_for: Client, world: World, app_engine: Engine) -> None:
    client = client_for("referent_a")
    path = f"/candidates/{world.a.candidate_id}/erase"
    before = _messages(app_engine, world.a.session_id)
    assert before > 0

    without_token = client.post(path, data={"confirmation": world.a.pseudonym}, headers={"X-CSRF-Token": ""})
    wrong_code = client.post(path, data={"confirmation": "C-AAAAAA", "csrf_token": client.csrf})

    assert without_token.status_code == 403
    assert wrong_code.status_code == 400
    assert f"Le code saisi ne correspond pas à {world.a.pseudonym} : rien n'a été effacé." in html.unescape(
        wrong_code.text
    )
    assert _messages(app_engine, world.a.session_id) == before

    done = client.post(path, data={"confirmation": world.a.pseudonym.lower(), "csrf_token": client.csrf})

    assert done.status_code == 200, done.text
    assert "Données effacées" in done.text
    assert _messages(app_engine, world.a.session_id) == 0
    with Session(app_engine) as db:
        candidate = db.get(Candidate, world.a.candidate_id)
        assert candidate is not None
        assert candidate.erased_at is not None
        assert db.exec(select(AuditEvent.actor).where(AuditEvent.event_type == "candidate_erased")).one() == (
            f"user:{world.accounts['referent_a'].id}"
        )


def test_another_organisation_cannot_erase(client_for: Client, world: World, app_engine: Engine) -> None:
    client = client_for("referent_b")
    response = client.post(
        f"/candidates/{world.a.candidate_id}/erase", data={"confirmation": world.a.pseudonym, "csrf_token": client.csrf}
    )
    assert response.status_code == 404
    assert _messages(app_engine, world.a.session_id) > 0


def _personal(world: World) -> list[str]:
    return [
        world.a.quote,
        world.b.quote,
        world.a.pseudonym,
        world.b.pseudonym,
        world.a.candidate_id,
        world.a.session_id,
        *(account.email for account in world.accounts.values()),
    ]


def test_the_audit_page_shows_the_chain_and_no_personal_data(
    client_for: Client, world: World, app_engine: Engine
) -> None:
    referent = client_for("referent_a")
    referent.post(f"/candidates/{world.a.candidate_id}/export")  # one more event, with ids in its payload
    auditor = client_for("auditor")

    page = auditor.get("/audit")

    assert page.status_code == 200
    assert "Journal intact" in page.text
    assert "candidate_exported" in page.text
    assert f"user:{world.accounts['referent_a'].id}" in page.text
    for personal in _personal(world):
        assert personal not in page.text
    assert auditor.get("/audit?type=candidate_exported").text.count("<td>candidate_exported</td>") == 1

    with app_engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("DROP TRIGGER audit_event_no_update")
        else:
            connection.exec_driver_sql("DROP TRIGGER audit_event_no_update_delete ON audit_event")
        first = connection.execute(sa.select(sa.func.min(AuditEvent.id))).scalar_one()
        connection.execute(sa.update(AuditEvent).where(AuditEvent.id == first).values(actor="user:999"))

    altered = auditor.get("/audit")

    assert "Journal altéré" in altered.text
    assert f"L'entrée n° {first} ne correspond plus à son" in html.unescape(altered.text)


def test_indicators_are_scoped_aggregated_and_validated(client_for: Client, world: World) -> None:
    own = client_for("referent_a").get("/indicators")
    everyone = client_for("auditor").get("/indicators")

    assert own.status_code == everyone.status_code == 200
    assert "Indicateurs de votre structure" in own.text
    assert '<th scope="row">Invitations</th><td>2</td>' in own.text
    assert '<th scope="row">Invitations</th><td>4</td>' in everyone.text
    for personal in _personal(world):
        assert personal not in own.text
        assert personal not in everyone.text

    bad = client_for("referent_a").get("/indicators?days=7")
    assert bad.status_code == 400
    assert "Cette période n'existe pas" in html.unescape(bad.text)
    assert client_for("referent_a").get("/indicators?days=abc").status_code == 400
