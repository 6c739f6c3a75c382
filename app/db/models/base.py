"""Column helpers shared by every table, and the constraint naming convention.

The convention is set on `SQLModel.metadata` before any table is declared (every model module imports this one
first), so constraints get stable names that hand-written migrations can repeat and later drop.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

EnumT = TypeVar("EnumT", bound=enum.StrEnum)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware datetime that always comes back in UTC.

    SQLite keeps no offset and returns naive values; PostgreSQL returns the session time zone. Naive values are
    refused on the way in, so a local time can never be stored as if it were UTC.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} refused: use an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class EnumList(sa.TypeDecorator[list[EnumT]]):
    """A JSON list of enum values that reads back as enum members and refuses unknown values."""

    impl = sa.JSON
    cache_ok = True

    def __init__(self, enum_class: type[EnumT]) -> None:
        super().__init__()
        self.enum_class = enum_class

    def process_bind_param(self, value: list[EnumT] | None, dialect: Dialect) -> list[str] | None:
        return None if value is None else [self.enum_class(item).value for item in value]

    def process_result_value(self, value: list[str] | None, dialect: Dialect) -> list[EnumT] | None:
        return None if value is None else [self.enum_class(item) for item in value]


def enum_column(enum_class: type[enum.StrEnum], name: str) -> sa.Enum:
    """A VARCHAR with a CHECK constraint (no native PostgreSQL ENUM type to migrate) storing the enum values."""
    return sa.Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
    )


def created_at_field() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
