"""Checks that turn a pattern match into a certainty: the NIR key, the IBAN checksum, a plausible birth date.

A recognizer names its validator in the configuration; a match that fails it is dropped, one that passes it
gets the maximum score (Presidio's convention).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Literal

ValidatorName = Literal["nir_key", "iban_checksum", "birth_date"]

_SEPARATORS = re.compile(r"[\s.\-/]+")
_MONTHS = {
    "janvier": 1,
    "fevrier": 2,
    "février": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "août": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
    "décembre": 12,
}
MIN_BIRTH_YEAR = 1920
MIN_AGE = 14  # the youngest candidate a vocational training can admit


def compact(text: str) -> str:
    """`text` without spaces, dots, dashes or slashes, upper-cased."""
    return _SEPARATORS.sub("", text).upper()


def nir_key_valid(text: str) -> bool:
    """A French social security number (NIR): 13 characters then a key equal to 97 - (number mod 97).

    Corsican départements 2A and 2B count as 19 and 18 in the number.
    """
    nir = compact(text)
    if len(nir) != 15 or not nir[13:].isdigit():
        return False
    body = nir[:13]
    if body[5:7] in ("2A", "2B"):
        body = body[:5] + ("19" if body[5:7] == "2A" else "18") + body[7:]
    if not body.isdigit():
        return False
    return 97 - int(body) % 97 == int(nir[13:])


def iban_checksum_valid(text: str) -> bool:
    """ISO 13616: the country code and check digits moved to the end, letters as numbers, mod 97 == 1."""
    iban = compact(text)
    if not 15 <= len(iban) <= 34 or not iban[:2].isalpha() or not iban[2:4].isdigit() or not iban.isalnum():
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def birth_date_valid(text: str, *, today: date | None = None) -> bool:
    """A real calendar date (numeric or written in French) whose year a candidate could be born in."""
    today = today or date.today()
    words = [word for word in _SEPARATORS.split(text.lower().strip()) if word and word != "le"]
    if len(words) != 3:
        return False
    day_text, month_text, year_text = words
    day_text = day_text.removesuffix("er")
    month = _MONTHS.get(month_text) or (int(month_text) if month_text.isdigit() else None)
    if month is None or not day_text.isdigit() or not year_text.isdigit() or len(year_text) not in (2, 4):
        return False
    year = int(year_text)
    if len(year_text) == 2:
        latest = today.year - MIN_AGE
        year += 2000 if year <= latest % 100 else 1900
    try:
        born = date(year, month, int(day_text))
    except ValueError:
        return False
    return MIN_BIRTH_YEAR <= born.year <= today.year - MIN_AGE


VALIDATORS: dict[ValidatorName, Callable[[str], bool]] = {
    "nir_key": nir_key_valid,
    "iban_checksum": iban_checksum_valid,
    "birth_date": birth_date_valid,
}
