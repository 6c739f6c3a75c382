"""How the indicators are computed (the page repeats these definitions in plain words).

Scope: the assessment sessions whose invitation (the session's creation) falls in the period, of one
organisation or of all. Erased candidates still count: erasure keeps statuses, dates and decisions.

- Completion rate: completed sessions / sessions. Refusal rate: sessions where consent was refused / sessions.
- Delay to completion: invitation to completed assessment, for completed sessions (median and 90th percentile).
- Delay to shortlist: invitation to the first stored shortlist, created after the completion, that ranks the
  candidate among the eligible. "Shortlisted within 24 h": that shortlist came at most 24 h after completion,
  over completed sessions.
- Override rate: per decided item (the recommendation, each criterion, shortlist entries), the share whose latest
  human decision is an override.
- By protected attribute: the same rates per declared value (not declared is a group); a group of fewer than
  `MIN_GROUP_SIZE` sessions is hidden, and when it is the only hidden one of its attribute, the next smallest too,
  so it cannot be worked out from the total.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from app.db.models import (
    AssessmentSession,
    Candidate,
    CandidateProtectedAttributes,
    Decision,
    DecisionAction,
    DecisionSubject,
    SessionStatus,
    Shortlist,
    TrainingOffer,
)

MIN_GROUP_SIZE = 10
SHORTLIST_WITHIN = timedelta(hours=24)
_DAY = 86400.0

# Attribute -> (French label, value -> French label). None is "non déclaré".
ATTRIBUTES: dict[str, tuple[str, dict[object, str]]] = {
    "sex": ("Sexe", {"F": "femme", "M": "homme"}),
    "age_band": ("Âge", {"16-25": "16-25 ans", "26-44": "26-44 ans", "45+": "45 ans et plus"}),
    "qpv": ("Quartier prioritaire (QPV)", {True: "oui", False: "non"}),
    "disability": ("Travailleur handicapé (RQTH)", {True: "oui", False: "non"}),
    "nationality_group": ("Nationalité", {"french": "française", "eu": "Union européenne", "non_eu": "hors UE"}),
}
NOT_DECLARED = "non déclaré"


@dataclass(frozen=True)
class _SessionFacts:
    status: SessionStatus
    invited_at: datetime
    completed_at: datetime | None
    shortlisted_at: datetime | None
    recommendation_overridden: bool | None  # None: no decision on the recommendation
    attributes: dict[str, object]


@dataclass(frozen=True)
class Rates:
    sessions: int
    completed: int
    refused: int
    completion_rate: float | None
    refusal_rate: float | None
    shortlisted_24h_rate: float | None
    median_days_to_completion: float | None
    median_days_to_shortlist: float | None
    recommendation_override_rate: float | None


@dataclass(frozen=True)
class GroupRow:
    attribute: str
    label: str
    rates: Rates | None  # None: suppressed (fewer than MIN_GROUP_SIZE, or to protect a suppressed group)


@dataclass(frozen=True)
class Override:
    target: str
    decided: int
    overridden: int

    @property
    def rate(self) -> float:
        return self.overridden / self.decided


@dataclass(frozen=True)
class Indicators:
    since: datetime
    until: datetime
    overall: Rates
    p90_days_to_completion: float | None
    p90_days_to_shortlist: float | None
    days_to_completion: list[float]
    days_to_shortlist: list[float]
    overrides: list[Override]
    groups: dict[str, list[GroupRow]]


def compute_indicators(db: Session, *, organisation_id: int | None, since: datetime, until: datetime) -> Indicators:
    """The indicators of one organisation (None: all) for sessions invited in [since, until)."""
    query = (
        select(AssessmentSession, Candidate.pseudonym, CandidateProtectedAttributes)
        .join(Candidate, col(Candidate.id) == AssessmentSession.candidate_id)
        .outerjoin(CandidateProtectedAttributes, col(CandidateProtectedAttributes.candidate_id) == Candidate.id)
        .where(col(AssessmentSession.started_at) >= since, col(AssessmentSession.started_at) < until)
    )
    if organisation_id is not None:
        query = query.where(Candidate.organisation_id == organisation_id)
    rows = db.exec(query).all()
    shortlisted = _ranked_at(db, organisation_id, since)
    decisions = _latest_decisions(db, [session.id for session, _, _ in rows], organisation_id, since)

    facts = []
    for session, pseudonym, attributes in rows:
        times = shortlisted.get(pseudonym, [])
        after = [t for t in times if session.completed_at is not None and t >= session.completed_at]
        recommendation = decisions.get((session.id, "recommendation"))
        facts.append(
            _SessionFacts(
                status=session.status,
                invited_at=session.started_at,
                completed_at=session.completed_at if session.status == SessionStatus.COMPLETED else None,
                shortlisted_at=min(after) if after else None,
                recommendation_overridden=None if recommendation is None else recommendation == DecisionAction.OVERRIDE,
                attributes={name: getattr(attributes, name, None) for name in ATTRIBUTES},
            )
        )
    to_completion = sorted(_days(f.invited_at, f.completed_at) for f in facts if f.completed_at is not None)
    to_shortlist = sorted(_days(f.invited_at, f.shortlisted_at) for f in facts if f.shortlisted_at is not None)
    return Indicators(
        since=since,
        until=until,
        overall=_rates(facts),
        p90_days_to_completion=_quantile(to_completion, 0.9),
        p90_days_to_shortlist=_quantile(to_shortlist, 0.9),
        days_to_completion=to_completion,
        days_to_shortlist=to_shortlist,
        overrides=_overrides(decisions),
        groups={name: _groups(facts, name) for name in ATTRIBUTES},
    )


def _ranked_at(db: Session, organisation_id: int | None, since: datetime) -> dict[str, list[datetime]]:
    """pseudonym -> creation times of the shortlists (of the scope's offers) that rank them among the eligible."""
    query = select(Shortlist.created_at, Shortlist.ranking).where(col(Shortlist.created_at) >= since)
    if organisation_id is not None:
        query = query.join(TrainingOffer, col(TrainingOffer.id) == Shortlist.offer_id).where(
            TrainingOffer.organisation_id == organisation_id
        )
    found: dict[str, list[datetime]] = defaultdict(list)
    for created_at, ranking in db.exec(query).all():
        for entry in ranking.get("ranked", []):
            found[str(entry.get("candidate"))].append(created_at)
    return found


def _latest_decisions(
    db: Session, session_ids: Sequence[str], organisation_id: int | None, since: datetime
) -> dict[tuple[str, str], DecisionAction]:
    """(session id or "shortlist:<id>", target) -> action of the latest decision on it."""
    report_decisions = db.exec(
        select(Decision).where(
            col(Decision.subject) == DecisionSubject.REPORT, col(Decision.session_id).in_(list(session_ids))
        )
    ).all()
    entry_query = (
        select(Decision)
        .join(Shortlist, col(Shortlist.id) == Decision.shortlist_id)
        .where(col(Decision.subject) == DecisionSubject.SHORTLIST_ENTRY, col(Decision.created_at) >= since)
    )
    if organisation_id is not None:
        entry_query = entry_query.join(TrainingOffer, col(TrainingOffer.id) == Shortlist.offer_id).where(
            TrainingOffer.organisation_id == organisation_id
        )
    latest: dict[tuple[str, str], Decision] = {}
    for decision in [*report_decisions, *db.exec(entry_query).all()]:
        subject = decision.session_id if decision.session_id is not None else f"shortlist:{decision.shortlist_id}"
        key = (subject, decision.target)
        if key not in latest or (decision.created_at, decision.id or 0) > (latest[key].created_at, latest[key].id or 0):
            latest[key] = decision
    return {key: decision.action for key, decision in latest.items()}


def _overrides(decisions: dict[tuple[str, str], DecisionAction]) -> list[Override]:
    """Per target kind: the recommendation, each criterion ("criterion:<flow>:<id>"), shortlist entries."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (_, target), action in decisions.items():
        kind = "shortlist_entry" if target.startswith("candidate:") else target
        counts[kind][0] += 1
        counts[kind][1] += action == DecisionAction.OVERRIDE
    return [Override(target, decided, overridden) for target, (decided, overridden) in sorted(counts.items())]


def _rates(facts: Sequence[_SessionFacts]) -> Rates:
    completed = [f for f in facts if f.completed_at is not None]
    refused = sum(f.status == SessionStatus.REFUSED for f in facts)
    within = sum(
        f.shortlisted_at is not None
        and f.completed_at is not None
        and f.shortlisted_at - f.completed_at <= SHORTLIST_WITHIN
        for f in completed
    )
    decided = [f.recommendation_overridden for f in facts if f.recommendation_overridden is not None]
    return Rates(
        sessions=len(facts),
        completed=len(completed),
        refused=refused,
        completion_rate=_share(len(completed), len(facts)),
        refusal_rate=_share(refused, len(facts)),
        shortlisted_24h_rate=_share(within, len(completed)),
        median_days_to_completion=_median(_days(f.invited_at, f.completed_at) for f in completed if f.completed_at),
        median_days_to_shortlist=_median(
            _days(f.invited_at, f.shortlisted_at) for f in facts if f.shortlisted_at is not None
        ),
        recommendation_override_rate=_share(sum(decided), len(decided)),
    )


def _groups(facts: Sequence[_SessionFacts], attribute: str) -> list[GroupRow]:
    labels = ATTRIBUTES[attribute][1]
    members: dict[object, list[_SessionFacts]] = defaultdict(list)
    for fact in facts:
        members[fact.attributes[attribute]].append(fact)
    order = [*labels, None]
    present = [value for value in order if value in members]
    hidden = {value for value in present if len(members[value]) < MIN_GROUP_SIZE}
    if len(hidden) == 1 and len(present) > 1:
        shown = sorted((v for v in present if v not in hidden), key=lambda v: len(members[v]))
        hidden.add(shown[0])  # secondary suppression: the total minus the others would give the hidden one
    return [
        GroupRow(
            attribute=attribute,
            label=NOT_DECLARED if value is None else labels[value],
            rates=None if value in hidden else _rates(members[value]),
        )
        for value in present
    ]


def _days(start: datetime, end: datetime | None) -> float:
    assert end is not None
    return (end - start).total_seconds() / _DAY


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _median(values: Iterable[float]) -> float | None:
    listed = list(values)
    return statistics.median(listed) if listed else None


def _quantile(ordered: Sequence[float], q: float) -> float | None:
    if not ordered:
        return None
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=10, method="inclusive")[int(q * 10) - 1]
