from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from app.db.models import Organisation, OrganisationKind
from app.db.session import SessionDep, session_scope
from app.settings import get_settings


def _organisations(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.exec(select(Organisation.name)).all())


def test_session_scope_commits_on_success(migrated_engine: Engine) -> None:
    with session_scope(migrated_engine) as session:
        session.add(Organisation(name="Mission locale de Nancy", kind=OrganisationKind.MISSION_LOCALE))
    assert _organisations(migrated_engine) == ["Mission locale de Nancy"]


def _add_then_fail(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(Organisation(name="Mission locale de Nancy", kind=OrganisationKind.MISSION_LOCALE))
        session.flush()
        raise RuntimeError("boom")


def test_session_scope_rolls_back_on_error(migrated_engine: Engine) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        _add_then_fail(migrated_engine)
    assert _organisations(migrated_engine) == []


def test_session_dependency_uses_the_configured_database(
    db_url: str, migrated_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TREMPLIN_DATABASE_URL", db_url)
    get_settings.cache_clear()
    app = FastAPI()

    @app.post("/organisations")
    def create(session: SessionDep) -> int:
        session.add(Organisation(name="Centre AFPA Strasbourg", kind=OrganisationKind.TRAINING_CENTRE))
        session.commit()
        return session.exec(select(func.count()).select_from(Organisation)).one()

    with TestClient(app) as client:
        response = client.post("/organisations")

    assert (response.status_code, response.json()) == (200, 1)
    assert _organisations(migrated_engine) == ["Centre AFPA Strasbourg"]
