"""Pseudonyms of live candidate sessions: the three calls a conversation makes.

- `scrub_for_session(session_id, text)`: the candidate's message with the session's placeholders
  (`<PERSONNE_1>`, `<TELEPHONE_1>`...), before it is stored anywhere (graph state, checkpoint, transcript);
- `active(session_id)`: within this block, the process scrubber (`get_scrubber()`, which the flows and the model
  gateway call) uses the same placeholders, so the model sees one name for one value all session long;
- `restore_for_display(session_id, text)`: the placeholders of a text the candidate is about to read replaced
  by the values they stand for. The result is for display only: never store or log it.

The mapping is the encrypted `pii_vault_entry` table (`DatabaseVault`), deleted with the session.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING

from app.pii.pseudonyms import SessionPseudonymiser

if TYPE_CHECKING:  # importing spaCy and Presidio takes seconds: only `get_session_pseudonyms()` does it
    from app.pii.analyzer import PiiAnalyzer
    from app.pii.vault import Vault

OPEN_SESSIONS = 256  # pseudonymisers kept in memory (each holds its session's decrypted values)


class SessionPseudonyms:
    """The pseudonymisers of the sessions in progress, built on first use. Thread-safe."""

    def __init__(self, analyzer: PiiAnalyzer, vault: Vault) -> None:
        self._analyzer = analyzer
        self._vault = vault
        self._lock = threading.Lock()
        self._open: OrderedDict[str, SessionPseudonymiser] = OrderedDict()

    def pseudonymiser(self, session_id: str) -> SessionPseudonymiser:
        with self._lock:
            found = self._open.get(session_id)
            if found is not None:
                self._open.move_to_end(session_id)
                return found
        created = SessionPseudonymiser(session_id, self._analyzer, self._vault)  # reads the vault: not under lock
        with self._lock:
            kept = self._open.setdefault(session_id, created)
            if len(self._open) > OPEN_SESSIONS:
                self._open.popitem(last=False)
        return kept

    def scrub_for_session(self, session_id: str, text: str) -> str:
        """`text` with its personal data replaced by the session's placeholders (new values are added to the
        vault). Placeholders already in `text` are left as they are, so scrubbing twice changes nothing."""
        return self.pseudonymiser(session_id).pseudonymise(text)

    def restore_for_display(self, session_id: str, text: str) -> str:
        """`text` with the session's placeholders replaced by the candidate's values, for their eyes only."""
        return self.pseudonymiser(session_id).restore(text)

    @contextmanager
    def active(self, session_id: str) -> Iterator[SessionPseudonymiser]:
        """The process scrubber uses this session's placeholders within the block (see `SessionPseudonymiser`)."""
        with self.pseudonymiser(session_id).active() as pseudonymiser:
            yield pseudonymiser

    def forget(self, session_id: str) -> int:
        """Delete the session's pseudonyms (retention, erasure); returns how many there were. Placeholders stored
        elsewhere stay, and can no longer be restored."""
        with self._lock:
            self._open.pop(session_id, None)
        return self._vault.forget(session_id)


@lru_cache(maxsize=1)
def get_session_pseudonyms() -> SessionPseudonyms:
    """The process's session pseudonyms: the shipped analyzer and the database vault keyed by
    `TREMPLIN_PII_VAULT_KEY` (the first call loads spaCy: about 4 s)."""
    from app.db.engine import get_engine
    from app.pii.analyzer import get_analyzer
    from app.pii.vault import DatabaseVault, VaultCipher
    from app.settings import get_settings

    cipher = VaultCipher(get_settings().pii_vault_key.get_secret_value())
    return SessionPseudonyms(get_analyzer(), DatabaseVault(get_engine(), cipher))
