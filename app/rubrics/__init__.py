"""Training rubrics: the assessment content of each training, as validated YAML (see `rubrics/`)."""

from app.rubrics.loader import get_rubrics, load_rubric, load_rubrics
from app.rubrics.models import CRITERION_IDS, Criterion, QuizItem, Rubric

__all__ = ["CRITERION_IDS", "Criterion", "QuizItem", "Rubric", "get_rubrics", "load_rubric", "load_rubrics"]
