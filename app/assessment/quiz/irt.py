"""The two-parameter logistic (2PL) item response model and EAP ability estimation.

P(correct | θ) = 1 / (1 + exp(-a(θ - b))), with no 1.7 scaling constant: `a` and `b` in the rubrics are on
this logistic metric. Ability is estimated by EAP (the posterior mean) on a fixed quadrature grid with a normal
prior, and its standard error is the posterior standard deviation. With no response, the estimate is the prior.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

PRIOR_MEAN = 0.0
PRIOR_SD = 1.0
GRID_HALF_WIDTH = 5.0  # in prior standard deviations
GRID_POINTS = 161


def probability(theta: npt.ArrayLike, a: npt.ArrayLike, b: npt.ArrayLike) -> Floats:
    """Probability of a correct answer (broadcasts over arrays)."""
    z = np.asarray(a, dtype=np.float64) * (np.asarray(theta, dtype=np.float64) - np.asarray(b, dtype=np.float64))
    p: Floats = 0.5 * (1.0 + np.tanh(0.5 * z))  # the logistic function, without overflow for large |z|
    return p


def information(theta: npt.ArrayLike, a: npt.ArrayLike, b: npt.ArrayLike) -> Floats:
    """Fisher information a²·P·(1 - P): peaks at θ = b, where it is a²/4."""
    p = probability(theta, a, b)
    info: Floats = np.asarray(a, dtype=np.float64) ** 2 * p * (1.0 - p)
    return info


@dataclass(frozen=True)
class Prior:
    """A normal prior discretised on an evenly spaced grid (the quadrature points of EAP)."""

    mean: float = PRIOR_MEAN
    sd: float = PRIOR_SD
    points: int = GRID_POINTS

    def grid(self) -> Floats:
        half = GRID_HALF_WIDTH * self.sd
        return np.linspace(self.mean - half, self.mean + half, self.points)

    def log_density(self, grid: Floats) -> Floats:
        log_density: Floats = -0.5 * ((grid - self.mean) / self.sd) ** 2
        return log_density


STANDARD_PRIOR = Prior()


@dataclass(frozen=True)
class Posterior:
    """Posterior weights of θ on the grid; `theta` (EAP) and `se` summarise it."""

    grid: Floats
    weights: Floats

    @property
    def theta(self) -> float:
        return float(self.weights @ self.grid)

    @property
    def se(self) -> float:
        variance = float(self.weights @ (self.grid - self.theta) ** 2)
        return float(np.sqrt(max(variance, 0.0)))

    def probability_at_least(self, threshold: float) -> float:
        """P(θ ≥ threshold), treating each grid point as the centre of a cell of uniform mass."""
        step = float(self.grid[1] - self.grid[0])
        cdf_at_cell_ends = np.cumsum(self.weights)
        below = float(np.interp(threshold, self.grid + step / 2, cdf_at_cell_ends, left=0.0, right=1.0))
        return min(1.0, max(0.0, 1.0 - below))


def posterior(a: npt.ArrayLike, b: npt.ArrayLike, correct: npt.ArrayLike, prior: Prior = STANDARD_PRIOR) -> Posterior:
    """The posterior of θ after dichotomous responses to items (a, b): equal-length sequences, maybe empty."""
    a_, b_ = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    u = np.asarray(correct, dtype=np.bool_)
    if not a_.shape == b_.shape == u.shape or a_.ndim != 1:
        raise ValueError(f"a, b and correct must be 1-D and of equal length, got {a_.shape}, {b_.shape}, {u.shape}")
    grid = prior.grid()
    log_weights = prior.log_density(grid)
    if u.size:
        # log P(u | θ) for each grid point (rows) and item (columns), computed stably with logaddexp.
        z = a_[np.newaxis, :] * (grid[:, np.newaxis] - b_[np.newaxis, :])
        log_weights = log_weights - np.logaddexp(0.0, np.where(u, -z, z)).sum(axis=1)
    weights = np.exp(log_weights - log_weights.max())
    return Posterior(grid=grid, weights=weights / weights.sum())
