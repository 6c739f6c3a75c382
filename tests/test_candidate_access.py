"""Who gets into the candidate chat, checked over HTTP against the real server: no invitation, a bad one, a link
opened in a second browser, and the widget's token exchange. Every refusal is French and carries no data."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import httpx
import pytest

from app.browser_binding import BROWSER_COOKIE
from app.invitations import COOKIE
from tests.live_server import live_server

CHAINLIT_LOGIN_COOKIE = "access_token"
ENGLISH = ("Unauthorized", "credentialssignin", "Login", "Sign in", "Password", "Not Found")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(tmp_path_factory.mktemp("access-var"), tmp_path_factory.mktemp("access-log"), seed=True) as base:
        yield base


def _browser(server: str) -> httpx.Client:
    return httpx.Client(base_url=server, timeout=30)


def _new_invitation(server: str) -> str:
    """A fresh demo candidate's invitation path (/invitation/<token>), without opening it."""
    response = httpx.get(f"{server}/demo", timeout=30)
    assert response.status_code == 303
    return str(response.headers["location"])


def _assert_french_page(response: httpx.Response, status: int, *phrases: str) -> None:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert 'lang="fr"' in response.text
    for phrase in phrases:
        assert phrase in response.text
    for word in ENGLISH:
        assert word not in response.text
    assert "chainlit" not in response.text.lower()  # the chat was never served


@pytest.mark.parametrize("path", ["/chat", "/chat/", "/chat/login", "/chat/thread/abc"])
def test_the_chat_without_an_invitation_explains_in_french_how_to_get_a_link(server: str, path: str) -> None:
    response = httpx.get(f"{server}{path}", timeout=30)
    _assert_french_page(response, 401, "lien personnel", "conseiller")


def test_chainlit_files_and_api_are_not_turned_into_pages(server: str) -> None:
    assert httpx.get(f"{server}/chat/copilot/index.js", timeout=30).status_code == 200
    assert httpx.get(f"{server}/chat/auth/config", timeout=30).status_code == 200
    assert httpx.get(f"{server}/chat/project/settings", params={"language": "fr-FR"}).status_code == 401


@pytest.mark.parametrize(
    ("cookie", "status", "phrase"),
    [("forged.token", 400, "pas valide"), ("", 401, "lien personnel")],
)
def test_a_bad_invitation_cookie_gets_a_french_page(server: str, cookie: str, status: int, phrase: str) -> None:
    with _browser(server) as browser:
        browser.cookies.set(COOKIE, cookie)
        _assert_french_page(browser.get("/chat/"), status, phrase)


def test_a_link_works_in_its_first_browser_and_its_tabs_only(server: str) -> None:
    link = _new_invitation(server)
    with _browser(server) as first, _browser(server) as second:
        opened = first.get(link)
        assert opened.status_code == 303
        assert opened.headers["location"] == "/chat/"
        assert first.cookies.get(BROWSER_COOKIE)
        assert first.get("/chat/").status_code == 200
        assert first.get(link).status_code == 303  # the same browser opens it again (another tab)

        refused = second.get(link)
        _assert_french_page(refused, 403, "déjà été ouvert sur un autre appareil", "nouveau lien")
        assert COOKIE not in second.cookies

        # Copying the first browser's invitation cookie is not enough without its browser key.
        second.cookies.set(COOKIE, first.cookies[COOKIE])
        _assert_french_page(second.get("/chat/"), 403, "déjà été ouvert")
        assert second.post("/chat/auth/header").status_code == 401


def test_opening_a_new_link_replaces_the_chat_login_of_the_previous_one(server: str) -> None:
    with _browser(server) as browser:
        browser.get(_new_invitation(server))
        assert browser.post("/chat/auth/header").status_code == 200
        assert browser.cookies.get(CHAINLIT_LOGIN_COOKIE)
        first_user = browser.get("/chat/user").json()["identifier"]
        browser.get(_new_invitation(server))
        assert CHAINLIT_LOGIN_COOKIE not in browser.cookies  # Chainlit must ask again who this is
        assert browser.post("/chat/auth/header").status_code == 200
        assert browser.get("/chat/user").json()["identifier"] != first_user


def _assert_refused_widget_login(widget: httpx.Client, refused: httpx.Response, phrase: str) -> None:
    """The copilot shows a failed login behind an English HTTP reason, so a refused widget is logged in as a
    pseudo-user whose chat only shows the French refusal: its login holds that sentence and no session, and it is
    no login for anything else (the copilot then tries the next page's token, the chat page stays refused)."""
    assert refused.status_code == 200
    login = widget.cookies[CHAINLIT_LOGIN_COOKIE]
    payload = login.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert phrase in claims["metadata"]["refusal"]
    assert "session_id" not in claims["metadata"]
    assert not claims["identifier"].startswith("session-")
    assert widget.get("/chat/user").status_code == 401
    assert widget.post("/chat/auth/header").status_code == 401
    assert widget.get("/chat/").status_code == 401  # no invitation in this browser: the French page


def test_the_widget_exchanges_its_invitation_token_for_a_chat_login(server: str) -> None:
    token = _new_invitation(server).removeprefix("/invitation/")
    with _browser(server) as widget, _browser(server) as elsewhere:
        answer = widget.post("/chat/auth/jwt", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200
        assert answer.json() == {"success": True}
        session_id = widget.get("/chat/user").json()["metadata"]["session_id"]
        assert session_id
        # Another page of the centre's site, without the token: the candidate stays logged in.
        assert widget.post("/chat/auth/jwt", headers={"Authorization": "Bearer -"}).status_code == 200
        assert widget.get("/chat/user").json()["metadata"]["session_id"] == session_id
        # Someone else on the same computer with a link that is not valid: refused, never the previous chat.
        _assert_refused_widget_login(
            widget, widget.post("/chat/auth/jwt", headers={"Authorization": "Bearer x.y"}), "pas valide"
        )

        refused = elsewhere.post("/chat/auth/jwt", headers={"Authorization": f"Bearer {token}"})
        _assert_refused_widget_login(elsewhere, refused, "déjà été ouvert")


@pytest.mark.parametrize(
    ("authorization", "phrase"),
    [
        (None, "lien personnel"),
        ("Bearer -", "lien personnel"),
        ("Bearer x.y", "pas valide"),
        ("Basic abc", "lien personnel"),
    ],
)
def test_the_widget_without_a_usable_token_gets_a_french_refusal(
    server: str, authorization: str | None, phrase: str
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    with _browser(server) as widget:
        _assert_refused_widget_login(widget, widget.post("/chat/auth/jwt", headers=headers), phrase)


def test_the_widget_demo_page_shows_the_two_lines_to_paste(server: str) -> None:
    page = httpx.get(f"{server}/widget-demo", timeout=30)
    assert page.status_code == 200
    assert 'lang="fr"' in page.text
    assert f"{server}/chat/copilot/index.js" in page.text
    assert "mountChainlitWidget" in page.text
    fresh = httpx.get(f"{server}/widget-demo/new", timeout=30)
    assert fresh.status_code == 303
    assert fresh.headers["location"].startswith("/widget-demo#invitation=")
