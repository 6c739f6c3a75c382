"""Gateways for driving the flows: the `rules` provider, or an in-process scripted chat model (unit tests only)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

from app.audit import MemoryAuditSink
from app.llm.errors import Failure, ProviderError
from app.llm.gateway import LLMGateway
from tests.fakes.scrubber import TaggingScrubber

DOWN = ProviderError(Failure("server_error", status=503), "service unavailable")


class ScriptedChatModel(BaseChatModel):
    """Answers `replies` in order (an exception in the list is raised by its call) and records every request."""

    replies: list[Any]
    requests: list[list[BaseMessage]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None, **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self._next_reply(messages)))])

    def _stream(
        self, messages: list[BaseMessage], stop: list[str] | None = None, **kwargs: Any
    ) -> Iterator[ChatGenerationChunk]:
        """The reply one word (and its following space) at a time, as a provider streams tokens."""
        words = re.findall(r"\S+\s*|\s+", self._next_reply(messages)) or [""]
        for index, word in enumerate(words):
            last = index == len(words) - 1
            yield ChatGenerationChunk(
                message=AIMessageChunk(content=word), generation_info={"finish_reason": "stop"} if last else None
            )

    def _next_reply(self, messages: list[BaseMessage]) -> str:
        self.requests.append(messages)
        reply = self.replies.pop(0) if self.replies else DOWN
        if isinstance(reply, Exception):
            raise reply
        return str(reply)


def rules_gateway() -> LLMGateway:
    return LLMGateway(
        chat_model=None, provider="rules", model_name="rules", scrubber=TaggingScrubber(), audit=MemoryAuditSink()
    )


def scripted_gateway(model: ScriptedChatModel) -> LLMGateway:
    return LLMGateway(
        chat_model=model,
        provider="fake",
        model_name="scripted",
        scrubber=TaggingScrubber(),
        audit=MemoryAuditSink(),
        max_retries=0,
        timeout_s=5,
        sleep=lambda _: None,
    )
