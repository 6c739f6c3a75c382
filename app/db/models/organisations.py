"""Organisations (training centres, France Travail agencies, ...) and the staff accounts that belong to them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlmodel import Field, SQLModel

from app.db.models.base import UTCDateTime, created_at_field, enum_column


class OrganisationKind(enum.StrEnum):
    TRAINING_CENTRE = "training_centre"
    FRANCE_TRAVAIL_AGENCY = "france_travail_agency"
    MISSION_LOCALE = "mission_locale"


class OrganisationBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    kind: OrganisationKind = Field(sa_type=enum_column(OrganisationKind, "kind"))


class OrganisationCreate(OrganisationBase):
    pass


class OrganisationPublic(OrganisationBase):
    id: int
    created_at: datetime


class Organisation(OrganisationBase, table=True):
    __tablename__ = "organisation"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = created_at_field()


class UserRole(enum.StrEnum):
    REFERENT = "referent"
    ADMIN = "admin"
    AUDITOR = "auditor"


class UserBase(SQLModel):
    email: str = Field(min_length=3, max_length=254, unique=True, index=True)
    full_name: str = Field(min_length=1, max_length=200)
    role: UserRole = Field(default=UserRole.REFERENT, sa_type=enum_column(UserRole, "role"))
    is_active: bool = True


class UserCreate(UserBase):
    organisation_id: int
    password: str = Field(min_length=12, max_length=128)


class UserPublic(UserBase):
    """What the API may show about an account: never the password hash."""

    id: int
    organisation_id: int
    created_at: datetime


class User(UserBase, table=True):
    __tablename__ = "app_user"  # "user" is reserved in PostgreSQL

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    password_hash: str = Field(max_length=255)
    created_at: datetime = created_at_field()
    # Lockout after repeated wrong passwords: consecutive failures, and until when logins are refused.
    failed_logins: int = Field(default=0, ge=0)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
