"""Recording a referent's decision on a report or a shortlist entry, and reading the decisions back.

What can be decided on is a `Target`: the report's overall recommendation, one of its criteria, or one entry of
a shortlist, each with the value the tool proposed and the values an override may set. A form is checked
against these targets (`parse_decision_form`, French messages for the referent); the stored decision keeps the
proposed value beside the referent's, and the audit log gets both with the user's id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from app.assessment.report import AssessmentReport
from app.audit import AuditSink
from app.db.audit import canonical_json
from app.db.models import (
    Decision,
    DecisionAction,
    DecisionSubject,
    ReasonCode,
    Shortlist,
)
from app.errors import TremplinError
from app.pii import Scrubber
from app.review import wording

MAX_COMMENT = 2000


class DecisionFormError(TremplinError):
    """A decision form that cannot be recorded; the message is French, for the referent."""


@dataclass(frozen=True)
class Target:
    """One thing a referent can decide on. `original` is the stored value (None: not assessed)."""

    key: str
    label: str
    original: str | None
    original_label: str
    choices: Mapping[str, str]  # override value -> French label
    labels: Mapping[str, str]  # every value a decision on this kind of target can hold -> French label

    def value_label(self, value: str | None) -> str:
        if value is None:
            return wording.NOT_ASSESSED
        return self.labels.get(value, value)


@dataclass(frozen=True)
class DecisionRequest:
    target: Target
    action: DecisionAction
    new_value: str | None
    reason_code: ReasonCode
    comment: str


def criterion_key(flow: str, criterion_id: str) -> str:
    return f"criterion:{flow}:{criterion_id}"


def report_targets(report: AssessmentReport) -> dict[str, Target]:
    """The overall recommendation, then each criterion, in the report's order."""
    levels = {str(level): wording.level_label(level) for level in range(4)}
    recommendations: dict[str, str] = {code: label for code, label in wording.RECOMMENDATIONS.items()}
    targets = [
        Target(
            key="recommendation",
            label="Recommandation",
            original=report.recommendation,
            original_label=wording.RECOMMENDATIONS[report.recommendation],
            choices=recommendations,
            labels=recommendations,
        )
    ]
    for criterion in report.criteria:
        targets.append(
            Target(
                key=criterion_key(criterion.flow, criterion.id),
                label=f"{wording.FLOWS[criterion.flow]} : {criterion.title}",
                original=None if criterion.level is None else str(criterion.level),
                original_label=wording.level_label(criterion.level),
                choices=levels,
                labels=levels,
            )
        )
    return {target.key: target for target in targets}


def shortlist_targets(shortlist: Shortlist) -> dict[str, Target]:
    """Each ranked entry (which an override can exclude) and each excluded one (which it can include)."""
    targets: list[Target] = []
    for rank, item in enumerate(shortlist.ranking["ranked"], start=1):
        pseudonym = item["candidate"]
        targets.append(
            Target(
                key=f"candidate:{pseudonym}",
                label=f"Candidat {pseudonym}",
                original="ranked",
                original_label=f"classé n° {rank} (score {wording.decimal(item['score'])})",
                choices={"exclude": wording.SHORTLIST_CHOICES["exclude"]},
                labels=wording.SHORTLIST_CHOICES,
            )
        )
    for item in shortlist.ranking["excluded"]:
        pseudonym = item["candidate"]
        targets.append(
            Target(
                key=f"candidate:{pseudonym}",
                label=f"Candidat {pseudonym}",
                original="excluded",
                original_label=wording.SHORTLIST_CHOICES["excluded"],
                choices={"include": wording.SHORTLIST_CHOICES["include"]},
                labels=wording.SHORTLIST_CHOICES,
            )
        )
    return {target.key: target for target in targets}


def parse_decision_form(form: Mapping[str, str], targets: Mapping[str, Target]) -> DecisionRequest:
    """Check a submitted decision; every refusal says in plain French what to correct."""
    target = targets.get(form.get("target", ""))
    if target is None:
        raise DecisionFormError("Ce point n'existe pas dans ce document. Rechargez la page et recommencez.")
    try:
        action = DecisionAction(form.get("action", ""))
    except ValueError:
        raise DecisionFormError(
            "Choisissez ce que vous décidez : accepter, modifier ou demander une nouvelle évaluation."
        ) from None
    try:
        reason = ReasonCode(form.get("reason_code", ""))
    except ValueError:
        raise DecisionFormError("Choisissez un motif dans la liste : il est obligatoire.") from None
    new_value = form.get("new_value", "").strip() or None
    if action is DecisionAction.OVERRIDE:
        if new_value is None or new_value not in target.choices:
            raise DecisionFormError(f"Pour modifier « {target.label} », choisissez la nouvelle valeur dans la liste.")
        if new_value == target.original:
            raise DecisionFormError(
                f"La nouvelle valeur est celle proposée par l'outil ({target.original_label}) : choisissez "
                "« Accepter » ou une autre valeur."
            )
    elif new_value is not None:
        raise DecisionFormError(
            "Une nouvelle valeur ne se choisit qu'avec « Modifier ». Retirez-la ou choisissez « Modifier »."
        )
    comment = form.get("comment", "").strip()
    if "\x00" in comment:
        raise DecisionFormError("Le commentaire contient un caractère invalide. Retapez-le sans copier-coller.")
    if len(comment) > MAX_COMMENT:
        raise DecisionFormError(
            f"Le commentaire est trop long : {MAX_COMMENT} caractères au plus ({len(comment)} saisis)."
        )
    if not comment and (action is not DecisionAction.ACCEPT or reason is ReasonCode.OTHER):
        raise DecisionFormError(
            "Expliquez votre décision en quelques mots dans le commentaire : il est obligatoire pour une "
            "modification, une nouvelle évaluation ou le motif « Autre »."
        )
    return DecisionRequest(target=target, action=action, new_value=new_value, reason_code=reason, comment=comment)


def basis_sha256(content: Mapping[str, Any]) -> str:
    """The sha256 of a stored report's or shortlist's JSON: names exactly what a decision was taken on."""
    return hashlib.sha256(canonical_json(dict(content)).encode()).hexdigest()


def record_decision(
    session: Session,
    request: DecisionRequest,
    *,
    user_id: int,
    basis: str,
    audit: AuditSink,
    scrubber: Scrubber,
    session_id: str | None = None,
    shortlist_id: int | None = None,
) -> Decision:
    """Store the decision (the comment scrubbed of personal data), commit, then write it to the audit log.

    The free text itself stays out of the log (it may name people): the event carries its sha256.
    """
    if (session_id is None) == (shortlist_id is None):
        raise ValueError("a decision is about either a session's report or a shortlist")
    subject = DecisionSubject.REPORT if session_id is not None else DecisionSubject.SHORTLIST_ENTRY
    comment = scrubber.scrub(request.comment) if request.comment else ""
    decision = Decision(
        subject=subject,
        session_id=session_id,
        shortlist_id=shortlist_id,
        target=request.target.key,
        action=request.action,
        original_value=request.target.original,
        new_value=request.new_value,
        reason_code=request.reason_code,
        comment=comment,
        basis_sha256=basis,
        decided_by=user_id,
    )
    session.add(decision)
    session.flush()
    payload = {
        "decision_id": decision.id,
        "user_id": user_id,
        "subject": str(subject),
        "shortlist_id": shortlist_id,
        "target": decision.target,
        "action": str(decision.action),
        "original_value": decision.original_value,
        "new_value": decision.new_value,
        "reason_code": str(decision.reason_code),
        "basis_sha256": basis,
        "comment_sha256": hashlib.sha256(comment.encode()).hexdigest(),
    }
    # Commit before the audit sink takes its own write transaction, and leave no read transaction open here.
    session.commit()
    audit("decision.recorded", payload, session_id=session_id)
    return decision


def decisions_for_session(session: Session, session_id: str) -> list[Decision]:
    """Every decision on a session's report, oldest first."""
    return list(
        session.exec(select(Decision).where(Decision.session_id == session_id).order_by(col(Decision.id))).all()
    )


def decisions_for_shortlists(session: Session, shortlist_ids: Sequence[int]) -> list[Decision]:
    """Every decision on entries of these shortlists, oldest first."""
    return list(
        session.exec(
            select(Decision).where(col(Decision.shortlist_id).in_(shortlist_ids)).order_by(col(Decision.id))
        ).all()
    )


def latest_by_target(decisions: Sequence[Decision]) -> dict[str, Decision]:
    """The decision in force for each target: the last one recorded."""
    return {decision.target: decision for decision in decisions}
