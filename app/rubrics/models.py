"""The rubric schema: what a training's assessment content must contain, validated when it is loaded.

Every model forbids unknown fields and is strict (no silent "3" -> 3 coercion), so a typo in a rubric file
fails at startup with its line instead of being ignored.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, model_validator

from app.rubrics.yaml_loader import LocatedValueError, parse_yaml_model

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
CriterionId = Literal["job_knowledge", "project_coherence", "practical_readiness", "commitment"]
CRITERION_IDS: tuple[CriterionId, ...] = (
    "job_knowledge",
    "project_coherence",
    "practical_readiness",
    "commitment",
)
LEVELS = (0, 1, 2, 3)


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class Irt(StrictModel):
    """Two-parameter logistic item parameters: discrimination `a` and difficulty `b` (theta scale)."""

    a: float = Field(gt=0)
    b: float


class _Item(StrictModel):
    id: Slug
    domain: Slug
    prompt: Text
    irt: Irt


class SingleChoiceItem(_Item):
    type: Literal["single_choice"]
    choices: list[Text]
    answer: int = Field(description="Index of the correct choice, from 0.")

    @model_validator(mode="after")
    def _check_answer(self) -> SingleChoiceItem:
        if len(self.choices) < 2:
            raise LocatedValueError("a single_choice item needs at least 2 choices", "choices")
        if len(set(self.choices)) != len(self.choices):
            raise LocatedValueError("choices must be distinct", "choices")
        if not 0 <= self.answer < len(self.choices):
            raise LocatedValueError(
                f"answer index {self.answer} is out of range for {len(self.choices)} choices (0-based)", "answer"
            )
        return self


class NumericAnswer(StrictModel):
    value: float
    tolerance: float = Field(default=0, ge=0)


class NumericItem(_Item):
    type: Literal["numeric"]
    answer: NumericAnswer


class KeywordsAnswer(StrictModel):
    keywords: list[Text] = Field(min_length=1)


class FreeTextItem(_Item):
    type: Literal["free_text"]
    answer: KeywordsAnswer


QuizItem = Annotated[SingleChoiceItem | NumericItem | FreeTextItem, Field(discriminator="type")]


class Quiz(StrictModel):
    threshold_theta: float
    max_items: int = Field(default=20, ge=1)
    se_stop: float = Field(default=0.35, gt=0)
    domains: dict[Slug, Text] = Field(min_length=1, description="Domain id -> French title.")
    items: list[QuizItem] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_items(self) -> Quiz:
        seen: set[str] = set()
        for index, item in enumerate(self.items):
            if item.id in seen:
                raise LocatedValueError(f"duplicate item id {item.id!r}", "items", index, "id")
            seen.add(item.id)
            if item.domain not in self.domains:
                raise LocatedValueError(
                    f"unknown domain {item.domain!r} (declared: {', '.join(self.domains)})",
                    "items",
                    index,
                    "domain",
                )
        empty = [domain for domain in self.domains if not any(i.domain == domain for i in self.items)]
        if empty:
            raise LocatedValueError(f"domain {empty[0]!r} has no item", "domains", empty[0])
        return self


class Level(StrictModel):
    score: int
    descriptor: Text
    anchors: list[Text] = Field(min_length=1, description="Example answers at this level.")


class Criterion(StrictModel):
    id: CriterionId
    title: Text
    question_bank: list[Text] = Field(min_length=1)
    levels: list[Level]

    @model_validator(mode="after")
    def _check_levels(self) -> Criterion:
        scores = tuple(level.score for level in self.levels)
        if scores != LEVELS:
            raise LocatedValueError(f"levels must have scores 0, 1, 2, 3 in order, got {scores}", "levels")
        return self


class Motivation(StrictModel):
    criteria: list[Criterion]

    @model_validator(mode="after")
    def _check_criteria(self) -> Motivation:
        seen: set[str] = set()
        for index, criterion in enumerate(self.criteria):
            if criterion.id in seen:
                raise LocatedValueError(f"criterion {criterion.id!r} appears twice", "criteria", index, "id")
            seen.add(criterion.id)
        missing = [cid for cid in CRITERION_IDS if cid not in seen]
        if missing:
            raise LocatedValueError(f"missing criteria: {', '.join(missing)}", "criteria")
        return self


class MockInterview(StrictModel):
    questions: list[Text] = Field(min_length=1)


class Rubric(StrictModel):
    """One training's assessment content. `sha256` identifies the exact file content it was loaded from."""

    id: Slug
    version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")]
    title: Text
    sector: Text
    description: Text
    quiz: Quiz
    motivation: Motivation
    mock_interview: MockInterview

    _sha256: str | None = PrivateAttr(default=None)

    @classmethod
    def from_yaml(cls, content: bytes, *, source: str) -> Rubric:
        """Validate rubric YAML and remember the sha256 of exactly these bytes."""
        rubric = parse_yaml_model(content, cls, source=source)
        rubric._sha256 = hashlib.sha256(content).hexdigest()
        return rubric

    @property
    def sha256(self) -> str:
        if self._sha256 is None:
            raise ValueError(f"rubric {self.id!r} was not loaded from a file, it has no content hash")
        return self._sha256
