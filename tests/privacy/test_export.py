"""The right of access: everything on one candidate, nothing on the others, and the export itself logged."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.db.audit import verify_chain
from app.db.models import AuditEvent
from app.privacy import UnknownCandidate, export_candidate
from tests.privacy.world import World


def test_export_holds_everything_on_the_candidate_and_nothing_on_others(app_engine: Engine, world: World) -> None:
    alice, bruno = world.alice, world.bruno

    document = export_candidate(app_engine, alice.candidate_id, actor="user:1")

    assert document["format"] == "tremplin-candidate-export/1"
    assert document["candidate"]["pseudonym"] == alice.pseudonym
    assert document["protected_attributes"]["sex"] == "F"
    assert document["matching_profile"]["commune"] == "Metz"
    [session] = document["sessions"]
    assert session["id"] == alice.session_id
    assert [m["content_scrubbed"] for m in session["messages"]] == ["Bonjour !", f"{alice.quote} <TELEPHONE_1>"]
    assert session["pseudonyms"] == [{"placeholder": "<TELEPHONE_1>", "entity": "TELEPHONE", "value": alice.phone}]
    assert session["report"]["report_json"]["criteria"][0]["evidence"] == [alice.quote]
    assert [d["comment"] for d in session["decisions"]] == [alice.comment]
    assert [(e["list"], e["position"], e["entry"]["candidate"]) for e in document["shortlist_entries"]] == [
        ("ranked", 1, alice.pseudonym)
    ]
    assert [o["reason"] for o in document["shortlist_overrides"]] == [alice.comment]
    assert [d["target"] for d in document["shortlist_decisions"]] == [f"candidate:{alice.pseudonym}"]
    assert [(e["event_type"], e["session_id"]) for e in document["audit_events"]] == [
        ("session_started", alice.session_id),
        ("shortlist.override", None),
    ]
    text = json.dumps(document, ensure_ascii=False)
    for foreign in (bruno.pseudonym, bruno.phone, bruno.quote, bruno.comment, bruno.session_id):
        assert foreign not in text


def test_the_export_is_logged_without_its_content(app_engine: Engine, world: World) -> None:
    export_candidate(app_engine, world.alice.candidate_id, actor="user:7")

    with Session(app_engine) as db:
        last = db.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()  # type: ignore[union-attr]
    assert last is not None
    assert (last.event_type, last.actor, last.payload["candidate_id"]) == (
        "candidate_exported",
        "user:7",
        world.alice.candidate_id,
    )
    assert set(last.payload) == {"candidate_id", "sessions", "export_sha256"}
    assert world.alice.phone not in json.dumps(last.payload)
    assert verify_chain(app_engine).ok


def test_an_unknown_candidate_is_refused_and_nothing_logged(app_engine: Engine, world: World) -> None:
    with Session(app_engine) as db:
        before = len(db.exec(select(AuditEvent)).all())
    with pytest.raises(UnknownCandidate, match="no candidate with id 'nobody'"):
        export_candidate(app_engine, "nobody", actor="cli")
    with Session(app_engine) as db:
        assert len(db.exec(select(AuditEvent)).all()) == before
