"""What the shortlist page shows: a stored ranking with each factor's share of the score, every candidate found
not eligible with the reasons, the filters a referent applied, and the decisions taken on the entries.

Filters only narrow what is listed: the page always says how many entries they hide, so nothing disappears
without a word.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from app.db.models import Decision, Shortlist, TrainingOffer
from app.matching.weights import FACTORS
from app.review import wording
from app.review.decisions import Target, latest_by_target, shortlist_targets
from app.review.report_view import DecisionView, decision_view

Show = Literal["all", "eligible", "excluded"]
SHOW_LABELS: Mapping[Show, str] = {
    "all": "tous les candidats",
    "eligible": "les candidats classés",
    "excluded": "les candidats non admissibles",
}
SORT_LABELS: Mapping[str, str] = {"rank": "le score (rang)", **{f: wording.FACTORS[f] for f in FACTORS}}


@dataclass(frozen=True)
class Filters:
    show: Show = "all"
    min_score: float | None = None
    sort: str = "rank"
    candidate: str = ""

    @property
    def active(self) -> bool:
        return self != Filters()


@dataclass(frozen=True)
class FactorBar:
    label: str
    contribution: str
    weight: str
    track_pct: float  # the factor's weight, as a share of the widest weight
    fill_pct: float  # the factor's value (0-1), as a share of its track
    detail: str


@dataclass(frozen=True)
class RankedRow:
    rank: int
    pseudonym: str
    score: float
    score_label: str
    bars: tuple[FactorBar, ...]
    target: Target
    decision: DecisionView | None
    report_session_id: str | None


@dataclass(frozen=True)
class ExcludedRow:
    pseudonym: str
    reasons: tuple[str, ...]
    target: Target
    decision: DecisionView | None
    report_session_id: str | None


@dataclass(frozen=True)
class ShortlistView:
    offer_id: int
    offer_title: str
    shortlist_id: int
    computed_at: str
    as_of: str
    weights: str
    inputs_sha256: str
    ranked: tuple[RankedRow, ...]
    excluded: tuple[ExcludedRow, ...]
    ranked_total: int
    excluded_total: int
    hidden: int
    decisions: tuple[DecisionView, ...]


def parse_filters(query: Mapping[str, str]) -> tuple[Filters, tuple[str, ...]]:
    """The filters asked for; each value that is not understood is left out and explained in French."""
    errors: list[str] = []
    show: Show = "all"
    raw_show = query.get("show", "all") or "all"
    if raw_show in SHOW_LABELS:
        show = raw_show  # type: ignore[assignment]  # checked against the Literal's values just above
    else:
        errors.append("Filtre « Afficher » inconnu : tous les candidats sont affichés.")
    min_score: float | None = None
    raw_min = query.get("min_score", "").strip().replace(",", ".")
    if raw_min:
        try:
            min_score = float(raw_min)
        except ValueError:
            errors.append(f"Score minimum « {raw_min} » non compris : écrivez un nombre entre 0 et 1, par exemple 0,5.")
        else:
            if not 0 <= min_score <= 1:
                errors.append(
                    "Le score minimum doit être compris entre 0 et 1 (par exemple 0,5) : filtre non appliqué."
                )
                min_score = None
    sort = query.get("sort", "rank") or "rank"
    if sort not in SORT_LABELS:
        errors.append("Tri inconnu : la liste est triée par score.")
        sort = "rank"
    candidate = query.get("candidate", "").strip().upper()
    if len(candidate) > 16:
        errors.append("Code candidat trop long (16 caractères au plus) : filtre non appliqué.")
        candidate = ""
    return Filters(show=show, min_score=min_score, sort=sort, candidate=candidate), tuple(errors)


def build_shortlist_view(
    shortlist: Shortlist,
    offer: TrainingOffer,
    *,
    filters: Filters,
    decisions: Sequence[Decision],
    user_names: Mapping[int, str],
    reports: Mapping[str, str],
) -> ShortlistView:
    """`decisions` are those of this offer's shortlists; `reports` maps pseudonyms to a session with a report."""
    assert shortlist.id is not None
    assert offer.id is not None
    targets = shortlist_targets(shortlist)
    history = tuple(decision_view(d, targets, user_names) for d in decisions)
    by_id = {view.id: view for view in history}
    in_force = {key: by_id[d.id] for key, d in latest_by_target(decisions).items() if d.id is not None}
    widest = max(
        (f["weight"] for item in shortlist.ranking["ranked"] for f in item.get("factors", {}).values()), default=1.0
    )

    ranked = [
        _ranked_row(rank, item, targets, in_force, reports, widest or 1.0)
        for rank, item in enumerate(shortlist.ranking["ranked"], start=1)
    ]
    excluded = [
        ExcludedRow(
            pseudonym=item["candidate"],
            reasons=tuple(item["reasons"]),
            target=targets[f"candidate:{item['candidate']}"],
            decision=in_force.get(f"candidate:{item['candidate']}"),
            report_session_id=reports.get(item["candidate"]),
        )
        for item in shortlist.ranking["excluded"]
    ]
    shown_ranked = [row for row in ranked if _keep_ranked(row, filters)]
    if filters.sort != "rank":
        factor = filters.sort
        contributions = {
            item["candidate"]: item.get("factors", {}).get(factor, {}).get("contribution", 0.0)
            for item in shortlist.ranking["ranked"]
        }
        shown_ranked.sort(key=lambda row: (-contributions[row.pseudonym], row.rank))
    shown_excluded = [row for row in excluded if _keep_excluded(row, filters)]
    return ShortlistView(
        offer_id=offer.id,
        offer_title=offer.title,
        shortlist_id=shortlist.id,
        computed_at=f"{shortlist.created_at:%d/%m/%Y à %H:%M} (UTC)",
        as_of=f"{shortlist.as_of:%d/%m/%Y}",
        weights=f"{shortlist.weights_version} (sha256 {shortlist.weights_sha256[:12]})",
        inputs_sha256=shortlist.inputs_sha256,
        ranked=tuple(shown_ranked),
        excluded=tuple(shown_excluded),
        ranked_total=len(ranked),
        excluded_total=len(excluded),
        hidden=len(ranked) + len(excluded) - len(shown_ranked) - len(shown_excluded),
        decisions=history,
    )


def _keep_ranked(row: RankedRow, filters: Filters) -> bool:
    return (
        filters.show != "excluded"
        and (filters.min_score is None or row.score >= filters.min_score)
        and filters.candidate in row.pseudonym
    )


def _keep_excluded(row: ExcludedRow, filters: Filters) -> bool:
    # A minimum score cannot apply to candidates who have none: they stay listed unless "eligible" is asked for.
    return filters.show != "eligible" and filters.candidate in row.pseudonym


def _ranked_row(
    rank: int,
    item: Mapping[str, Any],
    targets: Mapping[str, Target],
    in_force: Mapping[str, DecisionView],
    reports: Mapping[str, str],
    widest: float,
) -> RankedRow:
    pseudonym = item["candidate"]
    bars = tuple(
        FactorBar(
            label=wording.FACTORS[name],
            contribution=wording.decimal(factor["contribution"]),
            weight=wording.decimal(factor["weight"]),
            track_pct=round(100 * factor["weight"] / widest, 1),
            fill_pct=round(100 * factor["value"], 1),
            detail=_detail(name, factor["detail"]),
        )
        for name, factor in item.get("factors", {}).items()
    )
    return RankedRow(
        rank=rank,
        pseudonym=pseudonym,
        score=item["score"],
        score_label=wording.decimal(item["score"]),
        bars=bars,
        target=targets[f"candidate:{pseudonym}"],
        decision=in_force.get(f"candidate:{pseudonym}"),
        report_session_id=reports.get(pseudonym),
    )


def _detail(name: str, detail: Mapping[str, Any]) -> str:
    """The measured value behind a factor, in words."""
    match name:
        case "motivation":
            if detail.get("mean_level") is None:
                return "aucun critère évalué (valeur par défaut)"
            return f"niveau moyen {wording.decimal(detail['mean_level'])} sur 3 ({detail['assessed']} critères évalués)"
        case "quiz_margin":
            return f"{wording.decimal(detail['theta_margin'])} au-dessus du seuil du quiz"
        case "distance":
            return f"{wording.decimal(detail['km'], 1)} km (au plus {wording.decimal(detail['max_km'], 0)} km accepté)"
        case "start_date_fit":
            return f"{detail['idle_days']} jours d'attente avant le début"
        case "waiting":
            return f"inscrit depuis {detail['days']} jours"
    return ", ".join(f"{key} {value}" for key, value in detail.items())
