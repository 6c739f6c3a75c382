"""Nodes of the motivation interview. Asking and follow-ups are `flows.interviewing`; scoring happens on the
whole transcript when the session ends (`app.assessment.session_report`), not here."""

from __future__ import annotations

from typing import Any

from app.rubrics.models import Rubric
from flows.interviewing import Topic
from flows.motivation.state import MotivationFlowState
from flows.turns import assistant

INTRO = (
    "Deuxième étape : quelques questions sur votre projet. Il n'y a pas de bonne ou de mauvaise réponse. "
    "Répondez avec vos mots, en donnant des exemples si vous pouvez. Vous pouvez passer une question."
)
DONE = "Merci pour vos réponses sur votre projet."
INTERVIEWER = "un conseiller ou une conseillère qui mène un entretien de motivation bienveillant"
MAX_FOLLOW_UPS = 2


def plan(rubric: Rubric) -> tuple[Topic, ...]:
    """The grid's criteria in the rubric's order, each asked with the first question of its bank."""
    return tuple(
        Topic(id=criterion.id, title=criterion.title, bank_questions=tuple(criterion.question_bank))
        for criterion in rubric.motivation.criteria
    )


def intro(state: MotivationFlowState) -> dict[str, Any]:
    return {"transcript": [assistant(INTRO, "motivation")]}


def finish(state: MotivationFlowState) -> dict[str, Any]:
    return {"completed_flows": ["motivation"], "transcript": [assistant(DONE, "motivation")]}
