"""Keyword matching for free-text answers: case, accents and punctuation are ignored, one typo is forgiven.

A keyword is one or more words; a final `*` makes its last word a stem (`infirmi*` matches "infirmière",
"infirmier", "infirmières"). Words of five letters or more also match with one typo (a letter missing, added,
replaced, or two letters swapped), since candidates write quickly and not always in their first language.
"""

from __future__ import annotations

import re
import unicodedata

FUZZY_MIN_LENGTH = 5
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})


def normalise(text: str) -> str:
    """Lower case, no accents, every run of other characters (apostrophes, hyphens...) as one space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NON_ALNUM.sub(" ", bare).strip()


def words(text: str) -> list[str]:
    return normalise(text).split()


def contains_keyword(answer_words: list[str], keyword: str) -> bool:
    """Whether the words of `keyword` appear consecutively in `answer_words`."""
    stem = keyword.rstrip().endswith("*")
    wanted = words(keyword)
    if not wanted:
        return False
    last = len(wanted) - 1
    for start in range(len(answer_words) - last):
        if all(
            _word_matches(wanted[i], answer_words[start + i], as_stem=stem and i == last) for i in range(len(wanted))
        ):
            return True
    return False


def _word_matches(wanted: str, word: str, *, as_stem: bool) -> bool:
    if as_stem:
        if word.startswith(wanted):
            return True
        if len(wanted) < FUZZY_MIN_LENGTH:
            return False
        return any(_within_one_edit(wanted, word[:size]) for size in (len(wanted) - 1, len(wanted), len(wanted) + 1))
    return word == wanted or (len(wanted) >= FUZZY_MIN_LENGTH and _within_one_edit(wanted, word))


def _within_one_edit(a: str, b: str) -> bool:
    """Equal, or one insertion, deletion, substitution or swap of adjacent letters apart."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    prefix = 0
    while prefix < len(a) and a[prefix] == b[prefix]:
        prefix += 1
    if len(a) < len(b):  # one insertion in b
        return a[prefix:] == b[prefix + 1 :]
    if a[prefix + 1 :] == b[prefix + 1 :]:  # one substitution
        return True
    return (  # one swap of adjacent letters
        prefix + 1 < len(a)
        and a[prefix] == b[prefix + 1]
        and a[prefix + 1] == b[prefix]
        and a[prefix + 2 :] == b[prefix + 2 :]
    )
