"""The simulation: adaptive quiz against a fixed form on simulated candidates (seeded, small n)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from app.assessment.quiz.bank import ItemBank
from app.assessment.quiz.session import AdaptiveQuiz
from app.assessment.quiz.simulate import SimulationReport, format_report, run_adaptive, simulate
from app.rubrics import get_rubrics
from tests.assessment.quiz.support import minimal_rubric, right_answer, wrong_answer

TREMPLIN = str(Path(sys.executable).with_name("tremplin"))


@pytest.fixture(scope="module")
def report() -> SimulationReport:
    return simulate(get_rubrics()["aide-soignant"], n=400, seed=7)


def test_the_adaptive_quiz_needs_fewer_items_for_comparable_accuracy(report: SimulationReport) -> None:
    assert report.fixed.mean_items == report.max_items == 20
    assert report.adaptive.mean_items < 0.95 * report.fixed.mean_items
    assert report.items_ratio == pytest.approx(report.adaptive.mean_items / 20)
    assert abs(report.accuracy_difference) <= 0.03
    assert report.adaptive.accuracy > 0.8
    assert report.fixed.accuracy > 0.8


def test_report_figures_are_consistent(report: SimulationReport) -> None:
    for arm in (report.adaptive, report.fixed):
        assert arm.accuracy + arm.false_pass + arm.false_fail == pytest.approx(1.0)
        assert 1 <= arm.items_p10 <= arm.items_median <= arm.items_p90 <= 20
    assert sum(report.adaptive_stop_reasons.values()) == report.n == 400
    assert set(report.adaptive_stop_reasons) <= {"decision", "precision", "max_items"}
    low, high = report.accuracy_difference_ci95
    assert low < report.accuracy_difference < high
    rubric = get_rubrics()["aide-soignant"]
    assert (report.rubric_id, report.rubric_version, report.rubric_sha256) == (rubric.id, rubric.version, rubric.sha256)


def test_the_fixed_form_is_the_balanced_form_targeted_at_the_threshold(report: SimulationReport) -> None:
    rubric = get_rubrics()["aide-soignant"]
    domains = {item.id: item.domain for item in rubric.quiz.items}
    assert len(set(report.fixed_form)) == 20
    counts = sorted(sum(domains[i] == d for i in report.fixed_form) for d in rubric.quiz.domains)
    assert counts == [6, 7, 7]


def test_same_seed_same_figures_other_seed_other_figures() -> None:
    rubric = get_rubrics()["operateur-de-production"]
    assert simulate(rubric, n=60, seed=1) == simulate(rubric, n=60, seed=1)
    assert simulate(rubric, n=60, seed=1) != simulate(rubric, n=60, seed=2)


def test_the_verdict_fails_when_the_adaptive_quiz_saves_nothing(tmp_path: Path) -> None:
    # Never precise enough and no decision rule: every candidate answers 20 items.
    rubric = minimal_rubric(tmp_path, stop="{max_se: 0.05, max_items: 20, decision_confidence: null}")
    report = simulate(rubric, n=50, seed=0)
    assert report.adaptive.mean_items == 20
    assert report.items_ratio == 1.0
    assert not report.passed
    assert "FAIL" in format_report(report)


@pytest.mark.parametrize("rubric_id", ["aide-soignant", "assistant-de-vie-aux-familles", "operateur-de-production"])
def test_the_simulated_candidate_goes_through_the_same_algorithm_as_a_real_one(rubric_id: str) -> None:
    rubric = get_rubrics()[rubric_id]
    bank = ItemBank.from_quiz(rubric.quiz)
    rng = np.random.default_rng(0)
    for _ in range(5):
        answers = rng.random(len(bank)) < 0.6
        asked, final = run_adaptive(bank, rubric.quiz, answers)
        quiz = AdaptiveQuiz.start(rubric)
        while (item := quiz.next_item()) is not None:
            index = bank.index_of(item.id)
            quiz.answer(item.id, right_answer(item) if answers[index] else wrong_answer(item))
        result = quiz.result()
        assert [bank.index_of(r.item_id) for r in result.responses] == asked
        assert (result.theta, result.se, result.stop_reason) == (final.estimate.theta, final.estimate.se, final.stop)


def test_n_must_be_positive() -> None:
    with pytest.raises(ValueError, match="n must be at least 1"):
        simulate(get_rubrics()["aide-soignant"], n=0)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TREMPLIN, "quiz", "simulate", *args], env=dict(os.environ), capture_output=True, text=True, timeout=120
    )


def test_cli_prints_the_report_as_json() -> None:
    result = run_cli("--rubric", "assistant-de-vie-aux-familles", "--n", "120", "--seed", "3", "--json")
    data = json.loads(result.stdout)
    assert (data["n"], data["seed"], data["rubric_id"]) == (120, 3, "assistant-de-vie-aux-familles")
    assert result.returncode == (0 if data["passed"] else 1)


def test_cli_prints_a_table_and_the_ratio() -> None:
    result = run_cli("--rubric", "aide-soignant", "--n", "80")
    assert "items ratio (adaptive / fixed): " in result.stdout
    assert "fixed form (20 items)" in result.stdout


def test_cli_refuses_an_unknown_rubric_in_one_line() -> None:
    result = run_cli("--rubric", "plombier", "--n", "10")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: --rubric: unknown rubric 'plombier'; available: aide-soignant, assistant-de-vie-aux-familles, "
        "operateur-de-production"
    ]
