"""The database implementation of `app.audit.AuditSink`: an append-only, hash-chained event log.

Each event stores the hash of the previous one and its own sha256 over that hash plus a canonical JSON of its
content, so editing or removing a past event (which the database triggers already refuse) breaks the chain
where it happened. Appends are serialised, so concurrent writers cannot fork the chain: SQLite takes its
write lock at BEGIN (BEGIN IMMEDIATE), PostgreSQL a transaction-level advisory lock.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.db.engine import SQLITE_BEGIN
from app.db.models import GENESIS_HASH, AuditEvent, utcnow

_PG_LOCK_KEY = int.from_bytes(hashlib.sha256(b"tremplin:audit_event").digest()[:8], "big", signed=True)


class AuditPayloadError(TypeError):
    """The payload cannot be stored as JSON (a datetime, a set, NaN, an object...)."""


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def event_hash(
    prev_hash: str,
    event_type: str,
    session_id: str | None,
    actor: str | None,
    payload: Mapping[str, Any],
    created_at: datetime,
) -> str:
    content = canonical_json(
        {
            "event_type": event_type,
            "session_id": session_id,
            "actor": actor,
            "payload": payload,
            "created_at": created_at.isoformat(),
        }
    )
    return hashlib.sha256((prev_hash + content).encode()).hexdigest()


class DatabaseAuditSink:
    """Appends audit events; `actor` is recorded on the events sent through the `AuditSink` call."""

    def __init__(self, engine: Engine, *, actor: str | None = None) -> None:
        self._sqlite = engine.dialect.name == "sqlite"
        self._engine = engine.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"}) if self._sqlite else engine
        self._actor = actor

    def __call__(self, event_type: str, payload: Mapping[str, Any], *, session_id: str | None = None) -> None:
        self.append(event_type, payload, session_id=session_id, actor=self._actor)

    def append(
        self,
        event_type: str,
        payload: Mapping[str, Any],
        *,
        session_id: str | None = None,
        actor: str | None = None,
    ) -> AuditEvent:
        stored_payload = _json_roundtrip(event_type, payload)
        with Session(self._engine, expire_on_commit=False) as session, session.begin():
            if not self._sqlite:
                session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
            last = select(AuditEvent.hash).order_by(col(AuditEvent.id).desc()).limit(1)
            prev_hash = session.exec(last).first() or GENESIS_HASH
            created_at = utcnow()
            event = AuditEvent(
                created_at=created_at,
                event_type=event_type,
                session_id=session_id,
                actor=actor,
                payload=stored_payload,
                prev_hash=prev_hash,
                hash=event_hash(prev_hash, event_type, session_id, actor, stored_payload, created_at),
            )
            session.add(event)
        return event


def _json_roundtrip(event_type: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """The payload exactly as it will read back from the JSON column (tuples become lists, keys strings)."""
    try:
        loaded: dict[str, Any] = json.loads(canonical_json(dict(payload)))
    except (TypeError, ValueError) as exc:
        raise AuditPayloadError(f"audit payload of {event_type!r} is not JSON-serialisable: {exc}") from None
    return loaded


@dataclass(frozen=True)
class ChainReport:
    """`checked` counts the events examined, the broken one included. On a break, `expected` and `found` are the
    two hashes that differ; `head_hash` is the hash of the last event verified as intact (write it down: an
    auditor who finds it again later knows nothing before it was removed or rewritten)."""

    ok: bool
    checked: int
    broken_id: int | None = None
    reason: str | None = None
    expected: str | None = None
    found: str | None = None
    head_hash: str = GENESIS_HASH


def verify_chain(engine: Engine) -> ChainReport:
    """Walk the log in id order and report the first event whose link or content does not match its hash."""
    expected_prev = GENESIS_HASH
    checked = 0
    with Session(engine) as session:
        events = session.exec(select(AuditEvent).order_by(col(AuditEvent.id)).execution_options(yield_per=500))
        for event in events:
            checked += 1
            if event.prev_hash != expected_prev:
                reason = "prev_hash is not the hash of the previous event"
                return ChainReport(False, checked, event.id, reason, expected_prev, event.prev_hash, expected_prev)
            recomputed = event_hash(
                event.prev_hash, event.event_type, event.session_id, event.actor, event.payload, event.created_at
            )
            if recomputed != event.hash:
                reason = "hash does not match the event's content"
                return ChainReport(False, checked, event.id, reason, recomputed, event.hash, expected_prev)
            expected_prev = event.hash
    return ChainReport(True, checked, head_hash=expected_prev)
