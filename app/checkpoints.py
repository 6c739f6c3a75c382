"""LangGraph checkpointers: every step of a candidate's session is saved, so it can stop anywhere and resume
exactly where it was, in another process or after a restart.

PostgreSQL deployments keep checkpoints in the application database; SQLite deployments keep them in their own
file beside it (WAL and a busy timeout, so the web process and a CLI can share it).
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

import aiosqlite
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.postgres import PostgresSaver
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from sqlalchemy.engine import URL

from app.db.engine import parse_database_url
from app.settings import Settings, get_settings

_SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA busy_timeout=5000")


def _postgres_conninfo(settings: Settings) -> str | None:
    """libpq connection string when the application database is PostgreSQL, else None."""
    url: URL = parse_database_url(settings.effective_database_url)
    if url.get_backend_name() != "postgresql":
        return None
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def open_checkpointer(settings: Settings | None = None) -> Iterator[BaseCheckpointSaver[str]]:
    """A ready (set up) checkpointer for synchronous graphs: CLI tools, tests, evaluators."""
    settings = settings or get_settings()
    conninfo = _postgres_conninfo(settings)
    if conninfo is not None:
        # from_conn_string opens the connection with autocommit and dict rows, as PostgresSaver requires.
        with PostgresSaver.from_conn_string(conninfo) as saver:
            saver.setup()
            yield saver
        return
    settings.checkpoint_path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(settings.checkpoint_path, check_same_thread=False, timeout=5)
    try:
        for pragma in _SQLITE_PRAGMAS:
            connection.execute(pragma)
        sqlite_saver = SqliteSaver(connection)
        sqlite_saver.setup()
        yield sqlite_saver
    finally:
        connection.close()


@asynccontextmanager
async def open_async_checkpointer(settings: Settings | None = None) -> AsyncIterator[BaseCheckpointSaver[str]]:
    """The same for graphs driven from async code (the Chainlit handlers)."""
    settings = settings or get_settings()
    conninfo = _postgres_conninfo(settings)
    if conninfo is not None:
        async with AsyncPostgresSaver.from_conn_string(conninfo) as saver:
            await saver.setup()
            yield saver
        return
    settings.checkpoint_path.parent.mkdir(parents=True, exist_ok=True)
    async with aiosqlite.connect(settings.checkpoint_path, timeout=5) as connection:
        for pragma in _SQLITE_PRAGMAS:
            await connection.execute(pragma)
        sqlite_saver = AsyncSqliteSaver(connection)
        await sqlite_saver.setup()
        yield sqlite_saver
