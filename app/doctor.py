"""`tremplin doctor`: every check at once, so one run shows everything that is misconfigured."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import ValidationError

from app.errors import ConfigError
from app.settings import PROJECT_ROOT, Settings, validation_messages


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str


def _check(name: str, probe: Callable[[], str]) -> Check:
    try:
        return Check(name, True, probe())
    except ConfigError as exc:
        return Check(name, False, str(exc))


def _database(settings: Settings) -> str:
    from app.db.engine import make_engine, require_database

    status = require_database(make_engine(settings.effective_database_url))
    return f"{status.dialect}, schema at {status.revision} (latest)"


def _model(settings: Settings) -> str:
    from app.llm.factory import describe_model
    from app.llm.local_model import verify_model

    provider, model = describe_model(settings)
    if settings.llm_provider == "local":
        verify_model(settings.effective_local_model_path)
        return f"{provider}: {model}, file {settings.effective_local_model_path} verified (sha256)"
    if settings.llm_provider == "mistral":
        return f"{provider}: {model} at {settings.mistral_endpoint} (key set; not called)"
    if settings.llm_provider == "openai_compatible":
        return f"{provider}: {model} at {settings.openai_base_url} (not called)"
    return f"{provider}: deterministic rules, no generative model"


def _prompts() -> str:
    from app.prompts import get_prompt_registry

    versions = get_prompt_registry().versions()
    return f"{len(versions)} prompt(s): " + ", ".join(f"{name} {'/'.join(v)}" for name, v in sorted(versions.items()))


def _rubrics() -> str:
    from app.rubrics import get_rubrics

    rubrics = get_rubrics()
    return f"{len(rubrics)} rubric(s): " + ", ".join(f"{r.id} {r.version}" for r in rubrics.values())


def _embeddings() -> str:
    from app.embeddings import get_embedder

    return f"multilingual sentence encoder loaded ({get_embedder().dimension} dimensions)"


def _chat() -> str:
    for relative in (".chainlit/config.toml", "chainlit.md"):
        if not (PROJECT_ROOT / relative).is_file():
            raise ConfigError(f"{relative}: missing from {PROJECT_ROOT}")
    return "Chainlit config and welcome page present"


def _scrubber() -> str:
    from app.pii import get_scrubber

    return get_scrubber().name


def run_checks() -> list[Check]:
    try:
        settings = Settings()
    except ValidationError as exc:
        return [Check("settings", False, line) for line in validation_messages(exc)]
    problems = settings.problems()
    checks = [Check("settings", False, problem) for problem in problems] or [
        Check("settings", True, f"env={settings.env}, provider={settings.llm_provider}, data in {settings.data_dir}")
    ]
    checks += [
        _check("database", lambda: _database(settings)),
        _check("model", lambda: _model(settings)),
        _check("prompts", _prompts),
        _check("rubrics", _rubrics),
        _check("embeddings", _embeddings),
        _check("chat", _chat),
        _check("pii scrubber", _scrubber),
    ]
    return checks
