import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.errors import ConfigError
from app.settings import PROJECT_ROOT, Settings, get_settings, load_settings

STRONG_SECRET = "k" * 40


def test_defaults_are_a_working_laptop_setup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TREMPLIN_LLM_PROVIDER")
    settings = load_settings()
    assert settings.env == "development"
    assert settings.llm_provider == "local"
    assert settings.effective_database_url.startswith("sqlite:///")
    assert settings.effective_database_url.endswith("tremplin.db")
    assert settings.problems() == []


def test_reads_prefixed_environment_and_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("TREMPLIN_PORT=9123\nTREMPLIN_MISTRAL_MODEL=mistral-large-latest\n")
    monkeypatch.setenv("TREMPLIN_PORT", "9001")  # the environment wins over .env
    settings = load_settings()
    assert settings.port == 9001
    assert settings.mistral_model == "mistral-large-latest"


def test_secrets_never_show_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TREMPLIN_MISTRAL_API_KEY", "sk-very-secret-value")
    settings = load_settings()
    assert "sk-very-secret-value" not in repr(settings)
    assert settings.mistral_api_key.get_secret_value() == "sk-very-secret-value"


def test_importing_the_service_builds_no_settings() -> None:
    # With an invalid setting in the environment, importing must still work: settings are built on first use.
    code = (
        "import app.cli, app.web.main, app.runtime, app.doctor, app.settings;"
        "assert app.settings.get_settings.cache_info().currsize == 0"
    )
    env = {**os.environ, "TREMPLIN_PORT": "not-a-port"}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=PROJECT_ROOT)


def test_settings_are_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TREMPLIN_PORT", "8123")
    first = get_settings()
    monkeypatch.setenv("TREMPLIN_PORT", "8124")
    assert get_settings() is first
    assert first.port == 8123


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"TREMPLIN_PORT": "not-a-port"}, "TREMPLIN_PORT"),
        ({"TREMPLIN_PORT": "70000"}, "TREMPLIN_PORT"),
        ({"TREMPLIN_LLM_PROVIDER": "gpt"}, "TREMPLIN_LLM_PROVIDER"),
        ({"TREMPLIN_ENV": "staging"}, "TREMPLIN_ENV"),
        ({"TREMPLIN_LLM_PROVIDER": "mistral"}, "TREMPLIN_MISTRAL_API_KEY"),
        ({"TREMPLIN_LLM_PROVIDER": "mistral", "TREMPLIN_MISTRAL_API_KEY": "  "}, "TREMPLIN_MISTRAL_API_KEY"),
        ({"TREMPLIN_LLM_PROVIDER": "openai_compatible", "TREMPLIN_OPENAI_MODEL": "m"}, "TREMPLIN_OPENAI_BASE_URL"),
        ({"TREMPLIN_ENV": "production"}, "TREMPLIN_SECRET_KEY"),
        ({"TREMPLIN_ENV": "production", "TREMPLIN_SECRET_KEY": "change-me"}, "TREMPLIN_SECRET_KEY"),
        ({"TREMPLIN_ENV": "production", "TREMPLIN_SECRET_KEY": "short-but-random"}, "TREMPLIN_SECRET_KEY"),
        ({"TREMPLIN_ENV": "production", "TREMPLIN_SECRET_KEY": STRONG_SECRET}, "TREMPLIN_PII_VAULT_KEY"),
        (
            {
                "TREMPLIN_ENV": "production",
                "TREMPLIN_SECRET_KEY": STRONG_SECRET,
                "TREMPLIN_PII_VAULT_KEY": STRONG_SECRET,
                "TREMPLIN_LLM_PROVIDER": "mistral",
                "TREMPLIN_MISTRAL_API_KEY": "changeme",
            },
            "TREMPLIN_MISTRAL_API_KEY",
        ),
    ],
)
def test_misconfiguration_is_one_line_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], setting: str
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(f"{setting}:")
    assert "\n" not in message


def test_production_accepts_real_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TREMPLIN_ENV", "production")
    monkeypatch.setenv("TREMPLIN_SECRET_KEY", STRONG_SECRET)
    monkeypatch.setenv("TREMPLIN_PII_VAULT_KEY", STRONG_SECRET)
    monkeypatch.setenv("TREMPLIN_LLM_PROVIDER", "mistral")
    monkeypatch.setenv("TREMPLIN_MISTRAL_API_KEY", "a-real-looking-key-0123456789")
    assert load_settings().env == "production"


def test_all_problems_are_listed_not_just_the_first() -> None:
    settings = Settings(env="production", llm_provider="openai_compatible")
    assert [line.split(":")[0] for line in settings.problems()] == [
        "TREMPLIN_OPENAI_BASE_URL",
        "TREMPLIN_OPENAI_MODEL",
        "TREMPLIN_SECRET_KEY",
        "TREMPLIN_PII_VAULT_KEY",
    ]
