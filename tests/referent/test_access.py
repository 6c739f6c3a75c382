"""Access control on every route of the application, found by walking the app (so a new route is covered, or
makes these tests fail until it is classified):

- public routes aside, an anonymous visitor or a candidate holding an invitation cookie is sent to the login page
  (pages) or gets 401 (API);
- referent A asking for any object of organisation B gets exactly what they get for an id that does not exist,
  never the object, so ids cannot be probed;
- every unsafe route refuses a request without the session's CSRF token;
- the auditor's pages show no candidate data.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.db.models import AssessmentSession
from app.invitations import COOKIE as INVITATION_COOKIE
from app.invitations import invitation_of
from app.settings import get_settings
from app.web.auth import CSRF_HEADER
from tests.referent.conftest import StaffClient, app_routes
from tests.referent.world import Side, World

# Routes anyone may call: health, login, the candidate's way in (invitation links, the chat widget, the demo).
PUBLIC = {
    ("GET", "/healthz"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/invitation/{token}"),
    ("GET", "/demo"),
    ("POST", "/chat/auth/jwt"),
    ("GET", "/widget-demo"),
    ("GET", "/widget-demo/new"),
}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
MISSING = Side(
    organisation_id=999_999,
    offer_id=999_999,
    candidate_id="00000000-0000-4000-8000-000000000000",
    pseudonym="C-ZZZZZZ",
    session_id="00000000-0000-4000-8000-000000000001",
    invited_session_id="00000000-0000-4000-8000-000000000002",
    shortlist_id=999_999,
    quote="",
)


def fill(path: str, side: Side) -> str:
    """The path with each parameter set to `side`'s object; an unknown parameter name fails loudly."""
    values = {
        "session_id": side.session_id,
        "offer_id": str(side.offer_id),
        "candidate_id": side.candidate_id,
        "shortlist_id": str(side.shortlist_id),
        "pseudonym": side.pseudonym,
    }

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in values, f"{path}: add a value for the path parameter {{{name}}} in tests/referent"
        return values[name]

    return re.sub(r"\{(\w+)\}", value, path)


def masked(body: str, side: Side) -> str:
    for value in (side.session_id, side.candidate_id, side.pseudonym, str(side.offer_id), str(side.shortlist_id)):
        body = body.replace(value, "<id>")
    return body


def call(client: StaffClient, method: str, path: str) -> tuple[int, str]:
    kwargs: dict[str, object] = {"json": {}} if path.startswith("/api/") else {"data": {}}
    response = client.request(method, path, **(kwargs if method in UNSAFE else {}))  # type: ignore[arg-type]
    return response.status_code, html.unescape(response.text)


def staff_routes(app: FastAPI) -> list[tuple[str, str]]:
    routes = [route for route in app_routes(app) if route not in PUBLIC]
    assert ("GET", "/") in routes
    assert ("GET", "/api/matching/offers/{offer_id}/shortlist") in routes
    return routes


def test_anonymous_visitors_and_candidates_reach_no_staff_route(
    app: FastAPI, client_for: Callable[[str | None], StaffClient], world: World, app_engine: Engine
) -> None:
    with Session(app_engine) as db:
        waiting = db.get(AssessmentSession, world.a.invited_session_id)
        assert waiting is not None
        invitation = invitation_of(waiting, get_settings())
    assert invitation is not None
    candidate = client_for(None)
    assert candidate.get(invitation.path).status_code == 303  # a real, working invitation cookie
    assert INVITATION_COOKIE in candidate.cookies
    for visitor in (client_for(None), candidate):
        for method, template in staff_routes(app):
            status, _ = call(visitor, method, fill(template, world.a))
            if template.startswith("/api/"):
                assert status == 401, (method, template, status)
            elif method in UNSAFE:
                assert status in {303, 401, 403}, (method, template, status)
            else:
                response = visitor.request(method, fill(template, world.a))
                assert response.status_code == 303, (method, template, response.status_code)
                assert response.headers["location"].startswith("/login?next="), template


def test_referent_a_cannot_tell_organisation_b_objects_from_missing_ones(
    app: FastAPI, client_for: Callable[[str | None], StaffClient], world: World
) -> None:
    referent_a = client_for("referent_a")
    checked = 0
    for method, template in staff_routes(app):
        if "{" not in template:
            continue
        missing_status, missing_body = call(referent_a, method, fill(template, MISSING))
        status, body = call(referent_a, method, fill(template, world.b))
        assert status == missing_status, (method, template, status, missing_status)
        assert status >= 400, (method, template, status)
        # The same answer, word for word, once the requested id (which an error may echo) is set aside.
        assert masked(body, world.b) == masked(missing_body, MISSING), (method, template)
        assert world.b.quote not in body, (method, template)
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("path", ["/", "/indicators"])
def test_organisation_wide_pages_show_only_the_own_organisation(
    client_for: Callable[[str | None], StaffClient], world: World, path: str
) -> None:
    response = client_for("referent_a").get(path)
    assert response.status_code == 200, response.text
    assert world.b.pseudonym not in response.text
    assert "organisation B" not in response.text
    if path == "/":
        assert world.a.pseudonym in response.text
        assert "organisation A" in response.text


def test_every_unsafe_route_needs_the_csrf_token(
    app: FastAPI, client_for: Callable[[str | None], StaffClient], world: World
) -> None:
    clients = {who: client_for(who) for who in ("referent_a", "admin", "auditor")}
    unsafe = [(m, t) for m, t in staff_routes(app) if m in UNSAFE and t != "/logout"]
    assert unsafe
    for method, template in unsafe:
        for who, client in clients.items():
            del client.headers[CSRF_HEADER]
            status, _ = call(client, method, fill(template, world.a))
            client.headers[CSRF_HEADER] = client.csrf
            assert status == 403, (who, method, template, status)
    for method, template in unsafe:  # and some role gets past the guard with the token: the 403s were the CSRF's
        statuses = {who: call(client, method, fill(template, world.a))[0] for who, client in clients.items()}
        assert any(status != 403 for status in statuses.values()), (method, template, statuses)


def test_a_wrong_csrf_token_is_refused(client_for: Callable[[str | None], StaffClient]) -> None:
    client = client_for("referent_a")
    client.headers[CSRF_HEADER] = "x" * 43
    response = client.post("/invitations", data={"rubric": "aide-soignant", "flows": ["quiz"], "days": "14"})
    assert response.status_code == 403
    assert "jeton de sécurité" in html.unescape(response.text)
    api = client.post("/api/matching/offers/1/shortlists", json={})
    assert api.status_code == 403
    assert "CSRF" in api.json()["detail"]


def test_the_auditor_sees_no_candidate_data(
    app: FastAPI, client_for: Callable[[str | None], StaffClient], world: World
) -> None:
    auditor = client_for("auditor")
    opened = []
    for method, template in staff_routes(app):
        if method != "GET":
            continue
        status, body = call(auditor, method, fill(template, world.a))
        if status < 300:
            opened.append(template)
            for side in (world.a, world.b):
                assert side.pseudonym not in body, template
                assert side.quote not in body, template
        else:
            assert status in {303, 403, 404}, (template, status)
    assert "/audit" in opened


@pytest.mark.parametrize("who", ["admin", "auditor"])
def test_referent_pages_are_for_referents_only(client_for: Callable[[str | None], StaffClient], who: str) -> None:
    client = client_for(who)
    home = client.get("/")
    assert home.status_code == 303
    assert home.headers["location"] in {"/admin/accounts", "/audit"}
    invite = client.post("/invitations", data={"rubric": "aide-soignant", "flows": ["quiz"], "days": "14"})
    assert invite.status_code == 403
    assert "Votre compte n'a pas accès à cette page." in html.unescape(invite.text)
    api = client.get("/api/matching/offers/1/shortlist")
    assert api.status_code == 403
    assert "referent" in api.json()["detail"]


def test_the_admin_page_is_for_admins_only(client_for: Callable[[str | None], StaffClient]) -> None:
    for who in ("referent_a", "auditor"):
        assert client_for(who).get("/admin/accounts").status_code == 403
    assert client_for("admin").get("/admin/accounts").status_code == 200
