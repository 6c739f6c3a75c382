"""Sessions on the application engine: a FastAPI dependency and a transactional scope for scripts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.db.engine import SQLITE_BEGIN, get_engine


def get_session() -> Iterator[Session]:
    """One session per request; the route commits what it wants to keep."""
    with Session(get_engine()) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session whose transaction commits when the block ends and rolls back if it raises.

    On SQLite it takes the write lock at BEGIN: a transaction that reads and then writes would otherwise fail at
    once ("database is locked") when another connection wrote meanwhile (a report written in the background
    while a candidate answers), instead of waiting its turn. Do not write the audit log inside the block:
    it needs the same lock (audit after the block)."""
    writer = (engine or get_engine()).execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
    with Session(writer) as session, session.begin():
        yield session
