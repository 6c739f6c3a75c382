"""A rubric's quiz items as arrays (ids, domains, a, b) for fast selection and estimation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.rubrics.models import Quiz, QuizItem


@dataclass(frozen=True)
class ItemBank:
    """Items in rubric order; an item is addressed by its index in that order."""

    items: tuple[QuizItem, ...]
    domains: tuple[str, ...]  # declared domain ids, in rubric order
    a: npt.NDArray[np.float64]
    b: npt.NDArray[np.float64]
    domain_index: npt.NDArray[np.intp]  # per item: index into `domains`
    positions: Mapping[str, int]  # item id -> index

    @classmethod
    def from_quiz(cls, quiz: Quiz) -> ItemBank:
        domains = tuple(quiz.domains)
        return cls(
            items=tuple(quiz.items),
            domains=domains,
            a=np.array([item.irt.a for item in quiz.items], dtype=np.float64),
            b=np.array([item.irt.b for item in quiz.items], dtype=np.float64),
            domain_index=np.array([domains.index(item.domain) for item in quiz.items], dtype=np.intp),
            positions={item.id: index for index, item in enumerate(quiz.items)},
        )

    def __len__(self) -> int:
        return len(self.items)

    def index_of(self, item_id: str) -> int:
        return self.positions[item_id]
