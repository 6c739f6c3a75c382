"""The one configuration object of Tremplin.

Built lazily by `get_settings()` (never at import time) from `TREMPLIN_*` environment variables and an optional
`.env` file. Every misconfiguration surfaces as a `ConfigError` naming the setting, which the CLI prints on one
line and turns into exit code 2.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent

LLMProvider = Literal["local", "mistral", "openai_compatible", "rules"]

# Values that must never reach production: the shipped development defaults and obvious placeholders.
_PLACEHOLDER_SECRETS = {"", "change-me", "changeme", "dev-secret-change-me", "secret", "xxx", "todo"}
DEV_SECRET_KEY = "dev-secret-change-me"  # noqa: S105 (development only; refused in production)


# scheme://host[:port] and nothing else, as browsers send it in the Origin header.
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")


def _is_placeholder(secret: str) -> bool:
    return secret.strip().lower() in _PLACEHOLDER_SECRETS


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TREMPLIN_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    env: Literal["development", "production"] = "development"
    data_dir: Path = Field(default=PROJECT_ROOT / "var", description="Database, model file and runtime data.")
    database_url: str = Field(default="", description="SQLAlchemy URL; empty means SQLite in data_dir.")
    secret_key: SecretStr = SecretStr(DEV_SECRET_KEY)
    pii_vault_key: SecretStr = Field(
        default=SecretStr(DEV_SECRET_KEY), description="Encrypts the per-session pseudonym vault."
    )
    prompts_dir: Path = PROJECT_ROOT / "prompts"
    rubrics_dir: Path = PROJECT_ROOT / "rubrics"

    session_hours: float = Field(default=10.0, gt=0, le=24 * 7, description="Lifetime of a staff login session.")
    session_idle_minutes: int = Field(default=60, ge=1, le=24 * 60, description="Logout after this long idle.")
    login_max_failures: int = Field(default=5, ge=1, le=100, description="Wrong passwords in a row before lockout.")
    login_lockout_minutes: int = Field(default=15, ge=1, le=24 * 60)
    login_client_max_failures: int = Field(
        default=30, ge=1, le=10_000, description="Failed logins from one address per lockout period."
    )

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    widget_origins: list[str] = Field(
        default_factory=list, description="Sites allowed to embed the candidate chat widget (JSON list of origins)."
    )

    llm_provider: LLMProvider = "local"
    llm_timeout_s: float = Field(default=60.0, gt=0)
    llm_max_retries: int = Field(default=3, ge=0, le=10)
    llm_backoff_s: float = Field(default=1.0, ge=0)
    llm_max_backoff_s: float = Field(default=30.0, ge=0)
    llm_repair_retries: int = Field(default=1, ge=0, le=3)

    mistral_api_key: SecretStr = SecretStr("")
    mistral_endpoint: str = "https://api.mistral.ai"
    mistral_model: str = "mistral-small-latest"

    openai_base_url: str = ""
    openai_api_key: SecretStr = SecretStr("not-needed")
    openai_model: str = ""

    local_model_path: Path | None = Field(default=None, description="Defaults to data_dir/models/<file>.")
    local_threads: int = Field(default=2, ge=1, le=64)
    local_context: int = Field(default=2048, ge=512, le=32768)
    local_max_tokens: int = Field(default=512, ge=16, le=4096)

    retention_days_transcripts: int = Field(
        default=180, ge=1, le=3650, description="Days after a session's last activity before its transcript goes."
    )
    retention_days_reports: int = Field(
        default=730, ge=1, le=3650, description="Days after a report before its quotes and free text go."
    )

    def problems(self) -> list[str]:
        """Semantic misconfigurations, one line each naming the setting. Empty when the settings are usable."""
        found: list[str] = []
        if self.llm_provider == "mistral" and not self.mistral_api_key.get_secret_value().strip():
            found.append(
                "TREMPLIN_MISTRAL_API_KEY: empty but TREMPLIN_LLM_PROVIDER=mistral "
                "(for a self-hosted server without auth, any non-empty value works)"
            )
        if self.llm_provider == "openai_compatible":
            if not self.openai_base_url:
                found.append("TREMPLIN_OPENAI_BASE_URL: required when TREMPLIN_LLM_PROVIDER=openai_compatible")
            if not self.openai_model:
                found.append("TREMPLIN_OPENAI_MODEL: required when TREMPLIN_LLM_PROVIDER=openai_compatible")
        for origin in self.widget_origins:
            if not _ORIGIN.fullmatch(origin):
                found.append(f"TREMPLIN_WIDGET_ORIGINS: {origin!r} is not an origin like https://www.centre.fr")
            elif self.env == "production" and not origin.startswith("https://"):
                found.append(f"TREMPLIN_WIDGET_ORIGINS: {origin!r} must use https in production")
        if self.env == "production":
            secret = self.secret_key.get_secret_value()
            if _is_placeholder(secret) or len(secret) < 32:
                found.append("TREMPLIN_SECRET_KEY: a placeholder or shorter than 32 characters, refused in production")
            vault_key = self.pii_vault_key.get_secret_value()
            if _is_placeholder(vault_key) or len(vault_key) < 32:
                found.append(
                    "TREMPLIN_PII_VAULT_KEY: a placeholder or shorter than 32 characters, refused in production"
                )
            if self.llm_provider == "mistral" and _is_placeholder(self.mistral_api_key.get_secret_value()):
                found.append("TREMPLIN_MISTRAL_API_KEY: a placeholder, refused in production")
        return found

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'tremplin.db'}"

    @property
    def effective_local_model_path(self) -> Path:
        from app.llm.local_model import MODEL_FILENAME

        return self.local_model_path or self.data_dir / "models" / MODEL_FILENAME

    @property
    def checkpoint_path(self) -> Path:
        return self.data_dir / "checkpoints.sqlite"


def validation_messages(exc: ValidationError) -> list[str]:
    """One line per invalid setting, named as the environment variable that sets it."""
    lines = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"])
        name = f"TREMPLIN_{field.upper()}" if field else "settings"
        lines.append(f"{name}: {error['msg']} (got {error.get('input')!r})")
    return lines


def load_settings(**overrides: object) -> Settings:
    """Build settings and refuse unusable ones with a one-line `ConfigError`."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ConfigError(validation_messages(exc)[0]) from None
    problems = settings.problems()
    if problems:
        raise ConfigError(problems[0])
    return settings


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
