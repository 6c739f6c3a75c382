"""An invitation link binds to the first browser that opens it, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.audit import MemoryAuditSink
from app.browser_binding import (
    OTHER_BROWSER,
    UNKNOWN_SESSION,
    browser_key_from,
    claim,
    fingerprint,
    new_browser_key,
)
from app.db.models import AssessmentSession, Candidate, Organisation, OrganisationKind
from app.invitations import InvalidInvitation


@pytest.fixture
def session_id(migrated_engine: Engine) -> str:
    with Session(migrated_engine) as db:
        organisation = Organisation(name="Centre de test", kind=OrganisationKind.TRAINING_CENTRE)
        db.add(organisation)
        db.flush()
        candidate = Candidate(organisation_id=organisation.id)
        db.add(candidate)
        db.flush()
        row = AssessmentSession(candidate_id=candidate.id, rubric_id="aide-soignant", rubric_version="2.0.0")
        db.add(row)
        db.commit()
        return row.id


def _binding(engine: Engine, session_id: str) -> str | None:
    with Session(engine) as db:
        row = db.get(AssessmentSession, session_id)
        assert row is not None
        return row.browser_binding


def test_the_first_browser_binds_and_keeps_access(migrated_engine: Engine, session_id: str) -> None:
    audit, key = MemoryAuditSink(), new_browser_key()
    claim(migrated_engine, session_id, key, audit)
    claim(migrated_engine, session_id, key, audit)  # a second tab, or coming back later
    stored = _binding(migrated_engine, session_id)
    assert stored == fingerprint(key)
    assert key not in (stored or "")  # only the hash is stored
    assert [event for event, _, _ in audit.events] == ["invitation_bound_to_browser"]


def test_another_browser_is_refused_in_french_and_the_binding_stays(migrated_engine: Engine, session_id: str) -> None:
    audit, first = MemoryAuditSink(), new_browser_key()
    claim(migrated_engine, session_id, first, audit)
    with pytest.raises(InvalidInvitation) as refused:
        claim(migrated_engine, session_id, new_browser_key(), audit)
    assert refused.value is OTHER_BROWSER
    assert "déjà été ouvert sur un autre appareil" in refused.value.candidate_message
    assert "nouveau lien" in refused.value.candidate_message
    assert _binding(migrated_engine, session_id) == fingerprint(first)
    assert [event for event, _, sid in audit.events if sid == session_id] == [
        "invitation_bound_to_browser",
        "invitation_refused_other_browser",
    ]


def test_an_unknown_session_is_refused(migrated_engine: Engine) -> None:
    with pytest.raises(InvalidInvitation) as refused:
        claim(migrated_engine, "no-such-session", new_browser_key(), MemoryAuditSink())
    assert refused.value is UNKNOWN_SESSION


def test_browsers_racing_for_a_fresh_link_leave_exactly_one_winner(migrated_engine: Engine, session_id: str) -> None:
    keys = [new_browser_key() for _ in range(6)]
    winners: list[str] = []
    barrier = threading.Barrier(len(keys))

    def open_link(key: str) -> None:
        barrier.wait()
        try:
            claim(migrated_engine, session_id, key, MemoryAuditSink())
        except InvalidInvitation:
            return
        winners.append(key)

    threads = [threading.Thread(target=open_link, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(winners) == 1
    assert _binding(migrated_engine, session_id) == fingerprint(winners[0])


@pytest.mark.parametrize(
    ("cookies", "usable"),
    [
        ({}, False),
        ({"tremplin_browser": ""}, False),
        ({"tremplin_browser": "short"}, False),
        ({"tremplin_browser": "k" * 10_000}, False),
        ({"tremplin_browser": "k" * 43}, True),
    ],
)
def test_only_a_plausible_browser_key_counts(cookies: dict[str, str], usable: bool) -> None:
    assert (browser_key_from(cookies) is not None) is usable
