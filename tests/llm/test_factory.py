from __future__ import annotations

import sys
from pathlib import Path

import pytest
from langchain_openai import ChatOpenAI
from mistralai.client.utils import RetryConfig

from app.errors import ConfigError
from app.llm import factory
from app.llm.factory import build_chat_model, describe_model, json_mode_options
from app.llm.local_model import MODEL_FILENAME, MODEL_NAME, ModelFileError
from app.llm.mistral import ChatMistralClient
from app.settings import load_settings


def test_rules_has_no_model() -> None:
    assert build_chat_model(load_settings(llm_provider="rules")) is None


def test_mistral_uses_the_sdk_adapter_on_the_configured_endpoint() -> None:
    settings = load_settings(
        llm_provider="mistral",
        mistral_api_key="k",
        mistral_endpoint="http://127.0.0.1:9/selfhosted",
        mistral_model="mistral-small-2506",
        llm_timeout_s=12,
    )
    model = build_chat_model(settings)
    assert isinstance(model, ChatMistralClient)
    assert (model.endpoint, model.model, model.timeout_s) == ("http://127.0.0.1:9/selfhosted", "mistral-small-2506", 12)
    assert model._client.sdk_configuration.timeout_ms == 12_000
    retry_config = model._client.sdk_configuration.retry_config
    assert isinstance(retry_config, RetryConfig)
    assert retry_config.strategy == "none"


def test_openai_compatible_leaves_retries_to_the_gateway() -> None:
    settings = load_settings(
        llm_provider="openai_compatible", openai_base_url="http://127.0.0.1:9/v1", openai_model="qwen", llm_timeout_s=7
    )
    model = build_chat_model(settings)
    assert isinstance(model, ChatOpenAI)
    assert (model.model_name, model.max_retries, model.request_timeout) == ("qwen", 0, 7)
    assert str(model.openai_api_base) == "http://127.0.0.1:9/v1"


def test_local_refuses_a_missing_model_file() -> None:
    settings = load_settings(llm_provider="local")
    with pytest.raises(ModelFileError, match="TREMPLIN_LOCAL_MODEL_PATH") as caught:
        build_chat_model(settings)
    assert str(settings.data_dir / "models" / MODEL_FILENAME) in str(caught.value)


def test_local_refuses_an_unverified_file(tmp_path: Path) -> None:
    impostor = tmp_path / "model.gguf"
    impostor.write_bytes(b"GGUF not the pinned model")
    with pytest.raises(ModelFileError, match="wrong size"):
        build_chat_model(load_settings(llm_provider="local", local_model_path=impostor))


def test_local_without_llama_cpp_is_a_config_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(factory, "verify_model", lambda path: None)
    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    with pytest.raises(ConfigError, match="llama-cpp-python"):
        build_chat_model(load_settings(llm_provider="local", local_model_path=tmp_path / "m.gguf"))


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"llm_provider": "rules"}, ("rules", "rules")),
        ({"llm_provider": "local"}, ("local", MODEL_NAME)),
        ({"llm_provider": "mistral", "mistral_api_key": "k"}, ("mistral", "mistral-small-latest")),
        (
            {"llm_provider": "openai_compatible", "openai_base_url": "http://x/v1", "openai_model": "qwen"},
            ("openai_compatible", "qwen"),
        ),
    ],
)
def test_describe_model(overrides: dict[str, object], expected: tuple[str, str]) -> None:
    assert describe_model(load_settings(**overrides)) == expected


def test_json_mode_options() -> None:
    schema = {"type": "object"}
    assert json_mode_options("local", schema) == {"response_format": {"type": "json_object", "schema": schema}}
    assert json_mode_options("mistral", schema) == {"response_format": {"type": "json_object"}}
    assert json_mode_options("openai_compatible", schema) == {"response_format": {"type": "json_object"}}
    assert json_mode_options("rules", schema) == {}


def test_the_local_grammar_gets_no_length_limits() -> None:
    """llama.cpp fails to build grammars for large length limits; Pydantic checks them on the answer instead."""
    schema = {
        "type": "object",
        "properties": {
            "quote": {"type": "string", "maxLength": 300, "minLength": 1},
            "tips": {"type": "array", "items": {"type": "string", "maxLength": 200}, "minItems": 2, "maxItems": 2},
            "level": {"anyOf": [{"type": "integer", "maximum": 3}, {"type": "null"}]},
        },
    }
    sent = json_mode_options("local", schema)["response_format"]["schema"]
    assert sent == {
        "type": "object",
        "properties": {
            "quote": {"type": "string"},
            "tips": {"type": "array", "items": {"type": "string"}},
            "level": {"anyOf": [{"type": "integer", "maximum": 3}, {"type": "null"}]},
        },
    }
    assert schema["properties"]["quote"]["maxLength"] == 300  # the caller's schema is left as it was
