"""Rows the test worlds share (`tests/privacy/world.py`, `tests/referent/world.py`,
`tests/indicators/population.py`), with plausible values that no test reads, so that each world spells out only
what its own tests are about. The rows are returned, not added: the world decides what goes in which session."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

from sqlmodel import Session

from app.assessment.scoring.result import ScoredCriterion, ScoringResult
from app.db.models import (
    AssessmentSession,
    CandidateMatchingProfile,
    CandidateSchedule,
    Flow,
    Organisation,
    OrganisationKind,
    Schedule,
    SessionStatus,
    Shortlist,
    TrainingOffer,
)

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
RUBRIC = "aide-soignant"
RUBRIC_VERSION = "2.0.0"
MOTIVATION = ("job_knowledge", "project_coherence", "practical_readiness", "commitment")


def add_organisation(db: Session, name: str) -> int:
    """A training centre, flushed; returns its id."""
    organisation = Organisation(name=name, kind=OrganisationKind.TRAINING_CENTRE)
    db.add(organisation)
    db.flush()
    assert organisation.id is not None
    return organisation.id


def offer(organisation_id: int, title: str = "DEAS") -> TrainingOffer:
    """A full-time offer on the rubric, in Metz, starting in January 2027."""
    return TrainingOffer(
        organisation_id=organisation_id,
        title=title,
        rubric_id=RUBRIC,
        sector="Santé",
        commune="Metz",
        lat=49.12,
        lon=6.18,
        start_date=date(2027, 1, 4),
        end_date=date(2027, 12, 17),
        schedule=Schedule.FULL_TIME,
        seats=10,
        min_diploma_level=3,
    )


def finished_session(candidate_id: str) -> AssessmentSession:
    """A motivation interview the candidate consented to and completed at `NOW`."""
    return AssessmentSession(
        candidate_id=candidate_id,
        rubric_id=RUBRIC,
        rubric_version=RUBRIC_VERSION,
        flows=[Flow.MOTIVATION],
        status=SessionStatus.COMPLETED,
        consent=True,
        completed_at=NOW,
    )


def matching_profile(candidate_id: str) -> CandidateMatchingProfile:
    """A candidate in Metz, eligible for `offer()`."""
    return CandidateMatchingProfile(
        candidate_id=candidate_id,
        commune="Metz",
        lat=49.12,
        lon=6.18,
        max_travel_km=30,
        available_from=date(2027, 1, 1),
        schedule=CandidateSchedule.ANY,
        diploma_level=3,
        driving_licence=True,
        registered_on=date(2026, 6, 1),
    )


def shortlist(offer_id: int, ranked: Mapping[str, float], *, as_of: date = TODAY) -> Shortlist:
    """The offer's shortlist ranking these candidates (pseudonym -> score), in this order, with no one excluded."""
    return Shortlist(
        offer_id=offer_id,
        as_of=as_of,
        weights_version="v1",
        weights_sha256="f" * 64,
        inputs_sha256="f" * 64,
        eligible_count=len(ranked),
        excluded_count=0,
        ranking={
            "offer": str(offer_id),
            "ranked": [{"candidate": pseudonym, "score": score} for pseudonym, score in ranked.items()],
            "excluded": [],
        },
    )


def motivation_scoring(quote: str, *, manipulation_quotes: tuple[str, ...] = ()) -> ScoringResult:
    """A rules scoring of the motivation interview: every criterion at level 2, with `quote` as its evidence."""
    criteria = tuple(
        ScoredCriterion(
            id=criterion,
            title=criterion,
            status="answered",
            level=2,
            descriptor="Descripteur du niveau 2.",
            evidence=(quote,),
            rationale=f"La réponse cite : {quote}",
            source="rules",
            rules_level=2,
        )
        for criterion in MOTIVATION
    )
    return ScoringResult(
        flow="motivation_interview",
        rubric_id=RUBRIC,
        rubric_version=RUBRIC_VERSION,
        rubric_sha256="a" * 64,
        transcript_sha256="b" * 64,
        scrubber="test",
        criteria=criteria,
        flags=(),
        protected_topics=(),
        manipulation_quotes=manipulation_quotes,
        unattributed_turns=0,
        provider="rules",
        model="rules",
        prompt_versions={},
        rules_version="1.0.0",
        cues_sha256="c" * 64,
        screening_sha256="d" * 64,
        scored_at=NOW,
    )
