"""Canaries through the real conversation: whole sessions (consent, motivation interview, mock interview, report)
driven through `Conversation` with the real scrubber, the session pseudonyms and the real gateway (to a model that
records every request). No canary value may then be found in any model request, log record, stored row, or in
the LangGraph checkpoint database, where the candidate's answers are written as LangGraph receives them."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.assessment.report import load_report
from app.assessment.scoring.scorer import TranscriptScorer
from app.assessment.session_report import SessionReporter
from app.checkpoints import open_checkpointer
from app.conversation import Conversation
from app.db.audit import DatabaseAuditSink
from app.db.models import Flow
from app.invitations import create_session
from app.llm.gateway import LLMGateway
from app.pii.analyzer import PiiAnalyzer
from app.pii.scrubber import PresidioScrubber
from app.pii.sessions import SessionPseudonyms
from app.pii.vault import DatabaseVault, VaultCipher
from app.rubrics import get_rubrics
from app.settings import get_settings
from evals.pii.corpus import vocabulary
from flows import session
from tests.pii.test_leakage import (
    CapturingChatModel,
    Forms,
    Haystack,
    _words,
    engine,  # noqa: F401 - fixture
    leaks,
    log_output,  # noqa: F401 - fixture
    make_canaries,
    stored_rows,
)
from tests.worlds import add_organisation

SESSIONS = 6


def checkpoint_texts() -> list[str]:
    """Every value of every row of the checkpoint database, bytes decoded as far as they are text."""
    path = get_settings().checkpoint_path
    texts: list[str] = []
    with sqlite3.connect(path) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in connection.execute(f'SELECT * FROM "{table}"'):
                texts.append(
                    " ".join(
                        value.decode("utf-8", "ignore") if isinstance(value, bytes) else str(value) for value in row
                    )
                )
    return texts


@pytest.fixture
def model() -> CapturingChatModel:
    return CapturingChatModel()


@pytest.fixture
def conversation(
    analyzer: PiiAnalyzer,
    scrubber: PresidioScrubber,
    engine: Engine,  # noqa: F811
    model: CapturingChatModel,
) -> Iterator[Conversation]:
    gateway = LLMGateway(
        chat_model=model, provider="test", model_name="capturing", scrubber=scrubber, audit=DatabaseAuditSink(engine)
    )
    reporter = SessionReporter(
        engine=engine,
        scorer=TranscriptScorer.from_services(gateway, scrubber=scrubber),
        audit=DatabaseAuditSink(engine),
    )
    pseudonyms = SessionPseudonyms(analyzer, DatabaseVault(engine, VaultCipher("v" * 40)))
    with open_checkpointer() as saver:
        graph = session.build_graph(llm=gateway, rubrics=get_rubrics(), scrubber=scrubber, checkpointer=saver)
        conversation = Conversation(
            graph=graph,
            engine=engine,
            audit=DatabaseAuditSink(engine),
            scrubber=scrubber,
            on_completed=reporter,
            pseudonyms=pseudonyms,
        )
        yield conversation
    gateway.close()


def test_no_canary_value_leaks_from_whole_sessions(
    conversation: Conversation,
    model: CapturingChatModel,
    engine: Engine,  # noqa: F811
    log_output: io.StringIO,  # noqa: F811
) -> None:
    with Session(engine) as db:
        organisation_id = add_organisation(db, "Centre de test")
        db.commit()
    background = _words(" ".join(vocabulary().towns) + " Merci c'est noté")
    canaries = make_canaries(background)[:SESSIONS]
    first_views: list[str] = []
    for canary in canaries:
        session_id = create_session(
            engine,
            organisation_id=organisation_id,
            rubric=get_rubrics()["aide-soignant"],
            flows=[Flow.MOTIVATION, Flow.MOCK],
        )
        messages = canary.messages("Metz")
        view = conversation.open(session_id)
        view = conversation.answer(session_id, "accept", question_id=view.question_id)
        for turn in range(40):
            if view.question is None:
                break
            view = conversation.answer(session_id, messages[turn % len(messages)], question_id=view.question_id)
            if turn == 0:
                first_views.append(" ".join(entry["content"] for entry in view.turns))
        assert view.question is None
        with Session(engine) as db:
            assert load_report(db, session_id) is not None

    assert model.requests  # questions, feedback and scoring went to the model
    haystacks = [Haystack.of("model request", text) for text in model.requests]
    haystacks += [Haystack.of("log", line) for line in log_output.getvalue().splitlines()]
    haystacks += [Haystack.of("stored row", row) for row in stored_rows(engine)]
    haystacks += [Haystack.of("checkpoint", text) for text in checkpoint_texts()]
    all_forms = [Forms.of(canary) for canary in canaries]
    found = [
        (haystack.where, value, haystack.raw[:160])
        for haystack in haystacks
        for forms in all_forms
        for value in leaks(haystack, forms)
    ]
    assert found == []
    # What the candidate reads back is restored: their own first name, not a placeholder.
    assert all(canary.first in shown for canary, shown in zip(canaries, first_views, strict=True))


def test_a_turn_whose_text_gets_a_new_pseudonym_when_stored_is_recorded(
    conversation: Conversation,
    engine: Engine,  # noqa: F811
) -> None:
    """Quiz items name people by an initial ("Mme P."); storing the turn gives them a pseudonym, which writes to
    the vault while the conversation records the turn. On SQLite that once waited on its own write lock ("database
    is locked") and the candidate's answer failed."""
    with Session(engine) as db:
        organisation_id = add_organisation(db, "Centre de test")
        db.commit()
    rubric = get_rubrics()["assistant-de-vie-aux-familles"]
    session_id = create_session(engine, organisation_id=organisation_id, rubric=rubric, flows=[Flow.QUIZ])
    view = conversation.open(session_id)
    view = conversation.answer(session_id, "accept", question_id=view.question_id)
    for _ in range(rubric.quiz.stop.max_items):
        if view.question is None:
            break
        view = conversation.answer(session_id, "je ne sais pas", question_id=view.question_id)
    assert view.question is None
    stored = " ".join(row for row in stored_rows(engine))
    assert "<PERSONNE_1>" in stored  # an initial in an item's text, pseudonymised as it was stored
