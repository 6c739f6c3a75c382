"""PostgreSQL: the least-privileged role the service connects as.

The schema is owned by the role that runs `tremplin db upgrade`. The service should connect as another role,
granted here: read and write on every table except `audit_event` (SELECT and INSERT only) and `alembic_version`
(SELECT only). A table's owner can disable or drop its triggers; this role owns nothing, so the append-only
triggers of migration 0001 hold for it, and the missing grants refuse UPDATE, DELETE and TRUNCATE of audit
events even before the triggers run. Run again after each `db upgrade`: new tables get their grants then.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from app.checkpoints import open_checkpointer
from app.errors import ConfigError
from app.settings import get_settings

_READ_ONLY = {"alembic_version": "SELECT"}
_APPEND_ONLY = {"audit_event": "SELECT, INSERT"}
_READ_WRITE = "SELECT, INSERT, UPDATE, DELETE"


@dataclass(frozen=True)
class RoleGrants:
    role: str
    schema: str
    tables: dict[str, str]  # table -> privileges granted


def grant_app_role(engine: Engine, role: str) -> RoleGrants:
    """Give `role` exactly the privileges the service needs on the current schema (see the module docstring).

    Creates the LangGraph checkpoint tables first, so they belong to the owner too. Needs a connection as the
    schema's owner; a role that does not exist is a `ConfigError`.
    """
    if engine.dialect.name != "postgresql":
        raise ConfigError("TREMPLIN_DATABASE_URL: a dedicated database role applies to PostgreSQL only")
    owner_url = engine.url.render_as_string(hide_password=False)
    with open_checkpointer(get_settings().model_copy(update={"database_url": owner_url})):
        pass  # its setup creates or migrates the checkpoint tables, as the owner
    with engine.begin() as connection:
        if connection.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}).first() is None:
            raise ConfigError(f"database role {role!r} does not exist: create it first (CREATE ROLE ... LOGIN)")
        schema = str(connection.execute(sa.text("SELECT current_schema()")).scalar_one())
        quoted_role, quoted_schema = _quote(connection, role), _quote(connection, schema)
        # CREATE only because LangGraph's checkpointer setup always runs CREATE TABLE IF NOT EXISTS, which
        # PostgreSQL checks against the schema even when the table exists. It gives no power over tables the
        # role does not own, such as audit_event.
        connection.exec_driver_sql(f"GRANT USAGE, CREATE ON SCHEMA {quoted_schema} TO {quoted_role}")
        connection.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA {quoted_schema} FROM {quoted_role}")
        tables: dict[str, str] = {}
        for table in sorted(sa.inspect(connection).get_table_names(schema=schema)):
            privileges = _READ_ONLY.get(table) or _APPEND_ONLY.get(table) or _READ_WRITE
            connection.exec_driver_sql(
                f"GRANT {privileges} ON {quoted_schema}.{_quote(connection, table)} TO {quoted_role}"
            )
            tables[table] = privileges
        connection.exec_driver_sql(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {quoted_schema} TO {quoted_role}")
    return RoleGrants(role=role, schema=schema, tables=tables)


def _quote(connection: Connection, identifier: str) -> str:
    return connection.dialect.identifier_preparer.quote_identifier(identifier)
