"""Gateway behaviour that does not depend on a provider: the rules provider, timeouts enforced by the
gateway itself, unexpected provider failures."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from app.audit import MemoryAuditSink
from app.llm.errors import LLMUnavailableError
from app.llm.gateway import LLMGateway
from app.settings import get_settings
from tests.fakes.scrubber import TaggingScrubber
from tests.llm.support import PROMPT, Orientation, only_event


class BlockingChatModel(BaseChatModel):
    """Never answers until released: like a local model with no client-side timeout."""

    release: threading.Event

    @property
    def _llm_type(self) -> str:
        return "blocking"

    def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **_: Any) -> ChatResult:
        self.release.wait(10)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content="trop tard"))])


class BrokenChatModel(BaseChatModel):
    @property
    def _llm_type(self) -> str:
        return "broken"

    def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **_: Any) -> ChatResult:
        raise ValueError("Requested tokens exceed context window")


def _gateway(
    chat_model: BaseChatModel | None, scrubber: TaggingScrubber, audit: MemoryAuditSink, sleeps: list[float]
) -> LLMGateway:
    return LLMGateway(
        chat_model=chat_model,
        provider="rules" if chat_model is None else "test",
        model_name="rules" if chat_model is None else "test-model",
        scrubber=scrubber,
        audit=audit,
        timeout_s=0.2,
        max_retries=1,
        backoff_s=0.25,
        max_backoff_s=1.0,
        sleep=sleeps.append,
    )


@pytest.fixture
def rules_gateway(scrubber: TaggingScrubber, audit: MemoryAuditSink, sleeps: list[float]) -> Iterator[LLMGateway]:
    gateway = _gateway(None, scrubber, audit, sleeps)
    yield gateway
    gateway.close()


def test_rules_provider_answers_from_rules_without_any_model(
    rules_gateway: LLMGateway, scrubber: TaggingScrubber, audit: MemoryAuditSink
) -> None:
    result = rules_gateway.complete(PROMPT, rules=lambda: "Question fixe ?", session_id="s-9")
    assert (result.value, result.provider, result.model) == ("Question fixe ?", "rules", "rules")
    assert not result.fallback_used
    assert (result.attempts, result.input_sha256) == (0, None)
    assert scrubber.seen == []  # nothing was sent anywhere
    payload = only_event(audit)
    assert (payload["provider"], payload["outcome"], payload["input_sha256"]) == ("rules", "ok", None)
    assert audit.events[0][2] == "s-9"


def test_rules_provider_without_rules_raises(rules_gateway: LLMGateway, audit: MemoryAuditSink) -> None:
    with pytest.raises(
        LLMUnavailableError, match=r"rules provider has no answer for prompt 'test\.question'"
    ) as caught:
        rules_gateway.structured(PROMPT, Orientation)
    assert caught.value.reason == "no_rules_answer"
    assert (only_event(audit)["outcome"], only_event(audit)["error"]) == ("error", "no_rules_answer")


def test_rules_provider_streams_the_rules_answer(rules_gateway: LLMGateway, audit: MemoryAuditSink) -> None:
    assert list(rules_gateway.stream(PROMPT, rules=lambda: "Question fixe ?")) == ["Question fixe ?"]
    assert only_event(audit)["outcome"] == "ok"


def test_from_settings_uses_the_configured_provider(audit: MemoryAuditSink) -> None:
    gateway = LLMGateway.from_settings(get_settings(), audit=audit)  # the test default is `rules`
    try:
        assert (gateway.provider, gateway.model_name) == ("rules", "rules")
        assert gateway.complete(PROMPT, rules=lambda: "ok").provider == "rules"
    finally:
        gateway.close()


def test_gateway_enforces_the_timeout_when_the_model_does_not(
    scrubber: TaggingScrubber, audit: MemoryAuditSink, sleeps: list[float]
) -> None:
    release = threading.Event()
    gateway = _gateway(BlockingChatModel(release=release), scrubber, audit, sleeps)
    try:
        with pytest.raises(LLMUnavailableError) as caught:
            gateway.complete(PROMPT)
        with pytest.raises(LLMUnavailableError) as caught_stream:
            list(gateway.stream(PROMPT))
    finally:
        release.set()
        gateway.close()
    assert (caught.value.reason, caught.value.attempts) == ("timeout", 2)
    assert (caught_stream.value.reason, caught_stream.value.attempts) == ("timeout", 2)
    assert sleeps == [0.25, 0.25]


def test_unexpected_provider_failure_is_typed_and_not_retried(
    scrubber: TaggingScrubber, audit: MemoryAuditSink, sleeps: list[float]
) -> None:
    gateway = _gateway(BrokenChatModel(), scrubber, audit, sleeps)
    try:
        with pytest.raises(LLMUnavailableError) as caught:
            gateway.complete(PROMPT)
        result = gateway.complete_or_fallback(PROMPT, rules=lambda: "secours")
    finally:
        gateway.close()
    assert (caught.value.reason, caught.value.attempts) == ("provider_error", 1)
    assert "ValueError" in str(caught.value)
    assert "context window" not in str(caught.value)  # provider messages may quote input: only the type is kept
    assert isinstance(caught.value.__cause__, ValueError)
    assert sleeps == []
    assert (result.value, result.flags) == ("secours", ("model_unavailable",))
    assert [payload["outcome"] for _, payload, _ in audit.events] == ["error", "fallback"]
