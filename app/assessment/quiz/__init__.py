"""The adaptive prerequisite quiz: 2PL IRT items, EAP ability estimates, maximum-information selection with
content balancing, scoring of French answers, and a simulation against a fixed form (`tremplin quiz simulate`).
"""

from app.assessment.quiz.adaptive import StopReason
from app.assessment.quiz.french_numbers import AnswerFormatError
from app.assessment.quiz.scoring import ItemScore, score_answer
from app.assessment.quiz.session import (
    ENGINE_VERSION,
    AdaptiveQuiz,
    DomainResult,
    QuizResult,
    QuizState,
    QuizStateError,
    Response,
)
from app.assessment.quiz.simulate import SimulationReport, simulate

__all__ = [
    "ENGINE_VERSION",
    "AdaptiveQuiz",
    "AnswerFormatError",
    "DomainResult",
    "ItemScore",
    "QuizResult",
    "QuizState",
    "QuizStateError",
    "Response",
    "SimulationReport",
    "StopReason",
    "score_answer",
    "simulate",
]
