"""Login, logout, sessions, lockout and rate limiting, through the real pages."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.accounts.hashing import token_sha256
from app.db.models import AuditEvent, LoginSession, User
from app.web.auth import SESSION_COOKIE
from tests.referent.conftest import StaffClient, log_in, login_form_token
from tests.referent.world import World


def _events(engine: Engine, prefix: str) -> list[AuditEvent]:
    with Session(engine) as db:
        return list(
            db.exec(
                select(AuditEvent).where(col(AuditEvent.event_type).startswith(prefix)).order_by(col(AuditEvent.id))
            )
        )


def _try(client: StaffClient, email: str, password: str, **extra: str) -> Any:
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": login_form_token(client), **extra}
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/", "/login?next=%2F"), ("/admin/accounts", "/login?next=%2Fadmin%2Faccounts")],
)
def test_pages_send_anonymous_visitors_to_the_login_page(
    client_for: Callable[[str | None], StaffClient], path: str, expected: str
) -> None:
    response = client_for(None).get(path)
    assert (response.status_code, response.headers["location"]) == (303, expected)


def test_api_answers_401_json_to_anonymous_callers(client_for: Callable[[str | None], StaffClient]) -> None:
    response = client_for(None).get("/api/matching/offers/1/shortlist")
    assert response.status_code == 401
    assert "log in" in response.json()["detail"]


def test_login_sets_a_hardened_cookie_and_lands_on_the_role_page(
    client_for: Callable[[str | None], StaffClient], world: World, app_engine: Engine
) -> None:
    client = client_for(None)
    account = world.accounts["admin"]
    response = _try(client, account.email.upper(), account.password)  # emails are not case-sensitive
    assert (response.status_code, response.headers["location"]) == (303, "/admin/accounts")
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()
    assert "secure" not in cookie.lower()  # development; production is tested below
    with Session(app_engine) as db:
        stored = db.exec(select(LoginSession)).one()
        user = db.get(User, account.id)
    assert stored.token_sha256 == token_sha256(client.cookies[SESSION_COOKIE])  # only the hash is stored
    assert user is not None
    assert user.last_login_at is not None
    [event] = _events(app_engine, "login.")
    assert (event.event_type, event.payload) == ("login.succeeded", {"user_id": account.id, "role": "admin"})


def test_login_follows_next_only_within_the_site(client_for: Callable[[str | None], StaffClient], world: World) -> None:
    account = world.accounts["referent_a"]
    for target, expected in [
        ("/reports/abc", "/reports/abc"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
    ]:
        response = _try(client_for(None), account.email, account.password, next=target)
        assert response.headers["location"] == expected, target


def test_production_cookies_are_secure(
    client_for: Callable[[str | None], StaffClient], world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.settings import get_settings

    client = client_for(None)
    token = login_form_token(client)
    monkeypatch.setenv("TREMPLIN_ENV", "production")
    monkeypatch.setenv("TREMPLIN_SECRET_KEY", "s" * 40 + "x")
    monkeypatch.setenv("TREMPLIN_PII_VAULT_KEY", "v" * 40 + "x")
    get_settings.cache_clear()
    # The login form's token was signed by nothing: it is a double-submit cookie, still valid.
    account = world.accounts["referent_a"]
    response = client.post("/login", data={"email": account.email, "password": account.password, "csrf_token": token})
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    assert "secure" in cookie.lower()


def test_wrong_password_is_refused_in_french_and_audited_without_the_password(
    client_for: Callable[[str | None], StaffClient], world: World, app_engine: Engine
) -> None:
    client = client_for(None)
    account = world.accounts["referent_a"]
    response = _try(client, account.email, "mauvais-mot-de-passe-123")
    assert response.status_code == 401
    assert "Adresse e-mail ou mot de passe incorrect." in response.text
    assert f'value="{account.email}"' in response.text  # the email is kept, the password is not
    assert SESSION_COOKIE not in client.cookies
    unknown = _try(client, "personne@nulle.part", "mauvais-mot-de-passe-123")
    assert unknown.status_code == 401
    assert "incorrect" in unknown.text
    failed = _events(app_engine, "login.failed")
    assert [e.payload["reason"] for e in failed] == ["wrong_password", "unknown_email"]
    assert failed[0].payload["user_id"] == account.id
    assert "personne@nulle.part" not in str(failed[1].payload)
    assert len(failed[1].payload["email_hmac"]) == 64
    assert all("mauvais-mot-de-passe" not in str(e.payload) for e in failed)


def test_five_wrong_passwords_lock_the_account_for_a_while(
    client_for: Callable[[str | None], StaffClient], world: World, app_engine: Engine
) -> None:
    client = client_for(None)
    account = world.accounts["referent_a"]
    statuses = [_try(client, account.email, f"faux-mot-de-passe-{n}").status_code for n in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    locked = _try(client, account.email, account.password)  # even the right password is refused now
    assert locked.status_code == 429
    assert "bloqué pendant 15 minutes" in locked.text
    assert [e.payload["reason"] for e in _events(app_engine, "login.refused")] == ["account_locked"]
    # Another account from another address is not affected.
    other = world.accounts["referent_b"]
    assert _try(client_for(None), other.email, other.password).status_code == 303
    # Once the lock has passed, the right password works again.
    with Session(app_engine) as db:
        user = db.get(User, account.id)
        assert user is not None
        assert user.locked_until is not None
        user.locked_until = user.locked_until - timedelta(minutes=16)
        db.add(user)
        db.commit()
    assert _try(client, account.email, account.password).status_code == 303


def test_many_failures_from_one_address_are_slowed_down(
    client_for: Callable[[str | None], StaffClient], world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.settings import get_settings

    monkeypatch.setenv("TREMPLIN_LOGIN_CLIENT_MAX_FAILURES", "3")
    get_settings.cache_clear()
    client = client_for(None)
    for n in range(3):  # three different unknown accounts: no per-account lock applies
        assert _try(client, f"inconnu{n}@test.local", "un-mot-de-passe-faux").status_code == 401
    account = world.accounts["referent_a"]
    refused = _try(client, account.email, account.password)
    assert refused.status_code == 429
    assert "Trop d'essais depuis cet appareil" in html.unescape(refused.text)


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"email": "", "password": ""}, 400, "Saisissez votre adresse e-mail et votre mot de passe."),
        ({"email": "a@b.fr", "password": "x" * 5000}, 400, "trop long"),
    ],
    ids=["empty", "huge password"],
)
def test_bad_login_forms_get_a_french_message(
    client_for: Callable[[str | None], StaffClient], data: dict[str, str], status: int, message: str
) -> None:
    client = client_for(None)
    response = client.post("/login", data={**data, "csrf_token": login_form_token(client)})
    assert response.status_code == status
    assert message in html.unescape(response.text)


def test_login_form_without_its_csrf_token_is_refused(
    client_for: Callable[[str | None], StaffClient], world: World
) -> None:
    client = client_for(None)
    login_form_token(client)
    account = world.accounts["referent_a"]
    for token in ("", "forged"):
        response = client.post(
            "/login", data={"email": account.email, "password": account.password, "csrf_token": token}
        )
        assert response.status_code == 403
        assert "La page de connexion a expiré" in html.unescape(response.text)
        assert SESSION_COOKIE not in client.cookies


def test_logout_ends_the_session_on_the_server(
    client_for: Callable[[str | None], StaffClient], app_engine: Engine
) -> None:
    client = client_for("referent_a")
    stolen = client.cookies[SESSION_COOKIE]
    assert client.get("/").status_code == 200
    response = client.post("/logout", data={"csrf_token": client.csrf})
    assert (response.status_code, response.headers["location"]) == (303, "/login")
    assert client.get("/").status_code == 303
    replay = client_for(None)
    replay.cookies.set(SESSION_COOKIE, stolen)
    assert replay.get("/").status_code == 303  # the old cookie opens nothing any more
    assert [e.event_type for e in _events(app_engine, "logout")] == ["logout"]


def test_sessions_expire_when_idle_and_at_their_end(
    client_for: Callable[[str | None], StaffClient], app_engine: Engine
) -> None:
    for column, shift in (("last_seen_at", timedelta(minutes=61)), ("expires_at", timedelta(hours=11))):
        client = client_for("referent_a")
        assert client.get("/").status_code == 200
        with Session(app_engine) as db:
            row = db.exec(
                select(LoginSession).where(LoginSession.token_sha256 == token_sha256(client.cookies[SESSION_COOKIE]))
            ).one()
            setattr(row, column, getattr(row, column) - shift)
            db.add(row)
            db.commit()
        assert client.get("/").status_code == 303, column


def test_a_disabled_account_loses_its_sessions(
    client_for: Callable[[str | None], StaffClient], world: World, app_engine: Engine
) -> None:
    client = client_for("referent_a")
    with Session(app_engine) as db:
        user = db.get(User, world.accounts["referent_a"].id)
        assert user is not None
        user.is_active = False
        db.add(user)
        db.commit()
    assert client.get("/").status_code == 303
    again = client_for(None)
    account = world.accounts["referent_a"]
    assert _try(again, account.email, account.password).status_code == 401


def test_a_planted_session_cookie_is_replaced_at_login(
    client_for: Callable[[str | None], StaffClient], world: World, app_engine: Engine
) -> None:
    planted = "jeton-choisi-par-un-attaquant"
    client = client_for(None)
    client.cookies.set(SESSION_COOKIE, planted, domain="testserver.local")
    assert client.get("/").status_code == 303  # an unknown token opens nothing
    first = log_in(client, world.accounts["referent_a"], app_engine)
    assert client.cookies[SESSION_COOKIE] != planted
    other = client_for(None)
    second = log_in(other, world.accounts["referent_a"], app_engine)
    assert other.cookies[SESSION_COOKIE] != client.cookies[SESSION_COOKIE]
    assert first != second
