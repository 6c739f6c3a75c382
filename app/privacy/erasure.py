"""The right to erasure: what is personal goes, what is statistical stays, anonymised.

Deleted: the transcripts (messages), the pseudonym vault, the LangGraph checkpoints of the candidate's
sessions, their matching profile and their declared protected attributes. Redacted in place: the reports'
personal parts (evidence quotes, rationales, strengths) and the free text of the decisions about them; levels,
recommendations and decision codes stay for the indicators. The candidate gets a new random pseudonym, written
everywhere the old one was stored (shortlists, overrides, decisions), so the code known outside Tremplin no
longer leads to anything; audit events, which cannot change, keep only that old code and ids.

The checkpoints are deleted first and the database changes run in one transaction, so an interrupted erasure
can simply be run again; running it on an erased candidate removes whatever is left and is logged again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult, Engine
from sqlmodel import Session, col, select

from app.db.audit import DatabaseAuditSink
from app.db.models import (
    CandidateMatchingProfile,
    CandidateProtectedAttributes,
    Decision,
    DecisionSubject,
    Message,
    PiiVaultEntry,
    Report,
    Shortlist,
    ShortlistOverride,
    new_pseudonym,
    utcnow,
)
from app.privacy.records import (
    ERASED_TEXT,
    delete_checkpoints,
    get_candidate,
    redact_report_json,
    session_ids_of,
)
from app.settings import Settings, get_settings

ERASED_EVENT = "candidate_erased"


@dataclass(frozen=True)
class ErasureSummary:
    candidate_id: str
    already_erased: bool
    sessions: int
    checkpointed_sessions: int
    messages: int
    vault_entries: int
    reports_redacted: int
    decisions_redacted: int
    shortlists_renamed: int
    overrides_redacted: int
    matching_profile: bool
    protected_attributes: bool


def erase_candidate(
    engine: Engine, candidate_id: str, *, actor: str, settings: Settings | None = None
) -> ErasureSummary:
    """Erase a candidate's personal data (see the module docstring) and log it. `UnknownCandidate` if none."""
    with Session(engine) as db:
        get_candidate(db, candidate_id)
        session_ids = session_ids_of(db, candidate_id)
    checkpointed = delete_checkpoints(session_ids, settings or get_settings())
    with Session(engine) as db, db.begin():
        candidate = get_candidate(db, candidate_id)
        already_erased = candidate.erased_at is not None
        old = candidate.pseudonym
        new = old if already_erased else new_pseudonym()
        candidate.pseudonym = new
        candidate.erased_at = candidate.erased_at or utcnow()
        db.add(candidate)
        summary = ErasureSummary(
            candidate_id=candidate_id,
            already_erased=already_erased,
            sessions=len(session_ids),
            checkpointed_sessions=checkpointed,
            messages=_delete_where(db, Message, col(Message.session_id).in_(session_ids)),
            vault_entries=_delete_where(db, PiiVaultEntry, col(PiiVaultEntry.session_id).in_(session_ids)),
            reports_redacted=_redact_reports(db, session_ids, (old, new)),
            decisions_redacted=_redact_decisions(db, session_ids, (old, new)),
            shortlists_renamed=_rename_in_shortlists(db, old, new) if new != old else 0,
            overrides_redacted=_redact_overrides(db, old, new),
            matching_profile=_delete_where(db, CandidateMatchingProfile, _is(CandidateMatchingProfile, candidate_id))
            > 0,
            protected_attributes=_delete_where(
                db, CandidateProtectedAttributes, _is(CandidateProtectedAttributes, candidate_id)
            )
            > 0,
        )
    DatabaseAuditSink(engine).append(ERASED_EVENT, asdict(summary), actor=actor)
    return summary


def _is(model: type[CandidateMatchingProfile] | type[CandidateProtectedAttributes], candidate_id: str) -> Any:
    return col(model.candidate_id) == candidate_id


def _delete_where(db: Session, model: type[Any], condition: Any) -> int:
    result = db.execute(sa.delete(model).where(condition))
    return int(cast("CursorResult[Any]", result).rowcount)


def _redact_reports(db: Session, session_ids: list[str], rename: tuple[str, str]) -> int:
    redacted = 0
    for report in db.exec(select(Report).where(col(Report.session_id).in_(session_ids))).all():
        new_json = redact_report_json(report.report_json, pseudonym=rename)
        if new_json != report.report_json:
            report.report_json = new_json
            db.add(report)
            redacted += 1
    return redacted


def _redact_decisions(db: Session, session_ids: list[str], rename: tuple[str, str]) -> int:
    old_target, new_target = f"candidate:{rename[0]}", f"candidate:{rename[1]}"
    about_them = col(Decision.session_id).in_(session_ids) | (
        (col(Decision.subject) == DecisionSubject.SHORTLIST_ENTRY) & (col(Decision.target) == old_target)
    )
    left_to_do = col(Decision.comment) != ERASED_TEXT
    if old_target != new_target:
        left_to_do = left_to_do | (col(Decision.target) == old_target)
    decisions = db.exec(select(Decision).where(about_them, left_to_do)).all()
    for decision in decisions:
        decision.comment = ERASED_TEXT
        if decision.target == old_target:
            decision.target = new_target
        db.add(decision)
    return len(decisions)


def _rename_in_shortlists(db: Session, old: str, new: str) -> int:
    """Stored rankings name candidates by pseudonym: the entry stays (the ranking is still what was computed),
    under the new code. Only shortlists whose JSON text holds the old code are parsed."""
    text = sa.cast(col(Shortlist.ranking), sa.Text)
    renamed = 0
    for shortlist in db.exec(select(Shortlist).where(text.contains(f'"{old}"'))).all():
        ranking = dict(shortlist.ranking)
        changed = False
        for part in ("ranked", "excluded"):
            entries = []
            for entry in ranking.get(part, []):
                if entry.get("candidate") == old:
                    entry = {**entry, "candidate": new}
                    changed = True
                entries.append(entry)
            ranking[part] = entries
        if changed:
            shortlist.ranking = ranking
            db.add(shortlist)
            renamed += 1
    return renamed


def _redact_overrides(db: Session, old: str, new: str) -> int:
    overrides = db.exec(
        select(ShortlistOverride).where(
            ShortlistOverride.candidate == old,
            (col(ShortlistOverride.reason) != ERASED_TEXT) | (col(ShortlistOverride.candidate) != new),
        )
    ).all()
    for override in overrides:
        override.candidate = new
        override.reason = ERASED_TEXT
        db.add(override)
    return len(overrides)
