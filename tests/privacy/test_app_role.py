"""PostgreSQL: the service's own role can append audit events and do its work, but cannot change, delete or
unprotect the audit log."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from app.db.app_role import grant_app_role
from app.db.audit import DatabaseAuditSink, verify_chain
from app.db.engine import make_engine
from app.errors import ConfigError
from app.privacy import erase_candidate
from app.settings import get_settings
from tests.privacy.world import World, build_world


@pytest.fixture
def app_role(app_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A fresh LOGIN role granted by `grant_app_role`, an engine connected as it, and the settings pointing at it
    (so the checkpoints, too, are reached as that role)."""
    if app_engine.dialect.name != "postgresql":
        pytest.skip("database roles are a PostgreSQL feature")
    role = f"tremplin_app_{uuid.uuid4().hex[:8]}"
    with app_engine.begin() as connection:
        connection.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN')
    try:
        grant_app_role(app_engine, role)
        url = app_engine.url.set(username=role, password=None).render_as_string(hide_password=False)
        monkeypatch.setenv("TREMPLIN_DATABASE_URL", url)
        get_settings.cache_clear()
        engine = make_engine(url)
        yield engine
        engine.dispose()
    finally:
        with app_engine.begin() as connection:
            connection.exec_driver_sql(f'DROP OWNED BY "{role}"')
            connection.exec_driver_sql(f'DROP ROLE "{role}"')


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET actor = 'someone else'",
        "DELETE FROM audit_event",
        "TRUNCATE audit_event",
        "ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update_delete",
        "DROP TRIGGER audit_event_no_update_delete ON audit_event",
        "DROP TABLE audit_event",
    ],
)
def test_the_app_role_cannot_rewrite_or_unprotect_the_audit_log(
    app_engine: Engine, app_role: Engine, statement: str
) -> None:
    DatabaseAuditSink(app_role, actor="user:1")("login.succeeded", {})

    with pytest.raises(sa.exc.ProgrammingError, match=r"permission denied|must be owner"), app_role.begin() as c:
        c.exec_driver_sql(statement)

    with app_engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM audit_event").scalar_one() == 1
    assert verify_chain(app_role).ok


def test_the_app_role_does_its_work_including_an_erasure(app_engine: Engine, app_role: Engine) -> None:
    world: World = build_world(app_role)  # inserts everywhere, vault, checkpoints (already set up by the owner)

    summary = erase_candidate(app_role, world.alice.candidate_id, actor="user:1")

    assert summary.messages == 2
    assert summary.checkpointed_sessions == 1
    assert verify_chain(app_role).ok


def test_granting_an_unknown_role_is_a_clear_error(app_engine: Engine) -> None:
    if app_engine.dialect.name != "postgresql":
        pytest.skip("database roles are a PostgreSQL feature")
    with pytest.raises(ConfigError, match="database role 'no_such_role' does not exist"):
        grant_app_role(app_engine, "no_such_role")
