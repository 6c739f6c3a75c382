"""The scrubber seam.

Callers depend on the `Scrubber` protocol only: the model gateway calls `scrub` on every message it sends, the
logging filter on every record, exports and reports on every text they write. `get_scrubber()` is the process's
Presidio scrubber: each piece of personal data becomes a placeholder naming its type (`<TELEPHONE>`), or, inside
`SessionPseudonymiser.active()`, the session's numbered placeholder (`<TELEPHONE_1>`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from app.pii.pseudonyms import active_pseudonymiser, replace_spans
from app.pii.text import fold

if TYPE_CHECKING:  # importing spaCy and Presidio takes seconds: only `get_scrubber()` does it
    from app.pii.analyzer import Detection, PiiAnalyzer


class Scrubber(Protocol):
    """Replaces personal data in `text` with placeholders."""

    name: str

    def scrub(self, text: str) -> str: ...


class PresidioScrubber:
    """`keep_in_clear`: folded words left in clear when a detection is exactly one of them (the log scrubber's
    allow-list, app/pii/log_allow_list.yaml); a detection that merely contains one is still masked."""

    def __init__(self, analyzer: PiiAnalyzer, *, keep_in_clear: frozenset[str] = frozenset()) -> None:
        self.name = f"presidio-fr ({analyzer.version})"
        self._analyzer = analyzer
        self._keep_in_clear = keep_in_clear

    def scrub(self, text: str) -> str:
        return replace_spans(text, self._masked(text, self._analyzer.detect(text)), _placeholders(text))

    def scrub_many(self, texts: Sequence[str]) -> list[str]:
        """`scrub` for a batch (exports, reports): spaCy runs in batches, several times faster per text."""
        found = self._analyzer.detect_many(texts)
        return [
            replace_spans(text, self._masked(text, spans), _placeholders(text))
            for text, spans in zip(texts, found, strict=True)
        ]

    def _masked(self, text: str, detections: list[Detection]) -> list[Detection]:
        if not self._keep_in_clear:
            return detections
        return [d for d in detections if fold(text[d.start : d.end]) not in self._keep_in_clear]


def _placeholders(text: str) -> Callable[[Detection], str]:
    session = active_pseudonymiser()
    if session is None:
        return lambda detection: f"<{detection.entity}>"
    return lambda detection: session.pseudonym(detection.entity, text[detection.start : detection.end]).placeholder


@lru_cache(maxsize=1)
def get_scrubber() -> PresidioScrubber:
    """The process's scrubber; the first call loads spaCy (about 4 s and 500 MB)."""
    from app.pii.analyzer import get_analyzer

    return PresidioScrubber(get_analyzer())
