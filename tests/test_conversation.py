"""The conversation service: drives the session graph and mirrors it into the database and the audit log."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from typing import cast

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.audit import MemoryAuditSink
from app.checkpoints import open_checkpointer
from app.conversation import Conversation, ConversationError, Live, View
from app.db.engine import make_engine
from app.db.migrate import upgrade_database
from app.db.models import (
    AssessmentSession,
    Flow,
    Message,
    MessageRole,
    SessionStatus,
)
from app.invitations import create_invitation
from app.rubrics import get_rubrics
from app.rubrics.models import Rubric
from app.settings import get_settings
from flows import session
from flows.interviewing import SKIP
from flows.mock import nodes as mock_nodes
from flows.motivation import nodes as motivation_nodes
from flows.session.nodes import ACCEPT
from flows.turns import Draft, Turn
from tests.flows.support import ScriptedChatModel, rules_gateway, scripted_gateway
from tests.flows.test_session_flow import correct_answer
from tests.worlds import add_organisation

RUBRIC = "aide-soignant"


class RecordingScrubber:
    """Leaves text as it is (quiz answers must stay readable) and remembers everything it was given."""

    name = "recording"

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def scrub(self, text: str) -> str:
        self.seen.add(text)
        return text


@pytest.fixture
def engine() -> Iterator[Engine]:
    url = get_settings().effective_database_url
    upgrade_database(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def audit() -> MemoryAuditSink:
    return MemoryAuditSink()


@pytest.fixture
def scrubber() -> RecordingScrubber:
    return RecordingScrubber()


@pytest.fixture
def conversation(engine: Engine, audit: MemoryAuditSink, scrubber: RecordingScrubber) -> Iterator[Conversation]:
    with open_checkpointer() as saver:
        graph = session.build_graph(llm=rules_gateway(), rubrics=get_rubrics(), scrubber=scrubber, checkpointer=saver)
        yield Conversation(graph=graph, engine=engine, audit=audit, scrubber=scrubber)


@pytest.fixture
def session_id(engine: Engine) -> str:
    return _new_session(engine, [Flow.QUIZ])


def _row(engine: Engine, session_id: str) -> AssessmentSession:
    with Session(engine) as db:
        row = db.get(AssessmentSession, session_id)
        assert row is not None
        return row


def _messages(engine: Engine, session_id: str) -> list[Message]:
    with Session(engine) as db:
        query = select(Message).where(col(Message.session_id) == session_id).order_by(col(Message.seq))
        return list(db.exec(query).all())


def _events(audit: MemoryAuditSink, session_id: str) -> list[str]:
    return [event for event, _, sid in audit.events if sid == session_id]


def _finish_quiz(conversation: Conversation, session_id: str, view: View, rubric: Rubric) -> View:
    items = {item.id: item for item in rubric.quiz.items}
    for _ in range(rubric.quiz.stop.max_items):
        if view.question is None:
            break
        view = conversation.answer(
            session_id, correct_answer(items[view.question["item_id"]]), question_id=view.question_id
        )
    return view


def test_opening_starts_the_session_once(conversation: Conversation, engine: Engine, session_id: str) -> None:
    first = conversation.open(session_id)
    assert first.question is not None
    assert first.question["kind"] == "consent"
    again = conversation.open(session_id)
    assert again == first
    assert _row(engine, session_id).status == SessionStatus.IN_PROGRESS
    assert [m.content_scrubbed for m in _messages(engine, session_id)] == [turn["content"] for turn in first.turns]


def test_a_completed_quiz_is_recorded_and_audited(
    conversation: Conversation, engine: Engine, audit: MemoryAuditSink, scrubber: RecordingScrubber, session_id: str
) -> None:
    view = conversation.open(session_id)
    view = conversation.answer(session_id, "accept", question_id=view.question_id)
    view = _finish_quiz(conversation, session_id, view, get_rubrics()[RUBRIC])

    row = _row(engine, session_id)
    assert (row.status, row.consent) == (SessionStatus.COMPLETED, True)
    assert row.completed_at is not None
    assert _events(audit, session_id) == ["session_started", "consent_given", "quiz_completed", "session_completed"]
    quiz_event = next(payload for event, payload, _ in audit.events if event == "quiz_completed")
    assert quiz_event["threshold_met"] is True
    assert quiz_event["rubric_sha256"] == get_rubrics()[RUBRIC].sha256
    stored = _messages(engine, session_id)
    assert len(stored) == len(view.turns)
    assert view.finished
    assert all(m.content_scrubbed in scrubber.seen for m in stored)  # every stored turn went through the scrubber
    assert any(m.role == MessageRole.CANDIDATE for m in stored)
    with pytest.raises(ConversationError):
        conversation.answer(session_id, "encore", question_id=None)


def test_refusal_is_recorded_without_penalty(
    conversation: Conversation, engine: Engine, audit: MemoryAuditSink, session_id: str
) -> None:
    view = conversation.open(session_id)
    view = conversation.answer(session_id, "refuse", question_id=view.question_id)
    assert view.finished
    row = _row(engine, session_id)
    assert (row.status, row.consent) == (SessionStatus.REFUSED, False)
    assert _events(audit, session_id) == ["session_started", "consent_refused", "session_refused"]


def test_an_answer_to_another_question_is_refused_and_changes_nothing(
    conversation: Conversation, session_id: str
) -> None:
    view = conversation.open(session_id)
    with pytest.raises(ConversationError) as stale:
        conversation.answer(session_id, "accept", question_id="not-this-question")
    assert "autre onglet" in stale.value.candidate_message
    assert conversation.open(session_id) == view


def test_two_tabs_answering_the_same_question_count_once(conversation: Conversation, session_id: str) -> None:
    view = conversation.open(session_id)
    outcomes: list[str] = []

    def tab() -> None:
        try:
            conversation.answer(session_id, "accept", question_id=view.question_id)
            outcomes.append("answered")
        except ConversationError:
            outcomes.append("stale")

    tabs = [threading.Thread(target=tab) for _ in range(2)]
    for thread in tabs:
        thread.start()
    for thread in tabs:
        thread.join()
    assert sorted(outcomes) == ["answered", "stale"]


def test_an_unknown_session_is_refused(conversation: Conversation) -> None:
    with pytest.raises(ConversationError) as unknown:
        conversation.open("00000000-0000-0000-0000-000000000000")
    assert "aucun entretien" in unknown.value.candidate_message


def test_a_run_shows_its_turns_then_streams_the_next_question(engine: Engine, audit: MemoryAuditSink) -> None:
    """What the chat streams: the turns the run adds, in order, then drafts of the model's question, each a
    longer start of the question the view finally holds."""
    question = "Qu'est-ce qui vous donne envie de travailler auprès des patients chaque jour ?"
    model = ScriptedChatModel(replies=[question])
    scrubber = RecordingScrubber()
    with open_checkpointer() as saver:
        graph = session.build_graph(
            llm=scripted_gateway(model), rubrics=get_rubrics(), scrubber=scrubber, checkpointer=saver
        )
        conversation = Conversation(graph=graph, engine=engine, audit=audit, scrubber=scrubber)
        session_id = _new_session(engine, [Flow.MOTIVATION])
        view = conversation.open(session_id)
        events: list[Live] = []
        view = conversation.answer(session_id, ACCEPT["id"], question_id=view.question_id, live=events.append)
    assert view.question is not None
    assert view.question["text"] == question
    drafts = [cast(Draft, event) for event in events if "draft" in event]
    turns = [cast(Turn, event) for event in events if "draft" not in event]
    assert len(drafts) >= 3
    assert all(draft["progress"] == view.question["progress"] for draft in drafts)
    texts = [draft["draft"] for draft in drafts]
    assert all(later.startswith(earlier) for earlier, later in itertools.pairwise(texts))
    assert question.startswith(texts[-1])
    # The motivation interview's introduction comes before the question, as in the final view.
    assert motivation_nodes.INTRO in [entry["content"] for entry in turns]
    assert events.index(next(e for e in events if e.get("content") == motivation_nodes.INTRO)) < events.index(drafts[0])
    assert {entry["id"] for entry in turns} <= {entry["id"] for entry in view.turns}


def _new_session(engine: Engine, flows: list[Flow]) -> str:
    with Session(engine) as db:
        organisation_id = add_organisation(db, "Centre de test")
        db.commit()
    invitation = create_invitation(
        engine, get_settings(), organisation_id=organisation_id, rubric=get_rubrics()[RUBRIC], flows=flows
    )
    return invitation.session_id


def test_the_candidate_is_told_while_the_model_writes_the_feedback(engine: Engine, audit: MemoryAuditSink) -> None:
    scrubber = RecordingScrubber()
    with open_checkpointer() as saver:
        graph = session.build_graph(
            llm=scripted_gateway(ScriptedChatModel(replies=[])),  # a model that is down: bank questions, rules feedback
            rubrics=get_rubrics(),
            scrubber=scrubber,
            checkpointer=saver,
        )
        conversation = Conversation(graph=graph, engine=engine, audit=audit, scrubber=scrubber)
        session_id = _new_session(engine, [Flow.MOCK])
        view = conversation.open(session_id)
        events: list[Live] = []
        view = conversation.answer(session_id, ACCEPT["id"], question_id=view.question_id)
        while view.question is not None:
            events = []
            view = conversation.answer(session_id, SKIP["id"], question_id=view.question_id, live=events.append)
    contents = [event.get("notice") or event.get("content") for event in events]
    assert mock_nodes.PREPARING_FEEDBACK in contents
    feedback = next(
        text for text in contents if text and text.startswith("Merci, l'entretien blanc est terminé. Voici")
    )
    assert contents.index(mock_nodes.PREPARING_FEEDBACK) < contents.index(feedback)
    assert mock_nodes.PREPARING_FEEDBACK not in [entry["content"] for entry in view.turns]  # display only
