from __future__ import annotations

from datetime import date

import pytest

from app.pii.validators import birth_date_valid, iban_checksum_valid, nir_key_valid


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("185057800608491", True),
        ("1 85 05 78 006 084 91", True),
        ("1-85-05-78-006-084-91", True),
        ("2 84 05 2A 004 123 55", True),  # Corse-du-Sud counts as 19
        ("284052B00412382", True),  # Haute-Corse counts as 18
        ("284052a00412355", True),
        ("185057800608492", False),  # wrong key
        ("284052A00412382", False),  # the 2B key on a 2A number
        ("28405 2C 00412355", False),
        ("18505780060849", False),  # 14 characters
        ("1850578006084911", False),  # 16 characters
        ("1850578006084AB", False),
    ],
)
def test_nir_key(text: str, valid: bool) -> None:
    assert nir_key_valid(text) is valid


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("FR76 3000 6000 0112 3456 7890 189", True),
        ("fr7630006000011234567890189", True),
        ("GB29 NWBK 6016 1331 9268 19", True),
        ("DE89 3704 0044 0532 0130 00", True),
        ("FR76 3000 6000 0112 3456 7890 188", False),
        ("FR7630006000", False),
        ("7630 0060 0001 1234 5678 9018 9", False),
    ],
)
def test_iban_checksum(text: str, valid: bool) -> None:
    assert iban_checksum_valid(text) is valid


TODAY = date(2026, 6, 1)


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("3 mars 1990", True),
        ("le 1er avril 1985", True),
        ("03/03/1990", True),
        ("3/3/90", True),  # 1990
        ("29 février 2000", True),
        ("12-11-2001", True),
        ("29 février 2001", False),  # not a date
        ("31/04/1990", False),
        ("03/09/2027", False),  # in the future
        ("03/09/2020", False),  # a child of 5 is not a candidate
        ("12 mars 1890", False),
        ("3 mars", False),
        ("3 brumaire 1990", False),
    ],
)
def test_birth_date(text: str, valid: bool) -> None:
    assert birth_date_valid(text, today=TODAY) is valid
