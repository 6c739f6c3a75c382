"""The one place that turns `Settings` into a LangChain chat model."""

from __future__ import annotations

from typing import Any

from langchain_community.chat_models import ChatLlamaCpp
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_openai import ChatOpenAI

from app.errors import ConfigError
from app.llm.local_model import MODEL_NAME, verify_model
from app.llm.mistral import ChatMistralClient
from app.settings import Settings

# Assessment questions and scoring want focused, repeatable wording rather than creativity.
TEMPERATURE = 0.2


def build_chat_model(settings: Settings) -> BaseChatModel | None:
    """The configured chat model; None for the `rules` provider, which has no generative model at all."""
    provider = settings.llm_provider
    if provider == "rules":
        return None
    if provider == "local":
        return _local_model(settings)
    if provider == "mistral":
        return ChatMistralClient(
            model=settings.mistral_model,
            api_key=settings.mistral_api_key,
            endpoint=settings.mistral_endpoint,
            timeout_s=settings.llm_timeout_s,
            temperature=TEMPERATURE,
        )
    return ChatOpenAI(
        base_url=settings.openai_base_url,
        api_key=settings.openai_api_key,
        model=settings.openai_model,
        timeout=settings.llm_timeout_s,
        max_retries=0,  # LLMGateway retries
        temperature=TEMPERATURE,
    )


def _local_model(settings: Settings) -> BaseChatModel:
    path = settings.effective_local_model_path
    verify_model(path)  # never load a file that is not the pinned model
    try:
        model: BaseChatModel = ChatLlamaCpp(
            model_path=str(path),
            n_ctx=settings.local_context,
            n_threads=settings.local_threads,
            n_batch=min(512, settings.local_context),
            max_tokens=settings.local_max_tokens,
            temperature=TEMPERATURE,
            verbose=False,
        )
    except ImportError:
        raise ConfigError(
            "TREMPLIN_LLM_PROVIDER=local needs llama-cpp-python, which is not installed: "
            "run `scripts/install-llama-cpp.sh .venv`"
        ) from None
    return model


def describe_model(settings: Settings) -> tuple[str, str]:
    """(provider, model name) for audit events and the health page."""
    provider = settings.llm_provider
    if provider == "local":
        return provider, MODEL_NAME
    if provider == "mistral":
        return provider, settings.mistral_model
    if provider == "openai_compatible":
        return provider, settings.openai_model
    return provider, "rules"


# llama.cpp turns these into grammar repetitions and fails to build large ones; the gateway's Pydantic
# validation enforces them on the answer instead.
_LENGTH_KEYWORDS = frozenset({"maxLength", "minLength", "maxItems", "minItems"})


def without_length_limits(schema: Any) -> Any:
    """`schema` without string length and array size limits, at any depth."""
    if isinstance(schema, dict):
        return {key: without_length_limits(value) for key, value in schema.items() if key not in _LENGTH_KEYWORDS}
    if isinstance(schema, list):
        return [without_length_limits(value) for value in schema]
    return schema


def json_mode_options(provider: str, schema: dict[str, Any]) -> dict[str, Any]:
    """Call options asking the provider for a JSON object. The local model is additionally constrained to
    `schema` by a llama.cpp grammar; the gateway validates the result either way."""
    if provider == "local":
        return {"response_format": {"type": "json_object", "schema": without_length_limits(schema)}}
    if provider in ("mistral", "openai_compatible"):
        return {"response_format": {"type": "json_object"}}
    return {}
