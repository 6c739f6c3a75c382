"""Schema migrations, driven from code.

A new revision is generated against the configured database (migrated to head first) with
`alembic.command.revision(alembic_config(), "message", autogenerate=True)`; review it before committing.
"""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from alembic.config import Config
from sqlalchemy.exc import SQLAlchemyError

from app.db.engine import SETTING, connection_failure, make_engine
from app.db.revisions import alembic_config, current_revision, head_revision
from app.errors import ConfigError

__all__ = ["alembic_config", "current_revision", "downgrade_database", "head_revision", "upgrade_database"]


def upgrade_database(url: str, revision: str = "head") -> None:
    """Migrate the database at `url` up to `revision`.

    It runs in one transaction (SQLite and PostgreSQL both have transactional DDL), so a failing migration
    leaves the schema as it was.
    """
    _run(url, command.upgrade, revision)


def downgrade_database(url: str, revision: str) -> None:
    _run(url, command.downgrade, revision)


def _run(url: str, alembic_command: Callable[[Config, str], None], revision: str) -> None:
    """An unreachable database is a `ConfigError`; a failing migration is a bug and raises as it is."""
    engine = make_engine(url)
    try:
        connection = engine.connect()
    except SQLAlchemyError as exc:
        engine.dispose()
        raise ConfigError(f"{SETTING}: {connection_failure(engine, exc)}") from None
    try:
        with connection, connection.begin():
            alembic_command(alembic_config(connection), revision)
    finally:
        engine.dispose()
