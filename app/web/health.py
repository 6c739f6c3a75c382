"""`GET /healthz`: is the service usable, and exactly which versions are serving."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any, Literal

from fastapi import APIRouter, Response, status
from pydantic import BaseModel

from app import __version__
from app.db.engine import check_database, get_engine
from app.llm.factory import describe_model
from app.llm.local_model import model_status
from app.prompts import get_prompt_registry
from app.rubrics import get_rubrics
from app.runtime import gateway_loaded
from app.settings import get_settings

router = APIRouter()

_COMPONENTS = ("langgraph", "langchain", "chainlit", "mistralai", "presidio-analyzer", "sqlmodel", "llama-cpp-python")


class DatabaseHealth(BaseModel):
    ok: bool
    dialect: str
    revision: str | None
    head: str | None
    message: str


class ModelHealth(BaseModel):
    ok: bool
    provider: str
    model: str
    status: str


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    database: DatabaseHealth
    model: ModelHealth
    versions: dict[str, Any]


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def _model_health() -> ModelHealth:
    settings = get_settings()
    provider, model = describe_model(settings)
    if settings.llm_provider == "local":
        file_status = model_status(settings.effective_local_model_path)
        loaded = gateway_loaded()
        return ModelHealth(
            ok=loaded or file_status.ok,
            provider=provider,
            model=model,
            status="loaded" if loaded else file_status.detail,
        )
    if settings.llm_provider == "rules":
        return ModelHealth(ok=True, provider=provider, model=model, status="deterministic, no generative model")
    # Remote providers are not called from the health check: it must stay cheap and must not spend tokens.
    return ModelHealth(ok=True, provider=provider, model=model, status="configured (remote, not probed)")


@router.get("/healthz", response_model=Health)
def healthz(response: Response) -> Health:
    db = check_database(get_engine())
    model = _model_health()
    healthy = db.ok and model.ok
    if not healthy:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return Health(
        status="ok" if healthy else "degraded",
        database=DatabaseHealth(ok=db.ok, dialect=db.dialect, revision=db.revision, head=db.head, message=db.message),
        model=model,
        versions={
            "tremplin": __version__,
            "prompts": get_prompt_registry().versions(),
            "rubrics": {rubric_id: rubric.version for rubric_id, rubric in get_rubrics().items()},
            "components": {name: _package_version(name) for name in _COMPONENTS},
        },
    )
