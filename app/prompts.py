"""Versioned prompt templates (see `prompts/`). The registry is filled in by the prompts work; these are the
types every model call uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True, slots=True)
class PromptMessage:
    role: Role
    content: str


@dataclass(frozen=True, slots=True)
class RenderedPrompt:
    """A prompt ready to send: which template and version produced it, and the messages."""

    name: str
    version: str
    messages: tuple[PromptMessage, ...]
