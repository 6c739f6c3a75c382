"""Staff login sessions and failed login attempts.

A login session is stored server-side so it can be revoked (logout, account disabled) and expired on the server;
the browser holds only a random token whose sha256 is the row's key, so a leaked database cannot be replayed as
cookies. Failed attempts are kept per client address (an HMAC of it, never the address itself) to slow down
guessing across many accounts; per-account lockout lives on the user row.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.db.models.base import UTCDateTime, created_at_field, utcnow


class LoginSession(SQLModel, table=True):
    __tablename__ = "login_session"

    id: int | None = Field(default=None, primary_key=True)
    token_sha256: str = Field(min_length=64, max_length=64, unique=True)
    user_id: int = Field(foreign_key="app_user.id", ondelete="CASCADE", index=True)
    csrf_token: str = Field(min_length=32, max_length=64)
    created_at: datetime = created_at_field()
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class LoginFailure(SQLModel, table=True):
    """One failed login from a client address; rows older than the rate-limit window are pruned."""

    __tablename__ = "login_failure"

    id: int | None = Field(default=None, primary_key=True)
    client_hash: str = Field(min_length=64, max_length=64, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)
