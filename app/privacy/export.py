"""The right of access: everything Tremplin holds on one candidate, as one JSON document.

The pseudonym vault is decrypted: the candidate is entitled to the values their placeholders stand for. The
document therefore holds personal data and goes only to the person who asked for it; the audit event of the
export records its sha256 and counts, never its content.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from app.db.audit import DatabaseAuditSink
from app.db.models import (
    AssessmentSession,
    AuditEvent,
    CandidateMatchingProfile,
    CandidateProtectedAttributes,
    Decision,
    DecisionSubject,
    Message,
    Report,
    Shortlist,
    ShortlistOverride,
    TrainingOffer,
)
from app.pii.vault import DatabaseVault, VaultCipher
from app.privacy.records import get_candidate, session_ids_of
from app.settings import Settings, get_settings

EXPORT_FORMAT = "tremplin-candidate-export/1"
EXPORTED_EVENT = "candidate_exported"


def export_candidate(
    engine: Engine, candidate_id: str, *, actor: str, settings: Settings | None = None
) -> dict[str, Any]:
    """The candidate's data as a JSON-ready dict, and a `candidate_exported` audit event.

    `UnknownCandidate` if there is none; `VaultKeyError` if the vault cannot be decrypted with the configured key
    (nothing is exported half-way).
    """
    settings = settings or get_settings()
    vault = DatabaseVault(engine, VaultCipher(settings.pii_vault_key.get_secret_value()))
    with Session(engine) as db:
        candidate = get_candidate(db, candidate_id)
        session_ids = session_ids_of(db, candidate_id)
        pseudonyms = {candidate.pseudonym}
        document: dict[str, Any] = {
            "format": EXPORT_FORMAT,
            "exported_at": datetime.now(UTC).isoformat(),
            "candidate": _plain(candidate),
            "protected_attributes": _optional(db.get(CandidateProtectedAttributes, candidate_id)),
            "matching_profile": _optional(db.get(CandidateMatchingProfile, candidate_id)),
            "sessions": [_session(db, vault, session_id) for session_id in session_ids],
            "shortlist_entries": _shortlist_entries(db, pseudonyms),
            "shortlist_overrides": _rows(
                db.exec(select(ShortlistOverride).where(col(ShortlistOverride.candidate).in_(pseudonyms))).all()
            ),
            "shortlist_decisions": _rows(
                db.exec(
                    select(Decision).where(
                        col(Decision.subject) == DecisionSubject.SHORTLIST_ENTRY,
                        col(Decision.target).in_([f"candidate:{code}" for code in pseudonyms]),
                    )
                ).all()
            ),
            "audit_events": _audit_events(db, candidate_id, session_ids, pseudonyms),
        }
    text = json.dumps(document, sort_keys=True, ensure_ascii=False)
    DatabaseAuditSink(engine).append(
        EXPORTED_EVENT,
        {
            "candidate_id": candidate_id,
            "sessions": len(session_ids),
            "export_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        },
        actor=actor,
    )
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _plain(row: SQLModel) -> dict[str, Any]:
    return row.model_dump(mode="json")


def _optional(row: SQLModel | None) -> dict[str, Any] | None:
    return None if row is None else _plain(row)


def _rows(rows: Any) -> list[dict[str, Any]]:
    return [_plain(row) for row in rows]


def _session(db: Session, vault: DatabaseVault, session_id: str) -> dict[str, Any]:
    session = db.get(AssessmentSession, session_id)
    assert session is not None  # listed from the same table in the same transaction
    offer = db.get(TrainingOffer, session.offer_id) if session.offer_id is not None else None
    messages = db.exec(select(Message).where(Message.session_id == session_id).order_by(col(Message.seq))).all()
    report = db.exec(select(Report).where(Report.session_id == session_id)).first()
    decisions = db.exec(select(Decision).where(Decision.session_id == session_id).order_by(col(Decision.id))).all()
    return {
        **_plain(session),
        "offer": None if offer is None else {"id": offer.id, "title": offer.title},
        "messages": _rows(messages),
        "pseudonyms": [
            {"placeholder": entry.placeholder, "entity": entry.entity, "value": entry.value}
            for entry in vault.entries(session_id)
        ],
        "report": _optional(report),
        "decisions": _rows(decisions),
    }


def _shortlist_entries(db: Session, pseudonyms: set[str]) -> list[dict[str, Any]]:
    """Each stored ranking that lists the candidate: the offer, when, and their own entry (not the others')."""
    found = []
    for shortlist in db.exec(
        select(Shortlist).where(_json_mentions(col(Shortlist.ranking), pseudonyms)).order_by(col(Shortlist.id))
    ).all():
        for part in ("ranked", "excluded"):
            for position, entry in enumerate(shortlist.ranking.get(part, []), start=1):
                if entry.get("candidate") in pseudonyms:
                    found.append(
                        {
                            "shortlist_id": shortlist.id,
                            "offer_id": shortlist.offer_id,
                            "created_at": shortlist.created_at.isoformat(),
                            "weights_version": shortlist.weights_version,
                            "list": part,
                            "position": position,
                            "entry": entry,
                        }
                    )
    return found


def _json_mentions(column: Any, values: set[str]) -> Any:
    """A cheap pre-filter in SQL (the JSON text holds one of the values as a string); callers check exactly."""
    text = sa.cast(column, sa.Text)
    return sa.or_(*(text.contains(f'"{value}"') for value in sorted(values)))


def _audit_events(db: Session, candidate_id: str, session_ids: list[str], pseudonyms: set[str]) -> list[dict[str, Any]]:
    """Events of the candidate's sessions, plus those naming the candidate (by id or pseudonym) in their payload."""
    by_session = db.exec(select(AuditEvent).where(col(AuditEvent.session_id).in_(session_ids))).all()
    by_payload = [
        event
        for event in db.exec(
            select(AuditEvent).where(
                col(AuditEvent.session_id).is_(None),
                _json_mentions(col(AuditEvent.payload), {candidate_id, *pseudonyms}),
            )
        ).all()
        if event.payload.get("candidate_id") == candidate_id or event.payload.get("candidate") in pseudonyms
    ]
    events = sorted({event.id: event for event in [*by_session, *by_payload]}.values(), key=lambda e: e.id or 0)
    return _rows(events)
