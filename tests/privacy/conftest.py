from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from app.db.engine import make_engine
from app.db.migrate import upgrade_database
from app.settings import get_settings
from tests.db.conftest import db_url, postgres_database  # noqa: F401 (the storage fixtures)
from tests.privacy.world import World, build_world


@pytest.fixture
def app_engine(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:  # noqa: F811
    """A migrated database that is also the configured one (so checkpoints go there on PostgreSQL)."""
    monkeypatch.setenv("TREMPLIN_DATABASE_URL", db_url)
    get_settings.cache_clear()
    upgrade_database(db_url)
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def world(app_engine: Engine) -> World:
    return build_world(app_engine)
