"""Reusable fixtures for the staff area: a migrated database configured as the app's, `world` (two organisations,
one account per role, see world.py), the real application, and `client_for("referent_a")`, a TestClient logged in
through the login form whose requests carry the session's CSRF token as the X-CSRF-Token header (`client.csrf`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.accounts.hashing import token_sha256
from app.db.engine import make_engine
from app.db.migrate import upgrade_database
from app.db.models import LoginSession
from app.settings import get_settings
from app.web.auth import CSRF_HEADER, SESSION_COOKIE
from tests.db.conftest import db_url, postgres_database  # noqa: F401 (the storage fixtures)
from tests.referent.world import Account, World, build_world

_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


class StaffClient(TestClient):
    csrf: str = ""


@pytest.fixture
def app_engine(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:  # noqa: F811
    """A migrated database that is also the configured one."""
    monkeypatch.setenv("TREMPLIN_DATABASE_URL", db_url)
    get_settings.cache_clear()
    upgrade_database(db_url)
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def world(app_engine: Engine) -> World:
    return build_world(app_engine)


@pytest.fixture
def app(app_engine: Engine) -> FastAPI:
    from app.web.main import create_app

    return create_app()


def login_form_token(client: TestClient) -> str:
    page = client.get("/login")
    assert page.status_code == 200, page.text
    match = _CSRF_FIELD.search(page.text)
    assert match is not None
    return match.group(1)


def log_in(client: TestClient, account: Account, engine: Engine) -> str:
    """Log in through the form as a browser does; returns the session's CSRF token."""
    response = client.post(
        "/login",
        data={"email": account.email, "password": account.password, "csrf_token": login_form_token(client)},
    )
    assert response.status_code == 303, response.text
    token = client.cookies.get(SESSION_COOKIE)
    assert token
    with Session(engine) as db:
        row = db.exec(select(LoginSession).where(LoginSession.token_sha256 == token_sha256(token))).one()
    return row.csrf_token


@pytest.fixture
def client_for(app: FastAPI, world: World, app_engine: Engine) -> Iterator[Callable[[str | None], StaffClient]]:
    """`client_for(None)` is anonymous; `client_for("referent_a")` etc. are logged in (see World.accounts)."""
    clients: list[StaffClient] = []

    def make(who: str | None) -> StaffClient:
        client = StaffClient(app, follow_redirects=False)
        clients.append(client)
        if who is not None:
            client.csrf = log_in(client, world.accounts[who], app_engine)
            client.headers[CSRF_HEADER] = client.csrf
        return client

    yield make
    for client in clients:
        client.close()


def app_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path template) of every route of the application, Chainlit's mount and static files aside.

    FastAPI 0.16x keeps included routers behind `_IncludedRouter` objects; their effective routes carry the full
    path. A plain `APIRoute` (added directly to the app) is listed too.
    """
    found: set[tuple[str, str]] = set()
    for route in app.routes:
        candidates = getattr(route, "effective_candidates", None)
        contexts = [c[0] if isinstance(c, tuple) else c for c in candidates()] if candidates else [route]
        for context in contexts:
            path = getattr(context, "path", None)
            methods = getattr(context, "methods", None) or set()
            if path is None or path in {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}:
                continue
            found.update((method, path) for method in methods if method != "HEAD")
    return sorted(found)
