"""The right to erasure: the candidate's personal data is gone everywhere, statistics and the audit trail stay,
other candidates are untouched."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from app.checkpoints import open_checkpointer
from app.db.audit import verify_chain
from app.db.models import AuditEvent, Candidate, Decision, Message, PiiVaultEntry, Report, Shortlist
from app.privacy import UnknownCandidate, erase_candidate
from app.privacy.records import ERASED_TEXT
from app.settings import get_settings
from tests.privacy.world import World


def _rows_as_text(engine: Engine, *, skip: frozenset[str] = frozenset()) -> str:
    """Every value of every application table, as one string to search."""
    parts: list[str] = []
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            if table.name not in skip:
                parts.extend(repr(tuple(row)) for row in connection.execute(sa.select(table)))
    return "\n".join(parts)


def _has_checkpoint(session_id: str) -> bool:
    with open_checkpointer(get_settings()) as saver:
        return saver.get_tuple({"configurable": {"thread_id": session_id}}) is not None


def _report(engine: Engine, session_id: str) -> dict[str, Any]:
    with Session(engine) as db:
        row = db.exec(select(Report).where(Report.session_id == session_id)).one()
        return row.report_json


def test_erasure_removes_personal_data_everywhere_and_keeps_statistics(app_engine: Engine, world: World) -> None:
    alice, bruno = world.alice, world.bruno
    assert _has_checkpoint(alice.session_id)
    before = _report(app_engine, alice.session_id)

    summary = erase_candidate(app_engine, alice.candidate_id, actor="user:1")

    assert (summary.sessions, summary.checkpointed_sessions, summary.messages, summary.vault_entries) == (1, 1, 2, 1)
    assert (summary.reports_redacted, summary.decisions_redacted, summary.shortlists_renamed) == (1, 2, 1)
    assert (summary.overrides_redacted, summary.matching_profile, summary.protected_attributes) == (1, True, True)
    assert not summary.already_erased
    everything = _rows_as_text(app_engine, skip=frozenset({"audit_event"}))
    for personal in (alice.quote, alice.comment, alice.pseudonym):
        assert personal not in everything
    for kept in (bruno.quote, bruno.comment, bruno.pseudonym):
        assert kept in everything
    assert not _has_checkpoint(alice.session_id)
    assert _has_checkpoint(bruno.session_id)

    with Session(app_engine) as db:
        candidate = db.get(Candidate, alice.candidate_id)
        assert candidate is not None
        assert candidate.erased_at is not None
        assert candidate.pseudonym != alice.pseudonym
        assert db.exec(select(Message).where(Message.session_id == alice.session_id)).all() == []
        assert db.exec(select(PiiVaultEntry).where(PiiVaultEntry.session_id == alice.session_id)).all() == []
        assert len(db.exec(select(Message).where(Message.session_id == bruno.session_id)).all()) == 2
        decision = db.exec(select(Decision).where(Decision.session_id == alice.session_id)).one()
        assert (decision.action, decision.new_value, decision.comment) == ("override", "not_yet", ERASED_TEXT)
        shortlist = db.get(Shortlist, world.shortlist_id)
        assert shortlist is not None
        assert [e["candidate"] for e in shortlist.ranking["ranked"]] == [candidate.pseudonym, bruno.pseudonym]

    redacted = _report(app_engine, alice.session_id)
    for kept_key in ("recommendation", "confidence", "flags", "rubric", "scoring"):
        assert redacted[kept_key] == before[kept_key]
    assert [c["level"] for c in redacted["criteria"]] == [c["level"] for c in before["criteria"]]
    assert all(c["evidence"] == [] and c["rationale"] == ERASED_TEXT for c in redacted["criteria"])
    assert redacted["candidate_id"] != alice.pseudonym


def test_erasure_is_logged_and_the_audit_trail_stays_intact(app_engine: Engine, world: World) -> None:
    with Session(app_engine) as db:
        before = db.exec(select(AuditEvent.id).order_by(AuditEvent.id)).all()  # type: ignore[arg-type]

    erase_candidate(app_engine, world.alice.candidate_id, actor="user:1")

    with Session(app_engine) as db:
        events = db.exec(select(AuditEvent).order_by(AuditEvent.id)).all()  # type: ignore[arg-type]
    assert [e.id for e in events[: len(before)]] == list(before)  # nothing removed
    erased = events[-1]
    assert (erased.event_type, erased.actor, erased.payload["candidate_id"]) == (
        "candidate_erased",
        "user:1",
        world.alice.candidate_id,
    )
    assert verify_chain(app_engine).ok


def test_erasing_again_finds_nothing_left_and_is_logged_again(app_engine: Engine, world: World) -> None:
    erase_candidate(app_engine, world.alice.candidate_id, actor="cli")
    second = erase_candidate(app_engine, world.alice.candidate_id, actor="cli")

    assert second.already_erased
    assert (second.messages, second.vault_entries, second.checkpointed_sessions, second.overrides_redacted) == (
        0,
        0,
        0,
        0,
    )
    assert not second.matching_profile
    with Session(app_engine) as db:
        kinds = db.exec(select(AuditEvent.event_type).where(AuditEvent.event_type == "candidate_erased")).all()
    assert len(kinds) == 2


def test_erasing_an_unknown_candidate_changes_nothing(app_engine: Engine, world: World) -> None:
    before = _rows_as_text(app_engine)
    with pytest.raises(UnknownCandidate):
        erase_candidate(app_engine, "00000000-0000-0000-0000-000000000000", actor="cli")
    assert _rows_as_text(app_engine) == before
