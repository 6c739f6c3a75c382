"""The session orchestrator and the quiz flow, driven end to end by scripted candidates through interrupts."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command

from app.checkpoints import open_checkpointer
from app.pii import Scrubber
from app.rubrics import get_rubrics
from app.rubrics.models import FreeTextItem, NumericItem, QuizItem, Rubric, SingleChoiceItem
from flows import session
from flows.session.graph import UnavailableFlowError, check_flows
from flows.session.nodes import ACCEPT, CLOSING, CONSENT_REPEAT, REFERRAL, REFUSE
from flows.session.state import SessionState
from flows.turns import Question
from tests.flows.support import rules_gateway
from tests.snapshot import assert_snapshot

RUBRIC = "aide-soignant"
SNAPSHOTS = Path(__file__).parent / "snapshots"


class TaggingScrubber:
    """Marks what it scrubbed, so tests can see that candidate answers went through it."""

    name = "tagging"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def scrub(self, text: str) -> str:
        self.seen.append(text)
        return text


@pytest.fixture
def rubric() -> Rubric:
    return get_rubrics()[RUBRIC]


@contextmanager
def session_graph(scrubber: Scrubber | None = None) -> Iterator[CompiledStateGraph[SessionState]]:
    with open_checkpointer() as saver:
        yield session.build_graph(
            llm=rules_gateway(), rubrics=get_rubrics(), scrubber=scrubber or TaggingScrubber(), checkpointer=saver
        )


def start(graph: CompiledStateGraph[SessionState], thread: str) -> Question:
    initial: SessionState = {
        "session_id": thread,
        "rubric_id": RUBRIC,
        "flows": check_flows(["quiz"]),
        "transcript": [],
        "completed_flows": [],
    }
    graph.invoke(initial, _config(thread))
    return pending(graph, thread)


def answer(graph: CompiledStateGraph[SessionState], thread: str, text: str) -> Question | None:
    graph.invoke(Command(resume=text), _config(thread))
    return pending_or_none(graph, thread)


def pending_or_none(graph: CompiledStateGraph[SessionState], thread: str) -> Question | None:
    state = graph.get_state(_config(thread), subgraphs=True)
    interrupts = [i.value for task in state.tasks for i in task.interrupts]
    return interrupts[0] if interrupts else None


def pending(graph: CompiledStateGraph[SessionState], thread: str) -> Question:
    question = pending_or_none(graph, thread)
    assert question is not None
    return question


def values(graph: CompiledStateGraph[SessionState], thread: str) -> dict[str, Any]:
    return dict(graph.get_state(_config(thread)).values)


def quiz_in_progress(graph: CompiledStateGraph[SessionState], thread: str) -> dict[str, Any]:
    """The quiz subgraph's own state while it waits for an answer."""
    task = graph.get_state(_config(thread), subgraphs=True).tasks[0]
    assert task.name == "quiz"
    assert task.state is not None
    return dict(task.state.values)


def _config(thread: str) -> Any:
    return {"configurable": {"thread_id": thread}}


def correct_answer(item: QuizItem) -> str:
    if isinstance(item, SingleChoiceItem):
        return chr(ord("A") + item.answer)
    if isinstance(item, NumericItem):
        value = f"{item.answer.value:g}".replace(".", ",")  # French decimal comma
        return f"{value} {item.answer.unit}" if item.answer.unit else value
    assert isinstance(item, FreeTextItem)
    return " et ".join(group[0].rstrip("*") for group in item.answer.expected)


def run_quiz(
    graph: CompiledStateGraph[SessionState], thread: str, rubric: Rubric, respond: Callable[[QuizItem], str]
) -> list[str]:
    items = {item.id: item for item in rubric.quiz.items}
    asked: list[str] = []
    question: Question | None = pending(graph, thread)
    for _ in range(rubric.quiz.stop.max_items):
        if question is None or question["kind"] != "quiz_item":
            break
        item_id = question["item_id"]
        asked.append(item_id)
        question = answer(graph, thread, respond(items[item_id]))
    assert question is None
    return asked


def test_accepting_runs_the_quiz_then_closes(rubric: Rubric) -> None:
    thread = str(uuid.uuid4())
    scrubber = TaggingScrubber()
    with session_graph(scrubber) as graph:
        consent = start(graph, thread)
        assert consent["kind"] == "consent"
        assert "intelligence artificielle" in consent["text"]
        assert [option["id"] for option in consent["options"]] == [ACCEPT["id"], REFUSE["id"]]
        first = answer(graph, thread, ACCEPT["id"])
        assert first is not None
        assert first["kind"] == "quiz_item"
        assert first["progress"].startswith("Question 1 ")
        asked = run_quiz(graph, thread, rubric, correct_answer)
        state = values(graph, thread)

    assert len(asked) == len(set(asked)) <= rubric.quiz.stop.max_items
    result = state["quiz_result"]
    assert result["finished"] is True
    assert result["items_asked"] == len(asked)
    assert result["threshold_met"] is True
    assert state["consent"] is True
    assert state["completed_flows"] == ["quiz"]
    assert state["transcript"][-1]["content"] == CLOSING
    candidate_turns = [turn["content"] for turn in state["transcript"] if turn["role"] == "candidate"]
    assert candidate_turns[1:] == scrubber.seen  # every quiz answer was scrubbed before being kept


def test_a_candidate_who_does_not_know_does_not_meet_the_threshold(rubric: Rubric) -> None:
    thread = str(uuid.uuid4())
    with session_graph() as graph:
        start(graph, thread)
        answer(graph, thread, "oui")
        run_quiz(graph, thread, rubric, lambda item: "je ne sais pas")
        result = values(graph, thread)["quiz_result"]
    assert result["threshold_met"] is False
    assert result["p_threshold_met"] < 0.5


def test_refusing_refers_to_a_human_without_any_assessment() -> None:
    thread = str(uuid.uuid4())
    with session_graph() as graph:
        start(graph, thread)
        assert answer(graph, thread, REFUSE["id"]) is None
        state = values(graph, thread)
    assert state["consent"] is False
    assert state["transcript"][-1]["content"] == REFERRAL
    assert "quiz_result" not in state
    assert "quiz_state" not in state
    assert state["completed_flows"] == []


def test_an_unclear_consent_is_asked_again() -> None:
    thread = str(uuid.uuid4())
    with session_graph() as graph:
        start(graph, thread)
        again = answer(graph, thread, "peut-être")
        assert again is not None
        assert again["kind"] == "consent"
        assert values(graph, thread)["transcript"][-1]["content"] == CONSENT_REPEAT
        assert "consent" not in values(graph, thread)


def test_an_unreadable_answer_records_nothing_and_the_same_item_is_asked_again(rubric: Rubric) -> None:
    thread = str(uuid.uuid4())
    with session_graph() as graph:
        start(graph, thread)
        first = answer(graph, thread, "accept")
        assert first is not None
        for unreadable in ("   ", "\x00\x01"):
            again = answer(graph, thread, unreadable)
            assert again is not None
            assert again["item_id"] == first["item_id"]
        assert "quiz_state" not in quiz_in_progress(graph, thread)  # no answer recorded yet


def test_a_session_resumes_on_a_new_connection_at_the_same_question(rubric: Rubric) -> None:
    thread = str(uuid.uuid4())
    items = {item.id: item for item in rubric.quiz.items}
    with session_graph() as graph:
        start(graph, thread)
        question = answer(graph, thread, "accept")
        assert question is not None
        question = answer(graph, thread, correct_answer(items[question["item_id"]]))
        assert question is not None
    with session_graph() as resumed:  # as after closing the tab or restarting the server
        assert pending(resumed, thread) == question
        assert len(quiz_in_progress(resumed, thread)["quiz_state"]["responses"]) == 1


def test_only_available_flows_can_be_selected_and_run_in_the_session_order() -> None:
    assert check_flows(["quiz"]) == ["quiz"]
    assert check_flows(["mock", "quiz", "motivation"]) == ["quiz", "motivation", "mock"]
    for requested in ([], ["quiz", "teleportation"], ["entretien"]):
        with pytest.raises(UnavailableFlowError):
            check_flows(requested)


def test_graph_topology_is_stable() -> None:
    with session_graph() as graph:
        assert_snapshot(SNAPSHOTS / "session.mmd", graph.get_graph(xray=True).draw_mermaid())
