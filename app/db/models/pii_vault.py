"""The pseudonym vault: what each placeholder of a session (`<PERSONNE_1>`) stands for, encrypted.

Written and read through `app.pii.vault.DatabaseVault` only. `value_encrypted` is a Fernet token and
`value_digest` a keyed HMAC of the normalised value (so the same phone number typed twice maps to the same
placeholder without decrypting anything); both keys derive from `TREMPLIN_PII_VAULT_KEY`. Rows go with their
session (ON DELETE CASCADE): deleting a session at the end of its retention forgets its pseudonyms.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db.models.base import created_at_field


class PiiVaultEntry(SQLModel, table=True):
    __tablename__ = "pii_vault_entry"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "placeholder"),
        sa.UniqueConstraint("session_id", "value_digest"),
    )

    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(foreign_key="assessment_session.id", ondelete="CASCADE", max_length=36, index=True)
    placeholder: str = Field(max_length=64)
    entity: str = Field(max_length=40)
    value_digest: str = Field(min_length=64, max_length=64)
    value_encrypted: str = Field(sa_type=sa.Text)
    created_at: datetime = created_at_field()
