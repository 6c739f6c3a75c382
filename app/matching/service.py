"""The ranker on the database: offers and matching profiles in, stored shortlists and overrides out.

Candidates appear in rankings under their pseudonym (never their internal id), erased candidates not at all. A
ranking only ever mixes candidates and offers of one organisation.
Every shortlist and override is written to the audit trail.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from app.audit import AuditSink
from app.db.models import (
    Candidate,
    CandidateMatchingProfile,
    OverrideCreate,
    Shortlist,
    ShortlistOverride,
    TrainingOffer,
)
from app.matching.columns import CandidatePool
from app.matching.inputs import CandidateProfile, Offer
from app.matching.ranker import rank_candidates, rank_offers
from app.matching.results import Ranking
from app.matching.rules import RankingRules


class NotFoundError(LookupError):
    """The offer, candidate or shortlist asked for does not exist (or was erased)."""


class OverrideError(ValueError):
    """An override that cannot apply: unknown candidate in that shortlist, or already decided."""


def offer_from_row(row: TrainingOffer) -> Offer:
    return Offer.model_validate(
        {
            "id": str(row.id),
            "title": row.title,
            "rubric": row.rubric_id,
            "sector": row.sector,
            "commune": row.commune,
            "lat": row.lat,
            "lon": row.lon,
            "start_date": row.start_date,
            "end_date": row.end_date,
            "schedule": str(row.schedule),
            "seats": row.seats,
            "requirements": {
                "min_diploma_level": row.min_diploma_level,
                "driving_licence": row.driving_licence,
                "prerequisites_required": row.prerequisites_required,
            },
        }
    )


def profile_from_row(pseudonym: str, row: CandidateMatchingProfile) -> CandidateProfile:
    return CandidateProfile.model_validate(
        {
            "id": pseudonym,
            "commune": row.commune,
            "lat": row.lat,
            "lon": row.lon,
            "max_travel_km": row.max_travel_km,
            "available_from": row.available_from,
            "schedule": str(row.schedule),
            "diploma_level": row.diploma_level,
            "driving_licence": row.driving_licence,
            "registered_on": row.registered_on,
            "assessments": row.assessments,
        }
    )


def _active_candidate(session: Session, pseudonym: str) -> Candidate:
    candidate = session.exec(
        select(Candidate).where(Candidate.pseudonym == pseudonym, col(Candidate.erased_at).is_(None))
    ).first()
    if candidate is None:
        raise NotFoundError(f"candidate {pseudonym!r} not found")
    return candidate


def _offer_row(session: Session, offer_id: int) -> TrainingOffer:
    row = session.get(TrainingOffer, offer_id)
    if row is None:
        raise NotFoundError(f"offer {offer_id} not found")
    return row


def save_profile(session: Session, profile: CandidateProfile) -> CandidateMatchingProfile:
    """Create or replace the matching profile of the candidate whose pseudonym is `profile.id`."""
    candidate = _active_candidate(session, profile.id)
    data = profile.model_dump(exclude={"id"}, mode="python")
    data["assessments"] = profile.model_dump(mode="json")["assessments"]
    row = session.get(CandidateMatchingProfile, candidate.id)
    if row is None:
        row = CandidateMatchingProfile(candidate_id=candidate.id, **data)
    else:
        for key, value in data.items():
            setattr(row, key, value)
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def load_profiles(session: Session, organisation_id: int) -> list[CandidateProfile]:
    """Every active candidate's profile in one organisation, ordered by pseudonym."""
    rows = session.exec(
        select(Candidate.pseudonym, CandidateMatchingProfile)
        .join(CandidateMatchingProfile, col(CandidateMatchingProfile.candidate_id) == Candidate.id)
        .where(col(Candidate.erased_at).is_(None), Candidate.organisation_id == organisation_id)
        .order_by(Candidate.pseudonym)
    ).all()
    return [profile_from_row(pseudonym, row) for pseudonym, row in rows]


def inputs_sha256(offers: list[Offer], profiles: list[CandidateProfile]) -> str:
    """The sha256 of a canonical JSON of everything a ranking read, so a stored result names its inputs."""
    content: dict[str, Any] = {
        "offers": [offer.model_dump(mode="json") for offer in offers],
        "candidates": [profile.model_dump(mode="json") for profile in profiles],
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def create_shortlist(
    session: Session,
    offer_id: int,
    *,
    rules: RankingRules,
    as_of: date,
    audit: AuditSink,
    created_by: str | None = None,
) -> Shortlist:
    """Rank every active candidate of the offer's organisation for the offer and store the complete result."""
    row = _offer_row(session, offer_id)
    offer = offer_from_row(row)
    profiles = load_profiles(session, row.organisation_id)
    ranking = rank_candidates(offer, CandidatePool(profiles), rules, as_of)
    shortlist = Shortlist(
        offer_id=offer_id,
        as_of=as_of,
        weights_version=rules.weights.version,
        weights_sha256=rules.weights.sha256,
        inputs_sha256=inputs_sha256([offer], profiles),
        eligible_count=ranking.eligible_count,
        excluded_count=len(ranking.excluded_order),
        ranking=ranking.to_json(),
        created_by=created_by,
    )
    session.add(shortlist)
    session.commit()
    session.refresh(shortlist)
    audit(
        "shortlist.created",
        {
            "shortlist_id": shortlist.id,
            "offer_id": offer_id,
            "as_of": as_of.isoformat(),
            "weights_version": shortlist.weights_version,
            "weights_sha256": shortlist.weights_sha256,
            "inputs_sha256": shortlist.inputs_sha256,
            "eligible": shortlist.eligible_count,
            "excluded": shortlist.excluded_count,
        },
    )
    return shortlist


def refresh_shortlists(
    session: Session, rubric: str, organisation_id: int, *, rules: RankingRules, as_of: date, audit: AuditSink
) -> list[Shortlist]:
    """A new shortlist for every offer of the organisation assessed with `rubric`: what to call when one of its
    candidates finishes an assessment."""
    offer_ids = session.exec(
        select(TrainingOffer.id).where(
            TrainingOffer.rubric_id == rubric, TrainingOffer.organisation_id == organisation_id
        )
    ).all()
    return [
        create_shortlist(session, offer_id, rules=rules, as_of=as_of, audit=audit)
        for offer_id in offer_ids
        if offer_id is not None
    ]


def latest_shortlist(session: Session, offer_id: int) -> Shortlist:
    _offer_row(session, offer_id)
    shortlist = session.exec(
        select(Shortlist)
        .where(Shortlist.offer_id == offer_id)
        .order_by(col(Shortlist.created_at).desc(), col(Shortlist.id).desc())
    ).first()
    if shortlist is None:
        raise NotFoundError(f"offer {offer_id} has no shortlist yet")
    return shortlist


def overrides_of(session: Session, shortlist_id: int) -> list[ShortlistOverride]:
    return list(
        session.exec(
            select(ShortlistOverride)
            .where(ShortlistOverride.shortlist_id == shortlist_id)
            .order_by(col(ShortlistOverride.id))
        ).all()
    )


def add_override(
    session: Session, shortlist_id: int, override: OverrideCreate, *, audit: AuditSink
) -> ShortlistOverride:
    """Record an adviser's decision: include a not-eligible candidate, or exclude a ranked one."""
    shortlist = session.get(Shortlist, shortlist_id)
    if shortlist is None:
        raise NotFoundError(f"shortlist {shortlist_id} not found")
    ranked = {item["candidate"] for item in shortlist.ranking["ranked"]}
    excluded = {item["candidate"] for item in shortlist.ranking["excluded"]}
    expected = excluded if override.decision == "include" else ranked
    if override.candidate not in expected:
        where = "not eligible" if override.decision == "include" else "ranked"
        raise OverrideError(f"candidate {override.candidate!r} is not among the {where} candidates of this shortlist")
    if any(existing.candidate == override.candidate for existing in overrides_of(session, shortlist_id)):
        raise OverrideError(f"candidate {override.candidate!r} already has an override in this shortlist")
    row = ShortlistOverride(shortlist_id=shortlist_id, **override.model_dump())
    session.add(row)
    session.commit()
    session.refresh(row)
    audit(
        "shortlist.override",
        {
            "shortlist_id": shortlist_id,
            "override_id": row.id,
            "candidate": row.candidate,
            "decision": str(row.decision),
        },
    )
    return row


def rank_offers_for(session: Session, pseudonym: str, *, rules: RankingRules, as_of: date) -> Ranking:
    """Every offer of the candidate's organisation for one candidate (not stored: cheap, the candidate's view)."""
    candidate = _active_candidate(session, pseudonym)
    row = session.get(CandidateMatchingProfile, candidate.id)
    if row is None:
        raise NotFoundError(f"candidate {pseudonym!r} has no matching profile")
    rows = session.exec(
        select(TrainingOffer)
        .where(TrainingOffer.organisation_id == candidate.organisation_id)
        .order_by(col(TrainingOffer.id))
    ).all()
    offers = [offer_from_row(o) for o in rows]
    return rank_offers(profile_from_row(pseudonym, row), offers, rules, as_of)
