"""Checking a password, with per-account lockout and a per-address limit, every attempt written to the audit log.

An account is locked for `login_lockout_minutes` after `login_max_failures` wrong passwords in a row; an address
is refused for the same period after `login_client_max_failures` failures on any accounts. A locked or limited
attempt checks no password. Unknown addresses still pay for one Argon2 verification, so response time does not
tell which emails have an account. The audit log gets the user id, or an HMAC of the typed email; never a password.

Each database write here commits before the audit event is appended (on its own connection), and nothing is read
in between: on SQLite, a transaction that read before another connection's write could not write afterwards.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, delete, select

from app.accounts.hashing import keyed_hash
from app.accounts.users import normalise_email
from app.audit import AuditSink
from app.db.models import LoginFailure, User, utcnow
from app.db.passwords import hash_password, verify_password
from app.settings import Settings

_DUMMY_HASH = hash_password("not-a-password-of-anyone")


class Outcome(enum.StrEnum):
    OK = "ok"
    BAD_CREDENTIALS = "bad_credentials"
    LOCKED = "locked"  # this account, for a while
    RATE_LIMITED = "rate_limited"  # this address, for a while


@dataclass(frozen=True)
class LoginResult:
    outcome: Outcome
    user: User | None = None


def authenticate(
    db: Session,
    email: str,
    password: str,
    *,
    client: str,
    settings: Settings,
    audit: AuditSink,
    now: datetime | None = None,
) -> LoginResult:
    """Check `email` and `password` typed from address `client`; on success, the user (not yet logged in)."""
    now = now or utcnow()
    window = timedelta(minutes=settings.login_lockout_minutes)
    client_hash = keyed_hash(client, "client", settings)
    db.exec(delete(LoginFailure).where(col(LoginFailure.created_at) < now - window))
    recent_failures = db.exec(
        select(func.count()).select_from(LoginFailure).where(LoginFailure.client_hash == client_hash)
    ).one()
    user = db.exec(select(User).where(User.email == normalise_email(email))).first()
    who = (
        {"user_id": user.id}
        if user is not None
        else {"email_hmac": keyed_hash(normalise_email(email), "email", settings)}
    )

    if recent_failures >= settings.login_client_max_failures:
        db.commit()
        audit("login.refused", {**who, "reason": "too_many_failures_from_address"})
        return LoginResult(Outcome.RATE_LIMITED)
    if user is not None and user.locked_until is not None and user.locked_until > now:
        db.add(LoginFailure(client_hash=client_hash, created_at=now))
        db.commit()
        audit("login.refused", {**who, "reason": "account_locked"})
        return LoginResult(Outcome.LOCKED)

    password_ok = verify_password(user.password_hash if user is not None else _DUMMY_HASH, password)
    if user is not None and password_ok and user.is_active:
        role = str(user.role)
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = now
        db.add(user)
        db.commit()
        audit("login.succeeded", {**who, "role": role})
        return LoginResult(Outcome.OK, user)

    db.add(LoginFailure(client_hash=client_hash, created_at=now))
    outcome = Outcome.BAD_CREDENTIALS
    reason = "unknown_email" if user is None else "account_disabled" if not user.is_active else "wrong_password"
    if user is not None and not password_ok:
        user.failed_logins += 1
        if user.failed_logins >= settings.login_max_failures:
            user.failed_logins = 0
            user.locked_until = now + window
            outcome = Outcome.LOCKED
        db.add(user)
    db.commit()
    audit("login.failed", {**who, "reason": reason, "locked": outcome is Outcome.LOCKED})
    return LoginResult(outcome)
