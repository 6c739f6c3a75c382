"""Who may open the candidate chat, decided before Chainlit answers.

A candidate gets in with an invitation (the link's token, kept in a cookie, or handed to the widget) from the
browser the link is bound to (`app.browser_binding`). Every refusal is a French page or message and no data:
a visitor without an invitation never sees Chainlit's (English, password-oriented) login page.

Chainlit's copilot (the widget) would show a refused login as "Forbidden: <our sentence>", its English HTTP
reason first. So a refused widget login is answered with a login as a pseudo-user that has no session
(`refused_chat_user`): its chat only shows the French refusal (`app.web.chat`). That login counts for nothing else:
`GET /chat/user` answers 401 for it, so the full-page chat of a browser holding an invitation logs in again
(Chainlit's header login) rather than showing the refusal.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from fastapi import HTTPException, Request, Response, status
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates

from app.browser_binding import (
    BROWSER_COOKIE,
    BROWSER_COOKIE_MAX_AGE,
    OTHER_BROWSER,
    UNKNOWN_SESSION,
    browser_key_from,
    claim,
    new_browser_key,
)
from app.db.audit import DatabaseAuditSink
from app.db.engine import get_engine
from app.invitations import COOKIE, EXPIRED, InvalidInvitation, verify
from app.settings import get_settings
from app.web.pages import CHAT_PATH

if TYPE_CHECKING:
    import chainlit as cl

NO_INVITATION = InvalidInvitation(
    "no invitation",
    "Pour répondre aux questions, ouvrez le lien personnel que votre conseiller ou votre conseillère vous a "
    "envoyé (par e-mail ou par SMS). Vous n'avez pas ce lien, ou il ne marche pas ? "
    "Demandez-le à votre conseiller, à votre conseillère ou à l'organisme de formation.",
)
INVITATION_COOKIE_MAX_AGE = 30 * 24 * 3600  # outlives any link: the token's own expiry is checked on every use

# Chainlit's pages (its single-page app answers any other path under /chat with the same HTML).
_NOT_PAGES = (
    "/assets/",
    "/public/",
    "/copilot/",
    "/ws/",
    "/project/",
    "/auth/",
    "/user",
    "/logo",
    "/favicon",
    "/avatars/",
    "/health",
)

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


@dataclass(frozen=True, slots=True)
class Admission:
    session_id: str
    browser_key: str
    new_browser: bool  # the key was just made: the response must leave it in a cookie


def refusal_status_and_title(refused: InvalidInvitation) -> tuple[int, str]:
    if refused is NO_INVITATION:
        return status.HTTP_401_UNAUTHORIZED, "Il vous faut un lien d'invitation"
    if refused is OTHER_BROWSER:
        return status.HTTP_403_FORBIDDEN, "Lien déjà utilisé ailleurs"
    if refused is EXPIRED:
        return status.HTTP_410_GONE, "Lien expiré"
    if refused is UNKNOWN_SESSION:
        return status.HTTP_404_NOT_FOUND, "Lien non valide"
    return status.HTTP_400_BAD_REQUEST, "Lien non valide"


def refusal_page(request: Request, refused: InvalidInvitation) -> HTMLResponse:
    status_code, title = refusal_status_and_title(refused)
    return templates.TemplateResponse(
        request, "message.html", {"title": title, "message": refused.candidate_message}, status_code=status_code
    )


def admit(token: str | None, cookies: Mapping[str, str]) -> Admission:
    """The session this invitation token opens in this browser, or `InvalidInvitation`. Blocking (database)."""
    if not token:
        raise NO_INVITATION
    session_id = verify(token, get_settings())
    existing = browser_key_from(cookies)
    browser_key = existing or new_browser_key()
    engine = get_engine()
    claim(engine, session_id, browser_key, DatabaseAuditSink(engine))
    return Admission(session_id=session_id, browser_key=browser_key, new_browser=existing is None)


def cookie_policy() -> tuple[Literal["lax", "none"], bool]:
    """SameSite and Secure for the candidate's cookies: cross-site (None, Secure) when the widget is allowed on
    other sites, which then must reach Tremplin over HTTPS."""
    settings = get_settings()
    if settings.widget_origins:
        return "none", True
    return "lax", settings.env == "production"


def leave_cookies(response: Response, admission: Admission, *, token: str | None = None) -> None:
    """Store the browser key (if new) and, when given, the invitation token, as HttpOnly cookies."""
    samesite, secure = cookie_policy()
    if admission.new_browser:
        response.set_cookie(
            BROWSER_COOKIE,
            admission.browser_key,
            max_age=BROWSER_COOKIE_MAX_AGE,
            httponly=True,
            samesite=samesite,
            secure=secure,
            path="/",
        )
    if token is not None:
        response.set_cookie(
            COOKIE,
            token,
            max_age=INVITATION_COOKIE_MAX_AGE,
            httponly=True,
            samesite=samesite,
            secure=secure,
            path="/",
        )


def _is_chat_page(request: Request) -> bool:
    path = request.url.path
    if request.method != "GET" or not (path == CHAT_PATH or path.startswith(f"{CHAT_PATH}/")):
        return False
    inner = path[len(CHAT_PATH) :]
    return not any(inner.startswith(prefix) for prefix in _NOT_PAGES) and "." not in inner.rsplit("/", 1)[-1]


async def chat_gate(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """HTTP middleware: a chat page opens only with a usable invitation in a browser it is bound to; a refused
    widget login is no login for the page (Chainlit's `GET /chat/user`), only for the chat that explains why."""
    if request.method == "GET" and request.url.path == f"{CHAT_PATH}/user" and await _has_refused_login(request):
        return JSONResponse({"detail": "Pas de connexion au chat."}, status_code=status.HTTP_401_UNAUTHORIZED)
    if not _is_chat_page(request):
        return await call_next(request)
    try:
        admission = await asyncio.to_thread(admit, request.cookies.get(COOKIE), request.cookies)
    except InvalidInvitation as refused:
        return refusal_page(request, refused)
    response = await call_next(request)
    leave_cookies(response, admission)
    return response


def chat_user(session_id: str) -> cl.User:
    """The Chainlit identity of a candidate: their pseudonymous session id, nothing else."""
    import chainlit as cl  # imported late: Chainlit reads its configuration when first imported (see create_app)

    return cl.User(identifier=f"session-{session_id}", metadata={"session_id": session_id})


def refused_chat_user(refused: InvalidInvitation) -> cl.User:
    """The Chainlit identity of a refused widget login: no session id, only the French refusal its chat shows."""
    import chainlit as cl

    return cl.User(identifier=f"refused-{secrets.token_urlsafe(12)}", metadata={"refusal": refused.candidate_message})


def refusal_of(user: cl.User) -> str | None:
    """What the chat of a refused widget login says instead of anything else; None for a candidate."""
    refusal = user.metadata.get("refusal")
    return refusal if isinstance(refusal, str) else None


async def chat_login(request: Request) -> cl.User | None:
    """Who Chainlit's login cookie says this browser is (a candidate or a refused widget), if anyone."""
    from chainlit.auth import get_current_user, get_token_from_cookies

    token = get_token_from_cookies(dict(request.cookies))
    if token is None:
        return None
    try:
        user: cl.User = await get_current_user(token)
    except HTTPException:
        return None  # expired, or signed under another secret
    return user


async def _has_refused_login(request: Request) -> bool:
    login = await chat_login(request)
    return login is not None and refusal_of(login) is not None


def forget_chat_login(request: Request, response: Response) -> None:
    """Drop Chainlit's own login cookie, so the chat asks again who this is (a new invitation was opened)."""
    from chainlit.auth import clear_auth_cookie

    clear_auth_cookie(request, response)
