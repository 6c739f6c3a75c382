"""What the privacy actions share: finding a candidate and their sessions, redacting stored text, and
deleting the LangGraph checkpoints of sessions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from sqlmodel import Session, col, select

from app.checkpoints import open_checkpointer
from app.db.models import AssessmentSession, Candidate
from app.errors import TremplinError
from app.settings import Settings

# Replaces free text removed by an erasure or a retention period, so pages say why it is gone.
ERASED_TEXT = "[texte effacé : droit à l'effacement ou durée de conservation écoulée]"


class UnknownCandidate(TremplinError, LookupError):
    """No candidate has this id."""

    def __init__(self, candidate_id: str) -> None:
        super().__init__(f"no candidate with id {candidate_id!r}")
        self.candidate_id = candidate_id


def get_candidate(db: Session, candidate_id: str) -> Candidate:
    candidate = db.get(Candidate, candidate_id)
    if candidate is None:
        raise UnknownCandidate(candidate_id)
    return candidate


def session_ids_of(db: Session, candidate_id: str) -> list[str]:
    query = (
        select(AssessmentSession.id)
        .where(AssessmentSession.candidate_id == candidate_id)
        .order_by(col(AssessmentSession.started_at), col(AssessmentSession.id))
    )
    return list(db.exec(query).all())


def redact_report_json(report: dict[str, Any], *, pseudonym: tuple[str, str] | None = None) -> dict[str, Any]:
    """The report without what the candidate said: evidence quotes, rationales, strengths (which quote them)
    and quoted manipulation attempts. Levels, recommendation, confidence, flags and versions stay, for
    statistics and to keep each decision traceable. `pseudonym` (old, new) renames the candidate."""
    redacted = dict(report)
    redacted["criteria"] = [
        {**criterion, "evidence": [], "rationale": ERASED_TEXT} for criterion in report.get("criteria", [])
    ]
    redacted["strengths"] = []
    redacted["manipulation_quotes"] = []
    if pseudonym is not None and report.get("candidate_id") == pseudonym[0]:
        redacted["candidate_id"] = pseudonym[1]
    return redacted


def is_redacted(report: dict[str, Any]) -> bool:
    return (
        not report.get("strengths")
        and not report.get("manipulation_quotes")
        and all(
            not criterion.get("evidence") and criterion.get("rationale") == ERASED_TEXT
            for criterion in report.get("criteria", [])
        )
    )


def delete_checkpoints(session_ids: Iterable[str], settings: Settings) -> int:
    """Delete the LangGraph checkpoints (every namespace) of these sessions; returns how many sessions had some."""
    wanted = list(session_ids)
    if not wanted:
        return 0
    with open_checkpointer(settings) as saver:
        return sum(_delete_thread(saver, session_id) for session_id in wanted)


def _delete_thread(saver: BaseCheckpointSaver[str], session_id: str) -> bool:
    had_any = saver.get_tuple({"configurable": {"thread_id": session_id}}) is not None
    saver.delete_thread(session_id)
    return had_any
