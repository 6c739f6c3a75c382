"""Opening an invitation link: check it, leave its signed cookie for the chat, and go to the chat."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlmodel import Session, select

from app.db.engine import get_engine
from app.db.models import Flow, Organisation
from app.db.seed import DEMO_ORGANISATION
from app.invitations import InvalidInvitation, Invitation, create_invitation
from app.rubrics import get_rubrics
from app.settings import get_settings
from app.web.candidate_access import admit, forget_chat_login, leave_cookies, refusal_page
from app.web.pages import CHAT_PATH

DEMO_RUBRIC = "aide-soignant"

router = APIRouter()
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def _message(request: Request, title: str, message: str, status_code: int) -> HTMLResponse:
    return templates.TemplateResponse(
        request, "message.html", {"title": title, "message": message}, status_code=status_code
    )


@router.get("/invitation/{token}")
def open_invitation(request: Request, token: str) -> Response:
    """Check the link, bind it to this browser if it is the first to open it, and leave its cookies."""
    try:
        admission = admit(token, request.cookies)
    except InvalidInvitation as refused:
        return refusal_page(request, refused)
    response = RedirectResponse(f"{CHAT_PATH}/", status_code=status.HTTP_303_SEE_OTHER)
    forget_chat_login(request, response)
    leave_cookies(response, admission, token=token)
    return response


@router.get("/demo")
def demo_invitation(request: Request) -> Response:
    """Development only: a fresh demo candidate, straight into the chat."""
    invitation = new_demo_invitation(request)
    if not isinstance(invitation, Invitation):
        return invitation
    return RedirectResponse(invitation.path, status_code=status.HTTP_303_SEE_OTHER)


def new_demo_invitation(request: Request) -> Invitation | HTMLResponse:
    """A fresh demo candidate's invitation on a development instance; otherwise the French page saying why not."""
    settings = get_settings()
    if settings.env != "development":
        return _message(request, "Page introuvable", "Cette page n'existe pas.", status.HTTP_404_NOT_FOUND)
    engine = get_engine()
    with Session(engine) as db:
        organisation = db.exec(select(Organisation).where(Organisation.name == DEMO_ORGANISATION)).first()
    if organisation is None or organisation.id is None:
        return _message(
            request,
            "Démonstration indisponible",
            "Les données de démonstration n'existent pas encore : lancez « tremplin seed-demo ».",
            status.HTTP_404_NOT_FOUND,
        )
    return create_invitation(
        engine, settings, organisation_id=organisation.id, rubric=get_rubrics()[DEMO_RUBRIC], flows=[Flow.QUIZ]
    )
