"""Selection rates per protected group and intersection, impact ratios (four-fifths rule) and bootstrap
confidence intervals.

Point estimates come from fairlearn's `MetricFrame` (`selection_rate` by group, `ratio()` = lowest rate over
highest). The intervals come from a bootstrap of the rows: since rows are resampled independently, the
resampled counts of (group, selected) cells follow a multinomial law over the observed cell shares, so the
bootstrap draws those counts directly, which is exact and fast (fairlearn's own `n_boot` recomputes every
`MetricFrame` and took over a minute per attribute set here).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Literal

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame, selection_rate

FOUR_FIFTHS = 0.8
CI_QUANTILES = (0.025, 0.975)
Verdict = Literal["pass", "inconclusive", "fail"]


@dataclass(frozen=True)
class GroupRate:
    group: tuple[str, ...]
    n: int
    selected: int
    rate: float
    rate_ci: tuple[float, float]
    impact_ratio: float  # rate / highest rate of the family
    impact_ratio_ci: tuple[float, float]


@dataclass(frozen=True)
class FamilyResult:
    """One attribute or one intersection of attributes: its groups, and the lowest-to-highest rate ratio."""

    attributes: tuple[str, ...]
    groups: list[GroupRate]
    small_groups: list[tuple[tuple[str, ...], int]]  # (group, size) below the minimum size: not judged
    ratio: float  # lowest rate / highest rate (fairlearn's MetricFrame.ratio())
    ratio_ci: tuple[float, float]  # of that same pair of groups

    @property
    def verdict(self) -> Verdict:
        """`fail` when some group's whole impact-ratio interval is below four fifths, `pass` when every group's
        interval is at or above it, `inconclusive` otherwise (or when fewer than two groups are large enough)."""
        if any(group.impact_ratio_ci[1] < FOUR_FIFTHS for group in self.groups):
            return "fail"
        if self.groups and all(group.impact_ratio_ci[0] >= FOUR_FIFTHS for group in self.groups):
            return "pass"
        return "inconclusive"


def families(attributes: tuple[str, ...], depth: int = 2) -> list[tuple[str, ...]]:
    """Each attribute alone, then every intersection of up to `depth` attributes."""
    return [combo for size in range(1, depth + 1) for combo in combinations(attributes, size)]


def audit_family(
    table: pd.DataFrame,
    attributes: tuple[str, ...],
    *,
    outcome: str = "selected",
    min_group: int = 100,
    n_boot: int = 2000,
    seed: int = 0,
) -> FamilyResult:
    """`table` has one row per person: the protected attributes (as strings) and a boolean `outcome`."""
    sizes = table.groupby(list(attributes), observed=True).size()
    judged = sizes[sizes >= min_group]
    small = [(_key(index), int(size)) for index, size in sizes[sizes < min_group].items()]
    if len(judged) < 2:
        return FamilyResult(attributes, [], small, float("nan"), (float("nan"), float("nan")))
    keep = table.set_index(list(attributes)).index.isin(judged.index)
    rows = table[keep]

    frame = MetricFrame(
        metrics=selection_rate,
        y_true=rows[outcome].to_numpy(),
        y_pred=rows[outcome].to_numpy(),
        sensitive_features=rows[list(attributes)],
    )
    by_group = frame.by_group.dropna()  # fairlearn lists every combination of values, even empty ones
    keys = [_key(index) for index in by_group.index]
    rates = by_group.to_numpy(dtype=np.float64)
    counts = rows.groupby(list(attributes), observed=True)[outcome].agg(["size", "sum"]).loc[by_group.index]
    n, selected = counts["size"].to_numpy(), counts["sum"].to_numpy()

    boot_rates = _bootstrap_rates(n, selected, n_boot, seed)
    reference, worst = int(np.argmax(rates)), int(np.argmin(rates))
    with np.errstate(invalid="ignore", divide="ignore"):
        boot_ratio = boot_rates / boot_rates[:, [reference]]
    best = rates[reference]
    groups = [
        GroupRate(
            group=key,
            n=int(n[i]),
            selected=int(selected[i]),
            rate=float(rates[i]),
            rate_ci=_interval(boot_rates[:, i]),
            impact_ratio=float(rates[i] / best) if best > 0 else float("nan"),
            impact_ratio_ci=_interval(boot_ratio[:, i]),
        )
        for i, key in enumerate(keys)
    ]
    return FamilyResult(attributes, groups, small, float(frame.ratio()), _interval(boot_ratio[:, worst]))


def _bootstrap_rates(n: np.ndarray, selected: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """Bootstrap selection rates, shape (n_boot, groups): multinomial counts over (group, selected) cells."""
    cells = np.concatenate([selected, n - selected]).astype(np.float64)
    draws = np.random.default_rng(seed).multinomial(int(n.sum()), cells / cells.sum(), size=n_boot)
    chosen, others = draws[:, : len(n)], draws[:, len(n) :]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(chosen / (chosen + others), dtype=np.float64)


def _interval(samples: np.ndarray) -> tuple[float, float]:
    low, high = np.nanquantile(samples, CI_QUANTILES)
    return float(low), float(high)


def _key(index: object) -> tuple[str, ...]:
    return tuple(str(part) for part in index) if isinstance(index, tuple) else (str(index),)
