"""Keyed hashes for values that must be compared but not kept: login-session tokens, client addresses, emails."""

from __future__ import annotations

import hashlib
import hmac

from app.settings import Settings


def token_sha256(token: str) -> str:
    """What the database stores of a session token: its sha256 (the token is random, so no key is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def keyed_hash(value: str, purpose: str, settings: Settings) -> str:
    """An HMAC under a key derived from `TREMPLIN_SECRET_KEY`, so a low-entropy value (an address, an email) cannot be
    recovered from the database or the audit log by trying every candidate value."""
    key = hmac.new(settings.secret_key.get_secret_value().encode(), f"tremplin-{purpose}-v1".encode(), "sha256")
    return hmac.new(key.digest(), value.encode(), hashlib.sha256).hexdigest()
