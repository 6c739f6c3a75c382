"""Staff login and logout pages.

The login form is protected against login CSRF by a double-submit token: a random value set as a cookie on the
login page and echoed by the form. A successful login opens a server-side session (a fresh token every time)
in an HttpOnly, SameSite=Lax cookie, Secure in production.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Engine

from app.accounts.login import Outcome, authenticate
from app.accounts.sessions import close_session, open_session
from app.db.audit import DatabaseAuditSink
from app.db.models import User, UserRole
from app.db.session import SessionDep
from app.settings import get_settings
from app.web.auth import (
    CSRF_FIELD,
    SESSION_COOKIE,
    AuditDep,
    CsrfChecked,
    CurrentLogin,
    NotAuthenticated,
    current_login,
)
from app.web.templating import templates

LOGIN_CSRF_COOKIE = "tremplin_login_csrf"
_MAX_PASSWORD = 1024

router = APIRouter()

_MESSAGES = {
    Outcome.BAD_CREDENTIALS: "Adresse e-mail ou mot de passe incorrect.",
    Outcome.LOCKED: "Trop d'essais pour ce compte : il est bloqué pendant {minutes} minutes. Réessayez plus tard.",
    Outcome.RATE_LIMITED: "Trop d'essais depuis cet appareil : réessayez dans {minutes} minutes.",
}
_STATUS = {
    Outcome.BAD_CREDENTIALS: status.HTTP_401_UNAUTHORIZED,
    Outcome.LOCKED: status.HTTP_429_TOO_MANY_REQUESTS,
    Outcome.RATE_LIMITED: status.HTTP_429_TOO_MANY_REQUESTS,
}


def landing_page(user: User) -> str:
    """Where each role starts: referents on their candidates, admins on accounts, auditors on the audit log."""
    return {UserRole.REFERENT: "/", UserRole.ADMIN: "/admin/accounts", UserRole.AUDITOR: "/audit"}[user.role]


def _safe_next(target: str | None) -> str | None:
    """Only a path of this site (no scheme, no host, no `//` or `\\` tricks) is followed after login."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")) or "\\" in target:
        return None
    return target


def _login_form(
    request: Request, *, next_url: str | None, email: str = "", error: str | None = None, status_code: int = 200
) -> Response:
    token = secrets.token_urlsafe(32)
    response = templates.TemplateResponse(
        request,
        "login.html",
        {
            "csrf_token": token,
            "next": _safe_next(next_url) or "",
            "email": email,
            "error": error,
            "demo": get_settings().env == "development",
        },
        status_code=status_code,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=get_settings().env == "production",
        path="/login",
        max_age=3600,
    )
    return response


@router.get("/login", include_in_schema=False)
def login_page(request: Request, db: SessionDep, next: str | None = None) -> Response:
    try:
        login = current_login(request, db)
    except NotAuthenticated:
        return _login_form(request, next_url=next)
    return RedirectResponse(_safe_next(next) or landing_page(login.user), status_code=status.HTTP_303_SEE_OTHER)


@router.post("/login", include_in_schema=False)
def login_submit(
    request: Request,
    db: SessionDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    settings = get_settings()
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), csrf_token.encode()):
        return _login_form(
            request,
            next_url=next,
            email=email,
            error="La page de connexion a expiré. Saisissez à nouveau votre mot de passe.",
            status_code=status.HTTP_403_FORBIDDEN,
        )
    email = email[:254]
    if len(password) > _MAX_PASSWORD:
        return _login_form(
            request,
            next_url=next,
            email=email,
            error="Ce mot de passe est trop long : vérifiez ce que vous avez collé.",
            status_code=status.HTTP_400_BAD_REQUEST,
        )
    if not email.strip() or not password:
        return _login_form(
            request,
            next_url=next,
            email=email,
            error="Saisissez votre adresse e-mail et votre mot de passe.",
            status_code=status.HTTP_400_BAD_REQUEST,
        )
    engine = db.get_bind()
    assert isinstance(engine, Engine)
    result = authenticate(
        db,
        email,
        password,
        client=request.client.host if request.client else "unknown",
        settings=settings,
        audit=DatabaseAuditSink(engine),
    )
    if result.outcome is not Outcome.OK or result.user is None:
        message = _MESSAGES[result.outcome].format(minutes=settings.login_lockout_minutes)
        return _login_form(request, next_url=next, email=email, error=message, status_code=_STATUS[result.outcome])
    login = open_session(db, result.user, settings)
    response = RedirectResponse(_safe_next(next) or landing_page(result.user), status_code=status.HTTP_303_SEE_OTHER)
    assert login.token is not None
    response.set_cookie(
        SESSION_COOKIE,
        login.token,
        httponly=True,
        samesite="lax",
        secure=settings.env == "production",
        path="/",
        max_age=int(settings.session_hours * 3600),
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout", include_in_schema=False, dependencies=[CsrfChecked])
def logout(login: CurrentLogin, db: SessionDep, audit: AuditDep) -> Response:
    close_session(db, login.session_id)
    audit("logout", {"user_id": login.user.id})
    response = RedirectResponse("/login", status_code=status.HTTP_303_SEE_OTHER)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
