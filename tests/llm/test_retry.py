from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.llm.errors import Failure
from app.llm.retry import backoff_delay, failure_from_status, parse_retry_after

NOW = datetime(2026, 3, 2, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7.0),
        (" 2.5 ", 2.5),
        ("Mon, 02 Mar 2026 12:00:30 GMT", 30.0),
        ("Mon, 02 Mar 2026 11:59:00 GMT", 0.0),  # already past: retry now
        ("-3", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
        ("inf", None),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == expected


@pytest.mark.parametrize(
    ("status", "kind", "retryable"),
    [
        (429, "rate_limited", True),
        (500, "server_error", True),
        (503, "server_error", True),
        (408, "timeout", True),
        (401, "auth", False),
        (403, "auth", False),
        (400, "bad_request", False),
        (404, "bad_request", False),
        (422, "bad_request", False),
        (200, "malformed_response", False),
    ],
)
def test_failure_from_status(status: int, kind: str, retryable: bool) -> None:
    failure = failure_from_status(status, {})
    assert (failure.kind, failure.retryable, failure.status) == (kind, retryable, status)


def test_retry_after_is_read_only_where_it_means_wait() -> None:
    assert failure_from_status(503, {"retry-after": "4"}).retry_after_s == 4.0
    assert failure_from_status(429, {"retry-after-ms": "1500", "retry-after": "9"}).retry_after_s == 1.5
    assert failure_from_status(400, {"retry-after": "4"}).retry_after_s is None


def test_backoff_is_exponential_and_capped() -> None:
    failure = Failure("server_error")
    delays = [backoff_delay(failure, n, base_s=1.0, max_s=5.0) for n in range(1, 6)]
    assert delays == [1.0, 2.0, 4.0, 5.0, 5.0]


def test_backoff_prefers_retry_after_within_the_cap() -> None:
    assert backoff_delay(Failure("rate_limited", retry_after_s=3.0), 1, base_s=1.0, max_s=5.0) == 3.0
    assert backoff_delay(Failure("rate_limited", retry_after_s=60.0), 1, base_s=1.0, max_s=5.0) == 5.0
