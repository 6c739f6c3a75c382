"""The hand-labelled golden set of motivation answers (`evals/datasets/motivation_golden.yaml`), validated.

Besides the schema, loading checks what the set promises: unique ids and answers, both splits, and every
training x criterion x level cell covered in each split.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.errors import ConfigError
from app.rubrics.models import CRITERION_IDS, LEVELS, CriterionId
from app.rubrics.yaml_loader import LocatedValueError, parse_yaml_model

GOLDEN_PATH = Path(__file__).resolve().parent.parent / "datasets" / "motivation_golden.yaml"
Split = Literal["dev", "test"]
SPLITS: tuple[Split, ...] = ("dev", "test")
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class GoldenItem(_Model):
    id: Slug
    split: Split
    level: int | None = Field(ge=0, le=3, description="null: nothing to assess (skipped or protected only).")
    answer: str
    note: Text | None = None


class GoldenGroup(_Model):
    rubric: Slug
    criterion: CriterionId
    question: Text
    items: list[GoldenItem] = Field(min_length=1)


class GoldenFile(_Model):
    description: Text
    groups: list[GoldenGroup] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> GoldenFile:
        ids: set[str] = set()
        answers: set[tuple[str, str, str]] = set()
        for g, group in enumerate(self.groups):
            for i, item in enumerate(group.items):
                if item.id in ids:
                    raise LocatedValueError(f"duplicate id {item.id!r}", "groups", g, "items", i, "id")
                ids.add(item.id)
                key = (group.rubric, group.criterion, " ".join(item.answer.split()))
                if item.answer.strip() and key in answers:
                    raise LocatedValueError("duplicate answer for this training and criterion", "groups", g, "items", i)
                answers.add(key)
        return self


@dataclass(frozen=True)
class GoldenAnswer:
    id: str
    rubric: str
    criterion: CriterionId
    question: str
    split: Split
    level: int | None
    answer: str


@dataclass(frozen=True)
class GoldenSet:
    answers: tuple[GoldenAnswer, ...]
    sha256: str

    def split(self, split: Split) -> tuple[GoldenAnswer, ...]:
        return tuple(answer for answer in self.answers if answer.split == split)


def load_golden(path: Path = GOLDEN_PATH, *, rubrics: frozenset[str] | None = None) -> GoldenSet:
    """Load and check the golden set; with `rubrics`, every training of the set must be one of them."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    parsed = parse_yaml_model(content, GoldenFile, source=str(path))
    answers = tuple(
        GoldenAnswer(item.id, group.rubric, group.criterion, group.question, item.split, item.level, item.answer)
        for group in parsed.groups
        for item in group.items
    )
    trainings = sorted({answer.rubric for answer in answers})
    if rubrics is not None and (unknown := [t for t in trainings if t not in rubrics]):
        raise ConfigError(f"{path}: unknown rubric(s) {', '.join(unknown)}; available: {', '.join(sorted(rubrics))}")
    cells = Counter((a.split, a.rubric, a.criterion, a.level) for a in answers if a.level is not None)
    for split in SPLITS:
        for training in trainings:
            for criterion in CRITERION_IDS:
                for level in LEVELS:
                    if not cells[(split, training, criterion, level)]:
                        raise ConfigError(
                            f"{path}: the {split} split has no answer for {training} / {criterion} / level {level}"
                        )
    return GoldenSet(answers, hashlib.sha256(content).hexdigest())
