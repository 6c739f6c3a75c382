"""Where each session's placeholders are resolved: `<TELEPHONE_1>` -> "06 12 34 56 78".

Keys: both derive from `TREMPLIN_PII_VAULT_KEY` with HKDF-SHA256 (fixed salt, one `info` label per use), so
the setting is the only secret and is never used directly:
- a Fernet key (AES-128-CBC + HMAC-SHA256, random IV) encrypts each value;
- an HMAC-SHA256 key computes `value_digest`, a keyed fingerprint of the normalised value, so a value typed
  again maps to its placeholder with a unique index and without decrypting the vault.
Changing the setting makes existing vaults unreadable (`VaultKeyError`); the placeholders stored elsewhere
stay meaningful, only their restoration for the candidate is lost.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any, Protocol, cast

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.engine import CursorResult, Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.db.engine import SQLITE_BEGIN
from app.db.models import AssessmentSession, PiiVaultEntry
from app.errors import ConfigError

_SALT = b"tremplin/pii-vault"
_FERNET_INFO = b"tremplin/pii-vault/fernet/v1"
_DIGEST_INFO = b"tremplin/pii-vault/value-digest/v1"
_ALLOCATION_ATTEMPTS = 5


class VaultKeyError(ConfigError):
    """The vault cannot be decrypted with the configured key."""


@dataclass(frozen=True)
class Pseudonym:
    placeholder: str  # "<TELEPHONE_1>"
    entity: str
    value: str  # as the candidate first typed it
    digest: str


def _derive(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=info).derive(secret)


class VaultCipher:
    def __init__(self, secret: str) -> None:
        material = secret.encode("utf-8")
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(material, _FERNET_INFO)))
        self._digest_key = _derive(material, _DIGEST_INFO)

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise VaultKeyError(
                "TREMPLIN_PII_VAULT_KEY: cannot decrypt the pseudonym vault (was the key changed?)"
            ) from None

    def digest(self, entity: str, normalised: str) -> str:
        message = f"{entity}\x00{normalised}".encode()
        return hmac.new(self._digest_key, message, hashlib.sha256).hexdigest()


def placeholder(entity: str, number: int) -> str:
    return f"<{entity}_{number}>"


class Vault(Protocol):
    def digest(self, entity: str, normalised: str) -> str: ...

    def entries(self, session_id: str) -> list[Pseudonym]: ...

    def get_or_create(self, session_id: str, entity: str, digest: str, value: str) -> Pseudonym:
        """The pseudonym of `digest` in the session, numbered next for its entity when new."""
        ...

    def forget(self, session_id: str) -> int:
        """Delete the session's pseudonyms; returns how many there were."""
        ...


class MemoryVault:
    """A vault that lives as long as the process: the CLI, the evaluation and tests."""

    def __init__(self) -> None:
        self._cipher = VaultCipher(secrets.token_hex(32))
        self._sessions: dict[str, list[Pseudonym]] = {}

    def digest(self, entity: str, normalised: str) -> str:
        return self._cipher.digest(entity, normalised)

    def entries(self, session_id: str) -> list[Pseudonym]:
        return list(self._sessions.get(session_id, []))

    def get_or_create(self, session_id: str, entity: str, digest: str, value: str) -> Pseudonym:
        entries = self._sessions.setdefault(session_id, [])
        for pseudonym in entries:
            if pseudonym.digest == digest:
                return pseudonym
        number = sum(1 for pseudonym in entries if pseudonym.entity == entity) + 1
        created = Pseudonym(placeholder(entity, number), entity, value, digest)
        entries.append(created)
        return created

    def forget(self, session_id: str) -> int:
        return len(self._sessions.pop(session_id, []))


class DatabaseVault:
    """The `pii_vault_entry` table. Concurrent writers of one session cannot give a placeholder twice: the
    unique constraints refuse it and the loser retries with the next number."""

    def __init__(self, engine: Engine, cipher: VaultCipher) -> None:
        sqlite = engine.dialect.name == "sqlite"
        self._engine = engine.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"}) if sqlite else engine
        self._cipher = cipher

    def digest(self, entity: str, normalised: str) -> str:
        return self._cipher.digest(entity, normalised)

    def entries(self, session_id: str) -> list[Pseudonym]:
        with Session(self._engine) as session:
            rows = session.exec(
                select(PiiVaultEntry).where(PiiVaultEntry.session_id == session_id).order_by(col(PiiVaultEntry.id))
            ).all()
            return [self._pseudonym(row) for row in rows]

    def get_or_create(self, session_id: str, entity: str, digest: str, value: str) -> Pseudonym:
        for _ in range(_ALLOCATION_ATTEMPTS):
            try:
                with Session(self._engine) as session, session.begin():
                    rows = session.exec(select(PiiVaultEntry).where(PiiVaultEntry.session_id == session_id)).all()
                    for row in rows:
                        if row.value_digest == digest:
                            return self._pseudonym(row)
                    number = sum(1 for row in rows if row.entity == entity) + 1
                    created = Pseudonym(placeholder(entity, number), entity, value, digest)
                    session.add(
                        PiiVaultEntry(
                            session_id=session_id,
                            placeholder=created.placeholder,
                            entity=entity,
                            value_digest=digest,
                            value_encrypted=self._cipher.encrypt(value),
                        )
                    )
                return created
            except IntegrityError:
                with Session(self._engine) as session:
                    if session.get(AssessmentSession, session_id) is None:
                        raise ValueError(f"unknown assessment session {session_id!r}") from None
                continue  # another writer took the number or the value first: read again
        raise RuntimeError(f"could not allocate a pseudonym in session {session_id} after {_ALLOCATION_ATTEMPTS} tries")

    def forget(self, session_id: str) -> int:
        with Session(self._engine) as session, session.begin():
            result = session.execute(sa.delete(PiiVaultEntry).where(col(PiiVaultEntry.session_id) == session_id))
            return int(cast("CursorResult[Any]", result).rowcount)

    def _pseudonym(self, row: PiiVaultEntry) -> Pseudonym:
        return Pseudonym(row.placeholder, row.entity, self._cipher.decrypt(row.value_encrypted), row.value_digest)
