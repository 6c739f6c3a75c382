"""The scrubber seam.

Callers depend on the `Scrubber` protocol only. Until the Presidio-based scrubber lands (PII issue), the service
uses `PassThroughScrubber`, which returns text unchanged; the tests prove that every model call goes through the
seam, so replacing it here protects every path at once.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol


class Scrubber(Protocol):
    """Replaces personal data in `text` with placeholders."""

    name: str

    def scrub(self, text: str) -> str: ...


class PassThroughScrubber:
    """Returns text unchanged. Placeholder: the PII issue replaces it with Presidio."""

    name = "passthrough"

    def scrub(self, text: str) -> str:
        return text


@lru_cache(maxsize=1)
def get_scrubber() -> Scrubber:
    return PassThroughScrubber()
