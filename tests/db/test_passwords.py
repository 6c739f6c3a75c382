from __future__ import annotations

import pytest

from app.db.passwords import hash_password, verify_password

PASSWORD = "Tremplin-2027!"


def test_hash_is_salted_argon2id_and_not_the_password() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second
    assert first.startswith("$argon2id$")
    assert PASSWORD not in first


@pytest.mark.parametrize(
    ("stored", "attempt", "expected"),
    [
        (hash_password(PASSWORD), PASSWORD, True),
        (hash_password(PASSWORD), PASSWORD.lower(), False),
        (hash_password(PASSWORD), "", False),
        ("not-a-hash", PASSWORD, False),
        ("$argon2id$v=19$m=65536,t=3,p=4$broken", PASSWORD, False),
    ],
    ids=["right", "wrong-case", "empty", "garbage-hash", "truncated-hash"],
)
def test_verify_password(stored: str, attempt: str, expected: bool) -> None:
    assert verify_password(stored, attempt) is expected
