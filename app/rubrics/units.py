"""Units a numeric quiz answer may be written with, so "0,9 L" answers a question expecting 900 mL.

Keys are lower-case and accent-free (the form answers are compared in); each unit maps to its dimension and
its factor to that dimension's base unit.
"""

from __future__ import annotations

from typing import NamedTuple


class Unit(NamedTuple):
    dimension: str
    factor: float


_LITRE = Unit("volume", 1.0)
_GRAM = Unit("mass", 1.0)
_METRE = Unit("length", 1.0)
_HOUR = Unit("time", 60.0)
_MINUTE = Unit("time", 1.0)

UNITS: dict[str, Unit] = {
    "l": _LITRE,
    "litre": _LITRE,
    "litres": _LITRE,
    "dl": Unit("volume", 0.1),
    "cl": Unit("volume", 0.01),
    "centilitre": Unit("volume", 0.01),
    "centilitres": Unit("volume", 0.01),
    "ml": Unit("volume", 0.001),
    "millilitre": Unit("volume", 0.001),
    "millilitres": Unit("volume", 0.001),
    "kg": Unit("mass", 1000.0),
    "kilo": Unit("mass", 1000.0),
    "kilos": Unit("mass", 1000.0),
    "kilogramme": Unit("mass", 1000.0),
    "kilogrammes": Unit("mass", 1000.0),
    "g": _GRAM,
    "gramme": _GRAM,
    "grammes": _GRAM,
    "mg": Unit("mass", 0.001),
    "milligramme": Unit("mass", 0.001),
    "milligrammes": Unit("mass", 0.001),
    "km": Unit("length", 1000.0),
    "kilometre": Unit("length", 1000.0),
    "kilometres": Unit("length", 1000.0),
    "m": _METRE,
    "metre": _METRE,
    "metres": _METRE,
    "cm": Unit("length", 0.01),
    "centimetre": Unit("length", 0.01),
    "centimetres": Unit("length", 0.01),
    "mm": Unit("length", 0.001),
    "millimetre": Unit("length", 0.001),
    "millimetres": Unit("length", 0.001),
    "h": _HOUR,
    "heure": _HOUR,
    "heures": _HOUR,
    "min": _MINUTE,
    "mn": _MINUTE,
    "minute": _MINUTE,
    "minutes": _MINUTE,
    "%": Unit("percent", 1.0),
    "pourcent": Unit("percent", 1.0),
    "pourcents": Unit("percent", 1.0),
    "€": Unit("money", 1.0),
    "eur": Unit("money", 1.0),
    "euro": Unit("money", 1.0),
    "euros": Unit("money", 1.0),
}
