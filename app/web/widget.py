"""The chat as a widget on a training centre's own site (Chainlit's copilot script), and its demo page.

The centre pastes two lines (README, "Chat widget"); the adviser sends the candidate the centre's page address
followed by `#invitation=<token>`. The fragment never reaches the centre's server. Chainlit's copilot hands that
token to `POST /chat/auth/jwt` as its access token: this route, which answers before Chainlit's own, checks the
invitation and its browser binding exactly like the link does, then logs the widget in as that candidate (or, when
refused, as a pseudo-user whose chat only explains why, in French: `candidate_access.refused_chat_user`).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.security.utils import get_authorization_scheme_param
from fastapi.templating import Jinja2Templates

from app.invitations import InvalidInvitation, Invitation
from app.settings import get_settings
from app.web.candidate_access import (
    admit,
    chat_login,
    chat_user,
    forget_chat_login,
    leave_cookies,
    refusal_of,
    refused_chat_user,
)
from app.web.invitations import new_demo_invitation
from app.web.pages import CHAT_PATH

WIDGET_DEMO_PATH = "/widget-demo"
# What the pasted lines send when the page's address has no invitation (an empty token would not be sent).
NO_TOKEN = "-"  # noqa: S105 (a placeholder, not a secret)

router = APIRouter()
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def widget_snippet(base_url: str) -> str:
    """The two lines a training centre pastes at the end of its page's <body>; the stylesheet is the full-page
    chat's (public/tremplin.css), which also hides what the copilot shows only in English."""
    server = f"{base_url.rstrip('/')}{CHAT_PATH}"
    return (
        f'<script src="{server}/copilot/index.js"></script>\n'
        f'<script>mountChainlitWidget({{chainlitServer: "{server}", language: "fr-FR", '
        f'customCssUrl: "{server}/public/tremplin.css", '
        f'accessToken: location.hash.split("invitation=")[1] || "{NO_TOKEN}"}});</script>'
    )


@router.post(f"{CHAT_PATH}/auth/jwt")
async def widget_login(request: Request) -> Response:
    """Chainlit's copilot sends the invitation token as a bearer token; answer like Chainlit's login does.

    A refused token logs the widget in too, as a pseudo-user with no session whose chat only shows the French
    refusal: the copilot would show a failed login behind its English HTTP reason ("Forbidden: ..."). Without a
    token (another page of the centre's site), a candidate already logged in in this browser stays so; a token that
    is refused always replaces the login (a shared computer: the next person never sees the previous chat)."""
    scheme, token = get_authorization_scheme_param(request.headers.get("authorization"))
    usable = token if scheme.lower() == "bearer" and token != NO_TOKEN else None
    from chainlit.auth import create_jwt, set_auth_cookie

    response = JSONResponse({"success": True})
    try:
        admission = await asyncio.to_thread(admit, usable, request.cookies)
    except InvalidInvitation as refused:
        login = await chat_login(request) if usable is None else None
        if login is None or refusal_of(login) is not None:
            set_auth_cookie(request, response, create_jwt(refused_chat_user(refused)))
        return response
    set_auth_cookie(request, response, create_jwt(chat_user(admission.session_id)))
    leave_cookies(response, admission)
    return response


@router.get(WIDGET_DEMO_PATH)
def widget_demo(request: Request) -> Response:
    """A page standing for a training centre's site, with the two lines pasted at its end."""
    base_url = str(request.base_url)
    response = templates.TemplateResponse(
        request,
        "widget_demo.html",
        {
            "snippet": widget_snippet(base_url),
            "example_link": "https://www.votre-centre.fr/candidature#invitation=…",
            "demo": get_settings().env == "development",
        },
    )
    forget_chat_login(request, response)  # the widget logs in again with the token of this page's address
    return response


@router.get(f"{WIDGET_DEMO_PATH}/new")
def widget_demo_candidate(request: Request) -> Response:
    """Development only: the demo page opened with a fresh demo candidate's invitation."""
    invitation = new_demo_invitation(request)
    if not isinstance(invitation, Invitation):
        return invitation
    return RedirectResponse(f"{WIDGET_DEMO_PATH}#invitation={invitation.token}", status_code=status.HTTP_303_SEE_OTHER)
