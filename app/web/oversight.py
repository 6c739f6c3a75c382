"""Oversight pages: the auditor's audit log (`/audit`), the indicators (`/indicators`), and a candidate's
data-subject rights (export, erasure) for the referents and admins of the candidate's organisation.

Nothing here shows personal data except the export, which goes to the staff member who asked for it, for the
candidate.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request, status
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from app.db.audit import verify_chain
from app.db.models import AuditEvent, Candidate, User, UserRole, utcnow
from app.db.session import SessionDep
from app.indicators import MIN_GROUP_SIZE, compute_indicators
from app.indicators.metrics import ATTRIBUTES
from app.indicators.plot import delays_svg
from app.privacy import erase_candidate, export_candidate
from app.rubrics import get_rubrics
from app.web.auth import (
    CsrfChecked,
    CurrentLogin,
    CurrentUser,
    PageError,
    actor,
    candidate_in_org,
)
from app.web.templating import templates

router = APIRouter()

AUDIT_PAGE_SIZE = 100
PERIODS = {30: "30 derniers jours", 90: "3 derniers mois", 365: "12 derniers mois", 3650: "10 dernières années"}
_SHOWN_ACTOR = re.compile(r"user:\d+|cli|system")


def _engine(db: Session) -> Engine:
    engine = db.get_bind()
    assert isinstance(engine, Engine)  # request sessions are opened on the engine (app.db.session)
    return engine


def _released(db: Session, candidate: Candidate) -> tuple[str, str]:
    """The candidate's id and pseudonym, with the request's read transaction ended: the privacy actions run
    their own transactions, and on PostgreSQL the checkpointer's first setup (CREATE INDEX CONCURRENTLY) waits
    for every open transaction, this one included."""
    ids = candidate.id, candidate.pseudonym
    db.rollback()
    return ids


def _refuse(role_fr: str) -> PageError:
    return PageError(status.HTTP_403_FORBIDDEN, "this page is not for your role", f"Cette page est réservée {role_fr}.")


# --- audit log -------------------------------------------------------------------------------------------------


def _shown_actor(value: str | None) -> str:
    """Staff are named by id in the log; anything else (an email in old events, say) is not shown."""
    if value is None:
        return "service"
    return value if _SHOWN_ACTOR.fullmatch(value) else "(masqué)"


@router.get("/audit", response_class=HTMLResponse)
def audit_log(
    request: Request,
    login: CurrentLogin,
    user: CurrentUser,
    db: SessionDep,
    event_type: Annotated[str | None, Query(max_length=64, alias="type")] = None,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> HTMLResponse:
    """Auditors and admins, read-only: chain status, events per type, and the events (id, date, type, actor; no
    payload, so no personal data)."""
    if user.role not in (UserRole.AUDITOR, UserRole.ADMIN):
        raise _refuse("aux auditeurs et aux administrateurs")
    chain = verify_chain(_engine(db))
    counts = db.exec(
        select(AuditEvent.event_type, func.count()).group_by(AuditEvent.event_type).order_by(AuditEvent.event_type)
    ).all()
    query = select(AuditEvent.id, AuditEvent.created_at, AuditEvent.event_type, AuditEvent.actor)
    if event_type:
        query = query.where(AuditEvent.event_type == event_type)
    if before is not None:
        query = query.where(col(AuditEvent.id) < before)
    events = db.exec(query.order_by(col(AuditEvent.id).desc()).limit(AUDIT_PAGE_SIZE)).all()
    return templates.TemplateResponse(
        request,
        "audit.html",
        {
            "user": user,
            "csrf_token": login.csrf_token,
            "chain": chain,
            "counts": counts,
            "events": [
                {"id": id_, "created_at": created_at, "type": type_, "actor": _shown_actor(actor_)}
                for id_, created_at, type_, actor_ in events
            ],
            "event_type": event_type,
            "next_before": events[-1][0] if len(events) == AUDIT_PAGE_SIZE else None,
        },
    )


# --- indicators ------------------------------------------------------------------------------------------------


@router.get("/indicators", response_class=HTMLResponse)
def indicators(
    request: Request,
    login: CurrentLogin,
    user: CurrentUser,
    db: SessionDep,
    days: Annotated[int, Query()] = 365,
) -> HTMLResponse:
    """Referents and admins see their organisation, auditors every organisation; aggregates only."""
    if days not in PERIODS:
        raise PageError(
            status.HTTP_400_BAD_REQUEST,
            f"days must be one of {sorted(PERIODS)}",
            "Cette période n'existe pas. Choisissez une période dans la liste.",
        )
    organisation_id = None if user.role == UserRole.AUDITOR else user.organisation_id
    until = utcnow()
    result = compute_indicators(db, organisation_id=organisation_id, since=until - timedelta(days=days), until=until)
    return templates.TemplateResponse(
        request,
        "indicators.html",
        {
            "user": user,
            "csrf_token": login.csrf_token,
            "all_organisations": organisation_id is None,
            "days": days,
            "periods": PERIODS,
            "ind": result,
            "attributes": {name: label for name, (label, _) in ATTRIBUTES.items()},
            "min_group": MIN_GROUP_SIZE,
            "plot": delays_svg(result.days_to_completion, result.days_to_shortlist),
            "target_labels": _criterion_labels(),
        },
    )


def _criterion_labels() -> dict[str, str]:
    """Decision targets ("criterion:<flow>:<id>") in words, from the rubrics (the first title found wins)."""
    labels: dict[str, str] = {}
    for rubric in get_rubrics().values():
        for criterion in rubric.motivation.criteria:
            labels.setdefault(f"criterion:motivation_interview:{criterion.id}", f"Motivation : {criterion.title}")
        for question in rubric.mock_interview.questions:
            label = f"Entretien simulé : question « {question.id} »"
            labels.setdefault(f"criterion:mock_interview:{question.id}", label)
    return labels


# --- a candidate's rights --------------------------------------------------------------------------------------


def _rights_holder(candidate_id: str, user: CurrentUser, db: SessionDep) -> Candidate:
    """The candidate, for a referent or an admin of their organisation (404 for another organisation)."""
    if user.role not in (UserRole.REFERENT, UserRole.ADMIN):
        raise _refuse("aux référents et aux administrateurs")
    return candidate_in_org(db, user, candidate_id)


RightsCandidate = Annotated[Candidate, Depends(_rights_holder)]


@router.post("/candidates/{candidate_id}/export", dependencies=[CsrfChecked])
def export(candidate: RightsCandidate, user: CurrentUser, db: SessionDep) -> Response:
    """Everything held on the candidate, as a JSON download (the candidate's right of access)."""
    user_actor = actor(user)
    candidate_id, pseudonym = _released(db, candidate)
    document = export_candidate(_engine(db), candidate_id, actor=user_actor)
    return Response(
        json.dumps(document, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="tremplin-{pseudonym}.json"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/candidates/{candidate_id}/erase", response_class=HTMLResponse)
def erase_form(request: Request, login: CurrentLogin, user: CurrentUser, candidate: RightsCandidate) -> HTMLResponse:
    return _erase_page(request, login.csrf_token, user, candidate)


@router.post("/candidates/{candidate_id}/erase", response_class=HTMLResponse, dependencies=[CsrfChecked])
def erase(
    request: Request,
    login: CurrentLogin,
    user: CurrentUser,
    candidate: RightsCandidate,
    db: SessionDep,
    confirmation: Annotated[str, Form(max_length=64)] = "",
) -> HTMLResponse:
    """Erase after the staff member typed the candidate's code: a wrong code erases nothing."""
    if confirmation.strip().upper() != candidate.pseudonym:
        return _erase_page(
            request,
            login.csrf_token,
            user,
            candidate,
            error=f"Le code saisi ne correspond pas à {candidate.pseudonym} : rien n'a été effacé.",
            status_code=status.HTTP_400_BAD_REQUEST,
        )
    context: dict[str, Any] = {"user": user, "csrf_token": login.csrf_token}
    user_actor = actor(user)
    candidate_id, context["pseudonym"] = _released(db, candidate)
    context["summary"] = asdict(erase_candidate(_engine(db), candidate_id, actor=user_actor))
    return templates.TemplateResponse(request, "erase_done.html", context)


def _erase_page(
    request: Request,
    csrf_token: str,
    user: User,
    candidate: Candidate,
    *,
    error: str | None = None,
    status_code: int = status.HTTP_200_OK,
) -> HTMLResponse:
    context: dict[str, Any] = {"user": user, "csrf_token": csrf_token, "candidate": candidate, "error": error}
    return templates.TemplateResponse(request, "erase_confirm.html", context, status_code=status_code)
