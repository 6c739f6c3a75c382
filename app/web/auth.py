"""Who is asking, and what they may see: the dependencies every staff route uses.

- `CurrentLogin` / `CurrentUser`: the logged-in staff member (any role). Without a live session, a page answers
  303 to /login and an `/api/` route 401 JSON.
- `ReferentUser`, `AdminUser`, `AuditorUser`: the same, restricted to one role (403 otherwise).
- `require_csrf`: unsafe methods must echo the session's CSRF token, as the form field `csrf_token` or the
  `X-CSRF-Token` header (403 otherwise).
- `session_in_org`, `offer_in_org`, ... and the `Scoped*` dependencies: an object of the user's own organisation,
  or 404, whether it does not exist or belongs to another one, so ids cannot be probed.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.accounts.sessions import Login, resolve_session
from app.audit import AuditSink
from app.db.audit import DatabaseAuditSink
from app.db.models import AssessmentSession, Candidate, Report, Shortlist, TrainingOffer, User, UserRole
from app.db.session import SessionDep
from app.settings import get_settings

SESSION_COOKIE = "tremplin_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
API_PREFIX = "/api/"


class NotAuthenticated(Exception):
    """No live login session: pages redirect to the login page, the API answers 401."""


class PageError(HTTPException):
    """An HTTP error with a French message for the pages; the API answers `detail` (English) as usual."""

    def __init__(self, status_code: int, detail: str, message_fr: str) -> None:
        super().__init__(status_code, detail=detail)
        self.message_fr = message_fr


def current_login(request: Request, db: SessionDep) -> Login:
    token = request.cookies.get(SESSION_COOKIE)
    login = resolve_session(db, token, get_settings()) if token else None
    if login is None:
        raise NotAuthenticated
    return login


CurrentLogin = Annotated[Login, Depends(current_login)]


def current_user(login: CurrentLogin) -> User:
    return login.user


CurrentUser = Annotated[User, Depends(current_user)]


def require_role(role: UserRole) -> Callable[[User], User]:
    def guard(user: CurrentUser) -> User:
        if user.role != role:
            raise PageError(
                status.HTTP_403_FORBIDDEN,
                f"this requires the {role.value} role",
                "Votre compte n'a pas accès à cette page.",
            )
        return user

    return guard


require_referent = require_role(UserRole.REFERENT)
require_admin = require_role(UserRole.ADMIN)
require_auditor = require_role(UserRole.AUDITOR)
ReferentUser = Annotated[User, Depends(require_referent)]
AdminUser = Annotated[User, Depends(require_admin)]
AuditorUser = Annotated[User, Depends(require_auditor)]

CSRF_REFUSED = PageError(
    status.HTTP_403_FORBIDDEN,
    f"CSRF token missing or wrong: send the session's token as the {CSRF_HEADER} header or the {CSRF_FIELD} field",
    "La demande n'a pas été acceptée (jeton de sécurité manquant ou périmé). Rechargez la page et recommencez.",
)


async def require_csrf(request: Request, login: CurrentLogin) -> None:
    """Refuse an unsafe request that does not carry this session's CSRF token."""
    if request.method in SAFE_METHODS:
        return
    sent: object = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = (await request.form()).get(CSRF_FIELD)  # Starlette caches the form: the route still reads it
    if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), login.csrf_token.encode()):
        raise CSRF_REFUSED


CsrfChecked = Depends(require_csrf)


def audit_sink(db: SessionDep, user: CurrentUser) -> AuditSink:
    """The audit log, with the current user as the actor of every event."""
    engine = db.get_bind()
    assert isinstance(engine, Engine)  # request sessions are opened on the engine (app.db.session)
    return DatabaseAuditSink(engine, actor=actor(user))


AuditDep = Annotated[AuditSink, Depends(audit_sink)]


def actor(user: User) -> str:
    """How the audit log names a staff member: by id, never by name or email."""
    return f"user:{user.id}"


def not_found(kind: str) -> PageError:
    return PageError(
        status.HTTP_404_NOT_FOUND, f"{kind} not found", "Cette page n'existe pas ou ne vous est pas accessible."
    )


# Org-scoped loaders: the object if it belongs to the user's organisation, else 404 (never 403).


def candidate_in_org(db: Session, user: User, candidate_id: str) -> Candidate:
    candidate = db.get(Candidate, candidate_id)
    if candidate is None or candidate.organisation_id != user.organisation_id:
        raise not_found("candidate")
    return candidate


def session_in_org(db: Session, user: User, session_id: str) -> AssessmentSession:
    found = db.exec(
        select(AssessmentSession)
        .join(Candidate, col(Candidate.id) == AssessmentSession.candidate_id)
        .where(AssessmentSession.id == session_id, Candidate.organisation_id == user.organisation_id)
    ).first()
    if found is None:
        raise not_found("session")
    return found


def report_in_org(db: Session, user: User, session_id: str) -> Report:
    """The report of a session (reports are addressed by their session id)."""
    session_in_org(db, user, session_id)
    report = db.exec(select(Report).where(Report.session_id == session_id)).first()
    if report is None:
        raise not_found("report")
    return report


def offer_in_org(db: Session, user: User, offer_id: int) -> TrainingOffer:
    offer = db.get(TrainingOffer, offer_id)
    if offer is None or offer.organisation_id != user.organisation_id:
        raise not_found("offer")
    return offer


def shortlist_in_org(db: Session, user: User, shortlist_id: int) -> Shortlist:
    shortlist = db.get(Shortlist, shortlist_id)
    if shortlist is None:
        raise not_found("shortlist")
    offer_in_org(db, user, shortlist.offer_id)
    return shortlist


def _scoped_session(session_id: str, user: ReferentUser, db: SessionDep) -> AssessmentSession:
    return session_in_org(db, user, session_id)


def _scoped_offer(offer_id: int, user: ReferentUser, db: SessionDep) -> TrainingOffer:
    return offer_in_org(db, user, offer_id)


def _scoped_candidate(candidate_id: str, user: ReferentUser, db: SessionDep) -> Candidate:
    return candidate_in_org(db, user, candidate_id)


def _scoped_shortlist(shortlist_id: int, user: ReferentUser, db: SessionDep) -> Shortlist:
    return shortlist_in_org(db, user, shortlist_id)


# For routes with a `{session_id}`, `{offer_id}`, `{candidate_id}` or `{shortlist_id}` path parameter.
ScopedSession = Annotated[AssessmentSession, Depends(_scoped_session)]
ScopedOffer = Annotated[TrainingOffer, Depends(_scoped_offer)]
ScopedCandidate = Annotated[Candidate, Depends(_scoped_candidate)]
ScopedShortlist = Annotated[Shortlist, Depends(_scoped_shortlist)]
