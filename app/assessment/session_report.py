"""The report of a finished session, and what it feeds.

When a candidate finishes, each interview they did is scored on its transcript (`TranscriptScorer`, the same
scorer as `tremplin score`), the quiz result is added, and the report is stored. If the candidate has a matching
profile, their results for this rubric are written into it and the shortlists of the rubric's offers are
recomputed, so referents see the new candidate ranked; otherwise the audit log says why nothing was ranked.
Scoring may call the model for each criterion: the web chat runs this after the closing message, off the
candidate's path (`app.runtime`), and a server start catches up on sessions left without a report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.assessment.quiz.session import QuizResult
from app.assessment.report import AssessmentReport, build_report, report_saved_event, save_report
from app.assessment.scoring.grid import FlowName as InterviewFlow
from app.assessment.scoring.result import ReportFlag, ScoringResult
from app.assessment.scoring.scorer import TranscriptScorer
from app.assessment.scoring.transcript import Transcript
from app.assessment.scoring.transcript import Turn as TranscriptTurn
from app.audit import AuditSink
from app.db.models import (
    AssessmentSession,
    Candidate,
    CandidateMatchingProfile,
    Report,
    SessionStatus,
)
from app.db.session import session_scope
from app.matching import RankingRules, default_rules
from app.matching.service import refresh_shortlists
from flows.session.state import INTERVIEW_PROGRESS_KEYS
from flows.turns import FlowName, Turn

INTERVIEW_FLOWS: dict[FlowName, InterviewFlow] = {"motivation": "motivation_interview", "mock": "mock_interview"}


def interview_transcript(rubric_id: str, flow: FlowName, turns: Sequence[Turn]) -> Transcript | None:
    """The scorer's transcript of one interview: its questions (each naming its criterion) and the answers.

    Messages that are not questions (introduction, explanations, feedback) are left out, so they can never be
    taken for a question. None when the candidate gave no answer at all."""
    kept = [
        TranscriptTurn(role="assistant", content=entry["content"], criterion=entry["criterion"])
        if entry["role"] == "assistant"
        else TranscriptTurn(role="candidate", content=entry["content"])
        for entry in turns
        if entry.get("flow") == flow and (entry["role"] == "candidate" or "criterion" in entry)
    ]
    if not any(entry.role == "candidate" for entry in kept):
        return None
    return Transcript(rubric=rubric_id, flow=INTERVIEW_FLOWS[flow], turns=tuple(kept))


def conversation_flags(state: Mapping[str, Any]) -> tuple[ReportFlag, ...]:
    """`conversation_fallback` when the model failed while the candidate talked: a question was asked from the
    bank after a failure, or the mock interview's feedback came from the rules after a failure."""
    asked = [question for key in INTERVIEW_PROGRESS_KEYS for question in (state.get(key) or {}).get("asked", [])]
    feedback = state.get("mock_feedback") or {}
    failed = any(q["source"] == "bank_after_failure" for q in asked) or feedback.get("source") == "rules_after_failure"
    return ("conversation_fallback",) if failed else ()


class SessionReporter:
    def __init__(
        self, *, engine: Engine, scorer: TranscriptScorer, audit: AuditSink, rules: RankingRules | None = None
    ) -> None:
        self._engine = engine
        self._scorer = scorer
        self._audit = audit
        self._rules = rules

    def __call__(self, session_id: str, state: Mapping[str, Any]) -> AssessmentReport:
        """Score, store the report (replacing an earlier one) and refresh the shortlists; returns the report."""
        with Session(self._engine) as db:
            pseudonym = _candidate(db, session_id).pseudonym
        completed: list[FlowName] = state.get("completed_flows", [])
        scorings: list[ScoringResult] = []
        for flow in completed:
            if flow in INTERVIEW_FLOWS:
                transcript = interview_transcript(state["rubric_id"], flow, state.get("transcript", []))
                if transcript is not None:
                    scorings.append(self._scorer.score(transcript, session_id=session_id))
        quiz_data = state.get("quiz_result")
        quiz = QuizResult.model_validate(quiz_data) if quiz_data is not None else None
        report = build_report(
            scorings=scorings,
            quiz=quiz,
            session_id=session_id,
            candidate_id=pseudonym,
            conversation_flags=conversation_flags(state),
        )
        with session_scope(self._engine) as db:
            save_report(db, report)
        self._audit("report_saved", report_saved_event(report), session_id=session_id)
        self._refresh_matching(session_id, report, quiz)
        return report

    def _refresh_matching(self, session_id: str, report: AssessmentReport, quiz: QuizResult | None) -> None:
        with Session(self._engine) as db:
            candidate = _candidate(db, session_id)
            profile = db.get(CandidateMatchingProfile, candidate.id)
            previous = profile.assessments.get(report.rubric.id) if profile is not None else None
            if profile is None or (quiz is None and previous is None):
                reason = "no matching profile" if profile is None else "no quiz result for this rubric yet"
                self._audit("shortlists_not_refreshed", {"reason": reason}, session_id=session_id)
                return
            levels = {c.id: c.level for c in report.criteria if c.flow == "motivation_interview"}
            entry: dict[str, Any] = dict(previous or {})
            if quiz is not None:
                entry.update(prerequisites_met=quiz.threshold_met, theta=round(quiz.theta, 4))
            if levels:
                entry["motivation"] = levels
            profile.assessments = {**profile.assessments, report.rubric.id: entry}
            db.add(profile)
            db.commit()
            shortlists = refresh_shortlists(
                db,
                report.rubric.id,
                candidate.organisation_id,
                rules=self._rules or default_rules(),
                as_of=date.today(),
                audit=self._audit,
            )
        self._audit(
            "shortlists_refreshed", {"rubric": report.rubric.id, "shortlists": len(shortlists)}, session_id=session_id
        )


def sessions_without_report(engine: Engine) -> list[str]:
    """Completed sessions with no stored report (e.g. the server stopped while scoring), oldest first."""
    with Session(engine) as db:
        reported = select(Report.session_id)
        return list(
            db.exec(
                select(AssessmentSession.id)
                .where(AssessmentSession.status == SessionStatus.COMPLETED)
                .where(col(AssessmentSession.id).not_in(reported))
                .order_by(col(AssessmentSession.completed_at))
            ).all()
        )


def _candidate(db: Session, session_id: str) -> Candidate:
    row = db.get(AssessmentSession, session_id)
    candidate = db.get(Candidate, row.candidate_id) if row is not None else None
    if candidate is None:
        raise LookupError(f"session {session_id} has no candidate")
    return candidate
