"""The real embedded model, end to end through the gateway. Slow (~30 s) but runs in CI: if the model cannot
be assembled or loaded, this fails rather than skips."""

from __future__ import annotations

import json
import re
from typing import Literal

import pytest
from pydantic import BaseModel

from app.audit import MemoryAuditSink
from app.llm.gateway import LLMGateway
from app.llm.local_model import MODEL_FILENAME, assemble_model
from app.prompts import get_prompt_registry
from app.settings import PROJECT_ROOT, load_settings

# Outside the per-test data dir on purpose: assembled once, reused by later runs.
MODEL_PATH = PROJECT_ROOT / "var" / "models" / MODEL_FILENAME


class SmokeStatus(BaseModel):
    """What `prompts/smoke/json_object` asks for."""

    statut: Literal["ok"]
    langue: Literal["fr"]


@pytest.mark.model
def test_embedded_model_writes_french_and_valid_json() -> None:
    path = assemble_model(MODEL_PATH)
    settings = load_settings(
        llm_provider="local",
        local_model_path=path,
        local_context=1024,
        local_max_tokens=64,
        local_threads=2,
        llm_timeout_s=300,  # a guard against a hung model, not a speed check
        llm_max_retries=0,
    )
    audit = MemoryAuditSink()
    gateway = LLMGateway.from_settings(settings, audit=audit)
    try:
        prompts = get_prompt_registry()
        sentence = gateway.complete(prompts.render("chat/greeting", training_title="Aide-soignant·e"))
        status = gateway.structured(prompts.render("smoke/json_object"), SmokeStatus)
    finally:
        gateway.close()

    text = sentence.value.strip()
    assert re.search(r"[a-zA-Zàâçéèêëîïôûù]", text), text
    assert not text.startswith(("{", "[")), text
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    assert (sentence.provider, sentence.attempts, sentence.fallback_used) == ("local", 1, False)

    assert status.value == SmokeStatus(statut="ok", langue="fr")
    assert [(payload["provider"], payload["outcome"]) for _, payload, _ in audit.events] == [
        ("local", "ok"),
        ("local", "ok"),
    ]
