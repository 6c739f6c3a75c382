"""The shortlist page of an offer: the latest stored ranking, its filters, recomputing it, and decisions on entries.

Scoped to the referent's organisation through the offer (another organisation's offer is a 404).
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, select

from app.db.models import AssessmentSession, Candidate, Report, Shortlist, TrainingOffer, User
from app.db.session import SessionDep
from app.matching import service
from app.matching.rules import default_rules
from app.review import wording
from app.review.decisions import (
    DecisionFormError,
    basis_sha256,
    decisions_for_shortlists,
    parse_decision_form,
    record_decision,
    shortlist_targets,
)
from app.review.shortlist_view import SHOW_LABELS, SORT_LABELS, Filters, build_shortlist_view, parse_filters
from app.web.auth import AuditDep, CsrfChecked, CurrentLogin, ScopedOffer, actor
from app.web.reports import ScrubberDep, user_names
from app.web.templating import templates

router = APIRouter(tags=["shortlists"])


def _latest(db: Session, offer_id: int) -> Shortlist | None:
    try:
        return service.latest_shortlist(db, offer_id)
    except service.NotFoundError:
        return None


def _reports_of_org(db: Session, user: User, pseudonyms: list[str]) -> dict[str, str]:
    """Pseudonym -> the session of its latest report, for the candidates of the user's organisation only."""
    if not pseudonyms:
        return {}
    rows = db.exec(
        select(Candidate.pseudonym, Report.session_id)
        .join(AssessmentSession, col(AssessmentSession.candidate_id) == Candidate.id)
        .join(Report, col(Report.session_id) == AssessmentSession.id)
        .where(Candidate.organisation_id == user.organisation_id, col(Candidate.pseudonym).in_(pseudonyms))
        .order_by(col(Report.created_at))
    ).all()
    return dict(rows)


def _page(
    request: Request,
    db: Session,
    offer: TrainingOffer,
    user: User,
    csrf_token: str,
    *,
    raw_filters: dict[str, str],
    form_error: str | None = None,
    form_target: str | None = None,
    form: dict[str, str] | None = None,
    status_code: int = status.HTTP_200_OK,
) -> HTMLResponse:
    assert offer.id is not None
    filters, filter_errors = parse_filters(raw_filters)
    shortlist = _latest(db, offer.id)
    view = None
    if shortlist is not None:
        ids = db.exec(select(Shortlist.id).where(Shortlist.offer_id == offer.id)).all()
        decisions = decisions_for_shortlists(db, [i for i in ids if i is not None])
        pseudonyms = [item["candidate"] for key in ("ranked", "excluded") for item in shortlist.ranking[key]]
        view = build_shortlist_view(
            shortlist,
            offer,
            filters=filters,
            decisions=decisions,
            user_names=user_names(db, decisions),
            reports=_reports_of_org(db, user, pseudonyms),
        )
    if filter_errors and status_code == status.HTTP_200_OK:
        status_code = status.HTTP_400_BAD_REQUEST
    return templates.TemplateResponse(
        request,
        "review/shortlist.html",
        {
            "offer": offer,
            "view": view,
            "filters": filters if view is not None else Filters(),
            "raw_filters": raw_filters,
            "filter_errors": filter_errors,
            "show_labels": SHOW_LABELS,
            "sort_labels": SORT_LABELS,
            "user": user,
            "csrf_token": csrf_token,
            "reasons": wording.REASONS,
            "actions": wording.ACTIONS,
            "form_error": form_error,
            "form_target": form_target,
            "form": form or {},
        },
        status_code=status_code,
    )


@router.get("/offers/{offer_id}/shortlist", response_class=HTMLResponse)
def shortlist_page(request: Request, offer: ScopedOffer, login: CurrentLogin, db: SessionDep) -> HTMLResponse:
    """The latest ranking of the offer's candidates, filtered as asked; every entry stays reachable."""
    return _page(request, db, offer, login.user, login.csrf_token, raw_filters=dict(request.query_params))


@router.post("/offers/{offer_id}/shortlist/refresh", response_class=Response, dependencies=[CsrfChecked])
def refresh_shortlist(offer: ScopedOffer, login: CurrentLogin, db: SessionDep, audit: AuditDep) -> Response:
    """Rank the offer's candidates again now; the earlier shortlists and their decisions are kept."""
    assert offer.id is not None
    service.create_shortlist(
        db, offer.id, rules=default_rules(), as_of=date.today(), audit=audit, created_by=actor(login.user)
    )
    return RedirectResponse(f"/offers/{offer.id}/shortlist", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/offers/{offer_id}/shortlist/decisions", response_class=Response, dependencies=[CsrfChecked])
async def add_shortlist_decision(
    request: Request,
    offer: ScopedOffer,
    login: CurrentLogin,
    db: SessionDep,
    audit: AuditDep,
    scrubber: ScrubberDep,
) -> Response:
    """Record a decision on one entry of the latest shortlist; a refused form comes back filled in."""
    assert offer.id is not None
    form = {key: value for key, value in (await request.form()).items() if isinstance(value, str)}
    form.pop("csrf_token", None)
    shortlist = _latest(db, offer.id)

    def refuse(message: str, target: str | None) -> HTMLResponse:
        return _page(
            request,
            db,
            offer,
            login.user,
            login.csrf_token,
            raw_filters={},
            form_error=message,
            form_target=target,
            form=form,
            status_code=status.HTTP_400_BAD_REQUEST,
        )

    if shortlist is None:
        return refuse("Aucune liste n'a été calculée pour cette formation : il n'y a rien à décider.", None)
    if form.get("shortlist_id") != str(shortlist.id):
        return refuse(
            "La liste a été recalculée depuis l'affichage de votre page. Vérifiez la nouvelle liste ci-dessous, "
            "puis enregistrez à nouveau votre décision.",
            None,
        )
    targets = shortlist_targets(shortlist)
    try:
        decision_request = parse_decision_form(form, targets)
    except DecisionFormError as exc:
        target = form.get("target")
        return refuse(str(exc), target if target in targets else None)
    assert login.user.id is not None
    assert shortlist.id is not None
    decision = record_decision(
        db,
        decision_request,
        user_id=login.user.id,
        basis=basis_sha256(shortlist.ranking),
        audit=audit,
        scrubber=scrubber,
        shortlist_id=shortlist.id,
    )
    return RedirectResponse(
        f"/offers/{offer.id}/shortlist#decision-{decision.id}", status_code=status.HTTP_303_SEE_OTHER
    )
