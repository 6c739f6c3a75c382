"""`tremplin eval run fairness`: who gets shortlisted, by protected group, on the synthetic Grand-Est population.

Every offer ranks the whole population; its shortlist is its top k, with k = the offer's seats. A candidate
counts as selected when they are on at least one shortlist. Selection rates are compared per protected
attribute and per intersection of two (four-fifths rule, 95% bootstrap intervals); so are the rates of being
eligible for at least one offer, which isolate the hard constraints. Groups under `MIN_GROUP` people are listed
but not judged.

The suite fails (exit code 1) when some group's whole impact-ratio interval is below 0.8. The ranker never
sees the protected attributes and the generator draws them independently, so a failure would point at a leak
or at the data.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from app.matching import CandidatePool, RankingRules, default_rules, rank_candidates
from app.matching.demo.population import Population, generate_population
from evals.fairness.audit import FamilyResult, audit_family, families
from evals.fairness.report import render_html, summary_markdown

ATTRIBUTES = ("sex", "age_band", "qpv", "disability", "nationality_group")
OUTCOMES = ("selected", "eligible")
CANDIDATES, OFFERS, SEED = 30_000, 500, 2027
MIN_GROUP = 200
N_BOOT = 2000


def _label(value: object) -> str:
    if value is None:
        return "undeclared"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def selection_table(population: Population, rules: RankingRules) -> pd.DataFrame:
    """One row per candidate: protected attributes, whether eligible anywhere, whether shortlisted anywhere."""
    pool = CandidatePool([record.profile for record in population.candidates])
    selected = np.zeros(len(pool), dtype=np.bool_)
    eligible = np.zeros(len(pool), dtype=np.bool_)
    for offer in population.offers:
        ranking = rank_candidates(offer, pool, rules, population.reference_day)
        eligible[ranking.order] = True
        selected[ranking.order[: offer.seats]] = True
    table = pd.DataFrame(
        {
            attribute: [_label(getattr(record.protected, attribute)) for record in population.candidates]
            for attribute in ATTRIBUTES
        }
    )
    table["eligible"] = eligible
    table["selected"] = selected
    return table


def run_audit(
    out_dir: Path, *, candidates: int, offers: int, seed: int, n_boot: int, min_group: int
) -> tuple[int, dict[str, list[FamilyResult]]]:
    """Audit both outcomes: shortlisted (the ranking as a whole) and eligible somewhere (the hard constraints)."""
    rules = default_rules()
    population = generate_population(candidates=candidates, offers=offers, seed=seed, rules=rules)
    table = selection_table(population, rules)
    results = {
        outcome: [
            audit_family(table, family, outcome=outcome, min_group=min_group, n_boot=n_boot, seed=seed)
            for family in families(ATTRIBUTES)
        ]
        for outcome in OUTCOMES
    }
    context = {
        "population": {"candidates": candidates, "offers": offers, "seed": seed},
        "reference_day": population.reference_day.isoformat(),
        "weights_version": rules.weights.version,
        "weights_sha256": rules.weights.sha256,
        "shortlisted": int(table["selected"].sum()),
        "eligible_somewhere": int(table["eligible"].sum()),
        "min_group": min_group,
        "n_boot": n_boot,
    }
    stored = {
        outcome: [{**asdict(result), "verdict": result.verdict} for result in outcome_results]
        for outcome, outcome_results in results.items()
    }
    (out_dir / "fairness.json").write_text(json.dumps({**context, "families": stored}, indent=2), encoding="utf-8")
    (out_dir / "fairness.html").write_text(render_html(context, results), encoding="utf-8")
    print(summary_markdown(context, results))
    print(f"report: {out_dir / 'fairness.html'}")
    failed = [r for outcome_results in results.values() for r in outcome_results if r.verdict == "fail"]
    return (1 if failed else 0), results


def main(out_dir: Path) -> int:
    code, _ = run_audit(out_dir, candidates=CANDIDATES, offers=OFFERS, seed=SEED, n_boot=N_BOOT, min_group=MIN_GROUP)
    return code
