"""A tiny interview graph driven one step per process, to prove sessions resume across processes.

Run as `python -m tests.db.checkpoint_driver THREAD [ANSWER]`: starts (or resumes with ANSWER) and prints the
state as JSON: the pending question, if any, and the answers so far.
"""

from __future__ import annotations

import json
import operator
import sys
from typing import Annotated, Literal, TypedDict

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command, interrupt

from app.checkpoints import open_checkpointer

QUESTIONS = 3


class InterviewState(TypedDict):
    answers: Annotated[list[str], operator.add]


def ask(state: InterviewState) -> dict[str, list[str]]:
    answer = interrupt(f"question {len(state['answers']) + 1}")
    return {"answers": [str(answer)]}


def route(state: InterviewState) -> Literal["ask", "__end__"]:
    return "ask" if len(state["answers"]) < QUESTIONS else END


def build_graph(*, checkpointer: BaseCheckpointSaver[str]) -> CompiledStateGraph[InterviewState]:
    graph = StateGraph(InterviewState)
    graph.add_node("ask", ask)
    graph.add_edge(START, "ask")
    graph.add_conditional_edges("ask", route)
    return graph.compile(checkpointer=checkpointer)


def snapshot(graph: CompiledStateGraph[InterviewState], thread: str) -> dict[str, object]:
    state = graph.get_state({"configurable": {"thread_id": thread}})
    pending = [i.value for task in state.tasks for i in task.interrupts]
    return {"pending": pending[0] if pending else None, "answers": state.values.get("answers", [])}


def main(thread: str, answer: str | None) -> None:
    config = {"configurable": {"thread_id": thread}}
    with open_checkpointer() as saver:
        graph = build_graph(checkpointer=saver)
        graph.invoke(Command(resume=answer) if answer is not None else {"answers": []}, config)
        print(json.dumps(snapshot(graph, thread)))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
