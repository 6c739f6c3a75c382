"""A finished session's report: scored on its transcripts, stored, and fed to the matching profile and shortlists."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.assessment.report import load_report
from app.assessment.scoring.scorer import TranscriptScorer
from app.assessment.session_report import (
    INTERVIEW_FLOWS,
    SessionReporter,
    conversation_flags,
    interview_transcript,
    sessions_without_report,
)
from app.audit import MemoryAuditSink
from app.checkpoints import open_checkpointer
from app.conversation import Conversation, View
from app.db.audit import DatabaseAuditSink
from app.db.engine import make_engine
from app.db.migrate import upgrade_database
from app.db.models import (
    AssessmentSession,
    AuditEvent,
    CandidateMatchingProfile,
    CandidateSchedule,
    Flow,
    Organisation,
    Shortlist,
    TrainingOffer,
)
from app.db.seed import seed_demo
from app.invitations import create_session
from app.rubrics import get_rubrics
from app.settings import get_settings
from flows import session
from flows.turns import turn
from tests.fakes.scrubber import TaggingScrubber
from tests.flows.support import ScriptedChatModel, rules_gateway, scripted_gateway
from tests.flows.test_interview_flows import DETAILED, VAGUE, Driver
from tests.flows.test_session_flow import correct_answer
from tests.test_conversation import RecordingScrubber

RUBRIC = "aide-soignant"
FALLBACK = ("conversation_fallback",)


@pytest.fixture
def engine() -> Iterator[Engine]:
    url = get_settings().effective_database_url
    upgrade_database(url)
    engine = make_engine(url)
    seed_demo(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def audit(engine: Engine) -> DatabaseAuditSink:
    """The product's audit log: on SQLite it cannot be written inside another open write transaction."""
    return DatabaseAuditSink(engine)


@pytest.fixture
def reporter(engine: Engine, audit: DatabaseAuditSink) -> SessionReporter:
    scorer = TranscriptScorer.from_services(rules_gateway(), scrubber=RecordingScrubber())
    return SessionReporter(engine=engine, scorer=scorer, audit=audit)


@pytest.fixture
def conversation(engine: Engine, audit: DatabaseAuditSink, reporter: SessionReporter) -> Iterator[Conversation]:
    scrubber = RecordingScrubber()
    with open_checkpointer() as saver:
        graph = session.build_graph(llm=rules_gateway(), rubrics=get_rubrics(), scrubber=scrubber, checkpointer=saver)
        yield Conversation(
            graph=graph,
            engine=engine,
            audit=audit,
            scrubber=scrubber,
            on_completed=reporter,
        )


def new_session(engine: Engine) -> str:
    with Session(engine) as db:
        organisation = db.exec(select(Organisation)).first()
        assert organisation is not None
        assert organisation.id is not None
        organisation_id = organisation.id
    return create_session(
        engine,
        organisation_id=organisation_id,
        rubric=get_rubrics()[RUBRIC],
        flows=[Flow.QUIZ, Flow.MOTIVATION, Flow.MOCK],
    )


def complete(conversation: Conversation, session_id: str) -> View:
    """Accept, answer the quiz correctly, then every interview question in detail."""
    items = {item.id: item for item in get_rubrics()[RUBRIC].quiz.items}
    view = conversation.open(session_id)
    view = conversation.answer(session_id, "accept", question_id=view.question_id)
    for _ in range(80):
        if view.question is None:
            return view
        text = correct_answer(items[view.question["item_id"]]) if view.question["kind"] == "quiz_item" else DETAILED
        view = conversation.answer(session_id, text, question_id=view.question_id)
    raise AssertionError("the session did not end")


def add_profile(engine: Engine, session_id: str) -> None:
    with Session(engine) as db:
        row = db.get(AssessmentSession, session_id)
        assert row is not None
        db.add(
            CandidateMatchingProfile(
                candidate_id=row.candidate_id,
                commune="Metz",
                lat=49.1193,
                lon=6.1757,
                max_travel_km=40,
                available_from=date.today(),
                schedule=CandidateSchedule.ANY,
                diploma_level=3,
                driving_licence=True,
                registered_on=date.today() - timedelta(days=10),
            )
        )
        db.commit()


def events(engine: Engine, session_id: str) -> list[str]:
    with Session(engine) as db:
        rows = db.exec(select(AuditEvent).where(AuditEvent.session_id == session_id).order_by(col(AuditEvent.id)))
        return [row.event_type for row in rows]


def test_a_finished_session_gets_its_report(engine: Engine, conversation: Conversation) -> None:
    session_id = new_session(engine)
    view = complete(conversation, session_id)
    assert view.finished

    with Session(engine) as db:
        report = load_report(db, session_id)
    assert report is not None
    assert [flow for flow in report.flows_done] == ["quiz", "motivation_interview", "mock_interview"]
    assert report.quiz is not None
    motivation = {c.id for c in report.criteria if c.flow == "motivation_interview"}
    assert motivation == {"job_knowledge", "project_coherence", "practical_readiness", "commitment"}
    assert len([c for c in report.criteria if c.flow == "mock_interview"]) == 6
    for criterion in report.criteria:  # every level stands on quotes of what the candidate said
        assert criterion.level is None or criterion.level == 0 or criterion.evidence
    assert report.provider == "rules"
    assert "degraded_model" not in report.flags
    result = conversation.result(session_id)
    assert result["report"]["session_id"] == session_id
    assert result["mock_feedback"]["source"] == "rules"
    assert events(engine, session_id)[-3:] == ["session_completed", "report_saved", "shortlists_not_refreshed"]
    assert sessions_without_report(engine) == []


def test_the_report_updates_the_matching_profile_and_the_shortlists(
    engine: Engine, conversation: Conversation, audit: DatabaseAuditSink
) -> None:
    session_id = new_session(engine)
    add_profile(engine, session_id)
    with Session(engine) as db:
        offers = db.exec(select(TrainingOffer.id).where(TrainingOffer.rubric_id == RUBRIC)).all()
        before = len(db.exec(select(Shortlist)).all())
    assert offers

    complete(conversation, session_id)

    with Session(engine) as db:
        row = db.get(AssessmentSession, session_id)
        assert row is not None
        profile = db.get(CandidateMatchingProfile, row.candidate_id)
        assert profile is not None
        entry: dict[str, Any] = profile.assessments[RUBRIC]
        assert entry["prerequisites_met"] is True
        assert set(entry["motivation"]) == {"job_knowledge", "project_coherence", "practical_readiness", "commitment"}
        assert len(db.exec(select(Shortlist)).all()) == before + len(offers)
    assert "shortlists_refreshed" in events(engine, session_id)


def test_a_refusal_gets_no_report(engine: Engine, conversation: Conversation) -> None:
    session_id = new_session(engine)
    view = conversation.open(session_id)
    conversation.answer(session_id, "refuse", question_id=view.question_id)
    with Session(engine) as db:
        assert load_report(db, session_id) is None
    assert sessions_without_report(engine) == []  # refused is not completed: nothing to catch up


def test_a_completed_session_without_report_is_found_for_catch_up(engine: Engine) -> None:
    session_id = new_session(engine)
    scrubber = RecordingScrubber()
    with open_checkpointer() as saver:  # no reporter: as if the server stopped while scoring
        graph = session.build_graph(llm=rules_gateway(), rubrics=get_rubrics(), scrubber=scrubber, checkpointer=saver)
        plain = Conversation(graph=graph, engine=engine, audit=MemoryAuditSink(), scrubber=scrubber)
        complete(plain, session_id)
    assert sessions_without_report(engine) == [session_id]


def test_only_questions_and_answers_of_the_flow_reach_the_scorer() -> None:
    turns = [
        turn("assistant", "Deuxième étape : quelques questions.", "motivation"),
        turn("assistant", "Comment imaginez-vous une journée ?", "motivation", criterion="job_knowledge"),
        turn("candidate", VAGUE, "motivation"),
        turn("assistant", "Votre message est vide.", "motivation"),
        turn("candidate", "B", "quiz"),
    ]
    transcript = interview_transcript(RUBRIC, "motivation", turns)
    assert transcript is not None
    assert [(t.role, t.criterion) for t in transcript.turns] == [("assistant", "job_knowledge"), ("candidate", None)]
    assert interview_transcript(RUBRIC, "mock", turns) is None  # no answer in that flow


@pytest.mark.parametrize(
    ("state", "flags"),
    [
        ({}, ()),
        ({"motivation_progress": {"asked": [{"source": "model"}, {"source": "bank_after_refusal"}]}}, ()),
        ({"motivation_progress": {"asked": [{"source": "model"}, {"source": "bank_after_failure"}]}}, FALLBACK),
        ({"mock_progress": {"asked": [{"source": "bank_after_failure"}]}}, FALLBACK),
        (
            {"mock_progress": {"asked": [{"source": "bank"}]}, "mock_feedback": {"source": "rules_after_failure"}},
            FALLBACK,
        ),
        ({"mock_feedback": {"source": "rules_after_refusal"}}, ()),
    ],
)
def test_a_model_failure_during_the_conversation_is_flagged(state: dict[str, Any], flags: tuple[str, ...]) -> None:
    """A refused model question is the checks working; a failed call is degradation, and the report says so."""
    assert conversation_flags(state) == flags


@pytest.mark.parametrize("flow", list(INTERVIEW_FLOWS))
def test_every_interview_keeps_its_fallbacks_where_the_report_reads_them(flow: str) -> None:
    """The model is down for the whole interview, so its questions come from the bank: the flag is raised from the
    questions alone (the mock interview's failed feedback, which would raise it too, is set aside)."""
    with open_checkpointer() as saver:
        graph = session.build_graph(
            llm=scripted_gateway(ScriptedChatModel(replies=[])),
            rubrics=get_rubrics(),
            scrubber=TaggingScrubber(),
            checkpointer=saver,
        )
        driver = Driver(graph, [flow])
        for _ in range(30):
            if driver.send(DETAILED) is None:
                break
        values = driver.values()
    assert values["completed_flows"] == [flow]
    assert conversation_flags({key: value for key, value in values.items() if key != "mock_feedback"}) == FALLBACK


def test_the_flag_reaches_the_stored_report(
    engine: Engine, conversation: Conversation, reporter: SessionReporter
) -> None:
    session_id = new_session(engine)
    complete(conversation, session_id)
    state = conversation.values(session_id)
    state["motivation_progress"]["asked"][0]["source"] = "bank_after_failure"
    report = reporter(session_id, state)
    assert "conversation_fallback" in report.flags
    with Session(engine) as db:
        stored = load_report(db, session_id)
    assert stored is not None
    assert "conversation_fallback" in stored.flags
