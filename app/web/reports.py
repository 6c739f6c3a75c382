"""The report pages of the referent area: the report, its PDF and JSON exports, and the decisions taken on it.

Every route is scoped to the referent's organisation (another organisation's report is a 404, as an unknown one);
each export and each decision is written to the audit log with the user as the actor.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session, col, select

from app import __version__
from app.assessment.report import AssessmentReport
from app.db.models import Candidate, Decision, DecisionPublic, Message, User
from app.db.session import SessionDep
from app.pii import Scrubber, get_scrubber
from app.review import wording
from app.review.decisions import (
    DecisionFormError,
    basis_sha256,
    decisions_for_session,
    parse_decision_form,
    record_decision,
    report_targets,
)
from app.review.pdf import render_pdf
from app.review.report_view import ReportView, build_report_view
from app.web.auth import (
    AuditDep,
    CsrfChecked,
    CurrentLogin,
    PageError,
    ReferentUser,
    actor,
    report_in_org,
    session_in_org,
)
from app.web.templating import templates

router = APIRouter(tags=["reports"])

ScrubberDep = Annotated[Scrubber, Depends(get_scrubber)]
EXPORT_FORMAT_VERSION = "1"


class _Loaded:
    """A report of the user's organisation, with what its pages show beside it."""

    def __init__(self, db: Session, user: User, session_id: str) -> None:
        row = report_in_org(db, user, session_id)
        try:
            self.report = AssessmentReport.model_validate(row.report_json)
        except ValidationError:
            raise PageError(
                status.HTTP_409_CONFLICT,
                "the stored report does not match the report schema of this version",
                "Ce rapport a été enregistré dans un format que cette version de Tremplin ne sait pas lire. "
                "Prévenez l'administrateur ; rien n'a été modifié.",
            ) from None
        self.report_json = row.report_json
        self.session_id = session_id
        candidate = db.get(Candidate, session_in_org(db, user, session_id).candidate_id)
        self.pseudonym = None if candidate is None else candidate.pseudonym
        self.messages = list(
            db.exec(select(Message).where(Message.session_id == session_id).order_by(col(Message.seq))).all()
        )
        self.decisions = decisions_for_session(db, session_id)

    def view(self, db: Session) -> ReportView:
        return build_report_view(
            self.report,
            pseudonym=self.pseudonym,
            messages=self.messages,
            decisions=self.decisions,
            user_names=user_names(db, self.decisions),
        )


def user_names(db: Session, decisions: list[Decision]) -> dict[int, str]:
    """The names of the staff who decided, for the decision history (shown to their colleagues only)."""
    ids = {d.decided_by for d in decisions}
    if not ids:
        return {}
    rows = db.exec(select(User.id, User.full_name).where(col(User.id).in_(ids))).all()
    return {user_id: name for user_id, name in rows if user_id is not None}


def _page(
    request: Request,
    loaded: _Loaded,
    db: Session,
    user: User,
    csrf_token: str,
    *,
    form_error: str | None = None,
    form_target: str | None = None,
    form: dict[str, str] | None = None,
    status_code: int = status.HTTP_200_OK,
) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "review/report.html",
        {
            "view": loaded.view(db),
            "printable": False,
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


def print_html(view: ReportView, *, exported_at: datetime) -> str:
    """The standalone HTML of the printable report (no forms, styles inline): what the PDF is made from."""
    template = templates.env.get_template("review/report_print.html")
    return template.render(view=view, printable=True, exported_at=exported_at, version=__version__)


def _audit_export(audit: AuditDep, user: User, session_id: str, fmt: str, content: bytes) -> None:
    audit(
        "report.exported",
        {
            "format": fmt,
            "user_id": user.id,
            "sha256": hashlib.sha256(content).hexdigest(),
            "bytes": len(content),
        },
        session_id=session_id,
    )


def _attachment(session_id: str, pseudonym: str | None, extension: str) -> str:
    return f'attachment; filename="rapport-{pseudonym or session_id}.{extension}"'


# The export routes come first: "/reports/{session_id}" would otherwise take "x.pdf" as a session id.


@router.get("/reports/{session_id}.pdf", response_class=Response)
def report_pdf(session_id: str, user: ReferentUser, db: SessionDep, audit: AuditDep) -> Response:
    """The printable report as a PDF download."""
    loaded = _Loaded(db, user, session_id)
    pdf = render_pdf(print_html(loaded.view(db), exported_at=datetime.now(UTC)))
    _audit_export(audit, user, session_id, "pdf", pdf)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": _attachment(session_id, loaded.pseudonym, "pdf")},
    )


@router.get("/reports/{session_id}.json", response_class=Response)
def report_json(session_id: str, user: ReferentUser, db: SessionDep, audit: AuditDep) -> Response:
    """The stored report as it was produced, the decisions taken on it and the scrubbed transcript."""
    loaded = _Loaded(db, user, session_id)
    content: dict[str, Any] = {
        "export": {
            "format_version": EXPORT_FORMAT_VERSION,
            "exported_at": datetime.now(UTC).isoformat(),
            "exported_by": actor(user),
            "report_sha256": basis_sha256(loaded.report_json),
        },
        "candidate": loaded.pseudonym,
        "report": loaded.report_json,
        "decisions": [
            DecisionPublic.model_validate(d, from_attributes=True).model_dump(mode="json") for d in loaded.decisions
        ],
        "transcript": [
            {"seq": m.seq, "role": str(m.role), "content_scrubbed": m.content_scrubbed} for m in loaded.messages
        ],
    }
    body = json.dumps(content, ensure_ascii=False, indent=2).encode()
    _audit_export(audit, user, session_id, "json", body)
    return Response(
        body,
        media_type="application/json",
        headers={"Content-Disposition": _attachment(session_id, loaded.pseudonym, "json")},
    )


@router.get("/reports/{session_id}", response_class=HTMLResponse)
def report_page(
    session_id: str, request: Request, user: ReferentUser, login: CurrentLogin, db: SessionDep
) -> HTMLResponse:
    """The report a referent reads before deciding."""
    return _page(request, _Loaded(db, user, session_id), db, user, login.csrf_token)


@router.post("/reports/{session_id}/decisions", response_class=Response, dependencies=[CsrfChecked])
async def add_report_decision(
    session_id: str,
    request: Request,
    user: ReferentUser,
    login: CurrentLogin,
    db: SessionDep,
    audit: AuditDep,
    scrubber: ScrubberDep,
) -> Response:
    """Record the referent's decision on the recommendation or one criterion; a refused form comes back filled in."""
    loaded = _Loaded(db, user, session_id)
    form = {key: value for key, value in (await request.form()).items() if isinstance(value, str)}
    form.pop("csrf_token", None)
    try:
        decision_request = parse_decision_form(form, report_targets(loaded.report))
    except DecisionFormError as exc:
        return _page(
            request,
            loaded,
            db,
            user,
            login.csrf_token,
            form_error=str(exc),
            form_target=form.get("target") if form.get("target") in report_targets(loaded.report) else None,
            form=form,
            status_code=status.HTTP_400_BAD_REQUEST,
        )
    assert user.id is not None
    decision = record_decision(
        db,
        decision_request,
        user_id=user.id,
        basis=basis_sha256(loaded.report_json),
        audit=audit,
        scrubber=scrubber,
        session_id=session_id,
    )
    return RedirectResponse(f"/reports/{session_id}#decision-{decision.id}", status_code=status.HTTP_303_SEE_OTHER)
