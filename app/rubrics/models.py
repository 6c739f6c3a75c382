"""The rubric schema: what a training's assessment content must contain, validated when it is loaded.

Every model forbids unknown fields and is strict (no silent "3" -> 3 coercion), so a typo in a rubric file
fails at startup with its line instead of being ignored.
"""

from __future__ import annotations

import hashlib
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, model_validator

from app.rubrics.units import UNITS
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
MIN_QUIZ_ITEMS = 30
MIN_QUIZ_DOMAINS = 3
MIN_ANCHORS_PER_LEVEL = 2
MIN_INTERVIEW_QUESTIONS = 10
InterviewKind = Literal["situational", "behavioural", "job_knowledge"]
INTERVIEW_KINDS: tuple[InterviewKind, ...] = ("situational", "behavioural", "job_knowledge")
_KEYWORD = re.compile(r"^[\w '’-]*\w[\w '’-]*\*?$")


def _check_keyword(keyword: str) -> str:
    if not _KEYWORD.match(keyword):
        raise ValueError(
            f"keyword {keyword!r}: use words (letters, digits, spaces, apostrophes, hyphens), with an optional "
            "final * to match any ending"
        )
    return keyword


# A free-text keyword: words; a final `*` makes the last word a stem that matches any ending.
Keyword = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_check_keyword)]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class Irt(StrictModel):
    """Two-parameter logistic item parameters: discrimination `a` and difficulty `b` (theta scale)."""

    a: float = Field(gt=0, le=4)
    b: float = Field(ge=-4, le=4)


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
    tolerance: float = Field(default=0, ge=0, description="Accepted absolute difference, in `unit`.")
    unit: str | None = Field(default=None, description="Unit of `value`; answers in another unit are converted.")

    @model_validator(mode="after")
    def _check_unit(self) -> NumericAnswer:
        if self.unit is not None and self.unit.lower() not in UNITS:
            known = ", ".join(sorted(unit for unit in UNITS if len(unit) <= 3))
            raise LocatedValueError(f"unknown unit {self.unit!r} (known: {known}, or their names in full)", "unit")
        return self


class NumericItem(_Item):
    type: Literal["numeric"]
    answer: NumericAnswer


class FreeTextAnswer(StrictModel):
    """What a correct free-text answer contains.

    `expected` lists ideas, each as alternative wordings (any one counts); an answer is correct when it expresses
    at least `min_expected` of them (default: all). Matching ignores case and accents. With an embedder, an
    answer that misses the keywords but is close in meaning (cosine >= `min_similarity`) to one of the
    `references` also counts.
    """

    expected: list[Annotated[list[Keyword], Field(min_length=1)]] = Field(min_length=1)
    min_expected: int | None = Field(default=None, ge=1)
    references: list[Text] = Field(default_factory=list)
    min_similarity: float = Field(default=0.6, gt=0, le=1)

    @model_validator(mode="after")
    def _check_min_expected(self) -> FreeTextAnswer:
        if self.min_expected is not None and self.min_expected > len(self.expected):
            raise LocatedValueError(
                f"min_expected {self.min_expected} exceeds the {len(self.expected)} expected idea(s)", "min_expected"
            )
        return self

    @property
    def required(self) -> int:
        return self.min_expected if self.min_expected is not None else len(self.expected)


class FreeTextItem(_Item):
    type: Literal["free_text"]
    answer: FreeTextAnswer


QuizItem = Annotated[SingleChoiceItem | NumericItem | FreeTextItem, Field(discriminator="type")]


class QuizStop(StrictModel):
    """The adaptive quiz stops at the first of: the prerequisite decision settled (after `min_items`), standard
    error <= `max_se`, `max_items` asked."""

    max_se: float = Field(default=0.35, gt=0, lt=1, description="Below the prior SD (1), or it never starts.")
    max_items: int = Field(default=20, ge=1)
    decision_confidence: float | None = Field(
        default=0.95,
        gt=0.5,
        lt=1,
        description="Stop once P(θ >= threshold) or its complement reaches this; null: never stop on the decision.",
    )
    min_items: int = Field(default=6, ge=1, description="Items asked before the decision rule may stop the quiz.")


class Quiz(StrictModel):
    threshold_theta: float = Field(ge=-3, le=3, description="Prerequisite level on the theta scale.")
    stop: QuizStop = QuizStop()
    domains: dict[Slug, Text] = Field(min_length=MIN_QUIZ_DOMAINS, description="Domain id -> French title.")
    items: list[QuizItem] = Field(min_length=MIN_QUIZ_ITEMS)

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
        # Content balancing gives each domain an equal share of a full-length quiz: the bank must fill it.
        share = -(-self.stop.max_items // len(self.domains))
        for domain in self.domains:
            count = sum(item.domain == domain for item in self.items)
            if count < share:
                raise LocatedValueError(
                    f"domain {domain!r} has {count} item(s); a quiz of up to {self.stop.max_items} items over "
                    f"{len(self.domains)} domains needs at least {share} per domain",
                    "domains",
                    domain,
                )
        return self


class Level(StrictModel):
    score: int
    descriptor: Text
    anchors: list[Text] = Field(min_length=MIN_ANCHORS_PER_LEVEL, description="Example answers at this level.")


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


class InterviewQuestion(StrictModel):
    id: Slug
    kind: InterviewKind
    question: Text
    good_answer_contains: list[Text] = Field(min_length=1, description="What a good answer brings up.")


class MockInterview(StrictModel):
    questions: list[InterviewQuestion] = Field(min_length=MIN_INTERVIEW_QUESTIONS)

    @model_validator(mode="after")
    def _check_questions(self) -> MockInterview:
        seen: set[str] = set()
        for index, question in enumerate(self.questions):
            if question.id in seen:
                raise LocatedValueError(f"duplicate question id {question.id!r}", "questions", index, "id")
            seen.add(question.id)
        missing = [kind for kind in INTERVIEW_KINDS if not any(q.kind == kind for q in self.questions)]
        if missing:
            raise LocatedValueError(f"no question of kind: {', '.join(missing)}", "questions")
        return self


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
