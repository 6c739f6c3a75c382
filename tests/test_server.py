"""The real server, started the way `make run` starts it, answering on loopback."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
import socketio

from tests.live_server import live_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(tmp_path_factory.mktemp("server-var"), tmp_path_factory.mktemp("server-log")) as base:
        yield base


def test_healthz_reports_database_model_and_versions(server: str) -> None:
    response = httpx.get(f"{server}/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["database"]["dialect"] == "sqlite"
    assert body["database"]["revision"] == body["database"]["head"]
    assert body["model"]["provider"] == "rules"
    assert body["versions"]["rubrics"]["aide-soignant"]
    assert "chat/reply" in body["versions"]["prompts"]
    assert body["versions"]["components"]["langgraph"] != "not installed"


def test_referent_area_asks_for_a_login_in_french(server: str) -> None:
    response = httpx.get(f"{server}/")
    assert (response.status_code, response.headers["location"]) == (303, "/login?next=%2F")
    page = httpx.get(f"{server}/login")
    assert page.status_code == 200
    assert 'lang="fr"' in page.text
    assert "Connexion" in page.text
    assert 'href="/demo"' in page.text  # development: a demo invitation, straight into the chat


def test_chat_is_served_by_chainlit(server: str) -> None:
    assert httpx.get(f"{server}/chat/copilot/index.js").status_code == 200
    # Only an invitation opens a conversation: without one the chat's pages explain in French how to get a link
    # (tests/test_candidate_access.py), and Chainlit's API refuses.
    page = httpx.get(f"{server}/chat/", follow_redirects=True)
    assert page.status_code == 401
    assert "lien personnel" in page.text
    assert httpx.get(f"{server}/chat/project/settings", params={"language": "fr-FR"}).status_code == 401


async def test_chat_socket_refuses_a_visitor_without_an_invitation(server: str) -> None:
    client = socketio.AsyncClient()
    with pytest.raises(socketio.exceptions.ConnectionError):
        await client.connect(
            server,
            socketio_path="/chat/ws/socket.io",
            auth={"clientType": "webapp", "sessionId": str(uuid.uuid4()), "threadId": None},
            transports=["websocket"],
        )
