"""The assessment report: recommendation rules, confidence, wording, the JSON contract and storage."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.assessment.quiz.session import DomainResult, QuizResult
from app.assessment.report import (
    DECISION_RULES_VERSION,
    AssessmentReport,
    ReportError,
    build_report,
    load_report,
    report_saved_event,
    save_report,
)
from app.assessment.scoring.result import CriterionFlag, ScoredCriterion, ScoringResult
from app.audit import MemoryAuditSink
from app.db.models import AssessmentSession, Candidate, Organisation, OrganisationKind, Report

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
MOTIVATION = ("job_knowledge", "project_coherence", "practical_readiness", "commitment")
MOCK = ("parcours-motivation", "journee-type", "role-et-limites", "hygiene-infections")


def scored(criterion_id: str, level: int | None, flags: tuple[CriterionFlag, ...] = ()) -> ScoredCriterion:
    return ScoredCriterion(
        id=criterion_id,
        title=criterion_id.replace("_", " ").capitalize(),
        status="answered" if level is not None else "not_answered",
        level=level,
        descriptor=None if level is None else f"Descripteur du niveau {level}.",
        evidence=() if level is None else (f"Citation pour {criterion_id}",),
        rationale="Justification.",
        source=None if level is None else "rules",
        rules_level=level,
        flags=flags,
    )


def scoring(
    levels: tuple[int | None, ...],
    *,
    flow: str = "motivation_interview",
    flags: tuple[CriterionFlag, ...] = (),
    degraded: bool = False,
    sha256: str = "a" * 64,
) -> ScoringResult:
    ids = MOTIVATION if flow == "motivation_interview" else MOCK
    return ScoringResult(
        flow=flow,  # type: ignore[arg-type]
        rubric_id="aide-soignant",
        rubric_version="2.0.0",
        rubric_sha256=sha256,
        transcript_sha256="b" * 64,
        scrubber="test",
        criteria=tuple(scored(cid, level, flags) for cid, level in zip(ids, levels, strict=False)),
        flags=("degraded_model",) if degraded else (),
        protected_topics=(),
        manipulation_quotes=(),
        unattributed_turns=0,
        provider="rules",
        model="rules",
        prompt_versions={},
        rules_version="1.0.0",
        cues_sha256="c" * 64,
        screening_sha256="d" * 64,
        scored_at=NOW,
    )


def quiz(met: bool) -> QuizResult:
    return QuizResult(
        rubric_id="aide-soignant",
        rubric_version="2.0.0",
        rubric_sha256="a" * 64,
        engine_version="1.0.0",
        finished=True,
        stop_reason=None,
        theta=0.4 if met else -1.2,
        se=0.3,
        items_asked=14,
        threshold_theta=-0.3,
        threshold_met=met,
        p_threshold_met=0.9 if met else 0.05,
        per_domain=(
            DomainResult(domain="francais", title="Compréhension du français", asked=5, correct=4, theta=0, se=1),
            DomainResult(domain="calcul", title="Calcul et proportions", asked=5, correct=1, theta=0, se=1),
        ),
        responses=(),
    )


@pytest.mark.parametrize(
    ("scorings", "quiz_met", "recommendation", "rule"),
    [
        pytest.param((), True, "insufficient_data", "rule 1", id="quiz-only"),
        pytest.param((scoring((3, None, None, 2)),), True, "insufficient_data", "rule 1", id="half-answered"),
        pytest.param((scoring((3, 3, 2, None)),), True, "ready", "rule 3", id="three-of-four-is-enough"),
        pytest.param((scoring((3, 3, 2, 2)),), True, "ready", "rule 3", id="ready"),
        pytest.param((scoring((3, 3, 2, 2)),), None, "ready", "rule 3", id="ready-without-quiz"),
        pytest.param((scoring((3, 3, 2, 1)),), True, "ready_with_support", "rule 4", id="one-criterion-at-1"),
        pytest.param((scoring((3, 3, 3, 3)),), False, "not_yet", "rule 2", id="quiz-not-met"),
        pytest.param((scoring((3, 3, 2, 0)),), True, "not_yet", "rule 2", id="a-criterion-at-0"),
        pytest.param((scoring((1, 2, 1, 1)),), True, "not_yet", "rule 2", id="mean-below-1.5"),
        pytest.param(
            (scoring((3, 3, 2, 2)), scoring((2, None, None, None), flow="mock_interview")),
            True,
            "insufficient_data",
            "rule 1",
            id="mock-interview-mostly-unanswered",
        ),
        pytest.param((scoring((2, 3, 2, 1), flow="mock_interview"),), None, "ready", "rule 3", id="mock-only-mean-2"),
        pytest.param(
            (scoring((1, 2, 2, 1), flow="mock_interview"),),
            None,
            "ready_with_support",
            "rule 4",
            id="mock-only-mean-1.5",
        ),
    ],
)
def test_the_recommendation_follows_the_documented_rules(
    scorings: tuple[ScoringResult, ...], quiz_met: bool | None, recommendation: str, rule: str
) -> None:
    report = build_report(scorings=scorings, quiz=None if quiz_met is None else quiz(quiz_met), now=NOW)
    assert (report.recommendation, report.recommendation_rule.split(" (")[0]) == (recommendation, rule)
    assert 0 <= report.confidence <= 1
    assert report.decision_rules_version == DECISION_RULES_VERSION


def test_confidence_falls_with_missing_answers_review_flags_and_a_degraded_model() -> None:
    def confidence(result: ScoringResult) -> float:
        return build_report(scorings=[result], now=NOW).confidence

    full = confidence(scoring((3, 3, 3, 3)))
    assert full == 1.0
    assert confidence(scoring((3, 3, 3, None))) < full
    assert confidence(scoring((3, 3, 3, 3), flags=("models_disagree",))) < full
    assert confidence(scoring((3, 3, 3, 3), degraded=True)) < full
    assert confidence(scoring((2, 2, 2, 2))) < full  # at the threshold of `ready`


def test_insufficient_data_is_surer_the_less_was_answered() -> None:
    nothing = build_report(scorings=[scoring((None, None, None, None))], now=NOW)
    half = build_report(scorings=[scoring((2, 2, None, None))], now=NOW)
    assert (nothing.recommendation, nothing.confidence) == ("insufficient_data", 1.0)
    assert half.confidence == 0.5


def test_strengths_and_points_to_explore_say_what_was_said() -> None:
    report = build_report(
        scorings=[scoring((3, 1, None, 2), flags=())], quiz=quiz(met=False), now=NOW, candidate_id="C-7F3K2Q"
    )
    assert report.strengths == (
        "Job knowledge (niveau 3) : « Citation pour job_knowledge »",
        "Commitment (niveau 2) : « Citation pour commitment »",
    )
    assert report.points_to_explore == (
        "Quiz des prérequis : niveau attendu non atteint "
        "(à revoir : Calcul et proportions, Compréhension du français).",
        "Project coherence (niveau 1) : réponse sans élément concret ; demander des exemples précis.",
        "Practical readiness : non évalué (pas de réponse) ; à aborder avec le candidat.",
    )


def test_a_flagged_level_is_a_point_to_check_not_a_strength() -> None:
    report = build_report(scorings=[scoring((3, 3, 3, 3), flags=("evidence_missing",))], now=NOW)
    assert report.strengths == ()
    assert all("à vérifier" in point for point in report.points_to_explore)


def test_the_json_export_has_the_contract_keys() -> None:
    report = build_report(scorings=[scoring((3, 2, None, 1))], quiz=quiz(met=True), session_id="s-1", now=NOW)
    exported = json.loads(report.model_dump_json())
    assert {"session_id", "candidate_id", "rubric", "flows_done", "quiz", "criteria", "strengths"} <= exported.keys()
    assert {"points_to_explore", "recommendation", "confidence", "flags", "provider", "model"} <= exported.keys()
    assert {"prompt_versions", "scoring", "created_at"} <= exported.keys()
    assert exported["rubric"] == {"id": "aide-soignant", "version": "2.0.0", "sha256": "a" * 64}
    assert exported["flows_done"] == ["quiz", "motivation_interview"]
    assert [(c["id"], c["level"], c["evidence"]) for c in exported["criteria"]][2] == ("practical_readiness", None, [])
    assert AssessmentReport.model_validate(exported) == report


@pytest.mark.parametrize(
    ("scorings", "with_quiz", "message"),
    [
        pytest.param((), False, "at least a quiz result or a scored interview", id="nothing"),
        pytest.param(
            (scoring((3, 3, 3, 3)), scoring((2, 2, 2, 2))), False, "one scoring per interview flow", id="same-flow"
        ),
        pytest.param(
            (scoring((3, 3, 3, 3), sha256="e" * 64),), True, "must come from the same rubric content", id="rubric-sha"
        ),
    ],
)
def test_parts_that_do_not_belong_together_are_refused(
    scorings: tuple[ScoringResult, ...], with_quiz: bool, message: str
) -> None:
    with pytest.raises(ReportError, match=message):
        build_report(scorings=scorings, quiz=quiz(met=True) if with_quiz else None)


def _session(engine: Engine) -> str:
    with Session(engine) as db, db.begin():
        organisation = Organisation(name="Centre", kind=OrganisationKind.TRAINING_CENTRE)
        db.add(organisation)
        db.flush()
        assert organisation.id is not None
        candidate = Candidate(organisation_id=organisation.id)
        db.add(candidate)
        db.flush()
        session = AssessmentSession(candidate_id=candidate.id, rubric_id="aide-soignant", rubric_version="2.0.0")
        db.add(session)
        db.flush()
        return session.id


def test_a_report_is_stored_with_its_session_and_read_back(migrated_engine: Engine) -> None:
    session_id = _session(migrated_engine)
    audit = MemoryAuditSink()
    first = build_report(scorings=[scoring((3, 3, 2, 2))], session_id=session_id, now=NOW)
    second = build_report(scorings=[scoring((1, 1, 1, 1))], quiz=quiz(met=True), session_id=session_id, now=NOW)
    for report in (first, second):
        with Session(migrated_engine) as db, db.begin():
            save_report(db, report)
        audit("report_saved", report_saved_event(report), session_id=session_id)
    with Session(migrated_engine) as db:
        rows = db.exec(select(Report)).all()
        assert [(r.session_id, r.recommendation, r.rubric_version) for r in rows] == [(session_id, "not_yet", "2.0.0")]
        assert load_report(db, session_id) == second
        assert load_report(db, "no-such-session") is None
    assert [(event, payload["recommendation"]) for event, payload, _ in audit.events] == [
        ("report_saved", "ready"),
        ("report_saved", "not_yet"),
    ]


def test_a_report_without_a_session_cannot_be_stored(migrated_engine: Engine) -> None:
    with Session(migrated_engine) as db, pytest.raises(ReportError, match="session_id"):
        save_report(db, build_report(scorings=[scoring((3, 3, 2, 2))], now=NOW))
