"""The append-only, hash-chained audit log. Written through `app.db.audit.DatabaseAuditSink` only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db.models.base import UTCDateTime, utcnow

GENESIS_HASH = "0" * 64


class AuditEvent(SQLModel, table=True):
    """`session_id` is deliberately not a foreign key: erasing a session keeps its (anonymised) trail.

    The database refuses UPDATE and DELETE on this table (triggers installed by the initial migration), and
    `hash` chains each row to the previous one so an edit made by bypassing the triggers is detectable.
    """

    __tablename__ = "audit_event"
    __table_args__ = {"sqlite_autoincrement": True}  # never reuse an id, even after the last row is forced out

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    event_type: str = Field(max_length=64, index=True)
    session_id: str | None = Field(default=None, max_length=36, index=True)
    actor: str | None = Field(default=None, max_length=200)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    prev_hash: str = Field(min_length=64, max_length=64)
    hash: str = Field(min_length=64, max_length=64, unique=True)
