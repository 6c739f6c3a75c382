"""Invitation tokens: signed, expiring, and carrying nothing but a session id."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from app.invitations import EXPIRED, FORGED, InvalidInvitation, sign, verify
from app.settings import load_settings

SESSION = "5f0c7a52-3a8e-4a4f-9a57-0e1f3c2b9d10"
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def test_a_valid_token_opens_its_session() -> None:
    settings = load_settings()
    token = sign(SESSION, NOW + timedelta(days=1), settings)
    assert verify(token, settings, now=NOW) == SESSION
    assert "." in token
    assert SESSION not in token  # encoded, and still no personal data in it: only the pseudonymous id


def test_an_expired_token_is_refused_with_a_french_message() -> None:
    settings = load_settings()
    token = sign(SESSION, NOW - timedelta(seconds=1), settings)
    with pytest.raises(InvalidInvitation) as refused:
        verify(token, settings, now=NOW)
    assert refused.value is EXPIRED
    assert "expiré" in refused.value.candidate_message


def _tampered() -> str:
    settings = load_settings()
    _, _, signature = sign(SESSION, NOW + timedelta(days=1), settings).partition(".")
    other = base64.urlsafe_b64encode(
        json.dumps({"v": 1, "sid": "someone-else", "exp": int((NOW + timedelta(days=1)).timestamp())}).encode()
    )
    return other.decode().rstrip("=") + "." + signature


@pytest.mark.parametrize(
    "token",
    ["", ".", "garbage", "a.b", "a.b.c", "é.ü", "x" * 10_000, "tampered"],
)
def test_forged_or_malformed_tokens_are_refused(token: str) -> None:
    with pytest.raises(InvalidInvitation) as refused:
        verify(_tampered() if token == "tampered" else token, load_settings(), now=NOW)
    assert refused.value is FORGED


def test_a_token_signed_with_another_secret_is_refused() -> None:
    token = sign(SESSION, NOW + timedelta(days=1), load_settings(secret_key="another-secret-" + "x" * 32))
    with pytest.raises(InvalidInvitation):
        verify(token, load_settings(), now=NOW)
