"""Candidates, pseudonymous by construction: no column can hold a name, an email or a phone number."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from app.db.models.base import UTCDateTime, created_at_field

# Crockford-style alphabet without the look-alikes 0/O, 1/I/L and U, so a code survives being read aloud.
_PSEUDONYM_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_pseudonym() -> str:
    """A short human code such as "C-7F3K2Q" (about 7e8 possibilities; the column is unique)."""
    return "C-" + "".join(secrets.choice(_PSEUDONYM_ALPHABET) for _ in range(6))


def new_uuid() -> str:
    return str(uuid.uuid4())


class CandidatePublic(SQLModel):
    id: str
    pseudonym: str
    organisation_id: int
    created_at: datetime
    erased_at: datetime | None


class Candidate(SQLModel, table=True):
    __tablename__ = "candidate"

    id: str = Field(default_factory=new_uuid, primary_key=True, max_length=36)
    pseudonym: str = Field(default_factory=new_pseudonym, max_length=16, unique=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    created_at: datetime = created_at_field()
    erased_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
