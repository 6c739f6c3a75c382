"""Read a number, and optionally its unit, from a candidate's answer written the French way.

"2,5", "2.5", "1 500", "1 500,75 €", "6 € 40", "0,9 L", "25 %", "1 h 30" and "environ 900 mL par jour" are all
read. A dot followed by exactly three digits ("1.500") is refused as ambiguous (a thousands separator in French,
a decimal point on many phone keyboards): asking again loses nothing, guessing could turn a right answer wrong.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from app.assessment.quiz.keywords import normalise
from app.chat_input import RejectedMessage
from app.rubrics.units import UNITS

_SPACES = re.compile(r"[\u00a0\u202f\u2009]")
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?: \d{3})+|\d+)(?:[.,]\d+)?|[+-]?[.,]\d+")
_UNIT = re.compile(r"\s*(%|€|[^\W\d_]+)")
_POUR_CENT = re.compile(r"^\s*pour\s+cent", re.IGNORECASE)
_AMBIGUOUS_DOT = re.compile(r"^[+-]?[1-9]\d{0,2}\.\d{3}$")
# Two numbers that make one quantity: "1 h 30" (hours and minutes) and "6 € 40" (euros and cents).
_COMPOUND = (
    (re.compile(r"(?<![\d.,])(\d{1,3}) ?h ?([0-5]\d)(?![\d.,])", re.IGNORECASE), 60, "h"),
    (re.compile(r"(?<![\d.,])(\d{1,6}) ?€ ?(\d\d)(?![\d.,])"), 100, "€"),
)


class AnswerFormatError(RejectedMessage):
    """The answer cannot be read: nothing is recorded, the candidate reads `candidate_message` and answers again."""


class ReadNumber(NamedTuple):
    value: float
    unit: str | None  # a key of UNITS, or None when no known unit follows the number


def read_number(raw: str) -> ReadNumber:
    text = _SPACES.sub(" ", raw)
    for pattern, per_unit, unit in _COMPOUND:
        found_compound = pattern.search(text)
        if found_compound and not _NUMBER.search(text[: found_compound.start()] + text[found_compound.end() :]):
            return ReadNumber(int(found_compound.group(1)) + int(found_compound.group(2)) / per_unit, unit)
    found = list(_NUMBER.finditer(text))
    if not found:
        raise AnswerFormatError("Je n'ai pas trouvé de nombre dans votre réponse. Écrivez par exemple : 2,5")
    if len(found) > 1:
        raise AnswerFormatError("Donnez un seul nombre, par exemple : 2,5 (sans calcul ni fourchette).")
    digits = found[0].group().replace(" ", "")
    if _AMBIGUOUS_DOT.match(digits):
        raise AnswerFormatError(
            f"« {digits} » est ambigu : écrivez {digits.replace('.', '')} sans point, ou {digits.replace('.', ',')} "
            "avec une virgule."
        )
    return ReadNumber(float(digits.replace(",", ".")), _unit_after(text[found[0].end() :]))


def _unit_after(rest: str) -> str | None:
    match = _UNIT.match(_POUR_CENT.sub("pourcent", rest))
    if match is None:
        return None
    word = match.group(1)
    key = word if word in {"%", "€"} else normalise(word)
    return key if key in UNITS else None


def convert(value: float, unit: str, to: str) -> float | None:
    """`value` in `unit` expressed in `to`; None when they measure different things."""
    source, target = UNITS[unit.lower()], UNITS[to.lower()]
    if source.dimension != target.dimension:
        return None
    return value * source.factor / target.factor
