"""Pseudonyms in a live conversation (`app.pii.sessions`): the candidate's message is stored with the session's
placeholders, the flows and the model gateway use the same ones inside `active()`, even in the threads LangGraph
runs nodes in, the checkpoint holds no value in clear, and the candidate reads the restored text."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, TypedDict

import pytest
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command, interrupt
from sqlalchemy.engine import Engine

from app.pii.analyzer import PiiAnalyzer
from app.pii.scrubber import get_scrubber
from app.pii.sessions import SessionPseudonyms
from app.pii.vault import DatabaseVault, VaultCipher
from tests.pii.test_pseudonyms import KEY, new_session

MESSAGE = "Je m'appelle Kevin Martin, mon portable c'est le 06 12 34 56 78."
IN_CLEAR = ("kevin", "martin", "0612345678", "06 12 34 56 78")


def _append(left: list[str], right: list[str]) -> list[str]:
    return [*left, *right]


class _State(TypedDict):
    transcript: Annotated[list[str], _append]


def _ask(state: _State) -> dict[str, list[str]]:
    """A flow node as in flows/: it asks, then scrubs the answer with the process scrubber."""
    answer = interrupt("Présentez-vous.")
    return {"transcript": [get_scrubber().scrub(str(answer))]}


def _reply(state: _State) -> dict[str, list[str]]:
    """What a model prompt built in a node would contain: a value typed again, scrubbed there."""
    return {"transcript": [get_scrubber().scrub("je rappelle le 0612345678")]}


@pytest.fixture
def pseudonyms(analyzer: PiiAnalyzer, migrated_engine: Engine) -> SessionPseudonyms:
    return SessionPseudonyms(analyzer, DatabaseVault(migrated_engine, VaultCipher(KEY)))


@pytest.fixture
def graph(tmp_path: Path) -> Iterator[tuple[CompiledStateGraph[_State], sqlite3.Connection]]:
    connection = sqlite3.connect(tmp_path / "checkpoints.db", check_same_thread=False)
    builder = StateGraph(_State)
    builder.add_node("ask", _ask)
    builder.add_node("reply", _reply)
    builder.add_edge(START, "ask")
    builder.add_edge("ask", "reply")
    builder.add_edge("reply", END)
    yield builder.compile(checkpointer=SqliteSaver(connection)), connection
    connection.close()


def test_a_conversation_turn_keeps_placeholders_and_the_candidate_reads_values(
    pseudonyms: SessionPseudonyms,
    migrated_engine: Engine,
    graph: tuple[CompiledStateGraph[_State], sqlite3.Connection],
) -> None:
    compiled, connection = graph
    session_id = new_session(migrated_engine)
    config = {"configurable": {"thread_id": session_id}}
    compiled.invoke({"transcript": []}, config)  # type: ignore[call-overload]

    with pseudonyms.active(session_id):  # what Conversation.answer does around the graph
        compiled.invoke(Command(resume=pseudonyms.scrub_for_session(session_id, MESSAGE)), config)  # type: ignore[call-overload]

    transcript = compiled.get_state(config).values["transcript"]  # type: ignore[arg-type]
    assert transcript == [
        "Je m'appelle <PERSONNE_1>, mon portable c'est le <TELEPHONE_1>.",
        "je rappelle le <TELEPHONE_1>",
    ]
    stored = json.dumps(
        [
            [value.decode("latin-1") if isinstance(value, bytes) else str(value) for value in row]
            for table in ("checkpoints", "writes")
            for row in connection.execute(f"SELECT * FROM {table}")
        ]
    ).lower()
    assert "<telephone_1>" in stored  # the search below looks at the right place
    assert [value for value in IN_CLEAR if value in stored] == []
    assert [pseudonyms.restore_for_display(session_id, text) for text in transcript] == [
        MESSAGE,
        "je rappelle le 06 12 34 56 78",
    ]


def test_outside_active_the_process_scrubber_stays_anonymous(
    pseudonyms: SessionPseudonyms, migrated_engine: Engine
) -> None:
    session_id = new_session(migrated_engine)
    with pseudonyms.active(session_id):
        assert get_scrubber().scrub("tel 0612345678") == "tel <TELEPHONE_1>"
    assert get_scrubber().scrub("tel 0612345678") == "tel <TELEPHONE>"


def test_scrubbing_twice_changes_nothing_and_sessions_stay_apart(
    pseudonyms: SessionPseudonyms, migrated_engine: Engine
) -> None:
    one, other = new_session(migrated_engine), new_session(migrated_engine)
    scrubbed = pseudonyms.scrub_for_session(one, MESSAGE)
    assert pseudonyms.scrub_for_session(one, scrubbed) == scrubbed
    assert pseudonyms.scrub_for_session(other, "tel 07 00 00 00 01") == "tel <TELEPHONE_1>"
    assert pseudonyms.restore_for_display(other, "<TELEPHONE_1>") == "07 00 00 00 01"
    assert pseudonyms.restore_for_display(one, "<TELEPHONE_1>") == "06 12 34 56 78"


def test_another_process_restores_and_forget_deletes(
    analyzer: PiiAnalyzer, pseudonyms: SessionPseudonyms, migrated_engine: Engine
) -> None:
    session_id = new_session(migrated_engine)
    reply = f"Merci {pseudonyms.scrub_for_session(session_id, 'Kevin Martin')}."
    elsewhere = SessionPseudonyms(analyzer, DatabaseVault(migrated_engine, VaultCipher(KEY)))
    assert elsewhere.restore_for_display(session_id, reply) == "Merci Kevin Martin."

    assert pseudonyms.forget(session_id) == 1
    assert pseudonyms.restore_for_display(session_id, reply) == reply  # nothing left to restore it from
