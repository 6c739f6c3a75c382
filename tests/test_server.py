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


def test_referent_area_is_an_honest_placeholder_in_french(server: str) -> None:
    response = httpx.get(f"{server}/")
    assert response.status_code == 200
    assert 'lang="fr"' in response.text
    assert "pas encore disponible" in response.text
    assert 'href="/demo"' in response.text  # development: a demo invitation, straight into the chat


def test_chat_is_served_by_chainlit(server: str) -> None:
    page = httpx.get(f"{server}/chat/", follow_redirects=True)
    assert page.status_code == 200
    assert "<html" in page.text.lower()
    # Only an invitation opens a conversation: Chainlit's API refuses anyone without one.
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
