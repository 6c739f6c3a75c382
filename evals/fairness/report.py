"""The fairness report: a Markdown summary for the terminal, and a self-contained HTML page with the tables
and a plot (inline SVG, no external file)."""

from __future__ import annotations

import io
from html import escape
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: render to files only
import matplotlib.pyplot as plt

from evals.fairness.audit import FOUR_FIFTHS, FamilyResult

OUTCOME_TITLES = {
    "selected": "shortlisted (top seats of at least one offer)",
    "eligible": "eligible for at least one offer (the hard constraints alone)",
}


def _name(result: FamilyResult) -> str:
    return " × ".join(result.attributes)


def _group(attributes: tuple[str, ...], group: tuple[str, ...]) -> str:
    return ", ".join(f"{a}={g}" for a, g in zip(attributes, group, strict=True))


def _ci(interval: tuple[float, float], digits: int = 2) -> str:
    return f"[{interval[0]:.{digits}f}, {interval[1]:.{digits}f}]"


def _verdict_table(results: list[FamilyResult]) -> list[str]:
    lines = ["| attributes | groups judged | lowest/highest rate [95% CI] | four-fifths |", "| --- | --- | --- | --- |"]
    for result in results:
        lines.append(
            f"| {_name(result)} | {len(result.groups)} (+{len(result.small_groups)} small) | "
            f"{result.ratio:.2f} {_ci(result.ratio_ci)} | {result.verdict} |"
        )
    return lines


def summary_markdown(context: dict[str, Any], outcomes: dict[str, list[FamilyResult]]) -> str:
    results = outcomes["selected"]
    population = context["population"]
    lines = [
        f"Population: {population['candidates']:,} candidates, {population['offers']} offers (seed "
        f"{population['seed']}), weights {context['weights_version']}; shortlisted (top seats of at least one "
        f"offer): {context['shortlisted']:,}; eligible somewhere: {context['eligible_somewhere']:,}.",
        "",
        "| group | n | selection rate [95% CI] | impact ratio [95% CI] |",
        "| --- | --- | --- | --- |",
    ]
    for result in results:
        if len(result.attributes) == 1:
            for g in result.groups:
                lines.append(
                    f"| {_group(result.attributes, g.group)} | {g.n:,} | {g.rate:.3f} {_ci(g.rate_ci, 3)} | "
                    f"{g.impact_ratio:.2f} {_ci(g.impact_ratio_ci)} |"
                )
    for outcome, outcome_results in outcomes.items():
        counts = {v: sum(r.verdict == v for r in outcome_results) for v in ("pass", "inconclusive", "fail")}
        lines += ["", f"Outcome: {OUTCOME_TITLES[outcome]}", "", *_verdict_table(outcome_results)]
        lines += ["", f"Verdicts: {counts['pass']} pass, {counts['inconclusive']} inconclusive, {counts['fail']} fail."]
    return "\n".join(lines)


def _plot_svg(results: list[FamilyResult]) -> str:
    singles = [r for r in results if len(r.attributes) == 1]
    figure, (rates_ax, ratio_ax) = plt.subplots(1, 2, figsize=(12, 6), gridspec_kw={"width_ratios": [1, 1]})

    labels, rates, lows, highs = [], [], [], []
    for result in singles:
        for g in result.groups:
            labels.append(_group(result.attributes, g.group))
            rates.append(g.rate)
            lows.append(g.rate - g.rate_ci[0])
            highs.append(g.rate_ci[1] - g.rate)
    rates_ax.barh(labels, rates, xerr=[lows, highs], color="#4c72b0", capsize=3)
    rates_ax.invert_yaxis()
    rates_ax.set_xlabel("selection rate (shortlisted), 95% CI")
    rates_ax.set_title("Selection rate by group")

    names = [_name(r) for r in results if r.groups]
    ratios = [r.ratio for r in results if r.groups]
    errors = [
        [r.ratio - r.ratio_ci[0] for r in results if r.groups],
        [r.ratio_ci[1] - r.ratio for r in results if r.groups],
    ]
    colours = [
        {"pass": "#55a868", "inconclusive": "#dd8452", "fail": "#c44e52"}[r.verdict] for r in results if r.groups
    ]
    ratio_ax.barh(names, ratios, xerr=errors, color=colours, capsize=3)
    ratio_ax.axvline(FOUR_FIFTHS, color="black", linestyle="--", linewidth=1)
    ratio_ax.invert_yaxis()
    ratio_ax.set_xlim(0, max([1.05, *(r.ratio_ci[1] + 0.05 for r in results if r.groups)]))
    ratio_ax.set_xlabel("lowest / highest selection rate, 95% CI (dashed: 0.8)")
    ratio_ax.set_title("Impact ratio by attribute and intersection")
    figure.tight_layout()

    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})  # no timestamp: same input, same file
    plt.close(figure)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]


def _verdict_rows(results: list[FamilyResult]) -> str:
    return "".join(
        f"<tr><td>{escape(_name(r))}</td><td>{r.ratio:.2f} {_ci(r.ratio_ci)}</td>"
        f"<td class={r.verdict}>{r.verdict}</td></tr>"
        for r in results
    )


def render_html(context: dict[str, Any], outcomes: dict[str, list[FamilyResult]]) -> str:
    population = context["population"]
    results = outcomes["selected"]
    rows = []
    for result in results:
        for g in result.groups:
            rows.append(
                f"<tr><td>{escape(_name(result))}</td><td>{escape(_group(result.attributes, g.group))}</td>"
                f"<td>{g.n:,}</td><td>{g.selected:,}</td><td>{g.rate:.3f} {_ci(g.rate_ci, 3)}</td>"
                f"<td>{g.impact_ratio:.2f} {_ci(g.impact_ratio_ci)}</td></tr>"
            )
        for group, size in result.small_groups:
            rows.append(
                f"<tr class=small><td>{escape(_name(result))}</td><td>{escape(_group(result.attributes, group))}</td>"
                f"<td>{size:,}</td><td colspan=3>fewer than {context['min_group']} people: not judged</td></tr>"
            )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tremplin fairness audit</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; max-width: 80rem; }}
table {{ border-collapse: collapse; margin: 1rem 0; }} td, th {{ border: 1px solid #ccc; padding: .25rem .5rem; }}
.small {{ color: #888; }} .pass {{ color: #2e7d32; }} .inconclusive {{ color: #b26a00; }} .fail {{ color: #c62828; }}
</style></head><body>
<h1>Fairness of the matching ranker</h1>
<p>Synthetic Grand-Est population: {population["candidates"]:,} candidates and {population["offers"]} offers
(seed {population["seed"]}, reference day {context["reference_day"]}), weights {context["weights_version"]}
(sha256 {context["weights_sha256"]}). Each offer ranks everyone; its shortlist is its top <i>k</i>, <i>k</i> = its
seats. Selected = on at least one shortlist ({context["shortlisted"]:,} people; {context["eligible_somewhere"]:,} are
eligible for at least one offer). Protected attributes are drawn independently of everything else and the ranker
never receives them.</p>
<p>Impact ratio = a group's selection rate over the highest rate of its attribute (or intersection). The
four-fifths rule asks for at least {FOUR_FIFTHS}. Intervals: 95%, bootstrap over candidates
({context["n_boot"]} resamples). Verdict: <span class=pass>pass</span> when the whole interval of the lowest/highest
ratio is at least {FOUR_FIFTHS}, <span class=fail>fail</span> when it is wholly below,
<span class=inconclusive>inconclusive</span> otherwise.</p>
{_plot_svg(results)}
<h2>Shortlisted: lowest / highest selection rate</h2>
<table><tr><th>attributes</th><th>ratio [95% CI]</th><th>four-fifths</th></tr>{_verdict_rows(results)}</table>
<h2>Eligible for at least one offer: lowest / highest rate</h2>
<p>The same audit on eligibility alone, which isolates the hard constraints (distance, dates, schedule,
diploma, licence, prerequisites, assessment).</p>
<table><tr><th>attributes</th><th>ratio [95% CI]</th><th>four-fifths</th></tr>
{_verdict_rows(outcomes["eligible"])}</table>
<h2>Shortlisted: selection rate by group</h2>
<table><tr><th>attributes</th><th>group</th><th>n</th><th>selected</th><th>rate [95% CI]</th>
<th>impact ratio [95% CI]</th></tr>{"".join(rows)}</table>
</body></html>
"""
