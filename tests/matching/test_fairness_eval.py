"""The fairness audit finds a disparity where there is one, clears equal rates, and the suite writes its
report (tables, plot) from a ranking of the synthetic population."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evals.fairness.audit import audit_family, families
from evals.fairness.run import ATTRIBUTES, run_audit


def table(rates: dict[str, float], n: int, seed: int = 0) -> pd.DataFrame:
    """`n` people per group, each selected with the group's probability."""
    rng = np.random.default_rng(seed)
    groups = [group for group in rates for _ in range(n)]
    selected = [bool(rng.random() < rates[group]) for group in groups]
    return pd.DataFrame({"sex": groups, "selected": selected})


# (case id, selection probability per group, verdict)
CASES = [
    ("equal rates", {"F": 0.3, "M": 0.3}, "pass"),
    ("half the rate", {"F": 0.15, "M": 0.3}, "fail"),
    ("close to four fifths", {"F": 0.24, "M": 0.3}, "inconclusive"),
]


@pytest.mark.parametrize(("rates", "verdict"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_verdict_follows_the_interval(rates: dict[str, float], verdict: str) -> None:
    result = audit_family(table(rates, 2000), ("sex",), n_boot=500)
    assert result.verdict == verdict
    low, high = min(rates.values()), max(rates.values())
    assert result.ratio == pytest.approx(low / high, abs=0.08)
    assert result.ratio_ci[0] <= result.ratio <= result.ratio_ci[1]
    for group in result.groups:
        assert group.rate_ci[0] <= group.rate <= group.rate_ci[1]
        assert group.rate == pytest.approx(rates[group.group[0]], abs=0.03)


def test_small_groups_are_listed_not_judged() -> None:
    data = pd.concat([table({"F": 0.3, "M": 0.3}, 2000), table({"X": 0.0}, 20)])
    result = audit_family(data, ("sex",), min_group=100, n_boot=200)
    assert result.small_groups == [(("X",), 20)]
    assert [g.group for g in result.groups] == [("F",), ("M",)]
    assert result.verdict == "pass"


def test_families_are_attributes_then_pairs() -> None:
    assert families(("a", "b", "c")) == [("a",), ("b",), ("c",), ("a", "b"), ("a", "c"), ("b", "c")]


def test_suite_writes_json_and_html_with_an_inline_plot(tmp_path: Path) -> None:
    code, outcomes = run_audit(tmp_path, candidates=3000, offers=40, seed=3, n_boot=200, min_group=100)

    assert code == (1 if any(r.verdict == "fail" for results in outcomes.values() for r in results) else 0)
    stored = json.loads((tmp_path / "fairness.json").read_text())
    for outcome in ("selected", "eligible"):
        assert [tuple(f["attributes"]) for f in stored["families"][outcome]] == families(ATTRIBUTES)
    assert 0 < stored["shortlisted"] < stored["eligible_somewhere"] < 3000
    html = (tmp_path / "fairness.html").read_text()
    assert html.count("<svg") == html.count("</svg>") == 1
    assert "<td>sex=F</td>" in html
    sex = next(r for r in outcomes["selected"] if r.attributes == ("sex",))
    assert {g.group for g in sex.groups} == {("F",), ("M",)}
    assert sum(g.n for g in sex.groups) == 3000
