from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from app.db.audit import DatabaseAuditSink
from app.db.migrate import current_revision, downgrade_database, head_revision, upgrade_database
from app.db.models import AuditEvent


def _tables(engine: Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def test_upgrade_from_empty_to_head_then_again(db_url: str, engine: Engine) -> None:
    assert current_revision(engine) is None
    assert _tables(engine) == set()

    upgrade_database(db_url)
    upgrade_database(db_url)

    assert current_revision(engine) == head_revision()
    assert _tables(engine) == set(SQLModel.metadata.tables) | {"alembic_version"}


def test_migrated_schema_is_exactly_the_models(migrated_engine: Engine) -> None:
    with migrated_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
        # Autogenerate ignores CHECK constraints: compare them by name.
        inspector = sa.inspect(connection)
        for table in SQLModel.metadata.sorted_tables:
            declared = {c.name for c in table.constraints if isinstance(c, sa.CheckConstraint)}
            reflected = {c["name"] for c in inspector.get_check_constraints(table.name)}
            assert reflected == declared, table.name


def test_downgrade_to_base_then_upgrade_again(db_url: str, migrated_engine: Engine) -> None:
    downgrade_database(db_url, "base")
    assert _tables(migrated_engine) == {"alembic_version"}
    assert current_revision(migrated_engine) is None

    upgrade_database(db_url)  # would fail if the downgrade had left the trigger function behind
    assert current_revision(migrated_engine) == head_revision()


def test_database_refuses_to_rewrite_the_audit_log(migrated_engine: Engine) -> None:
    DatabaseAuditSink(migrated_engine, actor="system")("report.created", {"score": 3})
    statements = ["UPDATE audit_event SET actor = 'someone else'", "DELETE FROM audit_event"]
    if migrated_engine.dialect.name == "postgresql":
        statements.append("TRUNCATE audit_event")

    for statement in statements:
        with (
            pytest.raises(sa.exc.DBAPIError, match="audit_event is append-only"),
            migrated_engine.begin() as connection,
        ):
            connection.exec_driver_sql(statement)

    with migrated_engine.connect() as connection:
        assert connection.execute(sa.select(AuditEvent.actor)).scalars().all() == ["system"]
