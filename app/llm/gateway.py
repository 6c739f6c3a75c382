"""`LLMGateway`: the only way the product calls a language model.

Every call: each message is scrubbed before it can reach the model; each attempt has a timeout; transient
failures (429, 5xx, timeouts, connection errors) are retried with exponential backoff honouring
`Retry-After`; other failures raise at once; exactly one `llm_call` audit event is written, holding counts and
a hash of the scrubbed input but never text. A failed call raises a typed error and never invents an answer;
the `*_or_fallback` variants answer from the caller's rules instead and flag the result.
"""

from __future__ import annotations

import asyncio
import contextvars
import copy
import hashlib
import inspect
import json
import time
from collections.abc import AsyncIterator, Callable, Generator, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel

from app.audit import AuditSink
from app.llm.errors import Failure, LLMError, LLMOutputError, LLMUnavailableError, ProviderError
from app.llm.factory import build_chat_model, describe_model, json_mode_options
from app.llm.json_output import InvalidOutputError, parse_output, repair_request, with_json_instruction
from app.llm.result import LLMResult
from app.llm.retry import backoff_delay, classify
from app.llm.streaming import ChunkPump
from app.pii import Scrubber, get_scrubber
from app.prompts import PromptMessage, RenderedPrompt
from app.settings import Settings

T = TypeVar("T")
ModelT = TypeVar("ModelT", bound=BaseModel)

Outcome = Literal["ok", "fallback", "error", "cancelled"]
AUDIT_EVENT = "llm_call"
RULES = "rules"


@dataclass
class _Call:
    """What one gateway call accumulates for its result and its audit event."""

    operation: str
    prompt: RenderedPrompt
    session_id: str | None
    messages: tuple[PromptMessage, ...] = ()  # scrubbed; empty when no model is called
    input_sha256: str | None = None
    started: float = field(default_factory=time.monotonic)
    attempts: int = 0
    repairs: int = 0
    input_tokens: int | None = None
    output_tokens: int | None = None
    first_token_ms: int | None = None

    def elapsed_ms(self) -> int:
        return round((time.monotonic() - self.started) * 1000)

    def add_usage(self, message: AIMessage) -> None:
        usage = message.usage_metadata
        if usage:
            self.input_tokens = (self.input_tokens or 0) + usage["input_tokens"]
            self.output_tokens = (self.output_tokens or 0) + usage["output_tokens"]


class LLMGateway:
    def __init__(
        self,
        *,
        chat_model: BaseChatModel | None,
        provider: str,
        model_name: str,
        scrubber: Scrubber,
        audit: AuditSink,
        timeout_s: float = 60.0,
        max_retries: int = 3,
        backoff_s: float = 1.0,
        max_backoff_s: float = 30.0,
        repair_retries: int = 1,
        sleep: Callable[[float], None] = time.sleep,
        max_concurrency: int = 8,
    ) -> None:
        """`max_concurrency` bounds the model calls in flight (1 for llama.cpp, which is not thread-safe)."""
        self._chat_model = chat_model
        self.provider = provider
        self.model_name = model_name
        self._scrubber = scrubber
        self._audit = audit
        self._timeout_s = timeout_s
        self._max_retries = max_retries
        self._backoff_s = backoff_s
        self._max_backoff_s = max_backoff_s
        self._repair_retries = repair_retries
        self._sleep = sleep
        self._executor = ThreadPoolExecutor(max_workers=max_concurrency, thread_name_prefix="llm")

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        audit: AuditSink,
        scrubber: Scrubber | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> LLMGateway:
        provider, model_name = describe_model(settings)
        return cls(
            chat_model=build_chat_model(settings),
            provider=provider,
            model_name=model_name,
            scrubber=scrubber or get_scrubber(),
            audit=audit,
            timeout_s=settings.llm_timeout_s,
            max_retries=settings.llm_max_retries,
            backoff_s=settings.llm_backoff_s,
            max_backoff_s=settings.llm_max_backoff_s,
            repair_retries=settings.llm_repair_retries,
            sleep=sleep,
            max_concurrency=1 if provider == "local" else 8,
        )

    def with_budget(self, *, timeout_s: float, max_retries: int) -> LLMGateway:
        """The same gateway (model, worker threads, scrubber, audit) with a tighter time budget, for calls a
        candidate is waiting on: better the rubric's own question soon than the model's after minutes."""
        budget = copy.copy(self)
        budget._timeout_s = min(timeout_s, self._timeout_s)
        budget._max_retries = min(max_retries, self._max_retries)
        return budget

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    # --- public calls -------------------------------------------------------------------------------------

    def complete(
        self,
        prompt: RenderedPrompt,
        *,
        rules: Callable[[], str] | None = None,
        session_id: str | None = None,
        max_tokens: int | None = None,
    ) -> LLMResult[str]:
        """`max_tokens` caps this answer below the provider's default (a short question needs few)."""
        call = self._start("complete", prompt, session_id)
        return self._run(call, lambda model: self._complete(call, model, max_tokens), rules, fallback=False)

    def complete_or_fallback(
        self,
        prompt: RenderedPrompt,
        *,
        rules: Callable[[], str],
        session_id: str | None = None,
    ) -> LLMResult[str]:
        call = self._start("complete", prompt, session_id)
        return self._run(call, lambda model: self._complete(call, model, None), rules, fallback=True)

    def structured(
        self,
        prompt: RenderedPrompt,
        schema: type[ModelT],
        *,
        rules: Callable[[], ModelT] | None = None,
        session_id: str | None = None,
    ) -> LLMResult[ModelT]:
        call = self._start("structured", with_json_instruction(prompt, schema), session_id)
        return self._run(call, lambda model: self._structured(call, model, schema), rules, fallback=False)

    def structured_or_fallback(
        self,
        prompt: RenderedPrompt,
        schema: type[ModelT],
        *,
        rules: Callable[[], ModelT],
        session_id: str | None = None,
    ) -> LLMResult[ModelT]:
        call = self._start("structured", with_json_instruction(prompt, schema), session_id)
        return self._run(call, lambda model: self._structured(call, model, schema), rules, fallback=True)

    def stream(
        self,
        prompt: RenderedPrompt,
        *,
        rules: Callable[[], str] | None = None,
        session_id: str | None = None,
        max_tokens: int | None = None,
    ) -> Generator[str, None, None]:
        """Yield text as it is generated. Failures before the first token are retried; a stream cut short
        afterwards raises `LLMUnavailableError("truncated_stream")` and is never completed by invention.
        `max_tokens` caps the answer as in `complete`."""
        call = self._start("stream", prompt, session_id)
        outcome: Outcome = "error"
        error: str | None = "unexpected"
        try:
            if self._chat_model is None:
                yield self._rules_answer(call, rules)
            else:
                yield from self._stream(call, self._chat_model, max_tokens)
            outcome, error = "ok", None
        except GeneratorExit:
            outcome, error = "cancelled", None
            raise
        except LLMError as exc:
            error = _error_kind(exc)
            raise
        finally:
            self._record(call, outcome, error, ())

    async def acomplete(
        self, prompt: RenderedPrompt, *, rules: Callable[[], str] | None = None, session_id: str | None = None
    ) -> LLMResult[str]:
        return await asyncio.to_thread(self.complete, prompt, rules=rules, session_id=session_id)

    async def acomplete_or_fallback(
        self, prompt: RenderedPrompt, *, rules: Callable[[], str], session_id: str | None = None
    ) -> LLMResult[str]:
        return await asyncio.to_thread(self.complete_or_fallback, prompt, rules=rules, session_id=session_id)

    async def astructured(
        self,
        prompt: RenderedPrompt,
        schema: type[ModelT],
        *,
        rules: Callable[[], ModelT] | None = None,
        session_id: str | None = None,
    ) -> LLMResult[ModelT]:
        return await asyncio.to_thread(self.structured, prompt, schema, rules=rules, session_id=session_id)

    async def astructured_or_fallback(
        self,
        prompt: RenderedPrompt,
        schema: type[ModelT],
        *,
        rules: Callable[[], ModelT],
        session_id: str | None = None,
    ) -> LLMResult[ModelT]:
        return await asyncio.to_thread(self.structured_or_fallback, prompt, schema, rules=rules, session_id=session_id)

    async def astream(
        self, prompt: RenderedPrompt, *, rules: Callable[[], str] | None = None, session_id: str | None = None
    ) -> AsyncIterator[str]:
        """`stream` for async handlers: each blocking step runs in a worker thread."""
        tokens = self.stream(prompt, rules=rules, session_id=session_id)
        try:
            while (token := await asyncio.to_thread(next, tokens, None)) is not None:
                yield token
        finally:
            # Still running only if this task was cancelled mid-step: the worker thread finishes that step and
            # the generator is then closed (and audited) when it is released.
            if inspect.getgeneratorstate(tokens) != inspect.GEN_RUNNING:
                await asyncio.to_thread(tokens.close)

    # --- one call -----------------------------------------------------------------------------------------

    def _start(self, operation: str, prompt: RenderedPrompt, session_id: str | None) -> _Call:
        call = _Call(operation=operation, prompt=prompt, session_id=session_id)
        if self._chat_model is not None:
            call.messages = tuple(PromptMessage(m.role, self._scrubber.scrub(m.content)) for m in prompt.messages)
            call.input_sha256 = _sha256_of(call.messages)
        return call

    def _run(
        self,
        call: _Call,
        produce: Callable[[BaseChatModel], tuple[T, tuple[str, ...]]],
        rules: Callable[[], T] | None,
        *,
        fallback: bool,
    ) -> LLMResult[T]:
        outcome: Outcome = "error"
        error: str | None = "unexpected"
        flags: tuple[str, ...] = ()
        try:
            if self._chat_model is None:
                value = self._rules_answer(call, rules)
                outcome, error = "ok", None
                return self._result(call, value, RULES, RULES, flags, fallback_used=False)
            try:
                value, flags = produce(self._chat_model)
            except LLMError as exc:
                if not fallback or rules is None:
                    raise
                error = _error_kind(exc)
                value = rules()
                outcome = "fallback"
                flags = ("invalid_model_output" if isinstance(exc, LLMOutputError) else "model_unavailable",)
                return self._result(call, value, RULES, RULES, flags, fallback_used=True)
            outcome, error = "ok", None
            return self._result(call, value, self.provider, self.model_name, flags, fallback_used=False)
        except LLMError as exc:
            error = _error_kind(exc)
            raise
        finally:
            self._record(call, outcome, error, flags)

    def _rules_answer(self, call: _Call, rules: Callable[[], T] | None) -> T:
        if rules is None:
            raise LLMUnavailableError(
                "no_rules_answer", 0, f"the rules provider has no answer for prompt {call.prompt.name!r}"
            )
        return rules()

    def _result(
        self, call: _Call, value: T, provider: str, model: str, flags: tuple[str, ...], *, fallback_used: bool
    ) -> LLMResult[T]:
        return LLMResult(
            value=value,
            provider=provider,
            model=model,
            prompt_name=call.prompt.name,
            prompt_version=call.prompt.version,
            latency_ms=call.elapsed_ms(),
            input_sha256=call.input_sha256,
            attempts=call.attempts,
            input_tokens=call.input_tokens,
            output_tokens=call.output_tokens,
            fallback_used=fallback_used,
            flags=flags,
        )

    def _record(self, call: _Call, outcome: Outcome, error: str | None, flags: tuple[str, ...]) -> None:
        payload: dict[str, Any] = {
            "operation": call.operation,
            "provider": self.provider,
            "model": self.model_name,
            "prompt_name": call.prompt.name,
            "prompt_version": call.prompt.version,
            "scrubber": self._scrubber.name,
            "latency_ms": call.elapsed_ms(),
            "input_tokens": call.input_tokens,
            "output_tokens": call.output_tokens,
            "input_sha256": call.input_sha256,
            "attempts": call.attempts,
            "repairs": call.repairs,
            "outcome": outcome,
            "error": error,
            "flags": list(flags),
        }
        if call.operation == "stream":
            payload["first_token_ms"] = call.first_token_ms
        self._audit(AUDIT_EVENT, payload, session_id=call.session_id)

    # --- talking to the model -----------------------------------------------------------------------------

    def _complete(self, call: _Call, model: BaseChatModel, max_tokens: int | None) -> tuple[str, tuple[str, ...]]:
        reply = self._invoke(call, model, call.messages, _length_limit(max_tokens))
        flags = ("max_tokens_reached",) if reply.response_metadata.get("finish_reason") == "length" else ()
        return str(reply.text), flags

    def _structured(self, call: _Call, model: BaseChatModel, schema: type[ModelT]) -> tuple[ModelT, tuple[str, ...]]:
        options = json_mode_options(self.provider, schema.model_json_schema())
        messages = call.messages
        while True:
            text = str(self._invoke(call, model, messages, options).text)
            try:
                return parse_output(text, schema), ()
            except InvalidOutputError as exc:
                if call.repairs >= self._repair_retries:
                    raise LLMOutputError(str(exc), call.attempts) from None
                call.repairs += 1
                messages = (
                    *messages,
                    PromptMessage("assistant", self._scrubber.scrub(text)),
                    PromptMessage("user", self._scrubber.scrub(repair_request(str(exc)))),
                )

    def _invoke(
        self, call: _Call, model: BaseChatModel, messages: Sequence[PromptMessage], options: dict[str, Any]
    ) -> AIMessage:
        lc_messages = _to_langchain(messages)

        def attempt() -> AIMessage:
            reply = self._within_timeout(lambda: model.invoke(lc_messages, **options))
            if not isinstance(reply, AIMessage):
                raise ProviderError(Failure("malformed_response"), f"unexpected reply type {type(reply).__name__}")
            return reply

        reply = self._with_retries(call, attempt)
        call.add_usage(reply)
        return reply

    def _stream(self, call: _Call, model: BaseChatModel, max_tokens: int | None) -> Iterator[str]:
        lc_messages = _to_langchain(call.messages)
        options = _length_limit(max_tokens)
        pump, chunk = self._with_retries(call, lambda: self._open_stream(model, lc_messages, options))
        finished = False
        try:
            while chunk is not None:
                call.add_usage(chunk)
                finished = finished or chunk.response_metadata.get("finish_reason") is not None
                if text := str(chunk.text):
                    if call.first_token_ms is None:
                        call.first_token_ms = call.elapsed_ms()
                    yield text
                try:
                    chunk = pump.next()
                except Exception as exc:
                    kind = classify(exc).kind
                    raise LLMUnavailableError("truncated_stream", call.attempts, f"stream failed: {kind}") from exc
        finally:
            pump.close()
        if not finished:
            raise LLMUnavailableError("truncated_stream", call.attempts, "the stream ended before the model finished")

    def _open_stream(
        self, model: BaseChatModel, messages: list[BaseMessage], options: dict[str, Any]
    ) -> tuple[ChunkPump, AIMessageChunk | None]:
        """Start streaming and wait for the first chunk that carries something, so that failures up to the
        first token can be retried."""
        pump = ChunkPump(self._executor, lambda: model.stream(messages, **options), self._timeout_s)
        try:
            while (chunk := pump.next()) is not None:
                if chunk.text or chunk.usage_metadata or chunk.response_metadata.get("finish_reason"):
                    return pump, chunk
            return pump, None
        except BaseException:
            pump.close()
            raise

    def _within_timeout(self, fn: Callable[[], T]) -> T:
        future = self._executor.submit(contextvars.copy_context().run, fn)
        try:
            return future.result(timeout=self._timeout_s)
        except TimeoutError:
            future.cancel()
            raise ProviderError(Failure("timeout"), f"no answer within {self._timeout_s:g} s") from None

    def _with_retries(self, call: _Call, attempt: Callable[[], T]) -> T:
        retries = 0
        while True:
            call.attempts += 1
            try:
                return attempt()
            except Exception as exc:
                failure = classify(exc)
                if not failure.retryable or retries >= self._max_retries:
                    raise LLMUnavailableError(failure.kind, call.attempts, _describe(exc, failure)) from exc
                retries += 1
                self._sleep(backoff_delay(failure, retries, base_s=self._backoff_s, max_s=self._max_backoff_s))


def _length_limit(max_tokens: int | None) -> dict[str, Any]:
    """Call options capping the answer's length; none keeps the provider's default."""
    return {} if max_tokens is None else {"max_tokens": max_tokens}


def _to_langchain(messages: Sequence[PromptMessage]) -> list[BaseMessage]:
    classes: dict[str, type[BaseMessage]] = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
    return [classes[message.role](content=message.content) for message in messages]


def _sha256_of(messages: Sequence[PromptMessage]) -> str:
    canonical = json.dumps(
        [{"role": m.role, "content": m.content} for m in messages],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _error_kind(exc: LLMError) -> str:
    if isinstance(exc, LLMUnavailableError):
        return exc.reason
    return "invalid_output"


def _describe(exc: Exception, failure: Failure) -> str:
    """Our own messages are safe to show; a provider's may quote the request, so only its type is kept."""
    if isinstance(exc, ProviderError):
        return str(exc)
    status = f" HTTP {failure.status}" if failure.status is not None else ""
    return f"{type(exc).__name__}{status}"
