"""Which failures are worth retrying, and how long to wait before the next attempt."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import openai

from app.llm.errors import Failure, FailureKind, ProviderError


def failure_from_status(status: int, headers: Mapping[str, str]) -> Failure:
    """Classify an HTTP status; 429 and 5xx carry the server's `Retry-After` when it sent one."""
    kind: FailureKind
    if 200 <= status < 300:
        kind = "malformed_response"  # a success status whose body could not be understood
    elif status == 429:
        kind = "rate_limited"
    elif status == 408:
        kind = "timeout"
    elif status >= 500:
        kind = "server_error"
    elif status in (401, 403):
        kind = "auth"
    else:
        kind = "bad_request"
    retry_after = _retry_after(headers) if kind in ("rate_limited", "server_error") else None
    return Failure(kind, status=status, retry_after_s=retry_after)


def classify(exc: BaseException) -> Failure:
    """Map any exception a chat model raised to a `Failure`; unknown ones are not retried."""
    if isinstance(exc, ProviderError):
        return exc.failure
    if isinstance(exc, openai.APIStatusError):
        return failure_from_status(exc.status_code, exc.response.headers)
    if isinstance(exc, openai.APIResponseValidationError):
        return Failure("malformed_response", status=exc.status_code)
    if isinstance(exc, openai.APITimeoutError | TimeoutError):
        return Failure("timeout")
    if isinstance(exc, openai.APIConnectionError | ConnectionError):
        return Failure("connection")
    return Failure("provider_error")


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """`Retry-After` as seconds to wait: either delta-seconds or an HTTP date (RFC 9110). None if unusable."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if not math.isfinite(seconds):
        return None
    return max(seconds, 0.0)


def _retry_after(headers: Mapping[str, str]) -> float | None:
    milliseconds = headers.get("retry-after-ms")
    if milliseconds is not None:
        parsed = parse_retry_after(milliseconds)
        if parsed is not None:
            return parsed / 1000
    return parse_retry_after(headers.get("retry-after"))


def backoff_delay(failure: Failure, retry_number: int, *, base_s: float, max_s: float) -> float:
    """Seconds before retry number `retry_number` (1-based): the server's `Retry-After` when given, else
    exponential backoff; both capped at `max_s`."""
    if failure.retry_after_s is not None:
        return min(failure.retry_after_s, max_s)
    return min(base_s * 2.0 ** (retry_number - 1), max_s)
