"""How errors look: French pages for people, JSON with a useful `detail` for the `/api/` routes."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request, status
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.web.auth import API_PREFIX, NotAuthenticated, PageError
from app.web.templating import templates

_FRENCH = {
    status.HTTP_400_BAD_REQUEST: ("Demande non valide", "La demande n'a pas pu être traitée."),
    status.HTTP_403_FORBIDDEN: ("Accès refusé", "Votre compte n'a pas accès à cette page."),
    status.HTTP_404_NOT_FOUND: ("Page introuvable", "Cette page n'existe pas ou ne vous est pas accessible."),
    status.HTTP_405_METHOD_NOT_ALLOWED: ("Action impossible", "Cette action n'est pas possible sur cette page."),
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def message_page(request: Request, title: str, message: str, status_code: int) -> Response:
    return templates.TemplateResponse(
        request, "message.html", {"title": title, "message": message}, status_code=status_code
    )


async def _not_authenticated(request: Request, _: Exception) -> Response:
    if _is_api(request):
        return JSONResponse(
            {"detail": "not authenticated: log in at /login, then send the session cookie"},
            status_code=status.HTTP_401_UNAUTHORIZED,
        )
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=status.HTTP_303_SEE_OTHER)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if _is_api(request):
        return await http_exception_handler(request, exc)
    title, message = _FRENCH.get(exc.status_code, ("Erreur", "La demande n'a pas abouti."))
    if isinstance(exc, PageError):
        message = exc.message_fr
    return message_page(request, title, message, exc.status_code)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if _is_api(request):
        return await request_validation_exception_handler(request, exc)
    if all(error["loc"][:1] == ("path",) for error in exc.errors()):
        # A page address with a malformed id: nothing there, as for an unknown id.
        title, message = _FRENCH[status.HTTP_404_NOT_FOUND]
        return message_page(request, title, message, status.HTTP_404_NOT_FOUND)
    return message_page(
        request,
        "Demande non valide",
        "Certaines informations envoyées ne sont pas valides. Revenez à la page précédente et vérifiez-les.",
        status.HTTP_400_BAD_REQUEST,
    )


def install_error_pages(app: FastAPI) -> None:
    app.add_exception_handler(NotAuthenticated, _not_authenticated)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
