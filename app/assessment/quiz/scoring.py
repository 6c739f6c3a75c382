"""Scoring one answer to one quiz item, for each item type. Every score says how it was reached.

An answer that cannot be read (empty, no number, an unknown letter) raises `AnswerFormatError` and changes
nothing, so the candidate can simply answer again. "Je ne sais pas" is a valid answer, scored incorrect.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict

from app.assessment.quiz.french_numbers import AnswerFormatError, convert, read_number
from app.assessment.quiz.keywords import contains_keyword, normalise, words
from app.embeddings import Embedder, cosine
from app.rubrics.models import FreeTextItem, NumericItem, QuizItem, SingleChoiceItem

ScoringMethod = Literal["choice", "numeric", "keywords", "similarity", "dont_know"]

DONT_KNOW = frozenset(
    {"je ne sais pas", "je sais pas", "sais pas", "jsp", "je ne sais plus", "aucune idee", "pas d idee", "je passe"}
)
_LETTER = re.compile(r"^\(?([a-z])\s*(?:[.:)-]|$)", re.IGNORECASE)  # "B", "b)", "(c)", "D. texte"
_RELATIVE_TOLERANCE = 1e-9  # absorbs binary rounding, e.g. 0.1 + 0.2 against 0.3


class ItemScore(BaseModel):
    """The score of one answer, with what was read from it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    item_id: str
    domain: str
    correct: bool
    method: ScoringMethod
    choice: int | None = None  # single choice: the index chosen, from 0
    value: float | None = None  # numeric: the number read, in the item's unit when converted
    unit: str | None = None  # numeric: the unit the candidate wrote, if any
    matched: tuple[str, ...] = ()  # free text: the first wording of each expected idea found
    similarity: float | None = None  # free text: best cosine to a reference answer, when an embedder was used


def score_answer(item: QuizItem, raw_answer: str, *, embedder: Embedder | None = None) -> ItemScore:
    """Score `raw_answer` to `item`; `embedder` lets a free-text paraphrase of a reference answer count."""
    if not raw_answer.strip():
        raise AnswerFormatError("Votre réponse est vide. Écrivez votre réponse, ou « je ne sais pas ».")
    if _is_dont_know(raw_answer):
        return ItemScore(item_id=item.id, domain=item.domain, correct=False, method="dont_know")
    if isinstance(item, SingleChoiceItem):
        return _score_choice(item, raw_answer)
    if isinstance(item, NumericItem):
        return _score_numeric(item, raw_answer)
    return _score_free_text(item, raw_answer, embedder)


def _is_dont_know(raw_answer: str) -> bool:
    text = normalise(raw_answer)
    return text in DONT_KNOW or (not text and set(raw_answer.strip()) == {"?"})


def _score_choice(item: SingleChoiceItem, raw_answer: str) -> ItemScore:
    compact = _compact(raw_answer)
    chosen = next((index for index, choice in enumerate(item.choices) if _compact(choice) == compact), None)
    if chosen is None:
        letter = _LETTER.match(raw_answer.strip())
        if letter is not None and ord(letter.group(1).lower()) - ord("a") < len(item.choices):
            chosen = ord(letter.group(1).lower()) - ord("a")
    if chosen is None:
        last = chr(ord("A") + len(item.choices) - 1)
        raise AnswerFormatError(f"Répondez par une lettre, de A à {last}, ou recopiez la réponse choisie.")
    return ItemScore(item_id=item.id, domain=item.domain, correct=chosen == item.answer, method="choice", choice=chosen)


def _compact(text: str) -> str:
    """Only letters and digits, so "14h35" and "14 h 35" compare equal."""
    return normalise(text).replace(" ", "")


def _score_numeric(item: NumericItem, raw_answer: str) -> ItemScore:
    expected = item.answer
    read = read_number(raw_answer)
    value: float | None = read.value
    if read.unit is not None and expected.unit is not None:
        value = convert(read.value, read.unit, expected.unit)
    correct = value is not None and abs(value - expected.value) <= expected.tolerance + _RELATIVE_TOLERANCE * max(
        1.0, abs(expected.value)
    )
    return ItemScore(
        item_id=item.id,
        domain=item.domain,
        correct=correct,
        method="numeric",
        value=value if value is not None else read.value,
        unit=read.unit,
    )


def _score_free_text(item: FreeTextItem, raw_answer: str, embedder: Embedder | None) -> ItemScore:
    expected = item.answer
    answer_words = words(raw_answer)
    matched = tuple(
        wordings[0] for wordings in expected.expected if any(contains_keyword(answer_words, k) for k in wordings)
    )
    if len(matched) >= expected.required:
        return ItemScore(item_id=item.id, domain=item.domain, correct=True, method="keywords", matched=matched)
    similarity = None
    if embedder is not None and expected.references:
        vectors = embedder.embed([raw_answer, *expected.references])
        similarity = max(cosine(vectors[0], reference) for reference in vectors[1:])
    close = similarity is not None and similarity >= expected.min_similarity
    return ItemScore(
        item_id=item.id,
        domain=item.domain,
        correct=close,
        method="similarity" if close else "keywords",
        matched=matched,
        similarity=similarity,
    )
