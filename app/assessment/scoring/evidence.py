"""Checking that the model's evidence quotes are verbatim passages of what the candidate said.

A quote is accepted only if it is found inside one scorable sentence of the scrubbed answer (protected and
manipulative sentences are not scorable, so they can never be quoted). Case, accents, apostrophe styles,
spacing and quotation marks around the quote are forgiven; what is kept is the passage exactly as the
candidate wrote it, never the model's version of it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.assessment.scoring.patterns import Sentence
from app.pii.text import fold

MIN_QUOTE_WORDS = 2
_EDGES = " \t\n\"'«»“”‘’…."


@dataclass(frozen=True)
class CheckedQuotes:
    verified: tuple[str, ...]
    dropped: int


def check_quotes(quotes: Sequence[str], kept: Sequence[Sentence]) -> CheckedQuotes:
    verified: list[str] = []
    dropped = 0
    for quote in quotes:
        passage = locate(quote, kept)
        if passage is None:
            dropped += 1
        elif passage not in verified:
            verified.append(passage)
    return CheckedQuotes(tuple(verified), dropped)


def locate(quote: str, kept: Sequence[Sentence]) -> str | None:
    """The passage of one of `kept` that `quote` reproduces, as written in the transcript, or None."""
    words = fold(quote.strip(_EDGES)).split()
    if len(words) < MIN_QUOTE_WORDS:
        return None
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(re.escape(word) for word in words) + r"(?!\w)")
    for sentence in kept:
        match = pattern.search(fold(sentence.text))
        if match is not None:
            return sentence.text[match.start() : match.end()]
    return None
