from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from app.audit import MemoryAuditSink
from app.llm.gateway import LLMGateway
from app.settings import load_settings
from tests.fakes.chat_server import FakeChatServer
from tests.fakes.scrubber import TaggingScrubber


@pytest.fixture
def fake_server() -> Iterator[FakeChatServer]:
    server = FakeChatServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def scrubber() -> TaggingScrubber:
    return TaggingScrubber()


@pytest.fixture
def audit() -> MemoryAuditSink:
    return MemoryAuditSink()


@pytest.fixture
def sleeps() -> list[float]:
    """Delays the gateway asked to wait; the injected sleep records them instead of waiting."""
    return []


@pytest.fixture
def gateways() -> Iterator[list[LLMGateway]]:
    """Gateways a test built; their worker threads are released afterwards."""
    built: list[LLMGateway] = []
    yield built
    for gateway in built:
        gateway.close()


@pytest.fixture
def make_gateway(
    fake_server: FakeChatServer,
    scrubber: TaggingScrubber,
    audit: MemoryAuditSink,
    sleeps: list[float],
    gateways: list[LLMGateway],
) -> Callable[..., LLMGateway]:
    """Build a gateway from settings pointing `provider` at the fake server; keyword overrides go to settings."""

    def make(provider: str = "mistral", **overrides: object) -> LLMGateway:
        endpoint: dict[str, object] = (
            {"mistral_api_key": "test-key", "mistral_endpoint": fake_server.url}
            if provider == "mistral"
            else {"openai_base_url": f"{fake_server.url}/v1", "openai_api_key": "test-key", "openai_model": "m"}
        )
        options: dict[str, object] = {
            "llm_provider": provider,
            "llm_timeout_s": 5.0,
            "llm_max_retries": 2,
            "llm_backoff_s": 0.5,
            "llm_max_backoff_s": 10.0,
            **endpoint,
            **overrides,
        }
        gateway = LLMGateway.from_settings(
            load_settings(**options), audit=audit, scrubber=scrubber, sleep=sleeps.append
        )
        gateways.append(gateway)
        return gateway

    return make
