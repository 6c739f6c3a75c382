from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, select

from app.db.audit import AuditPayloadError, DatabaseAuditSink, event_hash, verify_chain
from app.db.models import GENESIS_HASH, AuditEvent


def _events(engine: Engine) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(session.exec(select(AuditEvent).order_by(AuditEvent.id)).all())


def _append_three(engine: Engine) -> list[AuditEvent]:
    sink = DatabaseAuditSink(engine, actor="system")
    sink("session.started", {"flows": ["quiz"]}, session_id="s-1")
    sink("llm.call", {"model": "rules", "latency_ms": 12, "note": "café"}, session_id="s-1")
    sink.append("report.viewed", {"report_id": 7}, actor="referent@demo.tremplin.local")
    return _events(engine)


def test_empty_log_verifies(migrated_engine: Engine) -> None:
    assert verify_chain(migrated_engine).ok
    assert verify_chain(migrated_engine).checked == 0


def test_appended_events_form_a_chain(migrated_engine: Engine) -> None:
    first, second, third = _append_three(migrated_engine)

    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert (first.actor, first.session_id, third.actor, third.session_id) == (
        "system",
        "s-1",
        "referent@demo.tremplin.local",
        None,
    )
    assert first.created_at.tzinfo is UTC
    report = verify_chain(migrated_engine)
    assert (report.ok, report.checked, report.broken_id, report.reason) == (True, 3, None, None)


def test_payload_is_stored_as_it_reads_back(migrated_engine: Engine) -> None:
    event = DatabaseAuditSink(migrated_engine).append("quiz.scored", {"scores": (3, 4.5), "ok": True})
    assert event.payload == {"scores": [3, 4.5], "ok": True}
    assert _events(migrated_engine)[0].payload == {"scores": [3, 4.5], "ok": True}
    assert verify_chain(migrated_engine).ok


@pytest.mark.parametrize(
    "payload",
    [
        {"at": datetime(2027, 1, 1, tzinfo=UTC)},
        {"skills": {"safety", "rigour"}},
        {"score": float("nan")},
        {"score": object()},
    ],
    ids=["datetime", "set", "nan", "object"],
)
def test_non_json_payloads_are_refused_before_writing(migrated_engine: Engine, payload: dict[str, Any]) -> None:
    with pytest.raises(AuditPayloadError, match=r"audit payload of 'llm\.call' is not JSON-serialisable"):
        DatabaseAuditSink(migrated_engine)("llm.call", payload)
    assert _events(migrated_engine) == []


def _without_append_only_triggers(connection: Connection) -> None:
    """What an attacker with direct database or file access could do."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("DROP TRIGGER audit_event_no_update")
        connection.exec_driver_sql("DROP TRIGGER audit_event_no_delete")
    else:
        connection.exec_driver_sql("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update_delete")


def _edit_payload(connection: Connection, events: list[AuditEvent]) -> None:
    connection.execute(sa.update(AuditEvent).where(AuditEvent.id == events[1].id).values(payload={"model": "x"}))


def _edit_payload_and_rehash(connection: Connection, events: list[AuditEvent]) -> None:
    target = events[1]
    forged = event_hash(target.prev_hash, target.event_type, target.session_id, target.actor, {}, target.created_at)
    connection.execute(sa.update(AuditEvent).where(AuditEvent.id == target.id).values(payload={}, hash=forged))


def _delete_event(connection: Connection, events: list[AuditEvent]) -> None:
    connection.execute(sa.delete(AuditEvent).where(AuditEvent.id == events[1].id))


@pytest.mark.parametrize(
    ("tamper", "broken_index", "checked", "reason"),
    [
        (_edit_payload, 1, 2, "hash does not match the event's content"),
        (_edit_payload_and_rehash, 2, 3, "prev_hash is not the hash of the previous event"),
        (_delete_event, 2, 2, "prev_hash is not the hash of the previous event"),
    ],
    ids=["edit", "edit-and-rehash", "delete"],
)
def test_tampering_is_located(
    migrated_engine: Engine,
    tamper: Callable[[Connection, list[AuditEvent]], None],
    broken_index: int,
    checked: int,
    reason: str,
) -> None:
    events = _append_three(migrated_engine)
    with migrated_engine.begin() as connection:
        _without_append_only_triggers(connection)
        tamper(connection, events)

    report = verify_chain(migrated_engine)

    assert (report.ok, report.broken_id, report.checked, report.reason) == (
        False,
        events[broken_index].id,
        checked,
        reason,
    )


def test_concurrent_appends_keep_a_single_chain(migrated_engine: Engine) -> None:
    threads, per_thread = 6, 15
    start = threading.Barrier(threads)
    sink = DatabaseAuditSink(migrated_engine, actor="worker")

    def work(worker: int) -> None:
        start.wait()
        for n in range(per_thread):
            sink("load.test", {"worker": worker, "n": n})

    with ThreadPoolExecutor(threads) as pool:
        for future in [pool.submit(work, worker) for worker in range(threads)]:
            future.result()

    events = _events(migrated_engine)
    assert len(events) == threads * per_thread
    assert len({event.prev_hash for event in events}) == len(events)  # no two events share a parent
    report = verify_chain(migrated_engine)
    assert (report.ok, report.checked) == (True, threads * per_thread)
