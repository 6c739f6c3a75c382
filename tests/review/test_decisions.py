"""Human decisions on a real database (SQLite, and PostgreSQL when configured): the form's checks in French,
the original value kept beside the referent's, the history, the scrubbed comment and the audit trail."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.assessment.report import AssessmentReport, build_report, save_report
from app.db.audit import DatabaseAuditSink, verify_chain
from app.db.models import (
    AssessmentSession,
    AuditEvent,
    Candidate,
    Decision,
    DecisionAction,
    Organisation,
    OrganisationKind,
    ReasonCode,
    Report,
    User,
)
from app.review.decisions import (
    DecisionFormError,
    basis_sha256,
    decisions_for_session,
    parse_decision_form,
    record_decision,
    report_targets,
)
from app.review.report_view import build_report_view
from tests.assessment.scoring.test_report import scoring
from tests.fakes.scrubber import MASK, SECRET_NAME, TAG, TaggingScrubber

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
REPORT = build_report(scorings=[scoring((3, None, 2, 1))], now=NOW)  # rule 4: ready_with_support


def _stored(engine: Engine) -> tuple[str, int, AssessmentReport]:
    """A session of a candidate of a training centre with its stored report, and a referent of that centre."""
    with Session(engine) as db:
        org = Organisation(name="Centre de formation, Metz", kind=OrganisationKind.TRAINING_CENTRE)
        db.add(org)
        db.flush()
        assert org.id is not None
        user = User(email="ref@example.fr", full_name="Anne Référente", organisation_id=org.id, password_hash="x")
        candidate = Candidate(organisation_id=org.id)
        db.add_all([user, candidate])
        db.flush()
        session = AssessmentSession(candidate_id=candidate.id, rubric_id="aide-soignant", rubric_version="2.0.0")
        db.add(session)
        db.flush()
        report = REPORT.model_copy(update={"session_id": session.id})
        save_report(db, report)
        db.commit()
        assert user.id is not None
        return session.id, user.id, report


def _form(**values: str) -> dict[str, str]:
    return {"target": "recommendation", "action": "accept", "reason_code": "evidence_supports", "comment": ""} | values


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"target": "criterion:quiz:nope"}, "Ce point n'existe pas", id="unknown-target"),
        pytest.param({"action": "delete"}, "Choisissez ce que vous décidez", id="unknown-action"),
        pytest.param({"reason_code": ""}, "Choisissez un motif", id="no-reason"),
        pytest.param({"reason_code": "because"}, "Choisissez un motif", id="unknown-reason"),
        pytest.param({"action": "override", "comment": "x"}, "choisissez la nouvelle valeur", id="override-no-value"),
        pytest.param(
            {"action": "override", "new_value": "excellent", "comment": "x"},
            "choisissez la nouvelle valeur",
            id="override-unknown-value",
        ),
        pytest.param(
            {
                "target": "criterion:motivation_interview:job_knowledge",
                "action": "override",
                "new_value": "4",
                "comment": "x",
            },
            "choisissez la nouvelle valeur",
            id="level-out-of-range",
        ),
        pytest.param(
            {
                "target": "criterion:motivation_interview:job_knowledge",
                "action": "override",
                "new_value": "3",
                "comment": "x",
            },
            "est celle proposée par l'outil (niveau 3 sur 3)",
            id="override-to-the-same-level",
        ),
        pytest.param({"new_value": "not_yet"}, "qu'avec « Modifier »", id="value-without-override"),
        pytest.param(
            {"action": "override", "new_value": "not_yet"}, "Expliquez votre décision", id="override-no-comment"
        ),
        pytest.param({"action": "new_assessment"}, "Expliquez votre décision", id="new-assessment-no-comment"),
        pytest.param({"reason_code": "other"}, "Expliquez votre décision", id="other-no-comment"),
        pytest.param(
            {"comment": "x" * 2001}, "trop long : 2000 caractères au plus (2001 saisis)", id="comment-too-long"
        ),
        pytest.param({"comment": "a\x00b"}, "caractère invalide", id="nul-character"),
    ],
)
def test_a_bad_decision_form_is_refused_in_french(changes: dict[str, str], message: str) -> None:
    targets = report_targets(REPORT.model_copy(update={"session_id": "s"}))
    with pytest.raises(DecisionFormError, match=re.escape(message)):
        parse_decision_form(_form(**changes), targets)


def test_an_accept_needs_no_comment_and_an_unassessed_level_can_be_set() -> None:
    targets = report_targets(REPORT)
    accepted = parse_decision_form(_form(), targets)
    assert (accepted.action, accepted.new_value, accepted.comment) == (DecisionAction.ACCEPT, None, "")
    override = parse_decision_form(
        _form(
            target="criterion:motivation_interview:project_coherence",
            action="override",
            new_value="0",
            reason_code="known_outside_assessment",
            comment="  Vu en entretien.  ",
        ),
        targets,
    )
    assert (override.target.original, override.new_value, override.comment) == (None, "0", "Vu en entretien.")


def test_an_override_keeps_the_original_score_and_both_go_to_the_audit_log(migrated_engine: Engine) -> None:
    session_id, user_id, report = _stored(migrated_engine)
    audit = DatabaseAuditSink(migrated_engine, actor=f"user:{user_id}")
    targets = report_targets(report)
    scrubber = TaggingScrubber()
    with Session(migrated_engine) as db:
        stored_before = db.exec(select(Report.report_json)).one()
        for form in (
            _form(action="override", new_value="not_yet", reason_code="evidence_misread", comment=f"Vu {SECRET_NAME}."),
            _form(target="criterion:motivation_interview:practical_readiness"),
            _form(action="override", new_value="ready", reason_code="other", comment="Après un second entretien."),
        ):
            record_decision(
                db,
                parse_decision_form(form, targets),
                user_id=user_id,
                basis=basis_sha256(stored_before),
                audit=audit,
                scrubber=scrubber,
                session_id=session_id,
            )

    with Session(migrated_engine) as db:
        assert db.exec(select(Report.report_json)).one() == stored_before  # the tool's result is untouched
        rows = decisions_for_session(db, session_id)
        assert [(d.target, d.action, d.original_value, d.new_value, d.reason_code) for d in rows] == [
            ("recommendation", "override", report.recommendation, "not_yet", ReasonCode.EVIDENCE_MISREAD),
            ("criterion:motivation_interview:practical_readiness", "accept", "2", None, ReasonCode.EVIDENCE_SUPPORTS),
            ("recommendation", "override", report.recommendation, "ready", ReasonCode.OTHER),
        ]
        assert rows[0].comment == f"{TAG}Vu {MASK}."
        assert SECRET_NAME not in rows[0].comment
        assert {d.basis_sha256 for d in rows} == {basis_sha256(stored_before)}
        events = db.exec(select(AuditEvent).where(AuditEvent.event_type == "decision.recorded")).all()

    assert [(e.actor, e.session_id) for e in events] == [(f"user:{user_id}", session_id)] * 3
    assert [
        (e.payload["user_id"], e.payload["target"], e.payload["original_value"], e.payload["new_value"]) for e in events
    ] == [
        (user_id, "recommendation", report.recommendation, "not_yet"),
        (user_id, "criterion:motivation_interview:practical_readiness", "2", None),
        (user_id, "recommendation", report.recommendation, "ready"),
    ]
    assert all("comment" not in e.payload for e in events)  # the free text stays out of the log, its hash is in
    assert verify_chain(migrated_engine).ok

    # The page shows the tool's proposal, the decision in force (the latest) and the whole history.
    view = build_report_view(report, pseudonym=None, decisions=rows, user_names={user_id: "Anne Référente"})
    assert view.recommendation == "Prêt, avec un accompagnement"
    assert view.recommendation_decision is not None
    assert view.recommendation_decision.new == "Prêt pour la formation"
    assert [(d.action, d.original, d.new, d.decided_by) for d in view.decisions] == [
        ("Modifier", "Prêt, avec un accompagnement", "Pas encore prêt", "Anne Référente"),
        ("Accepter", "niveau 2 sur 3", None, "Anne Référente"),
        ("Modifier", "Prêt, avec un accompagnement", "Prêt pour la formation", "Anne Référente"),
    ]
    assert view.criteria[2].decision is not None
    assert view.criteria[2].level_label == "niveau 2 sur 3"


def test_the_database_refuses_an_override_without_a_value_or_a_decision_about_nothing(migrated_engine: Engine) -> None:
    session_id, user_id, _ = _stored(migrated_engine)
    common = {
        "target": "recommendation",
        "reason_code": ReasonCode.OTHER,
        "basis_sha256": "a" * 64,
        "decided_by": user_id,
    }
    for row in (
        Decision(subject="report", session_id=session_id, action=DecisionAction.OVERRIDE, **common),
        Decision(subject="report", action=DecisionAction.ACCEPT, **common),
    ):
        with Session(migrated_engine) as db:
            db.add(row)
            with pytest.raises(sa.exc.IntegrityError):
                db.commit()
