from __future__ import annotations

import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.db.engine import check_database, get_engine, make_engine, require_database
from app.db.migrate import head_revision, upgrade_database
from app.db.models import Message, MessageRole
from app.errors import ConfigError
from app.settings import get_settings

PASSWORD = "hunter2-s3cret"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("", "not a valid database URL"),
        ("tremplin.db", "not a valid database URL"),
        (f"postgresql+psycopg://tremplin:{PASSWORD}@db:port/tremplin", "not a valid database URL"),
        (f"mysql+pymysql://tremplin:{PASSWORD}@db/tremplin", "unsupported database driver 'mysql+pymysql'"),
        (f"postgresql+asyncpg://tremplin:{PASSWORD}@db/tremplin", "unsupported database driver"),
        (f"nosuchdb://tremplin:{PASSWORD}@db/tremplin", "unsupported database driver 'nosuchdb'"),
    ],
)
def test_bad_url_is_a_one_line_config_error_without_the_password(url: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        make_engine(url)
    message = str(caught.value)
    assert message.startswith("TREMPLIN_DATABASE_URL: ")
    assert expected in message
    assert "\n" not in message
    assert PASSWORD not in message


def test_missing_driver_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(ConfigError, match="not installed") as caught:
        make_engine(f"postgresql+psycopg://tremplin:{PASSWORD}@127.0.0.1/tremplin")
    assert PASSWORD not in str(caught.value)


def test_plain_postgresql_url_uses_psycopg() -> None:
    engine = make_engine("postgresql://tremplin@127.0.0.1/tremplin")  # nothing connects yet
    assert engine.dialect.driver == "psycopg"


def test_sqlite_directory_that_cannot_be_created_is_a_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    with pytest.raises(ConfigError, match="cannot create the directory"):
        make_engine(f"sqlite:///{blocker / 'tremplin.db'}")


def test_sqlite_pragmas_apply_to_every_connection(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'dir' / 'tremplin.db'}")
    try:
        with engine.connect() as first, engine.connect() as second:
            for connection in (first, second):
                assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()
    assert (tmp_path / "nested" / "dir" / "tremplin.db").is_file()


def test_foreign_keys_are_enforced(migrated_engine: Engine) -> None:
    with Session(migrated_engine) as session:
        session.add(Message(session_id="no-such-session", seq=0, role=MessageRole.CANDIDATE, content_scrubbed="x"))
        with pytest.raises(sa.exc.IntegrityError):
            session.commit()


def test_status_of_an_empty_then_migrated_database(db_url: str, engine: Engine) -> None:
    empty = check_database(engine)
    assert (empty.ok, empty.revision, empty.head) == (False, None, head_revision())
    assert "no schema yet" in empty.message
    with pytest.raises(ConfigError, match=r"^TREMPLIN_DATABASE_URL: .*no schema yet"):
        require_database(engine)

    upgrade_database(db_url)

    migrated = require_database(engine)
    assert (migrated.ok, migrated.revision, migrated.dialect) == (True, head_revision(), engine.dialect.name)


def test_unreachable_postgresql_is_a_status_not_a_crash() -> None:
    engine = make_engine(f"postgresql+psycopg://tremplin:{PASSWORD}@127.0.0.1:1/tremplin")
    status = check_database(engine)
    assert (status.ok, status.dialect, status.revision) == (False, "postgresql", None)
    assert status.message.startswith("cannot connect to postgresql+psycopg://tremplin:***@127.0.0.1:1/tremplin: ")
    assert "refused" in status.message
    assert "\n" not in status.message
    assert PASSWORD not in status.message
    with pytest.raises(ConfigError, match="cannot connect"):
        require_database(engine)


def test_migrating_an_unreachable_postgresql_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as caught:
        upgrade_database(f"postgresql+psycopg://tremplin:{PASSWORD}@127.0.0.1:1/tremplin")
    message = str(caught.value)
    assert message.startswith("TREMPLIN_DATABASE_URL: cannot connect to postgresql+psycopg://tremplin:***@")
    assert "\n" not in message
    assert PASSWORD not in message


def test_get_engine_follows_the_settings_and_is_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    default = get_engine()
    assert default is get_engine()
    assert default.url.database == str(get_settings().data_dir / "tremplin.db")

    monkeypatch.setenv("TREMPLIN_DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    get_settings.cache_clear()
    assert get_engine().url.database == str(tmp_path / "other.db")
