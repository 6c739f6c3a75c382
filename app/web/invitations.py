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
from app.invitations import COOKIE, EXPIRED, InvalidInvitation, create_invitation, verify
from app.rubrics import get_rubrics
from app.settings import get_settings
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
    settings = get_settings()
    try:
        verify(token, settings)
    except InvalidInvitation as invalid:
        code = status.HTTP_410_GONE if invalid is EXPIRED else status.HTTP_400_BAD_REQUEST
        return _message(request, "Lien non valide", invalid.candidate_message, code)
    response = RedirectResponse(f"{CHAT_PATH}/", status_code=status.HTTP_303_SEE_OTHER)
    response.set_cookie(COOKIE, token, httponly=True, samesite="lax", secure=settings.env == "production", path="/")
    return response


@router.get("/demo")
def demo_invitation(request: Request) -> Response:
    """Development only: a fresh demo candidate, straight into the chat."""
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
    invitation = create_invitation(
        engine, settings, organisation_id=organisation.id, rubric=get_rubrics()[DEMO_RUBRIC], flows=[Flow.QUIZ]
    )
    return RedirectResponse(invitation.path, status_code=status.HTTP_303_SEE_OTHER)
