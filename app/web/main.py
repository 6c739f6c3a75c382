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

from app import __version__, runtime
from app.settings import PROJECT_ROOT, get_settings
from app.web import health, invitations, matching_api, pages

logger = logging.getLogger(__name__)


@asynccontextmanager
async def _lifespan(_: FastAPI) -> AsyncIterator[None]:
    # Load the model and open the checkpointer once, off the event loop, so the first candidate does not wait.
    await asyncio.to_thread(runtime.get_gateway)
    await asyncio.to_thread(runtime.get_conversation)
    logger.info("model gateway and conversations ready")
    yield
    runtime.close()


def create_app() -> FastAPI:
    # Chainlit reads .chainlit/config.toml and chainlit.md from its app root, decided when it is first imported,
    # and signs its session tokens with CHAINLIT_AUTH_SECRET: derived here from our own secret.
    os.environ.setdefault("CHAINLIT_APP_ROOT", str(PROJECT_ROOT))
    secret = get_settings().secret_key.get_secret_value().encode()
    os.environ["CHAINLIT_AUTH_SECRET"] = hmac.new(secret, b"tremplin-chainlit-v1", hashlib.sha256).hexdigest()
    from chainlit.utils import mount_chainlit

    app = FastAPI(title="Tremplin", version=__version__, lifespan=_lifespan)
    app.include_router(health.router)
    app.include_router(pages.router)
    app.include_router(invitations.router)
    if get_settings().env == "development":
        # The matching API has no authentication yet (the referent issue adds accounts and roles): it is only
        # served on a development instance, never in production.
        app.include_router(matching_api.router)
    mount_chainlit(app=app, target=str(Path(__file__).with_name("chat.py")), path=pages.CHAT_PATH)
    return app
