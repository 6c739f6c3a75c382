"""2PL probability and information, and EAP estimation, against values computed independently."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from app.assessment.quiz.irt import Prior, information, posterior, probability


@pytest.mark.parametrize(("a", "b"), [(0.5, -2.0), (1.0, 0.0), (1.7, 0.8), (4.0, -4.0)])
def test_probability_is_one_half_at_the_difficulty_and_symmetric_around_it(a: float, b: float) -> None:
    assert probability(b, a, b) == pytest.approx(0.5)
    for d in (0.3, 1.0, 2.5):
        assert probability(b + d, a, b) == pytest.approx(1 - probability(b - d, a, b))
        assert probability(b + d, a, b) == pytest.approx(1 / (1 + math.exp(-a * d)))


def test_probability_does_not_overflow_far_from_the_difficulty() -> None:
    p = probability(np.array([-1e4, 1e4]), 4.0, 0.0)
    assert p.tolist() == [0.0, 1.0]


@pytest.mark.parametrize(("a", "b"), [(0.8, -1.0), (1.3, 0.0), (2.0, 1.5)])
def test_information_peaks_at_the_difficulty_with_a_squared_over_four(a: float, b: float) -> None:
    grid = np.linspace(-5, 5, 10001)
    info = information(grid, a, b)
    assert grid[np.argmax(info)] == pytest.approx(b, abs=1e-3)
    assert information(b, a, b) == pytest.approx(a * a / 4)
    assert information(b + 1, a, b) == pytest.approx(information(b - 1, a, b))


def test_no_answer_gives_the_prior() -> None:
    estimate = posterior([], [], [])
    assert estimate.theta == pytest.approx(0.0, abs=1e-12)
    assert estimate.se == pytest.approx(1.0, abs=1e-3)
    assert estimate.probability_at_least(0.0) == pytest.approx(0.5, abs=1e-3)
    assert estimate.probability_at_least(1.0) == pytest.approx(stats.norm.sf(1.0), abs=2e-3)
    shifted = posterior([], [], [], prior=Prior(mean=0.7, sd=0.5))
    assert (shifted.theta, shifted.se) == (pytest.approx(0.7), pytest.approx(0.5, abs=1e-3))


@pytest.mark.parametrize(
    "responses",
    [
        [(1.0, 0.0, True)],
        [(1.5, -0.5, True), (1.2, 0.3, False)],
        [(0.9, -1.0, True), (1.4, 0.0, True), (1.1, 1.2, False), (2.0, 0.5, True)],
    ],
)
def test_eap_matches_numerical_integration(responses: list[tuple[float, float, bool]]) -> None:
    def likelihood(theta: float) -> float:
        value = stats.norm.pdf(theta)
        for a, b, correct in responses:
            p = 1 / (1 + math.exp(-a * (theta - b)))
            value *= p if correct else 1 - p
        return value

    norm = integrate.quad(likelihood, -10, 10)[0]
    mean = integrate.quad(lambda t: t * likelihood(t), -10, 10)[0] / norm
    sd = math.sqrt(integrate.quad(lambda t: (t - mean) ** 2 * likelihood(t), -10, 10)[0] / norm)
    above = integrate.quad(likelihood, 0.25, 10)[0] / norm
    a, b, correct = zip(*responses, strict=True)
    estimate = posterior(a, b, correct)
    assert estimate.theta == pytest.approx(mean, abs=1e-4)
    assert estimate.se == pytest.approx(sd, abs=1e-4)
    assert estimate.probability_at_least(0.25) == pytest.approx(above, abs=2e-3)


def test_right_and_wrong_answers_to_the_same_item_mirror_each_other() -> None:
    right, wrong = posterior([1.2], [0.0], [True]), posterior([1.2], [0.0], [False])
    assert right.theta > 0
    assert wrong.theta == pytest.approx(-right.theta)
    assert right.se == pytest.approx(wrong.se)
    assert posterior([1.2, 1.2], [0.0, 0.0], [True, False]).theta == pytest.approx(0.0, abs=1e-12)


def test_more_answers_narrow_the_estimate_and_right_answers_raise_it() -> None:
    a, b = [1.5] * 6, [-1.0, -0.5, 0.0, 0.5, 1.0, 1.5]
    ses = [posterior(a[:k], b[:k], [True] * k).se for k in range(7)]
    thetas = [posterior(a[:k], b[:k], [True] * k).theta for k in range(7)]
    assert ses == sorted(ses, reverse=True)
    assert thetas == sorted(thetas)


def test_mismatched_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="equal length"):
        posterior([1.0, 1.0], [0.0], [True])
