"""The gateway over langchain-openai's ChatOpenAI (any OpenAI-compatible server), against the same fake."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from langchain_openai import ChatOpenAI

from app.audit import MemoryAuditSink
from app.llm.errors import LLMUnavailableError
from app.llm.gateway import LLMGateway
from tests.fakes.chat_server import FakeChatServer, Reply, Status, Truncated
from tests.fakes.scrubber import SECRET_NAME, TAG
from tests.llm.support import PROMPT, Orientation, only_event

MakeGateway = Callable[..., LLMGateway]


def test_chat_call(make_gateway: MakeGateway, fake_server: FakeChatServer, audit: MemoryAuditSink) -> None:
    gateway = make_gateway("openai_compatible")
    assert isinstance(gateway._chat_model, ChatOpenAI)
    fake_server.script(Reply("Bonjour, parlons de votre projet.", prompt_tokens=15, completion_tokens=6))

    result = gateway.complete(PROMPT)

    assert result.value == "Bonjour, parlons de votre projet."
    assert (result.provider, result.model, result.input_tokens, result.output_tokens) == (
        "openai_compatible",
        "m",
        15,
        6,
    )
    [request] = fake_server.requests
    assert request.headers["authorization"] == "Bearer test-key"
    assert all(content.startswith(TAG) for content in request.contents)
    assert SECRET_NAME not in json.dumps(request.body)
    assert only_event(audit)["outcome"] == "ok"


def test_structured_uses_json_mode(make_gateway: MakeGateway, fake_server: FakeChatServer) -> None:
    fake_server.script(Reply('{"metier": "boulanger", "score": 2}'))
    result = make_gateway("openai_compatible").structured(PROMPT, Orientation)
    assert result.value == Orientation(metier="boulanger", score=2)
    assert fake_server.requests[0].body["response_format"] == {"type": "json_object"}


def test_stream(make_gateway: MakeGateway, fake_server: FakeChatServer) -> None:
    fake_server.script(Reply("Une réponse en plusieurs morceaux."))
    tokens = list(make_gateway("openai_compatible").stream(PROMPT))
    assert len(tokens) > 1
    assert "".join(tokens) == "Une réponse en plusieurs morceaux."


def test_429_retry_after_and_401(make_gateway: MakeGateway, fake_server: FakeChatServer, sleeps: list[float]) -> None:
    gateway = make_gateway("openai_compatible")
    fake_server.script(Status(429, headers={"Retry-After": "2"}), Reply("ok"), Status(401))
    assert gateway.complete(PROMPT).attempts == 2
    assert sleeps == [2.0]
    with pytest.raises(LLMUnavailableError) as caught:
        gateway.complete(PROMPT)
    assert (caught.value.reason, caught.value.attempts) == ("auth", 1)
    assert len(fake_server.requests) == 3


def test_truncated_stream_is_detected_without_provider_help(
    make_gateway: MakeGateway, fake_server: FakeChatServer
) -> None:
    fake_server.script(Truncated("Une réponse qui sera coupée en route."))
    with pytest.raises(LLMUnavailableError) as caught:
        list(make_gateway("openai_compatible").stream(PROMPT))
    assert caught.value.reason == "truncated_stream"
