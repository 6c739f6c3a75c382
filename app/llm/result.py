"""What a gateway call returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class LLMResult(Generic[T]):
    """An answer and where it came from. `fallback_used` and `flags` make a rules fallback visible in reports.

    `input_sha256` is the hash of the scrubbed messages sent to the model; None when no model was called
    (the `rules` provider).
    """

    value: T
    provider: str
    model: str
    prompt_name: str
    prompt_version: str
    latency_ms: int
    input_sha256: str | None
    attempts: int
    input_tokens: int | None = None
    output_tokens: int | None = None
    fallback_used: bool = False
    flags: tuple[str, ...] = ()
