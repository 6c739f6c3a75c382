"""The admin's accounts page: listing, adding, and refusing bad accounts in French."""

from __future__ import annotations

import html
from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.db.models import AuditEvent, User
from tests.referent.conftest import StaffClient, log_in
from tests.referent.world import Account, World

GOOD = {"full_name": "Nadia Lefèvre", "email": "Nadia.Lefevre@Centre.fr", "role": "referent", "password": "x" * 12}


def test_admin_lists_accounts_and_adds_one_that_can_log_in(
    client_for: Callable[[str | None], StaffClient], world: World, app_engine: Engine
) -> None:
    admin = client_for("admin")
    page = admin.get("/admin/accounts")
    assert page.status_code == 200
    assert all(account.email in page.text for account in world.accounts.values())
    response = admin.post("/admin/accounts", data={**GOOD, "organisation_id": str(world.b.organisation_id)})
    assert response.status_code == 303, response.text
    shown = admin.get(response.headers["location"])
    assert "Le compte nadia.lefevre@centre.fr a été créé" in html.unescape(shown.text)
    with Session(app_engine) as db:
        user = db.exec(select(User).where(User.email == "nadia.lefevre@centre.fr")).one()
        [event] = db.exec(select(AuditEvent).where(AuditEvent.event_type == "account.created")).all()
    assert user.password_hash.startswith("$argon2id$")
    assert user.organisation_id == world.b.organisation_id
    assert event.actor == f"user:{world.accounts['admin'].id}"
    assert "x" * 12 not in str(event.payload)
    assert user.id is not None
    account = Account(user.id, "nadia.lefevre@centre.fr", GOOD["password"], user.role, user.organisation_id)
    log_in(client_for(None), account, app_engine)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "pas-une-adresse"}, "Adresse e-mail non valide"),
        ({"full_name": "  "}, "Le nom est obligatoire"),
        ({"role": "superuser"}, "Rôle inconnu"),
        ({"password": "court"}, "au moins 12 caractères"),
        ({"organisation_id": "999"}, "L'organisation n° 999 n'existe pas."),
        ({"organisation_id": ""}, "Choisissez l'organisation du compte dans la liste."),
        ({"email": "admin@test.local"}, "Un compte existe déjà avec cette adresse e-mail."),
    ],
    ids=["email", "name", "role", "password", "organisation", "no organisation", "duplicate"],
)
def test_bad_accounts_are_refused_in_french_keeping_what_was_typed(
    client_for: Callable[[str | None], StaffClient],
    world: World,
    app_engine: Engine,
    changes: dict[str, str],
    message: str,
) -> None:
    form = {**GOOD, "organisation_id": str(world.a.organisation_id), **changes}
    response = client_for("admin").post("/admin/accounts", data=form)
    assert response.status_code == 400
    text = html.unescape(response.text)
    assert message in text
    assert f'value="{form["full_name"]}"' in text
    assert f'value="{form["password"]}"' not in text
    with Session(app_engine) as db:
        assert len(db.exec(select(User)).all()) == len(world.accounts)
