"""Next-item selection: maximum Fisher information at the current ability, with content balancing.

Content balancing follows Kingsbury and Zara (1989): every domain has an equal target share of the test, the
next item comes from the domains furthest below their share (among those with items left), and within them the
item with the most information at the current estimate wins. Ties go to the earliest item in the rubric, so the
selection is deterministic. Items already asked are never selected again.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from app.assessment.quiz.bank import ItemBank
from app.assessment.quiz.irt import information


def select_next(bank: ItemBank, asked: Collection[int], theta: float) -> int:
    """Index of the next item to ask. The stop rule ends a quiz before the bank runs out."""
    remaining = np.ones(len(bank), dtype=np.bool_)
    remaining[list(asked)] = False
    if not remaining.any():
        raise ValueError("every item of the bank has been asked")
    asked_per_domain = np.bincount(bank.domain_index[~remaining], minlength=len(bank.domains))
    # Deficit after the next item: target share of (n + 1) items minus items already asked in the domain.
    deficit = (len(asked) + 1) / len(bank.domains) - asked_per_domain
    open_domains = np.unique(bank.domain_index[remaining])
    neediest = open_domains[deficit[open_domains] == deficit[open_domains].max()]
    candidates = remaining & np.isin(bank.domain_index, neediest)
    info = np.where(candidates, information(theta, bank.a, bank.b), -np.inf)
    return int(np.argmax(info))
