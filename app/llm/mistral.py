"""LangChain chat model over the official `mistralai` client.

langchain-mistralai ships its own httpx transport; this adapter keeps LangChain's interface but sends every
request through `mistralai.Mistral`, pointed at `TREMPLIN_MISTRAL_ENDPOINT` (the Mistral API or a self-hosted
server exposing /v1/chat/completions). The SDK's own retries are off: `LLMGateway` retries, once, for every
provider. SDK and transport failures are re-raised as classified `ProviderError`s.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_mistralai.chat_models import _convert_message_to_mistral_chat_message
from mistralai.client import Mistral, errors, models
from mistralai.client.utils import BackoffStrategy, RetryConfig
from pydantic import PrivateAttr, SecretStr

from app.llm.errors import Failure, ProviderError
from app.llm.retry import failure_from_status

_NO_RETRIES = RetryConfig("none", BackoffStrategy(0, 0, 1.0, 0), retry_connection_errors=False)
_PROVIDER = "mistralai"


class ChatMistralClient(BaseChatModel):
    """Mistral chat completions through the `mistralai` SDK. JSON mode: pass
    `response_format={"type": "json_object"}` to `invoke`/`stream`."""

    model: str
    api_key: SecretStr
    endpoint: str = "https://api.mistral.ai"
    timeout_s: float = 60.0
    temperature: float | None = None
    max_tokens: int | None = None

    _client: Mistral = PrivateAttr()

    def model_post_init(self, context: Any, /) -> None:
        super().model_post_init(context)
        self._client = Mistral(
            api_key=self.api_key.get_secret_value(),
            server_url=self.endpoint,
            timeout_ms=max(1, round(self.timeout_s * 1000)),
            retry_config=_NO_RETRIES,
        )

    @property
    def _llm_type(self) -> str:
        return "mistralai-client"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model": self.model, "endpoint": self.endpoint}

    def _request(self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any) -> dict[str, Any]:
        request: dict[str, Any] = {
            "model": self.model,
            "messages": [_convert_message_to_mistral_chat_message(message) for message in messages],
        }
        if self.temperature is not None:
            request["temperature"] = self.temperature
        if self.max_tokens is not None:
            request["max_tokens"] = self.max_tokens
        if stop:
            request["stop"] = stop
        return request | kwargs

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        try:
            response = self._client.chat.complete(**self._request(messages, stop, **kwargs))
        except (errors.MistralError, errors.NoResponseError, httpx2.HTTPError) as exc:
            raise _provider_error(exc) from exc
        choice = response.choices[0] if response.choices else None
        if choice is None or choice.message is None:
            raise ProviderError(Failure("malformed_response", status=200), "response without a message")
        message = AIMessage(
            content=_text(choice.message.content),
            usage_metadata=_usage(response.usage),
            response_metadata={
                "model_provider": _PROVIDER,
                "model_name": response.model,
                "finish_reason": choice.finish_reason,
            },
        )
        generation = ChatGeneration(message=message, generation_info={"finish_reason": choice.finish_reason})
        return ChatResult(generations=[generation], llm_output={"model_name": response.model})

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        finished = False
        try:
            with self._client.chat.stream(**self._request(messages, stop, **kwargs)) as events:
                for event in events:
                    if not event.data.choices:
                        continue
                    choice = event.data.choices[0]
                    finish_reason = choice.finish_reason
                    finished = finished or finish_reason is not None
                    chunk = ChatGenerationChunk(
                        message=AIMessageChunk(
                            content=_text(choice.delta.content),
                            usage_metadata=_usage(event.data.usage),
                            response_metadata={"model_provider": _PROVIDER},
                        ),
                        generation_info={"finish_reason": finish_reason} if finish_reason else None,
                    )
                    if run_manager is not None:
                        run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                    yield chunk
        except (errors.MistralError, errors.NoResponseError, httpx2.HTTPError) as exc:
            raise _provider_error(exc) from exc
        if not finished:
            raise ProviderError(Failure("truncated_stream"), "the stream ended before the model finished")


def _text(content: object) -> str:
    """Text of a message or delta content: a string, or a list of chunks of which only text counts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(chunk.text for chunk in content if isinstance(chunk, models.TextChunk))
    return ""


def _usage(usage: models.UsageInfo | None) -> UsageMetadata | None:
    if usage is None:
        return None
    input_tokens = usage.prompt_tokens or 0
    output_tokens = usage.completion_tokens or 0
    return UsageMetadata(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        total_tokens=usage.total_tokens or input_tokens + output_tokens,
    )


def _provider_error(exc: errors.MistralError | errors.NoResponseError | httpx2.HTTPError) -> ProviderError:
    if isinstance(exc, errors.ResponseValidationError):
        return ProviderError(Failure("malformed_response", status=exc.status_code), "malformed response body")
    if isinstance(exc, errors.MistralError):
        failure = failure_from_status(exc.status_code, exc.headers)
        return ProviderError(failure, f"Mistral endpoint answered HTTP {exc.status_code}")
    if isinstance(exc, httpx2.TimeoutException):
        return ProviderError(Failure("timeout"), f"Mistral endpoint timed out ({type(exc).__name__})")
    return ProviderError(Failure("connection"), f"Mistral endpoint unreachable ({type(exc).__name__})")
