"""The referent's home page: their organisation's candidates and offers, and the invitation form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.db.models import (
    AssessmentSession,
    Candidate,
    Flow,
    Report,
    SessionStatus,
    TrainingOffer,
    User,
    UserRole,
    utcnow,
)
from app.db.session import SessionDep
from app.invitations import create_invitation, invitation_of
from app.rubrics import get_rubrics
from app.settings import get_settings
from app.web.auth import AuditDep, CsrfChecked, CurrentLogin, ReferentUser
from app.web.login import landing_page
from app.web.templating import templates
from flows.session.graph import AVAILABLE_FLOWS

CHAT_PATH = "/chat"

STATUS_LABELS = {
    SessionStatus.INVITED: "Invitation envoyée",
    SessionStatus.IN_PROGRESS: "Commencée",
    SessionStatus.COMPLETED: "Terminée",
    SessionStatus.REFUSED: "Refusée par le candidat",
    SessionStatus.ABANDONED: "Abandonnée",
}
FLOW_LABELS = {
    Flow.QUIZ: "Questionnaire de prérequis",
    Flow.MOTIVATION: "Entretien de motivation",
    Flow.MOCK: "Entretien d'embauche simulé",
}
MIN_DAYS, MAX_DAYS, DEFAULT_DAYS = 1, 60, 14

router = APIRouter()


@dataclass(frozen=True)
class SessionRow:
    session: AssessmentSession
    candidate_id: str
    pseudonym: str
    erased: bool
    has_report: bool
    link: str | None  # the invitation link, while it can still be used


@dataclass
class InvitationForm:
    rubric: str = ""
    flows: tuple[str, ...] = ("quiz",)
    days: str = str(DEFAULT_DAYS)


def _absolute(request: Request, path: str) -> str:
    return str(request.base_url).rstrip("/") + path


def _session_rows(db: Session, request: Request, user: User) -> list[SessionRow]:
    settings = get_settings()
    now = utcnow()
    rows = db.exec(
        select(AssessmentSession, Candidate, Report.id)
        .join(Candidate, col(Candidate.id) == AssessmentSession.candidate_id)
        .join(Report, col(Report.session_id) == AssessmentSession.id, isouter=True)
        .where(Candidate.organisation_id == user.organisation_id)
        .order_by(col(AssessmentSession.started_at).desc())
    ).all()
    result = []
    for session, candidate, report_id in rows:
        invitation = invitation_of(session, settings)
        usable = (
            invitation is not None
            and invitation.expires_at > now
            and session.status in {SessionStatus.INVITED, SessionStatus.IN_PROGRESS}
            and candidate.erased_at is None
        )
        result.append(
            SessionRow(
                session=session,
                candidate_id=candidate.id,
                pseudonym=candidate.pseudonym,
                erased=candidate.erased_at is not None,
                has_report=report_id is not None or session.status is SessionStatus.COMPLETED,
                link=_absolute(request, invitation.path) if usable and invitation is not None else None,
            )
        )
    return result


def _render_home(
    request: Request,
    db: Session,
    login: CurrentLogin,
    *,
    form: InvitationForm | None = None,
    errors: list[str] | None = None,
    created: SessionRow | None = None,
    status_code: int = status.HTTP_200_OK,
) -> Response:
    user = login.user
    rubrics = get_rubrics()
    offers = db.exec(
        select(TrainingOffer)
        .where(TrainingOffer.organisation_id == user.organisation_id)
        .order_by(col(TrainingOffer.start_date), col(TrainingOffer.title))
    ).all()
    return templates.TemplateResponse(
        request,
        "home.html",
        {
            "user": user,
            "csrf_token": login.csrf_token,
            "sessions": _session_rows(db, request, user),
            "offers": offers,
            "rubrics": sorted(rubrics.values(), key=lambda rubric: rubric.title),
            "rubric_titles": {rubric_id: rubric.title for rubric_id, rubric in rubrics.items()},
            "flows": [(flow, FLOW_LABELS[Flow(flow)]) for flow in AVAILABLE_FLOWS],
            "flow_labels": FLOW_LABELS,
            "status_labels": STATUS_LABELS,
            "form": form or InvitationForm(),
            "errors": errors or [],
            "created": created,
            "min_days": MIN_DAYS,
            "max_days": MAX_DAYS,
        },
        status_code=status_code,
    )


@router.get("/", include_in_schema=False)
def home(request: Request, login: CurrentLogin, db: SessionDep, invitation: str | None = None) -> Response:
    """Referents see their organisation; the other roles go to their own page."""
    if login.user.role is not UserRole.REFERENT:
        return RedirectResponse(landing_page(login.user), status_code=status.HTTP_303_SEE_OTHER)
    created = None
    if invitation:
        # Only a session of the referent's own organisation is highlighted; any other id is ignored.
        created = next((row for row in _session_rows(db, request, login.user) if row.session.id == invitation), None)
    return _render_home(request, db, login, created=created)


def _check_invitation(rubric: str, flows: list[str], days: str) -> tuple[list[str], int]:
    errors = []
    if rubric not in get_rubrics():
        errors.append("Choisissez la formation visée dans la liste.")
    if not flows:
        errors.append("Cochez au moins une étape d'évaluation.")
    elif any(flow not in AVAILABLE_FLOWS for flow in flows):
        errors.append("Une des étapes cochées n'est pas disponible : cochez seulement celles de la liste.")
    try:
        valid_days = int(days.strip())
    except ValueError:
        valid_days = 0
    if not MIN_DAYS <= valid_days <= MAX_DAYS:
        errors.append(f"La durée de validité du lien doit être un nombre de jours entre {MIN_DAYS} et {MAX_DAYS}.")
    return errors, valid_days


@router.post("/invitations", include_in_schema=False, dependencies=[CsrfChecked])
def invite(
    request: Request,
    login: CurrentLogin,
    user: ReferentUser,
    db: SessionDep,
    audit: AuditDep,
    rubric: Annotated[str, Form()] = "",
    flows: Annotated[list[str] | None, Form()] = None,
    days: Annotated[str, Form()] = str(DEFAULT_DAYS),
) -> Response:
    """Create a candidate session and its link, then show it on the home page (POST-redirect-GET)."""
    selected = flows or []
    errors, valid_days = _check_invitation(rubric, selected, days)
    if errors:
        form = InvitationForm(rubric=rubric, flows=tuple(selected), days=days[:10])
        return _render_home(request, db, login, form=form, errors=errors, status_code=status.HTTP_400_BAD_REQUEST)
    engine = db.get_bind()
    assert isinstance(engine, Engine)
    assert user.id is not None
    chosen = get_rubrics()[rubric]
    ordered = [Flow(flow) for flow in AVAILABLE_FLOWS if flow in selected]
    invitation = create_invitation(
        engine,
        get_settings(),
        organisation_id=user.organisation_id,
        rubric=chosen,
        flows=ordered,
        valid_for=timedelta(days=valid_days),
    )
    audit(
        "invitation.created",
        {
            "rubric": chosen.id,
            "rubric_version": chosen.version,
            "flows": [str(flow) for flow in ordered],
            "expires_at": invitation.expires_at.isoformat(),
        },
        session_id=invitation.session_id,
    )
    return RedirectResponse(f"/?invitation={invitation.session_id}", status_code=status.HTTP_303_SEE_OTHER)
