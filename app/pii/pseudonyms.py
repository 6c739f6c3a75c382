"""Reversible pseudonymisation, one session at a time.

The model, the stored transcript and the report see `<PERSONNE_1>`, `<TELEPHONE_1>`...; the same value always
gets the same placeholder within a session (even typed differently: "06 12 34 56 78" and "0612345678"), and
the candidate reads the restored text. The mapping lives in a `Vault` (encrypted in the database).

While `pseudonymiser.active()` is entered, the process scrubber (`get_scrubber()`, called by the model gateway on
every message) uses this session's placeholders instead of anonymous ones, so a prompt built from several
sources stays consistent.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from app.pii.text import fold
from app.pii.validators import compact

if TYPE_CHECKING:
    from app.pii.analyzer import Detection, PiiAnalyzer
    from app.pii.vault import Pseudonym, Vault

# A placeholder as a model may write it back: with or without its angle brackets.
_PLACEHOLDER_BACK = re.compile(r"<?\b([A-Z][A-Z_]*[A-Z]_\d+)\b>?")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")

_active: ContextVar[SessionPseudonymiser | None] = ContextVar("tremplin_active_pseudonymiser", default=None)


def active_pseudonymiser() -> SessionPseudonymiser | None:
    return _active.get()


def _phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    for prefix in ("0033", "33"):
        if digits.startswith(prefix) and len(digits) > 10:
            digits = "0" + digits[len(prefix) :].removeprefix("0")
    return digits


def _words(value: str) -> str:
    return _NON_ALNUM.sub(" ", fold(value)).strip()


def _web(value: str) -> str:
    return re.sub(r"^(?:https?://)?(?:www\.)?", "", value.strip().lower()).rstrip("/")


_NORMALISERS: dict[str, Callable[[str], str]] = {
    "TELEPHONE": _phone,
    "EMAIL": lambda value: value.strip().lower(),
    "URL": _web,
    "COMPTE_SOCIAL": lambda value: value.strip().lower().removeprefix("@"),
    "NIR": compact,
    "IBAN": compact,
    "CODE_POSTAL": compact,
    "PERMIS": compact,
    "PASSEPORT": compact,
    "CARTE_IDENTITE": compact,
}


def normalise(entity: str, value: str) -> str:
    """The form under which two spellings of one value are the same value ("Jean-Pierre" / "jean pierre")."""
    return _NORMALISERS.get(entity, _words)(value)


def replace_spans(text: str, detections: list[Detection], replacement: Callable[[Detection], str]) -> str:
    parts, position = [], 0
    for detection in detections:
        parts += [text[position : detection.start], replacement(detection)]
        position = detection.end
    parts.append(text[position:])
    return "".join(parts)


class SessionPseudonymiser:
    """Placeholders for one assessment session. Cheap to build; the vault is read once, then on demand.
    Thread-safe: the model gateway scrubs from its own threads."""

    def __init__(self, session_id: str, analyzer: PiiAnalyzer, vault: Vault) -> None:
        self.session_id = session_id
        self.name = f"presidio-fr pseudonymiser ({analyzer.version})"
        self._analyzer = analyzer
        self._vault = vault
        self._lock = threading.Lock()
        self._known: dict[str, Pseudonym] = {}  # by digest
        self._reload()

    def _reload(self) -> None:
        entries = self._vault.entries(self.session_id)
        with self._lock:
            self._known = {pseudonym.digest: pseudonym for pseudonym in entries}

    def pseudonymise(self, text: str) -> str:
        """`text` with each piece of personal data replaced by the session's placeholder for it."""
        return self.pseudonymise_detailed(text)[0]

    def pseudonymise_detailed(self, text: str) -> tuple[str, list[Detection]]:
        """The pseudonymised text and what was replaced (offsets into `text`)."""
        detections = self._analyzer.detect(text)
        return replace_spans(
            text, detections, lambda d: self.pseudonym(d.entity, text[d.start : d.end]).placeholder
        ), detections

    scrub = pseudonymise  # a pseudonymiser is a `Scrubber`

    def pseudonym(self, entity: str, value: str) -> Pseudonym:
        """The placeholder of `value`, created (and stored in the vault) the first time it is seen."""
        digest = self._vault.digest(entity, normalise(entity, value))
        with self._lock:
            known = self._known.get(digest)
        if known is not None:
            return known
        created = self._vault.get_or_create(self.session_id, entity, digest, value)
        with self._lock:
            self._known[digest] = created
        return created

    def restore(self, text: str) -> str:
        """`text` with the session's placeholders replaced by the values they stand for (for the candidate's
        eyes only: never store or log the result). Unknown placeholders are left as they are."""
        if any(match.group(1) not in self._names() for match in _PLACEHOLDER_BACK.finditer(text)):
            self._reload()  # another process may have added pseudonyms since
        names = self._names()
        return _PLACEHOLDER_BACK.sub(lambda m: names[m.group(1)].value if m.group(1) in names else m.group(0), text)

    def _names(self) -> dict[str, Pseudonym]:
        with self._lock:
            return {pseudonym.placeholder[1:-1]: pseudonym for pseudonym in self._known.values()}

    @contextmanager
    def active(self) -> Iterator[SessionPseudonymiser]:
        """Within this block (and the threads started from it with a copied context, as the gateway's are),
        `get_scrubber().scrub` uses this session's placeholders."""
        token = _active.set(self)
        try:
            yield self
        finally:
            _active.reset(token)
