"""Scoring each item type from what candidates actually type, in French (table-driven)."""

from __future__ import annotations

from typing import Any

import pytest

from app.assessment.quiz.french_numbers import AnswerFormatError, ReadNumber, read_number
from app.assessment.quiz.keywords import contains_keyword, normalise, words
from app.assessment.quiz.scoring import score_answer
from app.chat_input import RejectedMessage
from app.embeddings import get_embedder
from app.rubrics.models import FreeTextItem, NumericItem, SingleChoiceItem

IRT = {"a": 1.0, "b": 0.0}


def single_choice() -> SingleChoiceItem:
    return SingleChoiceItem.model_validate(
        {
            "id": "heure",
            "domain": "calcul",
            "type": "single_choice",
            "prompt": "À quelle heure se termine le soin ?",
            "choices": ["14 h 25", "14 h 35", "Je préviens l'infirmière.", "Élève"],
            "answer": 1,
            "irt": IRT,
        }
    )


def numeric(**answer: Any) -> NumericItem:
    return NumericItem.model_validate(
        {"id": "n", "domain": "calcul", "type": "numeric", "prompt": "Combien ?", "answer": answer, "irt": IRT}
    )


def free_text(**answer: Any) -> FreeTextItem:
    return FreeTextItem.model_validate(
        {"id": "t", "domain": "metier", "type": "free_text", "prompt": "Et alors ?", "answer": answer, "irt": IRT}
    )


SECRET = free_text(expected=[["secret*", "confidenti*", "ne peux pas"], ["infirmi*", "medecin*"]])


@pytest.mark.parametrize(
    ("raw", "choice", "correct"),
    [
        ("B", 1, True),
        ("b", 1, True),
        ("b)", 1, True),
        ("(B)", 1, True),
        (" B. 14 h 35 ", 1, True),
        ("14h35", 1, True),
        ("14 H 35", 1, True),
        ("A", 0, False),
        ("je previens l'INFIRMIERE", 2, False),
        ("eleve", 3, False),
        ("D", 3, False),
    ],
)
def test_single_choice(raw: str, choice: int, correct: bool) -> None:
    score = score_answer(single_choice(), raw)
    assert (score.method, score.choice, score.correct) == ("choice", choice, correct)


@pytest.mark.parametrize("raw", ["E", "la B", "peut-être 14 h", "2", "a peu pres"])
def test_single_choice_unreadable(raw: str) -> None:
    with pytest.raises(AnswerFormatError, match="Répondez par une lettre, de A à D"):
        score_answer(single_choice(), raw)


MILLILITRES = numeric(value=900, unit="mL")
TEMPERATURE = numeric(value=37.6, tolerance=0.05)
PERCENT = numeric(value=5, unit="%")
EUROS = numeric(value=6.40, tolerance=0.001, unit="€")
MINUTES = numeric(value=30, unit="min")


@pytest.mark.parametrize(
    ("item", "raw", "correct"),
    [
        (MILLILITRES, "900", True),
        (MILLILITRES, "900 mL", True),
        (MILLILITRES, "900ml", True),
        (MILLILITRES, "0,9 L", True),
        (MILLILITRES, "0.9 litre", True),
        (MILLILITRES, "90 cL", True),
        (MILLILITRES, "9 dl", True),
        (MILLILITRES, "environ 900 millilitres par jour", True),
        (MILLILITRES, "850 mL", False),
        (MILLILITRES, "0,9", False),  # no unit: read in the item's unit, so 0.9 mL
        (MILLILITRES, "900 g", False),  # another dimension: never converted
        (TEMPERATURE, "37,6", True),
        (TEMPERATURE, "37.6 °C", True),
        (TEMPERATURE, "37,65", True),
        (TEMPERATURE, "37,7", False),
        (PERCENT, "5 %", True),
        (PERCENT, "5%", True),
        (PERCENT, "5 pour cent", True),
        (PERCENT, "5", True),
        (PERCENT, "0,05", False),
        (EUROS, "6,40 €", True),
        (EUROS, "6,4", True),
        (EUROS, "6 € 40", True),
        (EUROS, "6€40", True),
        (EUROS, "6,04 €", False),
        (MINUTES, "30 minutes", True),
        (MINUTES, "0,5 h", True),
        (MINUTES, "1 h 30", False),
        (MINUTES, "une demi-heure, soit 30 min", True),
    ],
)
def test_numeric(item: NumericItem, raw: str, correct: bool) -> None:
    score = score_answer(item, raw)
    assert (score.method, score.correct) == ("numeric", correct)


def test_numeric_score_records_the_value_in_the_item_unit_and_the_unit_written() -> None:
    score = score_answer(MILLILITRES, "0,9 L")
    assert (score.value, score.unit) == (pytest.approx(900), "l")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("beaucoup", "pas trouvé de nombre"),
        ("entre 800 et 900", "un seul nombre"),
        ("1 h 30 et 2 h", "un seul nombre"),
        ("1.500", "« 1.500 » est ambigu : écrivez 1500 sans point, ou 1,500 avec une virgule"),
    ],
)
def test_numeric_unreadable(raw: str, message: str) -> None:
    with pytest.raises(AnswerFormatError, match=message) as caught:
        score_answer(MILLILITRES, raw)
    assert isinstance(caught.value, RejectedMessage)
    assert caught.value.candidate_message == str(caught.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2,5", ReadNumber(2.5, None)),
        ("2.5", ReadNumber(2.5, None)),
        (",5", ReadNumber(0.5, None)),
        ("-3", ReadNumber(-3.0, None)),
        ("0.125", ReadNumber(0.125, None)),
        ("1 500", ReadNumber(1500.0, None)),
        ("1\u202f500,75 €", ReadNumber(1500.75, "€")),
        ("12\u00a0000 euros", ReadNumber(12000.0, "euros")),
        ("1,5L", ReadNumber(1.5, "l")),
        ("7h00", ReadNumber(7.0, "h")),
        ("45 Minutes", ReadNumber(45.0, "minutes")),
        ("300 pièces", ReadNumber(300.0, None)),
        ("3 kilos", ReadNumber(3.0, "kilos")),
    ],
)
def test_read_number(raw: str, expected: ReadNumber) -> None:
    assert read_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "matched", "correct"),
    [
        ("Je ne peux pas répondre, je lui passe l'infirmière", ("secret*", "infirmi*"), True),
        ("C'est confidentiel, voyez le médecin", ("secret*", "infirmi*"), True),
        ("SECRET PROFESSIONNEL, demandez à l'INFIRMIÈRE", ("secret*", "infirmi*"), True),
        ("c'est confidentel, voyez le medecin", ("secret*", "infirmi*"), True),  # one typo forgiven
        ("Je demande à l'infirmière", ("infirmi*",), False),
        ("Je lui donne les résultats", (), False),
        ("Je peux pas, c'est sekret, l'infirmerie", ("secret*", "infirmi*"), True),  # one typo in each
        ("Je peux pas, c'est privé, l'infirmerie", ("infirmi*",), False),
    ],
)
def test_free_text_keywords(raw: str, matched: tuple[str, ...], correct: bool) -> None:
    score = score_answer(SECRET, raw)
    assert (score.method, score.matched, score.correct, score.similarity) == ("keywords", matched, correct, None)


def test_free_text_min_expected_lowers_the_bar() -> None:
    either = free_text(expected=[["secret*"], ["infirmi*"]], min_expected=1)
    assert score_answer(either, "je préviens l'infirmière").correct


@pytest.mark.parametrize(
    ("keyword", "text", "found"),
    [
        ("mal au ventre", "il a très mal au ventre", True),
        ("mal au ventre", "il a mal, au ventre", True),  # punctuation is ignored
        ("mal au ventre", "il a mal au dos et au ventre", False),  # the words must be consecutive
        ("petit-déjeuner", "son petit dejeuner", True),
        ("8 h", "depuis 8 h ce matin", True),
        ("8 h", "depuis 18 h", False),
        ("refus*", "il a refusé", True),
        ("bras", "son brassard", False),  # without *, a whole word
        ("pression", "défaut de presion", True),  # one letter missing
        ("pression", "défaut de pressoin", True),  # two letters swapped
        ("pression", "défaut de prssoin", False),  # two edits
        ("bus", "le bug", False),  # short words must be exact
        ("l'infirmière", "l infirmiere", True),
        ("cœur", "coeur", True),
    ],
)
def test_contains_keyword(keyword: str, text: str, found: bool) -> None:
    assert contains_keyword(words(text), keyword) is found


def test_normalise() -> None:
    assert normalise("  L'Infirmière — À JEUN ! ") == "l infirmiere a jeun"


@pytest.mark.parametrize("item", [single_choice(), MILLILITRES, SECRET])
@pytest.mark.parametrize("raw", ["je ne sais pas", "Je sais pas.", "JSP", "Aucune idée !", "?", "???"])
def test_dont_know_is_an_incorrect_answer_for_every_type(item: Any, raw: str) -> None:
    score = score_answer(item, raw)
    assert (score.correct, score.method) == (False, "dont_know")


@pytest.mark.parametrize("item", [single_choice(), MILLILITRES, SECRET])
@pytest.mark.parametrize("raw", ["", "   ", "\n"])
def test_an_empty_answer_is_asked_again(item: Any, raw: str) -> None:
    with pytest.raises(AnswerFormatError, match="Votre réponse est vide"):
        score_answer(item, raw)


TRANSMISSION = free_text(
    expected=[["introuvable"]],
    references=["Le patient n'a pas mangé son petit-déjeuner et il a mal au ventre depuis 8 heures."],
    min_similarity=0.6,
)


@pytest.mark.parametrize(
    ("raw", "correct"),
    [
        ("Il n'a pas voulu déjeuner, douleur au ventre depuis ce matin 8 h", True),
        ("Il a refusé de manger le matin et il a mal au ventre depuis 8h", True),
        ("M. D. va bien", False),
        ("Il a faim", False),
    ],
)
def test_free_text_paraphrase_of_a_reference_counts_with_the_embedder(raw: str, correct: bool) -> None:
    score = score_answer(TRANSMISSION, raw, embedder=get_embedder())
    assert score.similarity is not None
    assert (score.correct, score.method) == (correct, "similarity" if correct else "keywords")
    assert (score.similarity >= 0.6) is correct
    assert not score_answer(TRANSMISSION, raw).correct  # without the embedder, keywords only
