"""Item selection: maximum information at the estimate, balanced across domains, never the same item twice."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from app.assessment.quiz.bank import ItemBank
from app.assessment.quiz.irt import information
from app.assessment.quiz.selection import select_next
from app.rubrics import get_rubrics
from tests.assessment.quiz.support import minimal_rubric


def synthetic_bank(a: list[float], b: list[float], domain: list[int], domains: int) -> ItemBank:
    items = tuple(SimpleNamespace(id=f"i{k}") for k in range(len(a)))
    return ItemBank(
        items=items,  # type: ignore[arg-type]  # selection only reads the arrays
        domains=tuple(f"d{k}" for k in range(domains)),
        a=np.array(a),
        b=np.array(b),
        domain_index=np.array(domain, dtype=np.intp),
        positions={f"i{k}": k for k in range(len(a))},
    )


def test_picks_the_most_informative_item_at_the_estimate() -> None:
    bank = synthetic_bank([1.0, 2.0, 1.0, 1.5], [-2.0, 0.0, 2.0, 1.9], [0, 0, 0, 0], 1)
    assert select_next(bank, [], theta=0.0) == 1
    assert select_next(bank, [], theta=2.0) == 3  # a = 1.5 at b = 1.9 beats a = 1.0 at b = 2.0
    assert select_next(bank, [3], theta=2.0) == 2


def test_takes_the_domain_furthest_below_its_share_even_if_less_informative() -> None:
    bank = synthetic_bank([2.0, 2.0, 0.5], [0.0, 0.1, 3.0], [0, 0, 1], 2)
    assert select_next(bank, [0], theta=0.0) == 2


def test_ties_go_to_the_first_item_of_the_rubric() -> None:
    bank = synthetic_bank([1.0, 1.0, 1.0], [0.5, -0.5, 0.5], [0, 0, 0], 1)
    assert select_next(bank, [], theta=0.0) == 0


def test_an_exhausted_domain_leaves_the_others() -> None:
    bank = synthetic_bank([1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0], [0, 1, 1, 1], 2)
    assert [select_next(bank, asked, 0.0) for asked in ([0, 1], [0, 1, 2])] == [2, 3]


def test_a_fully_asked_bank_is_an_error() -> None:
    bank = synthetic_bank([1.0], [0.0], [0], 1)
    with pytest.raises(ValueError, match="every item"):
        select_next(bank, [0], theta=0.0)


@pytest.mark.parametrize("rubric_id", ["aide-soignant", "assistant-de-vie-aux-familles", "operateur-de-production"])
@pytest.mark.parametrize("theta_path", ["rising", "falling", "alternating"])
def test_a_whole_bank_run_never_repeats_and_stays_balanced(rubric_id: str, theta_path: str) -> None:
    bank = ItemBank.from_quiz(get_rubrics()[rubric_id].quiz)
    asked: list[int] = []
    for n in range(len(bank)):
        theta = {"rising": -3 + 6 * n / len(bank), "falling": 3 - 6 * n / len(bank)}.get(theta_path, (-1) ** n * 1.5)
        asked.append(select_next(bank, asked, theta))
        counts = np.bincount(bank.domain_index[asked], minlength=len(bank.domains))
        remaining = np.bincount(bank.domain_index, minlength=len(bank.domains)) - counts
        open_counts = counts[remaining > 0]
        if open_counts.size:  # while every domain has items left, counts differ by at most one
            assert counts.max() - open_counts.min() <= 1, counts
    assert sorted(asked) == list(range(len(bank)))


def test_within_a_domain_the_choice_is_the_maximum_information() -> None:
    bank = ItemBank.from_quiz(minimal_rubric().quiz)
    asked: list[int] = []
    for theta in (-1.0, 0.5, 1.2, -0.3, 0.0, 2.0):
        chosen = select_next(bank, asked, theta)
        same_domain = [
            k for k in range(len(bank)) if k not in asked and bank.domain_index[k] == bank.domain_index[chosen]
        ]
        assert information(theta, bank.a[chosen], bank.b[chosen]) == max(
            information(theta, bank.a[k], bank.b[k]) for k in same_domain
        )
        asked.append(chosen)
