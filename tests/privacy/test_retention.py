"""Retention periods: old transcripts and old reports' personal parts go, recent ones stay, a rerun does nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.checkpoints import open_checkpointer
from app.db.models import AssessmentSession, AuditEvent, Decision, Message, PiiVaultEntry, Report, utcnow
from app.privacy import run_retention
from app.privacy.records import ERASED_TEXT
from app.settings import get_settings
from tests.privacy.world import World


def _age(engine: Engine, session_id: str, *, idle_days: int, report_days: int, now: datetime) -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.update(AssessmentSession)
            .where(col(AssessmentSession.id) == session_id)
            .values(completed_at=now - timedelta(days=idle_days), updated_at=now - timedelta(days=idle_days))
        )
        connection.execute(
            sa.update(Report)
            .where(col(Report.session_id) == session_id)
            .values(created_at=now - timedelta(days=report_days))
        )


def _counts(engine: Engine, session_id: str) -> tuple[int, int, bool]:
    with Session(engine) as db:
        messages = len(db.exec(select(Message).where(Message.session_id == session_id)).all())
        vault = len(db.exec(select(PiiVaultEntry).where(PiiVaultEntry.session_id == session_id)).all())
    with open_checkpointer(get_settings()) as saver:
        checkpoint = saver.get_tuple({"configurable": {"thread_id": session_id}}) is not None
    return messages, vault, checkpoint


def _evidence(engine: Engine, session_id: str) -> list[list[str]]:
    with Session(engine) as db:
        report = db.exec(select(Report).where(Report.session_id == session_id)).one()
        return [criterion["evidence"] for criterion in report.report_json["criteria"]]


def test_periods_apply_to_old_data_only_and_a_rerun_does_nothing(
    app_engine: Engine, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TREMPLIN_RETENTION_DAYS_TRANSCRIPTS", "180")
    monkeypatch.setenv("TREMPLIN_RETENTION_DAYS_REPORTS", "730")
    get_settings.cache_clear()
    now = utcnow()
    _age(app_engine, world.alice.session_id, idle_days=181, report_days=731, now=now)  # both periods over
    _age(app_engine, world.bruno.session_id, idle_days=179, report_days=729, now=now)  # neither

    first = run_retention(app_engine, actor="cli", now=now)

    assert (first.sessions_purged, first.messages, first.vault_entries, first.checkpointed_sessions) == (1, 2, 1, 1)
    assert (first.reports_redacted, first.decisions_redacted) == (1, 1)
    assert _counts(app_engine, world.alice.session_id) == (0, 0, False)
    assert _counts(app_engine, world.bruno.session_id) == (2, 1, True)
    assert _evidence(app_engine, world.alice.session_id) == [[]] * 4
    assert _evidence(app_engine, world.bruno.session_id) == [[world.bruno.quote]] * 4
    with Session(app_engine) as db:
        comments = dict(
            db.exec(select(Decision.session_id, Decision.comment).where(col(Decision.session_id).is_not(None))).all()
        )
    assert comments == {world.alice.session_id: ERASED_TEXT, world.bruno.session_id: world.bruno.comment}

    second = run_retention(app_engine, actor="cli", now=now)

    assert (
        second.sessions_purged,
        second.checkpointed_sessions,
        second.reports_redacted,
        second.decisions_redacted,
    ) == (
        0,
        0,
        0,
        0,
    )
    with Session(app_engine) as db:
        events = db.exec(select(AuditEvent).where(AuditEvent.event_type == "retention_applied")).all()
    assert [event.payload["messages"] for event in events] == [2, 0]
    assert events[0].payload["transcripts_before"] == (now - timedelta(days=180)).isoformat()


@pytest.mark.parametrize("value", ["0", "-3", "forever", "4000"])
def test_a_bad_period_is_a_one_line_settings_error(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.errors import ConfigError

    monkeypatch.setenv("TREMPLIN_RETENTION_DAYS_REPORTS", value)
    get_settings.cache_clear()
    with pytest.raises(ConfigError, match="TREMPLIN_RETENTION_DAYS_REPORTS"):
        get_settings()
