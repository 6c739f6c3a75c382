"""Server-side login sessions: opened at login, found again from the cookie's token, closed at logout or expiry.

The browser holds a random token; the database holds its sha256, the user, a CSRF token and three times. A session
ends at `expires_at` (absolute lifetime) or after `session_idle_minutes` without a request, whichever comes first.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, select, update

from app.accounts.hashing import token_sha256
from app.db.models import LoginSession, User, utcnow
from app.settings import Settings

# Refresh `last_seen_at` at most this often, so reading pages does not write on every request.
_TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Login:
    """A live login session and its user. `token` is the cookie's value (only known right after `open_session`)."""

    user: User
    session_id: int
    csrf_token: str
    token: str | None = None


def open_session(db: Session, user: User, settings: Settings, *, now: datetime | None = None) -> Login:
    """A new session for `user` (committed). A fresh token at every login, so a planted cookie is useless."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    row = LoginSession(
        token_sha256=token_sha256(token),
        user_id=_id(user),
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=settings.session_hours),
    )
    db.add(row)
    db.commit()
    db.refresh(row)
    return Login(user=user, session_id=_id(row), csrf_token=row.csrf_token, token=token)


def resolve_session(db: Session, token: str, settings: Settings, *, now: datetime | None = None) -> Login | None:
    """The live session this token opens, or None (unknown, expired, idle too long, account disabled).

    A dead session found this way is deleted.
    """
    now = now or utcnow()
    found = db.exec(
        select(LoginSession, User)
        .join(User, col(User.id) == LoginSession.user_id)
        .where(LoginSession.token_sha256 == token_sha256(token))
    ).first()
    if found is None:
        return None
    row, user = found
    login = Login(user=user, session_id=_id(row), csrf_token=row.csrf_token)
    idle_limit = row.last_seen_at + timedelta(minutes=settings.session_idle_minutes)
    alive = now < row.expires_at and now < idle_limit and user.is_active
    if alive and now - row.last_seen_at < _TOUCH_EVERY:
        return login
    # Writing: end the read transaction first (on SQLite, a transaction that read before another connection's
    # write cannot write afterwards), then change the row by id.
    db.rollback()
    if not alive:
        db.exec(delete(LoginSession).where(col(LoginSession.id) == login.session_id))
        db.commit()
        return None
    db.exec(update(LoginSession).where(col(LoginSession.id) == login.session_id).values(last_seen_at=now))
    db.commit()
    return login


def close_session(db: Session, session_id: int) -> None:
    db.exec(delete(LoginSession).where(col(LoginSession.id) == session_id))
    db.commit()


def _id(row: User | LoginSession) -> int:
    assert row.id is not None  # flushed rows always have one
    return row.id
