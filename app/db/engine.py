"""SQLAlchemy engines for the two supported databases, SQLite (the default, a file under the data dir) and
PostgreSQL through psycopg 3, and the check that a database is reachable and migrated.

Every configuration mistake in the URL becomes a one-line `ConfigError` that never shows the password.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from app.db.revisions import current_revision, head_revision
from app.errors import ConfigError
from app.settings import get_settings

SETTING = "TREMPLIN_DATABASE_URL"
EXPECTED_FORMS = "use sqlite:///<path> or postgresql+psycopg://<user>:<password>@<host>:<port>/<database>"

# Connection execution option read by the SQLite "begin" hook: "IMMEDIATE" takes the write lock at BEGIN.
SQLITE_BEGIN = "tremplin_sqlite_begin"

_SQLITE_DRIVERS = {"sqlite", "sqlite+pysqlite"}
_POSTGRES_DRIVERS = {"postgresql", "postgresql+psycopg"}


def mask_url(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def parse_database_url(raw: str) -> URL:
    """Parse and normalise a URL, refusing any database other than SQLite and PostgreSQL over psycopg 3."""
    try:
        url = sa.make_url(raw)
    except (ArgumentError, ValueError):
        # The raw text is not echoed: it may hold a password we could not locate to mask.
        raise ConfigError(f"{SETTING}: not a valid database URL; {EXPECTED_FORMS}") from None
    if url.drivername in _POSTGRES_DRIVERS:
        return url.set(drivername="postgresql+psycopg")
    if url.drivername not in _SQLITE_DRIVERS:
        raise ConfigError(
            f"{SETTING}: unsupported database driver {url.drivername!r} in {mask_url(url)}; {EXPECTED_FORMS}"
        )
    return url


def make_engine(url: str) -> Engine:
    parsed = parse_database_url(url)
    try:
        if parsed.get_backend_name() == "sqlite":
            return _make_sqlite_engine(parsed)
        return sa.create_engine(parsed, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    except (ImportError, NoSuchModuleError) as exc:
        raise ConfigError(
            f"{SETTING}: the driver for {mask_url(parsed)} is not installed ({exc.__class__.__name__}: {exc})"
        ) from None


def _make_sqlite_engine(url: URL) -> Engine:
    if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
        directory = Path(url.database).expanduser().resolve().parent
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"{SETTING}: cannot create the directory {directory} ({exc.strerror})") from None
    engine = sa.create_engine(url)
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # The sqlite3 module's own transaction handling delays BEGIN until the first write, which breaks
    # transactional DDL and BEGIN IMMEDIATE; let SQLAlchemy emit BEGIN itself (see _on_sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    immediate = connection.get_execution_options().get(SQLITE_BEGIN) == "IMMEDIATE"
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@lru_cache(maxsize=4)
def _cached_engine(url: str) -> Engine:
    return make_engine(url)


def get_engine() -> Engine:
    """The application's engine for the configured URL, created on first use and then reused."""
    return _cached_engine(get_settings().effective_database_url)


@dataclass(frozen=True)
class DatabaseStatus:
    """`ok` means reachable and at the head revision; `message` is one line, password masked."""

    ok: bool
    dialect: str
    revision: str | None
    head: str
    message: str


def check_database(engine: Engine) -> DatabaseStatus:
    """Connect and compare the schema revision with the migrations' head. Never raises for a database fault."""
    head = head_revision()
    dialect = engine.dialect.name
    try:
        with engine.connect() as connection:
            revision = current_revision(connection)
    except SQLAlchemyError as exc:
        return DatabaseStatus(False, dialect, None, head, connection_failure(engine, exc))
    if revision == head:
        message = f"{mask_url(engine.url)} is reachable and its schema is at revision {head}"
    elif revision is None:
        message = f"{mask_url(engine.url)} has no schema yet (expected revision {head}): run `tremplin db upgrade`"
    else:
        message = (
            f"{mask_url(engine.url)} is at schema revision {revision} but this version of Tremplin expects {head}: "
            "run `tremplin db upgrade` (or upgrade Tremplin if the database is the newer one)"
        )
    return DatabaseStatus(revision == head, dialect, revision, head, message)


def require_database(engine: Engine) -> DatabaseStatus:
    """`check_database` for the CLI: a database that is unreachable or not at head is a `ConfigError`."""
    status = check_database(engine)
    if not status.ok:
        raise ConfigError(f"{SETTING}: {status.message}")
    return status


def connection_failure(engine: Engine, exc: SQLAlchemyError) -> str:
    """One line: the masked URL and the driver's first line, without SQLAlchemy's footer or any password."""
    original = getattr(exc, "orig", None) or exc
    lines = [" ".join(line.split()) for line in str(original).splitlines() if line.strip()]
    reason = lines[0] if lines else exc.__class__.__name__
    password = engine.url.password
    if password:
        reason = reason.replace(str(password), "***")
    return f"cannot connect to {mask_url(engine.url)}: {reason}"
