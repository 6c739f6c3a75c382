"""What the report page shows, computed from a stored report, its session's transcript and the decisions on it.

Pure functions: the page, its print version, the PDF and the tests all read the same `ReportView`. Nothing
here marks text as safe: the templates autoescape every string, candidate quotes included.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from app.assessment.report import AssessmentReport, ReportCriterion
from app.db.models import Decision, Message, MessageRole
from app.review import wording
from app.review.decisions import Target, criterion_key, latest_by_target, report_targets

ROLES: Mapping[MessageRole, str] = {
    MessageRole.CANDIDATE: "Candidat",
    MessageRole.ASSISTANT: "Tremplin",
    MessageRole.SYSTEM: "Système",
}


@dataclass(frozen=True)
class Segment:
    """A piece of a transcript turn; `marks` are the references (C1, C2...) of the criteria quoting it."""

    text: str
    marks: tuple[str, ...] = ()


@dataclass(frozen=True)
class TurnView:
    seq: int
    role: str
    candidate: bool
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Quote:
    text: str
    found: bool  # False: not found verbatim in the stored transcript (shown, and said so)


@dataclass(frozen=True)
class DecisionView:
    id: int
    created_at: datetime
    target_label: str
    action: str
    original: str
    new: str | None
    reason: str
    comment: str
    decided_by: str


@dataclass(frozen=True)
class CriterionView:
    ref: str
    target: Target
    flow: str
    title: str
    level: int | None
    level_label: str
    descriptor: str | None
    status_note: str | None
    quotes: tuple[Quote, ...]
    rationale: str
    source: str | None
    flags: tuple[str, ...]
    decision: DecisionView | None  # the decision in force, if any


@dataclass(frozen=True)
class QuizDomainView:
    title: str
    correct: int
    asked: int


@dataclass(frozen=True)
class QuizView:
    theta: str
    se: str
    threshold: str
    threshold_met: bool
    p_threshold_met: str
    items_asked: int
    finished: bool
    stop_reason: str | None
    domains: tuple[QuizDomainView, ...]


@dataclass(frozen=True)
class VersionLine:
    label: str
    value: str


@dataclass(frozen=True)
class ReportView:
    session_id: str | None
    pseudonym: str | None
    created_at: datetime
    recommendation: str
    recommendation_code: str
    confidence: str
    recommendation_rule: str
    recommendation_target: Target
    recommendation_decision: DecisionView | None
    flags: tuple[str, ...]
    protected_topics: tuple[str, ...]
    manipulation_quotes: tuple[str, ...]
    strengths: tuple[str, ...]
    points_to_explore: tuple[str, ...]
    flows_done: tuple[str, ...]
    criteria: tuple[CriterionView, ...]
    quiz: QuizView | None
    transcript: tuple[TurnView, ...]
    decisions: tuple[DecisionView, ...]
    versions: tuple[VersionLine, ...]
    reminder: str


def build_report_view(
    report: AssessmentReport,
    *,
    pseudonym: str | None,
    messages: Sequence[Message] = (),
    decisions: Sequence[Decision] = (),
    user_names: Mapping[int, str] | None = None,
) -> ReportView:
    targets = report_targets(report)
    names = user_names or {}
    history = tuple(decision_view(d, targets, names) for d in decisions)
    by_id = {view.id: view for view in history}
    in_force = {key: by_id[d.id] for key, d in latest_by_target(decisions).items() if d.id is not None}
    refs = {criterion_key(c.flow, c.id): f"C{i}" for i, c in enumerate(report.criteria, start=1)}
    quotes = {refs[criterion_key(c.flow, c.id)]: c.evidence for c in report.criteria}
    candidate_texts = [m.content_scrubbed for m in messages if m.role == MessageRole.CANDIDATE]
    criteria = tuple(
        _criterion_view(c, refs[criterion_key(c.flow, c.id)], targets, in_force, candidate_texts)
        for c in report.criteria
    )
    return ReportView(
        session_id=report.session_id,
        pseudonym=pseudonym,
        created_at=report.created_at,
        recommendation=wording.RECOMMENDATIONS[report.recommendation],
        recommendation_code=report.recommendation,
        confidence=wording.confidence_label(report.confidence),
        recommendation_rule=wording.rule_label(report.recommendation_rule),
        recommendation_target=targets["recommendation"],
        recommendation_decision=in_force.get("recommendation"),
        flags=tuple(wording.REPORT_FLAGS[flag] for flag in report.flags),
        protected_topics=tuple(wording.PROTECTED_TOPICS[topic] for topic in report.protected_topics),
        manipulation_quotes=report.manipulation_quotes,
        strengths=report.strengths,
        points_to_explore=report.points_to_explore,
        flows_done=tuple(wording.FLOWS[flow] for flow in report.flows_done),
        criteria=criteria,
        quiz=_quiz_view(report),
        transcript=tuple(_turn_view(m, quotes) for m in messages),
        decisions=history,
        versions=_versions(report),
        reminder=wording.DECISION_REMINDER,
    )


def _criterion_view(
    criterion: ReportCriterion,
    ref: str,
    targets: Mapping[str, Target],
    in_force: Mapping[str, DecisionView],
    candidate_texts: Sequence[str],
) -> CriterionView:
    key = criterion_key(criterion.flow, criterion.id)
    note = None
    if criterion.status == "protected_only":
        note = "La réponse ne contenait que des informations protégées : elle n'a pas été évaluée."
    elif criterion.status == "not_answered":
        note = "Pas de réponse à cette question."
    return CriterionView(
        ref=ref,
        target=targets[key],
        flow=wording.FLOWS[criterion.flow],
        title=criterion.title,
        level=criterion.level,
        level_label=wording.level_label(criterion.level),
        descriptor=criterion.descriptor,
        status_note=note,
        quotes=tuple(Quote(q, any(q in text for text in candidate_texts)) for q in criterion.evidence),
        rationale=criterion.rationale,
        source=None if criterion.source is None else wording.SOURCES[criterion.source],
        flags=tuple(wording.CRITERION_FLAGS[flag] for flag in criterion.flags),
        decision=in_force.get(key),
    )


def _quiz_view(report: AssessmentReport) -> QuizView | None:
    quiz = report.quiz
    if quiz is None:
        return None
    return QuizView(
        theta=wording.decimal(quiz.theta),
        se=wording.decimal(quiz.se),
        threshold=wording.decimal(quiz.threshold_theta),
        threshold_met=quiz.threshold_met,
        p_threshold_met=f"{round(quiz.p_threshold_met * 100)} %",
        items_asked=quiz.items_asked,
        finished=quiz.finished,
        stop_reason=None if quiz.stop_reason is None else wording.STOP_REASONS.get(quiz.stop_reason, quiz.stop_reason),
        domains=tuple(QuizDomainView(d.title, d.correct, d.asked) for d in quiz.per_domain),
    )


def highlight(text: str, quotes: Mapping[str, Sequence[str]]) -> tuple[Segment, ...]:
    """Split `text` at every verbatim occurrence of the quotes; each segment names the references quoting it."""
    spans: list[tuple[int, int, str]] = []
    for ref, texts in quotes.items():
        for quote in texts:
            start = text.find(quote) if quote else -1
            while start >= 0:
                spans.append((start, start + len(quote), ref))
                start = text.find(quote, start + len(quote))
    if not spans:
        return (Segment(text),)
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    segments: list[Segment] = []
    for start, end in itertools.pairwise(cuts):
        marks = tuple(sorted({ref for s, e, ref in spans if s <= start and end <= e}, key=_ref_order))
        segments.append(Segment(text[start:end], marks))
    return tuple(segments)


def _ref_order(ref: str) -> int:
    return int(ref[1:])


def _turn_view(message: Message, quotes: Mapping[str, Sequence[str]]) -> TurnView:
    candidate = message.role == MessageRole.CANDIDATE
    segments = highlight(message.content_scrubbed, quotes) if candidate else (Segment(message.content_scrubbed),)
    return TurnView(seq=message.seq, role=ROLES[message.role], candidate=candidate, segments=segments)


def decision_view(decision: Decision, targets: Mapping[str, Target], names: Mapping[int, str]) -> DecisionView:
    assert decision.id is not None
    target = targets.get(decision.target)
    label = target.label if target is not None else decision.target
    value_label = target.value_label if target is not None else (lambda v: v or wording.NOT_ASSESSED)
    return DecisionView(
        id=decision.id,
        created_at=decision.created_at,
        target_label=label,
        action=wording.ACTIONS[decision.action],
        original=value_label(decision.original_value),
        new=None if decision.new_value is None else value_label(decision.new_value),
        reason=wording.REASONS[decision.reason_code],
        comment=decision.comment,
        decided_by=names.get(decision.decided_by, f"compte n° {decision.decided_by}"),
    )


def _versions(report: AssessmentReport) -> tuple[VersionLine, ...]:
    lines = [
        VersionLine(
            "Référentiel", f"{report.rubric.id} version {report.rubric.version} (sha256 {report.rubric.sha256[:12]})"
        ),
        VersionLine("Modèle de langue", f"{report.provider} / {report.model}"),
    ]
    lines += [VersionLine(f"Consigne {name}", version) for name, version in sorted(report.prompt_versions.items())]
    lines.append(VersionLine("Règles de décision", report.decision_rules_version))
    if report.quiz is not None:
        lines.append(VersionLine("Moteur du quiz", report.quiz.engine_version))
    for scoring in report.scoring:
        lines.append(
            VersionLine(
                f"Notation : {wording.FLOWS[scoring.flow]}",
                f"barème {scoring.rules_version}, transcription sha256 {scoring.transcript_sha256[:12]}",
            )
        )
    lines.append(
        VersionLine("Rapport", f"schéma {report.schema_version}, créé le {report.created_at:%d/%m/%Y à %H:%M} (UTC)")
    )
    return tuple(lines)
