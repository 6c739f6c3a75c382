"""The audit seam: anything that makes or records an algorithmic decision reports it here.

`AuditSink` is what producers (the model gateway, flows, the ranker) depend on; `app.db.audit` provides the
append-only, hash-chained database implementation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class AuditSink(Protocol):
    def __call__(self, event_type: str, payload: Mapping[str, Any], *, session_id: str | None = None) -> None: ...


class MemoryAuditSink:
    """Keeps events in a list. For tests and for tools that run without a database."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any], str | None]] = []

    def __call__(self, event_type: str, payload: Mapping[str, Any], *, session_id: str | None = None) -> None:
        self.events.append((event_type, dict(payload), session_id))
