"""Text folding: lower case without accents, one character for one character.

Candidates type without accents or capitals ("jhabite a metz"), so cues, stop words and context words are
matched on folded text. Folding keeps every offset, so a match on the folded text is a span of the original.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_EQUIVALENTS = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00a0": " ", "\u202f": " "}


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _EQUIVALENTS:
        return _EQUIVALENTS[char]
    lowered = char.lower()
    if len(lowered) != 1:  # e.g. "İ" lowers to two code points: keep the character
        return char
    base = unicodedata.normalize("NFD", lowered)[0]
    return base if base.isalnum() == lowered.isalnum() else lowered


def fold(text: str) -> str:
    """`text` lower-cased, without accents, typographic apostrophes and non-breaking spaces as plain ones;
    exactly the same length."""
    return "".join(map(_fold_char, text))


@lru_cache(maxsize=8)
def fold_text(text: str) -> str:
    """`fold` of a message being analysed: the analyzer and several recognizers fold the same text."""
    return fold(text)


def fold_words(words: list[str]) -> list[str]:
    """Folded, de-duplicated words, longest first (so a regex alternation prefers "de la" over "de")."""
    return sorted({fold(word.strip()) for word in words if word.strip()}, key=lambda word: (-len(word), word))


@lru_cache(maxsize=8)
def is_shouting(text: str) -> bool:
    """Typed in capitals: capitalisation then says nothing about names. (Asked several times per analysis.)"""
    letters = [char for char in text if char.isalpha()]
    return len(letters) >= 8 and sum(char.isupper() for char in letters) >= 0.7 * len(letters)
