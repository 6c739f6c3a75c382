"""The matching API: rankings on request, stored shortlists per offer, advisers' overrides.

`/api/matching/rank-candidates` and `/rank-offers` rank what the request carries (the CLI's contract, as
JSON); the other routes work on the database: candidates' matching profiles, shortlists computed and stored
per offer, and overrides. Rankings are the ranker's JSON: `{"offer" | "candidate", "weights_version", "ranked",
"excluded", "trace"}`.

Every route needs a referent's login; the database routes only reach that referent's organisation (anything else
answers 404, like an unknown id), and unsafe methods need the session's CSRF token in the `X-CSRF-Token` header.
Who created a shortlist or decided an override is the logged-in user, never a value of the request.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import select

from app.db.models import (
    Candidate,
    OverrideCreate,
    OverrideDecision,
    Shortlist,
    ShortlistOverridePublic,
    ShortlistPublic,
    User,
)
from app.db.session import SessionDep
from app.errors import ConfigError
from app.matching import service
from app.matching.inputs import CandidateProfile, Day, Offer
from app.matching.ranker import rank_candidates, rank_offers
from app.matching.rules import RankingRules, default_rules
from app.web.auth import AuditDep, CsrfChecked, ReferentUser, actor, offer_in_org, require_referent, shortlist_in_org

router = APIRouter(
    prefix="/api/matching",
    tags=["matching"],
    dependencies=[Depends(require_referent), CsrfChecked],
    responses={401: {"description": "Not logged in"}, 403: {"description": "Not a referent, or no CSRF token"}},
)

Top = Annotated[int | None, Field(ge=1, description="Only the N best ranked (the excluded are all listed).")]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")

    as_of: Day | None = Field(default=None, description="Reference day (default: today).")
    top: Top = None
    weights_version: str | None = Field(default=None, description="e.g. v1 (default: the latest).")


class RankCandidatesRequest(_Request):
    offer: Offer
    candidates: list[CandidateProfile]


class RankOffersRequest(_Request):
    candidate: CandidateProfile
    offers: list[Offer]


class ShortlistRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    as_of: Day | None = None
    weights_version: str | None = None


class OverrideRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    candidate: str = Field(min_length=1, max_length=64, description="The candidate id as shown in the ranking.")
    decision: OverrideDecision
    reason: str = Field(min_length=1, max_length=2000)


def _rules(weights_version: str | None) -> RankingRules:
    try:
        return default_rules(weights_version)
    except ConfigError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from None


def _own_candidate(session: SessionDep, user: User, pseudonym: str) -> None:
    """404 unless the pseudonym is a candidate of the user's organisation (same answer as an unknown one)."""
    found = session.exec(
        select(Candidate.id).where(Candidate.pseudonym == pseudonym, Candidate.organisation_id == user.organisation_id)
    ).first()
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"candidate {pseudonym!r} not found")


def _public(session: SessionDep, shortlist: Shortlist) -> ShortlistPublic:
    assert shortlist.id is not None
    overrides = [
        ShortlistOverridePublic.model_validate(o, from_attributes=True)
        for o in service.overrides_of(session, shortlist.id)
    ]
    return ShortlistPublic.model_validate({**shortlist.model_dump(), "overrides": overrides})


@router.post("/rank-candidates")
def rank_candidates_route(request: RankCandidatesRequest) -> dict[str, Any]:
    """Rank the given candidates for the given offer. Protected attributes are refused (422), not ignored."""
    try:
        ranking = rank_candidates(
            request.offer, request.candidates, _rules(request.weights_version), request.as_of or date.today()
        )
    except ValueError as exc:  # duplicate candidate ids
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from None
    return ranking.to_json(request.top)


@router.post("/rank-offers")
def rank_offers_route(request: RankOffersRequest) -> dict[str, Any]:
    """Rank the given offers for the given candidate."""
    try:
        ranking = rank_offers(
            request.candidate, request.offers, _rules(request.weights_version), request.as_of or date.today()
        )
    except ValueError as exc:  # duplicate offer ids
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from None
    return ranking.to_json(request.top)


@router.put("/candidates/{pseudonym}/profile")
def put_profile(pseudonym: str, profile: CandidateProfile, session: SessionDep, user: ReferentUser) -> CandidateProfile:
    """Create or replace what the ranker reads about a candidate; `id` must be the candidate's pseudonym."""
    if profile.id != pseudonym:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=f"id {profile.id!r} is not {pseudonym!r}")
    _own_candidate(session, user, pseudonym)
    try:
        row = service.save_profile(session, profile)
    except service.NotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc)) from None
    return service.profile_from_row(pseudonym, row)


@router.get("/candidates/{pseudonym}/offers")
def offers_for_candidate(
    pseudonym: str,
    session: SessionDep,
    user: ReferentUser,
    as_of: Annotated[date | None, Query()] = None,
    top: Annotated[int | None, Query(ge=1)] = None,
    weights_version: Annotated[str | None, Query()] = None,
) -> dict[str, Any]:
    """Every offer of the organisation ranked for this candidate."""
    _own_candidate(session, user, pseudonym)
    try:
        ranking = service.rank_offers_for(
            session, pseudonym, rules=_rules(weights_version), as_of=as_of or date.today()
        )
    except service.NotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc)) from None
    return ranking.to_json(top)


@router.post("/offers/{offer_id}/shortlists", status_code=status.HTTP_201_CREATED)
def create_shortlist(
    offer_id: int, request: ShortlistRequest, session: SessionDep, user: ReferentUser, audit: AuditDep
) -> ShortlistPublic:
    """Rank every active candidate of the organisation for the offer now, and store the complete result."""
    offer_in_org(session, user, offer_id)
    try:
        shortlist = service.create_shortlist(
            session,
            offer_id,
            rules=_rules(request.weights_version),
            as_of=request.as_of or date.today(),
            audit=audit,
            created_by=actor(user),
        )
    except service.NotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc)) from None
    return _public(session, shortlist)


@router.get("/offers/{offer_id}/shortlist")
def get_shortlist(offer_id: int, session: SessionDep, user: ReferentUser) -> ShortlistPublic:
    """The latest stored shortlist of the offer, with the overrides made on it."""
    offer_in_org(session, user, offer_id)
    try:
        return _public(session, service.latest_shortlist(session, offer_id))
    except service.NotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc)) from None


@router.post("/shortlists/{shortlist_id}/overrides", status_code=status.HTTP_201_CREATED)
def add_override(
    shortlist_id: int, request: OverrideRequest, session: SessionDep, user: ReferentUser, audit: AuditDep
) -> ShortlistOverridePublic:
    """Record an adviser's decision against the ranking (include a not-eligible candidate, exclude a ranked one)."""
    shortlist_in_org(session, user, shortlist_id)
    override = OverrideCreate(**request.model_dump(), decided_by=actor(user))
    try:
        row = service.add_override(session, shortlist_id, override, audit=audit)
    except service.NotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc)) from None
    except service.OverrideError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from None
    return ShortlistOverridePublic.model_validate(row, from_attributes=True)
