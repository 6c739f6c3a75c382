"""Cue patterns written in YAML, and the sentences they are matched on.

Patterns are regular expressions over *normalised* text: lower case, no accents, every run of punctuation
or spaces as one space (`normalise`), so "J'ai vérifié : 35 min" is matched as "j ai verifie 35 min".
Candidates type without accents or apostrophes; writing patterns in the normalised form once covers every
spelling. A pattern always matches whole words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator

from app.assessment.quiz.keywords import normalise

__all__ = ["Pattern", "PatternSet", "RawPattern", "Sentence", "normalise", "sentences"]

_ESCAPE = re.compile(r"\\.")
# What may remain in a pattern once its escapes (\d, \s, \.) are removed: normalised text is [a-z0-9 ].
_ALLOWED = re.compile(r"^[a-z0-9 ()\[\]{}|?*+.^$,:=!<-]*$")
_SENTENCE = re.compile(r"[^.!?…;\n]+[.!?…;]*")


def _check_pattern(value: str) -> str:
    if not value.strip():
        raise ValueError("empty pattern")
    if not _ALLOWED.match(_ESCAPE.sub("", value)):
        raise ValueError(
            f"pattern {value!r} can never match: patterns are matched on normalised text, so write them in lower "
            'case, without accents, apostrophes or punctuation ("j\'ai vérifié" is written "j ai verifie")'
        )
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"pattern {value!r} is not a valid regular expression: {exc}") from None
    return value


def _check_raw_pattern(value: str) -> str:
    try:
        re.compile(value, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"pattern {value!r} is not a valid regular expression: {exc}") from None
    return value


Pattern = Annotated[str, AfterValidator(_check_pattern)]
# Matched on the raw text, case-insensitively: for markup and fake role prefixes that normalising erases.
RawPattern = Annotated[str, AfterValidator(_check_raw_pattern)]


class PatternSet:
    """Several patterns as one whole-word alternation over normalised text."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self._regex = (
            re.compile("|".join(f"(?<![a-z0-9])(?:{pattern})(?![a-z0-9])" for pattern in patterns))
            if patterns
            else None
        )

    def search(self, normalised: str) -> re.Match[str] | None:
        return self._regex.search(normalised) if self._regex is not None else None

    def finditer(self, normalised: str) -> Iterator[re.Match[str]]:
        return self._regex.finditer(normalised) if self._regex is not None else iter(())


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence exactly as written (a substring of its turn) and its normalised form."""

    text: str
    normalised: str


def sentences(text: str) -> tuple[Sentence, ...]:
    """The sentences of `text`, cut after . ! ? … ; and at line breaks, each stripped of surrounding spaces."""
    found = (match.group().strip() for match in _SENTENCE.finditer(text))
    return tuple(Sentence(sentence, normalise(sentence)) for sentence in found if normalise(sentence))
