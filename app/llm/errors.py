"""Typed failures of model calls.

`ProviderError` is internal: adapters and the gateway use it for an already-classified transport failure.
Callers only ever see `LLMUnavailableError` (no answer could be obtained) or `LLMOutputError` (answers came
back but never matched the expected schema).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.errors import TremplinError

FailureKind = Literal[
    "timeout",
    "connection",
    "rate_limited",
    "server_error",
    "auth",
    "bad_request",
    "malformed_response",
    "truncated_stream",
    "provider_error",
]

# A truncated stream is only ever retried before its first token reached the caller.
RETRYABLE_KINDS: frozenset[FailureKind] = frozenset(
    {"timeout", "connection", "rate_limited", "server_error", "truncated_stream"}
)


@dataclass(frozen=True, slots=True)
class Failure:
    kind: FailureKind
    status: int | None = None
    retry_after_s: float | None = None

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE_KINDS


class ProviderError(Exception):
    """A transport failure raised by our adapters, already classified."""

    def __init__(self, failure: Failure, message: str) -> None:
        super().__init__(message)
        self.failure = failure


class LLMError(TremplinError):
    """Base of the errors a model call raises."""


class LLMUnavailableError(LLMError):
    """No answer could be obtained from the model (after retries when the failure was transient)."""

    def __init__(self, reason: str, attempts: int, detail: str = "") -> None:
        message = f"language model unavailable: {reason} after {attempts} attempt(s)"
        super().__init__(f"{message}: {detail}" if detail else message)
        self.reason = reason
        self.attempts = attempts


class LLMOutputError(LLMError):
    """The model answered, but not with output matching the expected schema, even after repair attempts."""

    def __init__(self, detail: str, attempts: int) -> None:
        super().__init__(f"invalid model output after {attempts} attempt(s): {detail}")
        self.detail = detail
        self.attempts = attempts
