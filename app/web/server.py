"""`tremplin serve`: check everything the service needs, then run it (one worker: Chainlit sessions are in-process)."""

from __future__ import annotations

import socket

import uvicorn

from app.db.engine import get_engine, require_database
from app.errors import ConfigError
from app.llm.local_model import verify_model
from app.pii.logging import install_log_scrubbing
from app.prompts import get_prompt_registry
from app.rubrics import get_rubrics
from app.settings import get_settings


def preflight(host: str, port: int) -> None:
    """Raise `ConfigError` on the first misconfiguration, before anything listens."""
    settings = get_settings()
    require_database(get_engine())
    if settings.llm_provider == "local":
        verify_model(settings.effective_local_model_path)
    get_prompt_registry()
    get_rubrics()
    _check_port_free(host, port)


def _check_port_free(host: str, port: int) -> None:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ConfigError(
                f"TREMPLIN_PORT: cannot listen on {host}:{port} ({exc.strerror}); "
                "stop the other server or choose another port with --port"
            ) from None


def serve(*, host: str | None, port: int | None) -> None:
    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    preflight(host, port)
    base = f"http://{host}:{port}"
    print(f"Tremplin is starting on {base} (model provider: {settings.llm_provider})")
    print(f"  candidate chat:  {base}/chat (opened by an invitation link: tremplin invite --rubric R --flows quiz)")
    if settings.env == "development":
        print(f"  demo candidate:  {base}/demo")
    print(f"  referent area:   {base}/")
    print(f"  health:          {base}/healthz")
    from app.web.main import create_app

    # Candidate text flows through this process: every log record is scrubbed from here on, uvicorn's included.
    install_log_scrubbing()
    uvicorn.run(create_app(), host=host, port=port, workers=1, log_level="info")
