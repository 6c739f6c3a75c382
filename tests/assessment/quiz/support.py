"""Shared helpers for the quiz tests: rubrics loaded from real files, and answers known to be right."""

from __future__ import annotations

from pathlib import Path

from app.rubrics import Rubric, load_rubric
from app.rubrics.models import FreeTextItem, NumericItem, QuizItem

MINIMAL = Path(__file__).parents[2] / "rubrics" / "good" / "minimal.yaml"


def minimal_rubric(
    directory: Path | None = None, *, stop: str | None = None, edit: tuple[str, str] | None = None
) -> Rubric:
    """The minimal test rubric; with `directory`, a copy written there with a `quiz.stop` line and/or an edit."""
    if directory is None:
        return load_rubric(MINIMAL)
    text = MINIMAL.read_text(encoding="utf-8")
    if stop is not None:
        text = text.replace("  threshold_theta: 0.0\n", f"  threshold_theta: 0.0\n  stop: {stop}\n", 1)
    if edit is not None:
        assert text.count(edit[0]) == 1
        text = text.replace(*edit)
    path = directory / "minimal.yaml"
    path.write_text(text, encoding="utf-8")
    return load_rubric(path)


def right_answer(item: QuizItem) -> str:
    """What a candidate who knows the answer types: the letter, the number the French way, or the key ideas."""
    if isinstance(item, NumericItem):
        value = f"{item.answer.value:g}".replace(".", ",")
        return f"{value} {item.answer.unit}" if item.answer.unit else value
    if isinstance(item, FreeTextItem):
        return ", ".join(wordings[0].rstrip("*") for wordings in item.answer.expected)
    return "ABCDEFGH"[item.answer]


def wrong_answer(item: QuizItem) -> str:
    return "je ne sais pas"
