"""Retention periods, applied by `tremplin retention run` (meant for a daily timer).

- Transcripts (`TREMPLIN_RETENTION_DAYS_TRANSCRIPTS`): once a session has had no activity for that long (its
  completion, or its last update if it never completed), its messages, pseudonym vault and LangGraph
  checkpoints are deleted.
- Reports (`TREMPLIN_RETENTION_DAYS_REPORTS`): once a report is that old, its personal parts are redacted as by
  an erasure (quotes, rationales, strengths, decision comments); levels and recommendations stay.

Running it again finds nothing more to do. One `retention_applied` audit event records the cut-off dates and
counts of each run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.db.audit import DatabaseAuditSink
from app.db.models import AssessmentSession, Decision, Message, PiiVaultEntry, Report, utcnow
from app.privacy.records import ERASED_TEXT, delete_checkpoints, is_redacted, redact_report_json
from app.settings import Settings, get_settings

RETENTION_EVENT = "retention_applied"


@dataclass(frozen=True)
class RetentionSummary:
    transcripts_before: str
    reports_before: str
    sessions_purged: int
    checkpointed_sessions: int
    messages: int
    vault_entries: int
    reports_redacted: int
    decisions_redacted: int


def run_retention(
    engine: Engine, *, actor: str, now: datetime | None = None, settings: Settings | None = None
) -> RetentionSummary:
    settings = settings or get_settings()
    now = now or utcnow()
    transcripts_before = now - timedelta(days=settings.retention_days_transcripts)
    reports_before = now - timedelta(days=settings.retention_days_reports)
    last_activity = sa.func.coalesce(col(AssessmentSession.completed_at), col(AssessmentSession.updated_at))
    with Session(engine) as db:
        expired = list(db.exec(select(AssessmentSession.id).where(last_activity < transcripts_before)).all())
    checkpointed = delete_checkpoints(expired, settings)
    with Session(engine) as db, db.begin():
        messages = _count_and_delete(db, Message, col(Message.session_id).in_(expired))
        vault = _count_and_delete(db, PiiVaultEntry, col(PiiVaultEntry.session_id).in_(expired))
        old_reports = [
            report
            for report in db.exec(select(Report).where(col(Report.created_at) < reports_before)).all()
            if not is_redacted(report.report_json)
        ]
        for report in old_reports:
            report.report_json = redact_report_json(report.report_json)
            db.add(report)
        decisions = db.exec(
            select(Decision).where(
                col(Decision.session_id).in_([report.session_id for report in old_reports]),
                col(Decision.comment) != ERASED_TEXT,
            )
        ).all()
        for decision in decisions:
            decision.comment = ERASED_TEXT
            db.add(decision)
    summary = RetentionSummary(
        transcripts_before=transcripts_before.isoformat(),
        reports_before=reports_before.isoformat(),
        sessions_purged=len(messages | vault),
        checkpointed_sessions=checkpointed,
        messages=sum(messages.values()),
        vault_entries=sum(vault.values()),
        reports_redacted=len(old_reports),
        decisions_redacted=len(decisions),
    )
    DatabaseAuditSink(engine).append(RETENTION_EVENT, asdict(summary), actor=actor)
    return summary


def _count_and_delete(
    db: Session, model: type[Message] | type[PiiVaultEntry], condition: sa.ColumnElement[bool]
) -> dict[str, int]:
    """Rows per session that match, then deleted."""
    session_column = col(model.session_id)
    rows = db.execute(sa.select(session_column, sa.func.count()).where(condition).group_by(session_column))
    counts: dict[str, int] = {str(session_id): int(count) for session_id, count in rows.tuples().all()}
    db.execute(sa.delete(model).where(condition))
    return counts
