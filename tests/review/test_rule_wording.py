"""The report's decision rule reaches the referent in French (the stored report keeps the English trace)."""

from __future__ import annotations

import pytest

from app.review.wording import rule_label


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("rule 1 (insufficient_data): no interview was scored", "règle 1 : aucun entretien n'a été évalué"),
        (
            "rule 1 (insufficient_data): too few answers assessed in: motivation_interview, mock_interview",
            "règle 1 : trop peu de réponses évaluées (Entretien de motivation, Entretien d'embauche simulé)",
        ),
        (
            "rule 2 (not_yet): prerequisite quiz level not met",
            "règle 2 : niveau attendu au quiz des prérequis non atteint",
        ),
        ("rule 2 (not_yet): a motivation criterion at level 0", "règle 2 : un critère de motivation au niveau 0"),
        ("rule 2 (not_yet): mean level 1.20 below 1.5", "règle 2 : niveau moyen 1,20 sur 3, sous le minimum de 1,50"),
        (
            "rule 3 (ready): motivation criteria all at 2 or more, mean level 2.40",
            "règle 3 : critères de motivation tous au niveau 2 ou plus, niveau moyen 2,40 sur 3",
        ),
        (
            "rule 4 (ready_with_support): mean level 1.90",
            "règle 4 : niveau moyen 1,90 sur 3 ; les conditions de « prêt » (règle 3) ne sont pas toutes remplies",
        ),
        ("rule 9 (new): something else", "rule 9 (new): something else"),  # unknown: shown as stored, not hidden
    ],
)
def test_each_decision_rule_is_shown_in_french(stored: str, shown: str) -> None:
    assert rule_label(stored) == shown
