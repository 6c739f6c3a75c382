"""The real server, started the way `make run` starts it, answering on loopback."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import socketio

TREMPLIN = str(Path(sys.executable).with_name("tremplin"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TREMPLIN_")}
    env |= {"TREMPLIN_DATA_DIR": str(tmp_path_factory.mktemp("server-var")), "TREMPLIN_LLM_PROVIDER": "rules"}
    subprocess.run([TREMPLIN, "db", "upgrade"], env=env, check=True, capture_output=True)
    port = _free_port()
    log = tmp_path_factory.mktemp("server-log") / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [TREMPLIN, "serve", "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # wait for readiness, not for a duration: the loop ends as soon as it answers
            if process.poll() is not None:
                pytest.fail(f"server exited early:\n{log.read_text()}")
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail(f"server never answered:\n{log.read_text()}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


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


async def test_chat_greets_in_french_over_its_socket(server: str) -> None:
    """What the browser does: open Chainlit's socket, say the connection succeeded, receive the greeting."""
    client = socketio.AsyncClient()
    greeting: list[str] = []
    received = asyncio.Event()

    @client.on("new_message")
    async def _on_message(message: dict[str, object]) -> None:
        greeting.append(str(message.get("output", "")))
        received.set()

    await client.connect(
        server,
        socketio_path="/chat/ws/socket.io",
        auth={"clientType": "webapp", "sessionId": str(uuid.uuid4()), "threadId": None},
        transports=["websocket"],
    )
    try:
        await client.emit("connection_successful")
        await asyncio.wait_for(received.wait(), timeout=30)
    finally:
        await client.disconnect()
    assert "Bonjour" in greeting[0]
    assert "intelligence artificielle" in greeting[0]
