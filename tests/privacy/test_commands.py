"""`tremplin audit verify`, `tremplin candidate export|erase` and `tremplin retention run`, as a user runs them."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.db.models import AuditEvent
from tests.privacy.world import World
from tests.test_cli import assert_one_line_error, run


def _drop_append_only_triggers(engine: Engine) -> None:
    """What someone with the database owner's or the file's access could do."""
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("DROP TRIGGER audit_event_no_update")
            connection.exec_driver_sql("DROP TRIGGER audit_event_no_delete")
        else:
            connection.exec_driver_sql("DROP TRIGGER audit_event_no_update_delete ON audit_event")


def test_audit_verify_says_ok_then_names_the_first_tampered_event(app_engine: Engine, world: World) -> None:
    intact = run("audit", "verify")
    assert intact.returncode == 0, intact.stderr
    assert intact.stdout.startswith("OK: 4 events, hash chain intact; last hash ")

    with Session(app_engine) as db:
        second, third = db.exec(select(AuditEvent).order_by(AuditEvent.id).offset(1).limit(2)).all()  # type: ignore[arg-type]
    _drop_append_only_triggers(app_engine)
    with app_engine.begin() as connection:
        connection.execute(sa.update(AuditEvent).where(AuditEvent.id == third.id).values(actor="someone else"))
        connection.execute(sa.update(AuditEvent).where(AuditEvent.id == second.id).values(payload={"forged": 1}))

    broken = run("audit", "verify")

    assert broken.returncode == 1
    lines = broken.stdout.splitlines()
    assert lines[0] == f"BROKEN at event id {second.id} (event 2 in log order): hash does not match the event's content"
    expected = lines[1].removeprefix("  expected ")
    assert len(expected) == 64
    assert expected != second.hash
    assert lines[2] == f"  found    {second.hash}"


def test_audit_verify_names_a_deleted_event_by_its_successor(app_engine: Engine, world: World) -> None:
    with Session(app_engine) as db:
        events = db.exec(select(AuditEvent).order_by(AuditEvent.id)).all()  # type: ignore[arg-type]
    _drop_append_only_triggers(app_engine)
    with app_engine.begin() as connection:
        connection.execute(sa.delete(AuditEvent).where(AuditEvent.id == events[1].id))

    broken = run("audit", "verify")

    assert broken.returncode == 1
    assert broken.stdout.splitlines()[0] == (
        f"BROKEN at event id {events[2].id} (event 2 in log order): prev_hash is not the hash of the previous event"
    )
    assert f"last intact hash {events[0].hash}" in broken.stdout


def test_candidate_export_prints_json_and_erase_asks_for_yes(app_engine: Engine, world: World) -> None:
    exported = run("candidate", "export", world.alice.candidate_id)
    assert exported.returncode == 0, exported.stderr
    document = json.loads(exported.stdout)
    assert document["sessions"][0]["pseudonyms"][0]["value"] == world.alice.phone

    declined = run("candidate", "erase", world.alice.candidate_id, stdin="n\n")
    assert declined.returncode == 1
    assert "messages" not in declined.stdout

    erased = run("candidate", "erase", world.alice.candidate_id, "--yes")
    assert erased.returncode == 0, erased.stderr
    assert "messages: 2" in erased.stdout.splitlines()
    with Session(app_engine) as db:
        actors = db.exec(select(AuditEvent.event_type, AuditEvent.actor).where(AuditEvent.actor == "cli")).all()
    assert actors == [("candidate_exported", "cli"), ("candidate_erased", "cli")]


def test_an_unknown_candidate_is_one_line_and_exit_2(app_engine: Engine) -> None:
    assert_one_line_error(run("candidate", "export", "nobody"), "no candidate with id 'nobody'")
    assert_one_line_error(run("candidate", "erase", "nobody", "--yes"), "no candidate with id 'nobody'")


def test_retention_run_prints_what_it_did(app_engine: Engine, world: World) -> None:
    result = run("retention", "run")
    assert result.returncode == 0, result.stderr
    assert "sessions_purged: 0" in result.stdout.splitlines()


def test_grant_app_role_on_sqlite_is_a_one_line_error(app_engine: Engine) -> None:
    if app_engine.dialect.name != "sqlite":
        pytest.skip("on PostgreSQL the command works: tests/privacy/test_app_role.py")
    assert_one_line_error(run("db", "grant-app-role", "tremplin_app"), "applies to PostgreSQL only")
