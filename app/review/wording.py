"""The French words the referent pages use for the report's and the ranker's codes.

Every code a report or a shortlist can carry has an entry here (a test checks the tables against the code's
`Literal` types), so a new flag cannot reach a referent as an unexplained English identifier.
"""

from __future__ import annotations

import re
from typing import Final

from app.assessment.report import Recommendation
from app.assessment.scoring.result import CriterionFlag, ReportFlag
from app.assessment.scoring.screening import TopicId
from app.db.models import DecisionAction, ReasonCode

RECOMMENDATIONS: Final[dict[Recommendation, str]] = {
    "ready": "Prêt pour la formation",
    "ready_with_support": "Prêt, avec un accompagnement",
    "not_yet": "Pas encore prêt",
    "insufficient_data": "Pas assez d'éléments pour conclure",
}

REPORT_FLAGS: Final[dict[ReportFlag, str]] = {
    "needs_human_review": "Au moins un niveau est incertain : relisez les citations avant de vous y fier.",
    "degraded_model": ("Modèle indisponible : les niveaux viennent du barème de secours, vérifiez-les."),
    "forbidden_topic_volunteered": (
        "Le candidat a parlé de sujets protégés (santé, famille...) : ces passages n'ont pas été évalués "
        "et ne doivent pas entrer dans la décision."
    ),
    "possible_manipulation": (
        "Le candidat a essayé d'influencer la notation : ces phrases ont été ignorées, vérifiez les niveaux."
    ),
    "conversation_fallback": (
        "Modèle indisponible pendant l'entretien : des questions ont été posées telles qu'écrites dans le "
        "référentiel, ou le retour donné au candidat vient du barème de secours."
    ),
}

CRITERION_FLAGS: Final[dict[CriterionFlag, str]] = {
    "evidence_missing": (
        "Le modèle n'a pas trouvé de citation pour son niveau : le niveau du barème de secours a été pris."
    ),
    "quotes_dropped": "Des citations du modèle n'étaient pas dans la réponse : elles ont été retirées.",
    "models_disagree": "Le modèle et le barème de secours sont en désaccord d'au moins 2 niveaux : à vérifier.",
    "manipulation_capped": (
        "La réponse essayait d'influencer la note : le niveau a été limité à celui du barème de secours."
    ),
    "manipulation_ignored": "Des phrases adressées à l'évaluateur ont été ignorées.",
    "protected_topic_excluded": (
        "La réponse contenait des informations protégées : elles n'ont été ni évaluées ni citées."
    ),
    "model_abstained": "Le modèle n'a pas donné de niveau : le niveau du barème de secours a été pris.",
    "rationale_replaced": "L'explication du modèle a été remplacée par celle du barème de secours.",
    "model_unavailable": "Modèle indisponible pour ce critère : le barème de secours a répondu.",
}

PROTECTED_TOPICS: Final[dict[TopicId, str]] = {
    "family": "situation familiale",
    "pregnancy": "grossesse",
    "health": "santé",
    "origin": "origine",
    "religion": "religion",
    "political_views": "opinions politiques",
    "social_security": "numéro de sécurité sociale",
    "bank_details": "coordonnées bancaires",
}

FLOWS: Final[dict[str, str]] = {
    "quiz": "Quiz des prérequis",
    "motivation_interview": "Entretien de motivation",
    "mock_interview": "Entretien d'embauche simulé",
}

SOURCES: Final[dict[str, str]] = {"model": "modèle de langue", "rules": "barème de secours"}

STOP_REASONS: Final[dict[str, str]] = {
    "decision": "résultat assez sûr par rapport au seuil",
    "precision": "précision suffisante atteinte",
    "max_items": "nombre maximal de questions posé",
}

NOT_ASSESSED: Final = "non évalué"

FACTORS: Final[dict[str, str]] = {
    "motivation": "Motivation (entretiens)",
    "quiz_margin": "Avance sur le quiz",
    "distance": "Proximité",
    "start_date_fit": "Date de début",
    "waiting": "Temps d'attente",
}

DECISION_REMINDER: Final = (
    "Ce rapport est une aide à la décision. Il ne décide pas : c'est vous qui décidez, après avoir lu les "
    "citations et, si besoin, parlé avec le candidat."
)


def level_label(level: int | None) -> str:
    """ "niveau 2 sur 3", or "non évalué" for a missing level (never shown as 0)."""
    return NOT_ASSESSED if level is None else f"niveau {level} sur 3"


def confidence_label(confidence: float) -> str:
    word = "faible" if confidence < 0.5 else "moyenne" if confidence < 0.75 else "élevée"
    return f"{word} ({round(confidence * 100)} %)"


def decimal(value: float, digits: int = 2) -> str:
    """A number written the French way: 0,42."""
    return f"{value:.{digits}f}".replace(".", ",").replace("-", "−")


# The decision rules of app/assessment/report.py (`recommendation_rule`, English in the stored report), in French.
_RULES: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (re.compile(r"rule 1 \(insufficient_data\): no interview was scored"), "règle 1 : aucun entretien n'a été évalué"),
    (
        re.compile(r"rule 1 \(insufficient_data\): too few answers assessed in: (?P<flows>.+)"),
        "règle 1 : trop peu de réponses évaluées ({flows})",
    ),
    (
        re.compile(r"rule 2 \(not_yet\): prerequisite quiz level not met"),
        "règle 2 : niveau attendu au quiz des prérequis non atteint",
    ),
    (
        re.compile(r"rule 2 \(not_yet\): a motivation criterion at level 0"),
        "règle 2 : un critère de motivation au niveau 0",
    ),
    (
        re.compile(r"rule 2 \(not_yet\): mean level (?P<mean>[\d.]+) below (?P<bound>[\d.]+)"),
        "règle 2 : niveau moyen {mean} sur 3, sous le minimum de {bound}",
    ),
    (
        re.compile(r"rule 3 \(ready\): motivation criteria all at 2 or more, mean level (?P<mean>[\d.]+)"),
        "règle 3 : critères de motivation tous au niveau 2 ou plus, niveau moyen {mean} sur 3",
    ),
    (
        re.compile(r"rule 4 \(ready_with_support\): mean level (?P<mean>[\d.]+)"),
        "règle 4 : niveau moyen {mean} sur 3 ; les conditions de « prêt » (règle 3) ne sont pas toutes remplies",
    ),
)


def rule_label(rule: str) -> str:
    """The report's decision rule in French; a rule this list does not know is shown as stored."""
    for pattern, french in _RULES:
        match = pattern.fullmatch(rule)
        if match is not None:
            found = match.groupdict()
            if "flows" in found:
                found["flows"] = ", ".join(FLOWS.get(flow, flow) for flow in found["flows"].split(", "))
            for key in ("mean", "bound"):
                if key in found:
                    found[key] = decimal(float(found[key]))
            return french.format(**found)
    return rule


ACTIONS: Final[dict[DecisionAction, str]] = {
    DecisionAction.ACCEPT: "Accepter",
    DecisionAction.OVERRIDE: "Modifier",
    DecisionAction.NEW_ASSESSMENT: "Demander une nouvelle évaluation",
}

REASONS: Final[dict[ReasonCode, str]] = {
    ReasonCode.EVIDENCE_SUPPORTS: "Les citations justifient ce résultat",
    ReasonCode.EVIDENCE_MISREAD: "Les citations ne justifient pas ce résultat",
    ReasonCode.KNOWN_OUTSIDE_ASSESSMENT: "Éléments connus en dehors de l'évaluation (dossier, rencontre)",
    ReasonCode.ASSESSMENT_CONDITIONS: "Mauvaises conditions de passation (langue, technique, stress)",
    ReasonCode.AUTOMATIC_SCORING_UNRELIABLE: "Évaluation automatique incertaine ou dégradée",
    ReasonCode.ELIGIBILITY_EXCEPTION: "Exception justifiée aux conditions d'admission",
    ReasonCode.PLACES_OR_PRIORITIES: "Nombre de places ou priorités de la formation",
    ReasonCode.OTHER: "Autre motif (à préciser dans le commentaire)",
}

SHORTLIST_CHOICES: Final[dict[str, str]] = {
    "ranked": "classé dans la liste",
    "excluded": "non admissible",
    "include": "retenu malgré tout",
    "exclude": "écarté de la liste",
}
