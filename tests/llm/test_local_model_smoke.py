"""The real embedded model, end to end through the gateway. Slow (~30 s) but runs in CI: if the model cannot
be assembled or loaded, this fails rather than skips."""

from __future__ import annotations

import json
import re

import pytest
from pydantic import BaseModel

from app.audit import MemoryAuditSink
from app.llm.gateway import LLMGateway
from app.llm.local_model import MODEL_FILENAME, assemble_model
from app.prompts import PromptMessage, RenderedPrompt
from app.settings import PROJECT_ROOT, load_settings

# Outside the per-test data dir on purpose: assembled once, reused by later runs.
MODEL_PATH = PROJECT_ROOT / "var" / "models" / MODEL_FILENAME


class Capitale(BaseModel):
    ville: str
    pays: str


def _prompt(user: str) -> RenderedPrompt:
    return RenderedPrompt(
        name="smoke",
        version="1",
        messages=(
            PromptMessage("system", "Tu es un conseiller d'orientation bienveillant. Tu réponds en français."),
            PromptMessage("user", user),
        ),
    )


@pytest.mark.model
def test_embedded_model_writes_french_and_valid_json() -> None:
    path = assemble_model(MODEL_PATH)
    settings = load_settings(
        llm_provider="local",
        local_model_path=path,
        local_context=1024,
        local_max_tokens=64,
        local_threads=2,
        llm_timeout_s=120,
        llm_max_retries=0,
    )
    audit = MemoryAuditSink()
    gateway = LLMGateway.from_settings(settings, audit=audit)
    try:
        sentence = gateway.complete(
            _prompt("En une seule phrase courte, pose une question à une personne qui veut devenir aide-soignante.")
        )
        capital = gateway.structured(_prompt("Quelle est la capitale de la France ?"), Capitale)
    finally:
        gateway.close()

    text = sentence.value.strip()
    assert re.search(r"[a-zA-Zàâçéèêëîïôûù]", text), text
    assert not text.startswith(("{", "[")), text
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    assert (sentence.provider, sentence.attempts, sentence.fallback_used) == ("local", 1, False)

    assert isinstance(capital.value, Capitale)
    assert capital.value.ville.strip()
    assert capital.value.pays.strip()
    assert [(payload["provider"], payload["outcome"]) for _, payload, _ in audit.events] == [
        ("local", "ok"),
        ("local", "ok"),
    ]
