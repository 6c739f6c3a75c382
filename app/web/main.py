"""The FastAPI application: referent area at /, health at /healthz, candidate chat (Chainlit) at /chat."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from app import __version__
from app.runtime import get_gateway
from app.settings import PROJECT_ROOT
from app.web import health, pages

logger = logging.getLogger(__name__)


@asynccontextmanager
async def _lifespan(_: FastAPI) -> AsyncIterator[None]:
    # Load the model once, off the event loop, so the first candidate does not wait for it.
    await asyncio.to_thread(get_gateway)
    logger.info("model gateway ready")
    yield


def create_app() -> FastAPI:
    # Chainlit reads .chainlit/config.toml and chainlit.md from its app root, decided when it is first imported.
    os.environ.setdefault("CHAINLIT_APP_ROOT", str(PROJECT_ROOT))
    from chainlit.utils import mount_chainlit

    app = FastAPI(title="Tremplin", version=__version__, lifespan=_lifespan)
    app.include_router(health.router)
    app.include_router(pages.router)
    mount_chainlit(app=app, target=str(Path(__file__).with_name("chat.py")), path=pages.CHAT_PATH)
    return app
