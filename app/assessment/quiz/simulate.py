"""Simulation: the adaptive quiz against a fixed form of the same length budget, on simulated candidates.

Simulated candidates have a true ability θ ~ N(0, 1) and answer according to the rubric's 2PL parameters.
Both tests run on the same candidates with the same random draws (each candidate has one uniform draw per
item, so an item asked by both tests gets the same answer): the comparison is paired.

- adaptive: `adaptive.step`, the algorithm `AdaptiveQuiz` runs, stopping at SE <= stop.max_se or after
  stop.max_items items;
- fixed form: stop.max_items items, all asked to everyone. It is the strongest fixed form the bank allows for
  this decision: the items the selector picks, with the same content balancing, for a candidate whose estimate
  stays at the threshold.

Both classify a candidate as meeting the prerequisite when the EAP estimate is >= the threshold; accuracy is
agreement with the true θ >= threshold. The adaptive test passes when it uses fewer items on average and its
accuracy is not lower than the fixed form's by more than NON_INFERIORITY_MARGIN (95% paired interval).
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from app.assessment.quiz.adaptive import Step, step
from app.assessment.quiz.bank import ItemBank
from app.assessment.quiz.irt import posterior, probability
from app.assessment.quiz.selection import select_next
from app.assessment.quiz.session import ENGINE_VERSION
from app.rubrics.models import Quiz, Rubric

NON_INFERIORITY_MARGIN = 0.02  # accuracy, as a fraction of candidates
_Z95 = 1.959964


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ArmResult(_Frozen):
    """One test form on the simulated candidates."""

    mean_items: float
    items_p10: float
    items_median: float
    items_p90: float
    accuracy: float
    false_pass: float  # share of all candidates classified as meeting the threshold while below it
    false_fail: float  # share of all candidates classified as below the threshold while meeting it


class SimulationReport(_Frozen):
    rubric_id: str
    rubric_version: str
    rubric_sha256: str
    engine_version: str
    n: int
    seed: int
    threshold_theta: float
    max_se: float
    max_items: int
    bank_size: int
    adaptive: ArmResult
    adaptive_stop_reasons: dict[str, int]
    fixed: ArmResult
    fixed_form: tuple[str, ...]
    items_ratio: float  # adaptive mean items / fixed form length
    accuracy_difference: float  # adaptive - fixed
    accuracy_difference_ci95: tuple[float, float]
    non_inferiority_margin: float
    passed: bool  # fewer items, accuracy not worse beyond the margin


def simulate(rubric: Rubric, *, n: int = 2000, seed: int = 0) -> SimulationReport:
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    quiz = rubric.quiz
    bank = ItemBank.from_quiz(quiz)
    rng = np.random.default_rng(seed)
    true_theta = rng.standard_normal(n)
    # answers[i, j]: whether candidate i answers item j correctly, drawn once and shared by both forms.
    answers = rng.random((n, len(bank))) < probability(true_theta[:, np.newaxis], bank.a, bank.b)
    truth = true_theta >= quiz.threshold_theta

    fixed_form = _fixed_form(bank, quiz.threshold_theta, quiz.stop.max_items)
    fixed_theta = np.array(
        [posterior(bank.a[fixed_form], bank.b[fixed_form], answers[i, fixed_form]).theta for i in range(n)]
    )
    fixed_items = np.full(n, len(fixed_form))

    adaptive_theta, adaptive_items, reasons = np.empty(n), np.empty(n, dtype=np.intp), Counter[str]()
    for i in range(n):
        asked, final = run_adaptive(bank, quiz, answers[i])
        adaptive_theta[i], adaptive_items[i] = final.estimate.theta, len(asked)
        reasons[str(final.stop)] += 1

    adaptive_right = (adaptive_theta >= quiz.threshold_theta) == truth
    fixed_right = (fixed_theta >= quiz.threshold_theta) == truth
    difference = adaptive_right.astype(np.float64) - fixed_right.astype(np.float64)
    half_width = _Z95 * float(difference.std(ddof=1)) / math.sqrt(n) if n > 1 else math.inf
    low, high = float(difference.mean()) - half_width, float(difference.mean()) + half_width
    adaptive = _arm(adaptive_items, adaptive_theta, quiz.threshold_theta, truth)
    fixed = _arm(fixed_items, fixed_theta, quiz.threshold_theta, truth)
    return SimulationReport(
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        rubric_sha256=rubric.sha256,
        engine_version=ENGINE_VERSION,
        n=n,
        seed=seed,
        threshold_theta=quiz.threshold_theta,
        max_se=quiz.stop.max_se,
        max_items=quiz.stop.max_items,
        bank_size=len(bank),
        adaptive=adaptive,
        adaptive_stop_reasons=dict(sorted(reasons.items())),
        fixed=fixed,
        fixed_form=tuple(bank.items[index].id for index in fixed_form),
        items_ratio=adaptive.mean_items / fixed.mean_items,
        accuracy_difference=float(difference.mean()),
        accuracy_difference_ci95=(low, high),
        non_inferiority_margin=NON_INFERIORITY_MARGIN,
        passed=adaptive.mean_items < fixed.mean_items and low > -NON_INFERIORITY_MARGIN,
    )


def run_adaptive(bank: ItemBank, quiz: Quiz, answers: npt.NDArray[np.bool_]) -> tuple[list[int], Step]:
    """One simulated candidate through the adaptive quiz; `answers[j]` says whether they get item j right."""
    asked: list[int] = []
    while (current := step(bank, quiz, asked, answers[asked].tolist())).next_item is not None:
        asked.append(current.next_item)
    return asked, current


def _fixed_form(bank: ItemBank, threshold: float, length: int) -> list[int]:
    form: list[int] = []
    while len(form) < min(length, len(bank)):
        form.append(select_next(bank, form, threshold))
    return form


def _arm(
    items: npt.NDArray[np.intp], theta: npt.NDArray[np.float64], threshold: float, truth: npt.NDArray[np.bool_]
) -> ArmResult:
    met = theta >= threshold
    p10, median, p90 = (float(q) for q in np.percentile(items, [10, 50, 90]))
    return ArmResult(
        mean_items=float(items.mean()),
        items_p10=p10,
        items_median=median,
        items_p90=p90,
        accuracy=float((met == truth).mean()),
        false_pass=float((met & ~truth).mean()),
        false_fail=float((~met & truth).mean()),
    )


def format_report(report: SimulationReport) -> str:
    """A short plain-text summary for the terminal."""
    low, high = report.accuracy_difference_ci95
    rows = [
        ("adaptive", report.adaptive),
        (f"fixed form ({len(report.fixed_form)} items)", report.fixed),
    ]
    lines = [
        f"Rubric {report.rubric_id} {report.rubric_version} (sha256 {report.rubric_sha256[:12]}), "
        f"engine {report.engine_version}",
        f"{report.n} simulated candidates, theta ~ N(0, 1), seed {report.seed}; threshold theta "
        f"{report.threshold_theta:+.2f}; stop at SE <= {report.max_se} or {report.max_items} items; "
        f"bank of {report.bank_size} items",
        "",
        f"{'form':<24} {'mean items':>10} {'p10/p50/p90':>14} {'accuracy':>9} {'false pass':>11} {'false fail':>11}",
    ]
    for name, arm in rows:
        spread = f"{arm.items_p10:.0f}/{arm.items_median:.0f}/{arm.items_p90:.0f}"
        lines.append(
            f"{name:<24} {arm.mean_items:>10.2f} {spread:>14} {arm.accuracy:>9.3f} "
            f"{arm.false_pass:>11.3f} {arm.false_fail:>11.3f}"
        )
    stops = ", ".join(f"{reason} {count}" for reason, count in report.adaptive_stop_reasons.items())
    lines += [
        "",
        f"adaptive stops: {stops}",
        f"items ratio (adaptive / fixed): {report.items_ratio:.2f}",
        f"accuracy difference (adaptive - fixed): {report.accuracy_difference:+.3f} "
        f"(95% CI {low:+.3f} to {high:+.3f}; non-inferiority margin -{report.non_inferiority_margin:.2f})",
        "PASS: fewer items for the same accuracy"
        if report.passed
        else "FAIL: the adaptive quiz does not use fewer items for the same accuracy",
    ]
    return "\n".join(lines)
