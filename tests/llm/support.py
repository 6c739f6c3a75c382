"""Shared test data and assertions for the model-seam tests."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from app.audit import MemoryAuditSink
from app.prompts import PromptMessage, RenderedPrompt
from tests.fakes.scrubber import SECRET_NAME

USER_TEXT = f"Je m'appelle {SECRET_NAME} et je cherche une formation d'aide-soignante."
PROMPT = RenderedPrompt(
    name="test.question",
    version="3",
    messages=(PromptMessage("system", "Tu es un conseiller en orientation."), PromptMessage("user", USER_TEXT)),
)


class Orientation(BaseModel):
    metier: str
    score: int


def only_event(audit: MemoryAuditSink) -> dict[str, Any]:
    """The single audit event of a call, asserting there is exactly one."""
    assert len(audit.events) == 1, audit.events
    event_type, payload, _ = audit.events[0]
    assert event_type == "llm_call"
    return payload


def assert_no_text(payload: dict[str, Any], *texts: str) -> None:
    dumped = json.dumps(payload, ensure_ascii=False)
    for text in (SECRET_NAME, *texts):
        assert text not in dumped
