"""Checks on what a candidate types, before anything is stored or sent to a model.

Refusals carry a short message in plain French for the candidate; nothing of a refused message is kept.
"""

from __future__ import annotations

import unicodedata

MAX_MESSAGE_CHARS = 2000


class RejectedMessage(ValueError):
    """The message cannot be used. `candidate_message` is what the candidate reads."""

    def __init__(self, candidate_message: str) -> None:
        super().__init__(candidate_message)
        self.candidate_message = candidate_message


def clean_candidate_message(text: str) -> str:
    """Return the message normalised (NFC, control characters removed, trimmed) or raise `RejectedMessage`."""
    if len(text) > MAX_MESSAGE_CHARS * 4:
        # Checked before normalising so a huge paste costs nothing.
        raise RejectedMessage(_too_long())
    normalised = unicodedata.normalize("NFC", text)
    kept = "".join(ch for ch in normalised if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    kept = kept.strip()
    if not kept:
        raise RejectedMessage("Votre message est vide. Écrivez votre réponse puis envoyez-la.")
    if len(kept) > MAX_MESSAGE_CHARS:
        raise RejectedMessage(_too_long())
    return kept


def _too_long() -> str:
    return (
        f"Votre message est trop long (maximum {MAX_MESSAGE_CHARS} caractères). "
        "Il n'a pas été enregistré. Pouvez-vous le raccourcir ?"
    )
