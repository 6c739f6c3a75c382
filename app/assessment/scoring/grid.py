"""The scoring grid of a flow: the criteria a transcript is scored on, read from the rubric.

The motivation interview has the rubric's four criteria, with their descriptors and anchor answers. The
mock interview has one criterion per question of the rubric, scored on what a good answer brings up
(`good_answer_contains`), with the shared descriptors of `cues.yaml`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.rubrics.models import CRITERION_IDS, CriterionId, Rubric

FlowName = Literal["motivation_interview", "mock_interview"]
FLOWS: tuple[FlowName, ...] = ("motivation_interview", "mock_interview")


@dataclass(frozen=True)
class GridCriterion:
    id: str
    title: str
    questions: tuple[str, ...]
    descriptors: tuple[str, ...]  # by level, 0 to 3
    anchors: tuple[tuple[str, ...], ...] = ()  # by level (motivation interview)
    expected: tuple[str, ...] = ()  # what a good answer brings up (mock interview)


@dataclass(frozen=True)
class Grid:
    flow: FlowName
    rubric: Rubric
    criteria: tuple[GridCriterion, ...]

    def get(self, criterion_id: str) -> GridCriterion | None:
        return next((criterion for criterion in self.criteria if criterion.id == criterion_id), None)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(criterion.id for criterion in self.criteria)


def motivation_criterion_id(value: str) -> CriterionId:
    """`value` as a criterion id of the motivation grid (the mock interview's ids are question slugs)."""
    if value not in CRITERION_IDS:
        raise ValueError(f"not a motivation criterion: {value!r}")
    return value


def build_grid(rubric: Rubric, flow: FlowName, mock_descriptors: tuple[str, ...]) -> Grid:
    if flow == "motivation_interview":
        criteria = tuple(
            GridCriterion(
                id=criterion.id,
                title=criterion.title,
                questions=tuple(criterion.question_bank),
                descriptors=tuple(level.descriptor for level in criterion.levels),
                anchors=tuple(tuple(level.anchors) for level in criterion.levels),
            )
            for criterion in rubric.motivation.criteria
        )
    else:
        criteria = tuple(
            GridCriterion(
                id=question.id,
                title=question.question,
                questions=(question.question,),
                descriptors=mock_descriptors,
                expected=tuple(question.good_answer_contains),
            )
            for question in rubric.mock_interview.questions
        )
    return Grid(flow, rubric, criteria)
