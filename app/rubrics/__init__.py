"""Training rubrics: the assessment content of each training, as validated YAML (see `rubrics/`)."""

from app.rubrics.loader import get_rubrics, load_rubric, load_rubrics
from app.rubrics.models import (
    CRITERION_IDS,
    INTERVIEW_KINDS,
    Criterion,
    FreeTextItem,
    InterviewQuestion,
    NumericItem,
    Quiz,
    QuizItem,
    QuizStop,
    Rubric,
    SingleChoiceItem,
)

__all__ = [
    "CRITERION_IDS",
    "INTERVIEW_KINDS",
    "Criterion",
    "FreeTextItem",
    "InterviewQuestion",
    "NumericItem",
    "Quiz",
    "QuizItem",
    "QuizStop",
    "Rubric",
    "SingleChoiceItem",
    "get_rubrics",
    "load_rubric",
    "load_rubrics",
]
