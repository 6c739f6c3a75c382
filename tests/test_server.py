"""The real server, started the way `make run` starts it, answering on loopback."""

from __future__ import annotations

import asyncio
import time
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
    assert 'href="/chat"' in response.text


def test_chat_is_served_by_chainlit(server: str) -> None:
    page = httpx.get(f"{server}/chat/", follow_redirects=True)
    assert page.status_code == 200
    assert "<html" in page.text.lower()
    settings = httpx.get(f"{server}/chat/project/settings", params={"language": "fr-FR"})
    assert settings.status_code == 200
    assert "Bienvenue sur Tremplin" in settings.json()["markdown"]


class ChatClient:
    """What the browser does over Chainlit's socket: connect, start the chat, send messages, read replies."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.sio = socketio.AsyncClient()
        self.replies: asyncio.Queue[str] = asyncio.Queue()
        self.sio.on("new_message", self._on_message)

    async def _on_message(self, step: dict[str, object]) -> None:
        if step.get("type") == "assistant_message":
            await self.replies.put(str(step["output"]))

    async def __aenter__(self) -> ChatClient:
        await self.sio.connect(
            self.base,
            socketio_path="/chat/ws/socket.io",
            auth={"clientType": "webapp", "sessionId": str(uuid.uuid4()), "threadId": None},
            transports=["websocket"],
        )
        await self.sio.emit("connection_successful")
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.sio.disconnect()

    async def say(self, text: str) -> None:
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        step = {"id": str(uuid.uuid4()), "createdAt": now, "output": text, "type": "user_message", "name": "User"}
        await self.sio.emit("client_message", {"message": step, "fileReferences": None})

    async def reply(self) -> str:
        return await asyncio.wait_for(self.replies.get(), timeout=30)


async def test_chat_greets_in_french_and_answers(server: str) -> None:
    async with ChatClient(server) as chat:
        greeting = await chat.reply()
        assert "Bonjour" in greeting
        assert "intelligence artificielle" in greeting
        await chat.say("Comment se passe l'évaluation ?")
        assert "version de démonstration" in await chat.reply()  # the rules provider says it cannot answer freely


@pytest.mark.parametrize(("text", "expected"), [("   ", "vide"), ("a" * 100_000, "trop long")])
async def test_chat_refuses_bad_input_with_a_french_reason(server: str, text: str, expected: str) -> None:
    async with ChatClient(server) as chat:
        await chat.reply()
        await chat.say(text)
        assert expected in await chat.reply()
