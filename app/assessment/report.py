"""The assessment report a training referent reads: a Pydantic model, built deterministically, stored in the
`report` table and exportable as JSON.

It gathers the quiz result and the scored interviews of one session, with everything needed to trace each
figure (rubric id, version and sha256; provider, model and prompt versions; hashes of the scrubbed
transcripts and of the scorer's configuration). Its sentences state what the candidate said or did not say,
never a guess about personality or emotions.

Recommendation (rules `DECISION_RULES_VERSION`, applied in this order; "assessed" criteria have a level):

1. `insufficient_data`: no interview was scored, or fewer than 3 of the 4 motivation criteria were assessed,
   or fewer than half of the mock interview questions asked were assessed.
2. `not_yet`: the quiz was taken and its prerequisite level not met, or a motivation criterion is at level 0,
   or the mean level of the assessed criteria is below 1.5.
3. `ready`: every assessed motivation criterion is at level 2 or more and the mean level is 2 or more.
4. `ready_with_support`: otherwise.

Confidence (0-1) says how firmly the evidence supports the recommendation: the share of criteria assessed,
times 1 minus half the share of assessed criteria flagged for human review, times 0.8 when the model was
unavailable; for decisions taken on the mean level, also times min(1, 0.6 + distance of the mean from the
nearest threshold, 1.5 or 2). For `insufficient_data` it is the share of criteria *not* assessed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, select

from app.assessment.quiz.session import QuizResult
from app.assessment.scoring.answers import AnswerStatus
from app.assessment.scoring.grid import FlowName
from app.assessment.scoring.result import (
    REVIEW_FLAGS,
    CriterionFlag,
    ReportFlag,
    ScoredCriterion,
    ScoringResult,
    Source,
)
from app.assessment.scoring.screening import TopicId
from app.db.models import Report
from app.errors import TremplinError

REPORT_SCHEMA_VERSION: Literal["1"] = "1"
DECISION_RULES_VERSION = "1.0.0"
Recommendation = Literal["ready", "ready_with_support", "not_yet", "insufficient_data"]
FlowDone = Literal["quiz", "motivation_interview", "mock_interview"]
MIN_ASSESSED: dict[FlowName, float] = {"motivation_interview": 0.75, "mock_interview": 0.5}
NOT_YET_MEAN = 1.5
READY_MEAN = 2.0
DEGRADED_FACTOR = 0.8


class ReportError(TremplinError):
    """The parts given to the report builder do not belong together."""


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RubricRef(_Frozen):
    id: str
    version: str
    sha256: str


class QuizDomain(_Frozen):
    domain: str
    title: str
    asked: int
    correct: int


class QuizSection(_Frozen):
    engine_version: str
    finished: bool
    stop_reason: str | None
    theta: float
    se: float
    items_asked: int
    threshold_theta: float
    threshold_met: bool
    p_threshold_met: float
    per_domain: tuple[QuizDomain, ...]


class ReportCriterion(_Frozen):
    flow: FlowName
    id: str
    title: str
    status: AnswerStatus
    level: int | None = Field(ge=0, le=3)
    descriptor: str | None
    evidence: tuple[str, ...]
    rationale: str
    source: Source | None
    model_level: int | None
    rules_level: int | None
    flags: tuple[CriterionFlag, ...]


class FlowScoring(_Frozen):
    """How one interview was scored, to trace and reproduce it."""

    flow: FlowName
    provider: str
    model: str
    prompt_versions: dict[str, str]
    transcript_sha256: str
    scrubber: str
    rules_version: str
    cues_sha256: str
    screening_sha256: str
    unattributed_turns: int
    scored_at: datetime


class AssessmentReport(_Frozen):
    schema_version: Literal["1"] = REPORT_SCHEMA_VERSION
    session_id: str | None
    candidate_id: str | None = Field(description="The candidate's pseudonymous id, never a name.")
    rubric: RubricRef
    flows_done: tuple[FlowDone, ...]
    quiz: QuizSection | None
    criteria: tuple[ReportCriterion, ...]
    strengths: tuple[str, ...]
    points_to_explore: tuple[str, ...]
    recommendation: Recommendation
    confidence: float = Field(ge=0, le=1)
    recommendation_rule: str = Field(description="Which rule of DECISION_RULES_VERSION decided, in words.")
    decision_rules_version: str = DECISION_RULES_VERSION
    flags: tuple[ReportFlag, ...]
    protected_topics: tuple[TopicId, ...]
    manipulation_quotes: tuple[str, ...]
    provider: str
    model: str
    prompt_versions: dict[str, str]
    scoring: tuple[FlowScoring, ...]
    created_at: datetime


def build_report(
    *,
    scorings: Sequence[ScoringResult] = (),
    quiz: QuizResult | None = None,
    session_id: str | None = None,
    candidate_id: str | None = None,
    conversation_flags: Sequence[ReportFlag] = (),
    now: datetime | None = None,
) -> AssessmentReport:
    """The report of one session from its scored interviews (at most one per flow) and its quiz result;
    `conversation_flags` are what happened while the candidate was talking (e.g. `conversation_fallback`)."""
    rubric = _rubric(scorings, quiz)
    flows = [scoring.flow for scoring in scorings]
    if len(set(flows)) != len(flows):
        raise ReportError(f"one scoring per interview flow, got {', '.join(flows)}")
    criteria = tuple(
        ReportCriterion(flow=scoring.flow, **criterion.model_dump())
        for scoring in scorings
        for criterion in scoring.criteria
    )
    quiz_section = _quiz_section(quiz) if quiz is not None else None
    recommendation, confidence, rule = _recommend(scorings, quiz_section)
    flags = sorted({flag for scoring in scorings for flag in scoring.flags} | set(conversation_flags))
    called = [scoring for scoring in scorings if scoring.prompt_versions]
    return AssessmentReport(
        session_id=session_id,
        candidate_id=candidate_id,
        rubric=rubric,
        flows_done=_flows_done(flows, quiz),
        quiz=quiz_section,
        criteria=criteria,
        strengths=_strengths(criteria, quiz_section),
        points_to_explore=_points_to_explore(criteria, quiz_section),
        recommendation=recommendation,
        confidence=confidence,
        recommendation_rule=rule,
        flags=tuple(flags),
        protected_topics=tuple(sorted({topic for scoring in scorings for topic in scoring.protected_topics})),
        manipulation_quotes=tuple(quote for scoring in scorings for quote in scoring.manipulation_quotes),
        provider="+".join(dict.fromkeys(scoring.provider for scoring in called)) or "rules",
        model="+".join(dict.fromkeys(scoring.model for scoring in called)) or "rules",
        prompt_versions={name: version for scoring in scorings for name, version in scoring.prompt_versions.items()},
        scoring=tuple(
            FlowScoring(
                flow=scoring.flow,
                provider=scoring.provider,
                model=scoring.model,
                prompt_versions=scoring.prompt_versions,
                transcript_sha256=scoring.transcript_sha256,
                scrubber=scoring.scrubber,
                rules_version=scoring.rules_version,
                cues_sha256=scoring.cues_sha256,
                screening_sha256=scoring.screening_sha256,
                unattributed_turns=scoring.unattributed_turns,
                scored_at=scoring.scored_at,
            )
            for scoring in scorings
        ),
        created_at=now or datetime.now(UTC),
    )


def _flows_done(flows: Sequence[FlowName], quiz: QuizResult | None) -> tuple[FlowDone, ...]:
    done: list[FlowDone] = ["quiz"] if quiz is not None else []
    return (*done, *(flow for flow in ("motivation_interview", "mock_interview") if flow in flows))


def _rubric(scorings: Sequence[ScoringResult], quiz: QuizResult | None) -> RubricRef:
    refs = {RubricRef(id=s.rubric_id, version=s.rubric_version, sha256=s.rubric_sha256) for s in scorings}
    if quiz is not None:
        refs.add(RubricRef(id=quiz.rubric_id, version=quiz.rubric_version, sha256=quiz.rubric_sha256))
    if not refs:
        raise ReportError("a report needs at least a quiz result or a scored interview")
    if len(refs) > 1:
        found = ", ".join(sorted(f"{ref.id} {ref.version} ({ref.sha256[:12]})" for ref in refs))
        raise ReportError(f"the parts of a report must come from the same rubric content, got: {found}")
    return refs.pop()


def _quiz_section(quiz: QuizResult) -> QuizSection:
    return QuizSection(
        engine_version=quiz.engine_version,
        finished=quiz.finished,
        stop_reason=None if quiz.stop_reason is None else str(quiz.stop_reason),
        theta=quiz.theta,
        se=quiz.se,
        items_asked=quiz.items_asked,
        threshold_theta=quiz.threshold_theta,
        threshold_met=quiz.threshold_met,
        p_threshold_met=quiz.p_threshold_met,
        per_domain=tuple(
            QuizDomain(domain=d.domain, title=d.title, asked=d.asked, correct=d.correct) for d in quiz.per_domain
        ),
    )


# --- recommendation -----------------------------------------------------------------------------------------


def _recommend(scorings: Sequence[ScoringResult], quiz: QuizSection | None) -> tuple[Recommendation, float, str]:
    listed = [c for scoring in scorings for c in scoring.criteria]
    assessed = [c for c in listed if c.level is not None]
    coverage = len(assessed) / len(listed) if listed else 0.0

    short = [s.flow for s in scorings if _share_assessed(s.criteria) < MIN_ASSESSED[s.flow]]
    if not scorings or short:
        why = "no interview was scored" if not scorings else f"too few answers assessed in: {', '.join(short)}"
        return "insufficient_data", round(1 - coverage, 2), f"rule 1 (insufficient_data): {why}"

    levels = [c.level for c in assessed if c.level is not None]
    motivation = [c.level for s in scorings if s.flow == "motivation_interview" for c in s.criteria]
    mean = sum(levels) / len(levels)
    flagged = sum(bool(set(c.flags) & REVIEW_FLAGS) for c in assessed)
    reliability = (1 - 0.5 * flagged / len(assessed)) * (
        DEGRADED_FACTOR if any("degraded_model" in s.flags for s in scorings) else 1.0
    )
    margin = min(1.0, 0.6 + min(abs(mean - NOT_YET_MEAN), abs(mean - READY_MEAN)))

    if quiz is not None and not quiz.threshold_met:
        return "not_yet", round(coverage * reliability, 2), "rule 2 (not_yet): prerequisite quiz level not met"
    if 0 in motivation:
        return "not_yet", round(coverage * reliability, 2), "rule 2 (not_yet): a motivation criterion at level 0"
    if mean < NOT_YET_MEAN:
        confidence = round(coverage * reliability * margin, 2)
        return "not_yet", confidence, f"rule 2 (not_yet): mean level {mean:.2f} below {NOT_YET_MEAN}"
    if all(level is None or level >= 2 for level in motivation) and mean >= READY_MEAN:
        confidence = round(coverage * reliability * margin, 2)
        return "ready", confidence, f"rule 3 (ready): motivation criteria all at 2 or more, mean level {mean:.2f}"
    confidence = round(coverage * reliability * margin, 2)
    return "ready_with_support", confidence, f"rule 4 (ready_with_support): mean level {mean:.2f}"


def _share_assessed(criteria: Sequence[ScoredCriterion]) -> float:
    return sum(c.level is not None for c in criteria) / len(criteria) if criteria else 0.0


# --- wording ------------------------------------------------------------------------------------------------


def _strengths(criteria: Sequence[ReportCriterion], quiz: QuizSection | None) -> tuple[str, ...]:
    found: list[str] = []
    if quiz is not None and quiz.threshold_met:
        found.append(f"Quiz des prérequis : niveau attendu atteint ({quiz.items_asked} questions).")
    for criterion in sorted(criteria, key=lambda c: -(c.level or 0)):
        if criterion.level is not None and criterion.level >= 2 and not set(criterion.flags) & REVIEW_FLAGS:
            quote = f" : « {criterion.evidence[0]} »" if criterion.evidence else "."
            found.append(f"{criterion.title} (niveau {criterion.level}){quote}")
    return tuple(found)


def _points_to_explore(criteria: Sequence[ReportCriterion], quiz: QuizSection | None) -> tuple[str, ...]:
    found: list[str] = []
    if quiz is not None and not quiz.threshold_met:
        weakest = sorted(quiz.per_domain, key=lambda d: d.correct / d.asked if d.asked else 1.0)[:2]
        domains = ", ".join(d.title for d in weakest if d.asked)
        found.append(f"Quiz des prérequis : niveau attendu non atteint{f' (à revoir : {domains})' if domains else ''}.")
    for criterion in criteria:
        if criterion.level is None:
            reason = (
                "la réponse ne contenait que des informations protégées"
                if criterion.status == "protected_only"
                else "pas de réponse"
            )
            found.append(f"{criterion.title} : non évalué ({reason}) ; à aborder avec le candidat.")
        elif set(criterion.flags) & REVIEW_FLAGS:
            found.append(
                f"{criterion.title} : niveau {criterion.level} à vérifier, l'évaluation automatique est incertaine."
            )
        elif criterion.level <= 1:
            found.append(
                f"{criterion.title} (niveau {criterion.level}) : réponse sans élément concret ; "
                "demander des exemples précis."
            )
    return tuple(found)


# --- storage ------------------------------------------------------------------------------------------------


def save_report(session: Session, report: AssessmentReport) -> Report:
    """Store `report` as its session's report (replacing an earlier one); the caller commits, then audits
    `report_saved_event(report)` (after the commit: on SQLite the audit log cannot be written while this
    transaction holds the write lock)."""
    if report.session_id is None:
        raise ReportError("only a report with a session_id can be stored")
    values: dict[str, Any] = {
        "rubric_id": report.rubric.id,
        "rubric_version": report.rubric.version,
        "model_provider": report.provider,
        "model_name": report.model,
        "prompt_versions": report.prompt_versions,
        "recommendation": report.recommendation,
        "confidence": report.confidence,
        "flags": list(report.flags),
        "report_json": report.model_dump(mode="json"),
        "created_at": report.created_at,
    }
    row = session.exec(select(Report).where(Report.session_id == report.session_id)).first()
    if row is None:
        row = Report(session_id=report.session_id, **values)
    else:
        row.sqlmodel_update(values)
    session.add(row)
    session.flush()
    return row


def report_saved_event(report: AssessmentReport) -> dict[str, Any]:
    """The `report_saved` audit payload: the sha256 of the stored JSON, the decision and the versions."""
    return {
        "report_sha256": hashlib.sha256(report.model_dump_json().encode("utf-8")).hexdigest(),
        "recommendation": report.recommendation,
        "decision_rules_version": report.decision_rules_version,
        "rubric": f"{report.rubric.id} {report.rubric.version}",
    }


def load_report(session: Session, session_id: str) -> AssessmentReport | None:
    row = session.exec(select(Report).where(Report.session_id == session_id)).first()
    return None if row is None else AssessmentReport.model_validate(row.report_json)
