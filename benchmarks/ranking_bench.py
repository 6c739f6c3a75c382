"""Benchmark (not a test): the vectorised ranker against the straightforward per-row implementation of the
same rules (`app/matching/reference.py`), on the synthetic Grand-Est population.

    .venv/bin/python benchmarks/ranking_bench.py            # about 3 minutes on 2 cores, most of it per-row
    .venv/bin/python benchmarks/ranking_bench.py --sample-offers 25   # per-row side extrapolated from 25 offers

Scenarios: one offer over 100,000 candidates, and 500 offers over 50,000 candidates. Both implementations get
the same in-memory profiles; building the columnar pool is timed apart (it is done once per population and
reused for every offer). Every run also checks that both produce the same order, scores and exclusions.
Targets (issue 6): one offer over 100,000 candidates in under 0.2 s, and at least 20x faster than per-row.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar

import numpy as np

from app.matching import CandidatePool, CandidateProfile, Offer, RankingRules, default_rules, rank_candidates
from app.matching.demo.population import generate_population
from app.matching.reference import rank_candidates_per_row
from app.matching.results import Ranking

T = TypeVar("T")
TARGET_SECONDS = 0.2
TARGET_SPEEDUP = 20.0


def timed(function: Callable[[], T], repeat: int) -> tuple[list[float], T]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    assert result is not None
    return times, result


def same_result(
    ranking: Ranking, offer: Offer, profiles: Sequence[CandidateProfile], rules: RankingRules, as_of: date
) -> tuple[bool, float]:
    """Run the per-row version and compare; returns (identical, per-row seconds)."""
    start = time.perf_counter()
    ranked, excluded = rank_candidates_per_row(offer, profiles, rules, as_of)
    seconds = time.perf_counter() - start
    identical = (
        [ranking.item_ids[row] for row in ranking.order] == [r.id for r in ranked]
        and [int(ranking.evaluation.points[row]) for row in ranking.order] == [r.points for r in ranked]
        and [ranking.item_ids[row] for row in ranking.excluded_order] == [r.id for r in excluded]
        and [int(ranking.evaluation.reasons[row]) for row in ranking.excluded_order] == [r.reasons for r in excluded]
    )
    return identical, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", type=int, default=100_000, help="population for the one-offer scenario")
    parser.add_argument("--region-candidates", type=int, default=50_000, help="candidates in the region scenario")
    parser.add_argument("--offers", type=int, default=500, help="offers in the region scenario")
    parser.add_argument("--repeat", type=int, default=7, help="runs of the vectorised one-offer ranking")
    parser.add_argument(
        "--sample-offers", type=int, default=0, help="per-row region run on N offers, extrapolated (0: all)"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    rules = default_rules()
    start = time.perf_counter()
    population = generate_population(
        candidates=max(args.candidates, args.region_candidates), offers=args.offers, seed=args.seed, rules=rules
    )
    generated = time.perf_counter() - start
    as_of = population.reference_day
    profiles = [record.profile for record in population.candidates]
    gc.freeze()  # the population lives for the whole run: keep the cyclic GC from rescanning it in every timing

    rows: list[tuple[str, str, str, str, str]] = []

    # One offer over the whole population: the most assessed rubric's first offer, the heaviest realistic case.
    busiest = max({o.rubric for o in population.offers}, key=lambda r: sum(r in p.assessments for p in profiles))
    offer = next(o for o in population.offers if o.rubric == busiest)
    big = profiles[: args.candidates]
    pool_times, pool = timed(lambda: CandidatePool(big), 1)
    vector_times, ranking = timed(lambda: rank_candidates(offer, pool, rules, as_of), args.repeat)
    identical, per_row = same_result(ranking, offer, big, rules, as_of)
    best, median = min(vector_times), statistics.median(vector_times)
    json_times, _ = timed(lambda: ranking.to_json(top=50), 1)
    rows.append(
        (
            f"1 offer x {len(big):,} candidates",
            f"{median:.4f} s (min {best:.4f})",
            f"{per_row:.2f} s",
            f"{per_row / median:.0f}x",
            "yes" if identical else "NO",
        )
    )

    # The region: every offer over the region population, pool built once.
    region = profiles[: args.region_candidates]
    region_pool_times, region_pool = timed(lambda: CandidatePool(region), 1)
    start = time.perf_counter()
    rankings = [rank_candidates(o, region_pool, rules, as_of) for o in population.offers]
    region_vector = time.perf_counter() - start
    sample = population.offers if args.sample_offers <= 0 else population.offers[: args.sample_offers]
    region_identical, region_per_row = True, 0.0
    for o, r in zip(sample, rankings, strict=False):
        ok, seconds = same_result(r, o, region, rules, as_of)
        region_identical &= ok
        region_per_row += seconds
    extrapolated = len(sample) < len(population.offers)
    if extrapolated:
        region_per_row *= len(population.offers) / len(sample)
    rows.append(
        (
            f"{len(population.offers)} offers x {len(region):,} candidates",
            f"{region_vector:.2f} s ({region_vector / len(population.offers) * 1000:.1f} ms/offer)",
            f"{region_per_row:.1f} s" + (f" (extrapolated from {len(sample)} offers)" if extrapolated else ""),
            f"{region_per_row / region_vector:.0f}x",
            "yes" if region_identical else "NO",
        )
    )

    eligible = [r.eligible_count for r in rankings]
    cpu = platform.processor() or platform.machine()
    print(f"machine: {os.cpu_count()} CPUs, {cpu}, Python {platform.python_version()}, numpy {np.__version__}")
    print(
        f"population: seed {args.seed}, generated in {generated:.1f} s; one-offer case: {offer.id} ({offer.rubric}), "
        f"{ranking.eligible_count} eligible; region: {statistics.median(eligible):.0f} eligible per offer (median)"
    )
    print(
        f"pool build (once per population): {pool_times[0]:.2f} s for {len(big):,}, "
        f"{region_pool_times[0]:.2f} s for {len(region):,}; JSON of one offer (top 50 and all "
        f"{len(ranking.excluded_order):,} excluded with reasons): {json_times[0]:.2f} s"
    )
    print()
    print("| scenario | vectorised | per-row Python | speed-up | same results |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    speedup = per_row / median
    fast = "met" if median < TARGET_SECONDS else "MISSED"
    faster = "met" if speedup >= TARGET_SPEEDUP else "MISSED"
    print()
    print(f"target: 1 offer x {len(big):,} under {TARGET_SECONDS} s: {fast} ({median:.4f} s)")
    print(f"target: at least {TARGET_SPEEDUP:.0f}x the per-row version: {faster} ({speedup:.0f}x)")


if __name__ == "__main__":
    main()
