"""Server-rendered pages of the referent area."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from app import __version__
from app.llm.factory import describe_model
from app.settings import get_settings

CHAT_PATH = "/chat"

router = APIRouter()
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """Honest placeholder until the referent area lands: says what is not there yet and what works."""
    settings = get_settings()
    provider, model = describe_model(settings)
    return templates.TemplateResponse(
        request,
        "home.html",
        {"demo": settings.env == "development", "provider": provider, "model": model, "version": __version__},
    )
