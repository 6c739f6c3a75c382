"""The FastAPI application: referent area at /, health at /healthz, candidate chat (Chainlit) at /chat."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from app import __version__, runtime
from app.settings import PROJECT_ROOT, get_settings
from app.web import admin, candidate_access, health, invitations, login, matching_api, oversight, pages, widget
from app.web import reports as report_pages
from app.web import shortlists as shortlist_pages
from app.web.errors import install_error_pages

logger = logging.getLogger(__name__)


@asynccontextmanager
async def _lifespan(_: FastAPI) -> AsyncIterator[None]:
    # Load the model and open the checkpointer once, off the event loop, so the first candidate does not wait.
    await asyncio.to_thread(runtime.get_gateway)
    await asyncio.to_thread(runtime.get_conversation)
    missing = await asyncio.to_thread(runtime.catch_up_reports)
    logger.info("model gateway and conversations ready; %d missing report(s) queued", missing)
    yield
    runtime.close()


def create_app() -> FastAPI:
    # Chainlit reads .chainlit/config.toml and chainlit.md from its app root, decided when it is first imported,
    # and signs its session tokens with CHAINLIT_AUTH_SECRET: derived here from our own secret.
    os.environ.setdefault("CHAINLIT_APP_ROOT", str(PROJECT_ROOT))
    secret = get_settings().secret_key.get_secret_value().encode()
    os.environ["CHAINLIT_AUTH_SECRET"] = hmac.new(secret, b"tremplin-chainlit-v1", hashlib.sha256).hexdigest()
    widget_origins = get_settings().widget_origins
    if widget_origins:
        # The widget on another site needs Chainlit's login cookie sent cross-site: SameSite=None (and Secure).
        os.environ["CHAINLIT_COOKIE_SAMESITE"] = "none"
    from chainlit.utils import mount_chainlit

    app = FastAPI(title="Tremplin", version=__version__, lifespan=_lifespan)
    app.include_router(health.router)
    app.include_router(pages.router)
    app.include_router(invitations.router)
    app.include_router(widget.router)  # before the Chainlit mount: its POST /chat/auth/jwt answers first
    app.middleware("http")(candidate_access.chat_gate)
    if widget_origins:
        # Outermost, so it also answers for Chainlit's routes and its socket (Chainlit's own list is in
        # .chainlit/config.toml); credentials, because the widget's login is a cookie.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=widget_origins,
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
        )
    app.include_router(login.router)
    app.include_router(admin.router)
    app.include_router(oversight.router)
    app.include_router(matching_api.router)  # referents only, scoped to their organisation (app.web.auth)
    app.include_router(report_pages.router)
    app.include_router(shortlist_pages.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).with_name("static")), name="static")
    install_error_pages(app)
    mount_chainlit(app=app, target=str(Path(__file__).with_name("chat.py")), path=pages.CHAT_PATH)
    return app
